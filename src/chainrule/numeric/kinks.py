"""Is there a derivative at all? One-sided difference quotients on each side of ``x``.

A central difference is symmetric, so at a corner (``|x|`` at 0, ``np.interp`` at a knot) it averages the
two one-sided slopes and converges — to a number that is not a derivative. The one-sided quotients
``D₊(h)`` (points ``x, x + h, …``) and ``D₋(h)`` (``x, x − h, …``) tell: where ``f⁽ⁿ⁾`` exists,
``D₊ − D₋`` shrinks like ``h``; at a corner it stays at the jump of the slopes; at a jump of ``f`` (``sign``
at 0) or an infinite slope (``√|x|`` at 0) it grows. Three levels ``h, h/2, h/4`` of the ladder that
produced the value are compared; their points mostly are the ladder's own (cached), so the check costs
about one evaluation, ``f(x)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.numeric.lanes import expand_lanes
from chainrule.numeric.richardson import ROUNDING_ULPS
from chainrule.numeric.sampling import Sampler
from chainrule.numeric.stencils import stencil

__all__ = ["CORNER", "INFINITE", "JUMP", "LOWER", "Differentiability", "kink_suspects", "one_sided"]

#: What :func:`one_sided` finds per lane: 0 (nothing wrong), or one of these; LOWER: a derivative of a
#: lower order than the one asked for has a corner or a jump (so the one asked for does not exist).
CORNER, JUMP, INFINITE, LOWER = 1, 2, 3, 4


@dataclass
class Differentiability:
    """Per lane the finding (0, CORNER, JUMP or INFINITE); per element the one-sided estimates."""

    kind: np.ndarray
    left: np.ndarray
    right: np.ndarray


def _quotients(sampler: Sampler, order: int, side: int, t: float, lanes: Any) -> tuple[Any, Any]:
    shape = stencil("forward", order, 1)
    offsets = [(side * o * t,) for o in shape.offsets]
    values = sampler.values(offsets, lanes)
    step = np.asarray(t * sampler.base, dtype=float)
    step = step.reshape(step.shape + (1,) * (np.ndim(values[0]) - step.ndim))
    weights = [side**order * w for w in shape.weights]
    total = sum(w * v for w, v in zip(weights, values, strict=True))
    magnitude = sum(abs(w * v) for w, v in zip(weights, values, strict=True))
    scale = step**order
    return np.asarray(total / scale), np.asarray(ROUNDING_ULPS * sampler.eps * magnitude / scale)


def one_sided(sampler: Sampler, order: int, rung: Any, lanes: Any, noise: Any = 0.0) -> Differentiability:
    """Compare one-sided quotients at ``rung·(1, 1/2, 1/4)`` base steps for the given lanes.

    ``rung`` is per lane (the first level of the ladder's final rung); ``noise`` the ladder's measured
    noise level per element, if any.
    """
    shape = sampler.lane_shape
    rungs = np.broadcast_to(np.asarray(rung, dtype=float), shape)
    wanted = np.broadcast_to(np.asarray(lanes, dtype=bool), shape)
    kind = np.zeros(shape, int)
    left: Any = None
    right: Any = None
    for value in sorted(set(rungs[wanted].tolist())):  # (np.unique would import numpy.ma: 9 ms a command)
        group = wanted & (rungs == value)
        mask = None if not shape or group.all() else group
        k, lo, hi = _judge(sampler, order, float(value), mask, noise)
        kind = np.where(group, k, kind)
        left = lo if left is None else np.where(_expand(group, lo), lo, left)
        right = hi if right is None else np.where(_expand(group, hi), hi, right)
    if left is None:
        empty = np.full(shape, np.nan)
        return Differentiability(kind, empty, empty)
    return Differentiability(kind, np.asarray(left), np.asarray(right))


def _judge(sampler: Sampler, order: int, t: float, lanes: Any, noise: Any) -> tuple[Any, Any, Any]:
    gaps, plus, minus, bounds = [], [], [], []
    for level in (t, t / 2.0, t / 4.0):
        up, r_up = _quotients(sampler, order, 1, level, lanes)
        down, r_down = _quotients(sampler, order, -1, level, lanes)
        step = np.asarray(level * sampler.base, dtype=float)
        step = step.reshape(step.shape + (1,) * (up.ndim - step.ndim))
        shape = stencil("forward", order, 1)
        spread = 8.0 * noise * sum(abs(w) for w in shape.weights) / step**order
        gaps.append(np.abs(up - down))
        plus.append(up)
        minus.append(down)
        bounds.append(4.0 * (r_up + r_down) + spread)
    g0, g1, g2 = gaps
    with np.errstate(all="ignore"):
        # A gap that matters: above the round-off (and noise) bounds, and not a sliver of the slopes
        # (the rounding of a quantised f makes one-sided quotients differ by about its quantum / h).
        sliver = 1e-3 * np.maximum(np.abs(plus[2]), np.abs(minus[2]))
        real = (g2 > bounds[2]) & (g1 > bounds[1]) & (g2 > sliver)
        corner = real & (g2 >= 0.7 * g1) & (g1 >= 0.7 * g0)
        # A jump or an infinite slope grows the gap by the same power of 2 at every halving (2 for a
        # jump, √2 for √|x|); steps that do not resolve f (a fast oscillation) grow it at random.
        steady = np.abs(np.log((g2 * g0) / (g1 * g1))) < np.log(1.3)
        jump = corner & (g2 >= 1.3 * g1) & (g1 >= 1.3 * g0) & steady
        both_grow = (np.abs(plus[2]) >= 1.25 * np.abs(plus[1])) & (np.abs(plus[1]) >= 1.25 * np.abs(plus[0]))
        both_grow &= (np.abs(minus[2]) >= 1.25 * np.abs(minus[1])) & (
            np.abs(minus[1]) >= 1.25 * np.abs(minus[0])
        )
        infinite = both_grow & (np.abs(plus[2]) > bounds[2]) & ~corner
    kind = np.where(jump, JUMP, np.where(corner, CORNER, np.where(infinite, INFINITE, 0)))
    lane_ndim = len(sampler.lane_shape)
    reduced = _worst(kind, lane_ndim)
    # Richardson for a one-sided quotient (error ~ h): the limits of the two slopes.
    right = 2.0 * plus[2] - plus[1]
    left = 2.0 * minus[2] - minus[1]
    return reduced, left, right


def _worst(kind: np.ndarray, lane_ndim: int) -> np.ndarray:
    extra = tuple(range(lane_ndim, kind.ndim))
    return np.max(kind, axis=extra) if extra else kind


def _expand(mask: np.ndarray, like: Any) -> np.ndarray:
    return mask.reshape(mask.shape + (1,) * (np.ndim(like) - mask.ndim))


def kink_suspects(centre: Any, points: dict[float, Any], base: Any, eps: float) -> Any:
    """Per element, whether the one-sided slopes at ``base/2`` and ``base/4`` differ as at a corner, a jump
    or an infinite slope (by as much at the smaller step, or more) rather than as a smooth f's (by half as
    much), beyond round-off: then :func:`one_sided` must decide.

    A complex step does not see a non-analytic part that vanishes on the imaginary axis (``|x| + x²`` at 0
    gives ``Im f(ih) = 0``), and central differences average the two slopes, so the two agree on a
    derivative that does not exist. ``points`` holds ``f`` at ``x ± t·base`` for ``t = 1/2, 1/4``.
    """
    gaps, bounds = [], []
    for t in (0.5, 0.25):
        minus, plus = points[-t], points[t]
        step = t * (base if type(base) is float else expand_lanes(base, plus))
        gaps.append(abs(plus + minus - 2.0 * centre) / step)
        bounds.append(4.0 * ROUNDING_ULPS * eps * (abs(plus) + abs(minus) + 2.0 * abs(centre)) / step)
    if type(gaps[0]) is float:
        return gaps[1] > bounds[1] and gaps[1] >= 0.7 * gaps[0]
    with np.errstate(invalid="ignore"):
        return (gaps[1] > bounds[1]) & (gaps[1] >= 0.7 * gaps[0])
