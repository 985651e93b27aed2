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

from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.numeric.complex_step import (
    SECOND_OFFSETS,
    Candidate,
    ComplexStep,
    agrees,
    complex_first,
    conditioning,
    reproducible,
    second_derivative,
)
from chainrule.numeric.contour import contour
from chainrule.numeric.kinks import one_sided
from chainrule.numeric.lanes import both, but_not, either, expand_lanes, lanes_all, larger, negate, per_lane, select
from chainrule.numeric.outcome import apply_kinks, empty_outcome, merge, settled, to_result
from chainrule.numeric.quick import first_derivative
from chainrule.numeric.result import NumericResult
from chainrule.numeric.richardson import Ladder, LadderOutcome, formula_from_stencil
from chainrule.numeric.sampling import ElementwiseSampler, Sampler
from chainrule.numeric.stencils import stencil
from chainrule.numeric.steps import balanced_step, dyadic, ladder_step

__all__ = ["CHECK_RTOL", "FULL_RTOL", "Problem", "fixed_quotient", "richardson", "single", "solve"]

#: Relative tolerance of the Richardson ladder by derivative order (it also stops at the round-off floor).
FULL_RTOL = {1: 1e-13, 2: 1e-10, 3: 1e-8, 4: 1e-7}
#: Looser tolerance of the real cross-check of a complex value: it need only expose a disagreement.
CHECK_RTOL = {1: 1e-8, 2: 1e-6, 3: 1e-5, 4: 1e-4}

_NO_COMPLEX = (
    "complex step unavailable: f raised, warned about discarding an imaginary part, or returned "
    "real or non-finite values for a complex argument; used Richardson"
)


@dataclass
class Problem:
    """What a strategy needs: the sampler, and per lane the point (for the contour radius), the scale
    of the steps, a user step, the room to the bounds and the accuracy of a single quotient."""

    sampler: Sampler
    x: Any
    scale: Any
    order: int
    step: Any = None
    room: tuple[Any, Any] | None = None
    accuracy: int | None = None
    #: Per lane, |x| along the lane (how far rounding the input to f's precision moves a point).
    x_size: Any = None
    #: A user step for method="complex" (the imaginary step, or the circle's radius).
    complex_step: Any = None

    @property
    def scalar(self) -> bool:
        return not self.sampler.lane_shape

    def all_lanes(self) -> Any:
        return True if self.scalar else np.ones(self.sampler.lane_shape, bool)

    def ladder_base(self, kind: str) -> tuple[Any, Any]:
        """First step of a ladder of this kind, and the lanes where some stencil fits inside the bounds."""
        base = self.step
        if base is None:
            base = dyadic(ladder_step(self.order, self.sampler.eps) * self.scale)
        return self._fit(base, stencil(kind, self.order, None if kind == "central" else 2).offsets)

    def single_base(self, kind: str) -> tuple[Any, Any]:
        """Step of a single quotient of this kind, and the lanes where it fits inside the bounds."""
        fitted = stencil(kind, self.order, self.accuracy)
        base = self.step
        if base is None:
            base = dyadic(self.scale * balanced_step(1.0, self.order, fitted.accuracy, self.sampler.eps))
        # The error estimate also samples at 2 and 4 times the step.
        return self._fit(base, tuple(4.0 * o for o in fitted.offsets))

    def _fit(self, base: Any, offsets: tuple[float, ...]) -> tuple[Any, Any]:
        """The base step shrunk (to a power of two) until the stencil fits inside the bounds; a stencil
        fits wherever the room allows a step that still moves x (an interval of any width will do)."""
        if self.room is None:
            return base, self.all_lanes()
        below, above = self.room
        reach_down, reach_up = -min(min(offsets), 0.0), max(max(offsets), 0.0)
        limit: Any = np.inf
        if reach_down:
            limit = below / reach_down
        if reach_up:
            limit = np.minimum(limit, above / reach_up)
        spacing = 4.0 * np.spacing(np.abs(np.asarray(self.x, dtype=float)) + 0.0 * self.scale)
        fits = np.logical_and(limit >= spacing, limit > 0)
        safe_limit = np.where(limit > 0, limit, 1.0)
        capped = np.where(limit < base, dyadic(np.asarray(safe_limit, dtype=float)), base)
        if self.scalar:
            return float(capped), bool(fits)
        return capped, fits


