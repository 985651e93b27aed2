"""What ``chainrule plot`` draws: the figures themselves, caught on their way to the file."""

from __future__ import annotations

import contextlib
import io
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from chainrule import viz
from chainrule.cli import main
from chainrule.cli.tour import IMPORTS, SNIPPETS


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


class _Page(HTMLParser):
    """The parts of the tour's page the tests read: contents links, section anchors, figures."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.anchors: list[str] = []
        self.figures: list[dict[str, Any]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href", "").startswith("#"):
            self.links.append(str(attributes["href"])[1:])
        if tag == "h2" and attributes.get("id"):
            self.anchors.append(str(attributes["id"]))
        if tag == "figure":
            self.figures.append({"img": None, "caption": "", "code": ""})
        if self.figures and tag == "img":
            self.figures[-1]["img"] = attributes.get("src")
        if self.figures and (tag == "figcaption" or (tag == "pre" and attributes.get("class") == "code")):
            self._in = "caption" if tag == "figcaption" else "code"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("figcaption", "pre"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self.figures[-1][self._in] += data


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("tour")
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert main(["--plain", "tour", "--out", str(folder)]) == 0
    return folder, output.getvalue()


def test_the_tour_page_has_contents_captions_and_code(tour):
    folder, out = tour
    page = _Page()
    page.feed((folder / "index.html").read_text(encoding="utf-8"))
    assert len(page.anchors) == 7
    assert page.links == page.anchors  # the table of contents links every section, in order
    pictures = [f["img"] for f in page.figures]
    assert pictures == list(SNIPPETS)  # every picture is on the page, once
    for figure in page.figures:
        assert (folder / figure["img"]).stat().st_size > 1000
        assert len(figure["caption"]) > 20, figure
        assert figure["code"] == SNIPPETS[figure["img"]]
    assert "f′(3) = 14" in out
    assert "cr.grad(np.abs)(0.0) = 0" in out


def test_the_page_imports_are_the_names_the_snippets_ran_with():
    # the tour ran each snippet with np, cr and viz bound (the test above saw every picture drawn); the
    # imports at the top of the page bind the same names, so a reader's copy runs as the tour's did
    import chainrule as cr

    names: dict[str, Any] = {}
    exec(IMPORTS, names)
    assert (names["np"], names["cr"], names["viz"]) == (np, cr, viz)
    assert all("run." in code or "fig =" in code or "svg =" in code for code in SNIPPETS.values())


def test_a_long_formula_is_cut_short_in_the_picture(tmp_path: Path) -> None:
    # the whole of a 9,800-character formula in the legend squeezed the axes to nothing
    import warnings

    from matplotlib import pyplot as plt

    long = "+".join(f"sin({k}*x)" for k in range(1, 300))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["--plain", "plot", long, "-o", str(tmp_path / "p.png")]) == 0
    assert not [w for w in caught if "constrained_layout" in str(w.message)]
    assert (tmp_path / "p.png").stat().st_size > 0
    plt.close("all")
