"""Pictures of learning: the loss falling step by step and the decision boundary a classifier found."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.core import Tensor
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.viz._deps import new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["decision_boundary", "loss_curve"]


def loss_curve(losses: Sequence[float], title: str = "Training loss") -> Figure:
    """The loss at each step on a log scale (when it stays positive).

    Examples
    --------
    >>> fig = loss_curve([1.0, 0.5, 0.2, 0.1])
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_yscale()
    ('step', 'log')
    """
    values = np.asarray(losses, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ChainruleValueError("loss_curve: losses must be a non-empty sequence of numbers")
    fig = new_figure(6.5, 4.0)
    ax = fig.add_subplot()
    ax.plot(np.arange(values.size), values, color="tab:blue", lw=1.5)
    if np.all(values[np.isfinite(values)] > 0):
        ax.set_yscale("log")
    ax.set(xlabel="step", ylabel="loss", title=title)
    ax.grid(alpha=0.3, which="both")
    return fig


def decision_boundary(
    predict: Callable[[np.ndarray], Any], X: Any, y: Any, title: str = "Decision boundary"
) -> Figure:
    """The regions a binary classifier assigns to each class, with the data on top.

    Parameters
    ----------
    predict : callable
        ``predict(points)`` for points of shape ``(n, 2)`` returns one logit per point (positive class
        above 0), as an array or a Tensor (its values are used, detached from the graph), e.g.
        ``lambda P: model(P)[:, 0]``.
    X : array_like, shape (n, 2)
    y : array_like, shape (n,)
        Labels: {0, 1}, {-1, +1} or any other values; each value present is drawn in its own colour and
        named in the legend (``class -1``, ``class 1``), the smallest in red, the largest in blue (the
        colours of the regions below and above 0).

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule import nn
    >>> X, y = nn.make_moons(50)
    >>> model = nn.MLP(2, [4, 1])
    >>> fig = decision_boundary(lambda P: model(P)[:, 0], X, 2 * y - 1)  # a Tensor of logits; labels ±1
    >>> fig.axes[0].get_title(), [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ('Decision boundary', ['class -1', 'class 1'])
    """
    points = np.asarray(X, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ShapeError(f"decision_boundary: X must have shape (n, 2) with n >= 1, got {points.shape}")
    labels = np.asarray(y).ravel()
    if labels.shape != (len(points),):
        raise ShapeError(
            f"decision_boundary: {len(points)} points in X but {labels.size} labels in y; give one label per "
            "row of X"
        )
    pad = 0.5
    xs = np.linspace(points[:, 0].min() - pad, points[:, 0].max() + pad, 200)
    ys = np.linspace(points[:, 1].min() - pad, points[:, 1].max() + pad, 200)
    gx, gy = np.meshgrid(xs, ys)
    logits = _logits(predict, np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    fig = new_figure(6.0, 5.0)
    ax = fig.add_subplot()
    ax.contourf(gx, gy, logits > 0, levels=[-0.5, 0.5, 1.5], colors=["#f3c6c6", "#c6d8f3"], alpha=0.8)
    ax.contour(gx, gy, logits, levels=[0.0], colors="black", linewidths=1.2)
    values = np.unique(labels)
    for value, colour in zip(values, _class_colours(len(values)), strict=True):
        chosen = labels == value
        ax.scatter(
            points[chosen, 0],
            points[chosen, 1],
            s=12,
            color=colour,
            edgecolor="white",
            lw=0.3,
            label=f"class {value:g}" if isinstance(value, np.number) else f"class {value}",
        )
    ax.set(xlabel="x₁", ylabel="x₂", title=title)
    ax.legend(loc="upper right", fontsize="small")
    return fig


def _logits(predict: Callable[[np.ndarray], Any], grid: np.ndarray) -> np.ndarray:
    """``predict`` on the points of the grid as a plain array of one logit per point."""
    if not callable(predict):
        raise ChainruleTypeError(
            f"decision_boundary: predict must be a function, e.g. lambda P: model(P)[:, 0], got "
            f"{type(predict).__name__}"
        )
    logits = predict(grid)
    if isinstance(logits, Tensor):  # a model's output: the picture needs its values, not its graph
        logits = logits.detach().numpy()
    logits = np.asarray(logits, dtype=float)
    if logits.size != len(grid):
        raise ShapeError(
            f"decision_boundary: predict must return one logit per point, got shape {logits.shape} for "
            f"{len(grid)} points; for a model with one output write lambda P: model(P)[:, 0]"
        )
    return logits


def _class_colours(count: int) -> list[Any]:
    """Red and blue for two classes (below and above 0, as the regions); a qualitative palette for more."""
    if count <= 2:
        return ["tab:red", "tab:blue"][:count]
    from matplotlib import colormaps

    return [colormaps["tab10"](k % 10) for k in range(count)]
