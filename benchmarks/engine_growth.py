"""Case 5: cost per operation as the graph grows, 200 operations against a million.

The chain of case 1, ``y = np.sin(y) * 1.01`` through the Tensor API, forward and backward, once with 100
steps (200 operations) and once with 500,000 steps (10⁶ operations), on 16 float64 values and on a 0-d Tensor
(a graph of scalars, as in case 3). The cost per operation should not depend on the graph's size: every
operation does the same work. What does grow is the work of Python's cycle collector, whose full collections
scan every live graph node (a full collection runs each time the tracked objects have grown by a quarter), and
memory traffic. The goal is the 10⁶-operation chain within 1.2x the 200-operation chain's cost per operation,
both measured in the same process. Rows are in microseconds per operation of this process's CPU time
(``time.process_time``: other jobs on a shared machine inflate wall time far more than the effect measured
here); ``gc off`` rows show how much of the growth is the collector.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from _harness import Budget, goal, max_rel_error, measure, require, row, verdict

TITLE = "Cost per op as the graph grows: y = sin(y) * 1.01 through the Tensor API, 200 vs 10^6 ops"
UNIT = "us/op"
SCALE = 1e6  # the rows are already per operation
REFERENCE = "chainrule 200 ops, 16 values"
BASELINE = "chainrule 200 ops, 16 values"
SHORT, LONG = 100, 500_000  # loop steps: two operations each
FACTOR = 1.01
TOLERANCE = 1e-9


def _expected(x: Any, steps: int) -> np.ndarray:
    g, y = np.ones_like(np.asarray(x, dtype=float)), np.asarray(x, dtype=float)
    for _ in range(steps):
        g = g * (FACTOR * np.cos(y))
        y = np.sin(y) * FACTOR
    return g


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
    rows = []
    for what, x in (("16 values", np.random.default_rng(0).uniform(-1.5, 1.5, 16)), ("0-d", 0.7)):

        def step(steps: int, x: Any = x) -> Any:
            leaf = cr.Tensor(x, requires_grad=True)
            y = leaf
            for _ in range(steps):
                y = np.sin(y) * FACTOR
            np.sum(y).backward()
            return leaf.grad

        for steps, label, fit in ((SHORT, "200 ops", budget), (LONG, "10^6 ops", budget.slow())):
            check = verdict(max_rel_error([step(steps)], [_expected(x, steps)]), TOLERANCE, "gradient")
            for gc_off in (False, True):
                timing = measure(lambda steps=steps: step(steps), fit, gc_off, time.process_time)
                name = f"chainrule {label}, {what}" + (", gc off" if gc_off else "")
                rows.append(row(name, _per_op(timing, steps), check))
    return rows


FRAMEWORKS: dict[str, Callable[[Budget], list[dict[str, Any]]]] = {"chainrule": bench_chainrule}


def goals(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Per operation, the 10⁶-op chain costs at most 1.2x the 200-op chain (garbage collector on)."""
    out = []
    for what in ("16 values", "0-d"):
        short, long = rows.get(f"chainrule 200 ops, {what}"), rows.get(f"chainrule 10^6 ops, {what}")
        text = f"10^6-op chain <= 1.2x the 200-op chain per op ({what}, gc on)"
        if short is None or long is None:
            out.append(goal(text, None, "missing a result"))
            continue
        ratio = long["median_s"] / short["median_s"]
        detail = f"{ratio:.2f}x ({long['median_s'] * 1e6:.2f} vs {short['median_s'] * 1e6:.2f} us/op)"
        out.append(goal(text, ratio <= 1.2, detail))
    return out
