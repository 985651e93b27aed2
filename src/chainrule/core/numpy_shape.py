"""NumPy's shape functions on traced values that are compositions of the shape primitives, and indexing.

The primitives themselves (``np.reshape``, ``np.concatenate``, ``np.diagonal`` ...) declare their NumPy
functions on their rows in :mod:`chainrule.core.rules.reshaping` and :mod:`chainrule.core.rules.indexing`.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from chainrule.core.primitive import Traced
from chainrule.core.registry import implements
from chainrule.core.rules import reductions as red
from chainrule.core.rules import reshaping as rs
from chainrule.core.rules._util import concrete, refuse, shape_of
from chainrule.core.rules.arithmetic import cast
from chainrule.core.rules.indexing import diagonal_p, getitem_p, is_basic_index, take_along_axis_p
from chainrule.errors import ChainruleValueError, UnsupportedOperationError

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


@implements(np.vstack)
def _vstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    return np.concatenate([_atleast_2d(a) for a in tup], axis=0)


@implements(np.hstack)
def _hstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    arrays = [_atleast_1d(a) for a in tup]
    return np.concatenate(arrays, axis=0 if np.ndim(concrete(arrays[0])) == 1 else 1)


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


# ---------------------------------------------------------------- indexing


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
    """``x[index]`` on a traced value, recorded as :data:`~chainrule.core.rules.indexing.getitem_p`."""
    index = index_of(index)
    return getitem_p(x, index=index, basic=is_basic_index(index))


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


@implements(np.trace)
def _trace(
    a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: Any = None
) -> Any:
    refuse("np.trace", out=out)
    diagonal = diagonal_p(a, offset=int(offset), axis1=int(axis1), axis2=int(axis2))
    return red.sum_p(cast(diagonal, dtype), axis=-1, keepdims=False)
