"""The functions a user writes: ``sin(x)``, ``log(x, 2)``, ``sec(x)``, ``maximum(x, y)`` ...

Most are one function node each (see :data:`chainrule.symbolic.functions.FUNCTIONS`); the rest are
compositions of those, so they need no rule of their own: ``sqrt(x) = x^(1/2)``, ``sec(x) = 1/cos(x)``,
``csc(x) = 1/sin(x)``, ``cot(x) = cos(x)/sin(x)``, ``log(x, b) = log(x)/log(b)``.

Examples
--------
>>> from chainrule import symbolic as sym
>>> from chainrule.symbolic import elementary as el
>>> x = sym.symbols("x")
>>> el.sec(x), el.log(x, 2), el.sqrt(4)
(1/cos(x), log(x)/log(2), 2)
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from chainrule.errors import ChainruleTypeError
from chainrule.symbolic.algebra import mul, power
from chainrule.symbolic.expr import Expr, as_expr, number
from chainrule.symbolic.functions import call

__all__ = [
    "BY_NAME",
    "absolute",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "cos",
    "cosh",
    "cot",
    "csc",
    "exp",
    "heaviside",
    "log",
    "maximum",
    "minimum",
    "relu",
    "sec",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "softplus",
    "sqrt",
    "tan",
    "tanh",
]


def _unary(name: str, doc: str) -> Callable[[Any], Expr]:
    def function(x: Any) -> Expr:
        return call(name, x)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"{doc}\n\nA function node whose derivative comes from core's ``{name}`` rule.\n"
    return function


exp = _unary("exp", "The exponential function e^x.")
sin = _unary("sin", "Sine.")
cos = _unary("cos", "Cosine.")
tan = _unary("tan", "Tangent.")
asin = _unary("asin", "Inverse sine (arcsin).")
acos = _unary("acos", "Inverse cosine (arccos).")
atan = _unary("atan", "Inverse tangent (arctan).")
sinh = _unary("sinh", "Hyperbolic sine.")
cosh = _unary("cosh", "Hyperbolic cosine.")
tanh = _unary("tanh", "Hyperbolic tangent.")
asinh = _unary("asinh", "Inverse hyperbolic sine.")
acosh = _unary("acosh", "Inverse hyperbolic cosine.")
atanh = _unary("atanh", "Inverse hyperbolic tangent.")
absolute = _unary(
    "abs", "The absolute value |x|; its derivative at 0 is taken as 0 (DESIGN.md's kink policy)."
)
sign = _unary("sign", "The sign: -1, 0 or 1.")
relu = _unary("relu", "max(x, 0); its derivative at 0 is taken as 0.")
sigmoid = _unary("sigmoid", "The logistic function 1/(1 + e^-x).")
softplus = _unary("softplus", "log(1 + e^x).")


def sqrt(x: Any) -> Expr:
    """The square root, the power x^(1/2)."""
    return power(as_expr(x), number(Fraction(1, 2)))


def log(x: Any, base: Any = None) -> Expr:
    """The natural logarithm, or the logarithm to ``base`` as log(x)/log(base)."""
    if base is None:
        return call("log", x)
    return mul(call("log", x), power(call("log", base), number(-1)))


def sec(x: Any) -> Expr:
    """The secant 1/cos(x)."""
    return power(call("cos", x), number(-1))


def csc(x: Any) -> Expr:
    """The cosecant 1/sin(x)."""
    return power(call("sin", x), number(-1))


def cot(x: Any) -> Expr:
    """The cotangent cos(x)/sin(x)."""
    return mul(call("cos", x), power(call("sin", x), number(-1)))


def maximum(*args: Any) -> Expr:
    """The larger of two or more values; at a tie the derivative is split evenly (DESIGN.md)."""
    return _fold("max", args)


def minimum(*args: Any) -> Expr:
    """The smaller of two or more values; at a tie the derivative is split evenly (DESIGN.md)."""
    return _fold("min", args)


def _fold(name: str, args: tuple[Any, ...]) -> Expr:
    if len(args) < 2:
        raise ChainruleTypeError(f"{name} takes at least 2 arguments, got {len(args)}")
    result = as_expr(args[0])
    for a in args[1:]:
        result = call(name, result, a)
    return result


def heaviside(x: Any, at_zero: Any = Fraction(1, 2)) -> Expr:
    """The step function: 0 below zero, 1 above, ``at_zero`` at zero (a number)."""
    if not as_expr(at_zero).is_number:
        raise ChainruleTypeError(f"heaviside's value at zero must be a number, got {at_zero}")
    return call("heaviside", x, at_zero)


def atan2(y: Any, x: Any) -> Expr:
    """The angle of the point (x, y), as NumPy's arctan2(y, x)."""
    return call("atan2", y, x)


# Names the parser accepts, with their argument counts (min, max; None for any number).
BY_NAME: dict[str, tuple[Callable[..., Expr], int, int | None]] = {
    **{
        f.__name__: (f, 1, 1)
        for f in (exp, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh)
    },
    **{f.__name__: (f, 1, 1) for f in (sign, relu, sigmoid, softplus, sqrt, sec, csc, cot)},
    "abs": (absolute, 1, 1),
    "log": (log, 1, 2),
    "ln": (log, 1, 1),
    "log2": (lambda x: log(x, 2), 1, 1),
    "log10": (lambda x: log(x, 10), 1, 1),
    "arcsin": (asin, 1, 1),
    "arccos": (acos, 1, 1),
    "arctan": (atan, 1, 1),
    "arsinh": (asinh, 1, 1),
    "arcosh": (acosh, 1, 1),
    "artanh": (atanh, 1, 1),
    "arcsinh": (asinh, 1, 1),
    "arccosh": (acosh, 1, 1),
    "arctanh": (atanh, 1, 1),
    "max": (maximum, 2, None),
    "min": (minimum, 2, None),
    "heaviside": (heaviside, 1, 2),
    "atan2": (atan2, 2, 2),
}
