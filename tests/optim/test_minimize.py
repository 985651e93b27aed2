"""``minimize``: convergence, the history it keeps, stopping rules, errors; and SciPy interop."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, optim
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError


def bowl(x: Any) -> Any:
    return np.sum(np.array([1.0, 4.0]) * (x - np.array([1.0, -2.0])) ** 2)


def regression_problem() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    X, y = nn.make_regression(200, n_features=3, noise=0.3, seed=1)
    design = np.column_stack([X, np.ones(len(X))])
    solution = np.linalg.lstsq(design, y, rcond=None)[0]
    # the loss mean((Xw + b - y)²) has Hessian 2 AᵀA / n; 1/L is a safe fixed rate
    lipschitz = np.linalg.eigvalsh(2 * design.T @ design / len(X)).max()
    return X, y, solution, 1.0 / lipschitz


# A line search compares loss values, so it cannot see progress once t |g|² is below the rounding of the
# loss: its tolerance stays above sqrt(machine epsilon * loss) ~ 1e-9 here.
@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("gd", {"tol": 1e-12}),
        ("gd", {"line_search": "armijo", "tol": 1e-8}),
        ("nesterov", {"momentum": 0.5, "tol": 1e-12}),
    ],
)
def test_linear_regression_reaches_least_squares(method: str, kwargs: dict[str, Any]) -> None:
    X, y, solution, rate = regression_problem()

    def mse(p: dict[str, Any]) -> Any:
        return nn.mse_loss(X @ p["w"] + p["b"], y)

    lr = None if "line_search" in kwargs else rate
    result = optim.minimize(mse, {"w": np.zeros(3), "b": 0.0}, method, lr=lr, steps=5000, **kwargs)
    assert result.converged, result.message
    got = np.append(result.x["w"], result.x["b"])
    np.testing.assert_allclose(got, solution, rtol=0, atol=1e-8 * np.abs(solution).max())


@pytest.mark.parametrize("method", list(optim.METHODS))
def test_every_method_finds_the_minimum_of_a_bowl(method: str) -> None:
    lr = {"gd": 0.1, "momentum": 0.02, "nesterov": 0.02, "adagrad": 1.0}.get(method, 0.05)
    options = {"weight_decay": 0.0} if method == "adamw" else {}
    result = optim.minimize(bowl, np.zeros(2), method, lr=lr, steps=5000, tol=1e-6, **options)
    assert result.converged, result.message
    np.testing.assert_allclose(result.x, [1.0, -2.0], atol=1e-5)


def test_history_and_path() -> None:
    result = optim.minimize(bowl, np.zeros(2), "gd", lr=0.05, steps=10, tol=0.0)
    assert result.steps == 10
    assert not result.converged
    assert result.message == "reached steps=10"
    assert result.path.shape == (11, 2)
    assert result.losses.shape == (11,)
    np.testing.assert_array_equal(result.path[0], [0.0, 0.0])
    np.testing.assert_array_equal(result.path[-1], result.x)
    assert result.losses[0] == bowl(np.zeros(2))
    assert result.fun == result.losses[-1] == pytest.approx(float(bowl(result.x)))
    assert np.all(np.diff(result.losses) < 0)
    assert result.grad_norm == pytest.approx(np.linalg.norm(cr.grad(bowl)(result.x)))


def test_scalar_start_gives_a_float() -> None:
    result = optim.minimize(lambda x: (x - 3.0) ** 2, 0, "gd", lr=0.5)
    assert isinstance(result.x, float)
    assert result.x == 3.0
    assert result.path.tolist() == [0.0, 3.0]


def test_tree_start_gives_a_tree_path() -> None:
    result = optim.minimize(lambda p: np.sum(p["a"] ** 2), {"a": np.ones(2)}, "gd", lr=0.1, steps=3, tol=0)
    assert isinstance(result.path, list)
    assert len(result.path) == 4
    assert set(result.path[2]) == {"a"}


def test_callback_sees_every_step_and_can_stop() -> None:
    seen: list[tuple[int, float]] = []

    def callback(step: int, x: Any, loss: float) -> bool:
        seen.append((step, loss))
        return step == 4

    result = optim.minimize(bowl, np.zeros(2), "adam", lr=0.1, callback=callback)
    assert [s for s, _ in seen] == [1, 2, 3, 4]
    assert result.steps == 4
    assert result.message == "callback stopped the run at step 4"
    assert [loss for _, loss in seen] == result.losses[1:].tolist()


def test_divergence_is_reported() -> None:
    with np.errstate(over="ignore", invalid="ignore"):
        result = optim.minimize(bowl, np.zeros(2), "gd", lr=10.0, steps=2000)
    assert not result.converged
    assert "not finite" in result.message


def test_an_optimizer_instance_can_be_the_method() -> None:
    result = optim.minimize(bowl, np.zeros(2), optim.SGD(lr=0.1, momentum=0.5), steps=2000)
    assert result.converged
    with pytest.raises(ChainruleValueError, match="not to minimize"):
        optim.minimize(bowl, np.zeros(2), optim.SGD(lr=0.1), lr=0.2)


def test_start_is_not_modified() -> None:
    x0 = np.zeros(2)
    optim.minimize(bowl, x0, "gd", lr=0.1, steps=5)
    np.testing.assert_array_equal(x0, [0.0, 0.0])


def test_steps_zero_evaluates_the_start() -> None:
    result = optim.minimize(bowl, np.zeros(2), steps=0)
    assert result.steps == 0
    assert result.losses.tolist() == [float(bowl(np.zeros(2)))]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"method": "newton"}, ChainruleValueError, "unknown method"),
        ({"line_search": "wolfe"}, ChainruleValueError, "line_search"),
        ({"method": "adam", "line_search": "armijo"}, ChainruleValueError, "gradient descent"),
        ({"line_search": "armijo", "momentum": 0.9}, ChainruleValueError, "options"),
        ({"steps": -1}, ChainruleValueError, "steps"),
        ({"steps": True}, ChainruleValueError, "steps must be a non-negative integer.*got True"),
        ({"steps": 10.0}, ChainruleValueError, "steps must be a non-negative integer"),
        ({"tol": float("nan")}, ChainruleValueError, "tol must be a non-negative number.*got nan"),
        ({"tol": -1e-6}, ChainruleValueError, "tol must be a non-negative number"),
        ({"tol": "small"}, ChainruleTypeError, "tol must be a number"),
        ({"method": "gd", "betas": (0.9, 0.9)}, TypeError, "betas"),
    ],
)
def test_bad_arguments_raise(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        optim.minimize(bowl, np.zeros(2), **kwargs)


def test_steps_and_tol_may_be_numpy_numbers() -> None:
    result = optim.minimize(bowl, np.zeros(2), lr=0.1, steps=np.int64(5), tol=np.float64(0.0))
    assert result.steps == 5
    assert result.message == "reached steps=5"


def test_the_readme_claim_about_rosenbrock_is_true() -> None:
    # the README's tour states how close nesterov gets to [1, 1]: the first number of the line's comment
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    call = 'cr.optim.minimize(rosenbrock, np.array([-1.2, 1.0]), method="nesterov", lr=1e-3, steps=5000)'
    assert call in readme
    claim = next(line for line in readme.splitlines() if line.startswith("result.x, result.converged"))
    bound = float(re.findall(r"\d+(?:\.\d*)?e-\d+", claim.split("#", 1)[1])[0])

    def rosenbrock(p: Any) -> Any:
        return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2

    result = optim.minimize(rosenbrock, np.array([-1.2, 1.0]), method="nesterov", lr=1e-3, steps=5000)
    assert result.converged
    assert np.max(np.abs(result.x - 1.0)) <= bound
    assert f", True; {len(result.losses)} losses" in claim


def test_bad_functions_raise() -> None:
    with pytest.raises(ChainruleTypeError):
        optim.minimize("x**2", np.zeros(2))  # type: ignore[arg-type]
    with pytest.raises(ShapeError):
        optim.minimize(lambda x: x**2, np.zeros(2))
    with pytest.raises(ChainruleTypeError):
        optim.minimize(bowl, "start")
    with pytest.raises(ChainruleValueError, match="no arrays"):
        optim.minimize(bowl, {})


# ---------------------------------------------------------------- SciPy interop


def rosen(x: Any) -> Any:
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def test_scipy_gets_chainrule_derivatives() -> None:
    scipy_optimize = pytest.importorskip("scipy.optimize")
    x = np.array([-1.2, 1.0, 0.7, 1.3])
    v = np.array([0.5, -1.0, 2.0, 0.1])
    np.testing.assert_allclose(cr.grad(rosen)(x), scipy_optimize.rosen_der(x), rtol=1e-12)
    np.testing.assert_allclose(cr.hvp(rosen)(x, v), scipy_optimize.rosen_hess_prod(x, v), rtol=1e-12)


@pytest.mark.parametrize("method", ["BFGS", "L-BFGS-B", "Newton-CG", "trust-ncg"])
def test_scipy_minimize_with_chainrule_jac_and_hessp(method: str) -> None:
    scipy_optimize = pytest.importorskip("scipy.optimize")
    x0 = np.array([-1.2, 1.0, -0.5, 0.8])
    hessp = (lambda x, p: cr.hvp(rosen)(x, p)) if method in ("Newton-CG", "trust-ncg") else None
    result = scipy_optimize.minimize(rosen, x0, jac=cr.grad(rosen), hessp=hessp, method=method, tol=1e-10)
    assert result.success, result.message
    np.testing.assert_allclose(result.x, np.ones(4), atol=1e-5)
