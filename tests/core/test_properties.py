"""Properties that hold for every input: the modes agree, derivatives are linear, and the engine agrees with
finite differences on randomly composed functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr

# smooth functions that are defined on all of R, to compose at random
SMOOTH: list[Callable[[Any], Any]] = [
    np.sin,
    np.cos,
    np.tanh,
    np.arctan,
    np.sinh,
    cr.sigmoid,
    cr.softplus,
    lambda x: x * x,
    lambda x: 0.5 * x + 1.0,
    lambda x: np.exp(-x * x),
    lambda x: np.hypot(x, 1.0),
]

floats = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
vectors = st.lists(floats, min_size=1, max_size=5).map(np.array)
programs = st.lists(st.integers(0, len(SMOOTH) - 1), min_size=1, max_size=6)


def compose(program: list[int]) -> Callable[[Any], Any]:
    def f(x: Any) -> Any:
        for k in program:
            x = SMOOTH[k](x)
        return x

    return f


@settings(max_examples=60, deadline=None)
@given(program=programs, x=vectors)
def test_random_compositions_agree_with_numerical_differentiation(program: list[int], x: np.ndarray) -> None:
    # the automatic side against the numerical side, within the error the numerical side reports
    f = compose(program)
    loss = lambda v: np.sum(f(v))  # noqa: E731
    direction = np.linspace(-1.0, 1.0, x.size) if x.size > 1 else np.ones(1)
    numeric = cr.numeric.directional_derivative(loss, x, direction)
    automatic = cr.grad(loss)(x) @ direction
    # status 0 is numeric's promise that the error bounds the truth; otherwise its error is an estimate
    if numeric.status == 0:
        assert abs(automatic - numeric.value) <= 2 * numeric.error + 1e-12 * (1 + abs(numeric.value))


@settings(max_examples=40, deadline=None)
@given(program=programs, x=vectors)
def test_forward_and_reverse_jacobians_agree(program: list[int], x: np.ndarray) -> None:
    f = compose(program)
    np.testing.assert_allclose(
        cr.jacobian(f, mode="fwd")(x), cr.jacobian(f, mode="rev")(x), rtol=1e-12, atol=1e-14
    )


@settings(max_examples=40, deadline=None)
@given(x=vectors, a=floats, b=floats)
def test_gradient_is_linear_in_the_function(x: np.ndarray, a: float, b: float) -> None:
    def f(v: Any) -> Any:
        return np.sum(np.sin(v) * v)

    def h(v: Any) -> Any:
        return np.sum(np.tanh(v) ** 2)

    combined = cr.grad(lambda v: a * f(v) + b * h(v))(x)
    np.testing.assert_allclose(combined, a * cr.grad(f)(x) + b * cr.grad(h)(x), rtol=1e-12, atol=1e-14)


@settings(max_examples=30, deadline=None)
@given(x=vectors)
def test_hessian_is_symmetric_and_matches_hvp(x: np.ndarray) -> None:
    def f(v: Any) -> Any:
        return np.sum(np.sin(v) * np.roll(v, 1)) + np.sum(v) ** 2

    H = cr.hessian(f)(x)
    np.testing.assert_allclose(H, H.T, atol=1e-12)
    v = np.cos(np.arange(x.size))
    np.testing.assert_allclose(cr.hvp(f)(x, v), H @ v, rtol=1e-12, atol=1e-12)
