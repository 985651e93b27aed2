"""The methods of NumPy's binary ufuncs on traced values: ``outer``, ``reduce`` and ``accumulate``.

The reductions with rows of their own declare them there (``np.add.reduce`` is the sum's row,
``np.maximum.accumulate`` the running maximum's); the others are written here with primitives:
``logaddexp.reduce`` is a logsumexp, ``fmax.reduce`` a NaN-ignoring max, and every other binary ufunc with a
rule gets ``outer`` (a broadcast call) and ``reduce``/``accumulate`` as the left fold NumPy computes,
``((x0 op x1) op x2) ...``, one recorded operation per entry. This module is imported after every row is made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core.numpy_nanfunctions import nan_extremum
from chainrule.core.primitive import FUNCTIONS, UFUNC_METHODS, UFUNCS, Traced, function_name
from chainrule.core.registry import implements
from chainrule.core.rules import elementary as el
from chainrule.core.rules import piecewise as pw
from chainrule.core.rules import reshaping as rs
from chainrule.core.rules import special as sp
from chainrule.core.rules._util import axis_argument, concrete, normalize_axes, refuse, shape_of
from chainrule.core.rules.arithmetic import cast
from chainrule.errors import ChainruleTypeError, UnsupportedOperationError

_np: Any = np
_NO_VALUE: Any = np._NoValue


@implements(np.divmod)
def _divmod(x: Any, y: Any) -> Any:
    return pw.floor_divide_p(x, y), pw.remainder_p(x, y)


def _check_options(name: str, kwargs: dict[str, Any]) -> None:
    refuse(name, out=kwargs.pop("out", None))
    if kwargs.pop("where", True) is not True:
        raise UnsupportedOperationError(f"{name}: the option where= is not supported on traced values")
    if kwargs:
        raise UnsupportedOperationError(f"{name}: the option {next(iter(kwargs))}= is not supported here")


# ---------------------------------------------------------------- outer


def _outer(ufunc: np.ufunc) -> Callable[..., Any]:
    def outer(a: Any, b: Any, **kwargs: Any) -> Any:
        """``ufunc.outer(a, b)``: ``ufunc(a[..., None, ...], b)``, every pair of entries."""
        _check_options(function_name((ufunc, "outer")), kwargs)
        expanded = rs.reshape(a, shape_of(a) + (1,) * len(shape_of(b)))
        return ufunc(expanded, b)

    return outer


# ---------------------------------------------------------------- reduce


def _checked_axes(ufunc: np.ufunc, method: str, array: Any, axis: Any, **options: Any) -> tuple[int, ...]:
    """The axes of a reduction, with NumPy's own errors (several axes of a ufunc that cannot be reordered,
    an empty axis of one without an identity) raised by NumPy on a stand-in of the same shape."""
    value = np.asarray(concrete(array))
    stand_in = np.broadcast_to(np.ones((), dtype=value.dtype), value.shape)
    with np.errstate(all="ignore"):
        getattr(ufunc, method)(stand_in, axis=axis, **options)
    return normalize_axes(axis, value.ndim) if method == "reduce" else (int(axis) % max(value.ndim, 1),)


def _to_front(array: Any, axes: tuple[int, ...]) -> Any:
    """``array`` with ``axes`` moved to the front and merged into one."""
    shape = shape_of(array)
    rest = tuple(i for i in range(len(shape)) if i not in axes)
    moved = rs.transpose_p(array, axes=axes + rest)
    return rs.reshape(moved, (-1, *(shape[i] for i in rest)))


def _fold(ufunc: np.ufunc, moved: Any, initial: Any) -> list[Any]:
    """The partial results of the left fold of ``ufunc`` along the first axis."""
    partial = moved[0] if initial is _NO_VALUE else ufunc(initial, moved[0])
    results = [partial]
    for i in range(1, shape_of(moved)[0]):
        partial = ufunc(partial, moved[i])
        results.append(partial)
    return results


def _reduce(ufunc: np.ufunc) -> Callable[..., Any]:
    def reduce(
        array: Any,
        axis: Any = 0,
        dtype: Any = None,
        out: Any = None,
        keepdims: bool = False,
        initial: Any = _NO_VALUE,
        where: Any = True,
    ) -> Any:
        """``ufunc.reduce``: the left fold along ``axis``, as NumPy computes it."""
        _check_options(function_name((ufunc, "reduce")), {"out": out, "where": where})
        array = cast(array, dtype)
        options = {} if initial is _NO_VALUE else {"initial": concrete(initial)}
        axes = _checked_axes(ufunc, "reduce", array, axis_argument(axis), **options)
        shape = shape_of(array)
        kept = tuple(1 if i in axes else n for i, n in enumerate(shape))
        moved = _to_front(array, axes)
        if shape_of(moved)[0] == 0 and initial is _NO_VALUE:  # NumPy checked the ufunc has an identity
            value = np.full(kept, ufunc.identity, dtype=np.result_type(concrete(array)))
            return value if keepdims else np.squeeze(value, axes)
        result = _fold(ufunc, moved, initial)[-1]
        return rs.reshape(result, kept) if keepdims else result

    return reduce


def _accumulate(ufunc: np.ufunc) -> Callable[..., Any]:
    def accumulate(array: Any, axis: int = 0, dtype: Any = None, out: Any = None) -> Any:
        """``ufunc.accumulate``: every partial result of the left fold along ``axis``."""
        _check_options(function_name((ufunc, "accumulate")), {"out": out})
        array = cast(array, dtype)
        (ax,) = _checked_axes(ufunc, "accumulate", array, axis)
        moved = rs.transpose_p(array, axes=(ax, *(i for i in range(len(shape_of(array))) if i != ax)))
        if shape_of(moved)[0] == 0:
            return array
        stacked = np.stack(_fold(ufunc, moved, _NO_VALUE), axis=0)
        return _np.moveaxis(stacked, 0, ax)

    return accumulate


# ---------------------------------------------------------------- the reductions written another way


@implements((np.logaddexp, "reduce"))
def _logaddexp_reduce(
    array: Any, axis: Any = 0, dtype: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any
) -> Any:
    _check_options("np.logaddexp.reduce", {"out": out, **kwargs})
    return sp.logsumexp_p(cast(array, dtype), axis=axis_argument(axis), keepdims=bool(keepdims))


@implements((np.logaddexp2, "reduce"))
def _logaddexp2_reduce(
    array: Any, axis: Any = 0, dtype: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any
) -> Any:
    _check_options("np.logaddexp2.reduce", {"out": out, **kwargs})
    natural = sp.logsumexp_p(cast(array, dtype) * el.LN2, axis=axis_argument(axis), keepdims=bool(keepdims))
    return natural / el.LN2


def _nan_extremum_reduce(ufunc: np.ufunc, largest: bool) -> Callable[..., Any]:
    def reduce(
        array: Any, axis: Any = 0, dtype: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any
    ) -> Any:
        name = function_name((ufunc, "reduce"))
        _check_options(name, {"out": out, **kwargs})
        return nan_extremum(
            cast(array, dtype), axis_argument(axis), bool(keepdims), largest=largest, what=name
        )

    return reduce


@implements((np.minimum, "accumulate"))
def _minimum_accumulate(array: Any, axis: int = 0, dtype: Any = None, out: Any = None) -> Any:
    # min(x_0..x_i) = -max(-x_0..-x_i): the same ties, shared the same way
    return -np.maximum.accumulate(-cast(array, dtype), axis=axis, out=out)


def _nan_running_extremum(ufunc: np.ufunc, largest: bool) -> Callable[..., Any]:
    def accumulate(array: Any, axis: int = 0, dtype: Any = None, out: Any = None) -> Any:
        """``np.fmax.accumulate``: the running max ignoring NaN (NaN until the first number)."""
        refuse(function_name((ufunc, "accumulate")), out=out)
        array = cast(array, dtype)
        value = concrete(array)
        sign = 1.0 if largest else -1.0
        filled = pw.where_p(np.isnan(value), -np.inf, sign * array)
        running = sign * np.maximum.accumulate(filled, axis=axis)
        still_nan = np.logical_and.accumulate(np.isnan(value), axis=axis)
        return pw.where_p(still_nan, np.nan, running) if np.any(still_nan) else running

    return accumulate


for _nan_ufunc, _largest in ((np.fmax, True), (np.fmin, False)):
    implements((_nan_ufunc, "reduce"))(_nan_extremum_reduce(_nan_ufunc, _largest))
    implements((_nan_ufunc, "accumulate"))(_nan_running_extremum(_nan_ufunc, _largest))

# every other elementwise binary ufunc with a rule (not matmul, whose core works on matrices): outer, and
# reduce / accumulate as the left fold
_BINARY = [u for u in (*UFUNCS, *FUNCTIONS) if isinstance(u, np.ufunc) and u.nin == 2 and u.nout == 1]
for _ufunc in [u for u in _BINARY if u.signature is None]:
    for _method, _make in (("outer", _outer), ("reduce", _reduce), ("accumulate", _accumulate)):
        if (_ufunc, _method) not in UFUNC_METHODS:
            implements((_ufunc, _method))(_make(_ufunc))


# After the loop above: np.ldexp takes integer exponents, so NumPy has no ldexp.reduce or accumulate of a
# float array, and only outer is made for it.
@implements(np.ldexp)
def _ldexp(x1: Any, x2: Any) -> Any:
    """x1 * 2**x2 for integer exponents x2, which carry no derivative; the power of two in two factors, so
    that neither overflows (or underflows) where the result does not."""
    exponent = concrete(x2)
    if isinstance(x2, Traced) or np.result_type(exponent).kind not in "biu":
        raise ChainruleTypeError(
            "np.ldexp(x, n): the exponents n must be integers (they carry no derivative); for real or traced "
            "exponents write x * 2.0**n"
        )
    one = np.ones((), dtype=np.result_type(concrete(x1), np.float16))  # NumPy's result dtype
    half = np.asarray(exponent) // 2
    return x1 * np.ldexp(one, half) * np.ldexp(one, exponent - half)


implements((np.ldexp, "outer"))(_outer(np.ldexp))
