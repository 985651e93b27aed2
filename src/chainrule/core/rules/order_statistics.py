"""Functions of the order of entries: quantiles (median, percentile, their NaN-ignoring forms) and running
maxima (``np.maximum.accumulate``).

Both are piecewise linear: between ties, a quantile is a fixed weighting of one or two order statistics, and
a running maximum copies the entry that set it. Their rules are those weights, read from the values (so they
are constants, and every second derivative is 0). Where entries tie, every way of ordering the tied entries
gives a valid (one-sided) derivative; chainrule averages them, which shares the weight evenly among the tied
entries, the policy of the max and min reductions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.batch_rules import axes, example_numbers
from chainrule.core.primitive import Primitive, Traced
from chainrule.core.rules._util import axis_argument, concrete, normalize_axes, refuse, shape_of
from chainrule.core.rules.arithmetic import cast
from chainrule.core.rules.indexing import scatter_add_p, take_along_axis_p
from chainrule.core.rules.reductions import weighted_reduction
from chainrule.core.rules.reshaping import reshape
from chainrule.errors import ChainruleValueError, UnsupportedOperationError

__all__ = ["QUANTILE_METHODS", "cummax_p", "position_weights", "quantile_p"]

# the continuous methods of Hyndman and Fan: virtual index n q + alpha + q (1 - alpha - beta) - 1
_CONTINUOUS = {
    "interpolated_inverted_cdf": (0.0, 1.0),
    "hazen": (0.5, 0.5),
    "weibull": (0.0, 0.0),
    "median_unbiased": (1 / 3, 1 / 3),
    "normal_unbiased": (3 / 8, 3 / 8),
}
QUANTILE_METHODS = (
    *("inverted_cdf", "averaged_inverted_cdf", "closest_observation", *_CONTINUOUS),
    *("linear", "lower", "higher", "midpoint", "nearest"),
)


def _virtual_index(n: Any, q: float, method: str) -> tuple[Any, Any]:
    """The lower order statistic j (0-based, before clipping) and the weight γ of statistic j + 1."""
    if method in ("linear", "lower", "higher", "midpoint", "nearest"):
        g = (n - 1) * q
        j = np.floor(g)
        gamma = {
            "linear": g - j,
            "lower": 0.0 * g,
            "higher": (g > j) * 1.0,
            "midpoint": np.where(g == j, 0.0, 0.5),
        }.get(method)
        if gamma is None:  # nearest: round half to even, as np.around
            j, gamma = np.around(g), 0.0 * g
        return j, gamma
    if method in _CONTINUOUS:
        alpha, beta = _CONTINUOUS[method]
        g = n * q + (alpha + q * (1 - alpha - beta)) - 1
        j = np.floor(g)
        return j, g - j
    if method == "closest_observation":  # the nearest even order statistic (1-based) at a tie
        g = (n * q) - 1 - 0.5
        j = np.floor(g)
        return j, np.where((g == j) & (j % 2 == 1), 0.0, 1.0)
    g = (n * q) - 1
    j = np.floor(g)
    if method == "inverted_cdf":
        return j, np.where(g == j, 0.0, 1.0)
    if method == "averaged_inverted_cdf":
        return j, np.where(g == j, 0.5, 1.0)
    raise ChainruleValueError(
        f"quantile: unknown method {method!r}; use one of {', '.join(QUANTILE_METHODS)}"
    )


def position_weights(counts: Any, q: float, method: str, size: int) -> Any:
    """The weight of each sorted position in the ``q``-quantile, one row per entry of ``counts``.

    ``counts`` holds each row's number of valid (sorted first) entries; a row's quantile is the sum of its
    sorted entries times these weights.
    """
    counts = np.asarray(counts, dtype=float)
    j, gamma = _virtual_index(counts, float(q), method)
    j, gamma = np.broadcast_to(j, counts.shape), np.broadcast_to(gamma, counts.shape)
    last = np.maximum(counts - 1, 0)
    above, below = j >= last, j < 0
    lo = np.where(above, last, np.where(below, 0, j)).astype(np.intp)
    hi = np.where(above | below, lo, np.minimum(j + 1, last)).astype(np.intp)
    upper = np.where(above | below, 0.0, gamma)
    rows = np.arange(counts.size)
    weights = np.zeros((counts.size, size))
    np.add.at(weights, (rows, lo.ravel()), (1.0 - upper).ravel())
    np.add.at(weights, (rows, hi.ravel()), upper.ravel())
    weights[counts.ravel() == 0] = 0.0
    return weights


def _even_among_ties(sorted_values: Any, weights: Any) -> Any:
    """Each tied group of sorted entries shares the group's total weight evenly."""
    rows, size = sorted_values.shape
    if size == 0:
        return weights
    starts = np.ones((rows, size), dtype=bool)
    starts[:, 1:] = sorted_values[:, 1:] != sorted_values[:, :-1]
    group = np.cumsum(starts.ravel()) - 1
    totals = np.bincount(group, weights=weights.ravel())
    sizes = np.bincount(group)
    return (totals / sizes)[group].reshape(rows, size)


