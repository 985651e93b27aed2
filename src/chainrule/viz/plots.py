"""Pictures of one derivative: the tangent, secants closing in on it, and the error of difference quotients.

Every function returns a matplotlib :class:`~matplotlib.figure.Figure` made without pyplot, so it works with
any backend (Agg in tests and scripts, inline in notebooks); :func:`save` writes it as PNG, SVG or PDF.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.viz._deps import derivative_curve, function, new_figure, number, values_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["error_vs_step", "save", "secant_plot", "tangent_plot"]

_FORMATS = (".png", ".svg", ".pdf")


def _window(x0: float, xlim: Sequence[float] | None, caller: str) -> np.ndarray:
    if xlim is None:
        half = max(2.0, abs(x0))
        xlim = (x0 - half, x0 + half)
    if np.shape(xlim) != (2,):
        raise ChainruleValueError(f"{caller}: xlim must be a pair (low, high), got {xlim!r}")
    lo, hi = number(xlim[0], "xlim[0]", caller), number(xlim[1], "xlim[1]", caller)
    if not lo < hi:
        raise ChainruleValueError(
            f"{caller}: xlim must be an increasing pair (low, high), got {tuple(xlim)!r}"
        )
    if not lo <= x0 <= hi:
        # the point, its tangent and its secants would all be off the picture
        raise ChainruleValueError(
            f"{caller}: x0 = {x0:g} is outside xlim = ({lo:g}, {hi:g}); widen xlim to contain x0, or leave "
            "xlim out for a window centred on x0"
        )
    return np.linspace(lo, hi, 401)


def _point_and_slope(f: Callable[..., Any], x0: float, caller: str) -> tuple[float, float]:
    from chainrule.core import grad

    with np.errstate(all="ignore"):
        y0, slope = float(values_of(f, np.array([x0]), caller)[0]), float(grad(f)(x0))
    if not (np.isfinite(y0) and np.isfinite(slope)):
        raise ChainruleValueError(
            f"{caller}: f({x0:g}) = {y0:g} with slope {slope:g}; a tangent needs both finite: choose a point "
            "where f is differentiable and its value and slope fit in a float64"
        )
    return y0, slope


def _shade_monotonicity(ax: Axes, xs: np.ndarray, slopes: np.ndarray) -> None:
    """Shade the full height of the axes green over each run of samples where ``f′ > 0``, red where
    ``f′ < 0``: one patch of rectangles per colour (the legend's "best" placement tests every path of the
    axes against each place it tries, so a separate polygon per run, as ``fill_between`` makes, costs
    seconds for a function whose slope changes sign hundreds of times)."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    band = ax.get_xaxis_transform()  # x in data units, y from 0 to 1 of the axes
    for where, colour, label in (
        (slopes > 0, "tab:green", "f′ > 0: increasing"),
        (slopes < 0, "tab:red", "f′ < 0: decreasing"),
    ):
        edges = np.diff(np.concatenate([[0], where.astype(np.int8), [0]]))
        starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
        if not starts.size:  # no legend entry for a region that is not there
            continue
        left, right = xs[starts], xs[stops]  # a run from sample a to sample b, as fill_between(where=) fills
        zeros, ones = np.zeros_like(left), np.ones_like(left)
        corners = np.stack([left, zeros, right, zeros, right, ones, left, ones, left, zeros], axis=1)
        codes = np.tile([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY], starts.size)
        path = Path(corners.reshape(-1, 2), codes)
        ax.add_patch(
            PathPatch(path, transform=band, facecolor=colour, edgecolor="none", alpha=0.1, label=label)
        )


