"""Derivatives of any order from Cauchy's integral on a circle, with the radius chosen for accuracy.

For ``f`` analytic in a disc of radius ``R`` about ``x`` (and real on the real line), its values on a
circle of radius ``r < R`` are a Fourier series whose coefficients are the scaled Taylor coefficients,
``c_m = f⁽ᵐ⁾(x) rᵐ / m!``. The FFT of ``N = 32`` samples gives them all at once (conjugate symmetry halves
the cost to 17 evaluations), and ``f⁽ⁿ⁾(x) = n!·c_n / rⁿ`` — in the spirit of Lyness and Moler (1967) and
Fornberg (1981). Two errors compete:

- round-off: each sample is good to a few ulps of ``max|f|`` on the circle, which ``n!/rⁿ`` amplifies,
  so large circles are better — by up to eight orders of magnitude for an eighth derivative;
- aliasing: the computed ``c_n`` also holds ``c_{n+N}, c_{n+2N} …``, which are small only while ``r`` stays
  well inside ``R``.

The coefficients themselves say which dominates. A circle is *resolved* when the last quarter of them
(``m ≥ 24``) has decayed to the round-off floor: aliasing is then far below round-off. Unresolved means
the circle is too large (it reaches a singularity or a branch cut), ``f`` is not analytic there (``abs``,
``conj``, comparisons put energy into negative frequencies, which land at the top of the FFT), or ``f``
is noisy. The search shrinks an unresolved circle 8-fold and grows a resolved one as far as the decay of
its coefficients suggests, keeping the radius with the smallest error bound. The bound is ``n!/rⁿ`` times
twice the round-off floor plus the largest tail coefficient.

The chosen circle is then *confirmed* by a second one, half as large and shifted by a quarter radius:
its derivative at ``x + r/4`` must match what the first circle's Taylor coefficients predict there. That
also catches a corner centred exactly at ``x`` (``x·|x|`` at 0), where ``|z − x|`` is constant on the first
circle and the function looks analytic on it, but not on the shifted one.
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
#: At most this many circles per lane in the search (the confirming circle comes on top).
MAX_CIRCLES = 8
#: The smallest and largest radius tried, relative to the scale of x.
MIN_RADIUS, MAX_RADIUS = 2.0**-26, 64.0
#: Grow a resolved circle until its last significant coefficient is about here.
TARGET_INDEX = 20
#: The confirming circle: centre ``x + SHIFT·r``, radius ``SHRINK·r``.
SHIFT, SHRINK = 0.25, 0.5


@dataclass
class ContourResult:
    """Per element the estimate and its bound, per lane the radius and whether the lane succeeded."""

    value: np.ndarray
    error: np.ndarray
    radius: np.ndarray
    ok: np.ndarray


@dataclass
class _Circle:
    coeffs: np.ndarray  # (N,) + element shape: the scaled Taylor coefficients
    floor: np.ndarray  # per element: round-off floor of one coefficient
    tail: np.ndarray  # per element: the largest of the last quarter
    resolved: np.ndarray  # per lane
    last: np.ndarray  # per lane: the last significant coefficient
    span: np.ndarray  # per lane: log of (largest coefficient / floor)
    tail_ratio: np.ndarray  # per lane: largest tail coefficient / floor


def _reduce(array: np.ndarray, lane_ndim: int, how: Any) -> np.ndarray:
    extra = tuple(range(lane_ndim, array.ndim))
    return np.asarray(how(array, axis=extra) if extra else array)


def _circle(
    sampler: Sampler,
    x_size: np.ndarray,
    radius: np.ndarray,
    lanes: Any,
    shift: float = 0.0,
    shrink: float = 1.0,
) -> _Circle | None:
    """The FFT of ``f`` on the circle of centre ``x + shift·radius`` and radius ``shrink·radius``."""
    n = CONTOUR_POINTS
    angles = 2.0 * np.pi * np.arange(n // 2 + 1) / n
    rim = np.exp(1j * angles)
    rim[0], rim[n // 2] = 1.0, -1.0  # exactly on the real axis
    offsets = [complex(shift + shrink * z) for z in rim]
    values = sampler.complex_values(offsets, radius if radius.ndim else float(radius), lanes, finite=False)
    if values is None:
        return None
    half = np.stack([np.asarray(v, dtype=complex) for v in values])
    full = np.concatenate([half, np.conj(half[-2:0:-1])])  # f(conj z) = conj f(z)
    coeffs = np.fft.fft(full, axis=0).real / n
    extra = coeffs.ndim - 1 - radius.ndim
    r = shrink * radius.reshape(radius.shape + (1,) * extra)
    size = x_size.reshape(x_size.shape + (1,) * extra) + shift * r / shrink
    eps = sampler.complex_eps
    index = np.arange(n).reshape((n,) + (1,) * (coeffs.ndim - 1))
    slope = np.max(index * np.abs(coeffs), axis=0) / r
    floor = ROUNDING_ULPS * eps * np.max(np.abs(full), axis=0) + eps * (size + r) * slope
    tail = np.max(np.abs(coeffs[3 * n // 4 :]), axis=0)
    finite = np.all(np.isfinite(full), axis=0)
    significant = np.abs(coeffs) > TAIL_FACTOR * floor
    last = np.where(significant.any(axis=0), n - 1 - np.argmax(significant[::-1], axis=0), 0)
    with np.errstate(all="ignore"):
        span = np.log(np.max(np.abs(coeffs), axis=0) / np.maximum(TAIL_FACTOR * floor, 1e-300))
        ratio = tail / np.maximum(floor, 1e-300)
    k = radius.ndim
    return _Circle(
        coeffs=coeffs,
        floor=floor,
        tail=tail,
        resolved=_reduce(finite & (tail <= TAIL_FACTOR * floor), k, np.all),
        last=_reduce(last, k, np.max),
        span=_reduce(np.where(finite, span, 0.0), k, np.min),
        tail_ratio=_reduce(np.where(finite, ratio, np.inf), k, np.max),
    )


def _derivative(circle: _Circle, order: int, radius: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``f⁽ⁿ⁾`` at the circle's centre and its bound."""
    r = radius.reshape(radius.shape + (1,) * (circle.floor.ndim - radius.ndim))
    factor = math.factorial(order) / r**order
    return factor * circle.coeffs[order], factor * (2.0 * circle.floor + circle.tail)


