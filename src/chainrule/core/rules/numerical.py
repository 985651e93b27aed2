"""Piecewise-linear interpolation (``np.interp``) and discrete convolution (``np.convolve``).

``interp`` is differentiable in the points ``x``, the knots ``xp`` and the values ``fp``: on each interval it
is the line through two knots, and its rules are that line's partial derivatives, with the interval read from
the values. ``convolve`` is bilinear: its forward rules are convolutions, its reverse rules correlations
(written as convolutions with a flipped operand), so every derivative is again a convolution.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.batch_rules import example_numbers, held_by_index, interp_rule, looped
from chainrule.core.primitive import Primitive, Traced
from chainrule.core.rules._util import concrete, is_complex, shape_of
from chainrule.core.rules.indexing import getitem_p, scatter_add_p
from chainrule.core.rules.piecewise import where_p
from chainrule.errors import ChainruleValueError, ShapeError, UnsupportedOperationError

__all__ = ["convolve_p", "interp_p"]

# ---------------------------------------------------------------- interp


def _pieces(x: Any, xp: Any) -> list[tuple[Any, Any, Any]]:
    """The interval on each side of each point (the same one between knots): (lower knot, upper knot,
    inside) per side, interval j being [xp[j-1], xp[j]] and the flat parts outside j = 0 and j = n."""
    xv, _, rebatch = example_numbers(concrete(x))  # under vmap: every example's points (the knots are shared)
    knots = np.asarray(concrete(xp))
    n = knots.shape[0]
    pieces = []
    for side in ("left", "right"):
        j = np.searchsorted(knots, xv, side=side)
        inside = (j >= 1) & (j <= n - 1)
        lower, upper = np.clip(j - 1, 0, n - 1), np.where(inside, j, np.clip(j - 1, 0, n - 1))
        pieces.append((rebatch(lower), rebatch(upper), rebatch(inside)))
    return pieces


def _at(a: Any, index: Any) -> Any:
    """``a[index]``, also for an index batched by cr.vmap (each example's interval) into plain knots."""
    if isinstance(index, Traced):
        return getitem_p(held_by_index(a, index), index=index, basic=False)
    return a[index]


def _line(x: Any, xp: Any, fp: Any, lo: Any, hi: Any, inside: Any) -> tuple[Any, Any]:
    """On one interval: the slope of the line through its knots and the point's fraction of the way along
    it (both 0 on the flat parts)."""
    width = where_p(inside, _at(xp, hi) - _at(xp, lo), 1.0)
    slope = where_p(inside, (_at(fp, hi) - _at(fp, lo)) / width, 0.0)
    fraction = where_p(inside, (x - _at(xp, lo)) / width, 0.0)
    return slope, fraction


def _interp_jvp_x(t: Any, ans: Any, x: Any, xp: Any, fp: Any) -> Any:
    slopes = [_line(x, xp, fp, *piece)[0] for piece in _pieces(x, xp)]
    return t * (0.5 * (slopes[0] + slopes[1]))


def _interp_jvp_fp(t: Any, ans: Any, x: Any, xp: Any, fp: Any) -> Any:
    total = 0.0
    for lo, hi, inside in _pieces(x, xp):
        _, fraction = _line(x, xp, fp, lo, hi, inside)
        total = total + (1.0 - fraction) * _at(t, lo) + fraction * _at(t, hi)
    return 0.5 * total


def _interp_jvp_xp(t: Any, ans: Any, x: Any, xp: Any, fp: Any) -> Any:
    total = 0.0
    for lo, hi, inside in _pieces(x, xp):
        slope, fraction = _line(x, xp, fp, lo, hi, inside)
        total = total + slope * ((fraction - 1.0) * t[lo] - fraction * t[hi])
    return 0.5 * total


def _spread(g: Any, n: int, index: Any) -> Any:
    return scatter_add_p(g, shape=(n,), index=index, basic=False)


def _interp_vjp_fp(g: Any, ans: Any, x: Any, xp: Any, fp: Any) -> Any:
    total = 0.0
    n = shape_of(fp)[0]
    for lo, hi, inside in _pieces(x, xp):
        _, fraction = _line(x, xp, fp, lo, hi, inside)
        total = total + _spread(g * (1.0 - fraction), n, lo) + _spread(g * fraction, n, hi)
    return 0.5 * total


def _interp_vjp_xp(g: Any, ans: Any, x: Any, xp: Any, fp: Any) -> Any:
    total = 0.0
    n = shape_of(xp)[0]
    for lo, hi, inside in _pieces(x, xp):
        slope, fraction = _line(x, xp, fp, lo, hi, inside)
        total = total + _spread(g * slope * (fraction - 1.0), n, lo) - _spread(g * slope * fraction, n, hi)
    return 0.5 * total


def _as_operand(a: Any) -> Any:
    """A traced value as it is, anything else as an array of floats."""
    if isinstance(a, Traced):
        return a
    a = np.asarray(a)
    return a if a.dtype.kind in "fc" else a.astype(np.float64)


def _periodic(x: Any, xp: Any, fp: Any, period: Any) -> tuple[Any, Any, Any]:
    """np.interp's periodic form as an ordinary one: points and knots taken modulo the period, the knots
    sorted and extended by one on each side."""
    if concrete(period) == 0:
        raise ChainruleValueError("np.interp: period must be a non-zero value")
    period = np.abs(period)
    x, xp = x % period, xp % period
    order = np.argsort(concrete(xp))
    xp, fp = xp[order], fp[order]
    xp = np.concatenate([xp[-1:] - period, xp, xp[0:1] + period])
    fp = np.concatenate([fp[-1:], fp, fp[0:1]])
    return x, xp, fp


def _numpy_interp(
    prim: Primitive, x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None, period: Any = None
) -> Any:
    """``np.interp(x, xp, fp, left, right, period)``: the row on the knots, ``left``/``right`` outside."""
    x, xp, fp = _as_operand(x), _as_operand(xp), _as_operand(fp)
    if len(shape_of(xp)) != 1 or shape_of(xp) != shape_of(fp):
        raise ShapeError(
            f"np.interp: xp and fp must be 1-D of one length, got {shape_of(xp)}, {shape_of(fp)}"
        )
    if shape_of(xp)[0] == 0:
        raise ChainruleValueError("np.interp: the array of sample points xp is empty")
    if np.iscomplexobj(concrete(fp)):
        raise UnsupportedOperationError("np.interp: complex fp is not supported on traced values")
    if period is not None:
        x, xp, fp = _periodic(x, xp, fp, period)
        left = right = None
    result = prim(x, xp, fp)
    if left is None and right is None:
        return result
    # the points outside the knots, compared as plain numbers (under cr.vmap, batched ones)
    knots: Any = concrete(xp)
    points: Any = concrete(x)
    knots, points = (v if isinstance(v, Traced) else np.asarray(v) for v in (knots, points))
    if left is not None:
        result = where_p(points < knots[0], left, result)
    if right is not None:
        result = where_p(points > knots[-1], right, result)
    return result


interp_p = Primitive(
    "interp",
    np.interp,
    vjp=(_interp_jvp_x, _interp_vjp_xp, _interp_vjp_fp),
    jvp=(_interp_jvp_x, _interp_jvp_xp, _interp_jvp_fp),
    rule="piecewise rule",
    notation="interp'(x) = (fp[j] - fp[j-1]) / (xp[j] - xp[j-1]) on the interval [xp[j-1], xp[j]]",
    kink="the interpolant has a corner at each knot, where the subderivatives in x are the segment between "
    "the slopes of the two intervals that meet there; chainrule takes their mean (its midpoint, as for the "
    "ties of max and min), and so half the slope of the first or last interval at the end knots, outside "
    "which the interpolant is flat; the derivatives in xp and fp are the mean of the two intervals' too",
    numpy={np.interp: _numpy_interp},
    batch=interp_rule,
)

# ---------------------------------------------------------------- convolve


def _convolve(a: Any, v: Any) -> Any:
    return np.convolve(a, v, mode="full")


def _convolve_vjp_a(g: Any, ans: Any, a: Any, v: Any) -> Any:
    # ct_a[j] = sum_k g[k] v[k - j]: the correlation of g with v, a convolution with v reversed
    n, m = shape_of(a)[0], shape_of(v)[0]
    return convolve_p(g, np.flip(v, axis=0))[m - 1 : m - 1 + n]


def _convolve_vjp_v(g: Any, ans: Any, a: Any, v: Any) -> Any:
    n, m = shape_of(a)[0], shape_of(v)[0]
    return convolve_p(g, np.flip(a, axis=0))[n - 1 : n - 1 + m]


def _one_dimensional(a: Any, name: str, what: str) -> Any:
    a = _as_operand(a)
    shape = shape_of(a)
    if len(shape) > 1:
        raise ShapeError(f"{name}: {what} must be 1-D, got shape {shape}")
    if len(shape) == 0:
        return np.reshape(a, (1,))
    if shape[0] == 0:
        raise ChainruleValueError(f"{name}: {what} cannot be empty")
    return a


def _window(full: Any, n: int, m: int, mode: str, name: str, offset_same: int) -> Any:
    """The part of the full convolution that ``mode`` keeps."""
    shorter, longer = min(n, m), max(n, m)
    if mode == "full":
        return full
    if mode == "valid":
        return full[shorter - 1 : longer]
    if mode == "same":
        return full[offset_same : offset_same + longer]
    raise ChainruleValueError(f"{name}: mode must be 'full', 'same' or 'valid', got {mode!r}")


def _numpy_convolve(prim: Primitive, a: Any, v: Any, mode: str = "full") -> Any:
    a, v = _one_dimensional(a, "np.convolve", "a"), _one_dimensional(v, "np.convolve", "v")
    n, m = shape_of(a)[0], shape_of(v)[0]
    return _window(prim(a, v), n, m, mode, "np.convolve", (min(n, m) - 1) // 2)


def _numpy_correlate(prim: Primitive, a: Any, v: Any, mode: str = "valid") -> Any:
    a, v = _one_dimensional(a, "np.correlate", "a"), _one_dimensional(v, "np.correlate", "v")
    n, m = shape_of(a)[0], shape_of(v)[0]
    # correlating with v is convolving with v reversed (and conjugated, as NumPy does for complex v); 'same'
    # centres NumPy's way, which depends on which operand is the longer
    offset = (min(n, m) - 1) // 2 if n >= m else min(n, m) // 2
    flipped = np.flip(v, axis=0)
    if is_complex(flipped):
        flipped = np.conjugate(flipped)
    return _window(prim(a, flipped), n, m, mode, "np.correlate", offset)


convolve_p: Primitive = Primitive(
    "convolve",
    _convolve,
    vjp=(_convolve_vjp_a, _convolve_vjp_v),
    jvp=(lambda t, ans, a, v: convolve_p(t, v), lambda t, ans, a, v: convolve_p(a, t)),
    rule="product rule",
    notation="d(a * v) = da * v + a * dv (* the convolution)",
    numpy={np.convolve: _numpy_convolve, np.correlate: _numpy_correlate},
    complex="holomorphic",
    batch=looped,
)
