"""The tangent line and the Taylor polynomial of a function at a point, exactly where they can be.

:func:`tangent_line` gives the slope and the equation a course writes (``y = 14x - 22`` for
``3x^2 - 4x + 5`` at ``x = 3``) and is callable, so plots draw it; :func:`taylor` gives
``sum f^(k)(a)/k! (x - a)^k``. Both take text, expressions or Python functions of one scalar (traced into
an expression; code that cannot be traced gets the engine's float values instead).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.errors import ChainruleError, ChainruleValueError
from chainrule.symbolic.algebra import add_all, mul, power
from chainrule.symbolic.differentiate import derivative, diff
from chainrule.symbolic.expand import expand
from chainrule.symbolic.expr import Expr, as_expr, number
from chainrule.symbolic.parser import parse
from chainrule.symbolic.simplify import simplify
from chainrule.symbolic.traverse import substitute
from chainrule.symbolic.variables import as_expression, as_variable, ordinal

__all__ = ["TangentLine", "tangent_line", "taylor"]


def _point(a: Any) -> Expr:
    point = parse(a) if isinstance(a, str) else as_expr(a)
    if point.free_symbols:
        raise ChainruleValueError(f"the point must be a number, got {point}")
    return point


def _expression(f: Any, var: Any) -> tuple[Expr | None, Expr]:
    """The function as an expression and its variable; None for Python code that cannot be traced."""
    if callable(f) and not isinstance(f, Expr):
        from chainrule.symbolic.trace import trace

        try:
            e = trace(f)
        except ChainruleError:
            return None, as_variable(var or "x", as_expr(0))
        if not isinstance(e, Expr):
            raise ChainruleValueError("the function must return one number")
        return e, as_variable(var, e) if e.free_symbols or var is not None else as_variable("x", e)
    e = as_expression(f)
    if var is None and not e.free_symbols:
        return e, as_variable("x", e)
    return e, as_variable(var, e)


def _finite(value: Expr, what: str) -> Expr:
    if not value.free_symbols and not np.isfinite(value.evaluate()):
        raise ChainruleValueError(f"{what} is {value.evaluate()}: choose a point where f is differentiable")
    return value


@dataclass(frozen=True)
class TangentLine:
    """The tangent of ``function`` at ``point``: ``y = value + slope (x - point)``; call it to evaluate.

    ``function`` is None for Python code the tangent was found for with the autodiff engine.
    """

    function: Expr | None
    variable: Expr
    point: Expr
    value: Expr
    slope: Expr
    equation: Expr

    def __call__(self, x: Any) -> Any:
        """The line's height at ``x`` (a number or an array)."""
        return self.equation.evaluate({self.variable: x}) + np.zeros_like(np.asarray(x, dtype=np.float64))

    @property
    def intercept(self) -> Expr:
        """Where the line crosses the vertical axis: ``value - slope * point``."""
        return self.equation.subs({self.variable: 0})

    def __str__(self) -> str:
        return f"y = {self.equation}"

    def __repr__(self) -> str:
        return f"<TangentLine at {self.variable} = {self.point}: slope {self.slope}, y = {self.equation}>"


def tangent_line(f: Any, a: Any, var: str | Expr | None = None) -> TangentLine:
    """The tangent of ``f`` at ``x = a``: its slope ``f'(a)`` and equation ``y = f(a) + f'(a) (x - a)``.

    Examples
    --------
    >>> import chainrule as cr
    >>> t = cr.tangent_line("3x^2 - 4x + 5", 3)
    >>> t.slope, t.value, t
    (14, 20, <TangentLine at x = 3: slope 14, y = 14*x - 22>)
    >>> float(t(4.0))
    34.0
    >>> cr.tangent_line(lambda x: x**3 - 3 * x, 2).equation
    9*x - 16
    """
    point = _point(a)
    expr, v = _expression(f, var)
    if expr is None:
        return _engine_tangent(f, v, point)
    value = _finite(simplify(substitute(expr, {v: point})), f"f({point})")
    slope = _finite(simplify(substitute(diff(expr, v), {v: point})), f"f'({point})")
    equation = expand(value + mul(slope, v - point))
    return TangentLine(expr, v, point, value, slope, equation)


def _engine_tangent(f: Callable[..., Any], v: Expr, point: Expr) -> TangentLine:
    from chainrule.core import grad

    a = float(point.evaluate())
    with np.errstate(all="ignore"):
        value, slope = number(float(f(a))), number(float(grad(f)(a)))
    _finite(value, f"f({a})")
    _finite(slope, f"f'({a})")
    return TangentLine(None, v, point, value, slope, expand(value + mul(slope, v - point)))


def taylor(f: Any, x: str | Expr | None = None, a: Any = 0, order: int = 3) -> Expr:
    """The Taylor polynomial of ``f`` at ``a`` of degree ``order``: ``sum f^(k)(a)/k! (x - a)^k``.

    Coefficients are exact where the derivatives' values are (``exp(1)`` stays ``e``).

    Examples
    --------
    >>> import chainrule as cr
    >>> cr.taylor("exp(x)", "x", 0, 4)
    x^4/24 + x^3/6 + x^2/2 + x + 1
    >>> cr.taylor("sin(x)", "x", 0, 5)
    x^5/120 - x^3/6 + x
    >>> cr.taylor("log(x)", "x", 1, 2)
    x - (x - 1)^2/2 - 1
    """
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise ChainruleValueError(
            f"the order of a Taylor polynomial is a non-negative integer, got {order!r}"
        )
    point = _point(a)
    expr, v = _expression(f, x)
    if expr is None:
        raise ChainruleValueError("taylor needs a function chainrule can trace (NumPy calls on one scalar)")
    shift = v - point
    terms = []
    current = expr
    for k in range(order + 1):
        if k:
            current = derivative(current, v)
        value = _finite(simplify(substitute(current, {v: point})), f"the {ordinal(k)} derivative at {point}")
        terms.append(mul(value, mul(number(1) / number(math.factorial(k)), power(shift, number(k)))))
    return add_all(terms)
