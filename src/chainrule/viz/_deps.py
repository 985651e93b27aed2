"""Optional dependencies of the pictures, imported only when a picture is drawn."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.errors import ChainruleError, ChainruleTypeError, ChainruleValueError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "MissingDependencyError",
    "derivative_curve",
    "function",
    "new_figure",
    "number",
    "require_matplotlib",
    "scalar_result",
    "values_of",
]


class MissingDependencyError(ChainruleError, ImportError):
    """An optional package a feature needs is not installed; the message says which extra to install."""


def require_matplotlib() -> None:
    """Raise :class:`MissingDependencyError`, saying what to install, when matplotlib is missing."""
    try:
        importlib.import_module("matplotlib.figure")
    except ImportError as exc:
        raise MissingDependencyError("chainrule.viz needs matplotlib: pip install chainrule[viz]") from exc


def new_figure(width: float = 7.0, height: float = 4.5) -> Figure:
    """A matplotlib Figure with a canvas, made without pyplot (no global state, any backend works)."""
    require_matplotlib()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def function(f: Any, caller: str) -> None:
    """Refuse an ``f`` that cannot be called, saying what to pass instead."""
    if not callable(f):
        raise ChainruleTypeError(
            f"{caller}: f must be a function, e.g. np.sin or lambda x: x**2, got {type(f).__name__}"
        )


def number(value: Any, name: str, caller: str) -> float:
    """``value`` as a finite float, or a chainrule error naming the argument ``name`` of ``caller``."""
    shape = np.shape(value)
    if shape != ():
        raise ChainruleTypeError(
            f"{caller}: {name} must be a number, got an array of shape {shape}; draw one point at a time "
            f"(one figure per point), e.g. {name}={_first(value)}"
        )
    if isinstance(value, bool | np.bool_) or np.asarray(value).dtype.kind not in "iuf":
        raise ChainruleTypeError(f"{caller}: {name} must be a number, got {type(value).__name__}")
    result = float(value)
    if not np.isfinite(result):
        raise ChainruleValueError(f"{caller}: {name} must be finite, got {result!r}")
    return result


def _first(values: Any) -> str:
    """The first of ``values``, written as an argument (``1.0`` when there is none to show)."""
    try:
        return repr(float(np.ravel(np.asarray(values, dtype=float))[0]))
    except (TypeError, ValueError, IndexError):
        return "1.0"


def scalar_result(value: Any, caller: str, variable: str = "x") -> float:
    """The number a scalar function returned, or a chainrule error saying that ``f`` must return one."""
    point = "x" if variable == "x" else f"point {variable} = (x, y)"
    if np.size(value) != 1:
        raise ChainruleTypeError(
            f"{caller}: f must return a number for each {point}, got an array of shape {np.shape(value)}; "
            f"for a function with several outputs, draw one of them, e.g. lambda {variable}: f({variable})[0]"
        )
    try:
        return float(np.reshape(np.asarray(value, dtype=float), ()))
    except (TypeError, ValueError) as exc:
        raise ChainruleTypeError(
            f"{caller}: f must return a real number for each {point}, got {type(value).__name__}"
        ) from exc


def values_of(f: Callable[..., Any], xs: np.ndarray, caller: str = "viz") -> np.ndarray:
    """``f`` at every point of ``xs``: one vectorised call when ``f`` allows it, else point by point."""
    with np.errstate(all="ignore"):
        try:
            ys = np.asarray(f(xs), dtype=float)
            if ys.shape == xs.shape:
                return ys
        except Exception:  # f is not vectorised: fall back to one call per point
            pass
        return np.array([scalar_result(f(float(x)), caller) for x in xs])


def derivative_curve(f: Callable[..., Any], xs: np.ndarray) -> np.ndarray:
    """``f'`` at every point of ``xs`` by reverse mode: the gradient of ``sum(f(xs))`` when ``f`` is
    elementwise, else one gradient per point."""
    from chainrule.core import grad

    with np.errstate(all="ignore"):
        try:
            slopes = np.asarray(grad(lambda v: np.sum(f(v)))(xs), dtype=float)
            if slopes.shape == xs.shape:
                return slopes
        except Exception:  # not vectorised: one gradient per point
            pass
        return np.array([float(grad(f)(float(x))) for x in xs])
