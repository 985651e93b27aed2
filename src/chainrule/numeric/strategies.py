"""Strategies shared by every numerical derivative: Richardson ladders with domain handling, single
difference quotients, the complex step and Cauchy circles with their real cross-check.

A :class:`Problem` is a sampler (which lanes, how ``f`` is called) plus the scales and limits of its
steps; each strategy turns it into a :class:`~chainrule.numeric.result.NumericResult`.

How ``method="auto"`` decides (the same path serves ``method="complex"``):

1. Try the complex step (order 1: at two steps, which must agree) or Cauchy circles (orders ≥ 2: the
   radius searched until the Taylor coefficients are resolved and confirmed at a second radius). If ``f``
   raises, warns that it discards an imaginary part, or returns real or non-finite values, it is out.
2. Run Richardson-extrapolated central differences to a loose tolerance: the *cross-check*.
3. Keep the complex value where it agrees with the cross-check within their combined error bounds.
   Elsewhere run the Richardson ladder to full accuracy (verified at a smaller step) and compare again;
   where they still disagree, return the Richardson value and say why in ``message``.
4. Wherever a real central estimate is returned, one-sided quotients check that a derivative exists.

Where ``f`` is not finite at a stencil point, steps shrink 16-fold; where no central stencil stays finite
(or inside ``bounds``), a one-sided stencil takes over.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.numeric.complex_step import (
    NOISE_SIGMAS,
    SECOND_OFFSETS,
    Candidate,
    ComplexStep,
    agrees,
    complex_first,
    conditioning,
    probe_ratio,
    reproducible,
    rounding_noise,
    second_derivative,
)
from chainrule.numeric.contour import contour
from chainrule.numeric.kinks import kink_suspects
from chainrule.numeric.ladders import (
    CHECK_RTOL,
    FULL_RTOL,
    Problem,
    any_lane,
    check_kinks,
    kind_label,
    richardson,
)
from chainrule.numeric.lanes import (
    both,
    either,
    expand_lanes,
    lanes_all,
    larger,
    negate,
    select,
)
from chainrule.numeric.outcome import merge, settled, to_result
from chainrule.numeric.quick import first_derivative
from chainrule.numeric.quotients import fixed_quotient, single
from chainrule.numeric.result import NumericResult
from chainrule.numeric.richardson import LadderOutcome
from chainrule.numeric.sampling import ElementwiseSampler, Sampler

__all__ = ["CHECK_RTOL", "FULL_RTOL", "Problem", "fixed_quotient", "richardson", "single", "solve"]

_NO_COMPLEX = (
    "complex step unavailable: f raised, warned about discarding an imaginary part, or returned "
    "real or non-finite values for a complex argument; used Richardson"
)


def solve(problem: Problem, method: str) -> NumericResult:
    """Run ``method`` on ``problem`` (NumPy warnings off: non-finite values are handled, not warned)."""
    with np.errstate(all="ignore"):
        if _quick_applies(problem, method):
            result, candidate = first_derivative(problem.sampler, problem.x, problem.scale, CHECK_RTOL[1])
            if result is not None:
                return result
            if candidate is not None:
                return auto(problem, method, candidate)
        if method in ("central", "forward", "backward"):
            problem.sampler.centre()  # f's output shape and precision, before any step is chosen
            return single(problem, method)
        if method == "richardson":
            problem.sampler.centre()
            outcome, used = richardson(problem, FULL_RTOL.get(problem.order, 1e-6))
            outcome, words = check_kinks(problem, outcome, used)
            return to_result(problem.sampler, problem.order, outcome, kind_label(used), [words])
        return auto(problem, method)


def _quick_applies(problem: Problem, method: str) -> bool:
    return (
        method in ("auto", "complex")
        and problem.order == 1
        and type(problem.x) is float
        and problem.step is None
        and problem.complex_step is None
        and problem.room is None
        and not problem.sampler.evaluator.parallel
        and problem.sampler.n_evals == 0
        and isinstance(problem.sampler, ElementwiseSampler)
    )


def auto(problem: Problem, method: str, candidate: Candidate | None = None) -> NumericResult:
    """Complex step or Cauchy circles, cross-checked by a real ladder; Richardson wherever the check
    fails. ``candidate`` is a complex step already computed (by the fast path)."""
    sampler = problem.sampler
    if candidate is None:
        candidate = _complex_candidate(problem)
    if candidate is None:
        return _without_complex(problem, method)
    sampler.eps = max(sampler.eps, sampler.complex_eps)  # f's precision, as its complex results show
    check, used = richardson(problem, CHECK_RTOL.get(problem.order, 1e-3), verify=False)
    if np.shape(check.value) != np.shape(candidate.value):  # another shape for complex input
        return _without_complex(problem, method)
    if isinstance(candidate.detail, ComplexStep):  # reproducible; rounding amplified by conditioning
        step = candidate.detail
        candidate.usable = both(
            candidate.usable, reproducible(step, check.first, check.value, check.first_step)
        )
        if candidate.noise is None:
            ratio = probe_ratio(check.step, candidate.step)
            candidate.noise = rounding_noise(sampler, candidate.step, ratio, candidate.value, problem.room)
        noisy = expand_lanes(candidate.noise, candidate.value)
        candidate.usable = both(candidate.usable, lanes_all(np.isfinite(noisy), sampler.lane_shape))
        candidate.error = (candidate.error + NOISE_SIGMAS * noisy) + conditioning(
            problem.x_size, _curvature(problem, used), sampler.complex_eps
        )
        candidate.floor = candidate.error
    accept, check, used = _cross_check(problem, candidate, check, used)
    chosen, taken, notes = _chosen(problem, candidate, accept, check)
    chosen, words = check_kinks(problem, chosen, used, either(negate(taken), _kink_suspects(problem, taken)))
    return to_result(sampler, problem.order, chosen, _label(taken, used), [*notes, words])


def _cross_check(
    problem: Problem, candidate: Candidate, check: LadderOutcome, used: Any
) -> tuple[Any, LadderOutcome, Any]:
    """Lanes where the complex value is accepted; the real estimate (run to full accuracy where the
    loose one did not vouch for it)."""
    judge = _vouched if problem.order == 1 else _not_contradicted
    sampler = problem.sampler
    accept = both(candidate.usable, judge(sampler, candidate.value, candidate.error, check))
    rejected = negate(accept)
    if any_lane(rejected):
        # The loose check may itself have been fooled (steps far too large): settle it properly.
        rtol = FULL_RTOL.get(problem.order, 1e-6)
        full, used = richardson(problem, rtol, None if problem.scalar else rejected, fresh=False)
        check = merge(check, full, rejected)
        check.table = full.table
        again = both(both(rejected, candidate.usable), judge(sampler, candidate.value, candidate.error, full))
        accept = either(accept, again)
    return accept, check, used


def _chosen(
    problem: Problem, candidate: Candidate, accept: Any, check: LadderOutcome
) -> tuple[LadderOutcome, Any, list[str]]:
    """The complex value where accepted — or where the real differences could not decide (they did
    not converge) — the real one elsewhere."""
    value, error = candidate.value, candidate.error
    lane_shape = problem.sampler.lane_shape
    undecided = both(negate(accept), candidate.usable)
    undecided = both(undecided, negate(either(settled(check, lane_shape), _informative(check, lane_shape))))
    # Where f is not finite on the real line near x (sqrt at -1), the complex value is the derivative of
    # a continuation of f off it, not of f: f's own NaN stands (status -2).
    undecided = both(undecided, _defined(check, lane_shape))
    status = select(accept, 0, check.status)
    if problem.order == 1:
        # Unverified: the complex value, unconverged, its bound widened to the real estimate.
        widened = larger(error, abs(value - check.value) + check.error)
        error = select(expand_lanes(undecided, error), widened, error)
        status = select(undecided, -1, status)
        inconclusive = both(accept, negate(settled(check, problem.sampler.lane_shape)))
        error = select(expand_lanes(inconclusive, error), larger(error, check.error), error)
    else:
        # A confirmed circle stands where the real ladder did not converge.
        inconclusive = False
        status = select(undecided, 0, status)
    taken = either(accept, undecided)
    chosen = LadderOutcome(value, error, candidate.step, status, None, floor=candidate.floor, rung=check.rung)
    chosen = merge(chosen, check, negate(taken))
    rejected = negate(taken)
    notes = _auto_notes(problem, rejected, candidate.usable, inconclusive, value, check)
    if any_lane(undecided):
        notes.append(
            f"real differences did not converge{_count(problem, undecided)}, so the complex value could "
            "not be cross-checked"
            + (
                "; its bound spans the real estimate"
                if problem.order == 1
                else "; it was confirmed by a second, shifted circle"
            )
        )
    return chosen, taken, notes


def _defined(check: LadderOutcome, lane_shape: tuple[int, ...]) -> Any:
    """Lanes where the real differences found f finite near x (anything but status -2)."""
    defined = np.asarray(check.status) != -2
    return bool(defined) if not lane_shape and defined.ndim == 0 else defined


def _vouched(sampler: Sampler, value: Any, error: Any, check: LadderOutcome) -> Any:
    """Lanes where the real estimate agrees with the complex one and says something: it converged, or
    its error is below half its size (a bound wider than the value agrees with anything)."""
    informative = either(settled(check, sampler.lane_shape), _informative(check, sampler.lane_shape))
    together = agrees(sampler, value, error, check.value, check.error)
    return both(together, informative if type(together) is np.ndarray else bool(informative))


def _informative(check: LadderOutcome, lane_shape: tuple[int, ...]) -> Any:
    """Lanes whose real estimate says something: its error is below half its size."""
    small = np.asarray(check.error) < 0.5 * np.abs(np.asarray(check.value))
    return bool(small) if not lane_shape and small.ndim == 0 else lanes_all(small, lane_shape)


def _not_contradicted(sampler: Sampler, value: Any, error: Any, check: LadderOutcome) -> Any:
    """For a confirmed Cauchy circle the real estimate need only not contradict it."""
    return agrees(sampler, value, error, check.value, check.error)


def _kink_suspects(problem: Problem, taken: Any) -> Any:
    """Lanes where the complex value was taken but ``f`` may have a corner, a jump or an infinite slope
    (a non-analytic part the complex step cannot see; see :func:`chainrule.numeric.kinks.kink_suspects`)."""
    if not any_lane(taken):
        return False
    if problem.order != 1 or problem.room is not None:
        return taken  # Cauchy circles, or steps kept inside bounds: the one-sided check itself
    sampler = problem.sampler
    lanes = None if problem.scalar else taken
    offsets = (0.0, -0.5, 0.5, -0.25, 0.25)
    values = sampler.values([(o,) for o in offsets], lanes)
    points = dict(zip(offsets, values, strict=True))
    suspects = kink_suspects(points[0.0], points, sampler.base, sampler.eps)
    return both(taken, suspects if problem.scalar else lanes_all(suspects, sampler.lane_shape))


def _curvature(problem: Problem, used: Any) -> Any:
    """``f''`` from the cross-check's first three levels (cached), where it ran central differences."""
    central = np.asarray(used) == 0
    if not central.any():
        return 0.0
    lanes = None if problem.scalar or central.all() else central
    values = problem.sampler.values([(o,) for o in SECOND_OFFSETS], lanes)
    return second_derivative(values, problem.sampler.base)


