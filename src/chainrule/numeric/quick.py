"""The common case in a few microseconds: a first derivative of a scalar function at a scalar point.

This is :func:`chainrule.numeric.strategies.auto` specialised to plain floats, with the same formulas in
the same order, so it returns exactly what the general path would: a complex step at ``h`` and ``2h``,
cross-checked by up to four levels of Richardson-extrapolated central differences. Whenever anything is
unusual — ``f`` returns something other than a float, a value is not finite, the check has not converged
after four levels, the two complex steps or the complex step and the check disagree — it stops and hands
over: the evaluations it made are left in the sampler's cache and count, and the general path carries on
from there.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from chainrule.numeric.complex_step import (
    NOISE_SIGMAS,
    PROBE_POINTS,
    PROBE_TRIES,
    SECOND_OFFSETS,
    Candidate,
    assemble,
    conditioning,
    noise_reading,
    probe_ratio,
    reproducible,
    second_derivative,
)
from chainrule.numeric.kinks import kink_suspects
from chainrule.numeric.result import NumericResult
from chainrule.numeric.richardson import ROUNDING_ULPS, Row, extend_row
from chainrule.numeric.sampling import EPS64, Sampler
from chainrule.numeric.steps import COMPLEX_STEP, RICHARDSON_STEP, dyadic

__all__ = ["first_derivative"]

_COMPLEX_TYPES = (complex, np.complex128)
_REAL_TYPES = (float, np.float64)
#: The central stencil of order 1 and its error powers, as in ``stencil("central", 1)``.
_EXPONENTS = (2, 4, 6, 8)


def _complex_pair(f: Any, x: float, h: float) -> tuple[Any, Any] | None:
    """``f`` at ``x + ih`` and ``x + 2ih``, as the general path evaluates them."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        try:
            near, far = f(np.complex128(x + 1j * h)), f(np.complex128(x + 2j * h))
        except Exception:  # not complex-safe; the general path will find out again
            return None
    for raw in (near, far):
        if type(raw) not in _COMPLEX_TYPES or not (math.isfinite(raw.imag) and math.isfinite(raw.real)):
            return None
    return complex(near), complex(far)  # as the general path's samplers hand them on


def first_derivative(
    sampler: Sampler, x: float, scale: float, check_rtol: float
) -> tuple[NumericResult | None, Candidate | None]:
    """The result when the fast path settles it, else ``(None, complex candidate or None)``; the
    candidate has the form of :func:`chainrule.numeric.strategies._complex_candidate`'s."""
    h = COMPLEX_STEP * scale
    pair = _complex_pair(sampler.f, x, h)
    if pair is None:
        return None, None  # the general path repeats these evaluations and counts them
    sampler.n_evals += 2
    step = assemble(pair[0], pair[1], h, scale, EPS64)
    settled = Candidate(step.value, step.error, h, step.error, True, step)
    sampler.base = float(dyadic(RICHARDSON_STEP[1] * scale))
    check = _check(sampler, x, sampler.base, check_rtol, scale)
    if check is None:
        return None, settled
    value, error, first, base, points, best_step = check
    if not reproducible(step, first, value, base):
        return None, settled
    settled.noise = _rounding_noise(sampler, x, h, probe_ratio(best_step, h), step.value)
    if settled.noise is None or not math.isfinite(settled.noise):
        return None, settled
    values = [points[o] for o in SECOND_OFFSETS]
    bound = (step.error + NOISE_SIGMAS * settled.noise) + conditioning(
        abs(x), second_derivative(values, base), EPS64
    )
    if abs(step.value - value) <= 2.0 * (bound + error):
        if _may_have_a_kink(sampler, x, base, points):
            return None, settled  # the general path's one-sided check decides
        result = NumericResult(
            value=step.value, error=bound, n_evals=sampler.n_evals, method="complex", step=h
        )
        return result, settled
    return None, settled


