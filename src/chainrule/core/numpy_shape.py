"""NumPy's shape functions on traced values that are compositions of the shape primitives, and indexing.

The primitives themselves (``np.reshape``, ``np.concatenate``, ``np.diagonal`` ...) declare their NumPy
functions on their rows in :mod:`chainrule.core.rules.reshaping` and :mod:`chainrule.core.rules.indexing`.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from chainrule.core.batch_rules import held_by_index
from chainrule.core.primitive import Traced
from chainrule.core.registry import implements
from chainrule.core.rules import reductions as red
from chainrule.core.rules import reshaping as rs
from chainrule.core.rules._util import concrete, refuse, shape_of
from chainrule.core.rules.arithmetic import cast
from chainrule.core.rules.indexing import diagonal_p, getitem_p, is_basic_index, take_along_axis_p
from chainrule.core.rules.piecewise import where_p
from chainrule.errors import (
    ChainruleIndexError,
    ChainruleTypeError,
    ChainruleValueError,
    UnsupportedOperationError,
)

reshape = rs.reshape


@implements(np.ravel)
def _ravel(a: Any, order: str = "C") -> Any:
    if order != "C":
        raise UnsupportedOperationError("np.ravel: only order='C' is supported on traced values")
    return reshape(a, (-1,))


@implements(np.swapaxes)
def _swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    axes = list(range(len(shape_of(a))))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return rs.transpose_p(a, axes=tuple(axes))


@implements(np.moveaxis)
def _moveaxis(a: Any, source: Any, destination: Any) -> Any:
    nd = len(shape_of(a))
    src = [int(s) % nd for s in np.atleast_1d(source)]
    dst = [int(d) % nd for d in np.atleast_1d(destination)]
    rest = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        rest.insert(int(d), int(s))
    return rs.transpose_p(a, axes=tuple(rest))


@implements(np.expand_dims)
def _expand_dims(a: Any, axis: Any) -> Any:
    return reshape(a, np.expand_dims(np.empty(shape_of(a), dtype=bool), axis).shape)


@implements(np.squeeze)
def _squeeze(a: Any, axis: Any = None) -> Any:
    return reshape(a, np.squeeze(np.empty(shape_of(a), dtype=bool), axis).shape)


@implements(np.atleast_1d)
def _atleast_1d(*arys: Any) -> Any:
    out = [a if np.ndim(concrete(a)) >= 1 else reshape(a, (1,)) for a in arys]
    return out[0] if len(out) == 1 else tuple(out)


@implements(np.atleast_2d)
def _atleast_2d(*arys: Any) -> Any:
    out = [a if np.ndim(concrete(a)) >= 2 else reshape(a, (1, -1)) for a in arys]
    return out[0] if len(out) == 1 else tuple(out)


@implements(np.atleast_3d)
def _atleast_3d(*arys: Any) -> Any:
    def lift(a: Any) -> Any:
        shape = shape_of(a)
        if len(shape) >= 3:
            return a
        return reshape(a, {0: (1, 1, 1), 1: (1, -1, 1), 2: (*shape, 1)}[len(shape)])

    out = [lift(a) for a in arys]
    return out[0] if len(out) == 1 else tuple(out)


@implements(np.vstack)
def _vstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    return np.concatenate([_atleast_2d(a) for a in tup], axis=0)


@implements(np.hstack)
def _hstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    arrays = [_atleast_1d(a) for a in tup]
    return np.concatenate(arrays, axis=0 if np.ndim(concrete(arrays[0])) == 1 else 1)


@implements(np.dstack)
def _dstack(tup: Any) -> Any:
    return np.concatenate([_atleast_3d(a) for a in tup], axis=2)


@implements(np.column_stack)
def _column_stack(tup: Any) -> Any:
    columns = [reshape(a, (-1, 1)) if len(shape_of(a)) < 2 else a for a in tup]
    return np.concatenate(columns, axis=1)


@implements(np.append)
def _append(arr: Any, values: Any, axis: Any = None) -> Any:
    if axis is None:
        return np.concatenate([reshape(arr, (-1,)), reshape(values, (-1,))], axis=0)
    return np.concatenate([arr, values], axis=axis)


@implements(np.array_split)
def _array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Any]:
    """Pieces along ``axis``: at the given indices, or that many of lengths differing by at most one."""
    pieces = np.array_split(np.arange(shape_of(ary)[axis]), indices_or_sections)
    lead = (slice(None),) * (axis % np.ndim(concrete(ary)))
    bounds = np.cumsum([0] + [len(p) for p in pieces])
    return [ary[(*lead, slice(int(lo), int(hi)))] for lo, hi in itertools.pairwise(bounds)]


@implements(np.split)
def _split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Any]:
    """As np.array_split, but a number of sections must divide the axis into equal parts."""
    length = shape_of(ary)[axis]
    if isinstance(indices_or_sections, int | np.integer) and length % int(indices_or_sections):
        raise ChainruleValueError(
            f"np.split: an axis of length {length} does not divide into {indices_or_sections} equal parts "
            "(np.array_split allows unequal ones)"
        )
    pieces: list[Any] = _array_split(ary, indices_or_sections, axis)
    return pieces


def _split_along(name: str, ary: Any, indices_or_sections: Any, axis: int, least: int) -> list[Any]:
    if len(shape_of(ary)) < least:
        raise ChainruleValueError(f"{name} only works on arrays of {least} or more dimensions")
    return _split(ary, indices_or_sections, axis)  # type: ignore[no-any-return]


@implements(np.hsplit)
def _hsplit(ary: Any, indices_or_sections: Any) -> list[Any]:
    axis = 1 if len(shape_of(ary)) > 1 else 0
    return _split_along("np.hsplit", ary, indices_or_sections, axis, 1)


@implements(np.vsplit)
def _vsplit(ary: Any, indices_or_sections: Any) -> list[Any]:
    return _split_along("np.vsplit", ary, indices_or_sections, 0, 2)


@implements(np.dsplit)
def _dsplit(ary: Any, indices_or_sections: Any) -> list[Any]:
    return _split_along("np.dsplit", ary, indices_or_sections, 2, 3)


@implements(np.unstack)
def _unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
    nd = len(shape_of(x))
    axis = _axis_of(axis, nd, "np.unstack")
    lead = (slice(None),) * axis
    return tuple(x[(*lead, i)] for i in range(shape_of(x)[axis]))


def _block_depth(arrays: Any) -> tuple[int, int]:
    """The nesting depth of np.block's lists, and the most dimensions among their arrays."""
    if isinstance(arrays, tuple):
        raise ChainruleTypeError("np.block: arrays are given in lists, not tuples")
    if not isinstance(arrays, list):
        return 0, len(shape_of(arrays))
    if not arrays:
        raise ChainruleValueError("np.block: lists cannot be empty")
    found = {_block_depth(a)[0] for a in arrays}
    if len(found) != 1:
        raise ChainruleValueError("np.block: the lists are nested to different depths")
    return found.pop() + 1, max(_block_depth(a)[1] for a in arrays)


