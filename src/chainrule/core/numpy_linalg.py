"""NumPy's products, norms and a few other functions on traced values, written with primitives, and the
functions whose results carry no derivative (shapes, argmax, whole-array comparisons ...)."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.batch_rules import batch_numbers
from chainrule.core.registry import implements
from chainrule.core.rules import arithmetic as ar
from chainrule.core.rules import decompositions as dc
from chainrule.core.rules import linalg as la
from chainrule.core.rules import norms as nm
from chainrule.core.rules import piecewise as pw
from chainrule.core.rules import reductions as red
from chainrule.core.rules._util import concrete, refuse, shape_of
from chainrule.errors import ChainruleValueError, UnsupportedOperationError


def _ndim(x: Any) -> int:
    return len(shape_of(x))


# ---------------------------------------------------------------- products


def _letters(n: int, start: int = 0) -> str:
    return la.LETTERS[start : start + n]


@implements(np.tensordot)
def _tensordot(a: Any, b: Any, axes: Any = 2) -> Any:
    na, nb = _ndim(a), _ndim(b)
    if isinstance(axes, int | np.integer):
        axes_a, axes_b = list(range(na - int(axes), na)), list(range(int(axes)))
    else:
        axes_a, axes_b = (list(np.atleast_1d(ax)) for ax in axes)
    sa, sb = _letters(na), _letters(nb, na)
    sb_list = list(sb)
    for i, j in zip(axes_a, axes_b, strict=True):
        sb_list[int(j) % nb] = sa[int(i) % na]
    contracted = {sa[int(i) % na] for i in axes_a}
    out = "".join(c for c in sa if c not in contracted) + "".join(c for c in sb_list if c not in contracted)
    return la.einsum_p(a, b, spec=f"{sa},{''.join(sb_list)}->{out}")


@implements(np.dot)
def _dot(a: Any, b: Any, out: Any = None) -> Any:
    refuse("np.dot", out=out)
    na, nb = _ndim(a), _ndim(b)
    if na == 0 or nb == 0:
        return ar.multiply_p(a, b)
    if na <= 2 and nb <= 2:
        return la.matmul_p(a, b)
    return _tensordot(a, b, axes=([-1], [max(nb - 2, 0)]))


@implements(np.vdot)
def _vdot(a: Any, b: Any) -> Any:
    # NumPy's vdot conjugates its first operand (np.conjugate is the identity on real values)
    return red.sum_p(np.conjugate(np.ravel(a)) * np.ravel(b), axis=None, keepdims=False)


@implements(np.inner)
def _inner(a: Any, b: Any) -> Any:
    if _ndim(a) == 0 or _ndim(b) == 0:
        return ar.multiply_p(a, b)
    return _tensordot(a, b, axes=([-1], [-1]))


@implements(np.outer)
def _outer(a: Any, b: Any, out: Any = None) -> Any:
    refuse("np.outer", out=out)
    return np.reshape(a, (-1, 1)) * np.reshape(b, (1, -1))


def _moduli(x: Any, ord: Any, matrix: bool) -> Any:
    """|x| for a complex x where the norm depends on the moduli only (every one but the matrix 2, -2 and
    nuclear norms): the real rows then serve, and abs's complex rule gives the convention's derivative."""
    if not np.iscomplexobj(concrete(x)) or (matrix and ord in (2, -2, "nuc")):
        return x
    return np.absolute(x)


def _singular_values(x: Any) -> Any:
    """Descending singular values: their own row for real matrices, through the SVD for complex ones."""
    if np.iscomplexobj(concrete(x)):
        return np.linalg.svd(x, compute_uv=False)
    return nm.svdvals_p(x)


@implements(np.linalg.norm)
def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    nd = _ndim(x)
    matrix = (axis is None and ord is not None and nd == 2) or (axis is not None and np.ndim(axis) == 1
                                                                 and len(axis) == 2)  # fmt: skip
    x = _moduli(x, ord, matrix)
    if axis is None and ord is None:
        return nm.norm2_p(x, axis=None, keepdims=keepdims)
    if axis is None:
        axis = tuple(range(nd)) if nd <= 2 else None
        if axis is None:
            raise ChainruleValueError("np.linalg.norm: give axis= for an ord= norm of an N-D array")
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    if len(axes) == 1:
        return _vector_norm(x, ord, int(axes[0]), keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, (int(axes[0]) % nd, int(axes[1]) % nd), keepdims)
    raise ChainruleValueError(f"np.linalg.norm: axis must name 1 or 2 axes, got {axis}")


def _vector_norm(x: Any, ord: Any, axis: int, keepdims: bool) -> Any:
    if ord is None or ord == 2:
        return nm.norm2_p(x, axis=axis, keepdims=keepdims)
    ax = np.absolute(x)
    if ord == np.inf:
        return red.amax_p(ax, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return red.amin_p(ax, axis=axis, keepdims=keepdims)
    if ord == 1:
        return red.sum_p(ax, axis=axis, keepdims=keepdims)
    if ord == 0:
        return red.sum_p((concrete(x) != 0).astype(float), axis=axis, keepdims=keepdims)
    return nm.pnorm_p(x, p=float(ord), axis=axis, keepdims=keepdims)


def _matrix_norm(x: Any, ord: Any, axes: tuple[int, int], keepdims: bool) -> Any:
    row, col = axes
    if ord is None or ord == "fro":
        return nm.norm2_p(x, axis=axes, keepdims=keepdims)
    if ord in (1, -1, np.inf, -np.inf):
        sum_axis, pick_axis = (row, col) if ord in (1, -1) else (col, row)
        sums = red.sum_p(np.absolute(x), axis=sum_axis, keepdims=True)
        pick = red.amax_p if ord > 0 else red.amin_p
        out = pick(sums, axis=pick_axis, keepdims=True)
    elif ord in (2, -2, "nuc"):
        s = _singular_values(np.moveaxis(x, axes, (-2, -1)))  # descending
        if ord == "nuc":
            value = red.sum_p(s, axis=-1, keepdims=False)
        else:
            value = s[..., 0] if ord == 2 else s[..., -1]
        out = np.expand_dims(np.expand_dims(value, -1), -1)
        out = np.moveaxis(out, (-2, -1), axes)
    else:
        raise ChainruleValueError(f"np.linalg.norm: invalid norm order {ord!r} for matrices")
    return out if keepdims else np.squeeze(out, axis=axes)


# ---------------------------------------------------------------- selection


@implements(np.clip)
def _clip(
    a: Any,
    a_min: Any = None,
    a_max: Any = None,
    out: Any = None,
    *,
    min: Any = None,
    max: Any = None,
    **kwargs: Any,
) -> Any:
    refuse("np.clip", out=out)
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    # clip is max then min, so at a bound the tie rule of maximum/minimum applies (gradient 1/2)
    if lo is not None:
        a = pw.maximum_p(a, lo)
    if hi is not None:
        a = pw.minimum_p(a, hi)
    return a


@implements(np.partition)
def _partition(a: Any, kth: Any, axis: Any = -1, kind: Any = "introselect", order: Any = None) -> Any:
    if order is not None:
        raise UnsupportedOperationError("np.partition: order= (structured arrays) is not supported")
    if axis is None:
        a, axis = np.reshape(a, (-1,)), 0
    indices = np.argpartition(concrete(a), kth, axis=axis, kind=kind)
    return np.take_along_axis(a, indices, axis=axis)


@implements(np.real_if_close)
def _real_if_close(a: Any, tol: float = 100) -> Any:
    # NumPy's choice, made on the values: the real part when every imaginary part is within tol epsilons
    plain = concrete(a)
    if not np.iscomplexobj(plain):
        return a
    bound = tol * np.finfo(plain.dtype).eps if tol > 1 else tol
    return np.real(a) if np.all(np.absolute(plain.imag) < bound) else a


@implements(np.copy)
def _copy(a: Any, order: str = "K", subok: bool = False) -> Any:
    # a new array, not ``a`` itself: assigning into the copy leaves ``a`` alone (chainrule.core.assignment)
    return ar.positive_p(a)


# ---------------------------------------------------------------- not differentiable: plain results


def _plain(x: Any) -> Any:
    if isinstance(x, list | tuple):
        return [concrete(a) for a in x]
    return concrete(x)


def _on_values(func: Any) -> Any:
    """A handler that applies ``func`` to the plain values (its result carries no derivative)."""

    def handler(*args: Any, **kwargs: Any) -> Any:
        return func(*[_plain(a) for a in args], **{k: _plain(v) for k, v in kwargs.items()})

    return handler


for _func in (
    np.shape, np.ndim, np.size,
    np.argmax, np.argmin, np.argsort, np.argwhere, np.nonzero, np.flatnonzero, np.count_nonzero,
    np.isclose, np.allclose, np.array_equal, np.result_type, np.iscomplexobj, np.isrealobj,
    np.iscomplex, np.isreal,
    np.round, np.around, np.any, np.all, np.searchsorted, np.unique, np.histogram,
    np.may_share_memory, np.shares_memory, np.can_cast, np.min_scalar_type,
):  # fmt: skip
    implements(_func, plain=True)(_on_values(_func))


# ---------------------------------------------------------------- np.linalg's composites


@implements(np.linalg.matrix_norm)
def _matrix_norm_api(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    if _ndim(x) < 2:
        raise ChainruleValueError(f"np.linalg.matrix_norm: expected a matrix or a stack, got {shape_of(x)}")
    nd = _ndim(x)
    return _matrix_norm(_moduli(x, ord, True), ord, (nd - 2, nd - 1), keepdims)


@implements(np.linalg.vector_norm)
def _vector_norm_api(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Any:
    x = _moduli(x, ord, False)
    shape, nd = shape_of(x), _ndim(x)
    axes = tuple(range(nd)) if axis is None else (axis,) if isinstance(axis, int | np.integer) else axis
    axes = tuple(sorted(int(a) % max(nd, 1) for a in axes))
    rest = [a for a in range(nd) if a not in axes]
    flat = np.reshape(np.transpose(x, (*rest, *axes)), (*(shape[a] for a in rest), -1))
    out = _vector_norm(flat, ord, -1, False)
    if keepdims:
        out = np.reshape(out, tuple(1 if a in axes else n for a, n in enumerate(shape)))
    return out


@implements(np.linalg.matrix_power)
def _matrix_power(a: Any, n: Any) -> Any:
    la._square("np.linalg.matrix_power", a)
    n = int(n)
    if n == 0:
        return np.broadcast_to(np.eye(shape_of(a)[-1]), shape_of(a)) + 0 * a  # the identity, traced
    if n < 0:
        a, n = la.inv_p(a), -n
    result, square = None, a
    while n:  # binary powering: about log2(n) products, as NumPy does
        if n & 1:
            result = square if result is None else result @ square
        n >>= 1
        if n:
            square = square @ square
    return result


@implements(np.linalg.multi_dot)
def _multi_dot(arrays: Any, *, out: Any = None) -> Any:
    refuse("np.linalg.multi_dot", out=out)
    arrays = list(arrays)
    if len(arrays) < 2:
        raise ChainruleValueError("np.linalg.multi_dot: expected at least two arrays")
    first, last = _ndim(arrays[0]) == 1, _ndim(arrays[-1]) == 1
    if first:
        arrays[0] = np.reshape(arrays[0], (1, -1))
    if last:
        arrays[-1] = np.reshape(arrays[-1], (-1, 1))
    if any(_ndim(m) != 2 for m in arrays):
        raise ChainruleValueError("np.linalg.multi_dot: every array but the first and last must be 2-D")
    result = _chain(arrays, _chain_order([shape_of(m) for m in arrays]), 0, len(arrays) - 1)
    if first and last:
        return result[0, 0]
    return result[0] if first else result[:, 0] if last else result


def _chain_order(shapes: list[tuple[int, ...]]) -> Any:
    """NumPy's own optimal parenthesization (by the operands' shapes), so the products are NumPy's."""
    dims = [s[0] for s in shapes] + [shapes[-1][1]]
    n = len(shapes)
    cost = np.zeros((n, n))
    split = np.zeros((n, n), dtype=int)
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i, j] = np.inf
            for k in range(i, j):
                c = cost[i, k] + cost[k + 1, j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i, j]:
                    cost[i, j], split[i, j] = c, k
    return split


