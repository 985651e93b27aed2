"""chainrule.autograd behaves as HIPS autograd does, on code written for autograd (the import changed)."""

from __future__ import annotations

import warnings

import numpy as onp
import pytest

import chainrule as cr
import chainrule.autograd.numpy as np
import chainrule.autograd.numpy.random as npr
from chainrule.autograd import (
    checkpoint,
    deriv,
    elementwise_grad,
    grad,
    grad_and_aux,
    hessian,
    hessian_tensor_product,
    jacobian,
    make_hvp,
    make_jvp,
    make_vjp,
    value_and_grad,
)
from chainrule.autograd.extend import def_linear, defjvp, defvjp, defvjp_argnum, primitive
from chainrule.autograd.test_util import check_grads

rng = onp.random.default_rng(0)


def tanh_layer(W, x):
    return np.tanh(np.dot(W, x))


def test_the_operators_give_autograds_answers():
    x = rng.standard_normal(3)
    W = rng.standard_normal((2, 3))
    f = lambda x: np.sum(tanh_layer(W, x) ** 2)  # noqa: E731
    g = grad(f)(x)
    np.testing.assert_allclose(g, 2 * W.T @ (np.tanh(W @ x) * (1 - np.tanh(W @ x) ** 2)))
    value, g2 = value_and_grad(f)(x)
    assert value == pytest.approx(f(x))
    assert np.allclose(g, g2)
    J = jacobian(lambda x: tanh_layer(W, x))(x)
    assert J.shape == (2, 3)
    H = hessian(f)(x)
    np.testing.assert_allclose(H, H.T, atol=1e-12)
    v = rng.standard_normal(3)
    np.testing.assert_allclose(hessian_tensor_product(f)(x, v), H @ v)
    np.testing.assert_allclose(make_hvp(f)(x)[0](v), H @ v)
    np.testing.assert_allclose(make_jvp(lambda x: tanh_layer(W, x))(x)(v)[1], J @ v)
    vjp, _ans = make_vjp(lambda x: tanh_layer(W, x))(x)
    np.testing.assert_allclose(vjp(onp.ones(2)), onp.ones(2) @ J)
    np.testing.assert_allclose(elementwise_grad(np.sin)(x), np.cos(x))
    assert deriv(np.sin)(0.0) == 1.0
    assert grad(checkpoint(f))(x) == pytest.approx(g)


def test_argnum_tuples_and_grad_and_aux():
    f = lambda a, b, c: a * b**2 + c  # noqa: E731
    assert grad(f, (0, 1))(2.0, 3.0, 1.0) == (9.0, 12.0)
    g, aux = grad_and_aux(lambda x: (np.sum(x**2), x * 3.0))(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(g, [2.0, 4.0])
    np.testing.assert_array_equal(aux, [3.0, 6.0])
    with pytest.raises(TypeError, match="scalar-output"):
        grad(lambda x: x * 2.0)(np.ones(2))


def test_np_array_of_traced_values_and_index_tricks():
    f = lambda x: np.array([[x, x * 2.0], [x**2, 1.0]])  # noqa: E731
    np.testing.assert_array_equal(jacobian(f)(3.0), [[1.0, 2.0], [6.0, 0.0]])
    assert grad(lambda x: np.sum(np.r_[x, x * 2.0, np.ones(2)]))(np.ones(2)).tolist() == [3.0, 3.0]
    assert grad(lambda x: np.sum(np.c_[x, x]))(np.ones(2)).tolist() == [2.0, 2.0]
    assert grad(lambda x: np.mean([x, x + 2]))(0.0) == 1.0
    assert grad(lambda x: np.linalg.norm((x, x + 2)))(0.0) == 1.0
    assert np.int64(cr.Tensor(2.7)) == 2
    assert np.where(True, 1, 2) == 1


def test_a_primitive_takes_rules_after_it_is_made_and_rebuilds_on_change():
    @primitive
    def cube(x):
        return x**3

    with pytest.raises(NotImplementedError):
        grad(cube)(2.0)
    defvjp(cube, lambda ans, x: lambda g: g * 3 * x**2)
    assert grad(cube)(2.0) == 12.0
    assert grad(grad(cube))(2.0) == 12.0  # the rule is written with NumPy: it differentiates again
    with pytest.raises(NotImplementedError):
        deriv(cube)(2.0)
    defjvp(cube, lambda g, ans, x: g * 3 * x**2)
    assert deriv(cube)(2.0) == 12.0
    check_grads(cube)(1.3)
    defvjp(cube, lambda ans, x: lambda g: g * 4 * x**2)  # a new rule is used from now on
    assert grad(cube)(2.0) == 16.0


def test_defvjp_argnum_def_linear_and_none():
    @primitive
    def bilinear(A, x):  # linear in each argument: its JVP is itself with the tangent in place
        return A @ x

    vjps = {0: lambda g, A, x: onp.outer(g, x), 1: lambda g, A, x: A.T @ g}
    defvjp_argnum(bilinear, lambda argnum, ans, args, kwargs: lambda g: vjps[argnum](g, *args))
    def_linear(bilinear)
    check_grads(bilinear, argnum=(0, 1), order=1)(rng.standard_normal((2, 3)), rng.standard_normal(3))

    @primitive
    def first(x, y):
        return x * 1.0

    defvjp(first, lambda ans, x, y: lambda g: g, None)
    assert grad(first, 1)(2.0, 3.0) == 0.0


def test_check_grads_catches_a_wrong_rule():
    @primitive
    def double(x):
        return x * 2.0

    defvjp(double, lambda ans, x: lambda g: g * 2.001)
    with pytest.raises(AssertionError, match="VJP"):
        check_grads(double, modes=["rev"])(1.0)


@pytest.mark.oracle
def test_against_hips_autograd():
    ag = pytest.importorskip("autograd")
    agnp = pytest.importorskip("autograd.numpy")

    def make(npmod):
        def f(W, x):
            h = npmod.tanh(npmod.dot(W, x))
            y = npmod.array([npmod.sum(h**2), npmod.prod(npmod.exp(h))])
            return npmod.sum(npmod.log1p(y**2)) + npmod.max(h)

        return f

    W, x = rng.standard_normal((3, 4)), rng.standard_normal(4)
    for argnum in (0, 1):
        np.testing.assert_allclose(
            grad(make(np), argnum)(W, x), ag.grad(make(agnp), argnum)(W, x), rtol=1e-12
        )
    np.testing.assert_allclose(
        hessian(make(np), 1)(W, x), ag.hessian(make(agnp), 1)(W, x), rtol=1e-10, atol=1e-12
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert npr.RandomState(0).randn() == onp.random.RandomState(0).randn()


def test_full_and_full_like_take_a_traced_fill_value() -> None:
    # NumPy's np.full dispatches on like= only, so the drop-in's full passes the fill value as like=
    assert grad(lambda x: np.sum(np.full(3, x)))(2.0) == 3.0
    assert grad(lambda x: np.sum(np.full_like(np.ones((2, 2)), x) * 2.0))(2.0) == 8.0
    assert grad(lambda x: np.sum(np.full((2,), x[0], dtype=np.float64)))(np.ones(2)).tolist() == [2.0, 0.0]
    onp.testing.assert_array_equal(np.full(2, 3.0), [3.0, 3.0])
    assert np.full_like(np.ones(2, dtype=int), 4).dtype.kind == "i"
