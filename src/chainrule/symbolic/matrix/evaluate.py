"""The NumPy value of a matrix expression, from arrays given by variable name.

Dimensions are bound from the arrays' shapes (an array that contradicts its declared shape, or another
array, raises :class:`~chainrule.errors.ShapeError`) or given by name as integers (``ones(n)`` has no
variable to take ``n`` from: ``.evaluate(n=3)``); a symmetric variable must get a symmetric array, and
arrays for names the expression does not use are ignored. The computation is written with NumPy functions
and chainrule's primitives only, so it also runs on the autodiff engine's traced values: that is how the
differential ``d(U)`` of an explanation is evaluated, by ``cr.jvp`` of ``U`` in the direction given as
``dX``, independently of the symbolic rules.

A quotient by a norm is taken as 0 where the norm is 0, the engine's ``norm'(0) = 0`` (see DESIGN.md).

Examples
--------
>>> import numpy as np
>>> from chainrule.symbolic.matrix import parse
>>> parse("tr(A X)", {"A": "n,n", "X": "n,n"}).evaluate(A=np.eye(2), X=np.ones((2, 2)), unused=3)
2.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from chainrule.core.functions import logsumexp, softmax
from chainrule.core.primitive import Traced
from chainrule.core.registry import FORMULAS
from chainrule.core.rules._util import concrete
from chainrule.errors import ChainruleValueError, ShapeError
from chainrule.symbolic.matrix.algebra import math_shape
from chainrule.symbolic.matrix.dims import bind_shape, dim_value
from chainrule.symbolic.matrix.nodes import MatExpr, postorder

__all__ = ["commutation_matrix", "evaluate", "kron_values"]

_SYMMETRY_TOLERANCE = 1e-10


def _array(value: Any) -> Any:
    if isinstance(value, Traced):
        return value
    return np.asarray(value, dtype=np.float64)


def _bindings(expr: MatExpr, arrays: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, Any]]:
    # dimensions may be given by name too (ones(n) has no variable to take n from)
    bindings = {
        k: int(v) for k, v in arrays.items() if isinstance(v, int | np.integer) and not isinstance(v, bool)
    }
    values: dict[str, Any] = {}
    leaves = sorted((v for v in expr.free_symbols), key=lambda v: (v.op, v.name))
    for v in leaves:
        key = v.name if v.op == "var" else f"d{v.name}"
        if key not in arrays:
            raise ChainruleValueError(f"no array given for {key} ({v.kind})")
        value = _array(arrays[key])
        bind_shape(key, v.shape, tuple(np.shape(value)), bindings)
        if v.symmetric:
            plain = np.asarray(concrete(value))
            if not np.allclose(plain, plain.T, rtol=_SYMMETRY_TOLERANCE, atol=_SYMMETRY_TOLERANCE):
                raise ChainruleValueError(
                    f"{v.name} was declared symmetric but the array given for it is not"
                )
        values[key] = value
    for v in sorted(expr._context - expr.free_symbols, key=lambda v: v.name):
        if v.name in arrays:  # the dimensions of the variables the expression was derived from
            trial = dict(bindings)
            try:
                bind_shape(v.name, v.shape, tuple(np.shape(arrays[v.name])), trial)
            except ShapeError:
                continue  # not an array for that variable
            bindings = trial
    return bindings, values


def evaluate(expr: MatExpr, arrays: Mapping[str, Any]) -> Any:
    """The value of ``expr`` with the arrays in ``arrays`` (by variable name; ``dX`` for differentials)."""
    bindings, values = _bindings(expr, arrays)
    done: dict[MatExpr, Any] = {}
    for node in postorder([expr]):
        done[node] = _value(node, [done[a] for a in node.args], values, bindings)
    result = done[expr]
    if not isinstance(result, Traced) and np.ndim(result) == 0:
        return float(result)
    return result


def _dims(node: MatExpr, bindings: Mapping[str, int]) -> tuple[int, ...]:
    return tuple(dim_value(d, bindings) for d in node.shape)


def _value(node: MatExpr, args: list[Any], values: Mapping[str, Any], bindings: Mapping[str, int]) -> Any:
    op = node.op
    if op == "var":
        return values[node.name]
    if op == "dvar":
        return values[f"d{node.data}"]
    if op == "num":
        return np.float64(node.data)
    if op == "dim":
        return np.float64(dim_value(node.data, bindings))
    if op in ("zero", "ones", "eye", "comm"):
        return _constant(node, bindings)
    if op == "d":
        return _differential(node, values)
    handler = _HANDLERS.get(op)
    if handler is None:
        raise ChainruleValueError(f"cannot evaluate the node {op}")
    return handler(node, args)


def _constant(node: MatExpr, bindings: Mapping[str, int]) -> Any:
    op = node.op
    if op == "zero":
        return np.zeros(_dims(node, bindings))
    if op == "ones":
        return np.ones(_dims(node, bindings))
    if op == "eye":
        return np.eye(dim_value(node.shape[0], bindings))
    n, k = (dim_value(d, bindings) for d in node.data)
    return commutation_matrix(n, k)


def commutation_matrix(n: int, k: int) -> Any:
    """The ``nk×nk`` matrix ``K`` with ``K vec(X) = vec(Xᵀ)`` for ``n×k`` matrices (vec stacks columns)."""
    out = np.zeros((n * k, n * k))
    i, j = np.meshgrid(np.arange(n), np.arange(k), indexing="ij")
    out[(j + k * i).ravel(), (i + n * j).ravel()] = 1.0
    return out


def _add(node: MatExpr, args: list[Any]) -> Any:
    const, coeffs = node.data
    total: Any = float(const) if const != 0 else None
    for c, v in zip(coeffs, args, strict=True):
        term = v if c == 1 else float(c) * v
        total = term if total is None else total + term
    return total


def _mul(node: MatExpr, args: list[Any]) -> Any:
    result: Any = float(node.data) if node.data != 1 else None
    for v in args:
        result = v if result is None else result * v
    return result


def safe_power(base: Any, exponent: Any) -> Any:
    """``base ** exponent`` for a norm and a negative exponent: 0 where the norm is 0 (norm'(0) = 0)."""
    zero = concrete(base) == 0
    if not np.any(zero):
        return base**exponent
    return np.where(zero, 0.0, np.where(zero, 1.0, base) ** exponent)


def _pow(node: MatExpr, args: list[Any]) -> Any:
    base, exponent = args
    if node.args[0].op == "norm2" and node.args[1].op == "num" and node.args[1].data < 0:
        return safe_power(base, exponent)
    return base**exponent


def _matrix(node: MatExpr, value: Any) -> Any:
    """A vector as the ``n×1`` or ``1×n`` matrix it is in a matrix product."""
    rows, cols = math_shape(node)
    if rows is None:
        return np.reshape(value, (1, -1))
    if cols is None:
        return np.reshape(value, (-1, 1))
    return value


def _matmul(node: MatExpr, args: list[Any]) -> Any:
    result = _matrix(node.args[0], args[0])
    for f, v in zip(node.args[1:], args[1:], strict=True):
        result = result @ _matrix(f, v)
    return (
        np.reshape(result, ()) if not node.shape else np.reshape(result, (-1,)) if node.ndim == 1 else result
    )


def _mpow(node: MatExpr, args: list[Any]) -> Any:
    k = node.data
    base = np.linalg.inv(args[0]) if k < 0 else args[0]
    result = base
    for _ in range(abs(k) - 1):
        result = result @ base
    return result


def kron_values(a: Any, a_node: MatExpr, b: Any, b_node: MatExpr) -> Any:
    """The Kronecker product of two values (with einsum, which the engine differentiates)."""
    a2, b2 = _matrix(a_node, a), _matrix(b_node, b)
    (ra, ca), (rb, cb) = np.shape(a2), np.shape(b2)
    return np.reshape(np.einsum("ij,kl->ikjl", a2, b2), (ra * rb, ca * cb))


def _kron(node: MatExpr, args: list[Any]) -> Any:
    out = kron_values(args[0], node.args[0], args[1], node.args[1])
    return np.reshape(out, (-1,)) if node.ndim == 1 else out


def _differential(node: MatExpr, values: Mapping[str, Any]) -> Any:
    from chainrule.core.transforms import jvp

    inner, name = node.args[0], node.args[1].data
    point = dict(values)

    def along(x: Any) -> Any:
        point[name] = x
        return evaluate(inner, point)

    return jvp(along, (values[name],), (values[f"d{name}"],))[1]


_HANDLERS: dict[str, Callable[[MatExpr, list[Any]], Any]] = {
    "add": _add,
    "mul": _mul,
    "pow": _pow,
    "fn": lambda node, args: FORMULAS[node.data](*args),
    "matmul": _matmul,
    "mpow": _mpow,
    "T": lambda node, args: args[0].T if node.ndim == 2 else args[0],
    "tr": lambda node, args: np.trace(args[0]),
    "det": lambda node, args: np.linalg.det(args[0]),
    "logdet": lambda node, args: np.linalg.slogdet(args[0])[1],
    "sum": lambda node, args: np.sum(args[0]),
    "diagm": lambda node, args: np.diag(args[0]),
    "diagv": lambda node, args: np.diagonal(args[0]),
    "norm2": lambda node, args: np.linalg.norm(args[0]),
    "softmax": lambda node, args: softmax(args[0]),
    "lse": lambda node, args: logsumexp(args[0]),
    "vec": lambda node, args: np.reshape(args[0].T, (-1,)),
    "kron": _kron,
    "einsum": lambda node, args: np.einsum(node.data, *args),
}
