"""Case 1: per-operation overhead.

A chain of 200 steps ``y = sin(y) * 1.01`` on 16 float64 values, summed, forward and backward. The arrays are
so small that the arithmetic is nearly free: what is measured is what each framework spends per operation on
recording it and on applying its rule. One "op" is one step of the loop (a sine and a multiplication), and
the time per op is the time per call divided by 200.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from _harness import Budget, goal, max_rel_error, measure, require, row, verdict

TITLE = "Per-op overhead: 200 x (y = sin(y) * 1.01) on 16 float64 values, forward + backward"
UNIT = "us/op"
N_OPS = 200
SCALE = 1e6 / N_OPS  # seconds per call -> microseconds per op
REFERENCE = "chainrule (cr.grad)"
BASELINE = "NumPy forward alone"
SIZE = 16
FACTOR = 1.01
TOLERANCE = 1e-12


def start() -> np.ndarray:
    return np.random.default_rng(0).uniform(-1.5, 1.5, SIZE)


def expected_gradient(x: Any, steps: int = N_OPS) -> np.ndarray:
    """d sum(y_steps) / dx by hand: elementwise, the product of the local derivatives 1.01 cos(y_k)."""
    y = np.asarray(x, dtype=float)
    g = np.ones_like(y)
    for _ in range(steps):
        g = g * (FACTOR * np.cos(y))
        y = np.sin(y) * FACTOR
    return g


def hand_forward_backward(x: Any, steps: int = N_OPS) -> np.ndarray:
    """The chain in NumPy keeping every intermediate, then its backward pass written by hand: what an engine
    does, without its bookkeeping."""
    inputs = []
    y = np.asarray(x, dtype=float)
    for _ in range(steps):
        inputs.append(y)
        y = np.sin(y) * FACTOR
    g = np.ones_like(y)
    for y in reversed(inputs):
        g = g * (FACTOR * np.cos(y))
    return g


def _check(gradient: Any, x: np.ndarray) -> dict[str, Any]:
    error = max_rel_error([gradient], [expected_gradient(x)])
    return verdict(error, TOLERANCE, "gradient vs the product of local derivatives")


def chain_sum(y: Any) -> Any:
    """The benchmark function in plain NumPy (also what chainrule differentiates)."""
    for _ in range(N_OPS):
        y = np.sin(y) * FACTOR
    return np.sum(y)


def bench_chainrule(budget: Budget) -> list[dict[str, Any]]:
    cr = require("chainrule")
    x = start()
    grad_f = cr.grad(chain_sum)

    def tensor_api() -> Any:
        leaf = cr.Tensor(x, requires_grad=True)
        chain_sum(leaf).backward()
        return leaf.grad

    return [
        row(REFERENCE, measure(lambda: grad_f(x), budget), _check(grad_f(x), x)),
        row("chainrule (Tensor API)", measure(tensor_api, budget), _check(tensor_api(), x)),
    ]


def bench_torch(budget: Budget) -> list[dict[str, Any]]:
    torch = require("torch")
    torch.set_num_threads(1)
    x = start()

    def step() -> Any:
        leaf = torch.tensor(x, requires_grad=True)
        y = leaf
        for _ in range(N_OPS):
            y = torch.sin(y) * FACTOR
        y.sum().backward()
        return leaf.grad

    return [row("PyTorch eager", measure(step, budget), _check(step().numpy(), x))]


def bench_autograd(budget: Budget) -> list[dict[str, Any]]:
    autograd = require("autograd")
    anp = require("autograd.numpy")
    x = start()

    def chain(y: Any) -> Any:
        for _ in range(N_OPS):
            y = anp.sin(y) * FACTOR
        return anp.sum(y)

    grad_f = autograd.grad(chain)
    return [row("HIPS autograd", measure(lambda: grad_f(x), budget), _check(grad_f(x), x))]


def bench_mygrad(budget: Budget) -> list[dict[str, Any]]:
    mg = require("mygrad")
    x = start()

    def step() -> Any:
        leaf = mg.tensor(x)
        y = leaf
        for _ in range(N_OPS):
            y = mg.sin(y) * FACTOR
        mg.sum(y).backward()
        return leaf.grad

    return [row("MyGrad", measure(step, budget), _check(step(), x))]


def bench_jax(budget: Budget) -> list[dict[str, Any]]:
    jax = require("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    x = jnp.asarray(start())

    def chain(y: Any) -> Any:
        for _ in range(N_OPS):
            y = jnp.sin(y) * FACTOR
        return jnp.sum(y)

    grad_f = jax.grad(chain)

    def step() -> Any:
        return grad_f(x).block_until_ready()

    # about 80 ms per call: one call per repeat, the fewest repeats
    timing = measure(step, budget.slow())
    return [row("JAX eager (jax.grad, no jit)", timing, _check(np.asarray(step()), np.asarray(x)))]


def bench_numpy(budget: Budget) -> list[dict[str, Any]]:
    x = start()

    def forward_backward() -> np.ndarray:
        return hand_forward_backward(x)

    return [
        row(BASELINE, measure(lambda: chain_sum(x), budget)),
        row(
            "NumPy forward + hand-written backward",
            measure(forward_backward, budget),
            _check(forward_backward(), x),
        ),
    ]


FRAMEWORKS: dict[str, Callable[[Budget], list[dict[str, Any]]]] = {
    "chainrule": bench_chainrule,
    "torch": bench_torch,
    "autograd": bench_autograd,
    "mygrad": bench_mygrad,
    "jax": bench_jax,
    "numpy": bench_numpy,
}


def goals(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """<= 4 us/op, and <= 0.5x PyTorch eager in the same run, for both chainrule APIs."""
    out = []
    torch_row = rows.get("PyTorch eager")
    for label in (REFERENCE, "chainrule (Tensor API)"):
        mine = rows.get(label)
        if mine is None:
            out.append(goal(f"{label} <= 4 us/op", None, "no result"))
            continue
        per_op = mine["median_s"] * SCALE
        out.append(goal(f"{label} <= 4 us/op", per_op <= 4.0, f"{per_op:.2f} us/op"))
        if torch_row is None:
            out.append(goal(f"{label} <= 0.5x PyTorch eager", None, "PyTorch not measured"))
        else:
            ratio = mine["median_s"] / torch_row["median_s"]
            detail = f"{ratio:.2f}x ({per_op:.2f} vs {torch_row['median_s'] * SCALE:.2f} us/op)"
            out.append(goal(f"{label} <= 0.5x PyTorch eager", ratio <= 0.5, detail))
    return out