def tangent_plot(
    f: Callable[..., Any],
    x0: float,
    xlim: Sequence[float] | None = None,
    title: str | None = None,
    *,
    label: str = "f(x)",
) -> Figure:
    """The graph of ``f``, its tangent at ``x0`` labelled with the slope, and where ``f`` rises or falls.

    At a corner (``abs`` at 0, ``relu`` at 0: see :func:`chainrule.viz.kinks.find_kink`) there is no
    tangent: the plot draws instead a fan of lines through the point whose slopes fill the interval between
    the one-sided slopes (the subdifferential), highlights the one chainrule's derivative returns, and
    quotes the kink policy of the function's rule row.

    Parameters
    ----------
    f : callable
        A scalar function of a scalar, written with NumPy; its derivative comes from :func:`chainrule.grad`.
    x0 : float
        The point of tangency.
    xlim : (float, float), optional
        The interval drawn; default ``x0 ± max(2, |x0|)``.
    title : str, optional
        The title; default ``"The tangent at x = x0"`` (``"A corner at x = x0: ..."`` at a kink).
    label : str
        The legend entry of the curve, e.g. ``"f(x) = x^3 - 3*x"``.

    Returns
    -------
    matplotlib.figure.Figure
        Regions where ``f′ > 0`` are shaded green, where ``f′ < 0`` red.

    Examples
    --------
    >>> fig = tangent_plot(lambda x: x**3 - 3 * x, 1.5)
    >>> fig.axes[0].get_xlabel()
    'x'
    >>> import numpy as np
    >>> tangent_plot(np.abs, 0.0).axes[0].get_title()
    'A corner at x = 0: no tangent, a fan of subgradient lines'
    """
    from chainrule.viz.kinks import find_jump, find_kink

    function(f, "tangent_plot")
    x0 = number(x0, "x0", "tangent_plot")
    xs = _window(x0, xlim, "tangent_plot")
    ys, slopes = values_of(f, xs, "tangent_plot"), derivative_curve(f, xs)
    y0, slope = _point_and_slope(f, x0, "tangent_plot")
    fig = new_figure()
    ax = fig.add_subplot()
    _shade_monotonicity(ax, xs, slopes)
    ax.plot(xs, ys, color="tab:blue", lw=2, label=label, zorder=4)
    kink = find_kink(f, x0)
    jump = find_jump(f, x0) if kink is None else None
    if kink is not None:
        _subgradient_fan(fig, ax, xs, kink, y0)
        default = f"A corner at x = {x0:g}: no tangent, a fan of subgradient lines"
    elif jump is not None:
        _note(
            ax,
            x0,
            y0,
            f"f jumps from {jump.left:.4g} to {jump.right:.4g}: no tangent\n"
            f"chainrule returns f′({x0:g}) = {jump.chosen:.4g}, by convention",
        )
        _footnote(fig, jump.notes)
        default = f"A jump at x = {x0:g}: no tangent, no derivative"
    else:
        ax.plot(xs, y0 + slope * (xs - x0), color="tab:orange", lw=1.5, ls="--", label="tangent")
        _note(ax, x0, y0, f"slope f′({x0:g}) = {slope:.4g}")
        default = f"The tangent at x = {x0:g}"
    ax.plot([x0], [y0], "o", color="black", zorder=5)
    finite = ys[np.isfinite(ys)]
    if finite.size:
        pad = 0.1 * (finite.max() - finite.min() or 1.0)
        ax.set_ylim(finite.min() - pad, finite.max() + pad)
    ax.set_xlim(xs[0], xs[-1])
    ax.set(xlabel="x", ylabel="f(x)", title=title or default)
    ax.legend(loc="best", fontsize="small")
    return fig


def _note(ax: Axes, x0: float, y0: float, text: str) -> None:
    ax.annotate(
        text,
        (x0, y0),
        xytext=(12, -18),
        textcoords="offset points",
        va="top",
        bbox={"boxstyle": "round", "fc": "white", "alpha": 0.85},
    )


def _subgradient_fan(fig: Figure, ax: Axes, xs: np.ndarray, kink: Any, y0: float) -> None:
    """Lines through the corner with every slope of the subdifferential, chainrule's choice among them
    drawn solid, and the rule row's kink policy under the axes."""
    low, high = kink.interval
    x0 = kink.x
    for k, s in enumerate(np.linspace(low, high, 7)):
        ax.plot(
            xs,
            y0 + s * (xs - x0),
            color="tab:orange",
            lw=1,
            alpha=0.55,
            label=f"subgradient lines: slopes ∂f({x0:g}) = [{low:.4g}, {high:.4g}]" if k == 0 else "_fan",
        )
    ax.plot(
        xs,
        y0 + kink.chosen * (xs - x0),
        color="tab:red",
        lw=2,
        label=f"chainrule's f′({x0:g}) = {kink.chosen:.4g} (sides: {kink.left:.4g} and {kink.right:.4g})",
    )
    _footnote(fig, kink.notes)