def _predicted(
    circle: _Circle, order: int, radius: np.ndarray, shift: float
) -> tuple[np.ndarray, np.ndarray]:
    """``f⁽ⁿ⁾`` at ``x + shift·r`` from the Taylor coefficients of a circle about ``x``, and its bound
    (each coefficient's error, ``2·floor + tail``, weighted as the series weights it)."""
    r = radius.reshape(radius.shape + (1,) * (circle.floor.ndim - radius.ndim))
    total = np.zeros_like(circle.floor)
    weight_sum = 0.0
    for m in range(order, CONTOUR_POINTS):
        weight = math.factorial(m) / math.factorial(m - order) * shift ** (m - order)
        total = total + weight * circle.coeffs[m]
        weight_sum += weight
    return total / r**order, weight_sum * (2.0 * circle.floor + circle.tail) / r**order


class _Search:
    """Per-lane state of the radius search (arrays shaped like the lanes)."""

    def __init__(self, start: np.ndarray, limit: np.ndarray, smallest: np.ndarray, shape: tuple[int, ...]):
        self.radius = start.copy()
        self.limit = limit
        self.smallest = smallest
        self.active = np.ones(shape, bool)
        self.failed = np.zeros(shape, bool)
        self.best: _Circle | None = None
        self.best_radius = np.full(shape, np.nan)
        self.best_error = np.full(shape, np.inf)
        self.bad = np.full(shape, np.inf)  # smallest radius found unresolved
        self.first_ratio = np.full(shape, np.nan)
        self.shrinks = np.zeros(shape, int)


def contour(
    sampler: Sampler, order: int, x: Any, scale: Any, room: Any = None, radius: Any = None
) -> ContourResult | None:
    """The derivative of ``order`` from Cauchy circles; ``None`` when ``f`` is not complex-safe.

    ``x`` and ``scale`` are per lane; ``room`` (per lane, optional) caps the radius so that the circle's
    real points stay within the bounds; ``radius`` fixes it (the user's step): no search, only the
    confirming circle.
    """
    shape = sampler.lane_shape
    x_size = np.abs(np.broadcast_to(np.asarray(x, dtype=float), shape))
    scale = np.broadcast_to(np.asarray(scale, dtype=float), shape)
    limit = scale * MAX_RADIUS if room is None else np.minimum(scale * MAX_RADIUS, np.asarray(room))
    smallest = scale * MIN_RADIUS
    if radius is None:
        start = np.where((x_size > 0) & (x_size < 1.0), np.maximum(x_size / 4.0, smallest), scale / 4.0)
    else:
        start = np.broadcast_to(np.asarray(radius, dtype=float), shape).copy()
        limit = smallest = start.copy()
    search = _Search(np.minimum(start, limit), limit, np.minimum(smallest, limit), shape)
    for _ in range(1 if radius is not None else MAX_CIRCLES):
        if not search.active.any():
            break
        lanes = None if search.active.all() or not shape else search.active
        circle = _circle(sampler, x_size, search.radius, lanes)
        if circle is None:
            return None
        _advance(search, circle, order)
    return _confirm(sampler, search, order, x_size, shape)


