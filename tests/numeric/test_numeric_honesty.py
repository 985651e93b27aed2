"""Status 0 is a promise: every "success" that issue 11 found wrong, and a sweep of awkward functions.

Each case asserts the promise itself — with ``status == 0`` the true derivative lies within ``error`` of
``value`` — and, where a good answer exists, that it is found.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from chainrule.numeric import NumericResult, derivative, jacobian


def _noise(x: Any) -> Any:
    """Deterministic noise in [-0.5, 0.5) from the bits of x (real input only, like a simulation)."""
    z = np.asarray(x, dtype=np.float64).view(np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(33))) * np.uint64(0xFF51AFD7ED558CCD)
        z = (z ^ (z >> np.uint64(33))) * np.uint64(0xC4CEB9FE1A85EC53)
    z = z ^ (z >> np.uint64(33))
    return (z >> np.uint64(11)) / 2.0**53 - 0.5


def _honest(result: NumericResult, truth: float) -> None:
    if result.status == 0:
        assert abs(float(result.value) - truth) <= float(result.error), (
            f"status 0 with bound {result.error:.3g} but the error is {abs(result.value - truth):.3g}"
        )


# -- the wrong successes listed in issue 11 ------------------------------------------------------------
@pytest.mark.parametrize("sigma", [1e-2, 1e-4, 1e-8, 1e-12])
def test_multiplicative_noise_is_not_hidden_by_the_complex_step(sigma: float) -> None:
    rng = np.random.default_rng(7)
    result = derivative(lambda x: np.exp(x) * (1 + sigma * rng.standard_normal()), 1.0)
    _honest(result, math.e)
    assert result.method != "complex"  # the two complex steps disagree: f is not reproducible
    assert result.error >= 0.1 * sigma * math.e  # not the 2.4e-15 of a smooth function


def test_rounded_function_is_not_a_zero_derivative() -> None:
    result = derivative(lambda x: np.round(np.exp(x), 6), 1.0)
    assert abs(result.value - math.e) <= result.error <= 1e-3
    assert result.status == 0
    assert "quantised" in result.message


def test_float32_code_gets_steps_for_its_precision() -> None:
    result = derivative(lambda x: np.exp(np.asarray(x, np.float32)), 1.0)
    assert result.status == 0
    assert abs(result.value - math.e) <= result.error <= 1e-3 * math.e


def test_float16_code_gets_an_honest_bound_not_a_zero() -> None:
    """Three digits of precision cannot give a derivative to 1 %: an honest bound, status −1."""
    result = derivative(lambda x: np.exp(np.asarray(x, np.float16)), 1.0)
    assert abs(result.value - math.e) <= result.error <= 0.1 * math.e
    assert result.status == -1


@pytest.mark.parametrize(
    ("f", "x", "order", "value", "words"),
    [
        (np.abs, 0.0, 1, 0.0, "one-sided derivatives -1 and 1"),
        (lambda x: np.sqrt(np.abs(x)), 0.0, 1, 0.0, "grow without bound"),
        (
            lambda x: np.interp(x, [0.0, 1.0, 2.0], [0.0, 1.0, 3.0]),
            1.0,
            1,
            1.5,
            "one-sided derivatives 1 and 2",
        ),
        (np.sign, 0.0, 1, None, "not differentiable"),
        (lambda x: x * np.abs(x), 0.0, 2, 0.0, "one-sided derivatives -2 and 2"),
        # a smooth part the complex step does see, a non-analytic part it does not (Im |ih| = 0)
        (lambda x: np.abs(x) + x**2, 0.0, 1, 0.0, "one-sided derivatives -1 and 1"),
        (lambda x: np.abs(x - 1.0) + x**2, 1.0, 1, 2.0, "one-sided derivatives 1 and 3"),
        (lambda x: np.abs(x - 1.0), 1.0, 1, 0.0, "one-sided derivatives -1 and 1"),  # rounding of x - 1
        # the derivative asked for does not exist because a lower one jumps
        (np.abs, 0.0, 3, None, "a derivative of lower order has a corner or a jump"),
        (lambda x: x * np.abs(x), 0.0, 4, None, "not differentiable"),
    ],
    ids=[
        "abs",
        "sqrt|x|",
        "interp knot",
        "sign",
        "x|x| order 2",
        "|x|+x^2",
        "|x-1|+x^2",
        "|x-1|",
        "|x| order 3",
        "x|x| order 4",
    ],
)
def test_no_derivative_is_said_so(f: Any, x: float, order: int, value: float | None, words: str) -> None:
    result = derivative(f, x, order=order)
    assert result.status == -3, result.message
    assert words in result.message
    if value is not None:  # still the symmetric value
        assert result.value == pytest.approx(value, abs=1e-9)


def test_no_infinite_bound_with_status_zero() -> None:
    result = derivative(np.cos, 0.0, order=5)
    assert result.status == 0
    assert abs(result.value) <= result.error < 1e-12


def test_a_bound_larger_than_a_percent_is_not_convergence() -> None:
    result = derivative(np.sqrt, 0.5, order=5, method="backward")
    truth = 0.5 * 0.5 * 1.5 * 2.5 * 3.5 * 0.5**-4.5
    assert result.status == -1
    assert abs(result.value - truth) <= result.error
    assert "above 1%" in result.message


def test_complex_step_bound_covers_its_truncation() -> None:
    result = derivative(lambda x: x**3, 0.0)  # Im (ih)³/h = -h²
    assert abs(result.value) <= result.error


def test_high_order_richardson_bound_holds() -> None:
    truth = 108.14869781838856  # d⁷/dx⁷ arcsinh at 0.5 (mpmath)
    result = derivative(np.arcsinh, 0.5, order=7, method="richardson")
    _honest(result, truth)
    assert abs(derivative(np.arcsinh, 0.5, order=7).value - truth) <= 1e-9 * truth


# -- crashes and wrong shapes ----------------------------------------------------------------------
def test_jacobian_of_a_least_squares_residual() -> None:
    t = np.arange(0, 1, 0.1)
    y = 1 + 2 * np.exp(0.75 * t)

    def f(c: Any) -> Any:
        return (c[0] + c[1] * np.exp(c[2] * t) - y) ** 2

    c = np.array([1.0, 2.0, 0.4])
    r = c[0] + c[1] * np.exp(c[2] * t) - y
    truth = np.stack([2 * r, 2 * r * np.exp(c[2] * t), 2 * r * c[1] * t * np.exp(c[2] * t)], axis=1)
    result = jacobian(f, c)
    assert result.value.shape == (10, 3)
    assert result.step.shape == (3,)
    assert np.all(np.abs(result.value - truth) <= result.error)
    at_solution = jacobian(f, [1.0, 2.0, 0.75])  # numdifftools' test: numerically zero
    np.testing.assert_allclose(at_solution.value, 0.0, atol=1e-12)


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize(
    ("lo", "hi"), [([0.6, 0.6], [0.8, 0.8]), ([0.65, 0.6], [0.9, 0.7])], ids=["inside", "at the ends"]
)
def test_array_bounds_on_an_array_of_points(lo: list[float], hi: list[float], order: int) -> None:
    x = np.array([0.65, 0.7])
    result = derivative(np.exp, x, order=order, bounds=(np.array(lo), np.array(hi)))
    assert result.value.shape == (2,)
    assert np.all(np.abs(result.value - np.exp(x)) <= result.error)


# -- a sweep of awkward functions --------------------------------------------------------------------
def _sweep() -> list[tuple[str, Callable[[Any], Any], float, int, str, float]]:
    cases: list[tuple[str, Callable[[Any], Any], float, int, str, float]] = []
    for seed in range(12):
        rng = np.random.default_rng(seed)
        x, sigma, shift = (
            float(rng.uniform(0.2, 3.0)),
            10.0 ** rng.uniform(-15, -4),
            float(rng.integers(0, 2**31)),
        )
        noisy = lambda v, s=sigma, k=shift: np.sin(v) + s * _noise(np.asarray(v) + k)  # noqa: E731
        cases.append((f"sin+noise {sigma:.0e}", noisy, x, 1, "auto", math.cos(x)))
        cases.append((f"sin+noise {sigma:.0e} order 2", noisy, x, 2, "auto", -math.sin(x)))
    for digits in (3, 6, 9, 12):
        for x in (0.4, 3.0):
            rounded = lambda v, k=digits: np.round(np.exp(v), k)  # noqa: E731
            cases.append((f"round(exp, {digits})", rounded, x, 1, "auto", math.exp(x)))
    for x in np.linspace(0.05, 6.2, 12):
        for method in ("auto", "central", "forward", "backward", "richardson"):
            cases.append(
                (
                    "sin(float32 x)",
                    lambda v: np.sin(np.asarray(v, np.float32)),
                    float(x),
                    1,
                    method,
                    math.cos(x),
                )
            )
        cases.append(
            (
                "float(sin(float32 x))",
                lambda v: float(np.sin(np.float32(v))),
                float(x),
                1,
                "auto",
                math.cos(x),
            )
        )
    for d in (1e-1, 1e-3, 1e-6, 1e-9):
        cases.append((f"abs at {d}", np.abs, d, 1, "auto", 1.0))
        cases.append((f"relu at -{d}", lambda v: np.maximum(v, 0.0), -d, 1, "auto", 0.0))
        cases.append((f"floor at 1+{d}", np.floor, 1.0 + d, 1, "auto", 0.0))
        for order, truth in ((1, 0.5 / math.sqrt(d)), (2, -0.25 * d**-1.5)):
            cases.append((f"sqrt at {d}", np.sqrt, d, order, "auto", truth))
        cases.append((f"log at {d}", np.log, d, 1, "auto", 1.0 / d))
    for x in (1e3, 1e6, 1e10):
        cases.append((f"sin at {x:g}", np.sin, x, 1, "auto", math.cos(x)))
    return cases


SWEEP = _sweep()


@pytest.mark.parametrize(("name", "f", "x", "order", "method", "truth"), SWEEP, ids=[c[0] for c in SWEEP])
def test_sweep_status_zero_means_covered(
    name: str, f: Any, x: float, order: int, method: str, truth: float
) -> None:
    _honest(derivative(f, x, order=order, method=method), truth)


def test_a_corner_under_a_smooth_part_is_found_in_a_gradient() -> None:
    from chainrule.numeric import gradient

    result = gradient(lambda p: np.abs(p[0]) + p[1] ** 2 + np.linalg.norm(p[2:]), np.array([0.0, 1.0, 0, 0]))
    assert result.status == -3
    assert "corner" in result.message
    assert np.all(result.error[[0, 2, 3]] >= 0.99)  # spans the one-sided slopes
    assert result.error[1] < 1e-12  # the smooth coordinate keeps its bound


# -- cancellation inside f: the complex step's rounding is that of the cancelled terms, not of f' --------
_CANCELLING = [
    ("sin(x) - x", lambda x: np.sin(x) - x, 1e-6, -2 * math.sin(5e-7) ** 2),
    ("sin(x) - x at 0.1", lambda x: np.sin(x) - x, 0.1, -2 * math.sin(0.05) ** 2),
    ("exp(x) - 1 - x", lambda x: np.exp(x) - 1 - x, 1e-8, math.expm1(1e-8)),
    ("expm1(x) - x", lambda x: np.expm1(x) - x, 1e-8, math.expm1(1e-8)),
    ("log1p(x) - x", lambda x: np.log1p(x) - x, 1e-10, -1e-10 / (1 + 1e-10)),
    ("tanh(x) - x", lambda x: np.tanh(x) - x, 1e-5, -(math.tanh(1e-5) ** 2)),
    ("1e8 x - 1e8 sin(x)", lambda x: 1e8 * x - 1e8 * np.sin(x), 1e-4, 2e8 * math.sin(5e-5) ** 2),
]


@pytest.mark.parametrize(("name", "f", "x", "truth"), _CANCELLING, ids=[c[0] for c in _CANCELLING])
def test_a_bound_covers_cancellation_inside_f(name: str, f: Any, x: float, truth: float) -> None:
    result = derivative(f, x)
    assert result.status == 0
    # covered, and still tight: a few ulps of the cancelled terms (about 1), or a millionth of f'
    assert abs(result.value - truth) <= result.error <= max(1e-6 * abs(truth), 1e-15)


def test_a_jacobian_bound_covers_cancellation_inside_f() -> None:
    x = np.array([1e-6, 0.1, 1e-3])
    result = jacobian(lambda v: np.sin(v) - v, x)
    truth = np.diag(-2 * np.sin(x / 2) ** 2)
    assert np.all(np.abs(result.value - truth) <= result.error)


@pytest.mark.parametrize(
    ("f", "x"),
    [(np.sqrt, -1.0), (np.log, -1.0), (lambda x: x ** (1 / 3), -1.0), (np.arcsin, 2.0)],
    ids=["sqrt", "log", "x^(1/3)", "arcsin"],
)
def test_no_derivative_where_f_is_not_real(f: Any, x: float) -> None:
    # the complex step there differentiates a continuation of f off the real line (1e20 for sqrt at -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = derivative(f, x)
    assert result.status == -2
    assert np.isnan(result.value)