def _assemble(arrays: Any, depth: int, ndim: int) -> Any:
    if depth == 0:
        shape = shape_of(arrays)
        return reshape(arrays, (1,) * (ndim - len(shape)) + shape)
    return np.concatenate([_assemble(a, depth - 1, ndim) for a in arrays], axis=-depth)


@implements(np.block)
def _block(arrays: Any) -> Any:
    """The innermost lists joined along the last axis, the next ones along the one before, ..., each array
    first given leading axes of length 1 up to the result's dimensions."""
    depth, ndim = _block_depth(arrays)
    return _assemble(arrays, depth, max(depth, ndim))


# ---------------------------------------------------------------- rotations and grids


def _axis_of(axis: Any, nd: int, name: str) -> int:
    if not -nd <= int(axis) < nd:
        raise ChainruleValueError(f"{name}: axis {axis} is out of bounds for an array of dimension {nd}")
    return int(axis) % nd


@implements(np.rollaxis)
def _rollaxis(a: Any, axis: int, start: int = 0) -> Any:
    nd = len(shape_of(a))
    axis = _axis_of(axis, nd, "np.rollaxis")
    if not -nd <= start <= nd:
        raise ChainruleValueError(f"np.rollaxis: start {start} is out of bounds for dimension {nd}")
    start = start + nd if start < 0 else start
    start = start - 1 if axis < start else start
    if axis == start:
        return a
    axes = [i for i in range(nd) if i != axis]
    axes.insert(start, axis)
    return rs.transpose_p(a, axes=tuple(axes))


@implements(np.flipud)
def _flipud(m: Any) -> Any:
    if len(shape_of(m)) < 1:
        raise ChainruleValueError("np.flipud: the input must be at least 1-d")
    return rs.flip_p(m, axis=0)


@implements(np.fliplr)
def _fliplr(m: Any) -> Any:
    if len(shape_of(m)) < 2:
        raise ChainruleValueError("np.fliplr: the input must be at least 2-d")
    return rs.flip_p(m, axis=1)


@implements(np.rot90)
def _rot90(m: Any, k: int = 1, axes: Any = (0, 1)) -> Any:
    """Rotation by 90 degrees k times in the plane of ``axes``: flips and a transpose."""
    nd = len(shape_of(m))
    first, second = (_axis_of(a, nd, "np.rot90") for a in axes)
    if len(axes) != 2 or first == second:
        raise ChainruleValueError("np.rot90: axes must be two different axes")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return rs.flip_p(rs.flip_p(m, axis=first), axis=second)
    order = list(range(nd))
    order[first], order[second] = order[second], order[first]
    if k == 1:
        return rs.transpose_p(rs.flip_p(m, axis=second), axes=tuple(order))
    return rs.flip_p(rs.transpose_p(m, axes=tuple(order)), axis=second)


