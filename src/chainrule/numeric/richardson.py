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
from typing import Any

import numpy as np

from chainrule.numeric.lanes import (
    BOOLS,
    both,
    but_not,
    either,
    expand_lanes,
    finite,
    lanes_all,
    larger,
    negate,
    per_lane,
    select,
)
from chainrule.numeric.noise import measure_noise
from chainrule.numeric.result import RichardsonTable
from chainrule.numeric.sampling import EPS64, Sampler
from chainrule.numeric.table import Formula, LadderOutcome, Row, extend_row, formula_from_stencil

__all__ = ["ROUNDING_ULPS", "Formula", "Ladder", "LadderOutcome", "Row", "extend_row", "formula_from_stencil"]

#: Round-off of one evaluation of f, in units of ε·|f|: a few ulps, as for libm functions.
ROUNDING_ULPS = 2.0
#: Measured noise of standard deviation σ counts as ±NOISE_SIGMAS·σ per evaluation.
NOISE_SIGMAS = 4.0
#: Noise above this fraction of |f| in an unconverged ladder is f varying on the scale of the steps.
WILD = 1e-3


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
        x_size: Any = None,
        scale: Any = None,
        room: tuple[Any, Any] | None = None,
    ) -> None:
        self.sampler = sampler
        #: Per lane, |x| along the lane: where f rounds its input (float32 code), a point moves by about
        #: eps·|x|, which changes f by the slope times that.
        self.x_size = x_size
        #: Per lane, the scale of x: with |f| near x it gives an absolute tolerance, ``rtol·|f|/scaleⁿ``,
        #: for a derivative that is 0 (no relative tolerance can be met there).
        self.scale = scale
        self.f_size: Any = None
        #: Per lane, how far below and above x points may go (the bounds), or None.
        self.room = room
        self.formula = formula
        self.rtol = rtol
        self.t0 = t0
        self.max_columns = max_columns
        self.rows_per_rung = rows_per_rung
        self.max_jumps = max_jumps
        self.min_rows = min_rows
        self.verify = verify
        #: Per element, the noise level of f (set once f is found noisy).
        self.noise_sigma: Any = None
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
        eps = self.sampler.eps
        # |f| near x, from the first level where it is finite (a first step may reach a singularity).
        size = magnitude / sum(abs(w) for w in formula.weights)
        self.f_size = size if self.f_size is None else select(finite(self.f_size), self.f_size, size)
        # A few ulps per value, and one more per point beyond two: summing many weighted values that
        # cancel (an eighth difference) rounds at every addition, and the weights are rounded too.
        ulps = ROUNDING_ULPS + max(len(formula.weights) - 2, 0)
        roundoff = ulps * eps * magnitude / scale
        if eps > EPS64 and self.x_size is not None:
            roundoff = roundoff + self._input_rounding(values, offsets, step_b) / scale
        if self.noise_sigma is not None:
            roundoff = roundoff + self._noise_bound(step_b)
        return total / scale, roundoff, step_b

    def _input_rounding(self, values: list[Any], offsets: list[tuple[float, ...]], step: Any) -> Any:
        """``eps·|x|·slope·Σ|w|``: what rounding the points to f's precision can do to the sum."""
        slope: Any = 0.0
        for k in range(len(values) - 1):
            apart = max(abs(a - b) for a, b in zip(offsets[k], offsets[k + 1], strict=True))
            if apart:
                slope = larger(slope, abs(values[k + 1] - values[k]) / (apart * step))
        reach = max(max(abs(o) for o in offset) for offset in offsets)
        size = self._expand(self.x_size, values[0]) + reach * step
        weights = sum(abs(w) for w in self.formula.weights)
        return self.sampler.eps * size * slope * weights

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
        # The loose cross-check of a complex value (verify=False) neither probes f's noise nor verifies.
        state = self._climb(_State(active, lane_shape), self.t0, settle=self.verify)
        if not self.verify:
            return self._outcome(state)
        start = self.t0
        for attempt in range(2):
            # Lanes settled as noisy are not verified: a smaller step would only show more noise.
            quiet = self._lanes_all(state.noise == 0.0)
            estimated = both(state.status == 0, self._lanes_all(finite(state.value)))
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
            fresh = _State(failed, lane_shape)
            fresh.nonzero = state.nonzero
            retry = self._climb(fresh, t_check)
            # A retry that found nothing (f flat or not finite down there) keeps the estimate it was to
            # replace, unconverged, its error at least the disagreement.
            lost = both(failed, either(retry.status == -2, self._lanes_all(retry.error == math.inf)))
            taken = but_not(failed, lost)
            mask = self._expand(taken, state.value)
            for name in ("value", "error", "step", "first", "first_step", "round"):
                setattr(state, name, select(mask, getattr(retry, name), getattr(state, name)))
            state.status = select(taken, retry.status, state.status)
            widened = larger(state.error, gap)
            state.error = select(self._expand(lost, state.value), widened, state.error)
            state.status = select(lost, -1, state.status)
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
            spread = self._spread(state, [(step, estimates) for _, step, estimates, _ in self.history[1:]])
            state.error = select(unsettled, larger(state.error, spread), state.error)
        quiet = self._expand(self._lanes_all(state.noise == 0.0), state.value)
        floor = select(quiet, state.round, 0.0 * state.error)
        return LadderOutcome(
            state.value,
            state.error,
            step,
            state.status,
            self.table,
            state.noise,
            floor=floor,
            first=state.first,
            first_step=state.first_step,
            rung=per_lane(state.step, self.sampler.lane_shape) / self.sampler.base,
            size=self.size(),
        )

    def size(self) -> Any:
        """``|f|/scaleⁿ`` near x per element (inf where the scale or |f| is not known)."""
        if self.scale is None or self.f_size is None:
            return math.inf
        return self.f_size / self._expand(self.scale, self.f_size) ** self.formula.order

    def _spread(self, state: _State, rows: list[tuple[Any, list[Any]]]) -> Any:
        """How far the estimates of rows at steps within a factor 4 of the best one stray from it."""
        spread: Any = 0.0
        best_step = self._expand(state.step, state.value)
        for step, estimates in rows:
            near = np.logical_and(step <= 4.0 * best_step, step >= best_step / 4.0)
            for estimate in estimates:
                gap = select(both(near, finite(estimate)), abs(estimate - state.value), 0.0)
                spread = larger(spread, gap)
        return spread

    def _climb(self, state: _State, t: float, *, settle: bool = True) -> _State:
        """Rungs of halving steps from ``t``, jumping 256-fold down when a rung ends unconverged. At the
        end of the first rung (``settle``), f's noise is measured and the bounds redone with it."""
        jumps, first = 0, True
        rows: list[Row] = []
        steps: list[Any] = []
        lanes = state.active
        probe = settle
        while self._any(state.active):
            if first:
                d, r, step, never = self.first_level(t, state.active)
                state.fail(never, -2)
                state.first, state.first_step, first = d, step, False
            else:
                d, r, step = self.quotient(t, state.active)
            self._resolved(state, d)
            self._extend(rows, d, r)
            steps.append(step)
            self.history.append((t, step, rows[-1][0], rows[-1][1]))
            self._update(state, rows, step)
            waiting = but_not(state.active, state.since >= 2)
            rung_over = not (len(rows) < self.rows_per_rung and self._any(waiting))
            if probe and (rung_over or not self._any(state.active)):
                probe = False
                self._settle_noisy(state, rows, steps, but_not(lanes, state.status == -2))
            if not self._any(state.active):
                break
            if not rung_over:
                t = t / 2.0
                continue
            if jumps < self.max_jumps:
                jumps, t = jumps + 1, t / 256.0
                self._jump(state, rows, steps)
                rows, steps = [], []
            else:
                state.fail(state.active, -1)
        return state

    def _resolved(self, state: _State, d: Any) -> None:
        """Stop lanes whose quotient is not finite, or exactly 0 where a larger step gave more: there f's
        resolution is reached (float32 code, a table, rounding) and smaller steps can only do worse."""
        flat = self._lanes_all(either(d != 0.0, negate(state.nonzero)))
        state.fail(but_not(state.active, flat), -1)
        state.nonzero = either(state.nonzero, d != 0.0)
        state.fail(but_not(state.active, self._lanes_all(finite(d))), -1)

    def _jump(self, state: _State, rows: list[Row], steps: list[Any]) -> None:
        """A rung ended unconverged, so its best entry's own error estimate is not to be trusted: widen it
        to how far the rung's estimates near its step stray from it, and let the next rung compete."""
        state.since = state.since * 0
        spread = self._spread(state, [(step, row[0]) for step, row in zip(steps, rows, strict=True)])
        widen = self._expand(state.active, state.error)
        state.error = select(widen, larger(state.error, spread), state.error)
        state.trunc = select(widen, larger(state.trunc, spread), state.trunc)

    def _settle_noisy(self, state: _State, rows: list[Row], steps: list[Any], lanes: Any) -> None:
        """f's noise near x (fourth differences of closely spaced evaluations), once per ladder: where f
        is noisy, redo the round-off bounds of the first rung with the noise, settle on the entry that
        is best *with* it, and try once more from larger steps (noise wants them); smaller steps would
        only amplify the noise. Where f is flat at every spacing probed, stop unconverged."""
        if not self._any(lanes):
            return
        first = [o[0] for o in self.formula.offsets]
        side = int(min(first) >= 0.0) - int(max(first) <= 0.0)
        prefer = self._lanes_all_max(abs(state.value))
        reach = self._allowed(side, lanes)
        reading = measure_noise(self.sampler, len(self.formula.offsets[0]), side, lanes, prefer, lanes, reach)
        flat = both(reading.flat, self._lanes_all(state.value != 0.0))
        state.fail(both(flat, lanes), -1)
        # "Noise" of the size of f itself, in a lane that has not converged, is f varying on the scale of
        # the steps (sin at 10⁶ with steps of 10⁴): smaller steps, not noise bounds, are the answer.
        relative = reading.ratio * ROUNDING_ULPS * self.sampler.eps / 3.0
        wild = both(state.active, negate(self._lanes_all(relative <= WILD)))
        noisy = but_not(but_not(reading.noisy, flat), wild)
        if not self._any(noisy):
            return
        self.noise_sigma = select(self._expand(noisy, reading.sigma), reading.sigma, 0.0)
        self._reselect(state, rows, steps, noisy)
        state.noise = select(self._expand(noisy, reading.sigma), reading.sigma, state.noise)
        widest = max(max(abs(o) for o in offset) for offset in self.formula.offsets) * 64.0 * self.t0
        roomy = both(noisy, widest <= np.asarray(self._allowed(side, None)))
        if not self._any(roomy):
            return
        wide = self._climb(_State(roomy, self.sampler.lane_shape), 64.0 * self.t0, settle=False)
        wins = both(self._expand(roomy, wide.error), wide.error < state.error)
        for name in ("value", "error", "step"):
            setattr(state, name, select(wins, getattr(wide, name), getattr(state, name)))
        state.status = select(self._lanes_all(wins), wide.status, state.status)

    def _reselect(self, state: _State, rows: list[Row], steps: list[Any], noisy: Any) -> None:
        """The best entry of the rung again, for the noisy lanes, with the noise in the round-off bounds;
        settled only if what is left is the noise (a kink or a singularity stays unconverged)."""
        error: Any = math.inf
        trunc: Any = math.inf
        bound: Any = math.inf
        for row, step in zip(self._with_noise(rows, steps), steps, strict=True):
            for estimate, row_trunc, roundoff in zip(*row, strict=True):
                total = row_trunc + roundoff
                better = both(self._expand(noisy, total), total < error)
                error, trunc = select(better, total, error), select(better, row_trunc, trunc)
                bound = select(better, 2.0 * roundoff, bound)
                state.value = select(better, estimate, state.value)
                state.step = select(better, step, state.step)
        state.error = select(self._expand(noisy, error), error, state.error)
        state.active = either(state.active, noisy)
        state.fail(both(noisy, np.logical_not(self._lanes_all(trunc <= bound))), -1)
        state.finish(both(noisy, state.active))

    def _allowed(self, side: int, lanes: Any) -> Any:
        """How far (in base steps) points may go on the stencil's side(s) within the bounds: per lane,
        or for ``lanes`` given, the least over them (inf without bounds)."""
        if self.room is None:
            return math.inf
        below, above = (
            np.asarray(r, dtype=float) / np.asarray(self.sampler.base, dtype=float) for r in self.room
        )
        room = above if side > 0 else below if side < 0 else np.minimum(below, above)
        if lanes is None:
            return room
        chosen = np.asarray(room)[np.asarray(lanes, dtype=bool)] if np.ndim(room) else room
        return float(np.min(chosen)) if np.size(chosen) else math.inf

    def _lanes_all_max(self, values: Any) -> Any:
        lane_shape = self.sampler.lane_shape
        extra = np.ndim(values) - len(lane_shape)
        if extra <= 0:
            return values
        return np.max(values, axis=tuple(range(-extra, 0)))

    def _noise_bound(self, step: Any) -> Any:
        """What the measured noise can do to one quotient: ``NOISE_SIGMAS·σ·Σ|w| / hⁿ``."""
        weights = sum(abs(w) for w in self.formula.weights)
        return NOISE_SIGMAS * self.noise_sigma * weights / step**self.formula.order

    def _with_noise(self, rows: list[Row], steps: list[Any]) -> list[Row]:
        """The rows again, their round-off bounds now including the noise."""
        noisy: list[Row] = []
        for row, step in zip(rows, steps, strict=True):
            d, r = row[0][0], row[2][0] + self._noise_bound(step)
            redone = extend_row(noisy, d, r, self.formula.exponents, self.max_columns)
            noisy.append((row[0], row[1], redone[2]))
        return noisy

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
            if self.scale is not None and self.f_size is not None:
                tolerance = larger(tolerance, self.rtol * np.nan_to_num(self.size(), posinf=0.0))
            converged = self._lanes_all(state.trunc <= tolerance)
            # Stuck a little above the round-off bound: f is rounded worse than a few ulps, and
            # smaller steps would only make it worse — as the newest row shows when its round-off
            # alone exceeds the best entry's whole error.
            newest = roundoffs[0]
            for roundoff in roundoffs[1:]:
                newest = np.minimum(newest, roundoff)
            stuck = either(state.since >= 2, self._lanes_all(newest >= state.error))
            floor = both(stuck, self._lanes_all(state.trunc <= 32 * state.round))
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
        self.first_step: Any = math.nan
        self.noise: Any = 0.0
        self.since: Any = 0 if not lane_shape else np.zeros(lane_shape, int)
        #: Per element, whether some quotient so far was not exactly 0.
        self.nonzero: Any = False
        self.status: Any = 0 if not lane_shape else np.zeros(lane_shape, int)

    def fail(self, lanes: Any, status: int) -> None:
        self.status = select(lanes, status, self.status)
        self.active = but_not(self.active, lanes)

    def finish(self, lanes: Any) -> None:
        self.status = select(lanes, 0, self.status)
        self.active = but_not(self.active, lanes)