def _ladder_formula(kind: str, order: int, columns: int) -> Any:
    shape = stencil(kind, order, None if kind == "central" else 2)
    return formula_from_stencil(shape.offsets, shape.weights, order, shape.exponents(columns))


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
            outcome, words = _check_kinks(problem, outcome, used)
            return to_result(problem.sampler, problem.order, outcome, _kind_label(used), [words])
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


def richardson(
    problem: Problem, rtol: float, lanes: Any = None, *, fresh: bool = True, verify: bool = True
) -> tuple[LadderOutcome, Any]:
    """Richardson ladders: central where it fits and stays finite, one-sided elsewhere. Returns the
    outcome and, per lane, the stencil kind used (0 central, 1 forward, 2 backward). ``fresh=False``
    continues with the sampler's current steps and cache (a second, stricter pass over some lanes)."""
    sampler = problem.sampler
    scalar = problem.scalar
    wanted = problem.all_lanes() if lanes is None else lanes
    base, fits = problem.ladder_base("central")
    if fresh:
        sampler.base = base
    todo = both(wanted, fits)
    outcome = _ladder(problem, "central", rtol, todo, verify)
    used: Any = 0 if scalar else np.zeros(sampler.lane_shape, int)
    failed = both(wanted, outcome.status == -2)
    for code, kind in ((1, "forward"), (2, "backward")):
        if not _any(failed):
            break
        kind_base, kind_fits = problem.ladder_base(kind)
        todo = both(failed, kind_fits)
        if not _any(todo):
            continue
        sampler.base = select(todo, kind_base, sampler.base)
        sampler.forget(None if scalar else todo)
        other = _ladder(problem, kind, rtol, todo, verify)
        outcome = merge(outcome, other, todo)
        used = select(todo, code, used)
        failed = both(failed, outcome.status == -2)
    return outcome, used


def _ladder(problem: Problem, kind: str, rtol: float, lanes: Any, verify: bool) -> LadderOutcome:
    if not _any(lanes):  # nothing fits: "not finite anywhere usable", for the one-sided passes
        return empty_outcome(problem.sampler)
    formula = _ladder_formula(kind, problem.order, 4)
    ladder = Ladder(
        problem.sampler,
        formula,
        rtol=rtol,
        verify=verify,
        x_size=problem.x_size,
        scale=problem.scale,
        room=problem.room,
    )
    return ladder.run(None if problem.scalar else lanes)


def _any(mask: Any) -> bool:
    return bool(mask) if type(mask) in (bool, np.bool_) else bool(np.any(mask))


def _check_kinks(problem: Problem, outcome: LadderOutcome, used: Any, lanes: Any = None) -> tuple[LadderOutcome, str]:
    """Status −3 where the central estimate of ``lanes`` (default all) sits on a corner or a jump."""
    status = np.asarray(outcome.status)
    wanted = np.asarray(problem.all_lanes() if lanes is None else lanes, dtype=bool)
    central = wanted & (np.asarray(used) == 0) & ((status == 0) | (status == -1))
    # A noisy lane's one-sided quotients differ by its noise: its bound says so already.
    central &= np.asarray(lanes_all(np.asarray(outcome.noise) == 0.0, problem.sampler.lane_shape))
    if not central.any() or len(getattr(problem.sampler, "pairs", ())):
        return outcome, ""
    # The ladder's own base step: most points of the one-sided quotients are in the cache. Within bounds
    # the one-sided stencils (reaching order·level) start lower so as to stay inside.
    rung = np.asarray(outcome.rung, dtype=float)
    if problem.room is not None:
        below, above = problem.room
        room = np.minimum(below, above) / np.asarray(problem.sampler.base, dtype=float) / problem.order
        rung = np.minimum(rung, 2.0 ** np.floor(np.log2(np.maximum(room, 1e-300))))
    report = one_sided(problem.sampler, problem.order, rung, central, outcome.noise)
    return apply_kinks(outcome, report, central, problem.scalar)