@implements(np.meshgrid)
def _meshgrid(*xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> Any:
    if indexing not in ("xy", "ij"):
        raise ChainruleValueError("np.meshgrid: indexing must be 'xy' or 'ij'")
    nd = len(xi)
    lengths = [int(np.prod(shape_of(x), dtype=int)) for x in xi]
    grids = []
    for i, x in enumerate(xi):
        position = (1 - i if i < 2 else i) if indexing == "xy" and nd > 1 else i
        grids.append(reshape(x, tuple(-1 if j == position else 1 for j in range(nd))))
    if not sparse:
        full = [lengths[1], lengths[0], *lengths[2:]] if indexing == "xy" and nd > 1 else lengths
        grids = [np.broadcast_to(g, tuple(full)) for g in grids]
    return tuple(grids)


@implements(np.select)
def _select(condlist: Any, choicelist: Any, default: Any = 0) -> Any:
    if len(condlist) != len(choicelist):
        raise ChainruleValueError("np.select: list of cases must be same length as list of conditions")
    if not condlist:
        raise ChainruleValueError("np.select: select with an empty condition list is not possible")
    result = default
    for condition, choice in reversed(list(zip(condlist, choicelist, strict=True))):
        chosen = concrete(condition)  # (under cr.vmap, a batched condition: where_p takes it as it is)
        result = where_p(
            chosen if isinstance(chosen, Traced) else np.asarray(chosen, dtype=bool), choice, result
        )
    shape = np.broadcast_shapes(*(shape_of(c) for c in (*condlist, *choicelist, default)))
    return result if shape_of(result) == shape else np.broadcast_to(result, shape)


# ---------------------------------------------------------------- indexing


def index_of(index: Any) -> Any:
    """An index with any traced parts replaced by plain integer arrays (indices are not differentiable)."""
    if isinstance(index, tuple):
        return tuple(index_of(i) for i in index)
    if isinstance(index, Traced):
        return _whole_numbers(concrete(index))
    if isinstance(index, list):
        traced = any(isinstance(i, Traced) for i in index)
        index = np.asarray([concrete(i) for i in index])
        return _whole_numbers(index) if traced else index
    return index


def _whole_numbers(values: Any) -> Any:
    """The values of a traced index as integers. chainrule's arrays hold floats (``cr.Tensor([0, 2])`` is
    float64, as integer data always becomes), so a traced index of whole numbers indexes as PyTorch's integer
    tensors do; other values are refused, saying what to write."""
    if isinstance(values, Traced) or np.result_type(values).kind != "f":
        return values  # a batch of indices under vmap, or NumPy's own (it raises for complex ones)
    array = np.asarray(values)
    whole = np.isfinite(array) & (array == np.round(array))
    if not whole.all():
        wrong = array[~whole].ravel()[:3]
        raise ChainruleIndexError(
            f"indexing with a traced array whose values are not whole numbers ({wrong} ...): indices must be "
            "integers; write x[np.round(t).astype(int)], or index with a NumPy integer array"
        )
    return int(array) if array.ndim == 0 else array.astype(np.intp)


def getitem(x: Any, index: Any) -> Any:
    """``x[index]`` on a traced value, recorded as :data:`~chainrule.core.rules.indexing.getitem_p`."""
    index = index_of(index)
    if is_basic_index(index):  # ints and slices: never a batch's own indices
        return getitem_p(x, index=index, basic=True)
    return getitem_p(held_by_index(x, index), index=index, basic=False)


@implements(np.take)
def _take(a: Any, indices: Any, axis: Any = None, out: Any = None, mode: str = "raise") -> Any:
    refuse("np.take", out=out)
    if mode != "raise":
        raise UnsupportedOperationError(f"np.take: mode={mode!r} is not supported on traced values")
    indices = index_of(indices)
    if axis is None:
        return getitem(reshape(a, (-1,)), indices)
    lead = (slice(None),) * (int(axis) % np.ndim(concrete(a)))
    return getitem(a, (*lead, indices))


@implements(np.sort)
def _sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *, stable: Any = None) -> Any:
    if axis is None:
        a, axis = reshape(a, (-1,)), 0
    order_idx = np.argsort(concrete(a), axis=axis, kind=kind, stable=stable)
    return take_along_axis_p(a, indices=order_idx, axis=int(axis) % np.ndim(concrete(a)))


@implements(np.matrix_transpose, np.linalg.matrix_transpose)
def _matrix_transpose(x: Any, /) -> Any:
    if len(shape_of(x)) < 2:
        raise ChainruleValueError(f"np.matrix_transpose: the input must be at least 2-D, got {shape_of(x)}")
    return _swapaxes(x, -1, -2)


@implements(np.linalg.diagonal)
def _linalg_diagonal(x: Any, /, *, offset: int = 0) -> Any:
    return diagonal_p(x, offset=int(offset), axis1=-2, axis2=-1)


@implements(np.linalg.trace)
def _linalg_trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    return _trace(x, offset, -2, -1, dtype)


@implements(np.trace)
def _trace(
    a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: Any = None
) -> Any:
    refuse("np.trace", out=out)
    diagonal = diagonal_p(a, offset=int(offset), axis1=int(axis1), axis2=int(axis2))
    return red.sum_p(cast(diagonal, dtype), axis=-1, keepdims=False)
