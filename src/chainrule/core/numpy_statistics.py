"""NumPy's statistics on traced values, written with the reduction primitives: mean, var, std, ptp, average,
cov and corrcoef. (Medians and quantiles are the quantile row's, in
:mod:`chainrule.core.rules.order_statistics`.)"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from chainrule.core.registry import implements
from chainrule.core.rules import norms as nm
from chainrule.core.rules import reductions as red
from chainrule.core.rules import reshaping as rs
from chainrule.core.rules._util import axis_argument, concrete, normalize_axes, refuse, shape_of
from chainrule.core.rules.arithmetic import cast
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError, UnsupportedOperationError


def _count(a: Any, axis: Any) -> int:
    shape = shape_of(a)
    if axis is None:
        return math.prod(shape)
    return math.prod(shape[i] for i in normalize_axes(axis, len(shape)))


@implements(np.mean)
def _mean(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    *,
    where: Any = None,
) -> Any:
    refuse("np.mean", out=out, where=where)
    axis = axis_argument(axis)
    return red.sum_p(cast(a, dtype), axis=axis, keepdims=bool(keepdims)) / _count(a, axis)


def _deviations(a: Any, axis: Any, dtype: Any, ddof: float, correction: Any) -> tuple[Any, Any, float]:
    """``a`` minus its mean along ``axis``, the axis, and the divisor n - ddof of var and std."""
    axis = axis_argument(axis)
    ddof = ddof if correction is None else correction
    a = cast(a, dtype)
    return a - _mean(a, axis, keepdims=True), axis, _count(a, axis) - ddof


@implements(np.var)
def _var(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    *,
    where: Any = None,
    mean: Any = None,
    correction: Any = None,
) -> Any:
    refuse("np.var", out=out, where=where, mean=mean)
    centered, axis, n = _deviations(a, axis, dtype, ddof, correction)
    return nm.sum_of_squares(centered, axis, bool(keepdims)) / n  # real, also for complex a, as NumPy's


@implements(np.std)
def _std(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    *,
    where: Any = None,
    mean: Any = None,
    correction: Any = None,
) -> Any:
    # the norm of the deviations, so that std'(constant) = 0 by the norm'(0) = 0 policy, not NaN
    refuse("np.std", out=out, where=where, mean=mean)
    centered, axis, n = _deviations(a, axis, dtype, ddof, correction)
    return nm.norm2_p(centered, axis=axis, keepdims=bool(keepdims)) / math.sqrt(n)


@implements(np.ptp)
def _ptp(a: Any, axis: Any = None, out: Any = None, keepdims: Any = np._NoValue) -> Any:
    refuse("np.ptp", out=out)
    axis, keepdims = axis_argument(axis), keepdims is not np._NoValue and bool(keepdims)
    return red.amax_p(a, axis=axis, keepdims=keepdims) - red.amin_p(a, axis=axis, keepdims=keepdims)


# ---------------------------------------------------------------- weighted means, covariance, correlation


def _weights_along(weights: Any, shape: tuple[int, ...], axis: Any) -> Any:
    """``weights`` shaped to broadcast against an array of ``shape``, as ``np.average`` reads them."""
    if shape_of(weights) == shape:
        return weights
    if axis is None:
        raise ChainruleTypeError("np.average: axis must be given when the shapes of a and weights differ")
    axes = tuple(int(ax) % len(shape) for ax in (axis if isinstance(axis, tuple) else (axis,)))
    if shape_of(weights) != tuple(shape[ax] for ax in axes):
        raise ShapeError(
            f"np.average: weights of shape {shape_of(weights)} do not match the shape {shape} of a "
            f"along axis {axis}"
        )
    weights = rs.transpose_p(weights, axes=tuple(int(i) for i in np.argsort(axes)))
    return rs.reshape(weights, tuple(n if i in axes else 1 for i, n in enumerate(shape)))


@implements(np.average)
def _average(
    a: Any, axis: Any = None, weights: Any = None, returned: bool = False, *, keepdims: Any = np._NoValue
) -> Any:
    axis, keepdims = axis_argument(axis), keepdims is not np._NoValue and bool(keepdims)
    if weights is None:
        average = _mean(a, axis, keepdims=keepdims)
        scale: Any = np.full(shape_of(average), _count(a, axis), dtype=np.result_type(concrete(average)))
    else:
        weights = _weights_along(weights, shape_of(a), axis)
        scale = red.sum_p(np.broadcast_to(weights, np.broadcast_shapes(shape_of(a), shape_of(weights))),
                          axis=axis, keepdims=keepdims)  # fmt: skip
        if np.any(concrete(scale) == 0):
            raise ZeroDivisionError("np.average: the weights sum to zero, so they cannot be normalized")
        average = red.sum_p(a * weights, axis=axis, keepdims=keepdims) / scale
    if returned:
        return average, np.broadcast_to(scale, shape_of(average))
    return average


def _observations(m: Any, rowvar: bool, name: str) -> Any:
    """``m`` as a 2-D array with one variable per row, as np.cov reads it."""
    nd = len(shape_of(m))
    if nd > 2:
        raise ShapeError(f"{name}: an array of more than 2 dimensions (got {nd}) is not a set of variables")
    x = rs.reshape(m, (1, -1)) if nd < 2 else m
    return x if rowvar or shape_of(x)[0] == 1 else np.transpose(x)


def _frequency_weights(fweights: Any, n: int) -> Any:
    values = np.asarray(concrete(fweights), dtype=float)
    if values.ndim != 1 or values.shape[0] != n:
        raise ShapeError(f"np.cov: fweights must be 1-D, one per observation ({n}), got shape {values.shape}")
    if np.any(values != np.around(values)) or np.any(values < 0):
        raise ChainruleValueError("np.cov: fweights must be non-negative integers")
    return fweights


def _normalization(w: Any, w_sum: Any, ddof: float, n: int, aweights: Any) -> Any:
    """np.cov's divisor: n - ddof, the weights' sum, or its reliability-weighted form."""
    if w is None:
        return n - ddof
    if ddof == 0:
        return w_sum
    if aweights is None:
        return w_sum - ddof
    return w_sum - ddof * red.sum_p(w * aweights, axis=None, keepdims=False) / w_sum


@implements(np.cov)
def _cov(
    m: Any,
    y: Any = None,
    rowvar: bool = True,
    bias: bool = False,
    ddof: Any = None,
    fweights: Any = None,
    aweights: Any = None,
    *,
    dtype: Any = None,
) -> Any:
    if ddof is not None and ddof != int(ddof):
        raise ChainruleValueError("np.cov: ddof must be an integer")
    if any(np.iscomplexobj(concrete(a)) for a in (m, y, aweights) if a is not None):
        raise UnsupportedOperationError("np.cov: complex inputs are not supported on traced values")
    x = cast(_observations(m, rowvar, "np.cov"), dtype)
    if y is not None:
        x = np.concatenate([x, cast(_observations(y, rowvar, "np.cov"), dtype)], axis=0)
    n = shape_of(x)[1]
    ddof = (0 if bias else 1) if ddof is None else int(ddof)
    w = None if fweights is None else _frequency_weights(fweights, n)
    if aweights is not None:
        w = aweights if w is None else w * aweights
    mean, w_sum = _average(x, axis=1, weights=w, returned=True)
    divisor = _normalization(w, w_sum[0], ddof, n, aweights)
    if np.any(concrete(divisor) <= 0):
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=3)
        divisor = 0.0
    centered = x - rs.reshape(mean, (-1, 1))
    product = centered @ np.transpose(centered if w is None else centered * w)
    return np.squeeze(product * np.true_divide(1.0, divisor))  # as NumPy: times 1 / divisor


@implements(np.corrcoef)
def _corrcoef(x: Any, y: Any = None, rowvar: bool = True, *, dtype: Any = None) -> Any:
    c = _cov(x, y, rowvar, dtype=dtype)
    if len(shape_of(c)) == 0:  # one variable: its correlation with itself
        return c / c
    deviations = np.sqrt(np.diagonal(c))
    c = c / rs.reshape(deviations, (-1, 1))
    c = c / rs.reshape(deviations, (1, -1))
    return np.clip(c, -1.0, 1.0)  # as NumPy, which clips rounding errors; |r| = 1 is a maximum, gradient 0


def _cumulative(name: str, scan: Any, start: float) -> Any:
    """np.cumulative_sum or np.cumulative_prod: the running sum (product) along ``axis``, which may be left
    out for 1-D input; ``include_initial`` puts the empty sum (product) first."""

    def handler(
        x: Any, /, *, axis: Any = None, dtype: Any = None, out: Any = None, include_initial: bool = False
    ) -> Any:
        refuse(name, out=out)
        nd = len(shape_of(x))
        if axis is None:
            if nd != 1:
                raise ChainruleValueError(f"{name}: give axis= for an input of {nd} dimensions")
            axis = 0
        if not -nd <= int(axis) < nd:
            raise ChainruleValueError(f"{name}: axis {axis} is out of bounds for an array of dimension {nd}")
        axis = int(axis) % nd
        running = scan(cast(x, dtype), axis=axis)
        if not include_initial:
            return running
        shape = tuple(1 if i == axis else n for i, n in enumerate(shape_of(running)))
        initial = np.full(shape, start, dtype=np.result_type(concrete(running)))
        return np.concatenate([initial, running], axis=axis)

    return handler


implements(np.cumulative_sum)(_cumulative("np.cumulative_sum", np.cumsum, 0.0))
implements(np.cumulative_prod)(_cumulative("np.cumulative_prod", np.cumprod, 1.0))
