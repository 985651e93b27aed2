"""The pieces of a Richardson table: a difference formula, one row of extrapolations, and what a ladder
returns (see :mod:`chainrule.numeric.richardson`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chainrule.numeric.lanes import larger
from chainrule.numeric.result import RichardsonTable

__all__ = ["Formula", "LadderOutcome", "Row", "extend_row", "formula_from_stencil"]


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
    """Best estimate per element, with its error bound, step and per-lane status.

    ``floor`` is the part of the error that is round-off at f's precision (zero where f is noisy: noise is
    not a floor to converge to); ``first`` is the quotient at the first level and ``first_step`` its
    step; ``size`` is ``|f|/scaleⁿ`` near x, per element; ``rung`` is, per lane, the step of the value in
    units of the base (where the check of the one-sided quotients starts).
    """

    value: Any
    error: Any
    step: Any
    status: Any
    table: Callable[[], RichardsonTable | None] | None
    noise: Any = 0.0
    floor: Any = 0.0
    first: Any = math.nan
    first_step: Any = math.nan
    rung: Any = 1.0
    #: Per element, |f| near x over scaleⁿ: the size a round-off floor is judged against (inf: unknown).
    size: Any = math.inf


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
        # Also the distance to its neighbour in the previous row; the first entry of a column has none
        # and takes the diagonal one instead: its own difference assumes the steps are already small
        # enough for the error to fall like a power of the step, which nothing has checked yet.
        neighbour = previous[j] if j < len(previous) else previous[j - 1]
        error = larger(error, abs(estimate - neighbour))
        estimates.append(estimate)
        errors.append(error)
    return estimates, errors, roundoffs


def formula_from_stencil(
    offsets: Sequence[float], weights: Sequence[float], order: int, exponents: Sequence[int]
) -> Formula:
    """A one-dimensional :class:`Formula` from stencil offsets and weights."""
    return Formula(tuple((o,) for o in offsets), tuple(weights), order, tuple(exponents))
