"""Batching rules: how a primitive runs on a whole batch at once, for :func:`chainrule.vmap`.

Every primitive declares one on its row, ``Primitive(..., batch=rule)``. Under ``vmap`` the operands that
carry the batch hold their batch as a leading axis 0 (``vmap`` moves it there); the rule receives a
:class:`BatchCall` saying which operands are batched, then the operands and the primitive's parameters, and
returns the primitive's result for every example at once, its batch again as axis 0::

    rule(call, *operands, **params) -> result with the batch as axis 0

Most rows take one of the factories here instead of writing a rule:

``elementwise``
    Broadcasting operations (``sin``, ``add``, ``where`` ...): batched operands get singleton axes after
    the batch axis so that NumPy's broadcasting lines the per-example axes up.
``axes("axis")``
    Operations with axis parameters (``sum``, ``cumsum``, ``flip`` ...): each named parameter is shifted
    past the batch axis, and ``None`` ("every axis") becomes every per-example axis.
``leading``
    Operations that already map over leading axes (``inv``, ``det``, ``cholesky``, ``eigh``).
``looped``
    One call per example, stacked: declared only where NumPy has no batched form (``convolve``); it is a
    fact on the row, never a silent fallback for a missing rule.

A rule is written with NumPy calls and primitives, so it runs on plain arrays and on values traced by
other transforms (``vmap(grad(f))``, ``grad(vmap(f))``) alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.core.primitive import Primitive, Traced
from chainrule.core.rules._util import concrete, shape_of
from chainrule.errors import UnsupportedOperationError

__all__ = [
    "BatchCall",
    "BatchRule",
    "align",
    "axes",
    "batch_numbers",
    "broadcast_batch",
    "elementwise",
    "example_numbers",
    "leading",
    "looped",
    "product",
    "quotient",
]

BatchRule = Callable[..., Any]


class BatchCall:
    """What a batching rule is told about a call: the primitive, which operands are batched, the batch size.

    ``strong_zero`` is set by the Jacobians, whose batch is a set of basis vectors: there a batched zero
    times a NaN or infinity of an unbatched operand is 0 (that entry does not depend on the bad value), so
    one bad input does not poison the other rows (see :func:`product`).
    """

    __slots__ = ("batched", "level", "prim", "size", "strong_zero")

    def __init__(
        self, prim: Primitive, batched: tuple[bool, ...], size: int, strong_zero: bool, level: int = -1
    ) -> None:
        self.prim = prim
        self.batched = batched
        self.size = size
        self.strong_zero = strong_zero
        self.level = level  # the vmap's trace level: an index batched at it is this batch's


def batch_numbers(x: Any) -> Any:
    """The plain numbers under ``x``, batched values included (for decisions that hold for every example)."""
    while isinstance(x, Traced):
        inner = x._value()  # type: ignore[attr-defined]
        x = inner if inner is not x else x._batched_value
    return x


def example_numbers(x: Any) -> tuple[np.ndarray, int, Callable[[Any], Any]]:
    """The plain numbers under ``x`` with the batch axis of each vmap batching it in front (the outermost
    first), how many such axes there are, and the function that makes an array laid out so a value of
    those batches again.

    For rules that compute with plain numbers (the order of a quantile's entries, the runs of a running
    maximum) and treat leading axes as independent rows: under ``vmap`` the batch axes are more rows.
    """
    layers: list[Any] = []
    while isinstance(x, Traced):
        inner = x._value()  # type: ignore[attr-defined]
        if inner is x:  # a batch of plain numbers (or of an enclosing batch's)
            layers.append(x)
            x = x._batched_value
        else:
            x = inner

    def rebatch(array: Any) -> Any:
        for layer in reversed(layers):
            array = layer._like(array)
        return array

    return np.asarray(x), len(layers), rebatch


def _example_ndim(x: Any, batched: bool) -> int:
    return len(shape_of(x)) - (1 if batched else 0)


def align(x: Any, ndim: int) -> Any:
    """A batched ``x`` with singleton axes after the batch axis, so its examples have ``ndim`` axes."""
    shape = shape_of(x)
    missing = ndim - (len(shape) - 1)
    if missing <= 0:
        return x
    return np.reshape(x, (shape[0],) + (1,) * missing + tuple(shape[1:]))


def broadcast_batch(x: Any, size: int) -> Any:
    """An unbatched ``x`` repeated (as a broadcast view) along a new batch axis 0."""
    return np.broadcast_to(x, (size, *shape_of(x)))


def _aligned(call: BatchCall, args: Sequence[Any]) -> list[Any]:
    ndim = max(_example_ndim(a, b) for a, b in zip(args, call.batched, strict=True))
    return [align(a, ndim) if b else a for a, b in zip(args, call.batched, strict=True)]


def elementwise(call: BatchCall, *args: Any, **params: Any) -> Any:
    """Batching rule of a broadcasting operation: line the per-example axes up, then apply it once."""
    return call.prim(*_aligned(call, args), **params)


def _strong_zero(call: BatchCall, out: Any, args: Sequence[Any], zero_bad: bool) -> Any:
    """``out`` with 0 wherever the one batched operand is 0, if the unbatched one has a bad entry."""
    if not call.strong_zero or sum(call.batched) != 1:
        return out
    i = 0 if call.batched[0] else 1
    constant = batch_numbers(args[1 - i])
    ok = np.isfinite(constant)
    if zero_bad:
        ok = ok & (constant != 0)
    if bool(np.all(ok)):
        return out
    nonzero = align(concrete(args[i]) != 0, len(shape_of(out)) - 1)
    return np.where(nonzero, out, np.zeros((), dtype=np.result_type(concrete(out))))


def product(call: BatchCall, *args: Any, **params: Any) -> Any:
    """Batching rule of ``multiply``: elementwise, with strong zeros under the Jacobians.

    Under ``jacobian``/``hessian`` the batch is the basis tangents or cotangents and the unbatched operand
    is a local derivative. Where a basis entry is exactly 0 the product is 0 even when the derivative is
    NaN or infinite, as it is in the entry of a Jacobian that does not depend on that input.
    """
    return _strong_zero(call, elementwise(call, *args, **params), args, zero_bad=False)


def quotient(call: BatchCall, *args: Any, **params: Any) -> Any:
    """Batching rule of ``divide``: as :func:`product` for a batched numerator (``0 / 0`` is 0 there)."""
    out = elementwise(call, *args, **params)
    return _strong_zero(call, out, args, zero_bad=True) if call.batched == (True, False) else out


def axes(*names: str, none: str = "all") -> BatchRule:
    """A batching rule that shifts the axis parameters ``names`` past the batch axis.

    ``none`` says what ``axis=None`` means to the primitive: ``"all"`` (every axis: becomes every
    per-example axis) or ``"keep"`` (no axis parameter in use).
    """

    def rule(call: BatchCall, x: Any, *rest: Any, **params: Any) -> Any:
        ndim = len(shape_of(x)) - 1
        for name in names:
            params[name] = _shift(params.get(name), ndim, none)
        flags = call.batched[1:]
        rest = tuple(r if b else broadcast_batch(r, call.size) for r, b in zip(rest, flags, strict=True))
        if not call.batched[0]:
            x = broadcast_batch(x, call.size)
            ndim += 1
        return call.prim(x, *rest, **params)

    return rule


def _shift(axis: Any, ndim: int, none: str) -> Any:
    if axis is None:
        return tuple(range(1, ndim + 1)) if none == "all" else None
    if isinstance(axis, tuple | list):
        return tuple(_shift(a, ndim, none) for a in axis)
    a = int(axis)
    return a + 1 if a >= 0 else a


def leading(call: BatchCall, *args: Any, **params: Any) -> Any:
    """Batching rule of an operation that maps over leading axes already (``inv``, ``det``, ``eigh``)."""
    args = tuple(a if b else broadcast_batch(a, call.size) for a, b in zip(args, call.batched, strict=True))
    return call.prim(*args, **params)


def looped(call: BatchCall, *args: Any, **params: Any) -> Any:
    """One call per example, stacked: for operations NumPy has no batched form of (``convolve``).

    Declared on a row, it is a fact about that primitive (the batch costs a Python loop there), never a
    fallback for a row that declared nothing.
    """
    results = [
        call.prim(*[a[i] if b else a for a, b in zip(args, call.batched, strict=True)], **params)
        for i in range(call.size)
    ]
    return np.stack(results, axis=0)


# ---------------------------------------------------------------- shapes and axes


def _example_shape(x: Any) -> tuple[int, ...]:
    return tuple(shape_of(x)[1:])


def reshape_rule(call: BatchCall, x: Any, *, shape: tuple[int, ...]) -> Any:
    """``reshape``: the batch axis stays in front."""
    return call.prim(x, shape=(call.size, *shape))


def transpose_rule(call: BatchCall, x: Any, *, axes: tuple[int, ...]) -> Any:
    """``transpose``: the batch axis stays in front."""
    return call.prim(x, axes=(0, *(a + 1 for a in axes)))


def broadcast_to_rule(call: BatchCall, x: Any, *, shape: tuple[int, ...]) -> Any:
    """``broadcast_to``: an example's axes lined up with the target's first."""
    return call.prim(align(x, len(shape)), shape=(call.size, *shape))


def roll_rule(call: BatchCall, x: Any, *, shift: Any, axis: Any) -> Any:
    """``roll``; with ``axis=None`` each example is rolled flattened, as NumPy does."""
    if axis is None:
        flat = np.reshape(x, (call.size, -1))
        return np.reshape(call.prim(flat, shift=shift, axis=1), shape_of(x))
    return call.prim(x, shift=shift, axis=_shift(axis, 0, "keep"))


def tile_rule(call: BatchCall, x: Any, *, reps: tuple[int, ...]) -> Any:
    """``tile``: reps padded to an example's axes, and 1 for the batch axis."""
    ndim = max(len(shape_of(x)) - 1, len(reps))
    return call.prim(align(x, ndim), reps=(1,) * (ndim + 1 - len(reps)) + tuple(reps))


