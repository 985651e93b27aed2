"""The functions a user writes: ``sin(x)``, ``log(x, 2)``, ``sec(x)``, ``maximum(x, y, z)`` ...

Every primitive of the rule table with a formula name is a function here, under that name and its aliases
(``sym.sin``, ``sym.asin``, ``sym.arcsin``), looked up in :data:`chainrule.core.registry.FORMULAS` when it is
asked for, so a primitive made later is a function too. Calling one calls the primitive on expressions,
which makes its node (or, for a primitive formulas write through others, its rewrite: ``sqrt(x) = x^(1/2)``).

:data:`COMPOSITES` adds the functions that are not primitives at all, each defined once here by its
formula: the reciprocal trigonometric and hyperbolic functions and their inverses (``sec``, ``acot``,
``coth``, ``asech`` ...), ``root(x, n)``, NumPy's ``sinc``, the logarithm to a base, ``max``/``min`` of more
than two values, ``heaviside`` with its default value at 0 and ``piecewise`` with several pieces.

Examples
--------
>>> from chainrule import symbolic as sym
>>> from chainrule.symbolic import elementary as el
>>> x = sym.symbols("x")
>>> el.sec(x), el.log(x, 2), el.sqrt(4), el.arcsin(x)
(1/cos(x), log(x)/log(2), 2, asin(x))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from chainrule.core.registry import FORMULAS
from chainrule.errors import ChainruleTypeError
from chainrule.symbolic.algebra import mul, power
from chainrule.symbolic.expr import PI, Expr, as_expr, number

__all__ = ["COMPOSITES", "Composite", "function", "lookup"]


@dataclass(frozen=True)
class Composite:
    """A function defined by a formula of others: how to build it, how many arguments, SymPy's name."""

    build: Callable[..., Expr]
    min_args: int
    max_args: int | None
    sympy: str | None = None
    doc: str = ""
    fallback: bool = False  # give way to a primitive of the rule table that declares the same name


def _primitive_function(name: str) -> Callable[..., Expr]:
    prim = FORMULAS[name]

    def function(*args: Any) -> Expr:
        result: Expr = prim(*[as_expr(a) for a in args])
        return result

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``{name}`` as a formula: the node of core's ``{prim.name}`` primitive.\n"
    return function


def _log(x: Any, base: Any = None) -> Expr:
    log = _primitive_function("log")
    if base is None:
        return log(x)
    return mul(log(x), power(log(base), number(-1)))


def _fold(name: str) -> Callable[..., Expr]:
    def fold(*args: Any) -> Expr:
        if len(args) < 2:
            raise ChainruleTypeError(f"{name} takes at least 2 arguments, got {len(args)}")
        pairwise = _primitive_function(name)
        result = as_expr(args[0])
        for a in args[1:]:
            result = pairwise(result, a)
        return result

    return fold


def _heaviside(x: Any, at_zero: Any = Fraction(1, 2)) -> Expr:
    return _primitive_function("heaviside")(x, at_zero)


def _reciprocal(name: str) -> Callable[[Any], Expr]:
    return lambda x: power(_primitive_function(name)(x), number(-1))


def _quotient(top: str, bottom: str) -> Callable[[Any], Expr]:
    return lambda x: mul(_primitive_function(top)(x), _reciprocal(bottom)(x))


def _of_reciprocal(name: str) -> Callable[[Any], Expr]:
    return lambda x: _primitive_function(name)(power(as_expr(x), number(-1)))


def _root(x: Any, n: Any) -> Expr:
    return power(as_expr(x), power(as_expr(n), number(-1)))


def _sinc(x: Any) -> Expr:
    # NumPy's (normalized) sinc: sin(pi x)/(pi x), whose value at 0 is its limit 1
    u = mul(PI, as_expr(x))
    return mul(_primitive_function("sin")(u), power(u, number(-1)))


def _piecewise(*args: Any) -> Expr:
    if len(args) < 3 or len(args) % 2 == 0:
        raise ChainruleTypeError(
            "piecewise takes conditions and values, then the value otherwise: "
            f"piecewise(x < 0, -x, x^2) or piecewise(c1, v1, c2, v2, otherwise); got {len(args)} arguments"
        )
    choose = _primitive_function("piecewise")
    result = as_expr(args[-1])
    for k in range(len(args) - 3, -1, -2):
        result = choose(args[k], args[k + 1], result)
    return result