def _quantile_weights(
    ans: Any, x: Any, axis: Any, keepdims: bool, *, q: float, method: str, nan: bool, median: bool
) -> Any:
    """d quantile / dx: the weights of the order statistics it interpolates, put back where they came from."""
    values, lead, rebatch = example_numbers(concrete(x))  # under vmap, the examples are more rows
    axes = tuple(a + lead for a in normalize_axes(axis, values.ndim - lead))
    last = tuple(range(values.ndim - len(axes), values.ndim))
    moved = np.moveaxis(values, axes, last)
    rows = moved.reshape(-1, int(np.prod([values.shape[a] for a in axes], dtype=int)))
    order = np.argsort(rows, axis=-1, kind="stable")  # NaN sorts last
    ordered = np.take_along_axis(rows, order, axis=-1)
    size = rows.shape[1]
    counts = np.sum(~np.isnan(rows), axis=-1) if nan else np.full(rows.shape[0], size)
    weights = _even_among_ties(ordered, position_weights(counts, q, method, size))
    if not nan:  # a NaN makes the quantile NaN: its derivative is NaN too, not a number
        weights[np.any(np.isnan(rows), axis=-1)] = np.nan
    out = np.empty_like(weights)
    np.put_along_axis(out, order, weights, axis=-1)
    return rebatch(np.moveaxis(out.reshape(moved.shape), last, axes).astype(values.dtype))


def _quantile(
    x: Any, *, q: float, method: str, nan: bool, median: bool, axis: Any = None, keepdims: bool = False
) -> Any:
    if median:
        return (np.nanmedian if nan else np.median)(x, axis=axis, keepdims=keepdims)
    quantile: Any = np.nanquantile if nan else np.quantile
    return quantile(x, q, axis=axis, method=method, keepdims=keepdims)


def _flag(keepdims: Any) -> bool:
    return False if keepdims is np._NoValue else bool(keepdims)


def quantiles(
    prim: Primitive, name: str, a: Any, q: Any, axis: Any, method: str, keepdims: bool, **flags: bool
) -> Any:
    """NumPy's quantiles of ``a`` (``q`` in [0, 1], or in percent), one quantile per entry of ``q``."""
    if isinstance(q, Traced):
        raise UnsupportedOperationError(
            f"{name}: derivatives with respect to q are not supported; pass q as plain numbers"
        )
    percent = flags.pop("percent", False)
    qs = np.true_divide(np.asarray(q, dtype=float), 100) if percent else np.asarray(q, dtype=float)
    if not np.all((qs >= 0) & (qs <= 1)):
        raise ChainruleValueError(f"{name}: q must be in the range {'[0, 100]' if percent else '[0, 1]'}")
    if method not in QUANTILE_METHODS:
        raise ChainruleValueError(
            f"{name}: unknown method {method!r}; use one of {', '.join(QUANTILE_METHODS)}"
        )
    median, axis = flags.pop("median", False), axis_argument(axis)
    parts = [
        prim(a, q=float(v), method=method, nan=flags["nan"], median=median, axis=axis, keepdims=keepdims)
        for v in qs.ravel()
    ]
    if qs.ndim == 0:
        return parts[0]
    return reshape(np.stack(parts), qs.shape + shape_of(parts[0]))