def pad_rule(call: BatchCall, x: Any, *, pad_width: tuple[tuple[int, int], ...], value: float) -> Any:
    """``pad``: nothing added along the batch axis."""
    return call.prim(x, pad_width=((0, 0), *pad_width), value=value)


def triangle(call: BatchCall, x: Any, **params: Any) -> Any:
    """``triu``/``tril``: NumPy takes the triangle of the last two axes, so matrices batch as they are."""
    if len(shape_of(x)) - 1 >= 2:
        return call.prim(x, **params)
    return looped(call, x, **params)


def interp_rule(call: BatchCall, x: Any, xp: Any, fp: Any, *rest: Any) -> Any:
    """``interp``: batched points are one call; batched knots or values, one call per example."""
    if call.batched[1:] == (False,) * (len(call.batched) - 1):
        return call.prim(x, xp, fp, *rest)
    return looped(call, x, xp, fp, *rest)


# ---------------------------------------------------------------- indexing


def _parts(index: Any) -> tuple[Any, ...]:
    return index if isinstance(index, tuple) else (index,)


def _is_advanced(p: Any) -> bool:
    return not (p is None or p is Ellipsis or isinstance(p, slice | int | np.integer)) or isinstance(p, bool)


def _split_advanced(index: tuple[Any, ...]) -> int:
    """For an index whose advanced parts are not side by side (NumPy then puts their axes first): the
    number of those axes; 0 otherwise."""
    arrays = [p for p in index if _is_advanced(p)]
    if not arrays:
        return 0
    counted = [i for i, p in enumerate(index) if _is_advanced(p) or isinstance(p, int | np.integer)]
    if counted[-1] - counted[0] + 1 == len(counted):
        return 0
    return len(np.broadcast_shapes(*[shape_of(p) for p in arrays]))


