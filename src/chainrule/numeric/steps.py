"""Default step sizes: scaled with ``|x|`` (floored at 1), balanced between truncation and round-off.

A difference quotient of order ``n`` and accuracy ``p`` has truncation error ``~ hᵖ`` and round-off error
``~ ε/hⁿ`` (relative to the scale of ``x``); the sum is smallest near ``h = ε^(1/(n+p))``. Steps are rounded
down to a power of two so that ``x + k·h`` is exact for the small integers ``k`` in our stencils: the
quotient then divides by the step actually taken.
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np

__all__ = [
    "COMPLEX_STEP",
    "EPS",
    "RICHARDSON_STEP",
    "balanced_step",
    "dyadic",
    "ladder_step",
    "scale_of",
]

EPS = float(np.finfo(float).eps)

#: Imaginary step of the first-order complex step, relative to the scale of x. Its truncation error
#: ``h²·f'''/6`` is far below ε; nothing is subtracted, so nothing cancels.
COMPLEX_STEP = 1e-20

#: First (largest) step of a Richardson ladder, relative to the scale of x, by derivative order.
#: Larger orders start larger because their round-off grows like ``1/hⁿ``.
RICHARDSON_STEP = {1: 2.0**-7, 2: 2.0**-5, 3: 2.0**-4, 4: 2.0**-5}


def scale_of(x: np.ndarray | float) -> np.ndarray | float:
    """The length scale of ``x``: ``max(|x|, 1)``.

    Examples
    --------
    >>> scale_of(-250.0), scale_of(1e-3)
    (250.0, 1.0)
    """
    if isinstance(x, float):
        return max(abs(x), 1.0)
    return cast(np.ndarray, np.maximum(np.abs(x), 1.0))


def dyadic(h: np.ndarray | float) -> np.ndarray | float:
    """The largest power of two not above ``h`` (``h > 0``).

    Examples
    --------
    >>> dyadic(0.1), dyadic(3.0)
    (0.0625, 2.0)
    """
    if isinstance(h, float):
        return math.ldexp(0.5, math.frexp(h)[1])
    _, exponent = np.frexp(h)
    return cast(np.ndarray, np.ldexp(0.5, exponent))


def balanced_step(x: np.ndarray | float, order: int, accuracy: int, eps: float = EPS) -> np.ndarray | float:
    """Step of a single difference quotient: ``scale · eps^(1/(order+accuracy))``, rounded to a power of 2.

    ``eps`` is the machine epsilon of ``f``'s results: float32 code wants larger steps.

    Examples
    --------
    >>> balanced_step(1.0, 1, 2)  # ε^(1/3) ≈ 6.1e-06
    3.814697265625e-06
    >>> balanced_step(1.0, 1, 1)  # forward difference: ε^(1/2) ≈ 1.5e-08
    1.4901161193847656e-08
    >>> balanced_step(1.0, 1, 2, eps=float(np.finfo(np.float32).eps))  # float32 code: ≈ 4.9e-3
    0.00390625
    """
    return dyadic(scale_of(x) * eps ** (1.0 / (order + accuracy)))


def ladder_step(order: int, eps: float = EPS) -> float:
    """First step of a Richardson ladder relative to the scale of x, for f of machine epsilon ``eps``.

    For float64 it is :data:`RICHARDSON_STEP`; lower precision moves the balance of truncation (of the
    extrapolated estimates, about ``h^(order+6)``) against round-off towards larger steps.

    Examples
    --------
    >>> ladder_step(1), ladder_step(1, eps=float(np.finfo(np.float32).eps))
    (0.0078125, 0.125)
    """
    base = RICHARDSON_STEP.get(order, 0.125) * (eps / EPS) ** (1.0 / (order + 6))
    return float(dyadic(min(base, 0.5)))


def snap_step(step: np.ndarray | float, x: np.ndarray | float) -> np.ndarray | float:
    """A user's step rounded to a multiple of ``4·spacing(x)`` where that matters (the spacing is more
    than ``2⁻⁴⁰`` of the step), so that ``x + k·step`` is exact for the small integers ``k`` of a
    stencil and a quotient divides by the step actually taken.

    Examples
    --------
    >>> snap_step(1e-3, 1.0)  # the spacing at 1 is negligible: unchanged
    0.001
    >>> snap_step(1e-10, 440.0) == 1e-10, abs(snap_step(1e-10, 440.0) - 1e-10) < 3e-13
    (False, True)
    """
    quantum = 4.0 * np.spacing(np.abs(x))
    with np.errstate(over="ignore"):  # a huge step over spacing(0): it does not matter there anyway
        matters = quantum > np.asarray(step) * 2.0**-40
        snapped = np.where(matters, np.round(np.asarray(step) / quantum) * quantum, step)
    return float(snapped) if np.ndim(snapped) == 0 else snapped
