"""Assignment into an array, ``x[index] = v``, as a functional update: a new array, the old one untouched.

NumPy writes into ``x`` in place; a recorded graph may still need the old values, so chainrule records the
assignment as this primitive and :mod:`chainrule.core.assignment` makes the name ``x`` stand for the result.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.core.batch_rules import index_update_rule
from chainrule.core.primitive import Primitive
from chainrule.core.rules._util import concrete, shape_of, unbroadcast
from chainrule.core.rules.indexing import getitem_p

__all__ = ["index_update_p"]


def _index_update(x: Any, v: Any, *, index: Any, basic: bool) -> Any:
    out = np.array(x, copy=True)  # x's dtype is kept, as NumPy's assignment keeps it
    out[index] = v
    return out


def _selected_shape(shape: tuple[int, ...], index: Any) -> tuple[int, ...]:
    """The shape of ``x[index]`` for an ``x`` of ``shape``."""
    selected: tuple[int, ...] = np.broadcast_to(np.empty((), dtype=bool), shape)[index].shape
    return selected


def _last_writes(shape: tuple[int, ...], index: Any) -> Any:
    """Which entries of ``x[index] = v`` are kept: with a repeated advanced index NumPy keeps the last write,
    so an earlier value written to the same place gets no gradient. None when nothing repeats."""
    selected = _selected_shape(shape, index)
    ids = np.arange(math.prod(selected)).reshape(selected)
    slot = np.full(shape, -1)
    slot[index] = ids
    kept = slot[index] == ids
    return None if kept.all() else kept


def _value_cotangent(g: Any, ans: Any, x: Any, v: Any, *, index: Any, basic: bool) -> Any:
    ct = getitem_p(g, index=index, basic=basic)
    if not basic:
        kept = _last_writes(shape_of(x), index)
        if kept is not None:
            ct = ct * kept
    return unbroadcast(ct, shape_of(v))


def _value_tangent(t: Any, ans: Any, x: Any, v: Any, *, index: Any, basic: bool) -> Any:
    zeros = np.zeros(shape_of(x), dtype=np.result_type(concrete(t), concrete(x)))
    return index_update_p(zeros, t, index=index, basic=basic)


index_update_p: Primitive = Primitive(
    "index_update",
    _index_update,
    vjp=(
        lambda g, ans, x, v, *, index, basic: index_update_p(g, 0.0, index=index, basic=basic),
        _value_cotangent,
    ),
    jvp=(
        lambda t, ans, x, v, *, index, basic: index_update_p(t, 0.0, index=index, basic=basic),
        _value_tangent,
    ),
    rule="selection",
    notation="d (x with x[i] = v) = dx with dx[i] = dv",
    complex="holomorphic",
    batch=index_update_rule,
)
