"""Numeric values of expressions, for numbers or NumPy arrays given for their symbols."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from chainrule.errors import ChainruleValueError
from chainrule.symbolic.conditions import CONDITIONS
from chainrule.symbolic.expr import ADD, CONST, HALF, MUL, NUM, POW, SYM, Expr, as_float, number
from chainrule.symbolic.functions import primitive
from chainrule.symbolic.traverse import postorder, transform
from chainrule.symbolic.unknowns import APPLY

__all__ = ["evaluate", "fold_constants", "to_float"]

_CONSTANTS = {"pi": np.pi}


def to_float(value: Any) -> float:
    """An exact number (``int``/``Fraction``) as the nearest float; beyond float64's range, ``±inf``."""
    return as_float(value)


def fold_constants(exprs: list[Expr]) -> list[Expr]:
    """``exprs`` with every power of numbers and constants replaced by its float64 value, as
    :func:`evaluate` computes it (NumPy's semantics: ``2^10000`` is inf, ``0^-1`` inf, ``(-8)^(1/3)`` nan).

    Generated code must not leave such powers to Python: ``9**387420489`` is exact integer arithmetic that
    runs for minutes, ``2.0**10000`` raises ``OverflowError`` and ``0**-1`` ``ZeroDivisionError``.
    Square roots stay (``np.sqrt(2)`` computes the same float).

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> fold_constants([sym.parse("x*9^9^9 + pi^2 + sqrt(2)")])
    [1e400*x + sqrt(2) + 9.869604401089358]
    """

    def visit(node: Expr, args: list[Expr]) -> Expr | None:
        if node.op is not POW or node.args[1] is HALF or node.free_symbols:
            return None
        with np.errstate(all="ignore"):
            return number(np.power(_constant(args[0]), _constant(args[1])))

    while True:  # a rebuilt node may be a new power of numbers (piecewise(c, y, 0)^-1 with c folded)
        folded = transform(exprs, visit)
        if all(a is b for a, b in zip(folded, exprs, strict=True)):
            return folded
        exprs = folded


def _constant(node: Expr) -> np.float64:
    """The float64 value of a symbol-free node whose powers are already folded."""
    done: dict[Expr, Any] = {}
    with np.errstate(all="ignore"):
        for n in postorder([node]):
            done[n] = _value(n, [done[a] for a in n.args], {})
    return np.float64(done[node])


def _inputs(values: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, v in values.items():
        name = key.name if isinstance(key, Expr) else str(key)
        if callable(v):  # a function for an unknown function's name
            out[name] = v
            continue
        out[name] = v if isinstance(v, np.ndarray) else np.asarray(v, dtype=np.float64)
    return out


def _unknowns(expr: Expr) -> list[str]:
    """The names of the unknown functions ``expr`` applies."""
    return sorted({n.data[0] for n in postorder([expr]) if n.op == APPLY})


def _derivative(f: Callable[..., Any], order: int) -> Callable[..., Any]:
    """The ``order``-th derivative of an elementwise function of arrays, by the engine's forward mode."""
    from chainrule.core.transforms import jvp

    for _ in range(order):
        f = _forward(jvp, f)
    return f


def _forward(jvp: Callable[..., Any], f: Callable[..., Any]) -> Callable[..., Any]:
    return lambda u: jvp(f, (u,), (np.ones_like(u),))[1]


def evaluate(expr: Expr, values: Mapping[Any, Any]) -> Any:
    """The value of ``expr`` with ``values`` (symbol name or symbol -> number or array) for its symbols.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> evaluate(sym.parse("x^2/2 + pi"), {"x": 2.0})
    5.141592653589793
    """
    inputs = _inputs(values)
    missing = sorted(s.name for s in expr.free_symbols if s.name not in inputs)
    if missing:
        raise ChainruleValueError(f"no value given for {', '.join(missing)} (in {expr})")
    functions = [name for name in _unknowns(expr) if not callable(inputs.get(name))]
    if functions:
        raise ChainruleValueError(
            f"{expr} applies the unknown function {', '.join(functions)}: give a function for it, "
            f"e.g. evaluate(..., {functions[0]}=np.sin) (derivatives such as {functions[0]}' are then taken "
            "by the autodiff engine)"
        )
    done: dict[Expr, Any] = {}
    with np.errstate(all="ignore"):
        for node in postorder([expr]):
            done[node] = _value(node, [done[a] for a in node.args], inputs)
    result = done[expr]
    return float(result) if np.ndim(result) == 0 else result


def _value(node: Expr, args: list[Any], inputs: dict[str, Any]) -> Any:
    op = node.op
    if op is NUM:
        return np.float64(to_float(node.data))
    if op is SYM:
        return inputs[node.data]
    if op is CONST:
        return np.float64(_CONSTANTS[node.data])
    if op is ADD:
        const, coeffs = node.data
        total = np.float64(to_float(const))
        for c, a in zip(coeffs, args, strict=True):
            total = total + (a if c == 1 else to_float(c) * a)
        return total
    if op is MUL:
        product = np.float64(to_float(node.data))
        for a in args:
            product = product * a
        return product
    if op is POW:
        return np.power(args[0], args[1])
    condition = CONDITIONS.get(op)
    if condition is not None:
        return condition.numpy(*args)
    if op == APPLY:
        name, order = node.data
        return _derivative(inputs[name], order)(np.asarray(args[0], dtype=np.float64))
    prim = primitive(op)
    if prim is None:
        raise ChainruleValueError(f"cannot evaluate {node}: {op} is not a function of the rule table")
    return prim(*args)
