"""What issue 10's new rows take at their kinks, ties and jumps (each row's ``kink`` text), the same in
reverse mode, forward mode and the object API; and the removable singularity of sinc at 0, exact."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr

KNOTS = np.array([0.0, 1.0, 3.0, 4.0])
VALUES = np.array([0.0, 2.0, 1.0, 4.0])  # slopes 2, -1/2, 3 on the three intervals

# (function, point, the gradient the policy prescribes)
POLICY: dict[str, tuple[Callable[..., Any], Any, Any]] = {
    # interp: at a knot the mean of the two slopes; half the outer slope at an end knot (flat outside)
    "interp at interior knots": (
        lambda x: np.sum(np.interp(x, KNOTS, VALUES)),
        np.array([1.0, 3.0]),
        [(2 - 0.5) / 2, (-0.5 + 3) / 2],
    ),
    "interp at the end knots": (
        lambda x: np.sum(np.interp(x, KNOTS, VALUES)),
        np.array([0.0, 4.0]),
        [2 / 2, 3 / 2],
    ),
    "interp outside the knots": (
        lambda x: np.sum(np.interp(x, KNOTS, VALUES)),
        np.array([-1.0, 5.0]),
        [0.0, 0.0],
    ),
    "interp's values at a knot": (lambda fp: np.interp(1.0, KNOTS, fp), VALUES, [0.0, 1.0, 0.0, 0.0]),
    "interp's knots at a knot": (  # the mean of the two intervals' partials in xp
        lambda xp: np.interp(1.0, xp, VALUES),
        KNOTS,
        [0.0, (-2.0 + 0.5) / 2, 0.0, 0.0],
    ),
    # quantiles: tied entries share the weight of their order statistics evenly
    "median of a tie": (np.median, np.array([1.0, 2.0, 2.0]), [0.0, 0.5, 0.5]),
    "median between a tie and another": (np.median, np.array([3.0, 1.0, 3.0, 0.0]), [0.25, 0.5, 0.25, 0.0]),
    "quantile 1 splits ties as max": (
        lambda x: np.quantile(x, 1.0), np.array([3.0, 1.0, 3.0]), [0.5, 0, 0.5]
    ),
    "percentile of a three-way tie": (
        lambda x: np.percentile(x, 50, method="lower"),
        np.array([2.0, 2.0, 2.0, 5.0]),
        [1 / 3, 1 / 3, 1 / 3, 0.0],
    ),
    "nanmedian of a tie": (
        lambda x: np.nanmedian(np.where(np.isnan(x), np.nan, x)),
        np.array([np.nan, 4.0, 4.0]),
        [0.0, 0.5, 0.5],
    ),
    # running maxima: ties for a running maximum split it evenly, as the max reduction
    "running max with ties": (
        lambda x: np.sum(np.maximum.accumulate(x)),
        np.array([1.0, 3.0, 2.0, 3.0, 0.5, 4.0]),
        [1.0, 3.0, 0.0, 1.0, 0.0, 1.0],
    ),
    "running min with ties": (
        lambda x: np.sum(np.minimum.accumulate(x)),
        np.array([2.0, 1.0, 1.0, 3.0]),
        [1.0, 2.0, 1.0, 0.0],
    ),
    "ptp of ties": (np.ptp, np.array([1.0, 3.0, 1.0, 3.0]), [-0.5, 0.5, -0.5, 0.5]),
    "nanmax of ties": (
        lambda x: np.nanmax(np.where(x < 0, np.nan, x)), np.array([-1.0, 2.0, 2.0]), [0, 0.5, 0.5]
    ),
    "fmax.reduce of ties": (np.fmax.reduce, np.array([2.0, 1.0, 2.0]), [0.5, 0.0, 0.5]),
    # corners: the zero subgradient, as abs'(0) = 0
    "fabs'(0) = 0": (np.fabs, 0.0, 0.0),
    "copysign's corner": (lambda x: np.copysign(x, -2.0), 0.0, 0.0),
    "i0e'(0) = 0": (lambda x: pytest.importorskip("scipy.special").i0e(x), 0.0, 0.0),
    # jumps: the derivative of the piece the point is on
    "remainder at 1 % 0.1": (lambda y: np.remainder(1.0, y), 0.1, -9.0),  # 1 % 0.1 is 1 - 9 * 0.1
    "remainder at a jump": (lambda x: np.remainder(x, 2.0), 4.0, 1.0),
    "floor_divide: no slope": (lambda x: x // 0.3, 0.6, 0.0),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(POLICY))
def test_reverse_mode_follows_the_policy(name: str) -> None:
    f, x, want = POLICY[name]
    np.testing.assert_allclose(cr.grad(f)(x), want, atol=1e-15)


@pytest.mark.parametrize("name", sorted(POLICY))
def test_forward_mode_agrees(name: str) -> None:
    f, x, want = POLICY[name]
    np.testing.assert_allclose(cr.jacobian(f, mode="fwd")(x), want, atol=1e-15)


@pytest.mark.parametrize("name", sorted(POLICY))
def test_the_object_api_agrees(name: str) -> None:
    f, x, want = POLICY[name]
    t = cr.Tensor(x, requires_grad=True)
    f(t).backward()
    np.testing.assert_allclose(t.grad, want, atol=1e-15)


def test_the_quantile_kink_is_stated_once_for_all_its_functions() -> None:
    from chainrule.core.rules import numerical, order_statistics, scipy_special

    for prim in (order_statistics.quantile_p, order_statistics.cummax_p, numerical.interp_p):
        assert prim.kink
    assert np.median in order_statistics.quantile_p.numpy
    assert np.interp in numerical.interp_p.numpy
    assert scipy_special.bessel_ie_p.kink


def _derivative(f: Callable[[Any], Any], order: int) -> Callable[[Any], Any]:
    for _ in range(order):
        f = cr.grad(f)
    return f


def test_sinc_is_exact_at_zero_to_any_order() -> None:
    # sinc(x) = sum (-1)^m (pi x)^(2m) / (2m+1)!: the k-th derivative at 0 is 0 for odd k,
    # (-1)^(k/2) pi^k / (k+1) for even k
    for order in range(6):
        want = 0.0 if order % 2 else (-1) ** (order // 2) * np.pi**order / (order + 1)
        assert _derivative(np.sinc, order)(0.0) == pytest.approx(want, rel=1e-12, abs=1e-12)
        forward = cr.jvp(_derivative(np.sinc, order), (0.0,), (1.0,))[1]
        want_next = (
            0.0 if (order + 1) % 2 else (-1) ** ((order + 1) // 2) * np.pi ** (order + 1) / (order + 2)
        )
        assert float(forward) == pytest.approx(want_next, rel=1e-12, abs=1e-12)


def test_sinc_derivatives_are_continuous_across_zero_and_the_series_switch() -> None:
    # the rule switches from its series to the closed form at |pi x| = 1.5: no step there
    switch = 1.5 / np.pi
    for order in (1, 2, 3):
        d = _derivative(np.sinc, order)
        for point in (0.0, switch):
            below, above = d(point - 1e-9), d(point + 1e-9)
            assert abs(below - above) < 1e-6, (order, point)


def test_sinc_matches_its_closed_form_derivative() -> None:
    x = np.array([0.3, -1.7, 2.2, 5.5])
    want = (np.cos(np.pi * x) - np.sinc(x)) / x
    np.testing.assert_allclose(cr.grad(lambda v: np.sum(np.sinc(v)))(x), want, rtol=1e-13)


def test_interp_between_knots_is_the_line_through_them() -> None:
    x = np.array([0.5, 2.0, 3.5])
    np.testing.assert_allclose(cr.grad(lambda v: np.sum(np.interp(v, KNOTS, VALUES)))(x), [2.0, -0.5, 3.0])
    assert math.isclose(cr.grad(lambda fp: np.interp(0.25, KNOTS, fp))(VALUES)[1], 0.25)
