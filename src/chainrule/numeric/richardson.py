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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.numeric.result import RichardsonTable
from chainrule.numeric.sampling import Sampler
from chainrule.numeric.steps import EPS

__all__ = ["Formula", "Ladder", "LadderOutcome", "single_quotient"]

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
    table: RichardsonTable | None


# Helpers that work on Python floats (the scalar fast path) and on arrays alike.
def _where(cond: Any, a: Any, b: Any) -> Any:
    if isinstance(cond, bool | np.bool_):
        return a if cond else b
    return np.where(cond, a, b)


def _maximum(a: Any, b: Any) -> Any:
    if isinstance(a, float) and isinstance(b, float):
        return a if a >= b else b
    return np.maximum(a, b)


def _andnot(a: Any, b: Any) -> Any:
    """``a and not b``, elementwise."""
    if isinstance(a, bool | np.bool_) and isinstance(b, bool | np.bool_):
        return bool(a) and not b
    return np.logical_and(a, np.logical_not(b))


def _finite(a: Any) -> Any:
    if isinstance(a, float):
        return math.isfinite(a)
    return np.isfinite(a)


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
    ) -> None:
        self.sampler = sampler
        self.formula = formula
        self.rtol = rtol
        self.t0 = t0
        self.max_columns = max_columns
        self.rows_per_rung = rows_per_rung
        self.max_jumps = max_jumps
        self.min_rows = min_rows
        self.history: list[tuple[float, Any, list[Any], list[Any]]] = []

    # -- lane bookkeeping ------------------------------------------------------------------------
    def _lanes_all(self, cond: Any) -> Any:
        extra = np.ndim(cond) - len(self.sampler.lane_shape)
        if extra <= 0:
            return cond
        return np.all(cond, axis=tuple(range(-extra, 0)))

    def _expand(self, lane_array: Any, like: Any) -> Any:
        extra = np.ndim(like) - np.ndim(lane_array)
        if extra <= 0:
            return lane_array
        return np.reshape(lane_array, np.shape(lane_array) + (1,) * extra)

    def _any(self, mask: Any) -> bool:
        return bool(mask) if isinstance(mask, bool | np.bool_) else bool(np.any(mask))

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
        return total / scale, ROUNDING_ULPS * EPS * magnitude / scale, step_b

    def _first_level(self, t: float, active: Any) -> tuple[Any, Any, Any, Any]:
        """Level 0, shrinking the base step of lanes where f is not finite; returns also the lanes
        that never became finite."""
        d, r, step = self.quotient(t, active)
        bad = _andnot(active, self._lanes_all(_finite(d)))
        for _ in range(8):
            if not self._any(bad):
                break
            self.sampler.base = _where(bad, self.sampler.base / 16.0, self.sampler.base)
            self.sampler.forget(None if isinstance(bad, bool) else bad)
            d2, r2, step2 = self.quotient(t, bad)
            expanded = self._expand(bad, d2)
            d, r, step = (_where(expanded, new, old) for new, old in ((d2, d), (r2, r), (step2, step)))
            bad = _andnot(bad, self._lanes_all(_finite(d)))
        return d, r, step, bad

    # -- one row of the table ------------------------------------------------------------------
    def _extend(self, rows: list[tuple[list[Any], list[Any], list[Any]]], d: Any, r: Any) -> None:
        k = len(rows)
        estimates, roundoffs = [d], [r]
        errors = [abs(d - rows[-1][0][0]) if k else math.inf]
        exponents = self.formula.exponents
        for j in range(1, min(k, self.max_columns) + 1):
            previous_t, previous_r = rows[-1][0], rows[-1][2]
            c = 2.0 ** exponents[j - 1] - 1.0
            estimate = estimates[j - 1] + (estimates[j - 1] - previous_t[j - 1]) / c
            roundoffs.append(roundoffs[j - 1] * (1.0 + 1.0 / c) + previous_r[j - 1] / c)
            error = abs(estimate - estimates[j - 1])
            if j < len(previous_t):
                error = _maximum(error, abs(estimate - previous_t[j]))
            estimates.append(estimate)
            errors.append(error)
        rows.append((estimates, errors, roundoffs))

    def run(self, lanes: Any = None) -> LadderOutcome:
        """Run the ladder for the given lanes (boolean mask; all when None) until each stops."""
        lane_shape = self.sampler.lane_shape
        active: Any = True if not lane_shape else np.ones(lane_shape, bool)
        if lanes is not None and lane_shape:
            active = np.logical_and(active, lanes)
        state = _State(active, lane_shape)
        t, jumps, rows = self.t0, 0, []
        while self._any(state.active):
            if rows:
                d, r, step = self.quotient(t, state.active)
            elif jumps == 0:
                d, r, step, never = self._first_level(t, state.active)
                state.fail(never, -2)
            else:
                d, r, step = self.quotient(t, state.active)
            state.fail(_andnot(state.active, self._lanes_all(_finite(d))), -1)
            self._extend(rows, d, r)
            self.history.append((t, step, rows[-1][0], rows[-1][1]))
            self._update(state, rows, step)
            if not self._any(state.active):
                break
            waiting = _andnot(state.active, state.since >= 2)
            if len(rows) < self.rows_per_rung and self._any(waiting):
                t = t / 2.0
            elif jumps < self.max_jumps:
                jumps, rows, t = jumps + 1, [], t / 256.0
                state.since = state.since * 0
            else:
                state.fail(state.active, -1)
        return LadderOutcome(state.value, state.error, state.step, state.status, self._table())

    def _table(self) -> RichardsonTable | None:
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
        improved: Any = False
        for estimate, error, roundoff in zip(estimates, errors, roundoffs, strict=True):
            total = error + roundoff
            better = active & (total < state.error)
            improved = improved | better
            state.value = _where(better, estimate, state.value)
            state.error = _where(better, total, state.error)
            state.trunc = _where(better, error, state.trunc)
            state.round = _where(better, roundoff, state.round)
            state.step = _where(better, step, state.step)
        if state.value is None:  # first row: keep the raw quotient as a last resort
            state.value, state.step = estimates[0], step
        lane_improved = improved
        if not isinstance(improved, bool | np.bool_):
            lane_improved = np.logical_not(self._lanes_all(np.logical_not(improved)))
        state.since = _where(lane_improved, 0, state.since + 1)
        if len(rows) >= self.min_rows:
            tolerance = _maximum(self.rtol * abs(state.value), 2.0 * state.round)
            converged = np.logical_and(state.active, self._lanes_all(state.trunc <= tolerance))
            state.finish(converged)


