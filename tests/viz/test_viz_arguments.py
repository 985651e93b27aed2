"""Mistakes in the arguments of the plots are one chainrule error naming the argument, never a NumPy or
matplotlib traceback from inside, and never a silently wrong picture."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from chainrule import nn, viz  # noqa: E402
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError  # noqa: E402


def cubic(x: Any) -> Any:
    return x**3 - 3 * x


def _legend(fig: Any) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


# ---------------------------------------------------------------- decision_boundary


def test_decision_boundary_takes_a_model_returning_a_tensor() -> None:
    model = nn.MLP(2, [4, 1], seed=0)
    X, y = nn.make_moons(50)
    fig = viz.decision_boundary(lambda P: model(P)[:, 0], X, y)  # its own docstring's example
    boundary = fig.axes[0].collections
    assert boundary  # the regions, the boundary and the two classes were drawn
    assert _legend(fig) == ["class 0", "class 1"]


@pytest.mark.parametrize("labels", [lambda y: 2 * y - 1, lambda y: y, lambda y: 3 * y + 2])
def test_decision_boundary_draws_every_label_value(labels: Any) -> None:
    X, y = nn.make_moons(50)
    values = labels(y)
    fig = viz.decision_boundary(lambda P: P[:, 0] - 0.5, X, values)
    drawn = {
        c.get_label(): len(c.get_offsets()) for c in fig.axes[0].collections if c.get_label()[:5] == "class"
    }
    assert drawn == {f"class {v}": int(np.sum(values == v)) for v in np.unique(values)}
    assert sum(drawn.values()) == len(X)  # no point left out


def test_decision_boundary_refuses_mismatched_arguments() -> None:
    X, y = nn.make_moons(50)
    with pytest.raises(ShapeError, match="50 points in X but 49 labels"):
        viz.decision_boundary(lambda P: P[:, 0], X, y[:-1])
    with pytest.raises(ShapeError, match=r"one logit per point.*model\(P\)\[:, 0\]"):
        viz.decision_boundary(lambda P: P, X, y)
    with pytest.raises(ChainruleTypeError, match="predict must be a function"):
        viz.decision_boundary("model", X, y)  # type: ignore[arg-type]


# ---------------------------------------------------------------- secant_plot


def test_secant_plot_takes_an_array_of_steps() -> None:
    steps = np.array([1.0, 0.5])
    labels = _legend(viz.secant_plot(np.sin, 1.0, steps=steps))
    for h in steps:
        assert f"h = {h:g}: slope {(np.sin(1.0 + h) - np.sin(1.0)) / h:.4g}" in labels


@pytest.mark.parametrize("steps", [[np.nan], [1.0, np.inf], [0.5, 0.0], [-np.inf]])
def test_secant_plot_refuses_steps_that_are_not_finite_and_nonzero(steps: list[float]) -> None:
    with pytest.raises(ChainruleValueError, match=r"secant_plot: steps must be finite and nonzero.*steps=\["):
        viz.secant_plot(np.sin, 1.0, steps=steps)


@pytest.mark.parametrize("steps", [[], [[1.0, 0.5]], "big"])
def test_secant_plot_refuses_steps_that_are_not_a_sequence_of_numbers(steps: Any) -> None:
    with pytest.raises((ChainruleTypeError, ChainruleValueError), match="steps must be"):
        viz.secant_plot(np.sin, 1.0, steps=steps)


def test_secant_plot_refuses_a_step_outside_the_domain() -> None:
    with pytest.raises(
        ChainruleValueError, match=r"f\(-0\.5\) is nan for the step h = -1.*outside the domain"
    ):
        viz.secant_plot(np.log, 0.5, steps=[-1.0, 0.5])
    fig = viz.secant_plot(np.log, 0.5, steps=[0.25, 0.5])  # inside it: drawn, no NaN slope
    assert not any("nan" in label for label in _legend(fig))


def test_secant_plot_at_a_corner_mirrors_only_the_steps_inside_the_domain() -> None:
    # a corner at 0, and defined for x >= -1 only: of the mirrored steps -2 and -0.5, -2 is outside
    def f(x: Any) -> Any:
        return np.abs(x) + np.sqrt(x + 1)

    fig = viz.secant_plot(f, 0.0, steps=[2.0, 0.5])
    labels = _legend(fig)
    assert any(label.startswith("h = -0.5:") for label in labels)
    assert not any(label.startswith("h = -2:") for label in labels)
    assert not any("nan" in label for label in labels)


# ---------------------------------------------------------------- tangent_plot and the point x0


@pytest.mark.parametrize("plot", [viz.tangent_plot, viz.secant_plot])
def test_x0_outside_xlim_is_refused(plot: Any) -> None:
    with pytest.raises(ChainruleValueError, match=r"x0 = 5 is outside xlim = \(-2, 2\); widen xlim"):
        plot(cubic, 5.0, xlim=(-2, 2))


@pytest.mark.parametrize("plot", [viz.tangent_plot, viz.secant_plot, viz.error_vs_step])
def test_x0_must_be_one_finite_number(plot: Any) -> None:
    with pytest.raises(
        ChainruleTypeError, match=r"x0 must be a number, got an array of shape \(2,\).*x0=1\.0"
    ):
        plot(np.sin, np.array([1.0, 2.0]))
    with pytest.raises(ChainruleTypeError, match="x0 must be a number, got str"):
        plot(np.sin, "1")
    with pytest.raises(ChainruleValueError, match="x0 must be finite"):
        plot(np.sin, np.nan)
    with pytest.raises(ChainruleTypeError, match="f must be a function"):
        plot("sin", 1.0)


def test_a_function_must_return_a_number() -> None:
    with pytest.raises(ChainruleTypeError, match=r"tangent_plot: f must return a number.*shape \(2,\)"):
        viz.tangent_plot(lambda x: np.stack([x, x**2]), 1.0)
    with pytest.raises(ChainruleTypeError, match=r"secant_plot: f must return a number"):
        viz.secant_plot(lambda x: np.stack([x, x**2]), 1.0)


# ---------------------------------------------------------------- fields


def test_a_field_must_be_a_function_returning_a_number() -> None:
    with pytest.raises(
        ChainruleTypeError, match=r"gradient_field: f must return a number.*lambda p: f\(p\)\[0\]"
    ):
        viz.gradient_field(lambda x: x**2)
    path = np.array([[1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(ChainruleTypeError, match=r"descent_path: f must return a number"):
        viz.descent_path(lambda x: x**2, path)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"output_labels": ["x", "y"], "input_labels": ["r", "t"]}, "J has 3 rows but 2 output_labels"),
        ({"output_labels": ["x", "y", "z"], "input_labels": ["r"]}, "J has 2 columns but 1 input_labels"),
        (
            {"output_labels": ["x", "y", "z"], "input_labels": ["r", "t"], "layout": "denominator"},
            "J has 3 rows but 2 input_labels",
        ),
    ],
)
def test_jacobian_heatmap_labels_must_match_the_matrix(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ShapeError, match=match):
        viz.jacobian_heatmap(np.ones((3, 2)), **kwargs)
