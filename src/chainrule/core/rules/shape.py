"""Primitives that move entries around: reshaping, transposing, broadcasting, indexing, joining, tiling.

All are linear, so each forward rule is the primitive itself applied to the tangent, and each reverse rule is
the adjoint movement (a transpose back, a sum over broadcast copies, a scatter-add for indexing).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.primitive import Primitive, VarargRules
from chainrule.core.rules._util import concrete, shape_of, unbroadcast


def _linear(prim_name: str, impl: Any, adjoint: Any, *, notation: str = "") -> Primitive:
    """A primitive linear in its one operand: forward applies it to the tangent, reverse its adjoint."""
    prim = Primitive(prim_name, impl, rule="linearity", notation=notation or "linear in x")
    prim.vjp = (adjoint,)
    prim.jvp = (lambda t, ans, x, **params: prim(t, **params),)
    prim.differentiable = True
    return prim


def _reshape(x: Any, *, shape: tuple[int, ...]) -> Any:
    return np.reshape(x, shape)


reshape_p = _linear("reshape", _reshape, lambda g, ans, x, *, shape: np.reshape(g, shape_of(x)))


def _transpose(x: Any, *, axes: tuple[int, ...]) -> Any:
    return np.transpose(x, axes)


transpose_p = _linear(
    "transpose",
    _transpose,
    lambda g, ans, x, *, axes: np.transpose(g, tuple(np.argsort(axes))),
)


def _broadcast_to(x: Any, *, shape: tuple[int, ...]) -> Any:
    return np.broadcast_to(x, shape)


broadcast_to_p = _linear(
    "broadcast_to", _broadcast_to, lambda g, ans, x, *, shape: unbroadcast(g, shape_of(x))
)


def is_basic_index(index: Any) -> bool:
    """True for indices made of ints, slices, None and Ellipsis, which never repeat an entry."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        p is None or p is Ellipsis or isinstance(p, slice | int | np.integer)
        for p in parts
        if not isinstance(p, bool)
    )


def _getitem(x: Any, *, index: Any, basic: bool) -> Any:
    return x[index]