def _chain(arrays: list[Any], split: Any, i: int, j: int) -> Any:
    if i == j:
        return arrays[i]
    k = int(split[i, j])
    return la.matmul_p(_chain(arrays, split, i, k), _chain(arrays, split, k + 1, j))


@implements(np.linalg.lstsq)
def _lstsq(a: Any, b: Any, rcond: Any = None) -> tuple[Any, Any, Any, Any]:
    m, n = dc.matrices("np.linalg.lstsq", a)
    if _ndim(a) != 2 or _ndim(b) not in (1, 2):
        raise ChainruleValueError(
            f"np.linalg.lstsq: a must be 2-D and b 1-D or 2-D, got {shape_of(a)}, {shape_of(b)}"
        )
    # NumPy's cutoff: rcond times the largest singular value, machine precision times max(m, n) by default
    cutoff = np.finfo(np.float64).eps * max(m, n) if rcond is None or rcond < 0 else float(rcond)
    x = dc.pinv_p(a, rcond=cutoff, hermitian=False) @ b
    s = _singular_values(a)
    plain_s = batch_numbers(concrete(s))  # under cr.vmap, every example's singular values
    ranks = np.sum(plain_s > cutoff * plain_s[..., :1], axis=-1) if plain_s.size else np.zeros(1, int)
    if np.any(ranks != np.ravel(ranks)[0]):
        raise UnsupportedOperationError(
            "np.linalg.lstsq under cr.vmap: the examples' matrices have different ranks, so their residuals "
            "have different shapes; use cr.vmap(f, loop=True), or np.linalg.pinv(a) @ b for the solutions"
        )
    rank = int(np.ravel(ranks)[0])
    if rank == n and m > n:
        residual = b - a @ x
        squares = residual * np.conjugate(residual)  # |r|^2, real for complex residuals too
        residuals = red.sum_p(np.real(squares), axis=0, keepdims=_ndim(b) == 1)
    else:
        residuals = np.empty((0,))
    return x, residuals, np.int32(rank), s


