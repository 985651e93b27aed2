"""Primitives that pick entries: indexing and its adjoint (scatter-add), take_along_axis, diagonals and
triangles.

All are linear; the reverse rule of a selection adds the cotangent back where the entries came from, with
``np.add.at`` when an advanced index can repeat an entry, so repeated picks accumulate.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.batch_rules import (
    axes,
    getitem_rule,
    held_by_index,
    index_batch,
    looped,
    scatter_add_rule,
    take_along_axis_rule,
    triangle,
)
from chainrule.core.primitive import Primitive
from chainrule.core.rules._util import concrete, shape_of
from chainrule.core.rules.reshaping import linear
from chainrule.errors import ChainruleValueError

__all__ = [
    "diag_embed_p",
    "diagonal_p",
    "getitem_p",
    "is_basic_index",
    "scatter_add_p",
    "take_along_axis_p",
    "tril_p",
    "triu_p",
]


def is_basic_index(index: Any) -> bool:
    """True for indices made of ints, slices, None and Ellipsis, which never repeat an entry."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        p is None or p is Ellipsis or isinstance(p, slice | int | np.integer)
        for p in parts
        if not isinstance(p, bool)
    )


def _getitem(x: Any, *, index: Any, basic: bool) -> Any:
    if not basic and index_batch(index) is not None:  # each example's own indices, under cr.vmap
        return getitem_p(held_by_index(x, index), index=index, basic=False)
    return x[index]


def _scatter_add(g: Any, *, shape: tuple[int, ...], index: Any, basic: bool) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``index``; repeated advanced indices accumulate."""
    if not basic and index_batch(index) is not None:
        return scatter_add_p(held_by_index(g, index), shape=shape, index=index, basic=False)
    out = np.zeros(shape, dtype=np.result_type(g))
    if basic:
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


getitem_p: Primitive = Primitive(
    "getitem",
    _getitem,
    vjp=(lambda g, ans, x, *, index, basic: scatter_add_p(g, shape=shape_of(x), index=index, basic=basic),),
    jvp=(lambda t, ans, x, **params: getitem_p(t, **params),),
    rule="selection",
    notation="d x[i] / d x_j = 1 where j = i",
    complex="holomorphic",
    batch=getitem_rule,
)
scatter_add_p: Primitive = Primitive(
    "scatter_add",
    _scatter_add,
    vjp=(lambda g, ans, x, *, shape, index, basic: getitem_p(g, index=index, basic=basic),),
    jvp=(lambda t, ans, x, **params: scatter_add_p(t, **params),),
    rule="linearity",
    notation="adjoint of indexing",
    complex="holomorphic",
    batch=scatter_add_rule,
)


def _take_along_axis(x: Any, *, indices: Any, axis: int) -> Any:
    if index_batch(indices) is not None:  # each example's own indices, under cr.vmap
        return take_along_axis_p(held_by_index(x, indices), indices=indices, axis=axis)
    return np.take_along_axis(x, indices, axis=axis)


def _full_index(indices: Any, axis: int, shape: tuple[int, ...]) -> tuple[Any, ...]:
    """The advanced index equivalent to ``take_along_axis(., indices, axis)`` on an array of ``shape``
    (whose other axes the indices broadcast against, as NumPy's do)."""
    others = tuple(1 if i == axis else n for i, n in enumerate(shape))
    grids: tuple[Any, ...] = np.indices(np.broadcast_shapes(shape_of(indices), others), sparse=True)
    return tuple(indices if i == axis else grid for i, grid in enumerate(grids))


def _numpy_take_along_axis(prim: Primitive, arr: Any, indices: Any, axis: Any = -1) -> Any:
    indices = concrete(indices)
    if index_batch(indices) is None:
        indices = np.asarray(indices)
    arr = held_by_index(arr, indices)
    if axis is None:
        return prim(np.reshape(arr, (-1,)), indices=indices, axis=0)
    return prim(arr, indices=indices, axis=int(axis) % np.ndim(concrete(arr)))


take_along_axis_p = linear(
    "take_along_axis",
    _take_along_axis,
    lambda g, ans, x, *, indices, axis: scatter_add_p(
        g, shape=shape_of(x), index=_full_index(indices, axis, shape_of(x)), basic=False
    ),
    numpy={np.take_along_axis: _numpy_take_along_axis},
    batch=take_along_axis_rule,
)

# ---------------------------------------------------------------- diagonals and triangles


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


def _numpy_diagonal(prim: Primitive, a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    return prim(a, offset=int(offset), axis1=int(axis1), axis2=int(axis2))


diagonal_p = linear(
    "diagonal", _diagonal, _diagonal_vjp, numpy={np.diagonal: _numpy_diagonal}, batch=axes("axis1", "axis2")
)


def _diag_embed(v: Any, *, k: int) -> Any:
    return np.diag(v, k)


def _numpy_diag(prim: Primitive, v: Any, k: int = 0) -> Any:
    nd = np.ndim(concrete(v))
    if nd == 1:
        return prim(v, k=int(k))
    if nd == 2:
        return diagonal_p(v, offset=int(k), axis1=0, axis2=1)
    raise ChainruleValueError(f"np.diag: input must be 1-D or 2-D, got {nd}-D")


diag_embed_p = linear(
    "diag",
    _diag_embed,
    lambda g, ans, v, *, k: np.diagonal(g, offset=k),
    numpy={np.diag: _numpy_diag},
    batch=looped,
)


def _triu(x: Any, *, k: int) -> Any:
    return np.triu(x, k)


def _tril(x: Any, *, k: int) -> Any:
    return np.tril(x, k)


triu_p = linear(
    "triu",
    _triu,
    lambda g, ans, x, *, k: np.triu(g, k),
    numpy={np.triu: lambda prim, m, k=0: prim(m, k=int(k))},
    batch=triangle,
)
tril_p = linear(
    "tril",
    _tril,
    lambda g, ans, x, *, k: np.tril(g, k),
    numpy={np.tril: lambda prim, m, k=0: prim(m, k=int(k))},
    batch=triangle,
)
