"""NumPy functions whose result is made of their operands' entries, some repeated or left out: ``np.insert``,
``np.delete``, ``np.resize``, ``np.choose``, ``np.compress``, ``np.extract`` and ``np.put_along_axis``.

Each runs NumPy's own function on the entries' numbers: number every entry of the operands 0, 1, 2 ...,
call the function on those integer arrays, and the result says which entry lands where, by NumPy's rules
(broadcasting, negative and repeated indices, the last of repeated writes winning). The values are then one
gather from the operands' entries (an indexing primitive), so the derivative is the gather's: the cotangent
scatter-added back, a repeated entry's summed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.core.assignment import setitem
from chainrule.core.numpy_shape import getitem, index_of
from chainrule.core.primitive import Traced
from chainrule.core.registry import implements
from chainrule.core.rules._util import concrete, refuse, shape_of
from chainrule.core.rules.arithmetic import cast
from chainrule.errors import ChainruleValueError, GraphError, UnsupportedOperationError

_np: Any = np


def _numbers(*operands: Any) -> list[np.ndarray[Any, Any]]:
    """Integer arrays of the operands' shapes numbering their entries, one operand after another."""
    out, start = [], 0
    for x in operands:
        shape = shape_of(x)
        size = math.prod(shape)
        out.append(np.arange(start, start + size, dtype=np.intp).reshape(shape))
        start += size
    return out


def _gather(operands: tuple[Any, ...], positions: Any, dtype: Any) -> Any:
    """The entries of ``operands`` (numbered as :func:`_numbers` does) at ``positions``, in ``dtype``."""
    flat = [_np.ravel(x) for x in operands]
    entries = flat[0] if len(flat) == 1 else _np.concatenate(flat)
    dtype = np.dtype(dtype)
    if dtype.kind not in "fc":  # NumPy casts to integers or booleans: no derivative
        return np.asarray(concrete(entries))[positions].astype(dtype)
    return cast(getitem(entries, positions), dtype)


def _plain_index(value: Any, name: str) -> Any:
    """An index or condition as plain values (not differentiable), the same for every example under vmap."""
    plain = index_of(value) if isinstance(value, Traced) else value
    if isinstance(plain, Traced):
        raise UnsupportedOperationError(
            f"{name}: indices or conditions that differ between the examples of a cr.vmap are not supported; "
            "use cr.vmap(f, loop=True)"
        )
    return plain


def _dtype_of(*operands: Any) -> np.dtype[Any]:
    return np.result_type(
        *[np.result_type(concrete(x)) if isinstance(x, Traced) else np.asarray(x).dtype for x in operands]
    )


@implements(np.insert)
def _insert(arr: Any, obj: Any, values: Any, axis: Any = None) -> Any:
    numbers = _numbers(arr, values)
    positions = np.insert(numbers[0], _plain_index(obj, "np.insert"), numbers[1], axis=axis)
    return _gather((arr, values), positions, _dtype_of(arr))


@implements(np.delete)
def _delete(arr: Any, obj: Any, axis: Any = None) -> Any:
    positions = np.delete(_numbers(arr)[0], _plain_index(obj, "np.delete"), axis=axis)
    return _gather((arr,), positions, _dtype_of(arr))


@implements(np.resize)
def _resize(a: Any, new_shape: Any) -> Any:
    """``a``'s entries repeated in order to fill ``new_shape`` (zeros when ``a`` is empty, as NumPy)."""
    if math.prod(shape_of(a)) == 0:
        return _np.zeros_like(a, shape=new_shape)
    return _gather((a,), np.resize(_numbers(a)[0], new_shape), _dtype_of(a))


@implements(np.choose)
def _choose(a: Any, choices: Any, out: Any = None, mode: str = "raise") -> Any:
    refuse("np.choose", out=out)
    choices = tuple(choices)
    positions = _np.choose(_plain_index(a, "np.choose"), _numbers(*choices), mode=mode)
    return _gather(choices, positions, _dtype_of(*choices))


@implements(np.compress)
def _compress(condition: Any, a: Any, axis: Any = None, out: Any = None) -> Any:
    refuse("np.compress", out=out)
    positions = np.compress(concrete(_plain_index(condition, "np.compress")), _numbers(a)[0], axis=axis)
    return _gather((a,), positions, _dtype_of(a))


@implements(np.extract)
def _extract(condition: Any, arr: Any) -> Any:
    positions = np.extract(concrete(_plain_index(condition, "np.extract")), _numbers(arr)[0])
    return _gather((arr,), positions, _dtype_of(arr))


@implements(np.put_along_axis)
def _put_along_axis(arr: Any, indices: Any, values: Any, axis: Any) -> None:
    """In place, as in NumPy: recorded as the assignment ``arr[...] = new`` (see assignment)."""
    if not isinstance(arr, Traced):
        raise GraphError(
            "np.put_along_axis(arr, indices, t, axis) would store the traced values t into the plain NumPy "
            "array arr and silently drop their derivative; put them into a traced array instead: "
            "arr = arr + np.zeros_like(t, shape=arr.shape), then np.put_along_axis(arr, indices, t, axis)"
        )
    numbers = _numbers(arr, values)
    positions = numbers[0].copy()
    np.put_along_axis(positions, _plain_index(indices, "np.put_along_axis"), numbers[1], axis)
    setitem(arr, Ellipsis, _gather((arr, values), positions, _dtype_of(arr)))


@implements(np.piecewise)
def _piecewise(x: Any, condlist: Any, funclist: Any, *args: Any, **kw: Any) -> Any:
    """``np.piecewise``: each function called, as NumPy calls it, on the entries its condition picks (so a
    function need not be defined elsewhere: ``lambda v: np.sqrt(v)`` where ``x >= 0``), its values put
    back where they came from; a later condition wins, an entry no condition picks is 0, and one function
    more than conditions is the otherwise. The derivative flows through each function at its own entries.
    """
    values = concrete(x)
    if isinstance(values, Traced):
        raise UnsupportedOperationError(
            "np.piecewise of a value batched by cr.vmap: its conditions pick a different number of entries "
            "in each example; write it with np.where, or use cr.vmap(f, loop=True)"
        )
    shape = shape_of(x)
    scalar = not shape
    if scalar:
        x, values = _np.reshape(x, (1,)), np.reshape(values, (1,))
    if np.isscalar(condlist) or not isinstance(condlist, list | tuple):
        condlist = [condlist]  # one condition (NumPy takes a lone array so)
    masks = [np.asarray(concrete(c), dtype=bool) for c in condlist]
    conditions = [np.broadcast_to(m.reshape(-1) if scalar else m, values.shape) for m in masks]
    functions = list(funclist)
    if len(functions) == len(conditions) + 1:
        conditions.append(~np.any(conditions, axis=0))
    elif len(functions) != len(conditions):
        raise ChainruleValueError(
            f"np.piecewise: {len(conditions)} conditions and {len(functions)} functions; give one function "
            "per condition, and optionally one more for the entries no condition picks"
        )
    out = _np.zeros_like(x)
    for condition, function in zip(conditions, functions, strict=True):
        if not condition.any():
            continue
        picked = getitem(x, condition)
        out[condition] = function(picked, *args, **kw) if callable(function) else function
    return _np.reshape(out, ()) if scalar else out