class _State:
    """Per-lane progress of a ladder."""

    def __init__(self, active: Any, lane_shape: tuple[int, ...]) -> None:
        self.active = active
        self.value: Any = None
        self.error: Any = math.inf
        self.trunc: Any = math.inf
        self.round: Any = math.inf
        self.step: Any = math.nan
        self.since: Any = 0 if not lane_shape else np.zeros(lane_shape, int)
        self.status: Any = 0 if not lane_shape else np.zeros(lane_shape, int)

    def fail(self, lanes: Any, status: int) -> None:
        self.status = _where(lanes, status, self.status)
        self.active = _andnot(self.active, lanes)

    def finish(self, lanes: Any) -> None:
        self.status = _where(lanes, 0, self.status)
        self.active = _andnot(self.active, lanes)


def single_quotient(ladder: Ladder, accuracy: int) -> tuple[Any, Any, Any, Any]:
    """A plain difference quotient at the base step, with an error estimate from the quotient at twice
    the step: ``2·|D(h) − D(2h)| / (2ᵖ − 1)`` plus the round-off bound. Returns value, error, step and
    the lanes where f was never finite."""
    lane_shape = ladder.sampler.lane_shape
    active: Any = True if not lane_shape else np.ones(lane_shape, bool)
    d2, r2, _, never = ladder._first_level(2.0, active)
    d1, r1, step = ladder.quotient(1.0, active)
    error = 2.0 * abs(d1 - d2) / (2.0**accuracy - 1.0) + r1
    return d1, error, step, never


def formula_from_stencil(
    offsets: Sequence[float], weights: Sequence[float], order: int, exponents: Sequence[int]
) -> Formula:
    """A one-dimensional :class:`Formula` from stencil offsets and weights."""
    return Formula(tuple((o,) for o in offsets), tuple(weights), order, tuple(exponents))