# ---------------------------------------------------------------- NumPy 2's array-API names, tensor solves


@implements(np.linalg.matmul)
def _linalg_matmul(x1: Any, x2: Any, /) -> Any:
    return la.matmul_p(x1, x2)


@implements(np.vecdot, np.linalg.vecdot)
def _vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """sum(conj(x1) * x2) along ``axis`` of each operand, the other axes broadcast (NumPy's vecdot)."""
    a = np.moveaxis(x1, axis, -1) if _ndim(x1) else x1
    b = np.moveaxis(x2, axis, -1) if _ndim(x2) else x2
    if not _ndim(a) or not _ndim(b) or shape_of(a)[-1] != shape_of(b)[-1]:
        raise ChainruleValueError(
            f"np.vecdot: the axes to contract differ in length (shapes {shape_of(x1)}, {shape_of(x2)}, "
            f"axis {axis})"
        )
    return red.sum_p(np.conjugate(a) * b, axis=-1, keepdims=False)


@implements(np.linalg.outer)
def _linalg_outer(x1: Any, x2: Any, /) -> Any:
    if _ndim(x1) != 1 or _ndim(x2) != 1:
        raise ChainruleValueError(
            f"np.linalg.outer: both inputs must be 1-D, got shapes {shape_of(x1)} and {shape_of(x2)}"
        )
    return _outer(x1, x2)