def _advance(search: _Search, circle: _Circle, order: int) -> None:
    """Record one round of circles and choose each lane's next radius (NaN: the lane is done)."""
    active = search.active
    resolved = active & circle.resolved
    unresolved = active & ~circle.resolved
    _, error = _derivative(circle, order, search.radius)
    error = _reduce(error, search.radius.ndim, np.max)
    better = resolved & (error < search.best_error)
    search.best = _choose(better, circle, search.best)
    search.best_error = np.where(better, error, search.best_error)
    search.best_radius = np.where(better, search.radius, search.best_radius)
    search.bad = np.where(unresolved, np.minimum(search.bad, search.radius), search.bad)
    found = np.isfinite(search.best_error)
    following = np.where(better, _grown(search, circle), np.nan)
    wide = unresolved & found & (search.radius > 1.9 * search.best_radius)
    following = np.where(wide, np.sqrt(search.best_radius * search.radius), following)
    shrinking = unresolved & ~found
    following = np.where(shrinking, search.radius / 8.0, following)
    _futility(search, circle, shrinking)
    search.failed |= shrinking & (following < search.smallest)
    search.active = active & np.isfinite(following) & ~search.failed
    search.radius = np.where(search.active, following, search.radius)


def _grown(search: _Search, circle: _Circle) -> np.ndarray:
    """Where a resolved circle may grow to: far while its coefficients die out early (as if they fell
    geometrically), never beyond the limit or a radius found unresolved."""
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
    after three shrinks without an 8-fold fall."""
    fresh = shrinking & np.isnan(search.first_ratio)
    search.first_ratio = np.where(fresh, circle.tail_ratio, search.first_ratio)
    search.shrinks = np.where(shrinking, search.shrinks + 1, search.shrinks)
    hopeless = shrinking & (search.shrinks >= 3) & (circle.tail_ratio > search.first_ratio / 8.0)
    search.failed |= hopeless


def _choose(mask: np.ndarray, new: _Circle, old: _Circle | None) -> _Circle:
    if old is None:
        return new
    element = mask.reshape(mask.shape + (1,) * (new.floor.ndim - mask.ndim))
    return _Circle(
        coeffs=np.where(element[np.newaxis], new.coeffs, old.coeffs),
        floor=np.where(element, new.floor, old.floor),
        tail=np.where(element, new.tail, old.tail),
        resolved=np.where(mask, new.resolved, old.resolved),
        last=np.where(mask, new.last, old.last),
        span=np.where(mask, new.span, old.span),
        tail_ratio=np.where(mask, new.tail_ratio, old.tail_ratio),
    )


def _confirm(
    sampler: Sampler, search: _Search, order: int, x_size: np.ndarray, shape: tuple[int, ...]
) -> ContourResult | None:
    """The confirming circle (shifted, smaller) for every lane with a best circle."""
    best = search.best
    found = ~search.failed & np.isfinite(search.best_error)
    if best is None or not found.any():
        nan = np.full(shape, np.nan)
        return ContourResult(nan, nan + np.inf, search.best_radius, np.zeros(shape, bool))
    radius = np.where(found, search.best_radius, 1.0)
    lanes = None if found.all() or not shape else found
    check = _circle(sampler, x_size, radius, lanes, SHIFT, SHRINK)
    if check is None:
        return None
    value, error = _derivative(best, order, radius)
    predicted, predicted_error = _predicted(best, order, radius, SHIFT)
    shifted, shifted_error = _derivative(check, order, SHRINK * radius)
    agree = np.abs(predicted - shifted) <= 2.0 * (predicted_error + shifted_error)
    ok = found & check.resolved & _reduce(agree, len(shape), np.all)
    return ContourResult(value, error, search.best_radius, ok)