def _without_complex(problem: Problem, method: str) -> NumericResult:
    """Richardson alone (no complex method), with the differentiability check."""
    problem.sampler.centre()  # f's output shape and precision, before any step is chosen
    outcome, used = richardson(problem, FULL_RTOL.get(problem.order, 1e-6))
    outcome, words = check_kinks(problem, outcome, used)
    note = "" if method == "auto" else _NO_COMPLEX
    return to_result(problem.sampler, problem.order, outcome, kind_label(used), [note, words])


def _complex_candidate(problem: Problem) -> Candidate | None:
    """The complex method's estimate, or None when ``f`` is not complex-safe."""
    sampler = problem.sampler
    if problem.order == 1:
        step = problem.complex_step
        first = complex_first(sampler, problem.scale, step)
        if first is None:
            return None
        # A reproducible complex step's bound is round-off plus its own truncation: never loose (the
        # rounding of what f cancels joins it once the real check has given a spacing to probe at).
        return Candidate(first.value, first.error, first.step, first.error, problem.all_lanes(), first)
    room = None if problem.room is None else np.minimum(*problem.room)
    circles = contour(sampler, problem.order, problem.x, problem.scale, room, problem.complex_step)
    if circles is None:
        return None
    ok: Any = bool(circles.ok) if problem.scalar else circles.ok
    value: Any = circles.value
    error: Any = circles.error
    if problem.scalar and np.ndim(value) == 0:
        value, error = float(value), float(error)
    radius: Any = float(circles.radius) if problem.scalar else circles.radius
    # A resolved circle's bound is round-off by construction: never loose.
    return Candidate(value, error, radius, error, ok, circles)


