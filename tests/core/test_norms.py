"""Norms, var and std at every scale and at complex values (issues 10 and 16).

The Euclidean norm is homogeneous, so its gradient does not depend on the scale, its Hessian scales as
1/scale, and the same holds for std: at scales where the sum of squares under- or overflows the derivatives
must still be the scale-free ones, not the kink's 0. Complex values follow JAX's convention (for a real
``f`` of complex ``z``, ``grad`` is the conjugate of the steepest ascent): checked against finite
differences here and against JAX itself in the oracle tests at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr

X = np.array([1.0, -2.0, 4.0])
SCALES = [1e-300, 1e-170, 1e-162, 1e-155, 1.0, 1e154, 1e160, 1e300]
FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "norm": np.linalg.norm,
    "norm axis": lambda v: np.sum(np.linalg.norm(np.reshape(v, (1, 3)), axis=1)),
    "fro": lambda v: np.linalg.norm(np.reshape(v, (1, 3)), "fro"),
    "std": np.std,
    "std ddof": lambda v: np.std(v, ddof=1),
    "nanstd": np.nanstd,
}


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_norm_and_std_derivatives_do_not_depend_on_the_scale(name: str, scale: float) -> None:
    f = FUNCTIONS[name]
    value, gradient = cr.value_and_grad(f)(X * scale)
    want_value, want_gradient = cr.value_and_grad(f)(X)
    np.testing.assert_allclose(value / scale, want_value, rtol=1e-14)
    np.testing.assert_allclose(gradient, want_gradient, rtol=1e-14)
    tangent = np.array([0.5, 1.0, -3.0])
    _, change = cr.jvp(f, (X * scale,), (tangent,))
    np.testing.assert_allclose(change, np.dot(want_gradient, tangent), rtol=1e-14)


@pytest.mark.parametrize("scale", [1e-170, 1e-160, 1e155, 1e160])
@pytest.mark.parametrize("name", ["norm", "std"])
def test_norm_and_std_hessians_scale_as_one_over_the_scale(name: str, scale: float) -> None:
    f = FUNCTIONS[name]
    np.testing.assert_allclose(cr.hessian(f)(X * scale) * scale, cr.hessian(f)(X), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("scale", [1e-30, 1e-22, 1e20, 1e30])
def test_float32_norms_are_scaled_too(scale: float) -> None:
    x = cr.Tensor(np.float32(scale) * X.astype(np.float32), requires_grad=True)
    y = np.linalg.norm(x)
    y.backward()
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.item() / scale, np.linalg.norm(X), rtol=1e-6)
    np.testing.assert_allclose(x.grad, X / np.linalg.norm(X), rtol=1e-6)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # inf / inf
def test_the_kink_and_non_finite_entries_keep_their_meaning() -> None:
    assert np.all(cr.grad(np.linalg.norm)(np.zeros(3)) == 0.0)  # norm'(0) = 0, the policy
    assert np.all(cr.grad(np.std)(np.full(3, 1e-200)) == 0.0)  # a constant: std' = 0
    value, gradient = cr.value_and_grad(np.linalg.norm)(np.array([np.inf, 1.0]))
    assert value == np.inf
    np.testing.assert_array_equal(np.isnan(gradient), [True, False])  # inf / inf: no number is right
    assert np.isnan(cr.value_and_grad(np.linalg.norm)(np.array([np.nan, 1.0]))[0])
    assert cr.value_and_grad(np.linalg.norm)(np.zeros(0))[0] == 0.0
    np.testing.assert_array_equal(np.linalg.norm(cr.Tensor(np.zeros((0, 2))), axis=0).data, [0.0, 0.0])


# ---------------------------------------------------------------- complex values

RNG = np.random.default_rng(7)
Z = RNG.standard_normal(4) + 1j * RNG.standard_normal(4)
M = RNG.standard_normal((3, 2)) + 1j * RNG.standard_normal((3, 2))
COMPLEX: dict[str, tuple[Callable[[Any, Any], Any], Any]] = {
    "norm": (lambda xp, z: xp.linalg.norm(z), Z),
    "norm axis": (lambda xp, z: xp.linalg.norm(z, axis=0)[1], M),
    "fro": (lambda xp, z: xp.linalg.norm(z, "fro"), M),
    "pnorm 3": (lambda xp, z: xp.linalg.norm(z, 3), Z),
    "pnorm 1.5": (lambda xp, z: xp.linalg.norm(z, 1.5), Z),
    "spectral": (lambda xp, z: xp.linalg.norm(z, 2), M),
    "nuclear": (lambda xp, z: xp.linalg.norm(z, "nuc"), M),
    "smallest singular value": (lambda xp, z: xp.linalg.norm(z, -2), M),
    "var": (lambda xp, z: xp.var(z), Z),
    "var axis ddof": (lambda xp, z: xp.var(z, axis=0, ddof=1)[0], M),
    "std": (lambda xp, z: xp.std(z), Z),
    "std ddof": (lambda xp, z: xp.std(z, ddof=1), M),
    "nanvar": (lambda xp, z: xp.nanvar(z), Z),
    "nanstd": (lambda xp, z: xp.nanstd(z, axis=1)[2], M),
}


def test_complex_norm_var_std_values_are_right_under_tracing() -> None:
    z = cr.Tensor([3 + 4j, 1j], requires_grad=True)
    y = np.linalg.norm(z)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.item(), np.sqrt(26.0), rtol=1e-15)
    for name, (f, x) in COMPLEX.items():
        traced = f(np, cr.Tensor(x, requires_grad=True))
        assert traced.dtype.kind == "f", name
        np.testing.assert_allclose(traced.item(), f(np, x), rtol=1e-13, err_msg=name)


@pytest.mark.parametrize("name", COMPLEX)
def test_complex_gradients_against_finite_differences(name: str) -> None:
    f, x = COMPLEX[name]
    direction = RNG.standard_normal(x.shape) + 1j * RNG.standard_normal(x.shape)
    h = 1e-6
    slope = (f(np, x + h * direction) - f(np, x - h * direction)) / (2 * h)
    value, gradient = cr.value_and_grad(lambda z: f(np, z))(x)
    np.testing.assert_allclose(value, f(np, x), rtol=1e-13)
    # the conjugate of steepest ascent: a step dz changes f by Re(sum(grad * dz))
    np.testing.assert_allclose(np.real(np.sum(gradient * direction)), slope, rtol=1e-7)
    _, change = cr.jvp(lambda z: f(np, z), (x,), (direction,))
    assert np.isrealobj(change)
    np.testing.assert_allclose(change, slope, rtol=1e-7)


@pytest.mark.oracle
@pytest.mark.parametrize("name", COMPLEX)
def test_complex_gradients_against_jax(name: str) -> None:
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    f, x = COMPLEX[name]
    value, gradient = cr.value_and_grad(lambda z: f(np, z))(x)
    want_value, want_gradient = jax.value_and_grad(lambda z: f(jax.numpy, z))(x)
    np.testing.assert_allclose(value, want_value, rtol=1e-13)
    np.testing.assert_allclose(gradient, np.asarray(want_gradient), rtol=1e-12, atol=1e-14)
    tangent = np.conj(x) * (1 - 2j)
    _, change = cr.jvp(lambda z: f(np, z), (x,), (tangent,))
    _, want_change = jax.jvp(lambda z: f(jax.numpy, z), (x,), (tangent,))
    np.testing.assert_allclose(change, np.asarray(want_change), rtol=1e-12)