def _own_parts(call: BatchCall, parts: tuple[Any, ...]) -> list[bool]:
    """Which parts of an index are batched by this vmap (integer arrays with each example's own indices)."""
    return [isinstance(p, Traced) and p._level == call.level for p in parts]


def _batched_index(call: BatchCall, parts: tuple[Any, ...], ndim: int) -> tuple[tuple[Any, ...], int, int]:
    """The index that picks every example's own entries at once, for an index with batched parts.

    Each example's batched parts become advanced indices with the batch axis in front, and a batch counter
    ``arange(size)`` goes in front of them all, so the result is ``(batch, *S, *rest)`` with S the shape the
    example's advanced indices broadcast to. Returned with ``len(S)`` and the axis where one example's
    result has S (NumPy's rule: where the first advanced index is when they are side by side, else first).
    """
    own = _own_parts(call, parts)
    values: list[Any] = []
    for p, mine in zip(parts, own, strict=True):
        if not mine:
            values.append(np.nonzero(p) if _is_advanced(p) and np.result_type(p).kind == "b" else p)
            continue
        v = p._batched_value
        kind = np.result_type(batch_numbers(v)).kind
        if kind == "b":
            raise UnsupportedOperationError(
                "a boolean mask batched by cr.vmap picks a different number of entries in each example, so "
                "the result has no batched shape; write the choice with np.where(mask, x, 0)"
            )
        if kind not in "iu":
            raise IndexError(f"an index batched by cr.vmap must hold integers, not {np.result_type(v)}")
        values.append(v)
    flat: list[Any] = []
    mine_flat: list[bool] = []
    for v, mine in zip(values, own, strict=True):
        expanded = v if isinstance(v, tuple) else (v,)  # a mask's nonzero() arrays, one per axis
        flat.extend(expanded)
        mine_flat.extend([mine] * len(expanded))
    advanced = [m or _is_advanced(v) for v, m in zip(flat, mine_flat, strict=True)]
    shapes = [
        shape_of(v)[1:] if m else shape_of(v) for v, m, a in zip(flat, mine_flat, advanced, strict=True) if a
    ]
    example_shape = np.broadcast_shapes(*shapes)
    n_s = len(example_shape)
    batch = np.reshape(np.arange(call.size), (call.size,) + (1,) * n_s)
    index = (batch, *(align(v, n_s) if m else v for v, m in zip(flat, mine_flat, strict=True)))
    # Where an example's result has S: after the axes of the parts before its first advanced one, when its
    # advanced parts (integers among them) are side by side.
    pairs = enumerate(zip(flat, advanced, strict=True))
    counted = [i for i, (v, a) in pairs if a or isinstance(v, int | np.integer)]
    if counted[-1] - counted[0] + 1 != len(counted):
        return index, n_s, 0
    consumed = sum(1 for v in flat if v is not None and v is not Ellipsis)
    before = 0
    for v in flat[: counted[0]]:
        before += ndim - consumed if v is Ellipsis else 1
    return index, n_s, before


