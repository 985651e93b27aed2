"""The nine shapes of docs/matrix.md, in every layout and every mode: the engine (forward and reverse), the
symbolic side and the command line; the Hessian's layouts; the pictures' labels."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli import main
from chainrule.layouts import LAYOUTS, layout_axes, layout_shape
from chainrule.symbolic import matrix as mx

DOCS = Path(__file__).resolve().parents[3] / "docs" / "matrix.md"
SIZES = {"m": 4, "l": 5, "n": 3, "k": 2}
OUTPUTS = {"scalar": (), "vector": ("m",), "matrix": ("m", "l")}
INPUTS = {"scalar": (), "vector": ("n",), "matrix": ("n", "k")}
# an expression of each kind of output in each kind of input
EXPRESSIONS = {
    ("scalar", "scalar"): ("sin(t)", {"t": ""}),
    ("scalar", "vector"): ("sum(sin(x))", {"x": "n"}),
    ("scalar", "matrix"): ("sum(sin(X))", {"X": "n,k"}),
    ("vector", "scalar"): ("sin(t) a", {"t": "", "a": "m"}),
    ("vector", "vector"): ("B sin(x)", {"B": "m,n", "x": "n"}),
    ("vector", "matrix"): ("sin(X) c", {"X": "m,k", "c": "k"}),
    ("matrix", "scalar"): ("sin(t) C", {"t": "", "C": "m,l"}),
    ("matrix", "vector"): ("P diag(sin(x)) Q", {"P": "m,n", "x": "n", "Q": "n,l"}),
    ("matrix", "matrix"): ("P sin(X) Q", {"P": "m,n", "X": "n,k", "Q": "k,l"}),
}


def _documented_table() -> dict[tuple[str, str], list[str]]:
    text = DOCS.read_text()
    start = text.index("<!-- the nine shapes")
    lines = [line for line in text[start:].splitlines()[1:] if line.startswith("|")][2:5]
    out = {}
    for line in lines:
        cells = [c.strip() for c in line.strip("|").split("|")]
        y_kind = cells[0].split()[1]
        for x_kind, cell in zip(INPUTS, cells[1:], strict=True):
            out[y_kind, x_kind] = re.findall(r"`([^`]+)`", cell)
    return out


TABLE = _documented_table()
PAIRS = [(y, x) for y in OUTPUTS for x in INPUTS]


def _named(y: str, x: str, layout: str) -> str:
    shape = layout_shape(OUTPUTS[y], INPUTS[x], layout)
    return "×".join(shape) or "scalar"


def test_the_documented_table_is_the_definition() -> None:
    assert len(TABLE) == 9
    for (y, x), cells in TABLE.items():
        assert cells == [_named(y, x, layout) for layout in LAYOUTS], (y, x)


def _variable_of(x_kind: str, shapes: dict[str, str]) -> str:
    return {"scalar": "t", "vector": "x", "matrix": "X"}[x_kind]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("y", "x"), PAIRS)
def test_engine_and_symbolic_shapes_follow_the_table(y: str, x: str, layout: str) -> None:
    text, shapes = EXPRESSIONS[y, x]
    var = _variable_of(x, shapes)
    expr = mx.parse(text, shapes)
    result = mx.diff(expr, var, layout=layout)
    v = mx.api.resolve(var, expr)
    want = layout_shape(expr.shape, v.shape, layout)
    assert result.shape == want
    rng = np.random.default_rng(0)
    arrays = {
        n: rng.normal(size=tuple(SIZES[d] for d in s.replace(",", " ").split())) for n, s in shapes.items()
    }
    arrays = {n: (float(a) if a.ndim == 0 else a) for n, a in arrays.items()}

    def f(value: np.ndarray) -> np.ndarray:
        return mx.lambdify(expr, sorted(shapes))(*(value if n == var else arrays[n] for n in sorted(shapes)))

    numeric = tuple(SIZES[d] for d in want)
    symbolic = np.asarray(result.evaluate(arrays | SIZES))
    for mode in ("fwd", "rev"):
        engine = np.asarray(cr.jacobian(f, layout=layout, mode=mode)(np.asarray(arrays[var], dtype=float)))
        assert engine.shape == numeric
        np.testing.assert_allclose(symbolic, engine, rtol=1e-10, atol=1e-12)
    # the orientation of a 1-d result: a row where the layout makes it one
    if result.ndim == 1:
        assert result.row == (
            (layout == "numerator" and x == "vector") or (layout == "denominator" and y == "vector")
        )


def test_the_table_shapes_in_words_match_each_pair() -> None:
    # the documented named shapes, for the documented kinds (m×l by n×k), are layout_shape's
    for (y, x), cells in TABLE.items():
        for layout, cell in zip(LAYOUTS, cells, strict=True):
            assert cell == _named(y, x, layout)
            axes = layout_axes(len(OUTPUTS[y]), len(INPUTS[x]), layout)
            assert sorted(axes) == list(range(len(OUTPUTS[y]) + len(INPUTS[x])))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("y", "x"), [("scalar", "matrix"), ("vector", "vector"), ("matrix", "matrix")])
def test_the_command_line_prints_the_layout_shape(
    capsys: pytest.CaptureFixture[str], y: str, x: str, layout: str
) -> None:
    text, shapes = EXPRESSIONS[y, x]
    spec = ",".join(f"{n}={s}" for n, s in shapes.items())
    var = _variable_of(x, shapes)
    assert main(["diff", text, "--wrt", var, "--shapes", spec, "--layout", layout, "--plain"]) == 0
    out = capsys.readouterr().out
    expr = mx.parse(text, shapes)
    want = layout_shape(expr.shape, mx.api.resolve(var, expr).shape, layout)
    assert f"(shape {'×'.join(map(str, want))}" in out
    assert f"({layout} layout)" in out
    found = re.search(r"differ by at most ([0-9.e+-]+)", out)
    assert found is not None
    assert float(found.group(1)) < 1e-12


@pytest.mark.parametrize("layout", LAYOUTS)
def test_hessians_are_jacobians_of_gradients_in_each_layout(layout: str) -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3, 2))
    f = lambda X: np.sum(np.sin(X) * X[0, 1]) + np.sum(X**3)  # noqa: E731
    h = cr.hessian(f, layout=layout)(X)
    np.testing.assert_allclose(h, cr.jacobian(cr.grad(f), layout=layout)(X))
    assert h.shape == layout_shape((3, 2), (3, 2), layout)
    symbolic = mx.hessian("sum(sin(X)) s + sum(X.^3)", "X", shapes={"X": "n,k", "s": ""}, layout=layout)
    assert symbolic.shape == layout_shape(("n", "k"), ("n", "k"), layout)


def test_a_wrong_layout_is_refused_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    for call in (
        lambda: cr.jacobian(np.sin, layout="row"),
        lambda: cr.hessian(np.sin, layout="row"),
        lambda: cr.diff("x' x", "x", shapes={"x": "n"}, layout="row"),
        lambda: cr.symbolic.jacobian(["x"], "x", layout="row"),
    ):
        with pytest.raises(cr.ChainruleValueError, match="layout"):
            call()
    assert main(["diff", "x' x", "--shapes", "x=n", "--layout", "row"]) == 2


def test_the_heatmap_labels_its_layout() -> None:
    pytest.importorskip("matplotlib")
    from chainrule import viz

    J = np.arange(6.0).reshape(2, 3)
    mixed = viz.jacobian_heatmap(J, ["y1", "y2"], ["x1", "x2", "x3"]).axes[0]
    assert (mixed.get_ylabel(), mixed.get_xlabel()) == ("output i", "input j")
    assert "mixed layout" in mixed.get_title()
    den = viz.jacobian_heatmap(J.T, ["y1", "y2"], ["x1", "x2", "x3"], layout="denominator").axes[0]
    assert (den.get_ylabel(), den.get_xlabel()) == ("input j", "output i")
    assert [t.get_text() for t in den.get_yticklabels()] == ["x1", "x2", "x3"]
    with pytest.raises(cr.ChainruleValueError, match="layout"):
        viz.jacobian_heatmap(J, layout="sideways")
