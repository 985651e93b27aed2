"""At a corner the tangent plot draws the subgradient fan, with the interval the rule row states and the
slope chainrule returns; elsewhere it draws one tangent."""

from __future__ import annotations

import re

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import chainrule as cr  # noqa: E402
from chainrule import viz  # noqa: E402
from chainrule.core.rules.piecewise import absolute_p, fabs_p  # noqa: E402
from chainrule.core.rules.special import relu_p  # noqa: E402
from chainrule.viz.kinks import find_kink  # noqa: E402


def _stated_interval(prim) -> tuple[float, float]:
    """The interval the row's own kink text states ("every slope in [0, 1] is a subderivative")."""
    low, high = re.search(r"\[(-?[\d.]+), (-?[\d.]+)\]", prim.kink).groups()
    return float(low), float(high)


@pytest.mark.parametrize(
    ("prim", "f"), [(absolute_p, np.abs), (fabs_p, np.fabs), (relu_p, cr.relu)], ids=["abs", "fabs", "relu"]
)
def test_the_interval_is_the_rows_own(prim, f):
    kink = find_kink(f, 0.0)
    assert kink is not None
    assert kink.interval == _stated_interval(prim)
    assert kink.chosen == float(cr.grad(f)(0.0)) == 0.0  # abs'(0) = relu'(0) = 0, the rows' convention
    assert kink.notes == (prim.kink,)


def test_a_composite_corner_and_smooth_points():
    kink = find_kink(lambda x: np.abs(x - 1) + x**2, 1.0)  # sides 1 and 3, chainrule 0 + 2x = 2
    assert kink is not None
    assert np.allclose(kink.interval, (1.0, 3.0), atol=1e-9)
    assert kink.chosen == 2.0
    assert np.isclose(find_kink(lambda x: np.maximum(x, 0.0), 0.0).chosen, 0.5)  # a tie splits ½ ½
    for f, x in (
        (np.sin, 0.0),
        (lambda x: np.exp(40 * x), 0.1),
        (lambda x: np.sin(50 * x), 0.3),
        (np.abs, 1.0),
    ):
        assert find_kink(f, x) is None
    assert find_kink(lambda x: np.abs(x) ** 2, 0.0) is None  # abs at its corner, but f is smooth


def _lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def _slope(line) -> float:
    xs, ys = line.get_data()
    return float((ys[-1] - ys[0]) / (xs[-1] - xs[0]))


@pytest.mark.parametrize(
    ("f", "interval"), [(np.abs, (-1.0, 1.0)), (cr.relu, (0.0, 1.0))], ids=["abs", "relu"]
)
def test_the_kink_plot_draws_the_fan_not_a_tangent(f, interval):
    fig = viz.tangent_plot(f, 0.0, xlim=(-2, 2))
    ax = fig.axes[0]
    lines = _lines(ax)
    assert "tangent" not in lines
    texts = "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))
    assert "slope f′(0) = 0" not in texts  # the old, false label
    fan = [
        line for line in ax.get_lines() if line.get_label() in ("_fan",) or line.get_label().startswith("sub")
    ]
    assert np.allclose(sorted(_slope(line) for line in fan), np.linspace(*interval, 7))
    chosen = next(line for label, line in lines.items() if label.startswith("chainrule's f′(0) = 0"))
    assert _slope(chosen) == 0.0
    assert f"∂f(0) = [{interval[0]:g}, {interval[1]:g}]" in texts
    assert "chainrule takes" in texts  # the row's convention, quoted


def test_a_smooth_point_still_gets_its_tangent():
    lines = _lines(viz.tangent_plot(np.abs, 1.0).axes[0])
    assert np.isclose(_slope(lines["tangent"]), 1.0)
    assert not any(label == "_fan" for label in lines)


def test_secants_at_a_corner_close_in_on_each_sides_slope():
    ax = viz.secant_plot(cr.relu, 0.0, steps=[1.0, 0.1]).axes[0]
    lines = _lines(ax)
    assert not any(label.startswith("tangent") for label in lines)
    assert np.isclose(_slope(lines["f′(0−) = 0"]), 0.0)
    assert np.isclose(_slope(lines["f′(0+) = 1"]), 1.0)
    assert {"h = 0.1: slope 1", "h = -0.1: slope 0"} <= set(lines)  # both sides, though only h > 0 given


def test_at_a_jump_there_is_neither_tangent_nor_fan():
    from chainrule.core.rules.piecewise import sign_p
    from chainrule.viz.kinks import find_jump

    jump = find_jump(np.sign, 0.0)
    assert (jump.left, jump.right, jump.chosen) == (-1.0, 1.0, 0.0)
    assert jump.notes == (sign_p.kink,)
    assert find_jump(np.sin, 0.0) is None
    fig = viz.tangent_plot(np.sign, 0.0)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert "tangent" not in labels
    assert not any(label.startswith("subgradient") for label in labels)
    texts = "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))
    assert "f jumps from -1 to 1: no tangent" in texts
    assert sign_p.kink in texts.replace("\n", " ")
    secants = viz.secant_plot(np.sign, 0.0, steps=[1.0, 0.1]).axes[0]
    assert not any(line.get_label().startswith("tangent") for line in secants.get_lines())
