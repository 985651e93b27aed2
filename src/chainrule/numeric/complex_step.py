"""Complex-step derivatives, and the cross-check that catches code that is not analytic.

For ``f`` analytic and real on the real line, ``f(x + ih) = f(x) + ih·f'(x) − h²f''(x)/2 − …``, so
``Im f(x + ih) / h`` is ``f'(x)`` with error ``h²f'''/6`` and *no subtraction*: with ``h = 10⁻²⁰·scale``
it is exact to machine precision. Higher orders come from Cauchy's integral formula on a small circle,
``f⁽ⁿ⁾(x) = n!/(N rⁿ) Σ_k f(x + r ωᵏ) ω⁻ⁿᵏ`` with ``ω = e^{2πi/N}``, whose error falls like ``(r/R)ᴺ``
for a radius of convergence ``R``; the same sum over every second point gives an error estimate.

Code that is not analytic — ``abs``, comparisons, ``np.real``, ``conj``, casts to float — returns a wrong
number without complaint (``x·|x|`` at 0.7 gives 0.7 instead of 1.4). So a complex-step value is only
trusted when it agrees with a real Richardson estimate within their combined error bounds; see
:func:`agrees`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.numeric.lanes import expand_lanes, lanes_all, larger
from chainrule.numeric.richardson import ROUNDING_ULPS
from chainrule.numeric.sampling import Sampler
from chainrule.numeric.steps import COMPLEX_STEP, EPS

__all__ = [
    "CONTOUR_POINTS",
    "agrees",
    "complex_first",
    "complex_higher",
    "complex_step_error",
]

#: Points on the Cauchy circle; conjugate symmetry means only ``N/2 + 1`` evaluations.
CONTOUR_POINTS = 16


def complex_first(sampler: Sampler, scale: Any) -> tuple[Any, Any, Any] | None:
    """``(value, error, step)`` of ``Im f(x + ih)/h``, or ``None`` when ``f`` is not complex-safe.

    The error bound is a few ulps of the value: the formula itself subtracts nothing.
    """
    step = COMPLEX_STEP * scale
    values = sampler.complex_values([1j], step)
    if values is None:
        return None
    (value,) = values
    step_b = expand_lanes(step, value)
    estimate = value.imag / step_b
    return estimate, complex_step_error(estimate, value.real, expand_lanes(scale, value)), step


def complex_step_error(estimate: Any, centre: Any, scale: Any) -> Any:
    """Round-off bound of ``Im f(x + ih)/h``: a few ulps of the larger of ``|f'|`` and ``|f|/scale``.

    The second term covers cancellation inside ``f`` (a gradient summed from terms much larger than
    itself), which ``|f'|`` alone cannot see; ``Re f(x + ih)`` equals ``f(x)`` to within ``h²``.
    """
    return 2.0 * ROUNDING_ULPS * EPS * larger(abs(estimate), abs(centre) / scale)


def complex_higher(sampler: Sampler, order: int, radius: Any) -> tuple[Any, Any, Any] | None:
    """``(value, error, radius)`` of the derivative of order ``order ≥ 2`` from the Cauchy integral on
    a circle of ``radius`` (``CONTOUR_POINTS`` points), or ``None`` when ``f`` is not complex-safe."""
    n = CONTOUR_POINTS
    angles = 2.0 * np.pi * np.arange(n // 2 + 1) / n
    offsets = [complex(z) for z in np.exp(1j * angles)]
    offsets[0], offsets[n // 2] = 1.0 + 0.0j, -1.0 + 0.0j  # exactly on the real axis
    values = sampler.complex_values(offsets, radius)
    if values is None:
        return None
    full = _cauchy_sum(values, angles, order, 1)
    half = _cauchy_sum(values, angles, order, 2)
    factor = math.factorial(order) / expand_lanes(radius, full) ** order
    magnitude = sum(abs(v) for v in values) / len(values)
    estimate = factor * full
    # The aliasing error falls geometrically with the number of points, so with half of them it is
    # about the square (relative) of what it is with all: 100·e²/|f⁽ⁿ⁾| with a generous margin.
    half_error = abs(estimate - factor * half)
    aliasing = _minimum(half_error, 100.0 * half_error**2 / _positive(abs(estimate)))
    error = aliasing + 4.0 * ROUNDING_ULPS * EPS * factor * magnitude
    return estimate, error, radius


def _minimum(a: Any, b: Any) -> Any:
    return min(a, b) if isinstance(a, float) and isinstance(b, float) else np.minimum(a, b)


def _positive(a: Any) -> Any:
    return max(a, 1e-300) if isinstance(a, float) else np.maximum(a, 1e-300)


def _cauchy_sum(values: list[Any], angles: np.ndarray, order: int, stride: int) -> Any:
    """``(1/N) Σ_k f(x + r e^{iθ_k}) e^{-i·order·θ_k}`` over the full circle, from the upper half of
    every ``stride``-th point, using ``f(conj z) = conj f(z)``."""
    picked = values[::stride]
    thetas = angles[::stride]
    n = 2 * (len(picked) - 1)
    total = picked[0].real + (-1) ** order * picked[-1].real
    for value, theta in zip(picked[1:-1], thetas[1:-1], strict=True):
        total = total + 2.0 * (value * complex(np.exp(-1j * order * theta))).real
    return total / n


def agrees(sampler: Sampler, candidate: Any, candidate_error: Any, real: Any, real_error: Any) -> Any:
    """Lanes where a complex-step value agrees with a real estimate within twice their error bounds."""
    gap = abs(candidate - real)
    ok = gap <= 2.0 * (candidate_error + real_error)
    return lanes_all(ok, sampler.lane_shape)
