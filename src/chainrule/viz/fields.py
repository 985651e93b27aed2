"""Pictures of functions of two variables: contours with gradient arrows, optimizer paths, Jacobians."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.errors import ChainruleValueError, ShapeError
from chainrule.layouts import check_layout
from chainrule.viz._deps import function, new_figure, scalar_result

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["descent_path", "gradient_field", "jacobian_heatmap", "text_colour"]


def _grid(xlim: Sequence[float], ylim: Sequence[float], n: int) -> np.ndarray:
    for name, lim in (("xlim", xlim), ("ylim", ylim)):
        if len(lim) != 2 or not float(lim[0]) < float(lim[1]):
            raise ChainruleValueError(f"{name} must be an increasing pair, got {tuple(lim)!r}")
    xs = np.linspace(float(xlim[0]), float(xlim[1]), n)
    ys = np.linspace(float(ylim[0]), float(ylim[1]), n)
    return np.stack(np.meshgrid(xs, ys))  # shape (2, n, n): points[:, i, j] is one point


def _surface(f: Callable[..., Any], points: np.ndarray, caller: str) -> np.ndarray:
    """``f`` over a grid of points: one call on the stacked grid when ``f`` broadcasts, else per point."""
    function(f, caller)
    with np.errstate(all="ignore"):
        try:
            values = np.asarray(f(points), dtype=float)
            if values.shape == points.shape[1:]:
                return values
        except Exception:  # f works on one point at a time
            pass
        flat = points.reshape(2, -1).T
        values = np.array([scalar_result(f(p), caller, "p") for p in flat])
        return values.reshape(points.shape[1:])


def _gradients(f: Callable[..., Any], points: np.ndarray) -> np.ndarray:
    """∇f over a grid, by reverse mode: the gradient of ``sum(f(grid))`` (each point's value depends on that
    point alone), or one gradient per point when ``f`` does not broadcast."""
    from chainrule.core import grad

    with np.errstate(all="ignore"):
        try:
            g = np.asarray(grad(lambda p: np.sum(f(p)))(points), dtype=float)
            if g.shape == points.shape:
                return g
        except Exception:  # f works on one point at a time
            pass
        flat = points.reshape(2, -1).T
        return np.array([np.asarray(grad(f)(p), dtype=float) for p in flat]).T.reshape(points.shape)


def _contours(ax: Axes, points: np.ndarray, values: np.ndarray, levels: int) -> None:
    finite = values[np.isfinite(values)]
    skewed = finite.size and finite.min() > 0 and np.median(finite) < 0.05 * finite.max()
    if skewed and finite.max() / finite.min() > 1e3:
        # wide, skewed positive ranges (Rosenbrock) need log-spaced levels to show the valley
        lv = np.geomspace(finite.min(), finite.max(), levels)
        filled = ax.contourf(
            points[0], points[1], values, levels=lv, cmap="viridis", alpha=0.6, locator=None, norm="log"
        )
    else:
        filled = ax.contourf(points[0], points[1], values, levels=levels, cmap="viridis", alpha=0.6)
    ax.contour(points[0], points[1], values, levels=filled.levels, colors="black", linewidths=0.4)
    ax.figure.colorbar(filled, ax=ax, label="f(x, y)", format="%.3g")


def gradient_field(
    f: Callable[..., Any],
    xlim: Sequence[float] = (-2.0, 2.0),
    ylim: Sequence[float] = (-2.0, 2.0),
    *,
    arrows: int = 15,
    levels: int = 20,
    title: str | None = None,
) -> Figure:
    """Contour lines of ``f(p)`` for points ``p = (x, y)`` with its gradient drawn as arrows.

    The gradient is perpendicular to the contours, and looks it when x and y are drawn to one scale: they
    are, unless one side of the window is more than 4 times the other (a thin strip); then each axis has
    its own scale and a note under the axes says that the arrows do not look perpendicular.

    Parameters
    ----------
    f : callable
        ``f(p) -> scalar``, reading the coordinates as ``p[0]`` and ``p[1]`` and written with NumPy; when it
        broadcasts (most such functions do) the whole grid is evaluated and differentiated in one call.
    xlim, ylim : (float, float)
        The window.
    arrows : int
        Arrows per side; each points uphill, with length proportional to ``|∇f|``.
    levels : int
        The number of contour levels.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = gradient_field(lambda p: p[0] ** 2 + 3 * p[1] ** 2)
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
    ('x', 'y')
    """
    fig = new_figure(6.5, 5.5)
    ax = fig.add_subplot()
    points = _grid(xlim, ylim, 120)
    _contours(ax, points, _surface(f, points, "gradient_field"), levels)
    coarse = _grid(xlim, ylim, arrows)
    g = _gradients(f, coarse)
    uphill = "∇f, pointing uphill"
    ax.quiver(coarse[0], coarse[1], g[0], g[1], color="tab:red", angles="xy", width=0.004, label=uphill)
    ax.set(xlabel="x", ylabel="y", title=title or "Contours of f and its gradient ∇f (uphill)")
    _scale_axes(fig, ax, xlim, ylim)
    fig.legend(loc="outside lower center", fontsize="small")  # off the field, covering no arrow
    return fig


# The widest ratio of the two sides drawn to the same scale: beyond it an equal-aspect field is a thin strip.
_SAME_SCALE = 4.0


def _scale_axes(fig: Figure, ax: Axes, xlim: Sequence[float], ylim: Sequence[float]) -> None:
    """One scale for x and y, so that ∇f looks perpendicular to the contours, when the window is not too
    elongated for it; else each axis its own scale, and a note under the axes saying the angles are off."""
    width, height = float(xlim[1]) - float(xlim[0]), float(ylim[1]) - float(ylim[0])
    if max(width / height, height / width) <= _SAME_SCALE:
        ax.set_aspect("equal")
        return
    ax.set_aspect("auto")
    fig.supxlabel(
        f"x and y are drawn to different scales (x spans {width:g}, y spans {height:g}): the arrows are ∇f "
        "but do not look perpendicular to the contours",
        fontsize="small",
        color="dimgray",
    )


def _limits(values: np.ndarray) -> tuple[float, float]:
    lo, hi = float(values.min()), float(values.max())
    pad = 0.25 * (hi - lo or 1.0)
    return lo - pad, hi + pad


def descent_path(
    f: Callable[..., Any],
    path: Any,
    xlim: Sequence[float] | None = None,
    ylim: Sequence[float] | None = None,
    *,
    levels: int = 25,
    label: str = "iterates",
) -> Figure:
    """The iterates of an optimizer drawn over the contours of the function it minimizes.

    Parameters
    ----------
    f : callable
        ``f(p) -> scalar`` for ``p = (x, y)``, as for :func:`gradient_field`.
    path : array_like, shape (steps, 2)
        The iterates, e.g. :attr:`chainrule.optim.minimize`'s ``result.path``.
    xlim, ylim : (float, float), optional
        The window; default the path's bounding box with a margin.
    levels : int
        The number of contour levels.
    label : str
        The legend entry of the path (the method's name, say).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> path = np.array([[1.0, 1.0], [0.5, 0.2], [0.1, 0.0]])
    >>> fig = descent_path(lambda p: p[0] ** 2 + p[1] ** 2, path)
    >>> fig.axes[0].get_title()
    'Descent path: 2 steps'
    """
    points = np.asarray(path, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ChainruleValueError(f"descent_path: path must have shape (steps, 2), got {points.shape}")
    xlim = xlim if xlim is not None else _limits(points[:, 0])
    ylim = ylim if ylim is not None else _limits(points[:, 1])
    fig = new_figure(6.5, 5.5)
    ax = fig.add_subplot()
    grid = _grid(xlim, ylim, 150)
    _contours(ax, grid, _surface(f, grid, "descent_path"), levels)
    ax.plot(points[:, 0], points[:, 1], ".-", color="tab:red", lw=1.2, ms=3, label=label)
    ax.plot(*points[0], "o", color="white", mec="black", ms=8, label="start")
    ax.plot(*points[-1], "*", color="gold", mec="black", ms=14, label="end")
    ax.set(xlabel="x", ylabel="y", title=f"Descent path: {len(points) - 1} steps")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    fig.legend(loc="outside lower center", fontsize="small", ncols=3)  # never over the path or its end
    return fig


def jacobian_heatmap(
    J: Any,
    output_labels: Sequence[str] | None = None,
    input_labels: Sequence[str] | None = None,
    title: str | None = None,
    layout: str = "mixed",
) -> Figure:
    """A Jacobian matrix as a heat map, labelled by its layout.

    In the mixed layout (the default, ``cr.jacobian``'s) and in numerator layout row ``i`` is the gradient of
    output ``i``; in denominator layout (``cr.jacobian(f, layout="denominator")``) the rows are the inputs.

    Parameters
    ----------
    J : array_like, 2-D (or 1-D, drawn as one row)
        The matrix, e.g. from :func:`chainrule.jacobian`.
    output_labels, input_labels : sequence of str, optional
        Names of the rows (outputs) and columns (inputs).
    title : str, optional
        Default ``"Jacobian ∂(outputs)/∂(inputs)"`` written with the labels, e.g. ``∂(x, y)/∂(r, t)``, so
        that the names are the function's own; ``∂fᵢ/∂xⱼ`` when there are no labels.
    layout : {"mixed", "numerator", "denominator"}
        The layout ``J`` is in (see :mod:`chainrule.layouts`); it names the axes and the title.

    Returns
    -------
    matplotlib.figure.Figure
        Colours are symmetric about zero; entries are written in the cells when the matrix is small, in black
        or white, whichever contrasts more with the cell's colour.

    Examples
    --------
    >>> fig = jacobian_heatmap([[1.0, -2.0], [0.5, 0.0]])
    >>> fig.axes[0].get_xlabel()
    'input j'
    >>> jacobian_heatmap([[1.0, -2.0], [0.5, 0.0]], layout="denominator").axes[0].get_ylabel()
    'input j'
    """
    check_layout(layout, "jacobian_heatmap")
    matrix = np.atleast_2d(np.asarray(J, dtype=float))
    if matrix.ndim != 2:
        raise ChainruleValueError(f"jacobian_heatmap: J must be a matrix, got shape {matrix.shape}")
    rows, cols = matrix.shape
    row_labels, col_labels = (
        (input_labels, output_labels) if layout == "denominator" else (output_labels, input_labels)
    )
    row_kind, col_kind = ("input", "output") if layout == "denominator" else ("output", "input")
    _check_labels(row_labels, rows, "rows", row_kind, layout)
    _check_labels(col_labels, cols, "columns", col_kind, layout)
    fig = new_figure(min(2 + 0.7 * cols, 10), min(1.5 + 0.6 * rows, 8))
    ax = fig.add_subplot()
    bound = float(np.nanmax(np.abs(matrix))) or 1.0
    image = ax.imshow(matrix, cmap="RdBu_r", vmin=-bound, vmax=bound)
    fig.colorbar(image, ax=ax)
    if rows * cols <= 144:
        for (i, j), value in np.ndenumerate(matrix):
            colour = text_colour(image.cmap(image.norm(value)))
            ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize="small", color=colour)
    ax.set_xticks(range(cols), list(col_labels) if col_labels else [str(j) for j in range(cols)])
    ax.set_yticks(range(rows), list(row_labels) if row_labels else [str(i) for i in range(rows)])
    across, down = ("output i", "input j") if layout == "denominator" else ("input j", "output i")
    if title is None:
        title = _jacobian_title(output_labels, input_labels)
    ax.set(xlabel=across, ylabel=down, title=f"{title}\n({layout} layout)")
    return fig


def _check_labels(labels: Sequence[str] | None, count: int, what: str, kind: str, layout: str) -> None:
    """One label per row (or column) of the heat map, or a message saying how many there are of each."""
    if labels is not None and len(labels) != count:
        raise ShapeError(
            f"jacobian_heatmap: J has {count} {what} but {len(labels)} {kind}_labels; give one {kind} label "
            f"per {what[:-1]} of J (in the {layout} layout the {what} are the {kind}s)"
        )


def _jacobian_title(outputs: Sequence[str] | None, inputs: Sequence[str] | None) -> str:
    def names(labels: Sequence[str] | None, default: str) -> str:
        if not labels:
            return default
        return labels[0] if len(labels) == 1 else f"({', '.join(labels)})"

    return f"Jacobian ∂{names(outputs, 'fᵢ')}/∂{names(inputs, 'xⱼ')}"


def text_colour(background: Any) -> str:
    """``"black"`` or ``"white"``: whichever contrasts more with ``background`` (any matplotlib colour).

    The contrast is WCAG's ratio of relative luminances: dark red and dark blue get white, pale cells black.

    Examples
    --------
    >>> text_colour("darkred"), text_colour("mistyrose"), text_colour((0.4, 0.0, 0.12))
    ('white', 'black', 'white')
    """
    from matplotlib.colors import to_rgb

    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(background)]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # contrast with black (L + 0.05) / 0.05 against contrast with white 1.05 / (L + 0.05)
    return "black" if (luminance + 0.05) ** 2 > 0.05 * 1.05 else "white"