def single(problem: Problem, kind: str) -> NumericResult:
    """One difference quotient; central falls back to one-sided where f is not finite or where the
    central stencil does not fit inside the bounds."""
    sampler = problem.sampler
    sampler.base, fits = problem.single_base(kind)
    if _any(fits):
        outcome, never = _single_quotient(problem, kind, problem.accuracy, fits)
        never = either(never, negate(fits))
    else:
        outcome, never = empty_outcome(sampler), negate(fits)
    used_label = kind
    used: Any = 0 if problem.scalar else np.zeros(sampler.lane_shape, int)
    if kind == "central" and _any(never):
        for code, side in ((1, "forward"), (2, "backward")):
            side_base, side_fits = problem.single_base(side)
            todo = both(never, side_fits)
            if not _any(todo):
                continue
            sampler.base = select(todo, side_base, sampler.base)
            sampler.forget(None if problem.scalar else todo)
            other, still = _single_quotient(problem, side, None, todo)
            outcome = merge(outcome, other, todo)
            used = select(todo, code, used)
            used_label = side if problem.scalar else f"{kind}/{side}"
            never = but_not(never, but_not(todo, still))
            if not _any(never):
                break
    outcome.status = select(never, -2, outcome.status)
    words = ""
    if kind == "central":
        outcome, words = _check_kinks(problem, outcome, used)
    return to_result(sampler, problem.order, outcome, used_label, [words])


def _single_quotient(problem: Problem, kind: str, accuracy: int | None, lanes: Any) -> tuple[LadderOutcome, Any]:
    fixed = stencil(kind, problem.order, accuracy)
    formula = formula_from_stencil(fixed.offsets, fixed.weights, fixed.order, fixed.exponents(1))
    ladder = Ladder(problem.sampler, formula, rtol=0.0, x_size=problem.x_size)
    return fixed_quotient(ladder, fixed.accuracy, lanes)


def fixed_quotient(ladder: Ladder, accuracy: int, lanes: Any) -> tuple[LadderOutcome, Any]:
    """A plain difference quotient ``D(h)`` at the base step, with an error estimate from ``D(2h)``:
    ``2·|D(h) − D(2h)| / (2ᵖ − 1)`` plus the round-off bound.

    ``D(4h)`` checks that the step is in the range where the error falls like ``hᵖ`` (successive
    differences shrinking ``2ᵖ``-fold); where it is not, the estimate is unreliable, the error becomes
    ``2·max|D(h) − D(2ʲh)|`` and the status −1. Returns the outcome and the lanes (of those asked for)
    where f was never finite.
    """
    lane_shape = ladder.sampler.lane_shape
    active: Any = True if not lane_shape else np.ones(lane_shape, bool)
    if lanes is not None and lane_shape:
        active = np.logical_and(active, lanes)
    d4, r4, _, never = ladder.first_level(4.0, active)
    d2, r2, _ = ladder.quotient(2.0, active)
    d1, r1, step = ladder.quotient(1.0, active)
    near, far = abs(d1 - d2), abs(d2 - d4)
    error = 2.0 * near / (2.0**accuracy - 1.0) + r1
    ratio = far / larger(near, 1e-300 + 0.0 * near)
    noise = 4.0 * (r1 + r2 + r4)
    expected = 2.0**accuracy
    outside = both(far > noise, either(ratio < expected / 2.0, ratio > expected * 2.0))
    error = select(outside, 2.0 * larger(near, abs(d1 - d4)) + r1, error)
    status = select(lanes_all(outside, lane_shape), -1, 0 if not lane_shape else np.zeros(lane_shape, int))
    outcome = LadderOutcome(d1, error, per_lane(step, lane_shape), status, None, floor=r1, rung=4.0)
    return outcome, never


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
        candidate.usable = both(candidate.usable, reproducible(step, check.first, check.value, check.first_step))
        candidate.error = candidate.error + conditioning(
            problem.x_size, _curvature(problem, used), sampler.complex_eps
        )
        candidate.floor = candidate.error
    accept, check, used = _cross_check(problem, candidate, check, used)
    chosen, taken, notes = _chosen(problem, candidate, accept, check)
    chosen, words = _check_kinks(problem, chosen, used, negate(taken))
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
    if _any(rejected):
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
    if _any(undecided):
        notes.append(
            f"real differences did not converge{_count(problem, undecided)}, so the complex value could "
            "not be cross-checked" + ("; its bound spans the real estimate" if problem.order == 1 else
                                      "; it was confirmed by a second, shifted circle")
        )
    return chosen, taken, notes


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
    outcome, words = _check_kinks(problem, outcome, used)
    note = "" if method == "auto" else _NO_COMPLEX
    return to_result(problem.sampler, problem.order, outcome, _kind_label(used), [note, words])


