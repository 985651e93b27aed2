"""The complex step for first derivatives, with the checks that make its error bound hold.

For ``f`` analytic and real on the real line, ``f(x + ih) = f(x) + ih·f'(x) − h²f''(x)/2 − ih³f'''(x)/6 …``,
so ``Im f(x + ih) / h`` is ``f'(x)`` with error ``h²f'''/6`` and *no subtraction*: with ``h = 10⁻²⁰·scale``
it is exact up to the rounding inside ``f``. Higher orders use Cauchy's integral
(:mod:`chainrule.numeric.contour`).

Four things can make a complex-step value wrong without complaint, and each is checked here:

- ``f`` is not reproducible: noise that scales the imaginary part (``exp(x)·(1 + 10⁻²·noise)``) gives a
  different value at every call. The step is therefore taken twice, at ``h`` and ``2h``: for an analytic
  ``f`` the two agree to a few ulps, or differ by the ``3h²f'''/6`` truncation that real differences
  predict (:func:`reproducible`); a larger spread rejects the complex step.
- truncation, ``h²f'''/6``, visible only where ``f' ≈ 0`` (``x³`` at 0): twice the spread of the two
  estimates (six times the truncation of the first) joins the bound.
- rounding inside ``f`` amplified by its conditioning: ``sin(1/x)`` at 0.05 rounds ``1/x``, and ``cos``
  amplifies that 45-fold, so the value is good to 45 ulps, not 2. Rounding an intermediate of the size of
  ``x`` changes ``f'`` by ``ε·|x|·|f''|``; the real cross-check gives ``f''``, and twice that term joins
  the bound (:func:`conditioning`).
- ``f`` is not analytic — ``abs``, comparisons, ``np.real``, ``conj``, casts to float — and returns a
  wrong number (``x·|x|`` at 0.7 gives 0.7 instead of 1.4). So a complex-step value is only trusted when
  it agrees with a real Richardson estimate within their combined error bounds (:func:`agrees`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.numeric.lanes import expand_lanes, lanes_all, larger
from chainrule.numeric.richardson import ROUNDING_ULPS
from chainrule.numeric.sampling import Sampler
from chainrule.numeric.stencils import fornberg_weights
from chainrule.numeric.steps import COMPLEX_STEP

__all__ = [
    "SECOND_OFFSETS",
    "Candidate",
    "ComplexStep",
    "agrees",
    "assemble",
    "complex_first",
    "complex_step_error",
    "conditioning",
    "noise_reading",
    "probe_ratio",
    "reproducible",
    "rounding_noise",
    "second_derivative",
]

#: A spread beyond this many round-off bounds (and the truncation real differences predict) is noise.
SPREAD_LIMIT = 8.0
#: The rounding probe: its spacing is the real check's step divided by PROBE_DIVISOR, its points are in
#: units of that spacing (the centre is the complex step itself), and it may be taken PROBE_TRIES times,
#: each 16 times closer.
PROBE_DIVISOR = 16.0
#: Without a real check's step: a sixteenth of the default first step, 2⁻¹¹·scale, in units of h.
PROBE_FALLBACK = 2.0**-11 / COMPLEX_STEP
PROBE_POINTS = (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5)
PROBE_TRIES = 4
#: A rounding noise above this fraction of the slopes' size is not rounding.
WILD = 1e-3
#: Sixth differences (seven points) and their norm, sqrt(sum w²): independent errors σ give σ after it.
SIXTH_DIFFERENCE = (1.0, -6.0, 15.0, -20.0, 15.0, -6.0, 1.0)
SIXTH_NORM = math.sqrt(sum(w * w for w in SIXTH_DIFFERENCE))
#: The probe's σ counts as ±NOISE_SIGMAS·σ in the bound (the value's own rounding, with room for an
#: estimate from five differences).
NOISE_SIGMAS = 6.0
#: The six real points of the cross-check's first three levels, and the weights of f'' on them.
SECOND_OFFSETS = (-1.0, -0.5, -0.25, 0.25, 0.5, 1.0)
SECOND_WEIGHTS = tuple(float(w) for w in fornberg_weights(SECOND_OFFSETS, 2))


@dataclass
class Candidate:
    """A complex-method estimate: per element value, bound and floor, per lane the step (or radius)
    and whether the method's own checks passed, and its details (a :class:`ComplexStep`, or the
    contour's result)."""

    value: Any
    error: Any
    step: Any
    floor: Any
    usable: Any
    detail: Any
    #: the rounding probe's reading (:func:`rounding_noise`), once taken
    noise: Any = None


@dataclass
class ComplexStep:
    """``Im f(x + ih)/h`` per element with its error bound (before the conditioning term), the step
    ``h`` per lane, the difference to the estimate at ``2h`` and the round-off bound."""

    value: Any
    error: Any
    step: Any
    spread: Any
    roundoff: Any


