"""What ``chainrule plot`` draws: the figures themselves, caught on their way to the file."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from chainrule import viz
from chainrule.cli import main


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Each figure the command saves, by the file name it is saved under."""
    saved: dict[str, Any] = {}
    real = viz.save

    def save(fig: Any, path: Any, *args: Any, **kwargs: Any) -> Any:
        saved[str(path).rsplit("/", 1)[-1]] = fig
        return real(fig, path, *args, dpi=30)

    monkeypatch.setattr(viz, "save", save)
    return saved


def test_the_error_plot_has_the_complex_step_curve(figures, tmp_path, capsys):
    # the lambdified expression turned a complex step into a float and lost the curve the docs promise
    target = str(tmp_path / "p.png")
    assert main(["--plain", "plot", "exp(x)*sin(x)", "--at", "1", "--error", "-o", target]) == 0
    ax = figures["p-error.png"].axes[0]
    curve = next(line for line in ax.get_lines() if line.get_label().startswith("complex step"))
    assert np.nanmax(curve.get_ydata()[30:]) < 1e-13  # exact to rounding at every small step


@pytest.mark.parametrize(("text", "interval"), [("abs(x)", "[-1, 1]"), ("relu(x)", "[0, 1]")])
def test_plot_at_a_kink_draws_the_subgradients(figures, tmp_path, text, interval):
    assert main(["--plain", "plot", text, "--at", "0", "-o", str(tmp_path / "k.png")]) == 0
    ax = figures["k.png"].axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert "tangent" not in labels
    assert f"subgradient lines: slopes ∂f(0) = {interval}" in labels
    assert any(label.startswith("chainrule's f′(0) = 0") for label in labels)
    assert f"f(x) = {text}" in labels
