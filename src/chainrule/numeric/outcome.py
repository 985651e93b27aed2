"""From per-lane outcomes to a :class:`~chainrule.numeric.result.NumericResult`: the status rules.

``status == 0`` is a promise: the true derivative lies within ``error`` of ``value``. A lane keeps status 0
only if the method that produced it passed all of its checks, its error bound is finite, and the bound is
small enough to call converged — at most :data:`STATUS_RTOL` of the value, or within a few times the
round-off floor of f's precision (for a derivative that is 0, where no relative bound can hold) while that
floor is below :data:`STATUS_RTOL` of ``|f|/scaleⁿ``. Noise is
not a floor: a noisy ``f`` converges only relatively. A bound larger than that is still an honest estimate,
reported with status −1.
"""

from __future__ import annotations

import math
from dataclasses import fields
from typing import Any

import numpy as np

from chainrule.numeric.kinks import CORNER, INFINITE, JUMP, LOWER, Differentiability
from chainrule.numeric.lanes import expand_lanes, lanes_all, select
from chainrule.numeric.result import STATUS_MESSAGES, NumericResult
from chainrule.numeric.richardson import LadderOutcome
from chainrule.numeric.sampling import Sampler

__all__ = ["STATUS_RTOL", "apply_kinks", "empty_outcome", "merge", "settled", "to_result"]

#: Status 0 needs the error bound within this fraction of |value| (or at f's round-off floor).
STATUS_RTOL = 1e-2
#: ... or within this many times the round-off floor.
FLOOR_FACTOR = 8.0

_LANE_FIELDS = {"step", "status", "rung", "first_step"}


def merge(old: LadderOutcome, new: LadderOutcome, lanes: Any) -> LadderOutcome:
    """``new`` where ``lanes``, ``old`` elsewhere (per-lane fields by lane, the rest by element)."""
    mask = expand_lanes(lanes, old.value)
    merged: dict[str, Any] = {}
    for item in fields(LadderOutcome):
        name = item.name
        if name == "table":
            merged[name] = old.table if old.table is not None else new.table
            continue
        which = lanes if name in _LANE_FIELDS else mask
        merged[name] = select(which, getattr(new, name), getattr(old, name))
    return LadderOutcome(**merged)


def empty_outcome(sampler: Sampler) -> LadderOutcome:
    """No estimate anywhere: status −2."""
    if not sampler.lane_shape:
        if sampler.tail_shape:
            nan = np.full(sampler.tail_shape, np.nan)
            return LadderOutcome(nan, nan + np.inf, math.nan, -2, None, floor=nan)
        return LadderOutcome(math.nan, math.inf, math.nan, -2, None, floor=math.nan)
    lane_shape = sampler.lane_shape
    nan = np.full(sampler.value_shape(), np.nan)
    return LadderOutcome(
        nan, nan + np.inf, np.full(lane_shape, np.nan), np.full(lane_shape, -2), None, floor=nan
    )


def apply_kinks(
    outcome: LadderOutcome, report: Differentiability, lanes: Any, scalar: bool
) -> tuple[LadderOutcome, str]:
    """Status −3 where ``f`` has no derivative; the error then spans the one-sided derivatives (a corner)
    or is infinite (a jump or an infinite slope). Returns the outcome and the words for the message."""
    kind = report.kind if not scalar else int(report.kind)
    bad = np.logical_and(lanes, np.asarray(kind) > 0)
    if not bad.any():
        return outcome, ""
    value = np.asarray(outcome.value)
    width = np.maximum(np.abs(report.right - value), np.abs(report.left - value))
    corner = expand_lanes(np.asarray(kind) == CORNER, value)
    error = np.where(corner, width, np.inf)
    mask = expand_lanes(bad, value)
    outcome.error = _like(outcome.error, np.where(mask, error, outcome.error))
    outcome.status = _like(outcome.status, np.where(bad, -3, outcome.status))
    return outcome, _kink_words(report, bad, scalar)


def _like(old: Any, new: np.ndarray) -> Any:
    return float(new) if type(old) is float else (int(new) if type(old) is int else new)