def complex_step_error(estimate: Any, centre: Any, scale: Any, eps: float) -> Any:
    """Round-off bound of ``Im f(x + ih)/h``: a few ulps of the larger of ``|f'|`` and ``|f|/scale``.

    The second term covers cancellation inside ``f`` (a gradient summed from terms much larger than
    itself), which ``|f'|`` alone cannot see; ``Re f(x + ih)`` equals ``f(x)`` to within ``h²``.
    """
    return 2.0 * ROUNDING_ULPS * eps * larger(abs(estimate), abs(centre) / scale)


def assemble(near: Any, far: Any, h: Any, scale: Any, eps: float) -> ComplexStep:
    """The estimate from ``f(x + ih)`` and its spread against ``f(x + 2ih)``."""
    h_b = expand_lanes(h, near)
    estimate = near.imag / h_b
    spread = abs(estimate - far.imag / (2.0 * h_b))
    roundoff = complex_step_error(estimate, near.real, expand_lanes(scale, near), eps)
    return ComplexStep(estimate, roundoff + 2.0 * spread, h, spread, roundoff)


def complex_first(sampler: Sampler, scale: Any, step: Any = None) -> ComplexStep | None:
    """The complex step at ``h`` and ``2h``, or ``None`` when ``f`` is not complex-safe.

    ``step`` overrides ``h`` (default ``10⁻²⁰·scale``).
    """
    h = COMPLEX_STEP * scale if step is None else step
    values = sampler.complex_values([1j, 2j], h)
    if values is None:
        return None
    near, far = values
    return assemble(near, far, h, scale, sampler.complex_eps)


def probe_ratio(check_step: Any, h: Any) -> float:
    """The probe's spacing in units of the complex step ``h``, one number for every lane (the smallest):
    the real check's step (which resolves f') over ``PROBE_DIVISOR``."""
    if type(check_step) is float and type(h) is float:  # the fast path
        ratio = check_step / PROBE_DIVISOR / h
        return ratio if math.isfinite(ratio) and ratio > 0 else PROBE_FALLBACK
    ratios = np.asarray(check_step, dtype=float) / PROBE_DIVISOR / np.asarray(h, dtype=float)
    ratios = ratios[np.isfinite(ratios) & (ratios > 0)]
    return float(np.min(ratios)) if ratios.size else PROBE_FALLBACK


def noise_reading(slopes: list[Any], centre: Any) -> tuple[Any, Any]:
    """From the complex-step values at ``x + kδ`` (``k = −5 … 5``, ``centre`` at ``k = 0`` included): the
    RMS of the five normalised sixth differences, and whether the probe must be taken closer.

    Sixth differences of a smooth derivative are far below its rounding at a spacing that resolves it,
    so what they show is the rounding, of standard deviation σ when the errors are independent. Closer
    where they are all of one sign and size (truncation: a derivative that changes fast) or beyond any
    rounding (a point across a branch cut or the domain's edge). The same arithmetic in the same order on
    floats and arrays, so that the fast path's reading is the general path's to the bit.
    """
    s = slopes  # the weights of SIXTH_DIFFERENCE, written out (this runs in every fast-path call)
    differences = [
        (
            s[c]
            - 6.0 * s[c + 1]
            + 15.0 * s[c + 2]
            - 20.0 * s[c + 3]
            + 15.0 * s[c + 4]
            - 6.0 * s[c + 5]
            + s[c + 6]
        )
        / SIXTH_NORM
        for c in range(5)
    ]
    d0, d1, d2, d3, d4 = differences
    noise = np.sqrt((d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3 + d4 * d4) / 5.0)
    if np.ndim(centre) == 0:
        noise = float(noise)
        size = abs(centre) + sorted([abs(v) for v in slopes])[5]
        if not noise <= WILD * size:
            return noise, True
        positive = d0 > 0 and d1 > 0 and d2 > 0 and d3 > 0 and d4 > 0
        if positive or (d0 < 0 and d1 < 0 and d2 < 0 and d3 < 0 and d4 < 0):
            magnitudes = [abs(d0), abs(d1), abs(d2), abs(d3), abs(d4)]
            return noise, bool(max(magnitudes) < 4.0 * min(magnitudes))
        return noise, False
    stacked = np.stack(differences)
    size = np.abs(centre) + np.median(np.abs(np.stack(slopes)), axis=0)
    one_sign = np.all(stacked > 0, axis=0) | np.all(stacked < 0, axis=0)
    smooth = one_sign & (np.max(np.abs(stacked), axis=0) < 4.0 * np.min(np.abs(stacked), axis=0))
    return noise, ~(noise <= WILD * size) | smooth


