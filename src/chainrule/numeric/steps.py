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
    "contour_radius",
    "dyadic",
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


def balanced_step(x: np.ndarray | float, order: int, accuracy: int) -> np.ndarray | float:
    """Step of a single difference quotient: ``scale · ε^(1/(order+accuracy))``, rounded to a power of 2.

    Examples
    --------
    >>> balanced_step(1.0, 1, 2)  # ε^(1/3) ≈ 6.1e-06
    3.814697265625e-06
    >>> balanced_step(1.0, 1, 1)  # forward difference: ε^(1/2) ≈ 1.5e-08
    1.4901161193847656e-08
    """
    return dyadic(scale_of(x) * EPS ** (1.0 / (order + accuracy)))


def contour_radius(x: np.ndarray | float) -> np.ndarray | float:
    """Radius of the Cauchy contour for higher complex-step derivatives: ``|x|/8`` (``1/8`` at 0).

    A singularity of ``f`` at 0 (``log``, ``sqrt``, ``1/x``) then lies 8 radii away, so its aliasing error
    ``8⁻ᴺ`` is negligible for ``N = 16`` points, while round-off grows only like ``8ⁿ``.

    Examples
    --------
    >>> contour_radius(2.0), contour_radius(0.0)
    (0.25, 0.125)
    """
    if isinstance(x, float):
        return abs(x) / 8.0 if x != 0.0 else 0.125
    return np.where(x != 0.0, np.abs(x) / 8.0, 0.125)