def _kink_words(report: Differentiability, bad: np.ndarray, scalar: bool) -> str:
    kinds = set(np.ravel(np.asarray(report.kind)[bad]).tolist())
    where = "" if scalar else f" at {int(np.sum(bad))} points"
    if scalar and kinds == {CORNER} and np.size(report.left) == 1:
        left, right = float(np.ravel(report.left)[0]), float(np.ravel(report.right)[0])
        return (
            f"not differentiable here: one-sided derivatives {left:.6g} and {right:.6g} (a corner); "
            "value is their symmetric average, error spans both"
        )
    words = []
    if CORNER in kinds:
        words.append("the one-sided derivatives differ (a corner)")
    if JUMP in kinds:
        words.append(
            "the one-sided difference quotients grow without bound (f jumps or its slope is infinite)"
        )
    if INFINITE in kinds:
        words.append("both one-sided difference quotients grow without bound (the derivative is infinite)")
    if LOWER in kinds:
        words.append("a derivative of lower order has a corner or a jump here, so this one does not exist")
    return f"not differentiable{where}: " + "; ".join(words)


def _status_words(status: np.ndarray) -> list[str]:
    words = []
    for code in sorted(set(status.ravel().tolist())):
        if code in (0, -3):  # -3 is explained by the kink check's own words
            continue
        count = int(np.sum(status == code))
        where = "" if status.ndim == 0 else f" at {count} of {status.size} points"
        words.append(f"{STATUS_MESSAGES[code]}{where}")
    return words


def _loose(outcome: LadderOutcome, lane_shape: tuple[int, ...]) -> Any:
    """Lanes with status 0 whose bound is infinite, NaN or too large to call converged."""
    value, error = np.asarray(outcome.value), np.asarray(outcome.error)
    floor = np.nan_to_num(np.asarray(outcome.floor))
    with np.errstate(all="ignore"):
        tight = np.isfinite(error) & np.isfinite(value)
        # At the floor: a derivative that is 0 to within round-off — a round-off that is itself small
        # beside |f|/scaleⁿ (an eighth difference quotient of pure round-off is not a zero derivative).
        at_floor = (error <= FLOOR_FACTOR * floor) & (floor <= STATUS_RTOL * np.asarray(outcome.size))
        tight &= (error <= STATUS_RTOL * np.abs(value)) | at_floor
    return np.logical_and(np.asarray(outcome.status) == 0, np.logical_not(lanes_all(tight, lane_shape)))


def settled(outcome: LadderOutcome, lane_shape: tuple[int, ...]) -> Any:
    """Lanes that will keep status 0: converged, with a bound tight enough to call it that."""
    status = np.asarray(outcome.status) == 0
    keep = np.logical_and(status, np.logical_not(_loose(outcome, lane_shape)))
    return bool(keep) if not lane_shape else keep


def to_result(
    sampler: Sampler,
    order: int,
    outcome: LadderOutcome,
    label: str,
    notes: list[str],
) -> NumericResult:
    """The result: the status rules applied, the messages joined."""
    loose = _loose(outcome, sampler.lane_shape)
    status = np.where(loose, -1, np.asarray(outcome.status))
    messages = _status_words(status)
    if np.any(loose):
        largest = float(
            np.nanmax(np.where(expand_lanes(loose, np.asarray(outcome.error)), outcome.error, 0.0))
        )
        messages.append(
            f"the error bound ({largest:.2g}) is above {STATUS_RTOL:.0%} of the value: an honest bound, "
            "not a converged estimate"
        )
    noise = np.asarray(outcome.noise)
    if np.any(noise > 0):
        messages.append(
            f"f is noisy or quantised (noise level about {float(np.max(noise)):.1g}, from fourth differences "
            "of closely spaced evaluations); the error bound includes its effect"
        )
    if sampler.raised is not None:
        messages.append(
            f"f raised {type(sampler.raised).__name__} ({sampler.raised}) at some points, which count as "
            "not finite there"
        )
    messages += [note for note in notes if note]
    value, error, step = outcome.value, outcome.error, outcome.step
    if not sampler.lane_shape and type(value) is not np.ndarray:
        value, error, step = float(value), float(error), float(step)
    return NumericResult(
        value=value,
        error=error,
        n_evals=sampler.n_evals,
        method=label,
        step=step,
        status=int(status.min()) if status.size else 0,
        message="; ".join(messages) if messages else "converged",
        order=order,
        table_source=outcome.table,
    )