def rounding_noise(sampler: Sampler, h: Any, ratio: float, centre: Any, room: Any = None) -> Any:
    """Per element, the rounding noise of the complex-step value itself: what cancellation inside ``f``
    leaves in ``Im f(x + ih)/h`` (``sin(x) - x`` at 10⁻⁶ computes ``cos(x) − 1`` from a ``cos(x)`` rounded
    to 10⁻¹⁶, an error 10¹⁰ times the few ulps of ``|f'|`` the bound would otherwise allow).

    The complex step at ``x + kδ + ih``, ``k = ±1 … ±5``, ``δ = ratio·h`` (see :func:`probe_ratio`) kept
    within ``room``, read by :func:`noise_reading` and taken up to ``PROBE_TRIES`` times, each 16 times
    closer. Infinity where no spacing gave a reading: the complex value is then not used.
    """
    if room is not None:
        fits = float(np.min(np.minimum(*room) / (6.0 * np.asarray(h, dtype=float))))
        ratio = min(ratio, fits)
    noise: Any = math.inf
    if not ratio > 0:
        return noise
    for _ in range(PROBE_TRIES):
        values = sampler.complex_values([k * ratio + 1j for k in PROBE_POINTS], h, finite=False)
        if values is None:
            return math.inf
        h_b = expand_lanes(h, values[0])
        with np.errstate(all="ignore"):
            slopes = [v.imag / h_b for v in values]
            slopes.insert(5, centre)
            noise, again = noise_reading(slopes, centre)
        if not np.any(again):
            break
        noise = np.where(again, np.inf, noise) if np.ndim(noise) else math.inf
        ratio /= 16.0
    if np.ndim(noise) == 0:
        noise = float(noise)
        return noise if math.isfinite(noise) else math.inf
    return np.where(np.isfinite(noise), noise, np.inf)


def reproducible(candidate: ComplexStep, first: Any, best: Any, first_step: Any) -> Any:
    """Lanes where the estimates at ``h`` and ``2h`` differ no more than round-off and truncation allow.

    The truncation of the complex step at ``2h`` is ``(2h)²|f'''|/6``; a real central quotient at step
    ``H`` errs by ``H²|f'''|/6``, so ``|first − best|·(2h/H)²`` (``first`` its value at ``H``, ``best`` the
    converged real estimate) predicts it. Anything larger is not truncation: ``f`` changes from one call
    to the next.
    """
    if type(candidate.value) is float and type(first) is float and type(best) is float:  # the fast path
        ratio = 2.0 * candidate.step / first_step
        gap = abs(first - best)
        allowed = SPREAD_LIMIT * candidate.roundoff + 4.0 * (gap if gap == gap else math.inf) * ratio**2
        return bool(candidate.spread <= allowed)
    ratio = 2.0 * expand_lanes(candidate.step, candidate.value) / expand_lanes(first_step, candidate.value)
    gap = np.nan_to_num(np.abs(np.asarray(first - best, dtype=float)), nan=np.inf)
    allowed = SPREAD_LIMIT * candidate.roundoff + 4.0 * gap * np.asarray(ratio, dtype=float) ** 2
    return lanes_all(candidate.spread <= allowed, _lane_shape(candidate.step))


def conditioning(x_size: Any, second: Any, eps: float) -> Any:
    """``2·ε·|x|·|f''|``: what rounding an intermediate of the size of ``x`` inside ``f`` does to ``f'``."""
    if type(x_size) is float and type(second) is float:  # the fast path
        return 2.0 * eps * x_size * (abs(second) if math.isfinite(second) else 0.0)
    size = np.asarray(x_size, dtype=float)
    curvature = np.asarray(second, dtype=float)
    size = size.reshape(size.shape + (1,) * (curvature.ndim - size.ndim))
    bound = 2.0 * eps * size * np.nan_to_num(np.abs(curvature), nan=0.0, posinf=0.0)
    return float(bound) if bound.ndim == 0 else bound


def second_derivative(values: list[Any], step: Any) -> Any:
    """``f''`` from the cross-check's six values at ``SECOND_OFFSETS`` times ``step``."""
    total: Any = 0.0
    for weight, value in zip(SECOND_WEIGHTS, values, strict=True):
        total = total + weight * value
    if type(total) is float and type(step) is float:  # the fast path
        return total / step / step
    scale = np.asarray(step, dtype=float)
    scale = scale.reshape(scale.shape + (1,) * (np.ndim(total) - scale.ndim))
    return total / scale**2


def _lane_shape(step: Any) -> tuple[int, ...]:
    return tuple(getattr(step, "shape", ()))


def agrees(sampler: Sampler, candidate: Any, candidate_error: Any, real: Any, real_error: Any) -> Any:
    """Lanes where a complex-step value agrees with a real estimate within twice their error bounds."""
    gap = abs(candidate - real)
    ok = gap <= 2.0 * (candidate_error + real_error)
    return lanes_all(ok, sampler.lane_shape)
