"""Strategies shared by every numerical derivative: Richardson ladders with domain handling, single
difference quotients, and the complex step with its real cross-check.

A :class:`Problem` is a sampler (which lanes, how ``f`` is called) plus the scales and limits of its
steps; each strategy turns it into a :class:`~chainrule.numeric.result.NumericResult`.

How ``method="auto"`` decides (the same path serves ``method="complex"``):

1. Try the complex step (order 1) or the Cauchy contour (orders ≥ 2). If ``f`` raises, warns that it
   discards an imaginary part, or returns real or non-finite values, the complex step is out.
2. Run Richardson-extrapolated central differences to a loose tolerance: the *cross-check*.
3. Keep the complex-step value where it agrees with the cross-check within their combined error bounds.
   Elsewhere run the Richardson ladder to full accuracy (verified at a smaller step) and compare again;
   where they still disagree, return the Richardson value and say why in ``message``.

Where ``f`` is not finite at a stencil point, steps shrink 16-fold; where no central stencil stays finite
(or inside ``bounds``), a one-sided stencil takes over.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.numeric.complex_step import agrees, complex_first, complex_higher
from chainrule.numeric.lanes import (
    both,
    but_not,
    either,
    expand_lanes,
    lanes_all,
    larger,
    negate,
    per_lane,
    select,
)
from chainrule.numeric.quick import first_derivative
from chainrule.numeric.result import STATUS_MESSAGES, NumericResult
from chainrule.numeric.richardson import Ladder, LadderOutcome, formula_from_stencil
from chainrule.numeric.sampling import ElementwiseSampler, Sampler
from chainrule.numeric.stencils import stencil
from chainrule.numeric.steps import RICHARDSON_STEP, balanced_step, contour_radius, dyadic

__all__ = [
    "CHECK_RTOL",
    "FULL_RTOL",
    "Problem",
    "auto",
    "fixed_quotient",
    "richardson",
    "single",
    "solve",
]

#: Relative tolerance of the Richardson ladder by derivative order (it also stops at the round-off floor).
FULL_RTOL = {1: 1e-13, 2: 1e-10, 3: 1e-8, 4: 1e-7}
#: Looser tolerance of the real cross-check of a complex-step value: it need only expose a disagreement.
CHECK_RTOL = {1: 1e-8, 2: 1e-6, 3: 1e-5, 4: 1e-4}


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

    @property
    def scalar(self) -> bool:
        return not self.sampler.lane_shape

    def all_lanes(self) -> Any:
        return True if self.scalar else np.ones(self.sampler.lane_shape, bool)

    def ladder_base(self, kind: str) -> tuple[Any, Any]:
        """First step of a ladder of this kind, and the lanes where it fits inside the bounds."""
        base = self.step
        if base is None:
            base = dyadic(RICHARDSON_STEP.get(self.order, 0.125) * self.scale)
        return self._fit(base, stencil(kind, self.order, None if kind == "central" else 2).offsets)

    def single_base(self, kind: str) -> tuple[Any, Any]:
        """Step of a single quotient of this kind, and the lanes where it fits inside the bounds."""
        fitted = stencil(kind, self.order, self.accuracy)
        base = self.step
        if base is None:
            base = dyadic(self.scale * balanced_step(1.0, self.order, fitted.accuracy))
        # The error estimate also samples at 2 and 4 times the step.
        return self._fit(base, tuple(4.0 * o for o in fitted.offsets))

    def _fit(self, base: Any, offsets: tuple[float, ...]) -> tuple[Any, Any]:
        if self.room is None:
            return base, self.all_lanes()
        below, above = self.room
        reach_down, reach_up = -min(min(offsets), 0.0), max(max(offsets), 0.0)
        limit: Any = np.inf
        if reach_down:
            limit = below / reach_down
        if reach_up:
            limit = np.minimum(limit, above / reach_up)
        fits = limit >= base / 1024.0
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
        if method in ("central", "forward", "backward"):
            return single(problem, method)
        if method == "richardson":
            outcome, used = richardson(problem, FULL_RTOL.get(problem.order, 1e-6))
            return to_result(problem, outcome, used, "")
        if _quick_applies(problem):
            result, candidate = first_derivative(problem.sampler, problem.x, problem.scale, CHECK_RTOL[1])
            if result is not None:
                return result
            if candidate is not None:
                return auto(problem, method, candidate)
        return auto(problem, method)


def _quick_applies(problem: Problem) -> bool:
    return (
        problem.order == 1
        and type(problem.x) is float
        and problem.step is None
        and problem.room is None
        and problem.sampler.executor is None
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
        outcome = _merge(outcome, other, todo)
        used = select(todo, code, used)
        failed = both(failed, outcome.status == -2)
    return outcome, used


def _ladder(problem: Problem, kind: str, rtol: float, lanes: Any, verify: bool) -> LadderOutcome:
    if not _any(lanes):  # nothing fits: "not finite anywhere usable", for the one-sided passes
        return _empty(problem)
    ladder = Ladder(problem.sampler, _ladder_formula(kind, problem.order, 4), rtol=rtol, verify=verify)
    return ladder.run(None if problem.scalar else lanes)


def _any(mask: Any) -> bool:
    return bool(mask) if type(mask) in (bool, np.bool_) else bool(np.any(mask))


def _merge(old: LadderOutcome, new: LadderOutcome, lanes: Any) -> LadderOutcome:
    mask = expand_lanes(lanes, old.value)
    return LadderOutcome(
        value=select(mask, new.value, old.value),
        error=select(mask, new.error, old.error),
        step=select(lanes, new.step, old.step),
        status=select(lanes, new.status, old.status),
        table=old.table if old.table is not None else new.table,
        noise=select(mask, new.noise, old.noise),
    )


def single(problem: Problem, kind: str) -> NumericResult:
    """One difference quotient; central falls back to one-sided where f is not finite or where the
    central stencil does not fit inside the bounds."""
    sampler = problem.sampler
    sampler.base, fits = problem.single_base(kind)
    if _any(fits):
        outcome, never = _single_quotient(problem, kind, problem.accuracy, fits)
        never = either(never, negate(fits))
    else:
        outcome, never = _empty(problem), negate(fits)
    used = kind
    if kind == "central" and _any(never):
        for side in ("forward", "backward"):
            side_base, side_fits = problem.single_base(side)
            todo = both(never, side_fits)
            if not _any(todo):
                continue
            sampler.base = select(todo, side_base, sampler.base)
            sampler.forget(None if problem.scalar else todo)
            other, still = _single_quotient(problem, side, None, todo)
            outcome = _merge(outcome, other, todo)
            used = side if problem.scalar else f"{kind}/{side}"
            never = but_not(never, but_not(todo, still))
            if not _any(never):
                break
    outcome.status = select(never, -2, outcome.status)
    return to_result(problem, outcome, used, "")


def _single_quotient(
    problem: Problem, kind: str, accuracy: int | None, lanes: Any
) -> tuple[LadderOutcome, Any]:
    fixed = stencil(kind, problem.order, accuracy)
    formula = formula_from_stencil(fixed.offsets, fixed.weights, fixed.order, fixed.exponents(1))
    ladder = Ladder(problem.sampler, formula, rtol=0.0)
    value, error, step, status, never = fixed_quotient(ladder, fixed.accuracy, lanes)
    return LadderOutcome(value, error, step, status, None), never


def _empty(problem: Problem) -> LadderOutcome:
    """No estimate anywhere: f not finite (or no stencil fits), status −2."""
    if problem.scalar:
        return LadderOutcome(math.nan, math.inf, math.nan, -2, None)
    lane_shape = problem.sampler.lane_shape
    nan = np.full(lane_shape + (problem.sampler.tail_shape or ()), np.nan)
    return LadderOutcome(nan, nan + np.inf, np.full(lane_shape, np.nan), np.full(lane_shape, -2), None)


def auto(problem: Problem, method: str, candidate: Any = None) -> NumericResult:
    """Complex step, cross-checked by a real ladder; Richardson wherever the check fails.

    ``candidate`` is a complex-step ``(value, error, step)`` already computed (by the fast path).
    """
    order = problem.order
    full_rtol = FULL_RTOL.get(order, 1e-6)
    if candidate is None:
        candidate = _complex_candidate(problem)
    if candidate is None:
        outcome, used = richardson(problem, full_rtol)
        note = "" if method == "auto" else _NO_COMPLEX
        return to_result(problem, outcome, used, note)
    value, error, step = candidate
    sampler = problem.sampler
    check, used = richardson(problem, CHECK_RTOL.get(order, 1e-4), verify=False)
    # Where no real stencil is finite there is nothing to check against (NaN): rejected.
    accept = agrees(sampler, value, error, check.value, check.error)
    rejected = negate(accept)
    if _any(rejected):
        # The loose check may itself have been fooled (steps far too large): settle it properly.
        full, used = richardson(problem, full_rtol, None if problem.scalar else rejected, fresh=False)
        check = _merge(check, full, rejected)
        check.table = full.table
        accept = either(accept, both(rejected, agrees(sampler, value, error, full.value, full.error)))
        rejected = but_not(rejected, accept)
    inconclusive = both(accept, check.status != 0)
    error = select(expand_lanes(inconclusive, error), larger(error, check.error), error)
    if order > 1:  # keep whichever verified estimate is more accurate
        accept = but_not(accept, lanes_all(check.error < error, sampler.lane_shape))
    chosen = LadderOutcome(value, error, step, select(accept, 0, check.status), None)
    chosen = _merge(chosen, check, negate(accept))
    notes = _auto_notes(problem, rejected, inconclusive, value, check)
    return to_result(problem, chosen, used, notes, _label(accept))


_NO_COMPLEX = (
    "complex step unavailable: f raised, warned about discarding an imaginary part, or returned "
    "real or non-finite values for a complex argument; used Richardson"
)


def _complex_candidate(problem: Problem) -> tuple[Any, Any, Any] | None:
    if problem.order == 1:
        return complex_first(problem.sampler, problem.scale)
    radius = contour_radius(problem.x)
    if problem.room is not None:
        below, above = problem.room
        radius = select(np.minimum(below, above) >= 2 * radius, radius, np.nan)
        if not np.all(np.isfinite(radius)):
            return None
    return complex_higher(problem.sampler, problem.order, radius)


def _label(accept: Any) -> str:
    if type(accept) is not np.ndarray:
        return "complex" if accept else "richardson"
    if np.all(accept):
        return "complex"
    return "complex+richardson" if np.any(accept) else "richardson"


def _auto_notes(problem: Problem, rejected: Any, inconclusive: Any, value: Any, check: LadderOutcome) -> str:
    notes = []
    if _any(rejected):
        gap = np.max(np.abs(np.asarray(value) - np.asarray(check.value)))
        count = "" if problem.scalar else f" at {int(np.sum(rejected))} points"
        notes.append(
            f"complex step rejected{count}: it differs from real differences by {gap:.3g}, more "
            "than their error bounds allow (f is not analytic or not complex-safe there); "
            "used Richardson-extrapolated differences"
        )
    if _any(inconclusive):
        notes.append(
            "the complex-step value could be cross-checked only to the real estimate's error "
            f"({float(np.max(check.error)):.3g}), which is reported as the error"
        )
    return "; ".join(notes)


def to_result(
    problem: Problem, outcome: LadderOutcome, used: Any, note: str, label: str | None = None
) -> NumericResult:
    status_array = np.asarray(outcome.status)
    status = int(status_array.min()) if status_array.size else 0
    messages = []
    if status != 0:
        failed = int(np.sum(status_array != 0))
        where = "" if status_array.ndim == 0 else f" at {failed} of {status_array.size} points"
        messages.append(f"{STATUS_MESSAGES[status]}{where}")
    noise = np.asarray(outcome.noise)
    if np.any(noise > 0):
        messages.append(
            f"f is noisy (noise level about {float(np.max(noise)):.1g}, from fourth differences of "
            "13 extra evaluations); the error bound includes its effect"
        )
    if note:
        messages.append(note)
    if label is None:
        label = _kind_label(used)
    value, error, step = outcome.value, outcome.error, outcome.step
    if problem.scalar and type(value) is not np.ndarray:
        value, error, step = float(value), float(error), float(step)
    return NumericResult(
        value=value,
        error=error,
        n_evals=problem.sampler.n_evals,
        method=label,
        step=step,
        status=status,
        message="; ".join(messages) if messages else "converged",
        order=problem.order,
        table_source=outcome.table,
    )


def _kind_label(used: Any) -> str:
    if isinstance(used, str):
        return used
    codes = set(np.ravel(used).tolist())
    if codes == {0}:
        return "richardson"
    names = {0: "central", 1: "forward", 2: "backward"}
    return "richardson (" + "/".join(names[c] for c in sorted(codes)) + ")"


def fixed_quotient(ladder: Ladder, accuracy: int, lanes: Any) -> tuple[Any, Any, Any, Any, Any]:
    """A plain difference quotient ``D(h)`` at the base step, with an error estimate from ``D(2h)``:
    ``2·|D(h) − D(2h)| / (2ᵖ − 1)`` plus the round-off bound.

    ``D(4h)`` checks that the step is in the range where the error falls like ``hᵖ`` (successive
    differences shrinking ``2ᵖ``-fold); where it is not, the estimate is unreliable, the error becomes
    ``2·max|D(h) − D(2ʲh)|`` and the status −1. Returns value, error, step, status and the lanes
    (of those asked for) where f was never finite.
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
    return d1, error, per_lane(step, lane_shape), status, never
