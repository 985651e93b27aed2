"""``derivative``: accuracy, honest error bounds, methods, domains and argument checks."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule.numeric.strategies as strategies
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.numeric import NumericResult, derivative

# name: (f, derivatives of order 1..4, points)
SMOOTH: dict[str, tuple[Callable[[Any], Any], list[Callable[[float], float]], list[float]]] = {
    "exp": (np.exp, [math.exp] * 4, [-2.0, 0.0, 1.0, 10.0]),
    "sin": (
        np.sin,
        [math.cos, lambda x: -math.sin(x), lambda x: -math.cos(x), math.sin],
        [0.0, 0.5, 3.0],
    ),
    "log": (
        np.log,
        [lambda x: 1 / x, lambda x: -1 / x**2, lambda x: 2 / x**3, lambda x: -6 / x**4],
        [0.3, 2.0, 50.0],
    ),
    "x^1.5": (
        lambda x: x**1.5,
        [
            lambda x: 1.5 * x**0.5,
            lambda x: 0.75 * x**-0.5,
            lambda x: -0.375 * x**-1.5,
            lambda x: 0.5625 * x**-2.5,
        ],
        [0.1, 1.0, 7.0],
    ),
    "cubic": (
        lambda x: 2 * x**3 - x,
        [lambda x: 6 * x * x - 1, lambda x: 12 * x, lambda x: 12.0, lambda x: 0.0],
        [-1.5, 0.25],
    ),
}

CASES = [(name, f, d, x) for name, (f, d, xs) in SMOOTH.items() for x in xs for d in [d]]
# The bound a converged result reaches (relative to max(|truth|, 1)): Richardson's own error estimates
# over-estimate, by design, a little more than the true errors do.
TOLERANCE = {1: 2e-12, 2: 1e-8, 3: 1e-5, 4: 1e-4}


def _true_error(result: NumericResult, truth: float) -> float:
    return abs(float(result.value) - truth)


@pytest.mark.parametrize("method", ["auto", "richardson"])
@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize(("name", "f", "derivatives", "x"), CASES)
def test_accurate_and_honest(
    name: str, f: Any, derivatives: list[Any], x: float, order: int, method: str
) -> None:
    truth = derivatives[order - 1](x)
    result = derivative(f, x, order=order, method=method)
    error = _true_error(result, truth)
    assert result.status == 0, result.message
    assert error <= result.error, f"reported {result.error:.2g} but the error is {error:.2g}"
    assert result.error <= TOLERANCE[order] * max(abs(truth), 1.0)


@pytest.mark.parametrize("method", ["central", "forward", "backward"])
@pytest.mark.parametrize(("name", "f", "derivatives", "x"), CASES)
def test_single_quotients_are_honest(
    name: str, f: Any, derivatives: list[Any], x: float, method: str
) -> None:
    result = derivative(f, x, method=method)
    assert result.method == method
    assert _true_error(result, derivatives[0](x)) <= result.error
    assert result.error <= 1e-5 * max(abs(derivatives[0](x)), 1.0)


@pytest.mark.parametrize("accuracy", [2, 4, 6])
def test_central_accuracy_order(accuracy: int) -> None:
    result = derivative(np.sin, 1.0, method="central", accuracy=accuracy)
    assert abs(result.value - math.cos(1.0)) <= result.error < 1e-9


def test_auto_uses_the_complex_step_and_few_evaluations() -> None:
    result = derivative(np.exp, 1.0)
    assert result.method == "complex"
    assert result.value == pytest.approx(math.e, rel=1e-15)
    # the complex step at h and 2h, ten more for its rounding, six real ones to check it and f(x)
    assert result.n_evals <= 19
    assert result.status == 0
    assert result.message == "converged"


@pytest.mark.parametrize(
    "f",
    [
        lambda x: x * abs(x),
        lambda x: x * np.abs(x),
        lambda x: np.real(x) ** 2,
        lambda x: x * np.conj(x),
        lambda x: np.asarray(x, dtype=float) ** 2,
        lambda x: float(x) ** 2,
        lambda x: math.sin(x),
    ],
    ids=["abs", "np.abs", "np.real", "conj", "cast", "float", "math"],
)
def test_complex_step_falls_back_for_code_that_is_not_analytic(f: Any) -> None:
    x = 0.7
    truth = (f(x + 1e-7) - f(x - 1e-7)) / 2e-7
    result = derivative(f, x, method="complex")
    assert result.method == "richardson"
    assert result.value == pytest.approx(truth, rel=1e-6)
    assert "complex step" in result.message


def test_x_abs_x_by_complex_step_is_not_silently_wrong() -> None:
    result = derivative(lambda x: x * abs(x), 0.7, method="complex")
    assert abs(result.value - 1.4) <= result.error < 1e-10


def test_quick_path_matches_the_general_path(monkeypatch: pytest.MonkeyPatch) -> None:
    functions = [np.exp, np.sin, np.log, np.sqrt, np.arctan, lambda x: x * abs(x)]
    points = [1e-3, 0.1, 1.0, 3.0, 10.0, 1e6]
    fast = [derivative(f, x) for f in functions for x in points]
    monkeypatch.setattr(strategies, "_quick_applies", lambda problem, method: False)
    slow = [derivative(f, x) for f in functions for x in points]
    for a, b in zip(fast, slow, strict=True):
        assert (a.value, a.error, a.n_evals, a.method, a.status) == (
            b.value,
            b.error,
            b.n_evals,
            b.method,
            b.status,
        ) or (np.isnan(a.value) and np.isnan(b.value))


@pytest.mark.parametrize("method", ["auto", "richardson", "central"])
@pytest.mark.parametrize(
    ("f", "x", "truth"),
    [
        (np.sqrt, 1e-3, 0.5 / math.sqrt(1e-3)),
        (np.log, 1e-6, 1e6),
        (np.log, 1e-3, 1e3),
        (lambda x: np.sqrt(x) * np.log(x), 2e-4, (math.log(2e-4) + 2) / (2 * math.sqrt(2e-4))),
    ],
)
def test_domain_edges_shrink_the_step(f: Any, x: float, truth: float, method: str) -> None:
    result = derivative(f, x, method=method)
    assert np.isfinite(result.value)
    assert abs(result.value - truth) <= result.error
    if method != "central":
        assert result.error <= 1e-8 * abs(truth)


@pytest.mark.parametrize("method", ["auto", "richardson", "central"])
def test_bounds_keep_every_evaluation_inside(method: str) -> None:
    seen: list[float] = []

    def f(x: Any) -> Any:
        if not np.iscomplexobj(x):
            seen.append(float(x))
            assert x >= 1.0, "evaluated outside the bounds"
        return np.log(x - 0.999999) if np.iscomplexobj(x) else np.log(x)

    result = derivative(f, 1.0, method=method, bounds=(1.0, 3.0))
    assert min(seen) >= 1.0
    assert abs(result.value - 1.0) <= result.error < 1e-4


def test_one_sided_at_the_edge_of_the_domain() -> None:
    result = derivative(np.sqrt, 1.0, method="richardson", bounds=(1.0, 2.0))
    assert "forward" in result.method
    assert abs(result.value - 0.5) <= result.error < 1e-9


def test_sqrt_at_zero_does_not_converge_and_says_so() -> None:
    result = derivative(np.sqrt, 0.0)
    assert result.status < 0
    assert not result.success
    assert "did not converge" in result.message
    assert np.isfinite(result.value)


def test_nowhere_finite_gives_a_status_not_a_bare_nan() -> None:
    result = derivative(lambda x: np.log(-abs(x) - 1.0), 0.5)
    assert result.status == -2
    assert "not finite" in result.message


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_noise_is_reported_not_hidden(seed: int) -> None:
    rng = np.random.default_rng(seed)
    table: dict[float, float] = {}

    def noisy(x: Any) -> Any:
        value = float(np.asarray(x, dtype=float))  # a simulation: real input only
        if value not in table:
            table[value] = 1e-10 * rng.standard_normal()
        return math.sin(value) + table[value]

    result = derivative(noisy, 1.0)
    error = abs(result.value - math.cos(1.0))
    assert error <= result.error
    assert result.error > 1e-11  # not the 1e-16 of a smooth function
    assert "noisy" in result.message


@pytest.mark.parametrize(
    "f",
    [
        lambda x: np.float32(np.sin(np.float32(x))),
        lambda x: round(math.sin(float(np.asarray(x, dtype=float))), 6),
    ],
    ids=["float32", "rounded"],
)
@pytest.mark.parametrize("x", [0.3, 1.0, 3.0])
def test_coarse_functions_are_not_silently_wrong(f: Any, x: float) -> None:
    result = derivative(f, x)
    assert abs(result.value - math.cos(x)) <= result.error
    assert result.status != 0 or result.error > 1e-9


def test_array_points_elementwise() -> None:
    x = np.array([[0.5, 1.0], [2.0, 4.0]])
    result = derivative(np.sqrt, x)
    assert result.value.shape == x.shape
    np.testing.assert_allclose(result.value, 0.5 / np.sqrt(x), rtol=1e-14)
    assert np.all(np.abs(result.value - 0.5 / np.sqrt(x)) <= result.error)
    assert result.n_evals <= 19  # f is called on the whole array at once (as for one point)


def test_array_points_with_a_kink_mix_methods() -> None:
    x = np.array([-1.0, 0.5, 2.0])
    result = derivative(lambda v: v * np.abs(v), x)
    np.testing.assert_allclose(result.value, 2 * np.abs(x), rtol=1e-10)


def test_vector_valued_function_of_a_scalar() -> None:
    result = derivative(lambda t: np.array([t, t**2, np.sin(t)]), 2.0)
    np.testing.assert_allclose(result.value, [1.0, 4.0, math.cos(2.0)], rtol=1e-14)


def test_richardson_table_and_display() -> None:
    result = derivative(np.exp, 1.0, method="richardson")
    table = result.richardson_table
    assert table is not None
    assert table.estimates.shape[0] == len(table.steps) >= 3
    assert np.all(np.diff(table.steps) < 0)
    assert "T[k,1]" in str(table)
    assert "<table>" in result._repr_html_()
    assert "method='richardson'" in repr(result)


def test_user_step() -> None:
    result = derivative(np.sin, 1.0, method="central", step=1e-3)
    assert result.step == 1e-3
    assert abs(result.value - math.cos(1.0)) <= result.error


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": 3.0, "x": 1.0}, ChainruleTypeError, "callable"),
        ({"f": np.sin, "x": math.nan}, ChainruleValueError, "finite"),
        ({"f": np.sin, "x": [1.0, math.inf]}, ChainruleValueError, "finite"),
        ({"f": np.sin, "x": 1j}, ChainruleTypeError, "real"),
        ({"f": np.sin, "x": "one"}, ChainruleTypeError, "real"),
        ({"f": np.sin, "x": 1.0, "order": 0}, ChainruleValueError, "order"),
        ({"f": np.sin, "x": 1.0, "order": 1.5}, ChainruleTypeError, "order"),
        ({"f": np.sin, "x": 1.0, "method": "magic"}, ChainruleValueError, "method"),
        ({"f": np.sin, "x": 1.0, "step": -1.0}, ChainruleValueError, "step"),
        ({"f": np.sin, "x": 1.0, "bounds": (2.0, 3.0)}, ChainruleValueError, "bounds"),
        ({"f": lambda x: "text", "x": 1.0}, ChainruleTypeError, "numbers"),
        ({"f": lambda x: None, "x": 1.0}, ChainruleTypeError, "numbers"),
        ({"f": lambda x: x + 1j, "x": 1.0, "method": "central"}, ChainruleTypeError, "complex"),
        ({"f": lambda x: np.sum(x), "x": [1.0, 2.0]}, ShapeError, "elementwise"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        derivative(**kwargs)


def test_changing_output_shape_is_an_error() -> None:
    def f(x: Any) -> Any:
        return np.ones(2) * x if float(np.real(x)) > 1.0 else x

    with pytest.raises(ShapeError, match="same shape"):
        derivative(f, 1.0, method="central")


def test_errors_are_builtin_exceptions_too() -> None:
    with pytest.raises(TypeError):
        derivative(None, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        derivative(np.sin, math.inf)
