"""np.full, np.full_like and np.copyto with traced values: the fill value's derivative is the sum of the
entries', and the calls NumPy never lets chainrule see are refused naming what to write instead."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule.testing import check_grads

W = np.arange(6.0).reshape(2, 3)


def test_a_traced_fill_value_gets_the_sum_of_the_gradient() -> None:
    assert cr.grad(lambda t: np.sum(np.full((2, 3), t, like=t) * W))(2.0) == 15.0
    assert cr.grad(lambda x: np.sum(np.full_like(x, x[0, 1]) * W))(W)[0, 1] == 15.0
    full = np.full(3, cr.Tensor(2.0), like=cr.Tensor(0.0))
    np.testing.assert_array_equal(full.data, np.full(3, 2.0))
    check_grads(lambda t: np.full((2, 2), t[0], like=t) * t, np.array([1.5]), modes=("fwd", "rev"), order=2)
    check_grads(lambda x: np.full_like(x, np.sum(x), dtype=np.float64, shape=(4,)), W)
    got = cr.vmap(lambda t: np.full((2,), t, like=t))(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(got, [[1.0, 1.0], [2.0, 2.0]])


def test_a_filled_array_can_be_assigned_into_also_under_vmap() -> None:
    def f(x: Any) -> Any:
        y = np.full_like(x, x[0])
        y[1] = 3.0 * x[2]
        return y

    np.testing.assert_array_equal(cr.vmap(f)(W), [[0.0, 6.0, 0.0], [3.0, 15.0, 3.0]])
    check_grads(f, W[1], modes=("fwd", "rev"), order=2)


def test_dtypes_follow_numpy() -> None:
    t = cr.Tensor(np.float32(2.0), requires_grad=True)
    assert np.full(3, t, like=t).dtype == np.float32
    assert np.full_like(cr.Tensor(np.ones(2, np.float32)), cr.Tensor(1.0)).dtype == np.float32
    ints = np.full(2, t, dtype=int, like=t)  # integers carry no derivative
    assert isinstance(ints, np.ndarray)
    assert ints.dtype.kind == "i"
    assert np.signbit(np.full(2, cr.Tensor(-0.0), like=t).data).all()  # -0.0 kept, as NumPy keeps it


@pytest.mark.parametrize(
    "call",
    [
        lambda m: np.full(3, m),
        lambda m: np.full(3, m, dtype=np.float64),
        lambda m: np.full_like(np.ones(3), m),
    ],
)
def test_numpys_own_full_with_a_traced_fill_value_is_refused_naming_the_fix(call: Any) -> None:
    m = cr.Tensor(2.0, requires_grad=True)
    with pytest.raises(cr.GraphError, match=r"np.full\(shape, t, like=t\).*np.zeros_like\(a\) \+ t"):
        call(m)


def test_copyto_into_a_traced_array_is_an_assignment() -> None:
    def f(x: Any) -> Any:
        y = np.zeros_like(x)
        np.copyto(y, x[0])  # broadcast, as NumPy
        z = np.ones_like(x)
        np.copyto(z, 2.0 * x, where=np.array([[True, False, True]]))
        return y * x + z

    np.testing.assert_allclose(cr.Tensor(W) * 0 + f(cr.Tensor(W)).data, f(W.copy()))
    check_grads(f, W, modes=("fwd", "rev"), order=2)
    with pytest.raises(cr.GraphError, match="silently drop"):
        np.copyto(np.zeros(3), cr.Tensor(1.0, requires_grad=True))