def _complex_candidate(problem: Problem) -> Candidate | None:
    """The complex method's estimate, or None when ``f`` is not complex-safe."""
    sampler = problem.sampler
    if problem.order == 1:
        step = problem.complex_step
        first = complex_first(sampler, problem.scale, step)
        if first is None:
            return None
        # A reproducible complex step's bound is round-off plus its own truncation: never loose.
        return Candidate(first.value, first.error, first.step, first.error, problem.all_lanes(), first)
    room = None if problem.room is None else np.minimum(*problem.room)
    circles = contour(sampler, problem.order, problem.x, problem.scale, room, problem.complex_step)
    if circles is None:
        return None
    ok: Any = bool(circles.ok) if problem.scalar else circles.ok
    value, error = circles.value, circles.error
    if problem.scalar and np.ndim(value) == 0:
        value, error = float(value), float(error)
    radius = float(circles.radius) if problem.scalar else circles.radius
    # A resolved circle's bound is round-off by construction: never loose.
    return Candidate(value, error, radius, error, ok, circles)


def _label(accept: Any, used: Any) -> str:
    if type(accept) is not np.ndarray:
        return "complex" if accept else _kind_label(used)
    if np.all(accept):
        return "complex"
    return "complex+richardson" if np.any(accept) else _kind_label(used)


def _auto_notes(
    problem: Problem, rejected: Any, usable: Any, inconclusive: Any, value: Any, check: LadderOutcome
) -> list[str]:
    notes = []
    unusable = both(rejected, negate(usable))
    disagreed = both(rejected, usable)
    name = "complex step" if problem.order == 1 else "complex step (Cauchy circles)"
    if _any(unusable):
        what = "it gave different values at steps h and 2h" if problem.order == 1 else (
            "the circles did not resolve the Taylor coefficients or disagreed between radii"
        )
        notes.append(
            f"{name} rejected{_count(problem, unusable)}: {what} (f is noisy, not analytic, or close to a "
            "singularity); used Richardson-extrapolated differences"
        )
    if _any(disagreed):
        gap = np.nanmax(np.abs(np.asarray(value) - np.asarray(check.value)))
        notes.append(
            f"{name} rejected{_count(problem, disagreed)}: it differs from real differences by {gap:.3g}, "
            "more than their error bounds allow (f is not analytic or not complex-safe there); used "
            "Richardson-extrapolated differences"
        )
    if _any(inconclusive):
        notes.append(
            "the complex-step value could be cross-checked only to the real estimate's error "
            f"({float(np.max(check.error)):.3g}), which is reported as the error"
        )
    return notes


def _count(problem: Problem, mask: Any) -> str:
    return "" if problem.scalar else f" at {int(np.sum(mask))} points"


def _kind_label(used: Any) -> str:
    if isinstance(used, str):
        return used
    codes = set(np.ravel(used).tolist())
    if codes == {0}:
        return "richardson"
    names = {0: "central", 1: "forward", 2: "backward"}
    return "richardson (" + "/".join(names[c] for c in sorted(codes)) + ")"
