"""What a numerical derivative returns: the value, an honest error bound, and how it was obtained."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

__all__ = ["STATUS_MESSAGES", "NumericResult", "RichardsonTable"]

#: Status codes of :class:`NumericResult`. Zero means converged: the true value lies within ``error`` of
#: ``value``. Negative means the value is the best estimate found but its bound could not be verified or
#: is too large to call converged (−1), no estimate could be made (−2), or there is no derivative (−3).
STATUS_MESSAGES = {
    0: "converged",
    -1: "did not converge: the error bound is an estimate, not a verified bound, or too large",
    -2: "f is not finite at any usable stencil near x (or no stencil fits inside the bounds)",
    -3: "not differentiable at x: the one-sided derivatives differ or are infinite",
}


def _format_number(value: Any) -> str:
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{array.item():.16g}" if array.dtype.kind in "fc" else str(array.item())
    return np.array2string(array, precision=6, separator=", ", threshold=20)


@dataclass(frozen=True, repr=False)
class RichardsonTable:
    """The Richardson extrapolation table behind a result.

    Row ``k`` holds the difference quotient at ``steps[k]`` and, in column ``j``, its ``j``-fold
    extrapolation, whose truncation error is of order ``steps[k] ** exponents[j]``.

    Attributes
    ----------
    steps : numpy.ndarray
        The step of each row (for an array ``x``, of the first element).
    estimates : numpy.ndarray
        Shape ``(rows, columns) + value.shape``; NaN where a column does not exist yet.
    errors : numpy.ndarray
        The error estimate of each entry, same shape.
    exponents : tuple of int
        The error power removed by each column.
    """

    steps: np.ndarray
    estimates: np.ndarray
    errors: np.ndarray
    exponents: tuple[int, ...]

    def __str__(self) -> str:
        rows = []
        width = self.estimates.shape[1]
        header = "step".rjust(12) + "".join(f"T[k,{j}]".rjust(26) for j in range(width))
        rows.append(header)
        for k, step in enumerate(self.steps):
            cells = []
            for j in range(width):
                value = np.asarray(self.estimates[k, j])
                cell = "" if np.all(np.isnan(value)) else _cell(value)
                cells.append(cell.rjust(26))
            rows.append(f"{step:12.4e}" + "".join(cells))
        return "\n".join(rows)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        width = self.estimates.shape[1]
        head = "".join(f"<th>T[k,{j}]</th>" for j in range(width))
        body = []
        for k, step in enumerate(self.steps):
            cells = "".join(
                f"<td>{html.escape(_cell(np.asarray(self.estimates[k, j])))}</td>" for j in range(width)
            )
            body.append(f"<tr><td>{step:.4e}</td>{cells}</tr>")
        return f"<table><tr><th>step</th>{head}</tr>{''.join(body)}</table>"


def _cell(value: np.ndarray) -> str:
    if value.ndim == 0:
        return "" if np.isnan(value) else f"{value.item():.17g}"
    return f"{value.ravel()[0]:.17g} …"


@dataclass(frozen=True, repr=False)
class NumericResult:
    """A numerical derivative with its error bound.

    Attributes
    ----------
    value : float or numpy.ndarray
        The estimate.
    error : float or numpy.ndarray
        An estimate of ``|value - true value|``, meant as a bound: truncation error estimated from
        steps of different size (times a safety factor) plus a bound on the rounding error.
    n_evals : int
        How many times ``f`` was called (each call may evaluate a whole array for a vectorised ``f``).
    method : str
        The method that produced ``value``: ``"complex"``, ``"richardson"``, ``"central"``, ...
    step : float or numpy.ndarray
        The step of the returned estimate (the imaginary step or contour radius for complex step).
    status : int
        0 when converged — then the true value lies within ``error`` of ``value``; negative otherwise
        (see :data:`STATUS_MESSAGES`). For an array, the lowest status of its points.
    message : str
        What happened, in words; says why another method was used when it was.
    order : int
        The derivative order.
    richardson_table : RichardsonTable or None
        The extrapolation table, when Richardson extrapolation produced the value (built on first
        access).

    Examples
    --------
    >>> r = NumericResult(value=2.0, error=1e-15, n_evals=3, method="central", step=1e-5)
    >>> r.success
    True
    >>> r
    NumericResult(value=2, error=1e-15, n_evals=3, method='central', status=0)
    """

    value: Any
    error: Any
    n_evals: int
    method: str
    step: Any
    status: int = 0
    message: str = "converged"
    order: int = 1
    table_source: Callable[[], RichardsonTable | None] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def richardson_table(self) -> RichardsonTable | None:
        """The Richardson table behind ``value``, or None when no ladder produced it."""
        return None if self.table_source is None else self.table_source()

    @property
    def success(self) -> bool:
        """Whether the estimate converged (``status == 0``)."""
        return self.status == 0

    def __repr__(self) -> str:
        error = np.asarray(self.error)
        error_text = f"{error.item():.2g}" if error.ndim == 0 else _format_number(error)
        text = (
            f"NumericResult(value={_format_number(self.value)}, error={error_text}, "
            f"n_evals={self.n_evals}, method={self.method!r}, status={self.status}"
        )
        if self.status != 0:
            text += f", message={self.message!r}"
        return text + ")"

    def _repr_html_(self) -> str:
        rows = [
            ("value", _format_number(self.value)),
            ("error", _format_number(self.error)),
            ("evaluations", str(self.n_evals)),
            ("method", self.method),
            ("step", _format_number(self.step)),
            ("status", f"{self.status} ({self.message})"),
        ]
        body = "".join(
            f"<tr><th style='text-align:left'>{name}</th><td>{html.escape(text)}</td></tr>"
            for name, text in rows
        )
        table = f"<table><caption>NumericResult</caption>{body}</table>"
        if self.richardson_table is not None:
            table += self.richardson_table._repr_html_()
        return table
