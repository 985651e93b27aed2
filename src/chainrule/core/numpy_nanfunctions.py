"""NumPy's NaN-ignoring functions on traced values: nansum ... nanstd, nanmedian and nanquantile, nan_to_num.

Each is its ordinary counterpart over the entries that are not NaN, written with ``np.where``: a NaN entry is
replaced by the reduction's neutral value (0 for sums, 1 for products, -inf for maxima), so its derivative is
0, and a slice with nothing left gives NaN (with NumPy's warning), as NumPy does. The NaN masks are read from
the values, so they are constants.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from chainrule.core.batch_rules import batch_numbers
from chainrule.core.registry import implements
from chainrule.core.rules import norms as nm
from chainrule.core.rules import piecewise as pw
from chainrule.core.rules import reductions as red
from chainrule.core.rules._util import axis_argument, concrete, refuse
from chainrule.core.rules.arithmetic import cast
from chainrule.errors import UnsupportedOperationError

_NO_VALUE: Any = np._NoValue


def _kept(keepdims: Any) -> bool:
    return False if keepdims is _NO_VALUE else bool(keepdims)


def _filled(a: Any, fill: float) -> Any:
    """``a`` with its NaN entries replaced by ``fill`` (a constant, so they take no derivative)."""
    missing = np.isnan(concrete(a))
    return pw.where_p(missing, fill, a) if np.any(batch_numbers(missing)) else a


def _count(a: Any, axis: Any, keepdims: bool) -> Any:
    return np.sum(~np.isnan(concrete(a)), axis=axis, keepdims=keepdims)


def _where_empty(counts: Any, value: Any, message: str) -> Any:
    """``value``, with NaN (and NumPy's warning) where a slice had no entries to reduce."""
    empty = counts <= 0  # (under cr.vmap, one answer per example)
    if not np.any(batch_numbers(empty)):
        return value
    warnings.warn(message, RuntimeWarning, stacklevel=4)
    return pw.where_p(empty, np.nan, value)


@implements(np.nansum)
def _nansum(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: Any = _NO_VALUE,
    initial: Any = _NO_VALUE,
    where: Any = _NO_VALUE,
) -> Any:
    refuse("np.nansum", out=out, initial=initial, where=where)
    return red.sum_p(_filled(cast(a, dtype), 0.0), axis=axis_argument(axis), keepdims=_kept(keepdims))


@implements(np.nanprod)
def _nanprod(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: Any = _NO_VALUE,
    initial: Any = _NO_VALUE,
    where: Any = _NO_VALUE,
) -> Any:
    refuse("np.nanprod", out=out, initial=initial, where=where)
    return red.prod_p(_filled(cast(a, dtype), 1.0), axis=axis_argument(axis), keepdims=_kept(keepdims))


@implements(np.nancumsum)
def _nancumsum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    return np.cumsum(_filled(cast(a, dtype), 0.0), axis=axis, out=out)


@implements(np.nancumprod)
def _nancumprod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    return np.cumprod(_filled(cast(a, dtype), 1.0), axis=axis, out=out)


@implements(np.nanmean)
def _nanmean(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: Any = _NO_VALUE,
    *,
    where: Any = _NO_VALUE,
) -> Any:
    refuse("np.nanmean", out=out, where=where)
    a, axis, keepdims = cast(a, dtype), axis_argument(axis), _kept(keepdims)
    counts = _count(a, axis, keepdims)
    total = red.sum_p(_filled(a, 0.0), axis=axis, keepdims=keepdims)
    return _where_empty(counts, total / np.maximum(counts, 1), "Mean of empty slice")


def nan_extremum(a: Any, axis: Any, keepdims: bool, *, largest: bool, what: str) -> Any:
    """The max (or min) ignoring NaN, NaN where a slice is all NaN: ``np.nanmax``, ``np.fmax.reduce``."""
    filled = _filled(a, -np.inf if largest else np.inf)
    extremum = (red.amax_p if largest else red.amin_p)(filled, axis=axis, keepdims=keepdims)
    return _where_empty(_count(a, axis, keepdims), extremum, f"All-NaN slice encountered in {what}")


@implements(np.nanmax)
def _nanmax(
    a: Any,
    axis: Any = None,
    out: Any = None,
    keepdims: Any = _NO_VALUE,
    initial: Any = _NO_VALUE,
    where: Any = _NO_VALUE,
) -> Any:
    refuse("np.nanmax", out=out, initial=initial, where=where)
    return nan_extremum(a, axis_argument(axis), _kept(keepdims), largest=True, what="np.nanmax")


@implements(np.nanmin)
def _nanmin(
    a: Any,
    axis: Any = None,
    out: Any = None,
    keepdims: Any = _NO_VALUE,
    initial: Any = _NO_VALUE,
    where: Any = _NO_VALUE,
) -> Any:
    refuse("np.nanmin", out=out, initial=initial, where=where)
    return nan_extremum(a, axis_argument(axis), _kept(keepdims), largest=False, what="np.nanmin")


def _nan_moments(a: Any, axis: Any, dtype: Any, ddof: Any, correction: Any, keepdims: bool) -> Any:
    """The deviations from the NaN-ignoring mean (0 at NaN), and the divisor n - ddof of each slice."""
    if correction is not _NO_VALUE:
        ddof = correction
    a, axis = cast(a, dtype), axis_argument(axis)
    counts = _count(a, axis, True)
    mean = red.sum_p(_filled(a, 0.0), axis=axis, keepdims=True) / np.maximum(counts, 1)
    deviations = _filled(a - mean, 0.0) if np.any(batch_numbers(np.isnan(concrete(a)))) else a - mean
    divisor = _count(a, axis, keepdims) - ddof
    return deviations, axis, divisor


@implements(np.nanvar)
def _nanvar(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: Any = 0,
    keepdims: Any = _NO_VALUE,
    *,
    where: Any = _NO_VALUE,
    mean: Any = _NO_VALUE,
    correction: Any = _NO_VALUE,
) -> Any:
    refuse("np.nanvar", out=out, where=where, mean=mean)
    keepdims = _kept(keepdims)
    deviations, axis, divisor = _nan_moments(a, axis, dtype, ddof, correction, keepdims)
    squares = nm.sum_of_squares(deviations, axis, keepdims)  # real, also for complex a
    return _where_empty(divisor, squares / np.maximum(divisor, 1), "Degrees of freedom <= 0 for slice.")


@implements(np.nanstd)
def _nanstd(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: Any = 0,
    keepdims: Any = _NO_VALUE,
    *,
    where: Any = _NO_VALUE,
    mean: Any = _NO_VALUE,
    correction: Any = _NO_VALUE,
) -> Any:
    # the norm of the deviations, as np.std: std'(constant) = 0 by the norm'(0) = 0 policy, not NaN
    refuse("np.nanstd", out=out, where=where, mean=mean)
    keepdims = _kept(keepdims)
    deviations, axis, divisor = _nan_moments(a, axis, dtype, ddof, correction, keepdims)
    norm = nm.norm2_p(deviations, axis=axis, keepdims=keepdims)
    return _where_empty(divisor, norm / np.sqrt(np.maximum(divisor, 1)), "Degrees of freedom <= 0 for slice.")


@implements(np.nan_to_num)
def _nan_to_num(x: Any, copy: bool = True, nan: Any = 0.0, posinf: Any = None, neginf: Any = None) -> Any:
    """``x`` with NaN and infinities replaced by numbers: derivative 1 where ``x`` is finite, else the
    replacement's (0 for a constant)."""
    value = concrete(x)  # (under cr.vmap, every example's; the masks are batched too)
    if np.result_type(batch_numbers(value)).kind == "c":  # NumPy replaces real and imaginary parts apart
        raise UnsupportedOperationError("np.nan_to_num: complex inputs are not supported on traced values")
    dtype = np.result_type(batch_numbers(value))
    if dtype.kind != "f":
        return x
    largest = np.finfo(dtype).max
    replacements = (
        (np.isnan(value), nan),
        (np.isinf(value) & (value > 0), largest if posinf is None else posinf),
        (np.isinf(value) & (value < 0), -largest if neginf is None else neginf),
    )
    for mask, replacement in replacements:
        if np.any(batch_numbers(mask)):
            x = pw.where_p(mask, replacement, x)
    return x


def _on_values(func: Any) -> Any:
    """NumPy's ``func`` on the plain values: its result (an index) carries no derivative."""

    def handler(*args: Any, **kwargs: Any) -> Any:
        return func(*[concrete(a) for a in args], **{k: concrete(v) for k, v in kwargs.items()})

    return handler


for _func in (np.nanargmax, np.nanargmin):
    implements(_func, plain=True)(_on_values(_func))
