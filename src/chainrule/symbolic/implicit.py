"""Implicit differentiation: dy/dx from an equation in x and y, worked as a course does.

For ``x^2 + y^2 = 25``: read y as a function of x, differentiate both sides by x (the chain rule gives
``d/dx y^2 = 2y y'``), collect the terms with ``y'``, and solve: ``y' = -x/y``. The derivative is linear in
``y'``, so collecting is exact: ``A + B y' = 0`` with ``A`` the rest and ``B`` the coefficient, and
``y' = -A/B``, which is ``-F_x/F_y`` for ``F = lhs - rhs``.

Examples
--------
>>> import chainrule as cr
>>> cr.implicit_diff("x^2 + y^2 = 25", "y", "x")
-x/y
>>> cr.implicit_diff("x^2 + y^2 = 25", "y", "x", at={"x": 3, "y": 4})
-3/4
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.symbolic.algebra import mul, neg, power
from chainrule.symbolic.differentiate import derivative
from chainrule.symbolic.explain.formula import BoardFormula, Deriv, Renderer
from chainrule.symbolic.expr import NEG_ONE, ZERO, Expr, as_expr, symbol
from chainrule.symbolic.parser import parse
from chainrule.symbolic.simplify import simplify
from chainrule.symbolic.traverse import substitute
from chainrule.symbolic.unknowns import unknown
from chainrule.symbolic.variables import as_variable

__all__ = ["ImplicitExplanation", "ImplicitStep", "explain_implicit", "implicit_diff"]

_SLOPE = symbol("_slope")  # stands for y' while it is collected
_EQUALS = re.compile(r"(?<![<>=!])=(?!=)")  # the '=' of an equation, not of <=, >=, ==, !=


def _sides(equation: Any) -> tuple[Expr, Expr]:
    """``(lhs, rhs)`` of ``"lhs = rhs"``, of a pair, or of an expression meaning ``expr = 0``."""
    if isinstance(equation, str):
        signs = [m.start() for m in _EQUALS.finditer(equation)]
        if len(signs) != 1:
            raise ChainruleValueError(
                f"an equation has one '=' between its sides, e.g. 'x^2 + y^2 = 25'; got {equation!r}"
                + (f", which has {len(signs)}" if signs else ", which has none")
                + " (the '=' of a condition's <=, >=, ==, != does not count)"
            )
        return parse(equation[: signs[0]]), parse(equation[signs[0] + 1 :])
    if isinstance(equation, tuple):
        if len(equation) != 2:
            raise ChainruleTypeError("an equation given as a tuple is (lhs, rhs)")
        return tuple(parse(s) if isinstance(s, str) else as_expr(s) for s in equation)  # type: ignore[return-value]
    return as_expr(equation), ZERO


@dataclass(frozen=True)
class ImplicitStep:
    """One step: the rule, and the equations it writes (``lhs = rhs`` pairs, unsimplified)."""

    rule: str
    statement: str
    equations: tuple[tuple[BoardFormula, BoardFormula], ...]


@dataclass(frozen=True)
class _Parts:
    lhs: Expr
    rhs: Expr
    y: Expr
    x: Expr
    d_lhs: Expr  # the derivatives of both sides, with y(x) and y'(x)
    d_rhs: Expr
    rest: Expr  # A: the terms without y'
    slope: Expr  # B: the coefficient of y'
    result: Expr


def _work(equation: Any, y: Any, x: Any) -> _Parts:
    lhs, rhs = _sides(equation)
    yv, xv = as_variable(y, lhs), as_variable(x, lhs)
    if yv is xv:
        raise ChainruleValueError(f"y and x must be different symbols, got {yv} twice")
    if yv not in lhs.free_symbols | rhs.free_symbols:
        raise ChainruleValueError(
            f"the equation does not involve {yv}, so it does not define {yv} implicitly"
        )
    function = unknown(yv.name, xv)
    d_lhs, d_rhs = (derivative(substitute(side, {yv: function}), xv) for side in (lhs, rhs))
    prime = unknown(yv.name, xv, 1)
    difference = substitute(d_lhs - d_rhs, {prime: _SLOPE})
    rest = substitute(difference, {_SLOPE: ZERO})
    slope = derivative(difference, _SLOPE)  # the derivative is linear in y'
    back = {function: yv}
    rest, slope = simplify(substitute(rest, back)), simplify(substitute(slope, back))
    if slope is ZERO:
        raise ChainruleValueError(
            f"d/d{yv} of both sides cancels: {lhs} = {rhs} does not determine d{yv}/d{xv} implicitly"
        )
    result = simplify(mul(neg(rest), power(slope, NEG_ONE)))
    return _Parts(lhs, rhs, yv, xv, d_lhs, d_rhs, rest, slope, result)


def implicit_diff(
    equation: Any, y: str | Expr = "y", x: str | Expr = "x", *, at: Mapping[str, Any] | None = None
) -> Any:
    """dy/dx for y defined implicitly by an equation in x and y.

    Parameters
    ----------
    equation:
        ``"lhs = rhs"`` text, a ``(lhs, rhs)`` pair, or an expression ``F`` meaning ``F = 0``.
    y, x:
        The dependent and the independent variable.
    at:
        A point ``{"x": ..., "y": ...}`` on the curve: the slope there (an exact number when the point is
        exact) instead of the formula. A point off the curve raises.

    Examples
    --------
    >>> import chainrule as cr
    >>> cr.implicit_diff("x y + sin(y) = x^2", "y", "x")
    (2*x - y)/(x + cos(y))
    """
    parts = _work(equation, y, x)
    if at is None:
        return parts.result
    point = {k: parse(v) if isinstance(v, str) else as_expr(v) for k, v in at.items()}
    residual = substitute(parts.lhs - parts.rhs, point)
    value = residual.evaluate() if not residual.free_symbols else None
    if value is None or abs(value) > 1e-9 * max(1.0, abs(parts.rhs.subs(point).evaluate())):
        shown = ", ".join(f"{k} = {v}" for k, v in point.items())
        raise ChainruleValueError(
            f"the point ({shown}) is not on {parts.lhs} = {parts.rhs} (lhs - rhs = {residual}); the slope "
            "there would be the slope of another curve"
        )
    return substitute(parts.result, point)


@dataclass(frozen=True)
class ImplicitExplanation:
    """Implicit differentiation worked step by step; ``result`` is :func:`implicit_diff`'s formula."""

    lhs: Expr
    rhs: Expr
    y: Expr
    x: Expr
    steps: tuple[ImplicitStep, ...]
    result: Expr
    notation: str = "lagrange"

    def _renderer(self, fmt: str) -> Renderer:
        r = Renderer(fmt, "leibniz")  # d/dx of both sides; the notation is that of y' (or dy/dx)
        r.printer.bare({self.y.name: self.x.name}, leibniz=self.notation == "leibniz")
        return r

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self) -> str:
        """Plain text: the equation and the answer, then the numbered steps."""
        r = self._renderer("text")
        y, x = self.y.name, self.x.name
        lines = [f"d{y}/d{x} from {r(self.lhs)} = {r(self.rhs)}:  {r(self._prime())} = {r(self.result)}", ""]
        for number, step in enumerate(self.steps, 1):
            lines.append(f"{number}. {step.rule}    [{step.statement}]")
            lines += [f"   {r(left)} = {r(right)}" for left, right in step.equations]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """Markdown with LaTeX math."""
        r = self._renderer("latex")
        lines = [f"$${r(self._prime())} = {r(self.result)}$$", ""]
        for number, step in enumerate(self.steps, 1):
            lines.append(f"{number}. **{step.rule}** — `{step.statement}`")
            lines += [f"   $${r(left)} = {r(right)}$$" for left, right in step.equations]
        return "\n".join(lines)

    def _prime(self) -> Expr:
        return unknown(self.y.name, self.x, 1)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def explain_implicit(
    equation: Any, y: str | Expr = "y", x: str | Expr = "x", *, notation: str = "lagrange"
) -> ImplicitExplanation:
    """:func:`implicit_diff` step by step: differentiate both sides, collect y', solve.

    Examples
    --------
    >>> import chainrule as cr
    >>> print(cr.explain_implicit("x^2 + y^2 = 25", "y", "x"))
    dy/dx from x^2 + y^2 = 25:  y' = -x/y
    <BLANKLINE>
    1. differentiate both sides by x, with y a function of x    [chain rule: d/dx g(y) = g'(y) y']
       d/dx (x^2 + y^2) = d/dx 25
       2*x + 2*y*y' = 0
    2. collect the terms with y'    [A + B y' = 0]
       2*y*y' = -2*x
    3. solve for y'    [y' = -A/B]
       y' = -x/y
    """
    if notation not in ("leibniz", "lagrange"):
        raise ChainruleValueError(f"notation must be 'leibniz' or 'lagrange', got {notation!r}")
    p = _work(equation, y, x)
    function, prime = unknown(p.y.name, p.x), unknown(p.y.name, p.x, 1)
    as_function = {p.y: function}
    lhs_f, rhs_f = substitute(p.lhs, as_function), substitute(p.rhs, as_function)
    yn, xn = p.y.name, p.x.name
    steps = (
        ImplicitStep(
            f"differentiate both sides by {xn}, with {yn} a function of {xn}",
            f"chain rule: d/d{xn} g({yn}) = g'({yn}) {yn}'",
            ((Deriv(lhs_f, p.x), Deriv(rhs_f, p.x)), (p.d_lhs, p.d_rhs)),
        ),
        ImplicitStep(
            f"collect the terms with {yn}'",
            f"A + B {yn}' = 0",
            ((mul(substitute(p.slope, as_function), prime), neg(substitute(p.rest, as_function))),),
        ),
        ImplicitStep(f"solve for {yn}'", f"{yn}' = -A/B", ((prime, substitute(p.result, as_function)),)),
    )
    return ImplicitExplanation(p.lhs, p.rhs, p.y, p.x, steps, p.result, notation)
