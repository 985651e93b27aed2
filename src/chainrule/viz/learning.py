"""Pictures of learning: the loss falling step by step and the decision boundary a classifier found."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.errors import ChainruleValueError
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
        above 0), e.g. ``lambda P: model(P)[:, 0]``.
    X : array_like, shape (n, 2)
    y : array_like, shape (n,)
        Labels in {0, 1}.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> fig = decision_boundary(lambda P: P[:, 0] - 0.5, X, np.array([0, 1]))
    >>> fig.axes[0].get_title()
    'Decision boundary'
    """
    points = np.asarray(X, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ChainruleValueError(f"decision_boundary: X must have shape (n, 2), got {points.shape}")
    pad = 0.5
    xs = np.linspace(points[:, 0].min() - pad, points[:, 0].max() + pad, 200)
    ys = np.linspace(points[:, 1].min() - pad, points[:, 1].max() + pad, 200)
    gx, gy = np.meshgrid(xs, ys)
    logits = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()])), dtype=float).reshape(gx.shape)
    fig = new_figure(6.0, 5.0)
    ax = fig.add_subplot()
    ax.contourf(gx, gy, logits > 0, levels=[-0.5, 0.5, 1.5], colors=["#f3c6c6", "#c6d8f3"], alpha=0.8)
    ax.contour(gx, gy, logits, levels=[0.0], colors="black", linewidths=1.2)
    labels = np.asarray(y).ravel()
    for value, colour in ((0, "tab:red"), (1, "tab:blue")):
        chosen = labels == value
        ax.scatter(
            points[chosen, 0],
            points[chosen, 1],
            s=12,
            color=colour,
            edgecolor="white",
            lw=0.3,
            label=f"class {value}",
        )
    ax.set(xlabel="x₁", ylabel="x₂", title=title)
    ax.legend(loc="upper right", fontsize="small")
    return fig
