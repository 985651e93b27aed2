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
    "reproducible",
    "second_derivative",
]

#: A spread beyond this many round-off bounds (and the truncation real differences predict) is noise.
SPREAD_LIMIT = 8.0
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