def _label(accept: Any, used: Any) -> str:
    if type(accept) is not np.ndarray:
        return "complex" if accept else kind_label(used)
    if np.all(accept):
        return "complex"
    return "complex+richardson" if np.any(accept) else kind_label(used)


def _auto_notes(
    problem: Problem, rejected: Any, usable: Any, inconclusive: Any, value: Any, check: LadderOutcome
) -> list[str]:
    notes = []
    unusable = both(rejected, negate(usable))
    disagreed = both(rejected, usable)
    name = "complex step" if problem.order == 1 else "complex step (Cauchy circles)"
    if any_lane(unusable):
        what = (
            "it gave different values at steps h and 2h"
            if problem.order == 1
            else ("the circles did not resolve the Taylor coefficients or disagreed between radii")
        )
        notes.append(
            f"{name} rejected{_count(problem, unusable)}: {what} (f is noisy, not analytic, or close to a "
            "singularity); used Richardson-extrapolated differences"
        )
    undefined = both(disagreed, negate(_defined(check, problem.sampler.lane_shape)))
    if any_lane(undefined):
        notes.append(
            f"{name} not used{_count(problem, undefined)}: f is not finite on the real line near x, and the "
            "complex step there is the derivative of a continuation of f off it"
        )
        disagreed = both(disagreed, negate(undefined))
    if any_lane(disagreed):
        gaps = np.abs(np.asarray(value) - np.asarray(check.value))
        gap = float(np.max(gaps[np.isfinite(gaps)])) if np.any(np.isfinite(gaps)) else math.nan
        notes.append(
            f"{name} rejected{_count(problem, disagreed)}: it differs from real differences by {gap:.3g}, "
            "more than their error bounds allow (f is not analytic or not complex-safe there); used "
            "Richardson-extrapolated differences"
        )
    if any_lane(inconclusive):
        notes.append(
            "the complex-step value could be cross-checked only to the real estimate's error "
            f"({float(np.max(check.error)):.3g}), which is reported as the error"
        )
    return notes


def _count(problem: Problem, mask: Any) -> str:
    return "" if problem.scalar else f" at {int(np.sum(mask))} points"
