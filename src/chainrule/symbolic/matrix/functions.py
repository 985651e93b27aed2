"""Functions of matrix calculus: trace, determinant, inverse, diag, sums, norms, softmax, Kronecker, einsum.

Each constructor checks its argument's shape (naming it when it does not fit) and applies the identities
that keep expressions canonical: ``tr`` is linear and cyclic (of the rotations of a product the one with
fewest transposes is kept, and a product with vectors in it becomes a scalar: ``tr(x y') = y' x``),
``tr(Xᵀ) = tr(X)``, ``det(X^k) = det(X)^k``, ``log det(X^k) = k log det X``, ``sum`` is linear,
``diag(diag(v)) = v``, ``vec`` of a vector is the vector.

Examples
--------
>>> from chainrule.symbolic.matrix.algebra import variable, matmul_all
>>> A, X, B = (variable(n, ("n", "n")) for n in "AXB")
>>> trace(matmul_all([A, X, B])), trace(matmul_all([X, A.T]))
(tr(A X B), tr(A X'))
>>> x, y = variable("x", ("n",)), variable("y", ("n",))
>>> trace(matmul_all([x, y.T])), det(inverse(X))
(x' y, 1/det(X))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from chainrule.core.registry import UFUNCS
from chainrule.errors import ChainruleValueError, ShapeError, UnsupportedOperationError
from chainrule.symbolic.matrix import algebra as al
from chainrule.symbolic.matrix.algebra import (
    as_mat,
    dimension,
    eye,
    linear,
    matmul_all,
    matrix_power,
    mul_all,
    number,
    ones,
    power,
    transpose,
    zeros,
)
from chainrule.symbolic.matrix.dims import Dim, as_dim, dim_product
from chainrule.symbolic.matrix.elementwise import apply_function
from chainrule.symbolic.matrix.leaves import size_of
from chainrule.symbolic.matrix.nodes import MatExpr, cons

__all__ = [
    "apply_ufunc",
    "commutation",
    "det",
    "diag",
    "einsum",
    "inverse",
    "logdet",
    "logsumexp",
    "norm1",
    "norm2",
    "softmax",
    "total",
    "trace",
    "vec",
]


def _square(e: MatExpr, what: str) -> None:
    if e.ndim != 2 or e.shape[0] != e.shape[1]:
        raise ShapeError(f"{what} needs a square matrix; {e} is {e.kind}")


def _scaled(e: MatExpr) -> tuple[list[MatExpr], MatExpr] | None:
    """``(scalars, array)`` if ``e`` is an array times scalars, else None."""
    if e.op == "mul":
        arrays = [a for a in e.args if a.shape]
        if len(arrays) == 1:
            return [number(e.data)] + [a for a in e.args if not a.shape], arrays[0]
    return None


def _transposes(e: MatExpr) -> int:
    factors = e.args if e.op == "matmul" else (e,)
    return sum(1 for f in factors if f.op == "T" or (f.op == "mpow" and f.args[0].op == "T"))


# ---------------------------------------------------------------------------------------- trace


def trace(value: Any) -> MatExpr:
    """``tr(e)``, the sum of the diagonal of a square matrix (a scalar is its own trace)."""
    e = as_mat(value)
    if not e.shape:
        return e
    _square(e, "tr")
    n = e.shape[0]
    op = e.op
    if op == "add":
        const, coeffs = e.data
        return linear([(c, trace(t)) for c, t in zip(coeffs, e.args, strict=True)] + [(const, dimension(n))])
    scaled = _scaled(e)
    if scaled is not None:
        return mul_all([*scaled[0], trace(scaled[1])])
    if op in ("eye", "ones"):
        return dimension(n)
    if op == "zero":
        return number(0)
    if op == "diagm":
        return total(e.args[0])
    if op == "T":
        return trace(e.args[0])
    if op == "kron":
        return mul_all([trace(e.args[0]), trace(e.args[1])])
    if op == "matmul":
        return _trace_of_product(list(e.args))
    return _least_trace([e, transpose(e)])


def _trace_of_product(factors: list[MatExpr]) -> MatExpr:
    for i, f in enumerate(factors):
        if f.ndim == 1 and f.row:  # a vector inside: the rotation from it is a scalar, tr(x y') = y' x
            return matmul_all(factors[i:] + factors[:i])
    flipped = [transpose(f) for f in reversed(factors)]
    candidates = []
    for chain in (factors, flipped):
        for i in range(len(chain)):
            rotated = matmul_all(chain[i:] + chain[:i])
            if rotated.op != "matmul":  # the ends merged (tr(X A X) = tr(A X^2)): a smaller trace
                return trace(rotated)
            candidates.append(rotated)
    return _least_trace(candidates)


def _least_trace(candidates: list[MatExpr]) -> MatExpr:
    # fewest factors (the ends merged: tr(X dX X) = tr(X^2 dX)), then fewest transposes, then the text
    best = min(candidates, key=lambda c: (len(c.args) if c.op == "matmul" else 1, _transposes(c), str(c)))
    return cons("tr", (best,), None, ())


# ---------------------------------------------------------------------------------------- determinants


def det(value: Any) -> MatExpr:
    """The determinant of a square matrix (of a scalar, the scalar)."""
    e = as_mat(value)
    if not e.shape:
        return e
    _square(e, "det")
    if e.op == "eye":
        return number(1)
    if e.op == "zero":
        return number(0)
    if e.op == "T":
        return det(e.args[0])
    if e.op == "mpow":
        return power(det(e.args[0]), number(e.data))
    return cons("det", (e,), None, ())


def logdet(value: Any) -> MatExpr:
    """``log |det(e)|`` of a square matrix (``log det`` for the positive-definite matrices of statistics)."""
    e = as_mat(value)
    if not e.shape:
        return apply_function("log", [apply_function("abs", [e])])
    _square(e, "logdet")
    if e.op == "eye":
        return number(0)
    if e.op == "T":
        return logdet(e.args[0])
    if e.op == "mpow":
        return mul_all([number(e.data), logdet(e.args[0])])
    return cons("logdet", (e,), None, ())


def inverse(value: Any) -> MatExpr:
    """``e^-1`` of a square matrix (``1/e`` of a scalar)."""
    return matrix_power(as_mat(value), -1)


# ---------------------------------------------------------------------------------------- sums and diagonals


def total(value: Any) -> MatExpr:
    """``sum(e)``, the sum of all entries."""
    e = as_mat(value)
    if not e.shape:
        return e
    op = e.op
    if op == "add":
        const, coeffs = e.data
        parts = [(c, total(t)) for c, t in zip(coeffs, e.args, strict=True)]
        return linear([*parts, (const, dimension(size_of(e.shape)))])
    scaled = _scaled(e)
    if scaled is not None:
        return mul_all([*scaled[0], total(scaled[1])])
    if op == "ones":
        return dimension(size_of(e.shape))
    if op == "zero":
        return number(0)
    if op == "eye":
        return dimension(e.shape[0])
    if op in ("diagm", "T"):
        return total(e.args[0])
    return cons("sum", (_column(e),), None, ())


def _column(e: MatExpr) -> MatExpr:
    return transpose(e) if e.ndim == 1 and e.row else e


def diag(value: Any) -> MatExpr:
    """``diag(v)``: the diagonal matrix of a vector; ``diag(X)``: the diagonal of a square matrix."""
    e = as_mat(value)
    if e.ndim == 1:
        v = _column(e)
        n = v.shape[0]
        if v.op == "ones":
            return eye(n)
        if v.op == "zero":
            return zeros((n, n))
        scaled = _scaled(v)
        if scaled is not None:
            return mul_all([*scaled[0], diag(scaled[1])])
        return cons("diagm", (v,), None, (n, n))
    if e.ndim != 2:
        raise ShapeError(f"diag needs a vector or a square matrix; {e} is {e.kind}")
    _square(e, "diag")
    n = e.shape[0]
    if e.op == "eye":
        return ones((n,))
    if e.op == "zero":
        return zeros((n,))
    if e.op == "diagm":
        return e.args[0]
    if e.op == "T":
        return diag(e.args[0])
    scaled = _scaled(e)
    if scaled is not None:
        return mul_all([*scaled[0], diag(scaled[1])])
    return cons("diagv", (e,), None, (n,))


# ---------------------------------------------------------------------------------------- norms, softmax


def norm2(value: Any) -> MatExpr:
    """The Euclidean norm of a vector; of a matrix, the Frobenius norm (NumPy's ``norm`` default)."""
    e = as_mat(value)
    if not e.shape:
        return apply_function("abs", [e])
    if e.ndim > 2:
        raise ShapeError(f"norm needs a vector or a matrix; {e} is {e.kind}")
    if e.op == "zero":
        return number(0)
    if e.op == "T":
        return norm2(e.args[0])
    if e.op == "mul" and len(e.args) == 1:
        return mul_all([number(abs(e.data)), norm2(e.args[0])])
    return cons("norm2", (_column(e),), None, ())


def norm1(value: Any) -> MatExpr:
    """The 1-norm of a vector, ``sum(abs(v))``."""
    e = as_mat(value)
    if e.ndim != 1:
        raise ShapeError(
            f"norm1 is the 1-norm of a vector; {e} is {e.kind} (write sum(abs(X)) for the entrywise sum)"
        )
    return total(apply_function("abs", [e]))


def softmax(value: Any) -> MatExpr:
    """``exp(v) / sum(exp(v))`` of a vector."""
    e = as_mat(value)
    if e.ndim != 1:
        raise ShapeError(f"softmax needs a vector; {e} is {e.kind}")
    s = cons("softmax", (_column(e),), None, e.shape)
    return transpose(s) if e.row else s


def logsumexp(value: Any) -> MatExpr:
    """``log(sum(exp(e)))`` over all entries, computed without overflow."""
    e = as_mat(value)
    if not e.shape:
        return e
    return cons("lse", (_column(e),), None, ())


# ------------------------------------------------------------------------------------ vec, Kronecker, einsum


def vec(value: Any) -> MatExpr:
    """The columns of a matrix stacked into one column vector (a vector's vec is the column vector)."""
    e = as_mat(value)
    if e.ndim == 1:
        return _column(e)
    if e.ndim != 2:
        raise ShapeError(f"vec needs a vector or a matrix; {e} is {e.kind}")
    size = dim_product(*e.shape)
    if e.op == "zero":
        return zeros((size,))
    return cons("vec", (e,), None, (size,))


def commutation(n: Dim, k: Dim) -> MatExpr:
    """The commutation matrix ``K`` with ``K vec(X) = vec(Xᵀ)`` for ``n×k`` matrices ``X``."""
    n, k = as_dim(n), as_dim(k)
    if n == 1 or k == 1:
        return eye(dim_product(n, k))
    size = dim_product(n, k)
    return cons("comm", (), (n, k), (size, size))


_SUBSCRIPTS = re.compile(r"[a-zA-Z]*(,[a-zA-Z]*)*->[a-zA-Z]*\Z")


def einsum(subscripts: str, *operands: Any) -> MatExpr:
    """NumPy's ``einsum`` of matrix expressions, with explicit output subscripts (``"ik,lj->ijkl"``)."""
    spec = subscripts.replace(" ", "")
    if not _SUBSCRIPTS.match(spec):
        raise ChainruleValueError(f"einsum needs explicit subscripts such as 'ik,kj->ij', got {subscripts!r}")
    inputs, output = spec.split("->")
    parts = inputs.split(",")
    ops = [as_mat(o) for o in operands]
    if len(parts) != len(ops):
        raise ChainruleValueError(
            f"einsum {subscripts!r} has {len(parts)} operand subscripts but {len(ops)} operands"
        )
    sizes: dict[str, Dim] = {}
    for part, o in zip(parts, ops, strict=True):
        if len(part) != o.ndim:
            raise ShapeError(
                f"einsum: {o} ({o.kind}) has {o.ndim} axes but the subscripts {part!r} name {len(part)}"
            )
        for letter, d in zip(part, o.shape, strict=True):
            if sizes.setdefault(letter, d) != d:
                raise ShapeError(f"einsum: the index {letter} has dimension {sizes[letter]} and {d}")
    if len(set(output)) != len(output) or not set(output) <= set(sizes):
        raise ChainruleValueError(f"einsum: the output subscripts {output!r} must be distinct input indices")
    shape = tuple(sizes[c] for c in output)
    if any(o.op == "zero" for o in ops):
        return zeros(shape)
    return cons("einsum", tuple(ops), _canonical_subscripts(parts, output), shape)


_FREE_LETTERS = "ijklmnabcdefgh"
_SUMMED_LETTERS = "pqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _canonical_subscripts(parts: Sequence[str], output: str) -> str:
    """Subscripts renamed so that equal einsums are equal nodes: the output's letters are ``i j k l`` in
    order, the summed ones ``p q r ...`` in order of appearance."""
    letters = {c: _FREE_LETTERS[i] for i, c in enumerate(output)}
    summed = 0
    for c in "".join(parts):
        if c not in letters:
            letters[c] = _SUMMED_LETTERS[summed]
            summed += 1
    renamed = ",".join("".join(letters[c] for c in p) for p in parts)
    return f"{renamed}->{''.join(letters[c] for c in output)}"


# ---------------------------------------------------------------------------------------- NumPy's ufuncs

_UFUNC_OPERATORS = {
    np.add: al.add,
    np.subtract: al.subtract,
    np.multiply: al.multiply,
    np.divide: al.divide,
    np.matmul: al.matmul,
    np.power: al.power,
}


def apply_ufunc(ufunc: Any, method: str, inputs: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """``np.exp(x)``, ``np.tanh(A @ x)`` ...: the ufunc's primitive's formula, applied elementwise."""
    if method != "__call__" or kwargs:
        raise UnsupportedOperationError(
            f"np.{ufunc.__name__}.{method} is not supported on matrix expressions"
        )
    operator = _UFUNC_OPERATORS.get(ufunc)
    if operator is not None:
        return operator(*inputs)
    if ufunc is np.negative:
        return mul_all([number(-1), inputs[0]])
    prim = UFUNCS.get(ufunc)
    if prim is None or prim.formula is None or not prim.formula.name:
        raise UnsupportedOperationError(f"np.{ufunc.__name__} has no symbolic form for matrix expressions")
    return apply_function(prim.formula.name, [as_mat(i) for i in inputs])


def ones_like_shape(shape: Any) -> MatExpr:
    """``ones(shape)``: all ones."""
    return ones(tuple(as_dim(d) for d in shape))