def _footnote(fig: Figure, notes: Sequence[str]) -> None:
    """The rule rows' own words on their kinks, under the axes."""
    if notes:
        words = " ".join(f"{note}." for note in notes)
        fig.supxlabel(textwrap.fill(words, 120), fontsize="small", color="dimgray")


def secant_plot(
    f: Callable[..., Any],
    x0: float,
    steps: Sequence[float] = (2.0, 1.0, 0.5, 0.25, 0.1),
    xlim: Sequence[float] | None = None,
) -> Figure:
    """Secant lines through ``x0`` and ``x0 + h`` for shrinking ``h``, closing in on the tangent.

    Parameters
    ----------
    f : callable
        A scalar function of a scalar.
    x0 : float
        The point.
    steps : sequence of float
        The steps ``h`` (finite, nonzero, with ``f(x0 + h)`` finite), drawn in a sequential palette from
        light (largest ``|h|``) to dark, each with its point ``(x0 + h, f(x0 + h))`` marked.
    xlim : (float, float), optional
        The interval drawn.

    Returns
    -------
    matplotlib.figure.Figure
        The legend gives each secant's slope ``(f(x0+h) − f(x0))/h`` and the tangent's slope.

    Examples
    --------
    >>> fig = secant_plot(lambda x: x**2, 1.0, steps=[1.0, 0.1])
    >>> len(fig.axes[0].get_legend().get_texts())
    4
    """
    from chainrule.viz.kinks import find_jump, find_kink

    function(f, "secant_plot")
    x0 = number(x0, "x0", "secant_plot")
    hs = _steps(steps)
    xs = _window(x0, xlim, "secant_plot")
    ys = values_of(f, xs, "secant_plot")
    y0, slope = _point_and_slope(f, x0, "secant_plot")
    ends = _second_points(f, x0, hs)
    kink = find_kink(f, x0)
    if kink is not None and (all(h > 0 for h in hs) or all(h < 0 for h in hs)):
        # at a corner each side has its own limit: show both, where f is defined on the other side
        mirrored = [-h for h in hs]
        with np.errstate(all="ignore"):
            values = values_of(f, x0 + np.array(mirrored), "secant_plot")
        kept = np.isfinite(values)
        hs, ends = hs + np.array(mirrored)[kept].tolist(), ends + values[kept].tolist()
    fig = new_figure()
    ax = fig.add_subplot()
    ax.plot(xs, ys, color="tab:blue", lw=2, label="f(x)")
    _draw_secants(ax, xs, x0, y0, hs, ends)
    if kink is None and find_jump(f, x0) is not None:
        title = f"No tangent at x = {x0:g}: f jumps, and the secants' slopes grow without bound"
    elif kink is None:
        ax.plot(xs, y0 + slope * (xs - x0), color="black", lw=2, ls="--", label=f"tangent: slope {slope:.4g}")
        title = f"Secants converge on the tangent at x = {x0:g}"
    else:
        for side, limit in (("−", kink.left), ("+", kink.right)):
            ax.plot(
                xs,
                y0 + limit * (xs - x0),
                color="black",
                lw=1.5,
                ls="--",
                label=f"f′({x0:g}{side}) = {limit:.4g}",
            )
        title = f"No tangent at x = {x0:g}: each side's secants close in on its own slope"
    ax.plot([x0], [y0], "o", color="black", ms=8, zorder=6)
    finite = ys[np.isfinite(ys)]
    if finite.size:
        pad = 0.1 * (finite.max() - finite.min() or 1.0)
        ax.set_ylim(finite.min() - pad, finite.max() + pad)
    ax.set(xlabel="x", ylabel="f(x)", title=title)
    ax.legend(loc="best", fontsize="small")
    return fig


