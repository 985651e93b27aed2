"""Finite-difference stencils: Fornberg weights for any offsets, and the stencils chainrule uses.

A stencil of order ``n`` is a set of offsets ``o_i`` (in units of the step ``h``) and weights ``w_i`` with
``f⁽ⁿ⁾(x) ≈ Σ w_i f(x + o_i h) / hⁿ``. Its *accuracy* ``p`` is the power of ``h`` in the leading error
term. The error expansion of a central stencil has only every second power (``hᵖ, hᵖ⁺², …``); a one-sided
stencil has them all (``hᵖ, hᵖ⁺¹, …``). Richardson extrapolation needs exactly that list of powers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import numpy as np

from chainrule.errors import ChainruleValueError

__all__ = ["KINDS", "Stencil", "fornberg_weights", "stencil"]

KINDS = ("central", "forward", "backward")


def fornberg_weights(offsets: object, order: int) -> np.ndarray:
    """Weights of the derivative of order ``order`` at 0 from samples at ``offsets`` (Fornberg 1988).

    Parameters
    ----------
    offsets : array_like of float
        Distinct sample positions, in units of the step.
    order : int
        Derivative order, ``0 <= order < len(offsets)``.

    Returns
    -------
    numpy.ndarray
        ``w`` with ``f⁽ᵒʳᵈᵉʳ⁾(0) ≈ Σ w[i] f(offsets[i])``, exact for polynomials of degree below
        ``len(offsets)``.

    Examples
    --------
    >>> fornberg_weights([-1, 0, 1], 2).tolist()
    [1.0, -2.0, 1.0]
    >>> fornberg_weights([0, 1, 2], 1).tolist()
    [-1.5, 2.0, -0.5]
    """
    points = np.asarray(offsets, dtype=float).ravel()
    n_points = points.size
    if not 0 <= order < n_points:
        raise ChainruleValueError(
            f"fornberg_weights: order must be in [0, {n_points - 1}] for {n_points} offsets, got {order}"
        )
    if len(set(points.tolist())) != n_points:  # (np.unique imports numpy.ma: 9 ms at every start-up)
        raise ChainruleValueError(f"fornberg_weights: offsets must be distinct, got {points}")
    table = np.zeros((order + 1, n_points))
    table[0, 0] = 1.0
    c1 = 1.0
    for i in range(1, n_points):
        top = min(i, order)
        c2 = float(np.prod(points[i] - points[:i]))
        # The new point's weights come from the previous point's, before those are updated.
        previous = table[:, i - 1].copy()
        for m in range(top, -1, -1):
            lower = previous[m - 1] if m else 0.0
            table[m, i] = c1 * (m * lower - points[i - 1] * previous[m]) / c2
        for j in range(i):
            c3 = points[i] - points[j]
            for m in range(top, -1, -1):
                lower = table[m - 1, j] if m else 0.0
                table[m, j] = (points[i] * table[m, j] - m * lower) / c3
        c1 = c2
    return cast(np.ndarray, table[order])


@dataclass(frozen=True)
class Stencil:
    """Offsets and weights of one finite-difference formula, and its error expansion.

    Attributes
    ----------
    kind : str
        ``"central"``, ``"forward"`` or ``"backward"``.
    order : int
        Derivative order.
    accuracy : int
        Power of the step in the leading error term.
    offsets : tuple of float
        Sample positions in units of the step (zero-weight points are dropped).
    weights : tuple of float
        Matching weights.
    exponent_step : int
        2 for central stencils (even error powers only), 1 for one-sided ones.
    """

    kind: str
    order: int
    accuracy: int
    offsets: tuple[float, ...]
    weights: tuple[float, ...]
    exponent_step: int

    def exponents(self, count: int) -> tuple[int, ...]:
        """The first ``count`` powers of the step in the error expansion.

        Examples
        --------
        >>> stencil("central", 1).exponents(3)
        (2, 4, 6)
        >>> stencil("forward", 1).exponents(3)
        (1, 2, 3)
        """
        return tuple(self.accuracy + k * self.exponent_step for k in range(count))


@lru_cache(maxsize=256)
def stencil(kind: str, order: int, accuracy: int | None = None) -> Stencil:
    """The standard stencil of a kind, derivative order and accuracy, on integer offsets.

    Parameters
    ----------
    kind : {"central", "forward", "backward"}
        Which side the samples lie on.
    order : int
        Derivative order, at least 1.
    accuracy : int, optional
        Power of ``h`` in the leading error term; default 2 for central stencils (which must be even)
        and 1 for one-sided ones.

    Returns
    -------
    Stencil

    Examples
    --------
    >>> s = stencil("central", 1)
    >>> s.offsets, s.weights
    ((-1.0, 1.0), (-0.5, 0.5))
    >>> stencil("forward", 2).offsets
    (0.0, 1.0, 2.0)
    """
    if kind not in KINDS:
        raise ChainruleValueError(f"stencil: kind must be one of {KINDS}, got {kind!r}")
    if not isinstance(order, int | np.integer) or order < 1:
        raise ChainruleValueError(f"stencil: order must be a positive integer, got {order!r}")
    central = kind == "central"
    if accuracy is None:
        accuracy = 2 if central else 1
    if accuracy < 1 or (central and accuracy % 2):
        raise ChainruleValueError(
            f"stencil: accuracy must be a positive{' even' if central else ''} integer for a "
            f"{kind} stencil, got {accuracy}"
        )
    if central:
        half = (order - 1) // 2 + accuracy // 2
        offsets = np.arange(-half, half + 1, dtype=float)
    else:
        offsets = np.arange(order + accuracy, dtype=float)
        if kind == "backward":
            offsets = -offsets[::-1] + 0.0  # + 0.0 turns -0.0 into 0.0
    weights = fornberg_weights(offsets, order)
    # Central odd-order formulas give the centre weight 0 up to rounding: drop it, saving an evaluation.
    keep = np.abs(weights) > 1e-12 * np.abs(weights).max()
    return Stencil(
        kind=kind,
        order=int(order),
        accuracy=int(accuracy),
        offsets=tuple(float(o) for o in offsets[keep]),
        weights=tuple(float(w) for w in weights[keep]),
        exponent_step=2 if central else 1,
    )
