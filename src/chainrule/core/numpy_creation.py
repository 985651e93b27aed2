"""``np.zeros_like(x)`` and its family on traced values: a traced constant, so that assigning into it records.

``y = np.zeros_like(x); y[i] = f(x[i])`` is how NumPy code fills an array; with a plain result NumPy itself
would take the assignment and drop the derivative. The result is a constant at ``x``'s trace level: it
depends on nothing, and an assignment into it is recorded (:mod:`chainrule.core.assignment`).

A traced fill value (``np.full_like(x, t)``, ``np.full(shape, t, like=t)``) is broadcast to the shape, so
its gradient is the sum of the entries' gradients. NumPy's ``np.full(shape, t)`` without ``like=``, and
``np.full_like(a, t)`` of a plain ``a``, never reach chainrule (NumPy dispatches them on ``like`` and ``a``
only) and build a plain array: they are refused, naming what to write (:mod:`chainrule.core.conversion`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.conversion import conversion_error
from chainrule.core.primitive import Traced
from chainrule.core.registry import implements
from chainrule.core.rules._util import concrete, shape_of
from chainrule.core.rules.arithmetic import cast

_np: Any = np  # NumPy's stubs do not know the options these take on arbitrary values

__all__: list[str] = []


def _like(a: Any, value: Any) -> Any:
    if not isinstance(a, Traced) or value.dtype.kind not in "fc":
        return value  # integers and booleans carry no derivative
    return a._constant(value)  # type: ignore[attr-defined]


@implements(np.zeros_like)
def _zeros_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None) -> Any:
    return _like(a, _np.zeros_like(concrete(a), dtype=dtype, order=order, shape=shape))


@implements(np.ones_like)
def _ones_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None) -> Any:
    return _like(a, _np.ones_like(concrete(a), dtype=dtype, order=order, shape=shape))


@implements(np.empty_like)
def _empty_like(
    prototype: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None
) -> Any:
    # NumPy leaves the values unspecified; zeros are one choice of them
    return _like(prototype, _np.zeros_like(concrete(prototype), dtype=dtype, order=order, shape=shape))


@implements(np.full_like)
def _full_like(
    a: Any, fill_value: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None
) -> Any:
    if isinstance(fill_value, Traced):
        template = _np.empty_like(concrete(a), dtype=dtype, shape=shape)  # NumPy's dtype and shape
        return _filled(fill_value, template.shape, template.dtype)
    return _like(a, _np.full_like(concrete(a), fill_value, dtype=dtype, order=order, shape=shape))


@implements(np.full)
def _full(shape: Any, fill_value: Any, dtype: Any = None, order: str = "C", **kwargs: Any) -> Any:
    # reached for np.full(shape, t, like=x) only: NumPy's np.full takes no part in the protocols otherwise
    if dtype is None:
        dtype = np.result_type(concrete(fill_value))
    if isinstance(fill_value, Traced):
        return _filled(fill_value, np.empty(shape, dtype=bool).shape, np.dtype(dtype))
    return _np.full(shape, fill_value, dtype=dtype, order=order)


def _filled(fill_value: Any, shape: tuple[int, ...], dtype: np.dtype[Any]) -> Any:
    """An array of ``shape`` whose entries are the traced ``fill_value`` (broadcast): the gradient of the
    fill value is the sum of the entries' gradients."""
    if dtype.kind not in "fc":  # integers and booleans carry no derivative
        return np.full(shape, np.asarray(concrete(fill_value)), dtype=dtype)
    return _np.broadcast_to(cast(fill_value, dtype), shape)


@implements(np.copyto)
def _copyto(dst: Any, src: Any, casting: str = "same_kind", where: Any = True) -> None:
    """``np.copyto(x, v)`` into a traced ``x`` is the assignment ``x[...] = v`` (see assignment)."""
    from chainrule.core.assignment import setitem  # (assignment imports the rule table, made after this)

    if not isinstance(dst, Traced):  # NumPy would store the traced values into a plain array
        raise conversion_error()
    mask = concrete(where)
    if not (isinstance(mask, bool | np.bool_) and mask):
        src = _np.where(mask, src, dst)
    setitem(dst, Ellipsis, _np.broadcast_to(cast(src, np.result_type(concrete(dst))), shape_of(dst)))


@implements(np.astype)
def _astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Any:
    out = x.astype(dtype)  # the method's rule: floats keep the derivative, integers and booleans drop it
    return _np.copy(out) if copy and out is x else out
