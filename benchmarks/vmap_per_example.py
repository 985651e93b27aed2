"""Case 5: per-example gradients of an MLP 784-256-10, batch 64, float32.

The gradient of each example's loss separately (for per-example clipping, influence, or to see what a
mini-batch gradient averages): ``vmap(grad(loss), in_axes=(None, 0, 0))`` with the loss written for one
example, against a Python loop of ``grad`` over the 64 examples, the same gradients vectorised by hand in
NumPy (the baseline), and ``torch.func.vmap(torch.func.grad(loss))``. The W1 gradients alone are
64 x 256 x 784 numbers (51 MB in float32), so every contender spends most of its time writing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from _harness import Budget, goal, max_rel_error, measure, require, row, verdict

TITLE = "Per-example gradients, MLP 784-256-10 (tanh, softmax cross-entropy), batch 64, float32"
UNIT = "ms"
SCALE = 1e3
REFERENCE = "chainrule vmap(grad)"
LOOP = "chainrule, Python loop of grad"
BASELINE = "NumPy, hand-vectorised per-example backward"
TORCH = "PyTorch torch.func.vmap(grad)"
BATCH, N_IN, N_HIDDEN, N_OUT = 64, 784, 256, 10
TOLERANCE = 1e-4  # relative, float32

Params = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def problem() -> tuple[np.ndarray, np.ndarray, Params]:
    """Inputs, one-hot targets and parameters (weights as (out, in), for ``W @ x``), the same everywhere."""
    rng = np.random.default_rng(0)
    X = rng.random((BATCH, N_IN), dtype=np.float32)
    T = np.eye(N_OUT, dtype=np.float32)[rng.integers(0, N_OUT, BATCH)]
    W1 = (rng.standard_normal((N_HIDDEN, N_IN)) / np.sqrt(N_IN)).astype(np.float32)
    b1 = (0.1 * rng.standard_normal(N_HIDDEN)).astype(np.float32)
    W2 = (rng.standard_normal((N_OUT, N_HIDDEN)) / np.sqrt(N_HIDDEN)).astype(np.float32)
    b2 = (0.1 * rng.standard_normal(N_OUT)).astype(np.float32)
    return X, T, (W1, b1, W2, b2)


def hand_vectorised(params: Params, X: np.ndarray, T: np.ndarray) -> list[np.ndarray]:
    """Every example's gradients at once, the backward pass written by hand."""
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1.T + b1)
    logits = h @ W2.T + b2
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    d = e / e.sum(axis=1, keepdims=True) - T  # d loss / d logits, per example
    dh = (d @ W2) * (1.0 - h * h)
    return [dh[:, :, None] * X[:, None, :], dh, d[:, :, None] * h[:, None, :], d]


def _check(grads: Any) -> dict[str, Any]:
    X, T, params = problem()
    want = hand_vectorised(params, X, T)
    return verdict(
        max_rel_error([np.asarray(g) for g in grads], want), TOLERANCE, "vs the hand-written backward"
    )


def bench_chainrule(budget: Budget) -> list[dict[str, Any]]:
    cr = require("chainrule")
    X, T, params = problem()

    def loss(p: Any, x: Any, t: Any) -> Any:
        W1, b1, W2, b2 = p
        logits = W2 @ np.tanh(W1 @ x + b1) + b2
        return cr.logsumexp(logits) - np.sum(t * logits)

    per_example = cr.vmap(cr.grad(loss), in_axes=(None, 0, 0))
    gradient = cr.grad(loss)

    def loop() -> list[np.ndarray]:
        grads = [gradient(params, x, t) for x, t in zip(X, T, strict=True)]
        return [np.stack([g[k] for g in grads]) for k in range(4)]

    return [
        row(REFERENCE, measure(lambda: per_example(params, X, T), budget), _check(per_example(params, X, T))),
        row(LOOP, measure(loop, budget.slow()), _check(loop())),
    ]


def bench_numpy(budget: Budget) -> list[dict[str, Any]]:
    X, T, params = problem()
    grads = hand_vectorised(params, X, T)
    return [row(BASELINE, measure(lambda: hand_vectorised(params, X, T), budget), _check(grads))]


def bench_torch(budget: Budget) -> list[dict[str, Any]]:
    torch = require("torch")
    torch.set_num_threads(1)
    X, T, params = problem()
    Xt, Tt = torch.from_numpy(X), torch.from_numpy(T)
    pt = tuple(torch.from_numpy(p) for p in params)

    def loss(p: Any, x: Any, t: Any) -> Any:
        W1, b1, W2, b2 = p
        logits = W2 @ torch.tanh(W1 @ x + b1) + b2
        return torch.logsumexp(logits, 0) - torch.sum(t * logits)

    per_example = torch.func.vmap(torch.func.grad(loss), in_dims=(None, 0, 0))
    check = _check([g.numpy() for g in per_example(pt, Xt, Tt)])
    return [row(TORCH, measure(lambda: per_example(pt, Xt, Tt), budget), check)]


FRAMEWORKS: dict[str, Callable[[Budget], list[dict[str, Any]]]] = {
    "chainrule": bench_chainrule,
    "numpy": bench_numpy,
    "torch": bench_torch,
}


def _ratio_goal(
    rows: dict[str, dict[str, Any]], text: str, num: str, den: str, limit: float, above: bool
) -> Any:
    a, b = rows.get(num), rows.get(den)
    if a is None or b is None:
        return goal(text, None, "missing a result")
    ratio = a["median_s"] / b["median_s"]
    passed = ratio >= limit if above else ratio <= limit
    return goal(text, passed, f"{ratio:.2f}x ({a['median_s'] * 1e3:.2f} vs {b['median_s'] * 1e3:.2f} ms)")


def goals(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """vmap(grad) >= 20x a loop of grad, <= 1.5x hand-vectorised NumPy; against torch.func: reported."""
    return [
        _ratio_goal(rows, "vmap(grad) >= 20x faster than a Python loop of grad", LOOP, REFERENCE, 20.0, True),
        _ratio_goal(rows, "vmap(grad) <= 1.5x hand-vectorised NumPy", REFERENCE, BASELINE, 1.5, False),
        _ratio_goal(
            rows, "vmap(grad) vs torch.func.vmap(grad) (reported, <= 1.0x)", REFERENCE, TORCH, 1.0, False
        ),
    ]