def _rounding_noise(sampler: Sampler, x: float, h: float, ratio: float, centre: float) -> float | None:
    """:func:`~chainrule.numeric.complex_step.rounding_noise` on plain floats, at the same points in the
    same order; None (for the general path) if ``f`` gives anything but complex numbers there."""
    f = sampler.f
    noise = math.inf
    for _ in range(PROBE_TRIES):
        slopes: list[Any] = []
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            for k in PROBE_POINTS:
                try:
                    raw = f(np.complex128(x + (k * ratio + 1j) * h))
                except Exception:
                    raw = None
                if type(raw) not in _COMPLEX_TYPES:
                    sampler.n_evals += len(slopes) + 1
                    return None
                slopes.append(raw.imag / h)
        sampler.n_evals += len(PROBE_POINTS)
        slopes.insert(5, centre)
        noise, again = noise_reading(slopes, centre)
        if not again:
            return noise if math.isfinite(noise) else math.inf
        noise = math.inf
        ratio /= 16.0
    return noise


def _may_have_a_kink(sampler: Sampler, x: float, base: float, points: dict[float, float]) -> bool:
    """:func:`~chainrule.numeric.kinks.kink_suspects` with ``f(x)`` (kept for the general path)."""
    centre = sampler.f(np.float64(x))
    if type(centre) not in _REAL_TYPES:
        return True
    sampler.n_evals += 1
    sampler.remember((0.0,), float(centre))
    return bool(kink_suspects(float(centre), points, base, EPS64))


def _check(
    sampler: Sampler, x: float, base: float, rtol: float, scale: float
) -> tuple[float, float, float, float, dict[float, float], float] | None:
    """Up to four levels of the central ladder, stopping as the general ladder does; ``(value, error,
    first quotient, its step, the values by offset, the step of the value)`` if it converged."""
    rows: list[Row] = []
    best: Any = None
    best_error = best_trunc = best_round = math.inf
    points: dict[float, float] = {}
    since, size, best_step = 0, math.nan, math.nan
    for t in (1.0, 0.5, 0.25, 0.125):
        level = _level(sampler, x, base, t, points)
        if level is None:
            return None
        d, r, magnitude = level
        if not math.isfinite(d) or (d == 0.0 and any(row[0][0] != 0.0 for row in rows)):
            return None
        if not rows:
            size = magnitude / scale
        row = extend_row(rows, d, r, _EXPONENTS, 4)
        rows.append(row)
        improved = False
        for estimate, error, roundoff in zip(*row, strict=True):
            if error + roundoff < best_error:
                best, best_error, best_trunc, best_round = estimate, error + roundoff, error, roundoff
                best_step = t * base
                improved = True
        since = 0 if improved else since + 1
        if best is None:
            best = d
        if len(rows) < 3:
            continue
        tolerance = max(rtol * abs(best), 2.0 * best_round, rtol * size)
        stuck = since >= 2 or min(row[2]) >= best_error
        if best_trunc <= tolerance or (stuck and best_trunc <= 32 * best_round):
            return best, best_error, rows[0][0][0], base, points, best_step
    return None


def _level(sampler: Sampler, x: float, base: float, t: float, points: dict[float, float]) -> Any:
    """The central quotient at ``t·base``: ``(D, round-off bound, Σ|w f|)``, or None (not floats)."""
    f = sampler.f
    minus, plus = f(np.float64(x + -t * base)), f(np.float64(x + t * base))
    if type(minus) not in _REAL_TYPES or type(plus) not in _REAL_TYPES:
        return None
    sampler.n_evals += 2
    minus, plus = float(minus), float(plus)
    points[-t], points[t] = minus, plus
    sampler.tail_shape = ()
    sampler.remember((-t,), minus)
    sampler.remember((t,), plus)
    step = t * base
    total = 0.0 + -0.5 * minus + 0.5 * plus
    magnitude = 0.0 + abs(-0.5 * minus) + abs(0.5 * plus)
    return total / step, ROUNDING_ULPS * EPS64 * magnitude / step, magnitude
