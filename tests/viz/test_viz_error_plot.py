"""The error-against-step plot: two distinct marks per V, each where its label says, and a legend that
covers neither."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from chainrule import viz  # noqa: E402
from chainrule.numeric import convergence  # noqa: E402

EPS = np.finfo(float).eps
STEPS = 10.0 ** -np.arange(1.0, 16.01, 0.25)  # the plot's default grid


def _lines(fig, marker=None, style=None):
    def wanted(line):
        return (marker is None or line.get_marker() == marker) and (
            style is None or line.get_linestyle() == style
        )

    return {line.get_label(): line for line in fig.axes[0].get_lines() if wanted(line)}


def test_theory_and_measured_minimum_are_two_marks_where_their_labels_say():
    fig = viz.error_vs_step(np.exp, 1.0)
    theory = _lines(fig, style=":")
    central = next(line for label, line in theory.items() if label.startswith("central"))
    assert np.allclose(central.get_xdata(), EPS ** (1 / 3))  # ∛ε ≈ 6.1e-6, where the text says
    assert "∛ε = 6.1e-06" in central.get_label()
    forward = next(line for label, line in theory.items() if label.startswith("forward"))
    assert np.allclose(forward.get_xdata(), EPS**0.5)
    assert "√ε = 1.5e-08" in forward.get_label()

    c = convergence(np.exp, 1.0, STEPS)
    stars = _lines(fig, marker="*")
    assert len(stars) == 2  # forward and central; the complex step has no V
    for scheme in ("forward", "central"):
        star = next(line for label, line in stars.items() if label.startswith(scheme))
        k = int(np.nanargmin(c.errors[scheme]))
        assert star.get_xdata()[0] == c.steps[k]
        assert np.isclose(star.get_ydata()[0], c.errors[scheme][k])
        assert f"h = {c.steps[k]:.0e}" in star.get_label()
    # the measured bottom of the central V lies within a decade of the theory's
    central_star = next(line for label, line in stars.items() if label.startswith("central"))
    assert 0.1 < central_star.get_xdata()[0] / EPS ** (1 / 3) < 10


def test_the_legend_covers_neither_the_minimum_nor_the_marks():
    fig = viz.error_vs_step(np.exp, 1.0)
    fig.draw_without_rendering()  # runs the constrained layout
    ax = fig.axes[0]
    legends = [legend for legend in (*fig.legends, ax.get_legend()) if legend is not None]
    assert legends
    inverse = ax.transData.inverted()
    for legend in legends:
        box = legend.get_window_extent()
        assert not box.overlaps(ax.get_window_extent())  # outside the axes altogether
        (x0, y0), (x1, y1) = inverse.transform([[box.x0, box.y0], [box.x1, box.y1]])  # in data coordinates
        for star in _lines(fig, marker="*").values():
            x, y = star.get_xdata()[0], star.get_ydata()[0]
            assert not (x0 <= x <= x1 and y0 <= y <= y1)


def test_the_complex_step_curve_is_drawn():
    fig = viz.error_vs_step(np.exp, 1.0)
    complex_curve = next(line for label, line in _lines(fig).items() if label.startswith("complex step"))
    assert np.nanmax(complex_curve.get_ydata()[30:]) < 1e-14  # no round-off branch


def test_at_a_corner_there_is_no_best_step_to_mark():
    fig = viz.error_vs_step(np.abs, 0.0)
    assert not _lines(fig, marker="*")
    assert not _lines(fig, style=":")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("does not exist" in t and "corner" in t for t in texts)
