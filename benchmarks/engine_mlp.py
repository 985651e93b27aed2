"""Case 2: the gradient of a small classifier, written as plain NumPy code.

An MLP 784-256-10 with tanh, softmax cross-entropy, a batch of 128, float32: the forward pass and the
gradients of W1, b1, W2 and b2 (the SGD update is left out: it is the same four NumPy lines for everyone).
chainrule differentiates the NumPy code as it stands; the baseline is the same step with the backward pass
written by hand. Here the arrays are large enough that the matrix products dominate, so the question is how
much an engine adds on top of the arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from _harness import Budget, goal, max_rel_error, measure, require, row, verdict

TITLE = "MLP 784-256-10 (tanh, softmax cross-entropy), batch 128, float32: forward + gradients"
UNIT = "ms"
SCALE = 1e3
REFERENCE = "chainrule (cr.grad)"
BASELINE = "NumPy, hand-written backward"
BATCH, N_IN, N_HIDDEN, N_OUT = 128, 784, 256, 10
TOLERANCE = 1e-5  # relative, float32

Params = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def problem() -> tuple[np.ndarray, np.ndarray, Params]:
    """Random pixel-like inputs, labels and parameters, the same in every worker."""
    rng = np.random.default_rng(0)
    X = rng.random((BATCH, N_IN), dtype=np.float32)
    Y = rng.integers(0, N_OUT, BATCH)
    W1 = (rng.standard_normal((N_IN, N_HIDDEN)) / np.sqrt(N_IN)).astype(np.float32)
    b1 = (0.1 * rng.standard_normal(N_HIDDEN)).astype(np.float32)
    W2 = (rng.standard_normal((N_HIDDEN, N_OUT)) / np.sqrt(N_HIDDEN)).astype(np.float32)
    b2 = (0.1 * rng.standard_normal(N_OUT)).astype(np.float32)
    return X, Y, (W1, b1, W2, b2)


def numpy_loss_and_gradients(X: np.ndarray, Y: np.ndarray, params: Params) -> tuple[Any, Params]:
    """The step with its backward pass written by hand: the baseline every engine is compared with."""
    W1, b1, W2, b2 = params
    rows = np.arange(len(X))
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    loss = np.mean(np.log(total[:, 0])) - np.mean(shifted[rows, Y])
    # d loss / d logits = (softmax - one_hot(Y)) / batch
    d_logits = e / total
    d_logits[rows, Y] -= 1
    d_logits /= len(X)
    d_pre = (d_logits @ W2.T) * (1 - h * h)
    return loss, (X.T @ d_pre, d_pre.sum(axis=0), h.T @ d_logits, d_logits.sum(axis=0))


def _check(grads: Any, X: np.ndarray, Y: np.ndarray, params: Params) -> dict[str, Any]:
    _, want = numpy_loss_and_gradients(X, Y, params)
    got = [np.asarray(g) for g in grads]
    if any(g.dtype != np.float32 for g in got):
        return verdict(float("inf"), TOLERANCE, f"gradients not float32: {[str(g.dtype) for g in got]}")
    return verdict(max_rel_error(got, want), TOLERANCE, "gradients vs the hand-written NumPy backward")


def bench_chainrule(budget: Budget) -> list[dict[str, Any]]:
    cr = require("chainrule")
    X, Y, params = problem()

    def loss(params: Any) -> Any:
        W1, b1, W2, b2 = params
        logits = np.tanh(X @ W1 + b1) @ W2 + b2
        lp = logits - cr.logsumexp(logits, axis=1, keepdims=True)
        return -np.mean(lp[np.arange(BATCH), Y])

    grad_f = cr.grad(loss)
    return [row(REFERENCE, measure(lambda: grad_f(params), budget), _check(grad_f(params), X, Y, params))]


def bench_torch(budget: Budget) -> list[dict[str, Any]]:
    torch = require("torch")
    torch.set_num_threads(1)
    X, Y, params = problem()
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    W1, b1, W2, b2 = leaves = [torch.tensor(p, requires_grad=True) for p in params]

    def same_formula() -> list[Any]:
        for p in leaves:
            p.grad = None
        logits = torch.tanh(Xt @ W1 + b1) @ W2 + b2
        lp = logits - torch.logsumexp(logits, dim=1, keepdim=True)
        (-lp[torch.arange(BATCH), Yt].mean()).backward()
        return [p.grad for p in leaves]

    def fused_loss() -> list[Any]:
        for p in leaves:
            p.grad = None
        logits = torch.tanh(Xt @ W1 + b1) @ W2 + b2
        torch.nn.functional.cross_entropy(logits, Yt).backward()
        return [p.grad for p in leaves]

    def check(step: Callable[[], list[Any]]) -> dict[str, Any]:
        return _check([g.numpy() for g in step()], X, Y, params)

    return [
        row("PyTorch eager (same formula)", measure(same_formula, budget), check(same_formula)),
        row("PyTorch eager (F.cross_entropy)", measure(fused_loss, budget), check(fused_loss)),
    ]


def bench_autograd(budget: Budget) -> list[dict[str, Any]]:
    autograd = require("autograd")
    anp = require("autograd.numpy")
    special = require("autograd.scipy.special")
    X, Y, params = problem()

    def loss(params: Any) -> Any:
        W1, b1, W2, b2 = params
        logits = anp.dot(anp.tanh(anp.dot(X, W1) + b1), W2) + b2
        lp = logits - special.logsumexp(logits, axis=1, keepdims=True)
        return -anp.mean(lp[anp.arange(BATCH), Y])

    grad_f = autograd.grad(loss)
    return [
        row("HIPS autograd", measure(lambda: grad_f(params), budget), _check(grad_f(params), X, Y, params))
    ]


def bench_numpy(budget: Budget) -> list[dict[str, Any]]:
    X, Y, params = problem()
    timing = measure(lambda: numpy_loss_and_gradients(X, Y, params), budget)
    # The baseline is checked against chainrule, which differentiates the forward code without the backward.
    cr = require("chainrule")

    def loss(params: Any) -> Any:
        W1, b1, W2, b2 = params
        logits = np.tanh(X @ W1 + b1) @ W2 + b2
        return -np.mean((logits - cr.logsumexp(logits, axis=1, keepdims=True))[np.arange(BATCH), Y])

    value, want = cr.value_and_grad(loss)(params)
    got_value, got = numpy_loss_and_gradients(X, Y, params)
    error = max(max_rel_error(got, want), max_rel_error([got_value], [value]))
    return [row(BASELINE, timing, verdict(error, TOLERANCE, "loss and gradients vs chainrule"))]


FRAMEWORKS: dict[str, Callable[[Budget], list[dict[str, Any]]]] = {
    "chainrule": bench_chainrule,
    "torch": bench_torch,
    "autograd": bench_autograd,
    "numpy": bench_numpy,
}


def goals(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """chainrule's step <= 1.1x the hand-written NumPy step in the same run."""
    mine, base = rows.get(REFERENCE), rows.get(BASELINE)
    text = "chainrule MLP step <= 1.1x hand-written NumPy"
    if mine is None or base is None:
        return [goal(text, None, "missing a result")]
    ratio = mine["median_s"] / base["median_s"]
    detail = f"{ratio:.2f}x ({mine['median_s'] * 1e3:.3f} vs {base['median_s'] * 1e3:.3f} ms)"
    return [goal(text, ratio <= 1.1, detail)]
