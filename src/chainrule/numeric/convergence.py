"""For teaching: how the error of a difference quotient depends on the step.

Forward differences err by ``~h·f''/2`` (truncation) plus ``~ε|f|/h`` (round-off), central differences by
``~h²·f'''/6`` plus ``~ε|f|/h``: on a log-log plot each is a V, with its bottom where the two balance
(``h ≈ √ε`` and ``h ≈ ∛ε`` times the scale of ``x``). The complex step has no subtraction, hence no
round-off branch: its error falls with ``h²`` and then stays at the rounding of ``f'`` itself.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.numeric.derivative import derivative
from chainrule.numeric.sampling import as_point, check_callable
from chainrule.numeric.steps import scale_of

__all__ = ["Convergence", "convergence"]

SCHEMES = ("forward", "central", "complex")


@dataclass(frozen=True, repr=False)
class Convergence:
    """Estimates and errors of forward, central and complex-step quotients, step by step.

    Attributes
    ----------
    x : float
        The point.
    steps : numpy.ndarray
        The steps ``h``, largest first.
    estimates : dict of str to numpy.ndarray
        ``"forward"``, ``"central"``, ``"complex"`` → the quotient at each step (NaN where it could not
        be formed: a step below the spacing of floats at ``x``, or ``f`` not complex-safe).
    errors : dict of str to numpy.ndarray
        ``|estimate − reference|``.
    reference : NumericResult
        The best estimate, from :func:`~chainrule.numeric.derivative`, and its error bound.
    """

    x: float
    steps: np.ndarray
    estimates: dict[str, np.ndarray]
    errors: dict[str, np.ndarray]
    reference: Any

    def best_step(self, scheme: str) -> float:
        """The step with the smallest error for a scheme (NaN when no estimate exists)."""
        errors = self.errors[scheme]
        if np.all(np.isnan(errors)):
            return float("nan")
        return float(self.steps[int(np.nanargmin(errors))])

    def __str__(self) -> str:
        lines = [f"derivative at x = {self.x:g}: {self.reference.value:.16g} ± {self.reference.error:.1e}"]
        lines.append("step".rjust(10) + "".join(f"{name} error".rjust(18) for name in SCHEMES))
        for k, step in enumerate(self.steps):
            cells = "".join(f"{self.errors[name][k]:18.3e}" for name in SCHEMES)
            lines.append(f"{step:10.1e}{cells}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{name} error</th>" for name in SCHEMES)
        body = "".join(
            f"<tr><td>{step:.1e}</td>"
            + "".join(f"<td>{self.errors[name][k]:.3e}</td>" for name in SCHEMES)
            + "</tr>"
            for k, step in enumerate(self.steps)
        )
        caption = html.escape(f"f' at x = {self.x:g}: {self.reference.value:.16g}")
        return f"<table><caption>{caption}</caption><tr><th>step</th>{head}</tr>{body}</table>"


def convergence(f: Callable[..., Any], x: Any, steps: Any = None) -> Convergence:
    """Forward, central and complex-step estimates of ``f'(x)`` and their errors for each step.

    Parameters
    ----------
    f : callable
        A scalar function of a scalar.
    x : float
        The point.
    steps : array_like, optional
        Steps to try; default ``max(|x|, 1) · 10⁻ᵏ`` for ``k = 1 … 16``.

    Returns
    -------
    Convergence
        Printable as a table; ``errors[scheme]`` against ``steps`` is the V-shaped curve.

    Examples
    --------
    >>> import numpy as np
    >>> c = convergence(np.exp, 1.0)
    >>> e = c.errors["forward"]  # the V: truncation at 0.1, balance near √ε, round-off at 1e-15
    >>> bool(e[0] > 1e-3 and e[7] < 1e-7 and e[14] > 1e-3)
    True
    >>> bool(np.nanmax(c.errors["complex"][7:]) < 1e-15)  # no round-off branch
    True
    """
    check_callable(f, "convergence")
    point = as_point(x, "convergence")
    if not isinstance(point, float):
        raise ChainruleTypeError("convergence: x must be a scalar")
    if steps is None:
        grid = scale_of(point) * 10.0 ** -np.arange(1, 17)
    else:
        grid = np.asarray(steps, dtype=float).ravel()
        if grid.size == 0 or not np.all(grid > 0) or not np.all(np.isfinite(grid)):
            raise ChainruleValueError(f"convergence: steps must be positive and finite, got {steps!r}")
    with np.errstate(all="ignore"):
        centre = _real(f, point)  # first: f must give a real scalar at x itself
    reference = derivative(f, point)
    with np.errstate(all="ignore"):
        estimates = {name: np.array([_quotient(f, point, centre, h, name) for h in grid]) for name in SCHEMES}
    errors = {name: np.abs(values - reference.value) for name, values in estimates.items()}
    return Convergence(point, grid, estimates, errors, reference)


def _real(f: Callable[..., Any], point: float) -> float:
    value = np.asarray(f(np.float64(point)))
    if value.ndim or value.dtype.kind not in "biuf":
        raise ChainruleTypeError(f"convergence: f must return a real scalar, got {value!r:.60}")
    return float(value)


def _quotient(f: Callable[..., Any], x: float, centre: float, h: float, scheme: str) -> float:
    if scheme == "complex":
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            try:
                value = np.asarray(f(np.complex128(complex(x, h))))
            except Exception:  # not complex-safe: no estimate
                return float("nan")
        if value.ndim or value.dtype.kind != "c":  # the imaginary part was discarded
            return float("nan")
        return float(value.imag) / h
    up = (x + h) - x  # the step actually taken
    if scheme == "forward":
        return (_real(f, x + up) - centre) / up if up else float("nan")
    down = x - (x - h)
    return (_real(f, x + up) - _real(f, x - down)) / (up + down) if up and down else float("nan")
