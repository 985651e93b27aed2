"""Without matplotlib, plots raise an ImportError that says what to install; graphs still draw as SVG."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule import viz
from chainrule.errors import ChainruleError


@pytest.fixture
def no_matplotlib(monkeypatch):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes every import of it fail


@pytest.mark.usefixtures("no_matplotlib")
@pytest.mark.parametrize(
    "draw",
    [
        lambda: viz.tangent_plot(np.sin, 0.0),
        lambda: viz.secant_plot(np.sin, 0.0),
        lambda: viz.jacobian_heatmap([[1.0]]),
        lambda: viz.draw_graph(cr.Tensor(1.0, requires_grad=True) * 2.0, "png", engine="python"),
    ],
)
def test_plots_say_what_to_install(draw):
    with pytest.raises(ImportError, match=r"pip install chainrule\[viz\]") as info:
        draw()
    assert isinstance(info.value, ChainruleError)


@pytest.mark.usefixtures("no_matplotlib")
def test_svg_graphs_need_no_matplotlib():
    a = cr.Tensor(2.0, requires_grad=True)
    assert "value 4" in viz.draw_graph(a * a, "svg", engine="python")


@pytest.mark.usefixtures("no_matplotlib")
def test_the_plot_command_exits_2_with_the_hint(capsys):
    pytest.importorskip("chainrule.symbolic")
    from chainrule.cli import main

    assert main(["--plain", "plot", "x^2", "-o", "never-written.png"]) == 2
    err = capsys.readouterr().err
    assert "pip install chainrule[viz]" in err
    assert "Traceback" not in err
