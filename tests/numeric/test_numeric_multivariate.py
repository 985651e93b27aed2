"""Gradient, Jacobian (both layouts), Hessian, its diagonal and directional derivatives."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from chainrule.errors import ChainruleValueError, ShapeError
from chainrule.numeric import (
    directional_derivative,
    gradient,
    hessian,
    hessian_diag,
    jacobian,
)


def rosenbrock(x: Any) -> Any:
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosen_gradient(x: np.ndarray) -> np.ndarray:
    g = np.zeros_like(x)
    g[:-1] += -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    return g


def rosen_hessian(x: np.ndarray) -> np.ndarray:
    n = len(x)
    h = np.zeros((n, n))
    for i in range(n - 1):
        h[i, i] += 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
        h[i + 1, i + 1] += 200.0
        h[i, i + 1] = h[i + 1, i] = -400.0 * x[i]
    return h


X10 = np.linspace(-1.2, 1.3, 10)


def _relative(value: Any, truth: Any) -> float:
    return float(np.max(np.abs(np.asarray(value) - truth)) / np.max(np.abs(truth)))


@pytest.mark.parametrize("method", ["auto", "richardson", "central"])
def test_rosenbrock_gradient_goal(method: str) -> None:
    result = gradient(rosenbrock, X10, method=method)
    truth = rosen_gradient(X10)
    assert result.value.shape == X10.shape
    assert result.n_evals <= 300
    assert np.all(np.abs(result.value - truth) <= result.error)
    if method != "central":
        assert _relative(result.value, truth) <= 1e-10


@pytest.mark.parametrize("method", ["auto", "central"])
def test_rosenbrock_hessian_goal(method: str) -> None:
    result = hessian(rosenbrock, X10, method=method)
    truth = rosen_hessian(X10)
    assert result.value.shape == (10, 10)
    np.testing.assert_array_equal(result.value, result.value.T)
    assert result.n_evals <= 1000
    assert np.all(np.abs(result.value - truth) <= result.error)
    if method == "auto":
        assert _relative(result.value, truth) <= 1e-9


def test_hessian_of_a_non_polynomial() -> None:
    def f(v: Any) -> Any:
        return np.exp(v[0]) * np.sin(v[1]) + v[0] * v[1] ** 3

    x = np.array([0.3, 1.1])
    e, s, c = np.exp(x[0]), np.sin(x[1]), np.cos(x[1])
    truth = np.array([[e * s, e * c + 3 * x[1] ** 2], [e * c + 3 * x[1] ** 2, -e * s + 6 * x[0] * x[1]]])
    result = hessian(f, x)
    assert np.all(np.abs(result.value - truth) <= result.error)
    assert _relative(result.value, truth) < 1e-9


def test_hessian_diag_matches_the_hessian() -> None:
    diag = hessian_diag(rosenbrock, X10)
    np.testing.assert_allclose(diag.value, np.diag(rosen_hessian(X10)), rtol=1e-9)
    assert np.all(np.abs(diag.value - np.diag(rosen_hessian(X10))) <= diag.error)


def _vector_function(v: Any) -> Any:
    return np.array([v[0] * v[1], np.sin(v[0]) + v[2] ** 2, np.exp(v[1] - v[2])])


def _vector_jacobian(v: np.ndarray) -> np.ndarray:
    return np.array(
        [
            [v[1], v[0], 0.0],
            [np.cos(v[0]), 0.0, 2 * v[2]],
            [0.0, np.exp(v[1] - v[2]), -np.exp(v[1] - v[2])],
        ]
    )


@pytest.mark.parametrize("method", ["auto", "complex", "richardson", "central", "forward"])
def test_jacobian_mixed_layout(method: str) -> None:
    x = np.array([0.5, -1.0, 2.0])
    result = jacobian(_vector_function, x, method=method)
    truth = _vector_jacobian(x)
    assert result.value.shape == (3, 3)
    assert np.all(np.abs(result.value - truth) <= result.error)


def test_jacobian_layouts_are_the_engines() -> None:
    import chainrule as cr

    def f(m: Any) -> Any:  # (2, 3) matrix in, (3,) out
        return np.stack([m[0, 0] * m[1, 1], m[0, 1] ** 2, np.sum(m * m)])

    x = np.array([[1.0, 2.0, 0.5], [3.0, 4.0, -1.0]])
    mixed = jacobian(f, x)
    assert mixed.value.shape == (3, 2, 3)
    np.testing.assert_allclose(mixed.value[0], [[4.0, 0.0, 0.0], [0.0, 1.0, 0.0]], atol=1e-12)
    for layout, shape in [("mixed", (3, 2, 3)), ("numerator", (3, 3, 2)), ("denominator", (2, 3, 3))]:
        numeric = jacobian(f, x, layout=layout)
        assert numeric.value.shape == shape
        np.testing.assert_allclose(numeric.value, cr.jacobian(f, layout=layout)(x), atol=1e-9)


def test_gradient_falls_back_per_coordinate_for_non_analytic_code() -> None:
    def f(v: Any) -> Any:
        return v[0] * abs(v[0]) + np.exp(v[1])

    result = gradient(f, [0.7, 0.2])
    np.testing.assert_allclose(result.value, [1.4, np.exp(0.2)], rtol=1e-10)
    assert result.method == "complex+richardson"


def test_directional_derivative() -> None:
    x, v = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, -0.5])
    result = directional_derivative(_vector_function, x, v)
    np.testing.assert_allclose(result.value, _vector_jacobian(x) @ v, rtol=1e-12)
    scalar = directional_derivative(rosenbrock, X10, np.ones(10))
    assert abs(scalar.value - rosen_gradient(X10).sum()) <= scalar.error


def test_argument_checks() -> None:
    with pytest.raises(ShapeError, match="scalar"):
        gradient(_vector_function, np.ones(3))
    with pytest.raises(ShapeError, match="scalar"):
        hessian(_vector_function, np.ones(3))
    with pytest.raises(ChainruleValueError, match="layout"):
        jacobian(_vector_function, np.ones(3), layout="sideways")
    with pytest.raises(ShapeError, match="direction"):
        directional_derivative(rosenbrock, np.ones(3), np.ones(2))
    with pytest.raises(ChainruleValueError, match="zero"):
        directional_derivative(rosenbrock, np.ones(3), np.zeros(3))
    with pytest.raises(ChainruleValueError, match="method"):
        hessian(rosenbrock, np.ones(3), method="complex")
    with pytest.raises(ShapeError, match="same shape"):
        jacobian(lambda v: v[: int(abs(np.real(v[0]) * 1e9) % 2) + 1], np.array([1.0, 2.0]))