def _numpy_quantile(name: str, **flags: bool) -> Any:
    """The handler of ``np.quantile(a, q, axis, out, overwrite_input, method, keepdims, *, weights)`` and
    its percent and NaN-ignoring forms."""

    def handler(
        prim: Primitive,
        a: Any,
        q: Any,
        axis: Any = None,
        out: Any = None,
        overwrite_input: bool = False,
        method: str = "linear",
        keepdims: Any = False,
        *,
        weights: Any = None,
    ) -> Any:
        refuse(name, out=out, weights=weights)
        return quantiles(prim, name, a, q, axis, method, _flag(keepdims), **flags)

    return handler


def _numpy_median(name: str, nan: bool) -> Any:
    """The handler of ``np.median(a, axis, out, overwrite_input, keepdims)`` and ``np.nanmedian``."""

    def handler(
        prim: Primitive,
        a: Any,
        axis: Any = None,
        out: Any = None,
        overwrite_input: bool = False,
        keepdims: Any = False,
    ) -> Any:
        refuse(name, out=out)
        return quantiles(prim, name, a, 0.5, axis, "linear", _flag(keepdims), nan=nan, median=True)

    return handler


quantile_p = weighted_reduction(
    "quantile",
    _quantile,
    _quantile_weights,
    rule="order statistics",
    notation="d quantile(x) = (1 - γ) dx_(j) + γ dx_(j+1), x_(j) the j-th smallest entry",
    kink="a quantile is piecewise linear: where entries tie, each order of the tied entries gives a "
    "one-sided derivative, and chainrule takes their average, which shares the weight of the tied order "
    "statistics evenly among the tied entries (as for max and min); between ties it interpolates the one or "
    "two order statistics of the method (linear: (1 - γ) x_(j) + γ x_(j+1) for j + γ = (n - 1) q)",
    numpy={
        np.quantile: _numpy_quantile("np.quantile", nan=False),
        np.percentile: _numpy_quantile("np.percentile", nan=False, percent=True),
        np.median: _numpy_median("np.median", nan=False),
        np.nanquantile: _numpy_quantile("np.nanquantile", nan=True),
        np.nanpercentile: _numpy_quantile("np.nanpercentile", nan=True, percent=True),
        np.nanmedian: _numpy_median("np.nanmedian", nan=True),
    },
)

# ---------------------------------------------------------------- running maxima


def _cummax(x: Any, *, axis: int) -> Any:
    return np.maximum.accumulate(x, axis=axis)


def _running_max_structure(x: Any, ans: Any, axis: int) -> tuple[Any, Any, Any, Any]:
    """Along the last axis: which entries attain their running maximum (hit), where each output's run of
    equal maxima starts and where the next run starts, and the number of hits so far in the run."""
    values, lead, rebatch = example_numbers(concrete(x))  # under vmap, the examples are more rows
    answers = example_numbers(concrete(ans))[0]
    xm, out = np.moveaxis(values, axis + lead, -1), np.moveaxis(answers, axis + lead, -1)
    hit = xm == out
    n = xm.shape[-1]
    new_run = np.ones(xm.shape, dtype=bool)
    new_run[..., 1:] = out[..., 1:] != out[..., :-1]
    start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0), axis=-1)
    marks = np.where(new_run, np.arange(n), n)
    following = np.minimum.accumulate(marks[..., ::-1], axis=-1)[..., ::-1]  # the first run start >= j
    next_start = np.concatenate([following[..., 1:], np.full((*marks.shape[:-1], 1), n)], axis=-1)
    hits = np.concatenate([np.zeros((*hit.shape[:-1], 1), dtype=np.intp), np.cumsum(hit, axis=-1)], -1)
    count = hits[..., 1:] - np.take_along_axis(hits, start, axis=-1)
    return rebatch(hit), rebatch(start), rebatch(next_start), rebatch(count)


