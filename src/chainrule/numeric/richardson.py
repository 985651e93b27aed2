"""Richardson extrapolation over a ladder of steps, with error estimates from successive levels.

A *ladder* evaluates a difference quotient ``D(h)`` at steps ``h, h/2, h/4, …`` and extrapolates:
``T[k, j] = T[k, j-1] + (T[k, j-1] − T[k-1, j-1]) / (2^{e_j} − 1)`` removes the error term ``h^{e_j}``.
Each entry's truncation error is estimated by its distance to its neighbours (the lower-order estimate
of the same row and the same-order estimate of the previous row) — in the asymptotic regime that is the
error of the *lower*-order estimate, so it over-estimates; its round-off error is bounded by propagating
``2ε·Σ|wᵢ fᵢ| / hⁿ`` through the same recurrence. The reported error is their sum, for the entry with the
smallest sum.

Every lane (element, coordinate or pair of coordinates) keeps its own best entry and stops on its own:

- *converged* when the truncation estimate is below ``rtol·|value|`` or below twice the round-off bound
  (smaller steps would only add round-off);
- when ``f`` is not finite at the first level, its step is shrunk 16-fold (up to 8 times);
- when a rung of six levels ends without convergence, the ladder *jumps* 256-fold smaller and starts a
  fresh table (twice at most), which rescues a first step far too large for ``f`` (``sin`` at ``x = 10⁶``);
- otherwise it stops with status −1 and its best estimate and error bound.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.numeric.lanes import (
    BOOLS,
    both,
    but_not,
    either,
    expand_lanes,
    finite,
    fourth_differences,
    lanes_all,
    larger,
    per_lane,
    select,
)
from chainrule.numeric.result import RichardsonTable
from chainrule.numeric.sampling import Sampler
from chainrule.numeric.steps import EPS

__all__ = ["ROUNDING_ULPS", "Formula", "Ladder", "LadderOutcome", "extend_row", "formula_from_stencil"]

#: Round-off of one evaluation of f, in units of ε·|f|: a few ulps, as for libm functions.
ROUNDING_ULPS = 2.0


@dataclass(frozen=True)
class Formula:
    """A difference quotient: offsets (tuples: one entry per displaced coordinate), weights, order
    (the power of the step to divide by) and the powers of the step in its error expansion."""

    offsets: tuple[tuple[float, ...], ...]
    weights: tuple[float, ...]
    order: int
    exponents: tuple[int, ...]


@dataclass
class LadderOutcome:
    """Best estimate per element, with its error bound, step and per-lane status."""

    value: Any
    error: Any
    step: Any
    status: Any
    table: Callable[[], RichardsonTable | None] | None
    noise: Any = 0.0


Row = tuple[list[Any], list[Any], list[Any]]


def extend_row(rows: list[Row], d: Any, r: Any, exponents: tuple[int, ...], max_columns: int) -> Row:
    """The next row of a Richardson table: estimates, truncation-error estimates, round-off bounds.

    ``rows`` are the previous rows of this rung, ``d`` the new quotient and ``r`` its round-off bound.
    """
    k = len(rows)
    estimates, roundoffs = [d], [r]
    errors = [abs(d - rows[-1][0][0]) if k else math.inf]
    for j in range(1, min(k, max_columns) + 1):
        previous, previous_r = rows[-1][0], rows[-1][2]
        c = 2.0 ** exponents[j - 1] - 1.0
        estimate = estimates[j - 1] + (estimates[j - 1] - previous[j - 1]) / c
        roundoffs.append(roundoffs[j - 1] * (1.0 + 1.0 / c) + previous_r[j - 1] / c)
        error = abs(estimate - estimates[j - 1])
        if j < len(previous):
            error = larger(error, abs(estimate - previous[j]))
        estimates.append(estimate)
        errors.append(error)
    return estimates, errors, roundoffs


class Ladder:
    """Richardson extrapolation for every lane of a sampler; see the module docstring."""

    def __init__(
        self,
        sampler: Sampler,
        formula: Formula,
        *,
        rtol: float,
        t0: float = 1.0,
        max_columns: int = 4,
        rows_per_rung: int = 6,
        max_jumps: int = 2,
        min_rows: int = 3,
        verify: bool = True,
    ) -> None:
        self.sampler = sampler
        self.formula = formula
        self.rtol = rtol
        self.t0 = t0
        self.max_columns = max_columns
        self.rows_per_rung = rows_per_rung
        self.max_jumps = max_jumps
        self.min_rows = min_rows
        self.verify = verify
        #: Per element, how much noise exceeds round-off (set once f is found noisy).
        self.noise_factor: Any = None
        self.history: list[tuple[float, Any, list[Any], list[Any]]] = []

    # -- lane bookkeeping ------------------------------------------------------------------------
    def _lanes_all(self, cond: Any) -> Any:
        return lanes_all(cond, self.sampler.lane_shape)

    def _expand(self, lane_array: Any, like: Any) -> Any:
        return expand_lanes(lane_array, like)

    def _any(self, mask: Any) -> bool:
        return bool(mask) if type(mask) in BOOLS else bool(np.any(mask))

    # -- the difference quotient ---------------------------------------------------------------
    def quotient(self, t: float, lanes: Any) -> tuple[Any, Any, Any]:
        """``(D, round-off bound, step)`` at ``t`` times the sampler's base step."""
        formula = self.formula
        offsets = [tuple(o * t for o in offset) for offset in formula.offsets]
        values = self.sampler.values(offsets, None if isinstance(lanes, bool) else lanes)
        step = t * self.sampler.base
        step_b = self._expand(step, values[0])
        scale = step_b**formula.order
        total = 0.0
        magnitude = 0.0
        for weight, value in zip(formula.weights, values, strict=True):
            total = total + weight * value
            magnitude = magnitude + abs(weight * value)
        roundoff = ROUNDING_ULPS * EPS * magnitude / scale
        if self.noise_factor is not None:
            roundoff = roundoff * self.noise_factor
        return total / scale, roundoff, step_b

    def first_level(self, t: float, active: Any) -> tuple[Any, Any, Any, Any]:
        """Level 0, shrinking the base step of lanes where f is not finite; returns also the lanes
        that never became finite."""
        d, r, step = self.quotient(t, active)
        bad = but_not(active, self._lanes_all(finite(d)))
        shrunk: Any = False
        for attempt in range(9):
            if not self._any(bad):
                break
            if attempt == 8:
                return d, r, step, bad
            shrunk = np.logical_or(shrunk, bad)
            d, r, step = self._shrink(t, bad, d, r, step)
            bad = but_not(bad, self._lanes_all(finite(d)))
        if self._any(shrunk):
            # A singularity lies within a factor 16 of the finite step: step well away from it, or
            # the ladder would start where Taylor's series barely converges.
            d, r, step = self._shrink(t, shrunk, d, r, step)
            bad = but_not(shrunk, self._lanes_all(finite(d)))
        return d, r, step, bad

    def _shrink(self, t: float, lanes: Any, d: Any, r: Any, step: Any) -> tuple[Any, Any, Any]:
        """Shrink the base step of some lanes 16-fold and re-evaluate their level."""
        self.sampler.base = select(lanes, self.sampler.base / 16.0, self.sampler.base)
        self.sampler.forget(None if isinstance(lanes, bool | np.bool_) else lanes)
        d2, r2, step2 = self.quotient(t, lanes)
        mask = self._expand(lanes, d2)
        return select(mask, d2, d), select(mask, r2, r), select(mask, step2, step)

    # -- one row of the table ------------------------------------------------------------------
    def _extend(self, rows: list[Row], d: Any, r: Any) -> None:
        rows.append(extend_row(rows, d, r, self.formula.exponents, self.max_columns))

    def run(self, lanes: Any = None) -> LadderOutcome:
        """Run the ladder for the given lanes (boolean mask; all when None) until each stops, then
        verify each lane with one quotient at a 256-fold smaller step (which exposes a ladder fooled
        by steps far too large, such as aliasing of a fast oscillation, or by a quantised f) and
        climb again from there where the verification fails. A lane that fails twice is reported
        unconverged, its error at least the disagreement."""
        lane_shape = self.sampler.lane_shape
        active: Any = True if not lane_shape else np.ones(lane_shape, bool)
        if lanes is not None and lane_shape:
            active = np.logical_and(active, lanes)
        state = self._climb(_State(active, lane_shape), self.t0)
        if not self.verify:
            return self._outcome(state)
        start = self.t0
        for attempt in range(2):
            # Lanes settled as noisy are not verified: a smaller step would only show more noise.
            quiet = self._lanes_all(state.noise == 0.0)
            estimated = both(state.status != -2, self._lanes_all(finite(state.value)))
            checked = both(estimated, quiet)
            if not self._any(checked):
                break
            failed, gap, t_check = self._verify(state, checked, start)
            if not self._any(failed):
                break
            if attempt == 1:
                state.error = select(self._expand(failed, gap), larger(state.error, gap), state.error)
                state.status = select(failed, -1, state.status)
                break
            retry = self._climb(_State(failed, lane_shape), t_check)
            mask = self._expand(failed, state.value)
            for name in ("value", "error", "step", "first"):
                setattr(state, name, select(mask, getattr(retry, name), getattr(state, name)))
            state.status = select(failed, retry.status, state.status)
            start = t_check
        return self._outcome(state)

    def _verify(self, state: _State, lanes: Any, start: float) -> tuple[Any, Any, float]:
        """One quotient at 1/256 of the best step: the lanes where it disagrees with the estimate
        beyond the error bounds, the disagreement, and that step."""
        value = state.value
        t_best = np.nanmin(np.asarray(state.step / self._expand(self.sampler.base, value)))
        t_check = float(t_best) / 256.0
        d, r, _ = self.quotient(t_check, lanes)
        drift = abs(state.first - value) * (t_check / start) ** self.formula.exponents[0]
        gap = abs(d - value)
        bound = 2.0 * (state.error + r) + 4.0 * drift
        return but_not(lanes, self._lanes_all(gap <= bound)), gap, t_check

    def _outcome(self, state: _State) -> LadderOutcome:
        step = per_lane(state.step, self.sampler.lane_shape)
        unsettled = self._expand(state.status == -1, state.value)
        if self._any(unsettled):
            # Not converged: the best entry's own estimate is not to be trusted; bound the error by
            # how far the estimates at neighbouring steps (within a factor 4) stray from it.
            spread: Any = 0.0
            best_step = self._expand(state.step, state.value)
            for _, step, estimates, _ in self.history[1:]:
                near = np.logical_and(step <= 4.0 * best_step, step >= best_step / 4.0)
                for estimate in estimates:
                    gap = select(both(near, finite(estimate)), abs(estimate - state.value), 0.0)
                    spread = larger(spread, gap)
            state.error = select(unsettled, larger(state.error, spread), state.error)
        return LadderOutcome(state.value, state.error, step, state.status, self.table, state.noise)

    def _climb(self, state: _State, t: float, *, settle: bool = True) -> _State:
        """Rungs of halving steps from ``t``, jumping 256-fold down when a rung ends unconverged."""
        jumps, first = 0, True
        rows: list[Row] = []
        steps: list[Any] = []
        while self._any(state.active):
            if first:
                d, r, step, never = self.first_level(t, state.active)
                state.fail(never, -2)
                state.first, first = d, False
            else:
                d, r, step = self.quotient(t, state.active)
                # A quotient that drops to exactly 0 has hit the resolution of f (float32 code, a
                # table, rounding): the step is below what f can resolve, so stop here.
                if rows:
                    resolved = either(d != 0.0, rows[-1][0][0] == 0.0)
                    state.fail(but_not(state.active, self._lanes_all(resolved)), -1)
            state.fail(but_not(state.active, self._lanes_all(finite(d))), -1)
            self._extend(rows, d, r)
            steps.append(step)
            self.history.append((t, step, rows[-1][0], rows[-1][1]))
            self._update(state, rows, step)
            if not self._any(state.active):
                break
            waiting = but_not(state.active, state.since >= 2)
            if len(rows) < self.rows_per_rung and self._any(waiting):
                t = t / 2.0
                continue
            if jumps == 0 and settle:
                self._settle_noisy(state, rows, steps)
                if not self._any(state.active):
                    break
            if jumps < self.max_jumps:
                jumps, rows, t = jumps + 1, [], t / 256.0
                state.since = state.since * 0
            else:
                state.fail(state.active, -1)
        return state

    def _settle_noisy(self, state: _State, rows: list[Row], steps: list[Any]) -> None:
        """Lanes still unconverged after the first rung: if f is noisy there, redo the round-off bounds
        with the noise, settle on the entry that is best *with* it, and try once more from larger
        steps (noise wants them); smaller steps would only amplify the noise."""
        sigma, ratio, noisy, flat = self._noise(state.active)
        # f takes one value at the probe's tiny spacing: coarser than float64 (float32 code, a table).
        # Smaller steps cannot help; stop unconverged.
        state.fail(both(state.active, flat), -1)
        if not self._any(noisy):
            return
        scale = select(self._expand(noisy, ratio), larger(ratio, 1.0), 1.0)
        error: Any = math.inf
        trunc: Any = math.inf
        bound: Any = math.inf
        for row, step in zip(rows, steps, strict=True):
            for estimate, row_trunc, roundoff in zip(*row, strict=True):
                total = row_trunc + roundoff * scale
                better = both(self._expand(noisy, total), total < error)
                error, trunc = select(better, total, error), select(better, row_trunc, trunc)
                bound = select(better, 2.0 * roundoff * scale, bound)
                state.value = select(better, estimate, state.value)
                state.step = select(better, step, state.step)
        state.error = select(self._expand(noisy, error), error, state.error)
        state.noise = select(self._expand(noisy, sigma), sigma, state.noise)
        # Settled only if what is left is the noise; a kink or singularity stays unconverged.
        state.fail(both(noisy, np.logical_not(self._lanes_all(trunc <= bound))), -1)
        state.finish(both(noisy, state.active))
        self.noise_factor = scale
        wide = self._climb(_State(noisy, self.sampler.lane_shape), 64.0 * self.t0, settle=False)
        wins = both(self._expand(noisy, wide.error), wide.error < state.error)
        for name in ("value", "error", "step"):
            setattr(state, name, select(wins, getattr(wide, name), getattr(state, name)))
        state.status = select(self._lanes_all(wins), wide.status, state.status)

    def _noise(self, lanes: Any) -> tuple[Any, Any, Any, Any]:
        """Noise level of f per element, its ratio to round-off, the lanes that look noisy, and the
        lanes where f is flat at the probe's spacing.

        Fourth differences of 13 points spaced 2⁻²⁴ steps apart (about 2⁻³¹ times the scale of x,
        where truncation is negligible): noise makes them the same size at spacings δ and δ/2 and of
        both signs; truncation makes them 16 times smaller (``sin`` at ``x = 10⁶`` with a far too
        large step is not noisy) and a singularity (``√x`` at 0) gives them one sign.
        """
        dim = len(self.formula.offsets[0])
        first = [o[0] for o in self.formula.offsets]
        start = -6 + 6 * (min(first) >= 0.0) - 6 * (max(first) <= 0.0)  # one-sided: its side
        offsets = [(j * 2.0**-24,) + (0.0,) * (dim - 1) for j in range(start, start + 13)]
        values = self.sampler.values(offsets, None if type(lanes) in BOOLS else lanes)
        fine, signs = fourth_differences(values)
        coarse, _ = fourth_differences(values[::2])
        magnitude = sum(abs(v) for v in values) / len(values)
        ratio = 3.0 * fine / larger(ROUNDING_ULPS * EPS * magnitude, 1e-300 + 0.0 * magnitude)
        random = both(both(ratio > 16.0, fine >= coarse / 4.0), signs)
        noisy = both(lanes, np.logical_not(self._lanes_all(np.logical_not(random))))
        flat: Any = True
        for value in values[1:]:
            flat = both(flat, self._lanes_all(value == values[0]))
        return fine, ratio, noisy, flat

    def table(self) -> RichardsonTable | None:
        """The table of every level climbed so far (built on demand: most callers never look)."""
        if not self.history:
            return None
        width = self.max_columns + 1
        shape = np.shape(self.history[0][2][0])
        estimates = np.full((len(self.history), width, *shape), np.nan)
        errors = np.full_like(estimates, np.nan)
        steps = np.empty(len(self.history))
        for k, (_, step, row, row_errors) in enumerate(self.history):
            steps[k] = np.ravel(step)[0]
            for j, (estimate, error) in enumerate(zip(row, row_errors, strict=True)):
                estimates[k, j] = estimate
                errors[k, j] = error
        return RichardsonTable(steps, estimates, errors, self.formula.exponents[: width - 1])

    def _update(self, state: _State, rows: list[Any], step: Any) -> None:
        estimates, errors, roundoffs = rows[-1]
        active = self._expand(state.active, estimates[0])
        if state.value is None:  # first row: the raw quotient, as a last resort
            state.value, state.step = estimates[0], step
        improved: Any = False
        for estimate, error, roundoff in zip(estimates, errors, roundoffs, strict=True):
            total = error + roundoff
            better = both(active, total < state.error)
            improved = either(improved, better)
            state.value = select(better, estimate, state.value)
            state.error = select(better, total, state.error)
            state.trunc = select(better, error, state.trunc)
            state.round = select(better, roundoff, state.round)
            state.step = select(better, step, state.step)
        lane_improved = improved
        if type(improved) not in BOOLS:
            lane_improved = np.logical_not(self._lanes_all(np.logical_not(improved)))
        state.since = select(lane_improved, 0, state.since + 1)
        if len(rows) >= self.min_rows:
            tolerance = larger(self.rtol * abs(state.value), 2.0 * state.round)
            converged = self._lanes_all(state.trunc <= tolerance)
            # Stuck a little above the round-off bound: f is rounded worse than a few ulps, and
            # smaller steps would only make it worse.
            floor = both(state.since >= 2, self._lanes_all(state.trunc <= 32 * state.round))
            state.finish(both(state.active, either(converged, floor)))


class _State:
    """Per-lane progress of a ladder."""

    def __init__(self, active: Any, lane_shape: tuple[int, ...]) -> None:
        self.active = active
        self.value: Any = None
        self.error: Any = math.inf
        self.trunc: Any = math.inf
        self.round: Any = math.inf
        self.step: Any = math.nan
        self.first: Any = math.nan
        self.noise: Any = 0.0
        self.since: Any = 0 if not lane_shape else np.zeros(lane_shape, int)
        self.status: Any = 0 if not lane_shape else np.zeros(lane_shape, int)

    def fail(self, lanes: Any, status: int) -> None:
        self.status = select(lanes, status, self.status)
        self.active = but_not(self.active, lanes)

    def finish(self, lanes: Any) -> None:
        self.status = select(lanes, 0, self.status)
        self.active = but_not(self.active, lanes)


def formula_from_stencil(
    offsets: Sequence[float], weights: Sequence[float], order: int, exponents: Sequence[int]
) -> Formula:
    """A one-dimensional :class:`Formula` from stencil offsets and weights."""
    return Formula(tuple((o,) for o in offsets), tuple(weights), order, tuple(exponents))