def _scatter_add(g: Any, *, shape: tuple[int, ...], index: Any, basic: bool) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``index``; repeated advanced indices accumulate."""
    out = np.zeros(shape, dtype=np.result_type(g))
    if basic:
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


getitem_p = Primitive(
    "getitem",
    _getitem,
    rule="selection",
    notation="d x[i] / d x_j = 1 where j = i",
)
scatter_add_p = Primitive(
    "scatter_add",
    _scatter_add,
    rule="linearity",
    notation="adjoint of indexing",
)
getitem_p.vjp = (
    lambda g, ans, x, *, index, basic: scatter_add_p(g, shape=shape_of(x), index=index, basic=basic),
)
getitem_p.jvp = (lambda t, ans, x, **params: getitem_p(t, **params),)
scatter_add_p.vjp = (lambda g, ans, x, *, shape, index, basic: getitem_p(g, index=index, basic=basic),)
scatter_add_p.jvp = (lambda t, ans, x, **params: scatter_add_p(t, **params),)
getitem_p.differentiable = scatter_add_p.differentiable = True


def _concatenate(*xs: Any, axis: int) -> Any:
    return np.concatenate(xs, axis=axis)


def _concatenate_vjp(i: int, g: Any, ans: Any, *xs: Any, axis: int) -> Any:
    start = sum(shape_of(x)[axis] for x in xs[:i])
    index = (slice(None),) * (axis % np.ndim(ans)) + (slice(start, start + shape_of(xs[i])[axis]),)
    return getitem_p(g, index=index, basic=True)


def _tangent_among_zeros(i: int, t: Any, xs: tuple[Any, ...]) -> list[Any]:
    """Operand i's tangent in its place and zeros for the others: one operand's share of a linear rule."""
    dtype = np.result_type(concrete(t))
    return [t if j == i else np.zeros(shape_of(x), dtype=dtype) for j, x in enumerate(xs)]


def _concatenate_jvp(i: int, t: Any, ans: Any, *xs: Any, axis: int) -> Any:
    return concatenate_p(*_tangent_among_zeros(i, t, xs), axis=axis)


concatenate_p = Primitive(
    "concatenate",
    _concatenate,
    vjp=VarargRules(_concatenate_vjp),
    jvp=VarargRules(_concatenate_jvp),
    rule="linearity",
    notation="each block's derivative is its slice",
)


def _stack(*xs: Any, axis: int) -> Any:
    return np.stack(xs, axis=axis)


def _stack_vjp(i: int, g: Any, ans: Any, *xs: Any, axis: int) -> Any:
    index = (slice(None),) * (axis % np.ndim(ans)) + (i,)
    return getitem_p(g, index=index, basic=True)


def _stack_jvp(i: int, t: Any, ans: Any, *xs: Any, axis: int) -> Any:
    return stack_p(*_tangent_among_zeros(i, t, xs), axis=axis)


stack_p = Primitive(
    "stack",
    _stack,
    vjp=VarargRules(_stack_vjp),
    jvp=VarargRules(_stack_jvp),
    rule="linearity",
    notation="each slice's derivative is its block",
)


def _tile(x: Any, *, reps: tuple[int, ...]) -> Any:
    return np.tile(x, reps)


def _tile_vjp(g: Any, ans: Any, x: Any, *, reps: tuple[int, ...]) -> Any:
    xshape = shape_of(x)
    nd = max(len(xshape), len(reps))
    xs = (1,) * (nd - len(xshape)) + tuple(xshape)
    rs = (1,) * (nd - len(reps)) + tuple(reps)
    split = tuple(n for pair in zip(rs, xs, strict=True) for n in pair)
    summed = np.sum(np.reshape(g, split), axis=tuple(range(0, 2 * nd, 2)))
    return np.reshape(summed, xshape)


tile_p = _linear("tile", _tile, _tile_vjp)


def _repeat(x: Any, *, repeats: Any, axis: int) -> Any:
    return np.repeat(x, repeats, axis=axis)


def _repeat_vjp(g: Any, ans: Any, x: Any, *, repeats: Any, axis: int) -> Any:
    n = shape_of(x)[axis]
    counts = np.broadcast_to(np.asarray(repeats), (n,))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
    return reduceat_p(g, starts=starts, counts=counts, axis=axis)


def _reduceat(g: Any, *, starts: Any, counts: Any, axis: int) -> Any:
    """Sum consecutive runs of ``counts`` entries along ``axis`` (runs of length 0 give 0)."""
    gm = np.moveaxis(g, axis, 0)
    if gm.shape[0] == 0:
        return np.moveaxis(np.zeros((len(counts), *gm.shape[1:]), dtype=gm.dtype), 0, axis)
    sums = np.add.reduceat(gm, np.minimum(starts, gm.shape[0] - 1), axis=0)
    sums[np.asarray(counts) == 0] = 0
    return np.moveaxis(sums, 0, axis)


reduceat_p = Primitive("reduceat", _reduceat, rule="linearity", notation="sum of runs")
repeat_p = _linear("repeat", _repeat, _repeat_vjp)
reduceat_p.vjp = (lambda g, ans, x, *, starts, counts, axis: repeat_p(g, repeats=counts, axis=axis),)
reduceat_p.jvp = (lambda t, ans, x, **params: reduceat_p(t, **params),)
reduceat_p.differentiable = True


def _flip(x: Any, *, axis: Any) -> Any:
    return np.flip(x, axis=axis)


flip_p = _linear("flip", _flip, lambda g, ans, x, *, axis: np.flip(g, axis=axis))


def _roll(x: Any, *, shift: Any, axis: Any) -> Any:
    return np.roll(x, shift, axis=axis)


def _negate_shift(shift: Any) -> Any:
    return tuple(-s for s in shift) if isinstance(shift, tuple | list) else -shift


roll_p = _linear("roll", _roll, lambda g, ans, x, *, shift, axis: np.roll(g, _negate_shift(shift), axis=axis))


def _pad(x: Any, *, pad_width: tuple[tuple[int, int], ...], value: float) -> Any:
    return np.pad(x, pad_width, mode="constant", constant_values=value)


def _pad_vjp(g: Any, ans: Any, x: Any, *, pad_width: tuple[tuple[int, int], ...], value: float) -> Any:
    index = tuple(slice(lo, lo + n) for (lo, _), n in zip(pad_width, shape_of(x), strict=True))
    return getitem_p(g, index=index, basic=True)


pad_p = Primitive("pad", _pad, vjp=(_pad_vjp,), rule="linearity", notation="padding is constant")
pad_p.jvp = (lambda t, ans, x, *, pad_width, value: pad_p(t, pad_width=pad_width, value=0.0),)


def _take_along_axis(x: Any, *, indices: Any, axis: int) -> Any:
    return np.take_along_axis(x, indices, axis=axis)


def _full_index(indices: Any, axis: int) -> tuple[Any, ...]:
    """The advanced index equivalent to ``take_along_axis(., indices, axis)``."""
    grids = np.indices(indices.shape, sparse=True)
    return tuple(indices if i == axis else grid for i, grid in enumerate(grids))


take_along_axis_p = _linear(
    "take_along_axis",
    _take_along_axis,
    lambda g, ans, x, *, indices, axis: scatter_add_p(
        g, shape=shape_of(x), index=_full_index(indices, axis), basic=False
    ),
)


def _diagonal(x: Any, *, offset: int, axis1: int, axis2: int) -> Any:
    return np.diagonal(x, offset=offset, axis1=axis1, axis2=axis2)


def _diagonal_vjp(g: Any, ans: Any, x: Any, *, offset: int, axis1: int, axis2: int) -> Any:
    shape = shape_of(x)
    nd = len(shape)
    a1, a2 = axis1 % nd, axis2 % nd
    rest = [i for i in range(nd) if i not in (a1, a2)]
    moved_shape = (*tuple(shape[i] for i in rest), shape[a1], shape[a2])
    k = np.arange(shape_of(g)[-1])
    index = (Ellipsis, k - min(offset, 0), k + max(offset, 0))
    moved = scatter_add_p(g, shape=moved_shape, index=index, basic=False)
    return np.transpose(moved, tuple(np.argsort([*rest, a1, a2])))


diagonal_p = _linear("diagonal", _diagonal, _diagonal_vjp)


def _diag_embed(v: Any, *, k: int) -> Any:
    return np.diag(v, k)


diag_embed_p = _linear("diag", _diag_embed, lambda g, ans, v, *, k: np.diagonal(g, offset=k))


def _triu(x: Any, *, k: int) -> Any:
    return np.triu(x, k)


def _tril(x: Any, *, k: int) -> Any:
    return np.tril(x, k)


triu_p = _linear("triu", _triu, lambda g, ans, x, *, k: np.triu(g, k))
tril_p = _linear("tril", _tril, lambda g, ans, x, *, k: np.tril(g, k))
