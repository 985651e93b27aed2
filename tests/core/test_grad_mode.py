"""cr.no_grad() and cr.stop_gradient(x): what they stop, in which thread, in which mode and order."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import chainrule as cr
from chainrule.core.grad_mode import OPEN


def test_no_grad_records_nothing_and_ends_with_the_block():
    w = cr.Tensor([1.0, 2.0], requires_grad=True)
    with cr.no_grad():
        y = np.sin(w) * 3.0 + w
        assert not y.requires_grad
        assert y.is_leaf
    np.testing.assert_allclose(y.data, np.sin([1.0, 2.0]) * 3.0 + [1.0, 2.0])
    z = np.sin(w) * 3.0
    assert z.requires_grad
    assert OPEN[0] == 0


def test_no_grad_as_a_decorator_and_nested():
    w = cr.Tensor(2.0, requires_grad=True)

    @cr.no_grad()
    def predict(v):
        return v * v

    assert not predict(w).requires_grad
    block = cr.no_grad()
    with block, block:  # the same object may be entered twice
        assert not (w * 2).requires_grad
    assert (w * 2).requires_grad


def test_a_transform_started_inside_no_grad_differentiates():
    with cr.no_grad():
        assert cr.grad(lambda x: x**3)(2.0) == 12.0
        assert cr.jvp(lambda x: x**3, (2.0,), (1.0,))[1] == 12.0


def test_no_grad_inside_a_transform_makes_a_constant_in_both_modes():
    def f(x):
        with cr.no_grad():
            c = x * x  # a constant to the transform that is running
        return c * x

    assert cr.grad(f)(3.0) == 9.0
    assert cr.jvp(f, (3.0,), (1.0,))[1] == 9.0


def test_no_grad_in_one_thread_leaves_the_others_recording():
    inside, done = threading.Event(), threading.Event()
    results = {}

    def inference():
        with cr.no_grad():
            inside.set()
            done.wait(timeout=30)
            results["inside"] = (cr.Tensor(1.0, requires_grad=True) * 2).requires_grad

    worker = threading.Thread(target=inference)
    worker.start()
    assert inside.wait(timeout=30)
    results["other"] = (cr.Tensor(1.0, requires_grad=True) * 2).requires_grad
    results["grad"] = cr.grad(lambda x: x * x)(3.0)
    done.set()
    worker.join()
    assert results == {"inside": False, "other": True, "grad": 6.0}


def test_stop_gradient_in_both_modes_and_at_second_order():
    f = lambda x: x**2 * cr.stop_gradient(x)  # noqa: E731
    assert cr.grad(f)(3.0) == 18.0  # 2x * c with c = 3
    assert cr.jvp(f, (3.0,), (1.0,))[1] == 18.0
    assert cr.grad(cr.grad(f))(3.0) == 6.0  # 2c
    np.testing.assert_array_equal(
        cr.hessian(lambda x: np.sum(f(x)))(np.array([1.0, 2.0])), np.diag([2.0, 4.0])
    )


def test_stop_gradient_stops_outer_transforms_too():
    def inner(y):
        return cr.grad(lambda x: x * cr.stop_gradient(y * x))(1.0)

    def unstopped(y):
        return cr.grad(lambda x: x * (y * x))(1.0)

    # d/dx (x * c) = c, whose value is y; but c is a constant to every transform, the outer one included
    assert inner(2.0) == 2.0
    assert cr.grad(inner)(2.0) == 0.0
    assert cr.grad(unstopped)(2.0) == 2.0
    assert cr.stop_gradient(np.array([1.0, 2.0])).tolist() == [1.0, 2.0]


def test_stop_gradient_in_the_object_api_and_in_formulas():
    w = cr.Tensor(3.0, requires_grad=True)
    (w * cr.stop_gradient(w)).backward()
    assert w.grad == 3.0
    assert str(cr.diff("x^2 * stop_gradient(x)", "x")) == "2*x*stop_gradient(x)"


@pytest.mark.oracle
def test_stop_gradient_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    x = np.array([0.3, -1.2, 2.0])
    ours = cr.hessian(lambda x: np.sum(np.sin(x) * cr.stop_gradient(x**2) * x))(x)
    theirs = jax.hessian(lambda x: jax.numpy.sum(jax.numpy.sin(x) * jax.lax.stop_gradient(x**2) * x))(x)
    np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-12)
