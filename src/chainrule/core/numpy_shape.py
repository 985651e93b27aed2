"""NumPy's shape functions and indexing on traced values, mapped onto the shape primitives."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from chainrule.core.numpy_api import _axis, _cast, _refuse, implements
from chainrule.core.primitive import Traced
from chainrule.core.rules import reductions as red
from chainrule.core.rules import shape as sh
from chainrule.core.rules._util import concrete, shape_of
from chainrule.errors import ChainruleValueError, ShapeError, UnsupportedOperationError


def _reshape(a: Any, shape: Any) -> Any:
    shape = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    return sh.reshape_p(a, shape=np.empty(shape_of(a), dtype=bool).reshape(shape).shape)


@implements(np.reshape)
def _reshape_handler(
    a: Any, shape: Any = None, order: str = "C", *, newshape: Any = None, copy: Any = None
) -> Any:
    if order != "C":
        raise UnsupportedOperationError("np.reshape: only order='C' is supported on traced values")
    return _reshape(a, newshape if shape is None else shape)


@implements(np.ravel)
def _ravel(a: Any, order: str = "C") -> Any:
    return _reshape_handler(a, (-1,), order)


@implements(np.transpose)
def _transpose(a: Any, axes: Any = None) -> Any:
    nd = len(shape_of(a))
    axes = tuple(reversed(range(nd))) if axes is None else tuple(int(x) % nd for x in axes)
    return sh.transpose_p(a, axes=axes)


@implements(np.swapaxes)
def _swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    axes = list(range(len(shape_of(a))))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return sh.transpose_p(a, axes=tuple(axes))


@implements(np.moveaxis)
def _moveaxis(a: Any, source: Any, destination: Any) -> Any:
    nd = len(shape_of(a))
    src = [int(s) % nd for s in np.atleast_1d(source)]
    dst = [int(d) % nd for d in np.atleast_1d(destination)]
    rest = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        rest.insert(int(d), int(s))
    return sh.transpose_p(a, axes=tuple(rest))


@implements(np.expand_dims)
def _expand_dims(a: Any, axis: Any) -> Any:
    return _reshape(a, np.expand_dims(np.empty(shape_of(a), dtype=bool), axis).shape)


@implements(np.squeeze)
def _squeeze(a: Any, axis: Any = None) -> Any:
    return _reshape(a, np.squeeze(np.empty(shape_of(a), dtype=bool), axis).shape)


@implements(np.broadcast_to)
def _broadcast_to(array: Any, shape: Any, subok: bool = False) -> Any:
    shape = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    if shape_of(array) == shape:
        return array
    np.broadcast_shapes(shape_of(array), shape)  # raises the usual error for shapes that do not fit
    return sh.broadcast_to_p(array, shape=shape)


@implements(np.atleast_1d)
def _atleast_1d(*arys: Any) -> Any:
    out = [a if np.ndim(concrete(a)) >= 1 else _reshape(a, (1,)) for a in arys]
    return out[0] if len(out) == 1 else tuple(out)


@implements(np.atleast_2d)
def _atleast_2d(*arys: Any) -> Any:
    out = [a if np.ndim(concrete(a)) >= 2 else _reshape(a, (1, -1)) for a in arys]
    return out[0] if len(out) == 1 else tuple(out)


@implements(np.concatenate)
def _concatenate(
    arrays: Any, axis: Any = 0, out: Any = None, *, dtype: Any = None, casting: str = "same_kind"
) -> Any:
    _refuse("np.concatenate", out=out)
    arrays = list(arrays)
    if axis is None:
        return sh.concatenate_p(*[_reshape(a, (-1,)) for a in arrays], axis=0)
    nd = np.ndim(concrete(arrays[0]))
    return sh.concatenate_p(*arrays, axis=int(axis) % max(nd, 1))


@implements(np.stack)
def _stack(
    arrays: Any, axis: int = 0, out: Any = None, *, dtype: Any = None, casting: str = "same_kind"
) -> Any:
    _refuse("np.stack", out=out)
    arrays = list(arrays)
    shapes = {shape_of(a) for a in arrays}
    if len(shapes) != 1:
        raise ShapeError(f"np.stack: all arrays must have the same shape, got {sorted(shapes)}")
    return sh.stack_p(*arrays, axis=int(axis) % (len(shapes.pop()) + 1))


@implements(np.vstack)
def _vstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    return _concatenate([_atleast_2d(a) for a in tup], axis=0)


@implements(np.hstack)
def _hstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    arrays = [_atleast_1d(a) for a in tup]
    return _concatenate(arrays, axis=0 if np.ndim(concrete(arrays[0])) == 1 else 1)


@implements(np.split, np.array_split)
def _split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Any]:
    pieces = np.array_split(np.arange(shape_of(ary)[axis]), indices_or_sections)
    if isinstance(indices_or_sections, int | np.integer) and len({len(p) for p in pieces}) > 1:
        raise ChainruleValueError(
            f"np.split: an axis of length {shape_of(ary)[axis]} does not divide into "
            f"{indices_or_sections} equal parts (use np.array_split)"
        )
    lead = (slice(None),) * (axis % np.ndim(concrete(ary)))
    bounds = np.cumsum([0] + [len(p) for p in pieces])
    return [ary[(*lead, slice(int(lo), int(hi)))] for lo, hi in itertools.pairwise(bounds)]


@implements(np.tile)
def _tile(A: Any, reps: Any) -> Any:
    reps = (int(reps),) if isinstance(reps, int | np.integer) else tuple(int(r) for r in reps)
    return sh.tile_p(A, reps=reps)


@implements(np.repeat)
def _repeat(a: Any, repeats: Any, axis: Any = None) -> Any:
    if axis is None:
        return sh.repeat_p(_reshape(a, (-1,)), repeats=repeats, axis=0)
    return sh.repeat_p(a, repeats=repeats, axis=int(axis) % np.ndim(concrete(a)))


@implements(np.flip)
def _flip(m: Any, axis: Any = None) -> Any:
    return sh.flip_p(m, axis=_axis(axis))


@implements(np.roll)
def _roll(a: Any, shift: Any, axis: Any = None) -> Any:
    return sh.roll_p(a, shift=_axis(shift), axis=_axis(axis))


@implements(np.pad)
def _pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Any:
    if mode != "constant":
        raise UnsupportedOperationError(
            f"np.pad: mode={mode!r} is not supported on traced values (only 'constant')"
        )
    value = kwargs.pop("constant_values", 0.0)
    if kwargs or np.ndim(value) != 0:
        raise UnsupportedOperationError("np.pad: only a single scalar constant_values is supported")
    nd = np.ndim(concrete(array))
    widths = tuple((int(lo), int(hi)) for lo, hi in np.broadcast_to(pad_width, (nd, 2)))
    return sh.pad_p(array, pad_width=widths, value=float(value))


def index_of(index: Any) -> Any:
    """An index with any traced parts replaced by plain integer arrays (indices are not differentiable)."""
    if isinstance(index, tuple):
        return tuple(index_of(i) for i in index)
    if isinstance(index, Traced):
        return concrete(index)
    if isinstance(index, list):
        return np.asarray([concrete(i) for i in index])
    return index


def getitem(x: Any, index: Any) -> Any:
    index = index_of(index)
    return sh.getitem_p(x, index=index, basic=sh.is_basic_index(index))


@implements(np.take)
def _take(a: Any, indices: Any, axis: Any = None, out: Any = None, mode: str = "raise") -> Any:
    _refuse("np.take", out=out)
    if mode != "raise":
        raise UnsupportedOperationError(f"np.take: mode={mode!r} is not supported on traced values")
    indices = index_of(indices)
    if axis is None:
        return getitem(_reshape(a, (-1,)), indices)
    lead = (slice(None),) * (int(axis) % np.ndim(concrete(a)))
    return getitem(a, (*lead, indices))


@implements(np.take_along_axis)
def _take_along_axis(arr: Any, indices: Any, axis: Any = -1) -> Any:
    indices = np.asarray(index_of(indices))
    if axis is None:
        return sh.take_along_axis_p(_reshape(arr, (-1,)), indices=indices, axis=0)
    return sh.take_along_axis_p(arr, indices=indices, axis=int(axis) % np.ndim(concrete(arr)))


@implements(np.sort)
def _sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *, stable: Any = None) -> Any:
    if axis is None:
        a, axis = _reshape(a, (-1,)), 0
    order_idx = np.argsort(concrete(a), axis=axis, kind=kind, stable=stable)
    return _take_along_axis(a, order_idx, axis)


@implements(np.diagonal)
def _diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    return sh.diagonal_p(a, offset=int(offset), axis1=int(axis1), axis2=int(axis2))


@implements(np.diag)
def _diag(v: Any, k: int = 0) -> Any:
    nd = np.ndim(concrete(v))
    if nd == 1:
        return sh.diag_embed_p(v, k=int(k))
    if nd == 2:
        return _diagonal(v, k)
    raise ChainruleValueError(f"np.diag: input must be 1-D or 2-D, got {nd}-D")


@implements(np.trace)
def _trace(
    a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: Any = None
) -> Any:
    _refuse("np.trace", out=out)
    return red.sum_p(_cast(_diagonal(a, offset, axis1, axis2), dtype), axis=-1, keepdims=False)


@implements(np.triu)
def _triu(m: Any, k: int = 0) -> Any:
    return sh.triu_p(m, k=int(k))


@implements(np.tril)
def _tril(m: Any, k: int = 0) -> Any:
    return sh.tril_p(m, k=int(k))
