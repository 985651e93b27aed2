"""Single difference quotients: one stencil at one step, its error estimated from twice and four times
the step; central falls back to one-sided where ``f`` is not finite or the stencil leaves the bounds."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.numeric.ladders import Problem, any_lane, check_kinks
from chainrule.numeric.lanes import both, but_not, either, lanes_all, larger, negate, per_lane, select
from chainrule.numeric.outcome import empty_outcome, merge, to_result
from chainrule.numeric.result import NumericResult
from chainrule.numeric.richardson import Ladder, LadderOutcome, formula_from_stencil
from chainrule.numeric.stencils import stencil

__all__ = ["fixed_quotient", "single"]


def single(problem: Problem, kind: str) -> NumericResult:
    """One difference quotient; central falls back to one-sided where f is not finite or where the
    central stencil does not fit inside the bounds."""
    sampler = problem.sampler
    sampler.base, fits = problem.single_base(kind)
    if any_lane(fits):
        outcome, never = _single_quotient(problem, kind, problem.accuracy, fits)
        never = either(never, negate(fits))
    else:
        outcome, never = empty_outcome(sampler), negate(fits)
    used_label = kind
    used: Any = 0 if problem.scalar else np.zeros(sampler.lane_shape, int)
    if kind == "central" and any_lane(never):
        for code, side in ((1, "forward"), (2, "backward")):
            side_base, side_fits = problem.single_base(side)
            todo = both(never, side_fits)
            if not any_lane(todo):
                continue
            sampler.base = select(todo, side_base, sampler.base)
            sampler.forget(None if problem.scalar else todo)
            other, still = _single_quotient(problem, side, None, todo)
            outcome = merge(outcome, other, todo)
            used = select(todo, code, used)
            used_label = side if problem.scalar else f"{kind}/{side}"
            never = but_not(never, but_not(todo, still))
            if not any_lane(never):
                break
    outcome.status = select(never, -2, outcome.status)
    words = ""
    if kind == "central":
        outcome, words = check_kinks(problem, outcome, used)
    return to_result(sampler, problem.order, outcome, used_label, [words])


def _single_quotient(
    problem: Problem, kind: str, accuracy: int | None, lanes: Any
) -> tuple[LadderOutcome, Any]:
    fixed = stencil(kind, problem.order, accuracy)
    formula = formula_from_stencil(fixed.offsets, fixed.weights, fixed.order, fixed.exponents(1))
    ladder = Ladder(problem.sampler, formula, rtol=0.0, x_size=problem.x_size, scale=problem.scale)
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
    outcome = LadderOutcome(
        d1, error, per_lane(step, lane_shape), status, None, floor=r1, rung=4.0, size=ladder.size()
    )
    return outcome, never
