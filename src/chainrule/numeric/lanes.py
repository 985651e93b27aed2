"""Arithmetic on lanes that works on Python floats and NumPy arrays alike.

A *lane* is one thing being differentiated — an element of ``x``, a coordinate, a pair of coordinates.
For a scalar ``x`` every lane quantity is a plain float or bool, which keeps the common case fast; for
arrays the same functions apply elementwise. Values have shape ``lane_shape + tail_shape`` (the tail is
the shape of ``f``'s output); per-lane flags reduce over the tail.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "BOOLS",
    "both",
    "but_not",
    "either",
    "expand_lanes",
    "finite",
    "fourth_differences",
    "lanes_all",
    "larger",
    "negate",
    "per_lane",
    "select",
]

BOOLS = (bool, np.bool_)


def select(cond: Any, a: Any, b: Any) -> Any:
    if type(cond) in BOOLS:
        return a if cond else b
    return np.where(cond, a, b)


def both(a: Any, b: Any) -> Any:
    if type(a) in BOOLS and type(b) in BOOLS:
        return bool(a and b)
    return np.logical_and(a, b)


def either(a: Any, b: Any) -> Any:
    if type(a) in BOOLS and type(b) in BOOLS:
        return bool(a or b)
    return np.logical_or(a, b)


def larger(a: Any, b: Any) -> Any:
    if isinstance(a, float) and isinstance(b, float):
        return a if a >= b else b
    return np.maximum(a, b)


def negate(a: Any) -> Any:
    if type(a) in BOOLS:
        return not a
    return np.logical_not(a)


def but_not(a: Any, b: Any) -> Any:
    """``a and not b``, elementwise."""
    if type(a) in BOOLS and type(b) in BOOLS:
        return bool(a) and not b
    return np.logical_and(a, np.logical_not(b))


def finite(a: Any) -> Any:
    if isinstance(a, float):
        return math.isfinite(a)
    return np.isfinite(a)


def lanes_all(cond: Any, lane_shape: tuple[int, ...]) -> Any:
    """Reduce an elementwise condition to one per lane (all over the trailing output axes)."""
    if type(cond) in BOOLS:
        return cond
    extra = np.ndim(cond) - len(lane_shape)
    if extra <= 0:
        return cond
    return np.all(cond, axis=tuple(range(-extra, 0)))


def per_lane(values: Any, lane_shape: tuple[int, ...]) -> Any:
    """One entry per lane: the first along the trailing output axes (steps are per lane)."""
    if np.ndim(values) <= len(lane_shape):
        return values
    return np.reshape(values, (*lane_shape, -1))[..., 0]


def expand_lanes(lane_array: Any, like: Any) -> Any:
    """Reshape a per-lane array to broadcast against values shaped like ``like``."""
    if type(like) is float or type(lane_array) is float:
        return lane_array
    extra = np.ndim(like) - np.ndim(lane_array)
    if extra <= 0:
        return lane_array
    return np.reshape(lane_array, np.shape(lane_array) + (1,) * extra)


def fourth_differences(values: list[Any]) -> tuple[Any, Any]:
    """Noise level ``rms(Δ⁴)/√70`` of equally spaced values, and whether the Δ⁴ change sign."""
    fourth = [
        values[m] - 4 * values[m + 1] + 6 * values[m + 2] - 4 * values[m + 3] + values[m + 4]
        for m in range(len(values) - 4)
    ]
    level = np.sqrt(sum(d * d for d in fourth) / len(fourth) / 70.0)
    lowest, highest = fourth[0], fourth[0]
    for d in fourth[1:]:
        lowest, highest = np.minimum(lowest, d), np.maximum(highest, d)
    return level, np.logical_and(lowest < 0, highest > 0)
