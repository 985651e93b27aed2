"""Case 4: the Hessian of a logistic-regression loss with 100 parameters.

``loss(w) = mean(softplus(X @ w) - y * (X @ w))`` for X of shape 500 x 100 (float64) and labels y in {0, 1}.
Its Hessian has the closed form ``X^T diag(s (1 - s)) X / n`` with ``s = sigmoid(X @ w)``, which is the NumPy
baseline and the reference every framework must match to 1e-8. chainrule and PyTorch go forward-over-reverse
(one forward pass per parameter through the reverse pass, batched with vmap in torch.func); JAX does the same,
timed both eagerly and compiled with jit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from _harness import Budget, goal, measure, require, row, verdict

TITLE = "Hessian of a logistic-regression loss: X 500 x 100 float64, 100 parameters"
UNIT = "ms"
SCALE = 1e3
REFERENCE = "chainrule (cr.hessian)"
BASELINE = "NumPy closed form"
N_SAMPLES, N_FEATURES = 500, 100
TOLERANCE = 1e-8


def problem() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES))
    w = 0.1 * rng.standard_normal(N_FEATURES)
    y = (rng.random(N_SAMPLES) < 0.5).astype(np.float64)
    return X, y, w


def closed_form(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    s = 1.0 / (1.0 + np.exp(-(X @ w)))
    return (X.T * (s * (1.0 - s))) @ X / len(X)


def _check(H: Any) -> dict[str, Any]:
    X, _, w = problem()
    H = np.asarray(H)
    want = closed_form(X, w)
    if H.shape != want.shape:
        return verdict(float("inf"), TOLERANCE, f"shape {H.shape}, expected {want.shape}")
    return verdict(float(np.max(np.abs(H - want))), TOLERANCE, "max abs difference from the closed form")


def bench_chainrule(budget: Budget) -> list[dict[str, Any]]:
    cr = require("chainrule")
    X, y, w = problem()

    def loss(w: Any) -> Any:
        z = X @ w
        return np.mean(cr.softplus(z) - y * z)

    hessian = cr.hessian(loss)
    reverse = cr.hessian(loss, mode="rev")
    return [
        row(REFERENCE, measure(lambda: hessian(w), budget), _check(hessian(w))),
        row(
            "chainrule (cr.hessian, mode='rev': reverse-over-reverse)",
            measure(lambda: reverse(w), budget),
            _check(reverse(w)),
        ),
    ]


def bench_torch(budget: Budget) -> list[dict[str, Any]]:
    torch = require("torch")
    torch.set_num_threads(1)
    X, y, w = problem()
    Xt, yt, wt = torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(w)
    # softplus's linear cut-off at 20 never applies: |X @ w| stays below 5 here

    def loss(w: Any) -> Any:
        z = Xt @ w
        return torch.mean(torch.nn.functional.softplus(z) - yt * z)

    hessian = torch.func.hessian(loss)
    return [
        row("PyTorch torch.func.hessian", measure(lambda: hessian(wt), budget), _check(hessian(wt).numpy()))
    ]


def bench_jax(budget: Budget) -> list[dict[str, Any]]:
    jax = require("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    X, y, w = problem()
    Xj, yj, wj = jnp.asarray(X), jnp.asarray(y), jnp.asarray(w)

    def loss(w: Any) -> Any:
        z = Xj @ w
        return jnp.mean(jax.nn.softplus(z) - yj * z)

    eager = jax.hessian(loss)
    compiled = jax.jit(jax.hessian(loss))
    return [
        row(
            "JAX jax.hessian (no jit)",
            measure(lambda: eager(wj).block_until_ready(), budget),
            _check(eager(wj)),
        ),
        row(
            "JAX jax.jit(jax.hessian)",
            measure(lambda: compiled(wj).block_until_ready(), budget),
            _check(compiled(wj)),
            note="compiled once before timing",
        ),
    ]


def bench_autograd(budget: Budget) -> list[dict[str, Any]]:
    autograd = require("autograd")
    anp = require("autograd.numpy")
    X, y, w = problem()

    def loss(w: Any) -> Any:
        z = anp.dot(X, w)
        return anp.mean(anp.logaddexp(0.0, z) - y * z)

    hessian = autograd.hessian(loss)
    return [row("HIPS autograd.hessian", measure(lambda: hessian(w), budget), _check(hessian(w)))]


def bench_numpy(budget: Budget) -> list[dict[str, Any]]:
    X, _, w = problem()
    return [row(BASELINE, measure(lambda: closed_form(X, w), budget), _check(closed_form(X, w)))]


FRAMEWORKS: dict[str, Callable[[Budget], list[dict[str, Any]]]] = {
    "chainrule": bench_chainrule,
    "torch": bench_torch,
    "jax": bench_jax,
    "autograd": bench_autograd,
    "numpy": bench_numpy,
}


def goals(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """cr.hessian (batched with vmap) <= 1.0x torch.func.hessian in the same run."""
    mine, torch = rows.get(REFERENCE), rows.get("PyTorch torch.func.hessian")
    text = "cr.hessian <= 1.0x torch.func.hessian"
    if mine is None or torch is None:
        return [goal(text, None, "missing a result")]
    ratio = mine["median_s"] / torch["median_s"]
    detail = f"{ratio:.2f}x ({mine['median_s'] * 1e3:.2f} vs {torch['median_s'] * 1e3:.2f} ms)"
    return [goal(text, ratio <= 1.0, detail)]
