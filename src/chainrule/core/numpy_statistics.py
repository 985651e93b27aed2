"""NumPy's statistics on traced values, written with the reduction primitives: mean, var, std."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.core.registry import implements
from chainrule.core.rules import norms as nm
from chainrule.core.rules import reductions as red
from chainrule.core.rules._util import axis_argument, normalize_axes, refuse, shape_of
from chainrule.core.rules.arithmetic import cast


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
    return red.sum_p(centered * centered, axis=axis, keepdims=bool(keepdims)) / n


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
