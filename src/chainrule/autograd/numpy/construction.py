"""Building arrays from traced values, which NumPy's protocols cannot see: ``array``, ``asarray``, ``r_``,
``c_``, ``full`` and ``full_like`` with a traced fill value, and autograd's ``where``."""

from __future__ import annotations

from typing import Any

import numpy as _np

from chainrule.core.primitive import Traced
from chainrule.core.rules._util import concrete

__all__ = [
    "array",
    "asarray",
    "c_",
    "full",
    "full_like",
    "integer_type",
    "make_diagonal",
    "msort",
    "r_",
    "where",
]

_numpy: Any = _np


def _has_traced(value: Any) -> bool:
    if isinstance(value, Traced):
        return True
    if isinstance(value, list | tuple):
        return any(_has_traced(v) for v in value)
    return False


def _from_nested(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return _numpy.stack([_from_nested(v) for v in value])
    return value if isinstance(value, Traced) else _np.asarray(value)


def _finish(out: Any, dtype: Any, ndmin: int) -> Any:
    if dtype is not None:
        out = out.astype(dtype)
    while _np.ndim(out) < ndmin:
        out = _numpy.expand_dims(out, 0)
    return out


def array(obj: Any, dtype: Any = None, *, copy: Any = True, ndmin: int = 0, **kwargs: Any) -> Any:
    """``np.array`` that also takes traced values and (nested) lists of them; the result is traced."""
    if not _has_traced(obj):
        return _np.array(obj, dtype=dtype, copy=copy, ndmin=ndmin, **kwargs)
    # np.array(t) is a copy, so that assigning into it leaves t alone, as in NumPy
    out = (_numpy.copy(obj) if copy else obj) if isinstance(obj, Traced) else _from_nested(obj)
    return _finish(out, dtype, ndmin)


def asarray(obj: Any, dtype: Any = None, **kwargs: Any) -> Any:
    """``np.asarray`` that also takes traced values (returned as they are) and lists of them."""
    if not _has_traced(obj):
        return _np.asarray(obj, dtype=dtype, **kwargs)
    return array(obj, dtype=dtype, copy=False)


def full(shape: Any, fill_value: Any, dtype: Any = None, order: str = "C", **kwargs: Any) -> Any:
    """``np.full`` whose fill value may be traced (NumPy dispatches ``np.full`` on ``like=`` only)."""
    if isinstance(fill_value, Traced):
        return _numpy.full(shape, fill_value, dtype=dtype, order=order, like=fill_value)
    return _numpy.full(shape, fill_value, dtype=dtype, order=order, **kwargs)


def full_like(
    a: Any, fill_value: Any, dtype: Any = None, *args: Any, shape: Any = None, **kwargs: Any
) -> Any:
    """``np.full_like`` whose fill value may be traced while ``a`` is not (NumPy dispatches on ``a`` only)."""
    if isinstance(fill_value, Traced) and not isinstance(a, Traced):
        template = _np.empty_like(a, dtype=dtype, shape=shape)
        return _numpy.full(template.shape, fill_value, dtype=template.dtype, like=fill_value)
    return _numpy.full_like(a, fill_value, dtype, *args, shape=shape, **kwargs)


def _entries(key: Any) -> list[Any]:
    return list(key) if isinstance(key, tuple) else [key]


class _RClass:
    def __getitem__(self, key: Any) -> Any:
        if not _has_traced(_entries(key)):
            return _np.r_[key]
        pieces = [_np.r_[k] if isinstance(k, slice) else _numpy.atleast_1d(k) for k in _entries(key)]
        return _numpy.concatenate(pieces, axis=0)


class _CClass:
    def __getitem__(self, key: Any) -> Any:
        if not _has_traced(_entries(key)):
            return _np.c_[key]
        pieces = []
        for k in _entries(key):
            piece = _np.r_[k] if isinstance(k, slice) else k
            pieces.append(_numpy.reshape(piece, (-1, 1)) if _np.ndim(piece) < 2 else piece)
        return _numpy.concatenate(pieces, axis=-1)


r_ = _RClass()
c_ = _CClass()


def _numpy_or_traced(x: Any) -> bool:
    if isinstance(x, Traced | _np.ndarray | _np.generic):
        return True
    if isinstance(x, list | tuple):
        return any(_numpy_or_traced(v) for v in x)
    return False


def where(condition: Any, *args: Any, **kwargs: Any) -> Any:
    """``np.where``, taking ``x``/``y`` by keyword too; Python inputs give Python results, as in autograd."""
    if not args and not kwargs:
        return _np.where(condition)
    if len(args) + len(kwargs) != 2:
        raise ValueError("either both or neither of x and y should be given")
    x = args[0] if args else kwargs.get("x")
    y = args[1] if len(args) > 1 else kwargs.get("y")
    if _numpy_or_traced(condition) or _numpy_or_traced(x) or _numpy_or_traced(y):
        return _numpy.where(condition, x, y)
    result = _np.where(condition, x, y)
    return result.tolist() if isinstance(result, _np.ndarray) else result


def make_diagonal(D: Any, offset: int = 0, axis1: int = -1, axis2: int = -2) -> Any:
    """autograd's inverse of ``np.diagonal``: matrices whose diagonals are the last axis of ``D``."""
    if not (offset == 0 and axis1 == -1 and axis2 == -2):
        raise NotImplementedError("make_diagonal supports only offset=0, axis1=-1, axis2=-2, as in autograd")
    n = _np.shape(D)[-1]
    return _numpy.expand_dims(D, -1) * _np.eye(n)


def integer_type(base: type) -> type:
    """``base`` (``np.int64`` ...) taking traced values too: an integer carries no derivative, so
    ``np.int64(x)`` of a traced ``x`` is the integer of its values, as in autograd."""

    def new(cls: type, *args: Any, **kwargs: Any) -> Any:
        return base(*[concrete(a) for a in args], **kwargs)

    return type(base.__name__, (base,), {"__new__": new, "__module__": __name__})


def msort(a: Any) -> Any:
    """autograd's ``msort`` (removed from NumPy 2): ``np.sort(a, axis=0)``."""
    return _numpy.sort(a, axis=0)
