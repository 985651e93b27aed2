"""Issue 17's "numeric steps, precision": user steps, empty points, bounds, and an f that raises."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.numeric import derivative, gradient, hessian, hessian_diag, jacobian


def _float32_sin(x: Any) -> Any:
    return np.sin(np.asarray(x, np.float32))


@pytest.mark.parametrize("method", ["auto", "richardson", "central", "forward", "backward"])
def test_float32_sin_never_succeeds_wrongly(method: str) -> None:
    """The issue's 385 cases were 7 forms × 55 points; here the 55 points, each method."""
    misses = []
    for x in np.linspace(0.05, 6.2, 55):
        result = derivative(_float32_sin, float(x), method=method)
        if result.status == 0 and abs(result.value - math.cos(x)) > result.error:
            misses.append(float(x))
    assert misses == []


def test_float32_forward_difference_is_not_zero() -> None:
    result = derivative(_float32_sin, 3.1345, method="forward")
    assert abs(result.value - math.cos(3.1345)) <= result.error < 1e-2


def test_a_step_below_the_spacing_of_floats_is_refused() -> None:
    with pytest.raises(ChainruleValueError, match="spacing of floating-point numbers"):
        derivative(np.sin, 440.0, step=2e-14, method="central")
    with pytest.raises(ChainruleValueError, match="spacing"):
        gradient(lambda v: np.sum(np.sin(v)), [440.0, 1.0], step=2e-14)


def test_a_tiny_complex_step_is_fine() -> None:
    """The complex step has no subtraction: an imaginary step far below spacing(x) is exact."""
    result = derivative(np.sin, 440.0, step=2e-14, method="complex")
    assert result.status == 0
    # the bound includes ε·|x|·|f''|, what rounding inside f can do at x = 440
    assert abs(result.value - math.cos(440.0)) <= result.error < 1e-13


def test_a_user_step_is_rounded_so_that_points_are_exact() -> None:
    result = derivative(np.sin, 440.0, step=1e-7, method="central")
    step = float(result.step)
    assert (440.0 + step) - 440.0 == step
    assert step == pytest.approx(1e-7, rel=1e-5)
    assert abs(result.value - math.cos(440.0)) <= result.error


@pytest.mark.parametrize("method", ["auto", "central", "forward", "richardson"])
def test_a_huge_step_is_never_converged(method: str) -> None:
    result = derivative(np.sin, 1.0, step=1e300, method=method)
    assert result.status != 0 or abs(result.value - math.cos(1.0)) <= result.error


def test_a_step_that_overflows_is_refused() -> None:
    with pytest.raises(ChainruleValueError, match="overflows"):
        derivative(np.sin, 1.0, step=1e308)


@pytest.mark.parametrize(
    ("function", "f", "shape"),
    [
        (gradient, np.sum, (0,)),
        (jacobian, lambda v: v * 2.0, (0, 0)),
        (hessian, np.sum, (0, 0)),
        (hessian_diag, np.sum, (0,)),
        (derivative, np.sin, (0,)),
    ],
    ids=["gradient", "jacobian", "hessian", "hessian_diag", "derivative"],
)
def test_empty_points(function: Any, f: Any, shape: tuple[int, ...]) -> None:
    result = function(f, np.zeros(0))
    assert result.value.shape == shape
    assert result.status == 0
    assert "empty" in result.message


def test_empty_points_still_check_what_f_returns() -> None:
    with pytest.raises(ShapeError, match="scalar"):
        gradient(lambda v: np.ones(2), np.zeros(0))
    assert jacobian(lambda v: np.ones(3), np.zeros((0, 2))).value.shape == (3, 0, 2)


@pytest.mark.parametrize("bounds", [(math.nan, 2.0), (0.0, math.nan), ([0.0, math.nan], 2.0)])
def test_nan_bounds_are_refused(bounds: Any) -> None:
    with pytest.raises(ChainruleValueError, match="bounds"):
        derivative(np.sin, [1.0, 1.5] if np.ndim(bounds[0]) else 1.0, bounds=bounds)


def test_bounds_that_do_not_fit_x_are_refused() -> None:
    with pytest.raises(ChainruleValueError, match="do not fit"):
        derivative(np.sin, [1.0, 1.5], bounds=([0.0, 0.0, 0.0], 2.0))
    with pytest.raises(ChainruleTypeError, match="pair"):
        derivative(np.sin, 1.0, bounds=("a", 2.0))


@pytest.mark.parametrize("width", [1e-4, 1e-8, 1e-12])
@pytest.mark.parametrize("method", ["auto", "richardson", "central"])
def test_a_very_narrow_interval(width: float, method: str) -> None:
    seen: list[float] = []

    def f(x: Any) -> Any:
        if not np.iscomplexobj(x):
            seen.append(float(x))
        return np.log(x)

    result = derivative(f, 1.0, method=method, bounds=(1.0, 1.0 + width))
    assert result.status in (0, -1)
    assert abs(result.value - 1.0) <= result.error
    assert min(seen) >= 1.0
    assert max(seen) <= 1.0 + width


def test_a_function_that_raises_is_treated_like_nan() -> None:
    """math.sqrt raises ValueError below 0 where np.sqrt returns NaN: both shrink the step."""
    result = derivative(lambda x: math.sqrt(x), 1e-9)
    assert result.status == 0
    assert abs(result.value - 0.5 / math.sqrt(1e-9)) <= result.error
    assert "raised ValueError" in result.message
    nowhere = derivative(lambda x: 1.0 / 0.0, 1.0)
    assert nowhere.status == -2


def test_other_exceptions_from_f_propagate() -> None:
    def broken(x: Any) -> Any:
        raise KeyError("a bug in f")

    with pytest.raises(KeyError, match="a bug in f"):
        derivative(broken, 1.0)
