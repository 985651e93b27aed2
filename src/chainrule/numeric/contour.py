"""Derivatives of any order from Cauchy's integral on a circle, with the radius chosen for accuracy.

For ``f`` analytic in a disc of radius ``R`` about ``x`` (and real on the real line), its values on a
circle of radius ``r < R`` are a Fourier series whose coefficients are the scaled Taylor coefficients,
``c_m = f⁽ᵐ⁾(x) rᵐ / m!``. The FFT of ``N = 32`` samples gives them all at once (conjugate symmetry halves
the cost to 17 evaluations), and ``f⁽ⁿ⁾(x) = n!·c_n / rⁿ`` — in the spirit of Lyness and Moler (1967) and
Fornberg (1981). Two errors compete:

- round-off: each sample is good to a few ulps of ``max|f|`` on the circle, which ``n!/rⁿ`` amplifies,
  so large circles are better — up to eight orders of magnitude for an eighth derivative;
- aliasing: the computed ``c_n`` also holds ``c_{n+N}, c_{n+2N} …``, which are small only while ``r`` stays
  well inside ``R``.

The coefficients themselves say which dominates. A circle is *resolved* when the last quarter of them
(``m ≥ 24``) has decayed to the round-off floor: aliasing is then far below round-off. Unresolved means
the circle is too large (it reaches a singularity or a branch cut), ``f`` is not analytic there (``abs``,
``conj``, comparisons put energy into negative frequencies, which land at the top of the FFT), or ``f``
is noisy. The search shrinks an unresolved circle 8-fold, grows a resolved one as far as the decay of its
coefficients suggests, keeps the radius with the smallest error bound and confirms it with a second
resolved circle: two radii must agree within their bounds. The bound is ``n!/rⁿ`` times twice the
round-off floor plus the largest tail coefficient.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.numeric.richardson import ROUNDING_ULPS
from chainrule.numeric.sampling import Sampler

__all__ = ["CONTOUR_POINTS", "ContourResult", "contour"]

#: Points on the Cauchy circle; conjugate symmetry means only ``N/2 + 1`` evaluations.
CONTOUR_POINTS = 32
#: A coefficient counts as significant above this many times the round-off floor.
TAIL_FACTOR = 16.0
#: At most this many circles per lane.
MAX_CIRCLES = 8
#: The smallest and largest radius tried, relative to the scale of x.
MIN_RADIUS, MAX_RADIUS = 2.0**-26, 64.0
#: Grow a resolved circle until its last significant coefficient is about here.
TARGET_INDEX = 20


@dataclass
class ContourResult:
    """Per element the estimate and its bound, per lane the radius and whether the lane succeeded."""

    value: np.ndarray
    error: np.ndarray
    roundoff: np.ndarray
    radius: np.ndarray
    ok: np.ndarray


@dataclass
class _Circle:
    value: np.ndarray
    error: np.ndarray
    roundoff: np.ndarray
    resolved: np.ndarray  # per lane
    last: np.ndarray  # per lane: the last significant coefficient
    span: np.ndarray  # per lane: log of (largest coefficient / floor)
    tail_ratio: np.ndarray  # per lane: largest tail coefficient / floor


def _circle(sampler: Sampler, order: int, x_size: np.ndarray, radius: np.ndarray, lanes: Any) -> _Circle | None:
    n = CONTOUR_POINTS
    angles = 2.0 * np.pi * np.arange(n // 2 + 1) / n
    offsets = [complex(z) for z in np.exp(1j * angles)]
    offsets[0], offsets[n // 2] = 1.0 + 0.0j, -1.0 + 0.0j  # exactly on the real axis
    base = radius if radius.ndim else float(radius)
    values = sampler.complex_values(offsets, base, lanes, finite=False)
    if values is None:
        return None
    half = np.stack([np.asarray(v, dtype=complex) for v in values])
    full = np.concatenate([half, np.conj(half[-2:0:-1])])  # f(conj z) = conj f(z)
    coeffs = np.fft.fft(full, axis=0).real / n
    extra = coeffs.ndim - 1 - radius.ndim
    r = radius.reshape(radius.shape + (1,) * extra)
    size = x_size.reshape(x_size.shape + (1,) * extra)
    eps = sampler.complex_eps
    index = np.arange(n).reshape((n,) + (1,) * (coeffs.ndim - 1))
    magnitude = np.max(np.abs(full), axis=0)
    slope = np.max(index * np.abs(coeffs), axis=0) / r
    floor = ROUNDING_ULPS * eps * magnitude + eps * (size + r) * slope
    tail = np.max(np.abs(coeffs[3 * n // 4 :]), axis=0)
    finite = np.all(np.isfinite(full), axis=0)
    significant = np.abs(coeffs) > TAIL_FACTOR * floor
    last = np.where(significant.any(axis=0), n - 1 - np.argmax(significant[::-1], axis=0), 0)
    factor = math.factorial(order) / r**order
    roundoff = factor * 2.0 * floor
    with np.errstate(all="ignore"):
        span = np.log(np.max(np.abs(coeffs), axis=0) / np.maximum(TAIL_FACTOR * floor, 1e-300))
        ratio = tail / np.maximum(floor, 1e-300)
    resolved = finite & (tail <= TAIL_FACTOR * floor)
    lane = _per_lane(radius.ndim)
    return _Circle(
        value=factor * coeffs[order],
        error=roundoff + factor * tail,
        roundoff=roundoff,
        resolved=lane(resolved, np.all),
        last=lane(last, np.max),
        span=lane(np.where(finite, span, 0.0), np.min),
        tail_ratio=lane(np.where(finite, ratio, np.inf), np.max),
    )


def _per_lane(lane_ndim: int) -> Any:
    def reduce(array: np.ndarray, how: Any) -> np.ndarray:
        extra = tuple(range(lane_ndim, array.ndim))
        return np.asarray(how(array, axis=extra) if extra else array)

    return reduce


class _Search:
    """Per-lane state of the radius search (arrays shaped like the lanes)."""

    def __init__(self, start: np.ndarray, limit: np.ndarray, scale: np.ndarray, shape: tuple[int, ...]):
        self.radius = start.copy()
        self.limit = limit
        self.smallest = scale * MIN_RADIUS
        self.active = np.ones(shape, bool)
        self.failed = np.zeros(shape, bool)
        self.verifying = np.zeros(shape, bool)
        self.best: _Circle | None = None
        self.other: _Circle | None = None
        self.best_radius = np.full(shape, np.nan)
        self.best_error = np.full(shape, np.inf)
        self.has_other = np.zeros(shape, bool)
        self.bad = np.full(shape, np.inf)  # smallest radius found unresolved above the best
        self.first_ratio = np.full(shape, np.nan)
        self.shrinks = np.zeros(shape, int)


def contour(
    sampler: Sampler, order: int, x: Any, scale: Any, room: Any = None, radius: Any = None
) -> ContourResult | None:
    """The derivative of ``order`` from Cauchy circles; ``None`` when ``f`` is not complex-safe.

    ``x`` and ``scale`` are per lane; ``room`` (per lane, optional) caps the radius so that the circle's
    real points stay within the bounds; ``radius`` fixes it (the user's step): that circle and one of half
    the radius must then agree.
    """
    shape = sampler.lane_shape
    x_size = np.abs(np.broadcast_to(np.asarray(x, dtype=float), shape))
    scale = np.broadcast_to(np.asarray(scale, dtype=float), shape)
    limit = scale * MAX_RADIUS if room is None else np.minimum(scale * MAX_RADIUS, np.asarray(room))
    if radius is None:
        start = np.where((x_size > 0) & (x_size < 1.0), x_size / 4.0, scale / 4.0)
    else:
        start = np.broadcast_to(np.asarray(radius, dtype=float), shape).copy()
        limit = start.copy()
    search = _Search(np.minimum(start, limit), limit, scale, shape)
    if radius is not None:
        search.smallest = start / 4.0
    for _ in range(MAX_CIRCLES):
        if not search.active.any():
            break
        lanes = None if search.active.all() or not shape else search.active
        circle = _circle(sampler, order, x_size, search.radius, lanes)
        if circle is None:
            return None
        _advance(search, circle, fixed=radius is not None)
    return _finish(search, shape)


def _advance(search: _Search, circle: _Circle, fixed: bool) -> None:
    """Record one round of circles and choose each lane's next radius (NaN: the lane is done)."""
    active = search.active
    checked = active & search.verifying  # this circle was the confirmation of the best one
    resolved = active & circle.resolved
    unresolved = active & ~circle.resolved
    error = _lane_max(circle.error, search.radius.ndim)
    better = resolved & ~checked & (error < search.best_error)
    demoted = better & np.isfinite(search.best_error)
    plain = resolved & ~better & (~search.has_other | checked)
    _store_other(search, search.best, demoted)
    _store_other(search, circle, plain)
    search.has_other |= demoted | plain
    search.best = _choose(better, circle, search.best)
    search.best_error = np.where(better, error, search.best_error)
    search.best_radius = np.where(better, search.radius, search.best_radius)
    search.bad = np.where(unresolved & ~checked, np.minimum(search.bad, search.radius), search.bad)
    search.failed |= checked & ~resolved
    found = np.isfinite(search.best_error)
    following = np.full(search.radius.shape, np.nan)
    if not fixed:
        following = np.where(better, _grown(search, circle), following)
        wide = unresolved & found & ~checked & (search.radius > 1.9 * search.best_radius)
        following = np.where(wide, np.sqrt(search.best_radius * search.radius), following)
        following = np.where(unresolved & ~found, search.radius / 8.0, following)
        _futility(search, circle, unresolved & ~found)
    ended = active & ~checked & ~np.isfinite(following)
    confirm = ended & found & ~search.has_other
    following = np.where(confirm, search.best_radius / 2.0, following)
    search.failed |= ended & ~found
    search.failed |= np.isfinite(following) & (following < search.smallest)
    search.verifying = confirm
    search.active = active & ~checked & np.isfinite(following) & ~search.failed
    search.radius = np.where(search.active, following, search.radius)


def _lane_max(array: np.ndarray, lane_ndim: int) -> np.ndarray:
    return _per_lane(lane_ndim)(array, np.max)


def _grown(search: _Search, circle: _Circle) -> np.ndarray:
    """Where a resolved circle may grow to: far while its coefficients die out early, never beyond the
    limit or a radius found unresolved."""
    last = np.maximum(circle.last, 1)
    with np.errstate(all="ignore"):
        factor = np.exp(np.clip(circle.span, 0.0, 700.0) * (1.0 / last - 1.0 / TARGET_INDEX))
    factor = np.clip(np.nan_to_num(factor, nan=2.0, posinf=2.0**20), 2.0, 2.0**20)
    factor = np.where(circle.last >= TARGET_INDEX, np.nan, factor)
    grown = search.radius * factor
    capped = np.minimum(grown, search.limit)
    capped = np.where(grown >= search.bad, np.sqrt(search.radius * search.bad), capped)
    return np.where(capped > 1.05 * search.radius, capped, np.nan)


def _futility(search: _Search, circle: _Circle, shrinking: np.ndarray) -> None:
    """Lanes whose tail does not fall as the circle shrinks are not analytic (or are noisy): give up
    after two shrinks without a 8-fold fall."""
    search.first_ratio = np.where(shrinking & np.isnan(search.first_ratio), circle.tail_ratio, search.first_ratio)
    search.shrinks = np.where(shrinking, search.shrinks + 1, search.shrinks)
    hopeless = shrinking & (search.shrinks >= 3) & (circle.tail_ratio > search.first_ratio / 8.0)
    search.failed |= hopeless


def _expand(mask: np.ndarray, like: np.ndarray) -> np.ndarray:
    return mask.reshape(mask.shape + (1,) * (like.ndim - mask.ndim))


def _choose(mask: np.ndarray, new: _Circle, old: _Circle | None) -> _Circle:
    if old is None:
        return new
    pick = _expand(mask, new.value)
    return _Circle(
        value=np.where(pick, new.value, old.value),
        error=np.where(pick, new.error, old.error),
        roundoff=np.where(pick, new.roundoff, old.roundoff),
        resolved=np.where(mask, new.resolved, old.resolved),
        last=np.where(mask, new.last, old.last),
        span=np.where(mask, new.span, old.span),
        tail_ratio=np.where(mask, new.tail_ratio, old.tail_ratio),
    )


def _store_other(search: _Search, circle: _Circle | None, mask: np.ndarray) -> None:
    if circle is None or not mask.any():
        return
    search.other = _choose(mask, circle, search.other)


def _finish(search: _Search, shape: tuple[int, ...]) -> ContourResult | None:
    best, other = search.best, search.other
    ok = ~search.failed & np.isfinite(search.best_error) & search.has_other
    if best is None or other is None:
        return ContourResult(*_nan_result(shape), radius=search.best_radius, ok=np.zeros(shape, bool))
    gap = np.abs(best.value - other.value)
    agree = gap <= 2.0 * (best.error + other.error)
    ok &= _per_lane(len(shape))(agree, np.all)
    return ContourResult(best.value, best.error, best.roundoff, search.best_radius, ok)


def _nan_result(shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nan = np.full(shape, np.nan)
    return nan, nan + np.inf, nan + np.inf
