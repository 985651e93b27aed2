"""Richardson ladders for a :class:`Problem`: central where the stencil fits and stays finite, one-sided
elsewhere; and the check that a derivative exists where a central estimate is returned.

A :class:`Problem` is a sampler (which lanes, how ``f`` is called) plus the scales and limits of its
steps; the strategies (:mod:`chainrule.numeric.strategies`) turn it into a result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.numeric.kinks import CORNER, LOWER, one_sided
from chainrule.numeric.lanes import both, select
from chainrule.numeric.outcome import apply_kinks, empty_outcome, merge
from chainrule.numeric.richardson import Ladder, LadderOutcome, formula_from_stencil
from chainrule.numeric.sampling import Sampler
from chainrule.numeric.stencils import stencil
from chainrule.numeric.steps import balanced_step, dyadic, ladder_step

__all__ = ["CHECK_RTOL", "FULL_RTOL", "Problem", "any_lane", "check_kinks", "kind_label", "richardson"]

#: Relative tolerance of the Richardson ladder by derivative order (it also stops at the round-off floor).
FULL_RTOL = {1: 1e-13, 2: 1e-10, 3: 1e-8, 4: 1e-7}
#: Looser tolerance of the real cross-check of a complex value: it need only expose a disagreement.
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
        if not any_lane(failed):
            break
        kind_base, kind_fits = problem.ladder_base(kind)
        todo = both(failed, kind_fits)
        if not any_lane(todo):
            continue
        sampler.base = select(todo, kind_base, sampler.base)
        sampler.forget(None if scalar else todo)
        other = _ladder(problem, kind, rtol, todo, verify)
        outcome = merge(outcome, other, todo)
        used = select(todo, code, used)
        failed = both(failed, outcome.status == -2)
    return outcome, used


def _ladder(problem: Problem, kind: str, rtol: float, lanes: Any, verify: bool) -> LadderOutcome:
    if not any_lane(lanes):  # nothing fits: "not finite anywhere usable", for the one-sided passes
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


def any_lane(mask: Any) -> bool:
    """Whether any lane of a mask (a bool or an array) is set."""
    return bool(mask) if type(mask) in (bool, np.bool_) else bool(np.any(mask))


def check_kinks(
    problem: Problem, outcome: LadderOutcome, used: Any, lanes: Any = None
) -> tuple[LadderOutcome, str]:
    """Status −3 where the central estimate of ``lanes`` (default all) sits on a corner or a jump."""
    status = np.asarray(outcome.status)
    wanted = np.asarray(problem.all_lanes() if lanes is None else lanes, dtype=bool)
    central = wanted & (np.asarray(used) == 0) & ((status == 0) | (status == -1))
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
    # A corner's central differences converge (to the average slope); where they did not, a steady gap
    # of the one-sided quotients is the steps not resolving f (a fast oscillation), not a corner.
    report.kind = np.where((report.kind == CORNER) & (status != 0), 0, report.kind)
    # No derivative of order n where one of a lower order has a corner or a jump: the third derivative of
    # |x| at 0 looks like 0 to both one-sided third differences (f is linear on each side), but |x|' jumps.
    for lower in range(1, problem.order):
        below = one_sided(problem.sampler, lower, rung, central, outcome.noise)
        found = (below.kind > 0) & ~((below.kind == CORNER) & (status != 0))
        report.kind = np.where(found & (report.kind == 0), LOWER, report.kind)
    return apply_kinks(outcome, report, central, problem.scalar)


def kind_label(used: Any) -> str:
    if isinstance(used, str):
        return used
    codes = set(np.ravel(used).tolist())
    if codes == {0}:
        return "richardson"
    names = {0: "central", 1: "forward", 2: "backward"}
    return "richardson (" + "/".join(names[c] for c in sorted(codes)) + ")"