def _steps(steps: Any) -> list[float]:
    """The steps of :func:`secant_plot` as floats, each finite and nonzero."""
    try:
        hs = np.asarray(steps, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ChainruleTypeError(
            f"secant_plot: steps must be a sequence of numbers, e.g. steps=[1.0, 0.5, 0.1], got {steps!r}"
        ) from exc
    if hs.ndim != 1 or hs.size == 0:
        raise ChainruleValueError(
            f"secant_plot: steps must be a non-empty sequence of numbers, e.g. steps=[1.0, 0.5, 0.1], got "
            f"{steps!r}"
        )
    bad = hs[~np.isfinite(hs) | (hs == 0)]
    if bad.size:
        raise ChainruleValueError(
            f"secant_plot: steps must be finite and nonzero (each is a step h from x0 to x0 + h), got "
            f"{float(bad[0])!r} in steps={hs.tolist()}; write e.g. steps=[1.0, 0.5, 0.1]"
        )
    return [float(h) for h in hs]


def _second_points(f: Callable[..., Any], x0: float, hs: list[float]) -> list[float]:
    """``f(x0 + h)`` for each step, refusing a step whose second point is not on the graph of ``f``."""
    with np.errstate(all="ignore"):
        ends = values_of(f, x0 + np.array(hs), "secant_plot")
    for h, end in zip(hs, ends, strict=True):
        if not np.isfinite(end):
            raise ChainruleValueError(
                f"secant_plot: f(x0 + h) = f({x0 + h:g}) is {end:g} for the step h = {h:g} of steps: x0 + h "
                "is outside the domain of f (or f overflows there), so there is no secant; leave that step "
                "out or choose steps with x0 + h where f is finite"
            )
    return [float(end) for end in ends]


def _draw_secants(ax: Axes, xs: np.ndarray, x0: float, y0: float, hs: list[float], ends: list[float]) -> None:
    """Each secant and its second point ``(x0 + h, f(x0 + h))``, in a sequential palette: light for the
    largest |h|, dark for the smallest, whatever order the steps come in (h and −h share a colour)."""
    from matplotlib import colormaps

    sizes = sorted({abs(h) for h in hs}, reverse=True)
    palette = colormaps["plasma"](np.linspace(0.8, 0.05, len(sizes)))
    for h, y1 in zip(hs, ends, strict=True):
        colour = palette[sizes.index(abs(h))]
        secant = (y1 - y0) / h + 0.0  # + 0.0: no "slope -0"
        ax.plot(xs, y0 + secant * (xs - x0), color=colour, lw=1.4, label=f"h = {h:g}: slope {secant:.4g}")
        ax.plot([x0 + h], [y1], "o", color=colour, ms=8, mec="black", mew=0.8, zorder=5)


# The step that balances truncation against round-off, in units of max(1, |x|): the rule of thumb of
# numerical analysis (error ≈ h·|f″|/2 + ε·|f|/h for forward differences, h²·|f‴|/6 + ε·|f|/h for central).
_THEORY = {"forward": ("√ε", 1 / 2), "central": ("∛ε", 1 / 3)}


def error_vs_step(f: Callable[..., Any], x0: float, steps: Any = None) -> Figure:
    """The error of forward, central and complex-step quotients against the step, on log-log axes.

    Forward and central differences make a V: truncation error falls with ``h`` (``h²``) to the right,
    round-off ``ε/h`` rises to the left. Two marks per V: a dotted vertical line at the step theory
    predicts for its bottom (``h ≈ √ε`` and ``h ≈ ∛ε`` times ``max(1, |x0|)``), and a star at the step
    whose error was smallest here. They need not coincide: near the bottom the round-off is random, so
    the measured minimum can fall a decade or two to the left of the prediction. The legend sits below
    the axes, where it cannot cover either. Where ``f`` has no derivative (a corner, a jump) there is no V
    and no best step: the plot says so instead, in the words of :func:`chainrule.numeric.derivative`.

    Parameters
    ----------
    f : callable
        A scalar function of a scalar (complex-safe for the complex-step curve: called on a complex NumPy
        scalar, it must return a complex value).
    x0 : float
        The point.
    steps : array_like, optional
        The steps; default four per decade, ``max(|x0|, 1)·10⁻ᵏ`` for ``k = 1, 1.25, … 16``, fine enough to
        show where the bottom of each V is (see :func:`chainrule.numeric.convergence`).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> fig = error_vs_step(np.exp, 1.0, steps=10.0 ** -np.arange(1, 17))
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_ylabel()
    ('log', 'absolute error')
    >>> [line.get_label() for line in fig.axes[0].get_lines() if line.get_marker() == "*"]
    ['forward: measured best, h = 1e-09', 'central: measured best, h = 1e-07']
    """
    from chainrule.numeric import convergence

    function(f, "error_vs_step")
    x0 = number(x0, "x0", "error_vs_step")
    if steps is None:
        steps = max(1.0, abs(x0)) * 10.0 ** -np.arange(1.0, 16.01, 0.25)
    c = convergence(f, x0, steps)
    floor = 1e-17  # an exact estimate has error 0, which a log axis cannot show
    fig = new_figure(7.0, 5.2)
    ax = fig.add_subplot()
    colours = {"forward": "tab:blue", "central": "tab:green", "complex": "tab:purple"}
    for scheme, colour in colours.items():
        errors = np.maximum(c.errors[scheme], floor)
        if np.all(np.isnan(errors)):
            continue
        name = "complex step (no round-off)" if scheme == "complex" else scheme
        ax.loglog(c.steps, errors, "o-", color=colour, ms=3, lw=1.2, label=name)
        if scheme in _THEORY and c.reference.success:
            _mark_the_bottom(ax, c, scheme, colour, x0)
    if not c.reference.success:  # a corner or a jump: the errors are measured against no derivative
        ax.text(
            0.5,
            0.5,
            textwrap.fill(f"f′({x0:g}) does not exist: {c.reference.message}", 60),
            transform=ax.transAxes,
            ha="center",
            va="center",
            bbox={"boxstyle": "round", "fc": "lightyellow", "ec": "darkgoldenrod"},
        )
    if c.reference.success:  # the two branches of the V
        ax.text(
            0.97, 0.15, "truncation\n(error ∝ h, h²)", transform=ax.transAxes, ha="right", color="dimgray"
        )
        ax.text(0.03, 0.6, "round-off\n(error ∝ ε/h)", transform=ax.transAxes, ha="left", color="dimgray")
    ax.set(xlabel="step h", ylabel="absolute error", title=f"Error of difference quotients at x = {x0:g}")
    fig.legend(loc="outside lower center", fontsize="small", ncols=2)
    return fig


def _mark_the_bottom(ax: Axes, c: Any, scheme: str, colour: str, x0: float) -> None:
    """The theory's best step (a dotted vertical line) and the measured one (a star on the curve)."""
    symbol, power = _THEORY[scheme]
    theory = float(np.finfo(float).eps ** power * max(1.0, abs(x0)))
    scale = "" if abs(x0) <= 1 else f"·{abs(x0):g}"
    label = f"{scheme}: theory, h ≈ {symbol}{scale} = {theory:.1e}"
    ax.axvline(theory, color=colour, ls=":", lw=1.5, label=label)
    k = int(np.nanargmin(c.errors[scheme]))
    best, error = float(c.steps[k]), max(float(c.errors[scheme][k]), 1e-17)
    label = f"{scheme}: measured best, h = {best:.0e}"
    ax.plot([best], [error], "*", color=colour, ms=15, mec="black", label=label)


def save(fig: Figure, path: str | os.PathLike[str], dpi: int = 120) -> Path:
    """Write ``fig`` to ``path``; the suffix (``.png``, ``.svg`` or ``.pdf``) picks the format.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    target = Path(path)
    if target.suffix.lower() not in _FORMATS:
        raise ChainruleValueError(
            f"save: cannot tell the format of {str(target)!r}; use a name ending in {', '.join(_FORMATS)}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=dpi)
    return target
