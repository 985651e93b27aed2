"""Deep graphs, memory over many steps, threads, and custom primitives."""

from __future__ import annotations

import gc
import threading
import tracemalloc
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule.testing import check_grads


def test_a_chain_of_a_million_operations_differentiates() -> None:
    x = cr.Tensor(0.5, requires_grad=True)
    y = x
    for _ in range(1_000_000):
        y = y * 1.000001
    y.backward()
    assert float(x.grad) == pytest.approx(1.000001**1_000_000, rel=1e-9)


def test_dropping_a_deep_graph_without_backward_frees_it() -> None:
    # deallocating a chain of 200,000 nodes must neither overflow the C stack nor leak the nodes
    x = cr.Tensor(0.5, requires_grad=True)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    y = x
    for _ in range(200_000):
        y = y + 1.0
    built = tracemalloc.get_traced_memory()[0]
    del y
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert built - before > 10_000_000  # the graph really was built (tens of MB)
    assert after - before < 0.01 * (built - before)


def test_memory_does_not_grow_over_many_steps() -> None:
    rng = np.random.default_rng(0)
    w = cr.Tensor(rng.standard_normal((20, 5)), requires_grad=True)
    X = rng.standard_normal((32, 20))

    def step() -> None:
        loss = np.mean(np.tanh(X @ w) ** 2)
        w.zero_grad()
        loss.backward()
        w.data = w.data - 0.01 * w.grad

    for _ in range(50):
        step()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for _ in range(2000):
        step()
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    growth = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert growth < 200_000, f"memory grew by {growth} bytes over 2000 steps"


def test_gradients_from_several_threads_are_correct() -> None:
    results: dict[int, Any] = {}
    shared = cr.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)

    def work(k: int) -> None:
        x = np.full(3, float(k))
        out = []
        for _ in range(200):
            out.append(cr.grad(lambda v: np.sum(np.sin(v) * k))(x))
        results[k] = out

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k, grads in results.items():
        for g in grads:
            np.testing.assert_allclose(g, k * np.cos(np.full(3, float(k))))
    assert shared.grad is None


def test_custom_primitive_with_its_own_rules() -> None:
    # softsign(x) = x / (1 + |x|), with the derivative 1 / (1 + |x|)^2, defined as one new primitive
    softsign = cr.Primitive(
        "softsign",
        lambda x: x / (1.0 + np.abs(x)),
        vjp=(lambda g, ans, x: g / (1.0 + np.abs(x)) ** 2,),
        jvp=(lambda t, ans, x: t / (1.0 + np.abs(x)) ** 2,),
        rule="quotient rule",
    )
    x = np.array([-1.5, 0.3, 2.0])
    np.testing.assert_allclose(softsign(x), x / (1 + np.abs(x)))
    check_grads(softsign, x)
    np.testing.assert_allclose(cr.grad(lambda v: np.sum(softsign(v)))(x), 1 / (1 + np.abs(x)) ** 2)
