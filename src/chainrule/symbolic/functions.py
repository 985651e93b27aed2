"""The functions an expression may contain, each tied to its primitive in ``chainrule.core``'s rule table.

:data:`FUNCTIONS` names every function node: its primitive (whose forward rule differentiates it, whose
``impl`` evaluates it, and whose ``rule``/``notation``/``kink`` fields explain it), its arity, and how the
printers spell it. Functions without a primitive of their own are compositions: ``sec(x) = 1/cos(x)``,
``log(x, b) = log(x)/log(b)``, ``sqrt(x) = x^(1/2)``.

This module is also where NumPy calls on expressions arrive (``np.sin(x)``): they go through NumPy's ufunc
table in ``chainrule.core.numpy_api`` to a primitive, and from the primitive to a node, so tracing code and
differentiating it use the same table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from chainrule.core.numpy_api import COMPARISONS, UFUNCS
from chainrule.core.primitive import Primitive, bind
from chainrule.core.rules import elementwise as ew
from chainrule.core.rules import special as sp
from chainrule.errors import ChainruleTypeError, ChainruleValueError, UnsupportedOperationError
from chainrule.symbolic.algebra import add, mul, neg, power
from chainrule.symbolic.expr import NUM, ONE, ZERO, Expr, as_expr, cons, constant, number

__all__ = [
    "FUNCTIONS",
    "HALF",
    "PI",
    "E",
    "Function",
    "apply_array_function",
    "apply_primitive",
    "apply_ufunc",
    "call",
]


def _heaviside(x: Any, at_zero: Any) -> Any:
    # Comparisons give plain arrays even on traced values, so this is a constant to the autodiff engine.
    return np.where(x > 0, 1.0, np.where(x == 0, at_zero, 0.0))


@dataclass(frozen=True)
class Function:
    """A function node: its primitive, arity, NumPy implementation and names in each output format."""

    name: str
    primitive: Primitive | None
    arity: int
    numpy: Callable[..., Any]
    code: str
    latex: str
    sympy: str


def _entry(name: str, prim: Primitive | None, code: str, latex: str, sympy: str, arity: int = 1) -> Function:
    impl: Callable[..., Any] = prim if prim is not None else _heaviside
    return Function(name, prim, arity, impl, code, latex, sympy)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        _entry("exp", ew.exp_p, "np.exp", r"\exp", "exp"),
        _entry("log", ew.log_p, "np.log", r"\ln", "log"),
        _entry("sin", ew.sin_p, "np.sin", r"\sin", "sin"),
        _entry("cos", ew.cos_p, "np.cos", r"\cos", "cos"),
        _entry("tan", ew.tan_p, "np.tan", r"\tan", "tan"),
        _entry("asin", ew.arcsin_p, "np.arcsin", r"\arcsin", "asin"),
        _entry("acos", ew.arccos_p, "np.arccos", r"\arccos", "acos"),
        _entry("atan", ew.arctan_p, "np.arctan", r"\arctan", "atan"),
        _entry("sinh", ew.sinh_p, "np.sinh", r"\sinh", "sinh"),
        _entry("cosh", ew.cosh_p, "np.cosh", r"\cosh", "cosh"),
        _entry("tanh", ew.tanh_p, "np.tanh", r"\tanh", "tanh"),
        _entry("asinh", ew.arcsinh_p, "np.arcsinh", r"\operatorname{arsinh}", "asinh"),
        _entry("acosh", ew.arccosh_p, "np.arccosh", r"\operatorname{arcosh}", "acosh"),
        _entry("atanh", ew.arctanh_p, "np.arctanh", r"\operatorname{artanh}", "atanh"),
        _entry("abs", ew.absolute_p, "np.abs", "abs", "Abs"),
        _entry("sign", ew.sign_p, "np.sign", r"\operatorname{sign}", "sign"),
        _entry("relu", sp.relu_p, "relu", r"\operatorname{relu}", "relu"),
        _entry("sigmoid", sp.sigmoid_p, "sigmoid", r"\sigma", "sigmoid"),
        _entry("softplus", sp.softplus_p, "softplus", r"\operatorname{softplus}", "softplus"),
        _entry("max", ew.maximum_p, "np.maximum", r"\max", "Max", 2),
        _entry("min", ew.minimum_p, "np.minimum", r"\min", "Min", 2),
        _entry("atan2", ew.arctan2_p, "np.arctan2", r"\operatorname{atan2}", "atan2", 2),
        _entry("heaviside", None, "heaviside", r"\operatorname{H}", "Heaviside", 2),
    )
}

PI = constant("pi")
HALF = number(Fraction(1, 2))


def _func(name: str, args: tuple[Expr, ...]) -> Expr:
    return cons(name, args, None, (name, args))


E = _func("exp", (ONE,))

# Exact values of functions at the numbers where they are rational: (name, argument) -> value.
_EXACT: dict[tuple[str, Any], Expr] = {
    **{(name, 0): ZERO for name in ("sin", "tan", "asin", "atan", "sinh", "tanh", "asinh", "atanh")},
    **{(name, 0): ONE for name in ("cos", "cosh", "exp")},
    ("acos", 1): ZERO,
    ("acosh", 1): ZERO,
    ("log", 1): ZERO,
    ("sigmoid", 0): HALF,
}


def _piecewise_value(name: str, values: list[Any]) -> Any:
    if name == "abs":
        return abs(values[0])
    if name == "sign":
        return (values[0] > 0) - (values[0] < 0)
    if name == "relu":
        return max(values[0], 0)
    if name == "heaviside":
        x, at_zero = values
        return 1 if x > 0 else (0 if x < 0 else at_zero)
    return max(values) if name == "max" else min(values)


def _numeric(name: str, args: tuple[Expr, ...]) -> Expr | None:
    """The value of a function of numbers when it is exact (sin(0) = 0) or an argument is a float."""
    values = [a.data for a in args]
    exact = _EXACT.get((name, values[0])) if len(values) == 1 else None
    if exact is not None:
        return exact
    if name in ("abs", "sign", "relu", "max", "min", "heaviside"):
        return number(_piecewise_value(name, values))
    if any(type(v) is float for v in values):
        with np.errstate(all="ignore"):
            result = float(FUNCTIONS[name].numpy(*[float(v) for v in values]))
        if np.isfinite(result):
            return number(result)
    return None


def call(name: str, *args: Any) -> Expr:
    """The node ``name(*args)``, with the simplifications every expression gets.

    ``exp(log(u)) = u``, ``log(exp(u)) = u``, functions of numbers at their exact values (``sin(0) = 0``),
    ``abs(abs(u)) = abs(u)``, ``max(u, u) = u``.

    Examples
    --------
    >>> from chainrule.symbolic.functions import call
    >>> from chainrule import symbolic as sym
    >>> x = sym.symbols("x")
    >>> call("sin", x), call("log", call("exp", x)), call("cos", 0)
    (sin(x), x, 1)
    """
    spec = FUNCTIONS.get(name)
    if spec is None:
        raise ChainruleValueError(f"unknown function {name!r}")
    if len(args) != spec.arity:
        raise ChainruleTypeError(f"{name} takes {spec.arity} argument(s), got {len(args)}")
    exprs = tuple(as_expr(a) for a in args)
    if all(a.op is NUM for a in exprs):
        folded = _numeric(name, exprs)
        if folded is not None:
            return folded
    first = exprs[0]
    if (name == "exp" and first.op == "log") or (name == "log" and first.op == "exp"):
        return first.args[0]
    if name in ("abs", "relu") and first.op == name:
        return first
    if name in ("max", "min") and exprs[0] is exprs[1]:
        return first
    return _func(name, exprs)


# ---------------------------------------------------------------------------------------- primitives


def _log_base(x: Expr, base: Expr) -> Expr:
    return mul(call("log", x), power(call("log", base), number(-1)))


_BUILDERS: dict[Primitive, Callable[..., Expr]] = {
    ew.add_p: add,
    ew.subtract_p: lambda x, y: add(x, neg(y)),
    ew.multiply_p: mul,
    ew.divide_p: lambda x, y: mul(x, power(y, number(-1))),
    ew.power_p: power,
    ew.float_power_p: power,
    ew.negative_p: neg,
    ew.positive_p: lambda x: x,
    ew.reciprocal_p: lambda x: power(x, number(-1)),
    ew.square_p: lambda x: power(x, number(2)),
    ew.sqrt_p: lambda x: power(x, HALF),
    ew.exp2_p: lambda x: power(number(2), x),
    ew.expm1_p: lambda x: add(call("exp", x), number(-1)),
    ew.log2_p: lambda x: _log_base(x, number(2)),
    ew.log10_p: lambda x: _log_base(x, number(10)),
    ew.log1p_p: lambda x: call("log", add(ONE, x)),
    ew.logaddexp_p: lambda x, y: call("log", add(call("exp", x), call("exp", y))),
    ew.fmax_p: lambda x, y: call("max", x, y),
    ew.fmin_p: lambda x, y: call("min", x, y),
}
for _spec in FUNCTIONS.values():
    if _spec.primitive is not None:
        _BUILDERS[_spec.primitive] = lambda *args, _name=_spec.name: call(_name, *args)


def apply_primitive(prim: Primitive, args: list[Expr], params: dict[str, Any]) -> Expr:
    """The node for primitive ``prim`` applied to symbolic operands (``Expr._lift`` lands here)."""
    builder = _BUILDERS.get(prim)
    if builder is None or params:
        raise UnsupportedOperationError(
            f"{prim.name} has no symbolic form in chainrule.symbolic (symbolic expressions are scalars; "
            "supported: arithmetic, powers, exp/log, trigonometric, hyperbolic, abs, sign, max, min, relu, "
            "sigmoid, softplus)"
        )
    return builder(*args)


def apply_ufunc(ufunc: np.ufunc, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Expr:
    """A NumPy ufunc called on expressions: through NumPy's primitive table to a node."""
    if method != "__call__" or any(v is not None for k, v in kwargs.items() if k in ("out", "where")):
        raise UnsupportedOperationError(f"np.{ufunc.__name__}.{method} is not supported on expressions")
    if ufunc is np.heaviside:
        return call("heaviside", *inputs)
    prim = UFUNCS.get(ufunc)
    if prim is None:
        if ufunc in COMPARISONS:
            raise ChainruleTypeError(
                f"np.{ufunc.__name__} compares symbolic values; traced code cannot branch on them"
            )
        raise UnsupportedOperationError(f"np.{ufunc.__name__} has no symbolic form in chainrule.symbolic")
    result: Expr = bind(prim, inputs, {})
    return result


def apply_array_function(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Expr:
    """A NumPy function called on expressions: ``np.where`` on a plain condition and ``np.clip``."""
    if func is np.where and len(args) == 3 and not kwargs:
        condition, x, y = args
        if isinstance(condition, Expr) or np.ndim(condition) != 0:
            raise UnsupportedOperationError("np.where on a symbolic condition has no symbolic form")
        return as_expr(x if condition else y)
    if func is np.clip and len(args) == 3 and not kwargs:
        x, low, high = args
        return call("min", call("max", x, low), high)
    name = getattr(func, "__name__", repr(func))
    raise UnsupportedOperationError(f"np.{name} has no symbolic form in chainrule.symbolic")
