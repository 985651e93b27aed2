"""How noisy is ``f``? High differences of a few equally spaced evaluations.

Differences of order ``k`` of smooth values fall like ``δᵏf⁽ᵏ⁾``; what is left at a small spacing ``δ`` is
round-off, noise or quantisation. Normalised to unit weight, a difference of independent errors of
standard deviation σ has standard deviation σ, which gives the level. The points are slightly irregular
(Fornberg weights give the differences), so that a rounded smooth function sampled at a near-whole number
of quanta per step does not look smooth. Noise makes the differences
change sign and spreads them over the windows; a singularity (``√x`` at 0) gives them one sign, a corner
or a single jump puts them in the few windows around it, and truncation makes them fall 2ᵏ-fold when the
spacing halves (``sin`` at ``x = 10⁶`` with a far too large step is not noisy).

Each probe takes 11 points on each side of ``x`` (on its own side for a one-sided stencil), and ``f``
counts as noisy only if it looks noisy on both: a corner or a jump at ``x`` is smooth on each side. The
spacings, in units of the ladder's base step:

- ``2⁻²⁴`` with fourth differences, where truncation is negligible for anything differentiable;
- where ``f`` is flat there (quantised, a table) or its differences sit in few windows: ``2⁻⁴`` with
  sixth differences, where the rounding errors of points many quanta apart are independent and the
  sixth power of the spacing still keeps truncation far below them — and ``2⁻¹`` if ``f`` is flat even
  there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from chainrule.numeric.lanes import BOOLS, both, either, expand_lanes, lanes_all, larger, negate, select
from chainrule.numeric.sampling import Sampler
from chainrule.numeric.stencils import fornberg_weights

__all__ = ["NoiseReading", "differences", "measure_noise", "probe_offsets"]

#: (spacing in units of the base step, order of the differences), finest first.
PROBES = ((2.0**-24, 4), (2.0**-4, 6), (2.0**-1, 6))
#: Rounding of one evaluation, in units of eps·|f| (as in the ladder).
ROUNDING_ULPS = 2.0
#: f counts as noisy when three times its measured noise exceeds the rounding model this many times.
NOISY_RATIO = 2.0
#: Points on each side of x, x included.
POINTS = 11


@dataclass
class NoiseReading:
    """Per element: the noise level, its ratio to ``f``'s round-off; per lane: whether ``f`` looks noisy,
    whether it stayed flat at every spacing tried, and whether the differences sat in a few windows."""

    sigma: Any
    ratio: Any
    noisy: Any
    flat: Any
    spiky: Any = False


#: Irregular offsets (in units of the spacing): a rounded smooth function sampled at equal steps that
#: happen to be a near-whole number of quanta has a smooth error; jitter breaks that coincidence.
JITTER = tuple(0.0 if j == 0 else 0.6 * ((j * 0.6180339887498949) % 1.0 - 0.5) for j in range(-12, 13))


def probe_offsets(side: int) -> tuple[float, ...]:
    """The unit offsets of a probe on one side of x (``side`` ±1), x first."""
    return tuple(side * (j + JITTER[j + 12]) for j in range(POINTS))


@lru_cache(maxsize=32)
def _window_weights(offsets: tuple[float, ...], order: int) -> tuple[tuple[float, ...], ...]:
    """Per window of ``order + 1`` consecutive offsets, the weights of the ``order``-th derivative,
    normalised to unit length (so that independent errors of level σ give a level σ)."""
    windows = []
    for m in range(len(offsets) - order):
        weights = fornberg_weights(offsets[m : m + order + 1], order)
        windows.append(tuple(float(w) for w in weights / np.linalg.norm(weights)))
    return tuple(windows)


def differences(values: list[Any], offsets: tuple[float, ...], order: int) -> tuple[Any, Any, Any]:
    """The noise level (rms of the normalised ``order``-th differences) of values at ``offsets``,
    whether the differences change sign, and whether they are spread over at least half of the windows."""
    windows = [
        sum(w * values[m + i] for i, w in enumerate(weights))
        for m, weights in enumerate(_window_weights(offsets, order))
    ]
    level = np.sqrt(sum(d * d for d in windows) / len(windows))
    lowest, highest, largest = windows[0], windows[0], abs(windows[0])
    for d in windows[1:]:
        lowest, highest, largest = np.minimum(lowest, d), np.maximum(highest, d), np.maximum(largest, abs(d))
    count = sum(np.asarray(abs(d) > largest / 10.0, dtype=int) for d in windows)
    return level, np.logical_and(lowest < 0, highest > 0), count >= (len(windows) + 1) // 2


def _read_side(sampler: Sampler, dim: int, side: int, probe: tuple[float, int], lanes: Any) -> NoiseReading:
    spacing, order = probe
    units = probe_offsets(side)
    offsets = [(u * spacing,) + (0.0,) * (dim - 1) for u in units]
    values = sampler.values(offsets, None if type(lanes) in BOOLS else lanes)
    level, signs, widespread = differences(values, units, order)
    magnitude = sum(abs(v) for v in values) / len(values)
    ratio = 3.0 * level / larger(ROUNDING_ULPS * sampler.eps * magnitude, 1e-300 + 0.0 * magnitude)
    # A quantised f with few steps in the window puts its differences in few windows, like a jump,
    # but takes the same value at most neighbouring points, which a jump does not.
    repeats = sum(np.asarray(values[k + 1] == values[k], dtype=int) for k in range(len(values) - 1))
    stepped = repeats >= (len(values) - 1) // 2
    above = ratio > NOISY_RATIO
    random = both(above, both(signs, either(widespread, stepped)))
    if order == 4:  # truncation would fall 16-fold at twice the spacing: compare every second point
        coarse, _, _ = differences(values[::2], units[::2], order)
        random = both(random, either(stepped, level >= coarse / 4.0))
    lane_shape = sampler.lane_shape
    noisy = both(lanes, negate(lanes_all(negate(random), lane_shape)))
    flat: Any = True
    for value in values[1:]:
        flat = both(flat, lanes_all(value == values[0], lane_shape))
    spiky = both(lanes, negate(lanes_all(negate(both(above, negate(widespread))), lane_shape)))
    return NoiseReading(level, ratio, noisy, both(lanes, flat), both(spiky, negate(noisy)))


def _read(sampler: Sampler, dim: int, side: int, probe: tuple[float, int], lanes: Any) -> NoiseReading:
    """One probe: on the stencil's side, or on both sides of x for a central stencil — where f must look
    noisy on each (a corner or a jump at x is smooth on each side, noise is not)."""
    if side:
        return _read_side(sampler, dim, side, probe, lanes)
    left, right = (_read_side(sampler, dim, s, probe, lanes) for s in (-1, 1))
    noisy = both(left.noisy, right.noisy)
    flat = both(left.flat, right.flat)
    # One side flat or rough and the other not: undecided at this spacing, so try a wider one.
    rough = either(either(left.spiky, right.spiky), either(left.noisy, right.noisy))
    unsure = both(either(rough, either(left.flat, right.flat)), negate(either(noisy, flat)))
    return NoiseReading(
        sigma=larger(left.sigma, right.sigma),
        ratio=larger(left.ratio, right.ratio),
        noisy=noisy,
        flat=flat,
        spiky=unsure,
    )


def measure_noise(
    sampler: Sampler,
    dim: int,
    side: int,
    lanes: Any,
    prefer: Any = None,
    wider: Any = False,
    reach: float = float("inf"),
) -> NoiseReading:
    """The noise of ``f`` for the given lanes; the lanes of ``wider`` are probed at the second spacing
    too (noise that is smooth at the finest spacing — a simulation on a grid — but rough at the steps a
    ladder converged with). No probe goes further than ``reach`` base steps from x (the bounds).

    ``dim`` is the number of coordinates of an offset (2 for a Hessian's pairs); ``side`` is −1, 0 or 1
    for a backward, central or forward stencil. Where every lane evaluates the same ``f`` near the same
    ``x`` (a gradient, Jacobian or Hessian), one lane is probed for all: the one with the largest
    ``prefer`` (the largest derivative, along which ``f`` is least likely to be flat).
    """
    probe = lanes
    shape = sampler.lane_shape
    if sampler.shares_noise and shape and prefer is not None and np.any(lanes):
        choice = int(np.argmax(np.where(lanes, prefer, -np.inf)))
        probe = np.zeros(shape, bool)
        probe.flat[choice] = True
        wider = bool(np.asarray(wider, dtype=bool).ravel()[choice]) if np.ndim(wider) else wider
        wider = np.logical_and(probe, wider)
    reading = _escalate(sampler, dim, side, probe, both(probe, wider), reach)
    if probe is lanes:
        return reading
    index = np.unravel_index(int(np.argmax(probe)), shape)
    sigma = np.broadcast_to(np.asarray(reading.sigma)[index], np.shape(reading.sigma)).copy()
    ratio = np.broadcast_to(np.asarray(reading.ratio)[index], np.shape(reading.ratio)).copy()
    noisy = np.logical_and(lanes, bool(np.asarray(reading.noisy)[index]))
    flat = np.logical_and(lanes, bool(np.asarray(reading.flat)[index]))
    return NoiseReading(sigma, ratio, noisy, flat)


def _escalate(sampler: Sampler, dim: int, side: int, lanes: Any, wider: Any, reach: float) -> NoiseReading:
    reading = _read(sampler, dim, side, PROBES[0], lanes)
    for number, probe in enumerate(PROBES[1:]):
        if probe[0] * (POINTS - 1 + 0.5) > reach:
            break
        again = either(reading.flat, reading.spiky)
        if number == 0:
            again = either(again, both(wider, negate(reading.noisy)))
        if not _any(again):
            break
        broad = _read(sampler, dim, side, probe, again)
        element = expand_lanes(again, reading.sigma)
        reading = NoiseReading(
            sigma=select(element, broad.sigma, reading.sigma),
            ratio=select(element, broad.ratio, reading.ratio),
            noisy=either(reading.noisy, broad.noisy),
            flat=both(reading.flat, broad.flat),
            spiky=False,
        )
    return reading


def _any(mask: Any) -> bool:
    return bool(mask) if type(mask) in BOOLS else bool(np.any(mask))