@implements(np.linalg.tensordot)
def _linalg_tensordot(x1: Any, x2: Any, /, *, axes: Any = 2) -> Any:
    return _tensordot(x1, x2, axes=axes)


def _count(shape: tuple[int, ...]) -> int:
    return int(np.prod(shape, dtype=np.int64))


@implements(np.linalg.tensorinv)
def _tensorinv(a: Any, ind: int = 2) -> Any:
    """The inverse of ``a`` as a map from its first ``ind`` axes to the others: a matrix inverse, reshaped."""
    if ind <= 0:
        raise ChainruleValueError(f"np.linalg.tensorinv: ind must be positive, got {ind}")
    shape = shape_of(a)
    rows = _count(shape[:ind])
    matrix = np.reshape(a, (rows, -1))
    la._square("np.linalg.tensorinv", matrix)
    return np.reshape(la.inv_p(matrix), shape[ind:] + shape[:ind])


@implements(np.linalg.tensorsolve)
def _tensorsolve(a: Any, b: Any, axes: Any = None) -> Any:
    """x with tensordot(a, x, x.ndim) = b: a linear solve of ``a`` reshaped to a square matrix."""
    nd = _ndim(a)
    if axes is not None:
        order = [k for k in range(nd) if k not in [int(ax) % nd for ax in axes]]
        a = np.transpose(a, order + [int(ax) % nd for ax in axes])
    unknowns = shape_of(a)[_ndim(b) :]
    n = _count(unknowns)
    if _count(shape_of(b)) != n or _count(shape_of(a)) != n * n:
        raise ChainruleValueError(
            f"np.linalg.tensorsolve: a of shape {shape_of(a)} is not square over b's shape {shape_of(b)}"
        )
    return np.reshape(np.linalg.solve(np.reshape(a, (n, n)), np.reshape(b, (n,))), unknowns)


@implements(np.linalg.cond)
def _cond(x: Any, p: Any = None) -> Any:
    """The condition number: a ratio of singular values for p None, 2, -2, else norm(x) * norm(inv(x))."""
    if _ndim(x) < 2:
        raise ChainruleValueError(f"np.linalg.cond: expected a matrix or a stack, got shape {shape_of(x)}")
    if p is None or p in (2, -2):
        s = _singular_values(x)  # descending
        return s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    la._square("np.linalg.cond", x)
    return _norm(x, p, axis=(-2, -1)) * _norm(la.inv_p(x), p, axis=(-2, -1))


implements(np.linalg.matrix_rank, plain=True)(_on_values(np.linalg.matrix_rank))