def _nan_where_nan(g: Any, ans: Any) -> Any:
    """``g`` with NaN where the running maximum is NaN (from a NaN entry on) and ``g`` is not 0: a NaN
    output has no number as its derivative."""
    missing = np.isnan(concrete(ans))
    if not isinstance(missing, Traced) and not np.any(missing):  # (a batch's examples may differ)
        return g
    return np.where(missing & (concrete(g) != 0), np.nan, g)


def _cummax_jvp(t: Any, ans: Any, x: Any, *, axis: int) -> Any:
    return _nan_where_nan(_cummax_tangent(t, ans, x, axis), ans)


def _cummax_tangent(t: Any, ans: Any, x: Any, axis: int) -> Any:
    hit, start, _, count = _running_max_structure(x, ans, axis)
    tm, last = np.moveaxis(t, axis, -1), len(shape_of(hit)) - 1
    # no ties (known for a batch's examples only one by one): each output copies the entry starting its run
    if not isinstance(count, Traced) and not np.any(count > 1):
        return np.moveaxis(take_along_axis_p(tm, indices=start, axis=last), -1, axis)
    sums = np.cumsum(tm * hit, axis=-1)  # the hits' tangents so far, less those before the run
    padded = np.concatenate([np.zeros_like(concrete(sums)[..., :1]), sums], axis=-1)
    before = take_along_axis_p(padded, indices=start, axis=last)
    return np.moveaxis((sums - before) / np.maximum(count, 1), -1, axis)


def _cummax_vjp(g: Any, ans: Any, x: Any, *, axis: int) -> Any:
    hit, start, next_start, count = _running_max_structure(x, ans, axis)
    gm, last = np.moveaxis(_nan_where_nan(g, ans), axis, -1), len(shape_of(hit)) - 1
    # no ties (known for a batch's examples only one by one): each run's cotangent goes to its first entry
    if not isinstance(count, Traced) and not np.any(count > 1):
        index = (*np.indices(start.shape, sparse=True)[:-1], start)
        summed = scatter_add_p(gm, shape=shape_of(gm), index=index, basic=False)
        return np.moveaxis(summed, -1, axis)
    share = gm / np.maximum(count, 1)
    after = np.flip(np.cumsum(np.flip(share, axis=-1), axis=-1), axis=-1)  # the shares of outputs i >= j
    padded = np.concatenate([after, np.zeros_like(concrete(after)[..., :1])], axis=-1)
    beyond = take_along_axis_p(padded, indices=next_start, axis=last)  # ... less those of later runs
    return np.moveaxis((after - beyond) * hit, -1, axis)


def _numpy_accumulate(prim: Primitive, array: Any, axis: Any = 0, dtype: Any = None, out: Any = None) -> Any:
    """``np.maximum.accumulate(array, axis=0, dtype=None, out=None)`` onto the running maximum."""
    refuse("np.maximum.accumulate", out=out)
    array = cast(array, dtype)
    nd = np.ndim(concrete(array))
    if nd == 0:
        raise ChainruleValueError("np.maximum.accumulate: cannot accumulate on a scalar")
    return prim(array, axis=int(axis) % nd)


cummax_p = Primitive(
    "cummax",
    _cummax,
    vjp=(_cummax_vjp,),
    jvp=(_cummax_jvp,),
    rule="maximum rule",
    notation="d max(x_0..x_i) = dx_j, j the entry that attains it",
    kink="each running maximum is the max of the entries so far: where several of them tie for it, every "
    "weighting of their derivatives that sums to 1 is a subderivative, and chainrule splits the gradient "
    "evenly among them, as for the max reduction",
    numpy={(np.maximum, "accumulate"): _numpy_accumulate},
    batch=axes("axis"),
)
