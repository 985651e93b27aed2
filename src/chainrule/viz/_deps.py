"""Optional dependencies of the pictures, imported only when a picture is drawn."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.errors import ChainruleError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MissingDependencyError", "derivative_curve", "new_figure", "require_matplotlib", "values_of"]


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


def values_of(f: Callable[..., Any], xs: np.ndarray) -> np.ndarray:
    """``f`` at every point of ``xs``: one vectorised call when ``f`` allows it, else point by point."""
    with np.errstate(all="ignore"):
        try:
            ys = np.asarray(f(xs), dtype=float)
            if ys.shape == xs.shape:
                return ys
        except Exception:  # f is not vectorised: fall back to one call per point
            pass
        return np.array([float(f(float(x))) for x in xs])


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
