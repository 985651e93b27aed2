"""Oracle tests for cr.vmap: the same batched functions against jax.vmap and torch.func (``make oracle``).

Each case is written once over a namespace ``xp`` (NumPy for chainrule, jax.numpy, torch) and compared in
float64: plain vmap, vmap of grad with a shared parameter (per-example gradients), vmap of vmap, and the
Jacobian and Hessian against jax.jacfwd/jacrev/hessian.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import chainrule as cr

pytestmark = pytest.mark.oracle

RNG = np.random.default_rng(7)
W = RNG.standard_normal((4, 3))
X = RNG.standard_normal((6, 3))
T = RNG.standard_normal((6, 4))


def _cases(xp: Any, logsumexp: Any) -> dict[str, Any]:
    return {
        "tanh layer": lambda w, x: xp.tanh(w @ x),
        "softmax loss": lambda w, x: logsumexp(w @ x) - (w @ x)[0],
        "norm and max": lambda w, x: xp.sqrt(xp.sum((w @ x) ** 2)) + xp.max(w @ x),
        "outer and trace": lambda w, x: xp.sum(xp.outer(x, x) * (w.T @ w)),
        "slice and concat": lambda w, x: xp.concatenate([x[1:], w[0, :2] * x[:2]]),
    }


def _jax() -> Any:
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return jax


@pytest.mark.parametrize("name", list(_cases(np, cr.logsumexp)))
def test_vmap_and_per_example_grads_match_jax(name: str) -> None:
    jax = _jax()
    ours = _cases(np, cr.logsumexp)[name]
    theirs = _cases(jax.numpy, jax.scipy.special.logsumexp)[name]
    np.testing.assert_allclose(
        cr.vmap(ours, in_axes=(None, 0))(W, X), jax.vmap(theirs, in_axes=(None, 0))(W, X), rtol=1e-12
    )

    def scalar(f: Any, xp: Any) -> Any:
        return lambda w, x, t: xp.sum(f(w, x) * t[: np.size(f(W, X[0]))].reshape(np.shape(f(W, X[0]))))

    mine = cr.vmap(cr.grad(scalar(ours, np)), in_axes=(None, 0, 0))(W, X, T)
    want = jax.vmap(jax.grad(scalar(theirs, jax.numpy)), in_axes=(None, 0, 0))(W, X, T)
    np.testing.assert_allclose(mine, want, rtol=1e-10, atol=1e-12)
    nested = cr.vmap(cr.vmap(ours, in_axes=(None, 0)), in_axes=(0, None))(np.stack([W, 2 * W]), X)
    want = jax.vmap(jax.vmap(theirs, in_axes=(None, 0)), in_axes=(0, None))(np.stack([W, 2 * W]), X)
    np.testing.assert_allclose(nested, want, rtol=1e-12)


@pytest.mark.parametrize("name", list(_cases(np, cr.logsumexp)))
def test_jacobians_and_hessians_match_jax(name: str) -> None:
    jax = _jax()
    ours = _cases(np, cr.logsumexp)[name]
    theirs = _cases(jax.numpy, jax.scipy.special.logsumexp)[name]
    x = X[0]
    for mode, transform in (("fwd", jax.jacfwd), ("rev", jax.jacrev), ("auto", jax.jacrev)):
        got = cr.jacobian(lambda v: ours(W, v), mode=mode)(x)
        np.testing.assert_allclose(got, transform(lambda v: theirs(W, v))(x), rtol=1e-10, atol=1e-12)
    total = lambda f, xp: lambda v: xp.sum(f(W, v) ** 2)  # noqa: E731
    for mode in ("fwd", "rev"):
        got = cr.hessian(total(ours, np), mode=mode)(x)
        np.testing.assert_allclose(got, jax.hessian(total(theirs, jax.numpy))(x), rtol=1e-10, atol=1e-10)


def test_per_example_grads_match_torch_func() -> None:
    torch = pytest.importorskip("torch")

    def loss(xp: Any, lse: Any) -> Any:
        return lambda w, x, t: lse(xp.tanh(w @ x) * t) - xp.sum(t * (w @ x))

    mine = cr.vmap(cr.grad(loss(np, cr.logsumexp)), in_axes=(None, 0, 0))(W, X, T)
    grad = torch.func.grad(loss(torch, lambda v: torch.logsumexp(v, 0)))
    want = torch.func.vmap(grad, in_dims=(None, 0, 0))(*(torch.from_numpy(a) for a in (W, X, T)))
    np.testing.assert_allclose(mine, want.numpy(), rtol=1e-10, atol=1e-12)