def _composite(build: Callable[..., Expr], sympy: str, doc: str, arguments: int = 1) -> Composite:
    return Composite(build, arguments, arguments, sympy, doc)


COMPOSITES: dict[str, Composite] = {
    "cot": _composite(_quotient("cos", "sin"), "cot", "The cotangent cos(x)/sin(x)."),
    "asec": _composite(_of_reciprocal("acos"), "asec", "The inverse secant acos(1/x)."),
    "acsc": _composite(_of_reciprocal("asin"), "acsc", "The inverse cosecant asin(1/x)."),
    "acot": _composite(_of_reciprocal("atan"), "acot", "The inverse cotangent atan(1/x) (SymPy's branch)."),
    "sech": _composite(_reciprocal("cosh"), "sech", "The hyperbolic secant 1/cosh(x)."),
    "csch": _composite(_reciprocal("sinh"), "csch", "The hyperbolic cosecant 1/sinh(x)."),
    "coth": _composite(_quotient("cosh", "sinh"), "coth", "The hyperbolic cotangent cosh(x)/sinh(x)."),
    "asech": _composite(_of_reciprocal("acosh"), "asech", "The inverse hyperbolic secant acosh(1/x)."),
    "acsch": _composite(_of_reciprocal("asinh"), "acsch", "The inverse hyperbolic cosecant asinh(1/x)."),
    "acoth": _composite(_of_reciprocal("atanh"), "acoth", "The inverse hyperbolic cotangent atanh(1/x)."),
    "root": _composite(_root, "root", "The principal n-th root x^(1/n), for x >= 0 (cbrt(x): any x).", 2),
    "sinc": Composite(
        _sinc,
        1,
        1,
        None,
        "NumPy's normalized sinc sin(pi x)/(pi x); undefined at exactly 0 as a formula (its limit is 1).",
        fallback=True,
    ),
    "piecewise": Composite(
        _piecewise,
        3,
        None,
        "Piecewise",
        "piecewise(c1, v1, c2, v2, ..., otherwise): v1 where c1 holds, else v2 where c2 holds ...",
    ),
    "sec": Composite(_reciprocal("cos"), 1, 1, "sec", "The secant 1/cos(x)."),
    "csc": Composite(_reciprocal("sin"), 1, 1, "csc", "The cosecant 1/sin(x)."),
    "log": Composite(_log, 1, 2, None, "The natural logarithm, or log(x, b) = log(x)/log(b) to base b."),
    "max": Composite(_fold("max"), 2, None, None, "The largest of two or more values; ties split evenly."),
    "min": Composite(_fold("min"), 2, None, None, "The smallest of two or more values; ties split evenly."),
    "heaviside": Composite(
        _heaviside, 1, 2, None, "The step function: 0 below zero, 1 above, at_zero (default 1/2) at zero."
    ),
}
# names by which Python code calls some functions (np.maximum, abs) besides their formula names
_PYTHON_NAMES = {"absolute": "abs", "maximum": "max", "minimum": "min"}


def lookup(name: str) -> tuple[Callable[..., Expr], int, int | None] | None:
    """The builder of the function ``name`` and its least and most arguments (None: any), or None."""
    composite = COMPOSITES.get(name)
    if composite is not None and not (composite.fallback and name in FORMULAS):
        return composite.build, composite.min_args, composite.max_args
    prim = FORMULAS.get(name)
    if prim is None:
        return None
    arity = prim.arity or 1
    return _primitive_function(name), arity, arity


def function(name: str) -> Callable[..., Expr]:
    """The function called ``name`` (a formula name, an alias, a composite or ``absolute``/``maximum``...)."""
    name = _PYTHON_NAMES.get(name, name)
    found = lookup(name)
    if found is None:
        raise AttributeError(f"chainrule.symbolic has no function {name!r}")
    build = found[0]
    composite = COMPOSITES.get(name)
    if composite is not None and composite.doc and build is composite.build:
        build.__doc__ = composite.doc
    return build


def __getattr__(name: str) -> Any:
    # sym.sin, el.arcsin, sym.maximum ...: looked up when asked for, so primitives made later count too
    if name.startswith("__"):
        raise AttributeError(name)
    return function(name)
