"""``x[index] = v`` on traced values, and what chainrule knows of views.

An assignment is recorded as a functional update (:data:`~chainrule.core.rules.assignment.index_update_p`):
a new array, the old one untouched, so the operations that already used the old values keep their
derivatives. The name ``x`` then stands for the new array: a constant takes the result's place outright, a
value in a graph keeps its place there (for the operations that used it) and forwards everything else to the
result (see ``Tensor._become``); a :class:`~chainrule.core.dual.Dual` carries no graph and takes the new
primal and tangent.

Slices of traced arrays are copies, where NumPy's basic slices (and ``.T``, ``reshape`` ...) are views. The
two differ only when an array is assigned into while a view of it is still in use, or a view is assigned into:

- taking a view notes it on its base (a weak reference, and the index it took);
- assigning into the base *poisons* the live views that overlap the assigned entries: any later use of one
  raises :class:`~chainrule.errors.GraphError` saying to take the slice again (the graph, which used the old
  values, is unaffected);
- assigning into a slice writes through to its base, as in NumPy (``y[i][j] = v`` works); into a reshaped or
  transposed view it raises, naming what to write instead.

The cost is one weak reference per view taken, and work at an assignment only when live views exist.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from chainrule.core.numpy_shape import index_of
from chainrule.core.primitive import Traced
from chainrule.core.rules._util import concrete, shape_of
from chainrule.core.rules.assignment import index_update_p
from chainrule.core.rules.indexing import is_basic_index
from chainrule.errors import GraphError

__all__ = ["ASSIGNED", "STANDING_IN", "Links", "current", "note_view", "setitem", "stale_error"]

# The classes a traced value takes once it stands for another value: an array in a graph that was assigned
# into (it forwards to the result), and a stale view (every use raises). Tensor and Dual enter theirs.
STANDING_IN: set[type] = set()

# How many assignments have forwarded a value in a graph, in this process; a backward pass that records
# itself (create_graph=True) looks for such values only when this is not zero.
ASSIGNED = [0]


class Links:
    """An array's aliases: the views taken of it (weak references) and, for a view, its base and index."""

    __slots__ = ("base", "index", "prune_at", "target", "views")

    def __init__(self) -> None:
        self.views: list[weakref.ref[Any]] = []
        self.prune_at = 16  # drop the dead references when the list grows this long
        self.base: Any = None
        self.index: Any = None  # the index a view took of its base; None for reshape/transpose views
        self.target: Any = None  # for a value in a graph that was assigned into: the assignment's result


def current(x: Any) -> Any:
    """The value ``x`` stands for: the latest result for an array assigned into (raises for a stale view)."""
    if type(x) in STANDING_IN:
        return x._resolve()
    return x


def links_of(x: Any, create: bool = False) -> Links | None:
    try:
        links: Links = x._links
    except AttributeError:
        if not create:
            return None
        links = x._links = Links()
    return links


def _is_view(view: Any, base: Any) -> bool:
    v, b = concrete(view), concrete(base)
    return (
        isinstance(v, np.ndarray)
        and isinstance(b, np.ndarray)
        and v.base is not None
        and np.may_share_memory(v, b)
    )


def note_view(base: Any, view: Any, index: Any = None) -> Any:
    """Record that ``view`` (just computed from ``base``) is a view of it in NumPy; returns ``view``."""
    if isinstance(view, Traced) and _is_view(view, base):
        links = links_of(base, create=True)
        assert links is not None
        views = links.views
        if len(views) >= links.prune_at:
            views[:] = [r for r in views if r() is not None]
            links.prune_at = max(16, 2 * len(views))
        views.append(weakref.ref(view))
        own = links_of(view, create=True)
        assert own is not None
        own.base, own.index = base, index
    return view


def stale_error() -> GraphError:
    return GraphError(
        "this array is a slice (or reshape/transpose) of an array that was assigned into after the slice "
        "was taken. In NumPy the slice is a view and would show the new values; chainrule's slices are "
        "copies, so it still holds the old ones. Take the slice again after the assignment, or take a copy "
        "before it (np.copy(x[...])) if the old values are what you mean"
    )


def _overlap(shape: tuple[int, ...], index: Any, views: list[tuple[Any, Any]]) -> list[Any]:
    """The views whose entries include one that ``x[index] = ...`` writes."""
    written = np.zeros(shape, dtype=bool)
    written[index] = True
    hit = []
    for view, view_index in views:
        if view_index is None or bool(np.any(written[view_index])):
            hit.append(view)
    return hit


def _poison_views(x: Any, index: Any, keep: Any) -> None:
    links = links_of(x)
    if links is None or not links.views:
        return
    live = [(v, links_of(v)) for v in (r() for r in links.views) if v is not None]
    candidates = [(v, lk.index if lk is not None else None) for v, lk in live if v is not keep]
    hit = _overlap(shape_of(x), index, candidates) if candidates else []
    for view in hit:
        _poison(view)
    hit_ids = {id(v) for v in hit}
    links.views = [weakref.ref(v) for v, _ in live if id(v) not in hit_ids]


def _poison(view: Any) -> None:
    """Make every later use of ``view`` (and of the views taken of it) raise the stale-view error."""
    stack = [view]
    while stack:
        v = stack.pop()
        links = links_of(v)
        if links is not None:
            stack.extend(w for w in (r() for r in links.views) if w is not None)
            links.views = []
        v._poison()


def setitem(x: Any, index: Any, value: Any, through: Any = None) -> None:
    """``x[index] = value`` for a traced ``x``: record the update and make ``x`` stand for its result.

    ``through`` is the view of ``x`` whose own assignment is being written through to ``x``.
    """
    index = index_of(index)
    basic = is_basic_index(index)
    links = links_of(x)
    if links is not None and links.base is not None:
        if links.index is None:
            raise GraphError(
                "assigning into a reshaped or transposed view of a traced array: in NumPy it would write "
                "through to the original array, which chainrule's copies cannot do; assign into the "
                "original array instead (x[...] = ...), then reshape it"
            )
        new_view = index_update_p(x, value, index=index, basic=basic)
        setitem(links.base, links.index, new_view, through=x)
        x._become(new_view)
        return
    new = index_update_p(x, value, index=index, basic=basic)
    _poison_views(x, index, through)
    if x._become(new):
        ASSIGNED[0] += 1