def _to_example_layout(out: Any, n_s: int, at: int) -> Any:
    """A batched index's result ``(batch, *S, *rest)`` with S moved to where one example's result has it."""
    if not n_s or not at:
        return out
    return np.moveaxis(out, tuple(range(1, 1 + n_s)), tuple(range(1 + at, 1 + at + n_s)))


def index_batch(index: Any) -> Any:
    """The batch of a vmap among an index's parts (the innermost one), or None: an index computed from the
    examples, such as their labels (``logits[y]`` under ``vmap``)."""
    found = None
    for p in _parts(index):
        if isinstance(p, Traced) and (found is None or p._level > found._level):
            found = p
    return found


def held_by_index(x: Any, index: Any) -> Any:
    """``x`` as a value of the batch that batches ``index``, when it is not one already: the same for every
    example, repeated along the batch axis, so that a primitive taking the index runs under that vmap."""
    batch = index_batch(index)
    if batch is None or (isinstance(x, Traced) and x._level >= batch._level):
        return x
    if isinstance(x, Traced) and x._level == 0 and not getattr(x, "requires_grad", True):
        x = concrete(x)  # cr.Tensor(table)[y]: a constant of the object API, wrapped to be indexed
    return batch._holding(x)


def getitem_rule(call: BatchCall, x: Any, *, index: Any, basic: bool) -> Any:
    """``x[index]`` for every example: the index gets a full slice for the batch axis in front (or, for
    parts batched by this vmap, a batch counter: see :func:`_batched_index`)."""
    parts = _parts(index)
    if any(_own_parts(call, parts)):
        batched_index, n_s, at = _batched_index(call, parts, len(shape_of(x)) - 1)
        return _to_example_layout(call.prim(x, index=batched_index, basic=False), n_s, at)
    out = call.prim(x, index=(slice(None), *parts), basic=basic)
    split = _split_advanced(parts)
    return np.moveaxis(out, split, 0) if split else out


def scatter_add_rule(call: BatchCall, g: Any, *, shape: tuple[int, ...], index: Any, basic: bool) -> Any:
    """The adjoint of :func:`getitem_rule`."""
    parts = _parts(index)
    if any(_own_parts(call, parts)):
        batched_index, n_s, at = _batched_index(call, parts, len(shape))
        if n_s and at:
            g = np.moveaxis(g, tuple(range(1 + at, 1 + at + n_s)), tuple(range(1, 1 + n_s)))
        return call.prim(g, shape=(call.size, *shape), index=batched_index, basic=False)
    split = _split_advanced(parts)
    if split:
        g = np.moveaxis(g, 0, split)
    return call.prim(g, shape=(call.size, *shape), index=(slice(None), *parts), basic=basic)


def index_update_rule(call: BatchCall, x: Any, v: Any, *, index: Any, basic: bool) -> Any:
    """``x[index] = v`` for every example."""
    parts = _parts(index)
    if not call.batched[0]:
        x = broadcast_batch(x, call.size)
    if call.batched[1]:
        selected = np.broadcast_to(np.empty((), dtype=bool), _example_shape(x))[parts].shape
        v = align(v, len(selected))
        split = _split_advanced(parts)
        if split:
            v = np.moveaxis(v, 0, split)
    return call.prim(x, v, index=(slice(None), *parts), basic=basic)


def take_along_axis_rule(call: BatchCall, x: Any, *, indices: Any, axis: int) -> Any:
    """``take_along_axis``: each example's own indices when the vmap batches them, else the same indices for
    every example, broadcast along the batch axis."""
    if _own_parts(call, (indices,))[0]:
        return call.prim(x, indices=indices._batched_value, axis=axis + 1)
    return call.prim(x, indices=np.asarray(indices)[None], axis=axis + 1)
