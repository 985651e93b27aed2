"""chainrule.autograd.misc.optimizers: autograd's sgd, rmsprop and adam, by hand-computed updates and against
HIPS autograd itself (oracle)."""

from __future__ import annotations

import math
from typing import Any

import numpy as onp
import pytest

import chainrule.autograd.numpy as np
from chainrule.autograd import grad
from chainrule.autograd.misc.optimizers import adam, rmsprop, sgd


def square_gradient(x: Any, i: int) -> Any:
    return 2.0 * x  # of x**2


def test_sgd_steps_by_its_velocity() -> None:
    # v = 0.9 v - 0.1 g, x = x + 0.1 v: from x = 1, g = 2 then v = -0.2, x = 0.98; g = 1.96, v = -0.376
    x = sgd(square_gradient, onp.array([1.0]), num_iters=2, step_size=0.1, mass=0.9)
    onp.testing.assert_allclose(x, [0.98 - 0.1 * 0.376], rtol=1e-15)


def test_rmsprop_starts_its_mean_square_at_one() -> None:
    # r = 0.9 * 1 + 0.1 * g**2 = 1.3 with g = 2, then x = 1 - 0.1 * 2 / (sqrt(1.3) + eps)
    x = rmsprop(square_gradient, onp.array([1.0]), num_iters=1, step_size=0.1, gamma=0.9, eps=1e-8)
    onp.testing.assert_allclose(x, [1.0 - 0.2 / (math.sqrt(1.3) + 1e-8)], rtol=1e-15)


def test_adam_corrects_its_moments_for_starting_at_zero() -> None:
    x = adam(square_gradient, onp.array([1.0]), num_iters=2, step_size=0.1, eps=1e-8)
    x1 = 1.0 - 0.1 * 2.0 / (2.0 + 1e-8)  # m = 0.2, v = 0.004: corrected, exactly g and g**2
    g = 2.0 * x1
    m, v = 0.9 * 0.2 + 0.1 * g, 0.999 * 0.004 + 0.001 * g**2
    x2 = x1 - 0.1 * (m / (1 - 0.9**2)) / (math.sqrt(v / (1 - 0.999**2)) + 1e-8)
    onp.testing.assert_allclose(x, [x2], rtol=1e-14)


@pytest.mark.parametrize("optimizer", [sgd, rmsprop, adam])
def test_containers_keep_their_structure_and_the_callback_sees_them(optimizer: Any) -> None:
    seen: list[tuple[Any, int, Any]] = []
    iterations: list[int] = []

    def gradient(params: Any, i: int) -> Any:
        iterations.append(i)
        return {"w": 2.0 * params["w"], "b": (params["b"][0] - 1.0,)}

    x0 = {"w": onp.ones((2, 2)), "b": (onp.zeros(3),)}
    out = optimizer(gradient, x0, lambda x, i, g: seen.append((x, i, g)), num_iters=3)
    assert out["w"].shape == (2, 2)
    assert isinstance(out["b"], tuple)
    assert out["b"][0].shape == (3,)
    assert iterations == [0, 1, 2]
    assert [i for _, i, _ in seen] == [0, 1, 2]
    x, _, g = seen[1]
    onp.testing.assert_allclose(g["w"], 2.0 * x["w"])  # the gradient at the x passed with it
    onp.testing.assert_allclose(g["b"][0], x["b"][0] - 1.0)
    assert (out["w"] < 1.0).all()  # both moved downhill
    assert (out["b"][0] > 0.0).all()
    onp.testing.assert_array_equal(x0["w"], onp.ones((2, 2)))  # the start is left alone


def test_a_gradient_of_chainrule_minimizes() -> None:
    loss = lambda x, i: np.sum((x - 3.0) ** 2)  # noqa: E731
    onp.testing.assert_allclose(
        adam(grad(loss), onp.zeros(2), num_iters=3000, step_size=0.05), 3.0, atol=1e-6
    )


@pytest.mark.oracle
@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adam"])
def test_against_hips_autograd(name: str) -> None:
    ag = pytest.importorskip("autograd")
    agnp = pytest.importorskip("autograd.numpy")
    from autograd.misc import optimizers as hips

    rng = onp.random.default_rng(0)
    A = rng.standard_normal((3, 3))

    def make(npmod: Any) -> Any:
        def loss(p: Any, i: int) -> Any:
            hidden = npmod.tanh(npmod.dot(A, p["w"]) + p["b"][0])
            return npmod.sum(hidden**2) + 0.1 * (i + 1) * npmod.sum(p["b"] ** 2)

        return loss

    x0 = {"w": rng.standard_normal(3), "b": rng.standard_normal(2)}
    theirs: list[Any] = []
    ours: list[Any] = []
    options = {"num_iters": 25, "step_size": 0.05}
    want = getattr(hips, name)(ag.grad(make(agnp)), x0, lambda x, i, g: theirs.append((x, i, g)), **options)
    got = globals()[name](grad(make(np)), x0, lambda x, i, g: ours.append((x, i, g)), **options)
    for key in x0:
        onp.testing.assert_allclose(got[key], want[key], rtol=1e-12)
    assert len(ours) == len(theirs) == 25
    for (x, i, g), (xw, iw, gw) in zip(ours, theirs, strict=True):
        assert i == iw
        for key in x0:
            onp.testing.assert_allclose(x[key], xw[key], rtol=1e-12)
            onp.testing.assert_allclose(g[key], gw[key], rtol=1e-12)
