"""Case 5: cost per operation as the graph grows, 200 operations against a million.

The chain of case 1, ``y = np.sin(y) * 1.01`` through the Tensor API, forward and backward, once with 100
steps (200 operations) and once with 500,000 steps (10⁶ operations), on 16 float64 values and on a 0-d Tensor
(a graph of scalars, as in case 3). The cost per operation should not depend on the graph's size: every
operation does the same work. What does grow is the work of Python's cycle collector, whose full collections
scan every live graph node (a full collection runs each time the tracked objects have grown by a quarter), and
memory traffic. The goal is the 10⁶-operation chain within 1.2x the 200-operation chain's cost per operation,
both measured in the same process. The same ratio is measured for PyTorch (whose graph is C++ the collector
does not see), HIPS autograd (a graph of Python objects) and NumPy by hand (the forward keeping every
intermediate, then the backward written out: the memory traffic alone), each in its own process. Rows are in
microseconds per operation of this process's CPU time (``time.process_time``: other jobs on a shared machine
inflate wall time far more than the effect measured here); ``gc off`` rows show how much of the growth is
the collector.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from _harness import Budget, goal, max_rel_error, measure, require, row, verdict
from engine_chain import FACTOR, expected_gradient, hand_forward_backward

TITLE = "Cost per op as the graph grows: y = sin(y) * 1.01 through the Tensor API, 200 vs 10^6 ops"
UNIT = "us/op"
SCALE = 1e6  # the rows are already per operation
REFERENCE = "chainrule 200 ops, 16 values"
BASELINE = "chainrule 200 ops, 16 values"
SHORT, LONG = 100, 500_000  # loop steps: two operations each
TOLERANCE = 1e-9


def _per_op(timing: dict[str, Any], steps: int) -> dict[str, Any]:
    ops = 2 * steps
    return {
        **timing,
        "median_s": timing["median_s"] / ops,
        "best_s": timing["best_s"] / ops,
        "times_s": [t / ops for t in timing["times_s"]],
        "ops": ops,
    }


def bench_chainrule(budget: Budget) -> list[dict[str, Any]]:
    cr = require("chainrule")

    def step(x: Any, steps: int) -> Any:
        leaf = cr.Tensor(x, requires_grad=True)
        y = leaf
        for _ in range(steps):
            y = np.sin(y) * FACTOR
        np.sum(y).backward()
        return leaf.grad

    return _rows("chainrule", step, budget, gc_off=True)


def _inputs() -> tuple[tuple[str, Any], ...]:
    return (("16 values", np.random.default_rng(0).uniform(-1.5, 1.5, 16)), ("0-d", 0.7))


def _rows(name: str, step: Callable[[Any, int], Any], budget: Budget, gc_off: bool = False) -> list[Any]:
    """The rows of one framework: ``step(x, steps)`` returns the gradient, at both lengths, on both inputs."""
    rows = []
    for what, x in _inputs():
        for steps, label, fit in ((SHORT, "200 ops", budget), (LONG, "10^6 ops", budget.slow())):
            got = np.asarray(step(x, steps), dtype=float)
            check = verdict(max_rel_error([got], [expected_gradient(x, steps)]), TOLERANCE, "gradient")
            for off in (False, True) if gc_off else (False,):
                timing = measure(lambda x=x, steps=steps: step(x, steps), fit, off, time.process_time)
                rows.append(
                    row(
                        f"{name} {label}, {what}" + (", gc off" if off else ""), _per_op(timing, steps), check
                    )
                )
    return rows


def bench_torch(budget: Budget) -> list[dict[str, Any]]:
    """PyTorch eager, for comparison: its graph nodes are C++ objects the cycle collector never sees."""
    torch = require("torch")
    torch.set_num_threads(1)

    def step(x: Any, steps: int) -> Any:
        leaf = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        y = leaf
        for _ in range(steps):
            y = torch.sin(y) * FACTOR
        y.sum().backward()
        return leaf.grad.numpy()

    return _rows("PyTorch", step, budget)


def bench_autograd(budget: Budget) -> list[dict[str, Any]]:
    """HIPS autograd, for comparison: a graph of Python objects, like chainrule's."""
    autograd = require("autograd")
    anp = require("autograd.numpy")

    def chain(y: Any, steps: int) -> Any:
        for _ in range(steps):
            y = anp.sin(y) * FACTOR
        return anp.sum(y)

    grad_f = autograd.grad(chain)
    return _rows("HIPS autograd", lambda x, steps: grad_f(np.asarray(x, dtype=float), steps), budget)


def bench_numpy(budget: Budget) -> list[dict[str, Any]]:
    """NumPy forward keeping every intermediate, and the backward written by hand: the memory traffic of a
    graph's values without any graph (a list of arrays, which the collector scans without looking inside)."""
    return _rows("NumPy by hand", hand_forward_backward, budget)


FRAMEWORKS: dict[str, Callable[[Budget], list[dict[str, Any]]]] = {
    "chainrule": bench_chainrule,
    "torch": bench_torch,
    "autograd": bench_autograd,
    "numpy": bench_numpy,
}


def goals(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Per operation, the 10⁶-op chain costs at most 1.2x the 200-op chain (garbage collector on); the
    same ratio of each peer is reported beside it."""
    out = []
    for what in ("16 values", "0-d"):
        short, long = rows.get(f"chainrule 200 ops, {what}"), rows.get(f"chainrule 10^6 ops, {what}")
        text = f"10^6-op chain <= 1.2x the 200-op chain per op ({what}, gc on)"
        if short is None or long is None:
            out.append(goal(text, None, "missing a result"))
            continue
        ratio = long["median_s"] / short["median_s"]
        detail = f"{ratio:.2f}x ({long['median_s'] * 1e6:.2f} vs {short['median_s'] * 1e6:.2f} us/op)"
        peers = []
        for peer in ("chainrule", "PyTorch", "HIPS autograd", "NumPy by hand"):
            suffix = ", gc off" if peer == "chainrule" else ""
            a, b = rows.get(f"{peer} 200 ops, {what}{suffix}"), rows.get(f"{peer} 10^6 ops, {what}{suffix}")
            if a is not None and b is not None:
                peers.append(f"{peer}{suffix} {b['median_s'] / a['median_s']:.2f}x")
        if peers:
            detail += "; the same ratio: " + ", ".join(peers)
        out.append(goal(text, ratio <= 1.2, detail))
    return out
