"""How noisy is ``f``? Fourth differences of a few closely spaced evaluations.

At a spacing ``δ`` far below the steps of a ladder, truncation is negligible and the fourth differences
``Δ⁴f`` of 13 equally spaced values measure what is left: round-off, noise, quantisation. Noise makes them
the same size at spacings ``δ`` and ``2δ`` and of both signs; truncation makes them 16 times smaller at
half the spacing (``sin`` at ``x = 10⁶`` with a far too large step is not noisy), and a singularity
(``√x`` at 0) gives them one sign. The level ``rms(Δ⁴)/√70`` estimates the standard deviation of the
noise (for independent errors of standard deviation σ, ``Δ⁴`` has variance ``70σ²``).

A quantised ``f`` (rounded to k digits, float32 code) takes one value at a spacing below its resolution:
the probe is *flat*. It then tries again 2⁸ and 2¹⁶ times wider, where the rounding errors of many steps
of the quantum behave like noise of about a third of a quantum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.numeric.lanes import BOOLS, both, either, expand_lanes, lanes_all, larger, negate, select
from chainrule.numeric.sampling import Sampler

__all__ = ["NoiseReading", "fourth_differences", "measure_noise"]

#: Spacings of the probe, in units of the ladder's base step: finest first, wider where f is flat.
SPACINGS = (2.0**-24, 2.0**-16, 2.0**-8)
#: Rounding of one evaluation, in units of eps·|f| (as in the ladder).
ROUNDING_ULPS = 2.0
#: f counts as noisy when three times its measured noise exceeds the rounding model this many times.
NOISY_RATIO = 2.0


@dataclass
class NoiseReading:
    """Per element: the noise level, its ratio to ``f``'s round-off, and per lane whether ``f`` looks
    noisy, and whether it stayed flat at every spacing tried."""

    sigma: Any
    ratio: Any
    noisy: Any
    flat: Any


def fourth_differences(values: list[Any]) -> tuple[Any, Any]:
    """Noise level ``rms(Δ⁴)/√70`` of equally spaced values, and whether the Δ⁴ change sign."""
    fourth = [
        values[m] - 4 * values[m + 1] + 6 * values[m + 2] - 4 * values[m + 3] + values[m + 4]
        for m in range(len(values) - 4)
    ]
    level = np.sqrt(sum(d * d for d in fourth) / len(fourth) / 70.0)
    lowest, highest = fourth[0], fourth[0]
    for d in fourth[1:]:
        lowest, highest = np.minimum(lowest, d), np.maximum(highest, d)
    return level, np.logical_and(lowest < 0, highest > 0)


def _read(sampler: Sampler, dim: int, side: int, spacing: float, lanes: Any) -> NoiseReading:
    start = -6 + 6 * (side > 0) - 6 * (side < 0)  # a one-sided stencil probes its own side
    offsets = [(j * spacing,) + (0.0,) * (dim - 1) for j in range(start, start + 13)]
    values = sampler.values(offsets, None if type(lanes) in BOOLS else lanes)
    fine, signs = fourth_differences(values)
    coarse, _ = fourth_differences(values[::2])
    magnitude = sum(abs(v) for v in values) / len(values)
    ratio = 3.0 * fine / larger(ROUNDING_ULPS * sampler.eps * magnitude, 1e-300 + 0.0 * magnitude)
    random = both(both(ratio > NOISY_RATIO, fine >= coarse / 4.0), signs)
    lane_shape = sampler.lane_shape
    noisy = both(lanes, negate(lanes_all(negate(random), lane_shape)))
    flat: Any = True
    for value in values[1:]:
        flat = both(flat, lanes_all(value == values[0], lane_shape))
    return NoiseReading(fine, ratio, noisy, both(lanes, flat))


def measure_noise(sampler: Sampler, dim: int, side: int, lanes: Any, prefer: Any = None) -> NoiseReading:
    """The noise of ``f`` for the given lanes, from the finest spacing at which ``f`` is not flat.

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
    reading = _escalate(sampler, dim, side, probe)
    if probe is lanes:
        return reading
    index = np.unravel_index(int(np.argmax(probe)), shape)
    sigma = np.broadcast_to(np.asarray(reading.sigma)[index], np.shape(reading.sigma)).copy()
    ratio = np.broadcast_to(np.asarray(reading.ratio)[index], np.shape(reading.ratio)).copy()
    noisy = np.logical_and(lanes, bool(np.asarray(reading.noisy)[index]))
    flat = np.logical_and(lanes, bool(np.asarray(reading.flat)[index]))
    return NoiseReading(sigma, ratio, noisy, flat)


def _escalate(sampler: Sampler, dim: int, side: int, lanes: Any) -> NoiseReading:
    reading = _read(sampler, dim, side, SPACINGS[0], lanes)
    for spacing in SPACINGS[1:]:
        if not _any(reading.flat):
            break
        wider = _read(sampler, dim, side, spacing, reading.flat)
        element = expand_lanes(reading.flat, reading.sigma)
        reading = NoiseReading(
            sigma=select(element, wider.sigma, reading.sigma),
            ratio=select(element, wider.ratio, reading.ratio),
            noisy=either(reading.noisy, wider.noisy),
            flat=wider.flat,
        )
    return reading


def _any(mask: Any) -> bool:
    return bool(mask) if type(mask) in BOOLS else bool(np.any(mask))

