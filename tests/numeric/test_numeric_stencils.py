"""Fornberg weights and the standard stencils."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.errors import ChainruleValueError
from chainrule.numeric import fornberg_weights, stencil


@pytest.mark.parametrize(
    ("offsets", "order", "expected"),
    [
        ([-1, 0, 1], 1, [-0.5, 0.0, 0.5]),
        ([-1, 0, 1], 2, [1.0, -2.0, 1.0]),
        ([-2, -1, 0, 1, 2], 1, [1 / 12, -2 / 3, 0.0, 2 / 3, -1 / 12]),
        ([-2, -1, 0, 1, 2], 4, [1.0, -4.0, 6.0, -4.0, 1.0]),
        ([0, 1, 2], 1, [-1.5, 2.0, -0.5]),
        ([0, 1], 0, [1.0, 0.0]),
    ],
)
def test_known_weights(offsets: list[int], order: int, expected: list[float]) -> None:
    np.testing.assert_allclose(fornberg_weights(offsets, order), expected, atol=1e-14)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-3, 3), min_size=2, max_size=7, unique=True).filter(
        lambda xs: min(abs(a - b) for i, a in enumerate(xs) for b in xs[i + 1 :]) > 0.05
    ),
    st.data(),
)
def test_weights_are_exact_on_polynomials(offsets: list[float], data: st.DataObject) -> None:
    order = data.draw(st.integers(0, len(offsets) - 1))
    weights = fornberg_weights(offsets, order)
    points = np.asarray(offsets)
    for degree in range(len(offsets)):
        # d^order/dx^order of x^degree at 0 is order! when degree == order, else 0.
        expected = math.factorial(order) if degree == order else 0.0
        scale = np.sum(np.abs(weights) * np.abs(points) ** degree) + 1.0
        assert abs(weights @ points**degree - expected) <= 1e-9 * scale


def test_weights_reject_bad_arguments() -> None:
    with pytest.raises(ChainruleValueError, match="order"):
        fornberg_weights([0, 1], 2)
    with pytest.raises(ChainruleValueError, match="distinct"):
        fornberg_weights([0, 1, 1], 1)


@pytest.mark.parametrize("kind", ["central", "forward", "backward"])
@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_stencils_differentiate_polynomials_exactly(kind: str, order: int) -> None:
    shape = stencil(kind, order)
    offsets, weights = np.asarray(shape.offsets), np.asarray(shape.weights)
    for degree in range(order + shape.accuracy):
        expected = math.factorial(order) if degree == order else 0.0
        assert weights @ offsets**degree == pytest.approx(expected, abs=1e-10)
    leading = weights @ offsets ** (order + shape.accuracy)
    assert abs(leading) > 1e-8  # the accuracy is exactly as stated, not better


def test_stencil_shapes() -> None:
    assert stencil("central", 1).offsets == (-1.0, 1.0)  # the zero centre weight is dropped
    assert stencil("central", 1, 4).exponents(3) == (4, 6, 8)
    assert stencil("forward", 1).exponents(3) == (1, 2, 3)
    assert stencil("backward", 2).offsets == (-2.0, -1.0, 0.0)


@pytest.mark.parametrize(
    ("kind", "order", "accuracy", "match"),
    [("sideways", 1, None, "kind"), ("central", 0, None, "order"), ("central", 1, 3, "even")],
)
def test_stencil_rejects_bad_arguments(kind: str, order: int, accuracy: int | None, match: str) -> None:
    with pytest.raises(ChainruleValueError, match=match):
        stencil(kind, order, accuracy)
