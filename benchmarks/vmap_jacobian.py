"""Case 6: Jacobians of ``tanh(W x + b)`` on a grid of shapes, by forward mode, reverse mode and ``"auto"``.

Forward mode pushes one basis tangent per input through one batched pass, reverse mode pulls one basis
cotangent per output back; the cost of each grows with its side, so which is faster depends on the shape
(32 -> 2048 and 2048 -> 32 differ by two orders of magnitude). ``mode="auto"`` must be within 1.1x of the
faster explicit mode on every shape, and no slower than ``torch.func.jacrev`` (whose own choice is always
reverse) on the three headline shapes. float64, seeded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from _harness import Budget, goal, measure, require, row, verdict

TITLE = "Jacobian of tanh(W x + b), n inputs -> m outputs, float64: forward, reverse, auto"
UNIT = "ms"
SCALE = 1e3
SHAPES = [(16, 16), (32, 2048), (2048, 32), (64, 64), (256, 64), (64, 256)]
HEADLINE = [(16, 16), (32, 2048), (2048, 32)]
REFERENCE = "16->16 chainrule auto"
BASELINE = "NumPy closed form (16->16)"
TOLERANCE = 1e-12


def problem(n: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n * 10007 + m)
    return rng.standard_normal((m, n)) / np.sqrt(n), rng.standard_normal(m), rng.standard_normal(n)


def closed_form(W: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    return (1.0 - np.tanh(W @ x + b) ** 2)[:, None] * W


def _check(J: Any, n: int, m: int) -> dict[str, Any]:
    want = closed_form(*problem(n, m))
    error = float(np.max(np.abs(np.asarray(J) - want)))
    return verdict(error, TOLERANCE, "max abs difference from the closed form")


def _label(n: int, m: int, what: str) -> str:
    return f"{n}->{m} {what}"


def bench_chainrule(budget: Budget) -> list[dict[str, Any]]:
    cr = require("chainrule")
    rows = []
    for n, m in SHAPES:
        W, b, x = problem(n, m)
        for mode in ("fwd", "auto", "rev"):  # auto next to fwd, before the slowest
            jac = cr.jacobian(lambda v, W=W, b=b: np.tanh(W @ v + b), mode=mode)
            J = jac(x)
            rows.append(
                row(
                    _label(n, m, f"chainrule {mode}"),
                    measure(lambda jac=jac, x=x: jac(x), budget),
                    _check(J, n, m),
                )
            )
    return rows


def bench_torch(budget: Budget) -> list[dict[str, Any]]:
    torch = require("torch")
    torch.set_num_threads(1)
    rows = []
    for n, m in HEADLINE:
        W, b, x = (torch.from_numpy(a) for a in problem(n, m))
        for name, transform in (("jacrev", torch.func.jacrev), ("jacfwd", torch.func.jacfwd)):
            jac = transform(lambda v, W=W, b=b: torch.tanh(W @ v + b))
            J = jac(x).numpy()
            rows.append(
                row(
                    _label(n, m, f"PyTorch torch.func.{name}"),
                    measure(lambda jac=jac, x=x: jac(x), budget),
                    _check(J, n, m),
                )
            )
    return rows


def bench_numpy(budget: Budget) -> list[dict[str, Any]]:
    W, b, x = problem(16, 16)
    return [
        row(BASELINE, measure(lambda: closed_form(W, b, x), budget), _check(closed_form(W, b, x), 16, 16))
    ]


FRAMEWORKS: dict[str, Callable[[Budget], list[dict[str, Any]]]] = {
    "chainrule": bench_chainrule,
    "torch": bench_torch,
    "numpy": bench_numpy,
}


def _median(rows: dict[str, dict[str, Any]], n: int, m: int, what: str) -> float | None:
    r = rows.get(_label(n, m, what))
    return None if r is None else float(r["median_s"])


def goals(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """auto <= 1.1x the faster explicit mode on every shape, <= 1.0x torch.func.jacrev on the headline."""
    out = []
    for n, m in SHAPES:
        auto, fwd, rev = (_median(rows, n, m, f"chainrule {k}") for k in ("auto", "fwd", "rev"))
        text = f"{n}->{m}: auto <= 1.1x the faster of fwd and rev"
        if auto is None or fwd is None or rev is None:
            out.append(goal(text, None, "missing a result"))
            continue
        best = min(fwd, rev)
        detail = f"{auto / best:.2f}x (auto {auto * 1e3:.3f}, fwd {fwd * 1e3:.3f}, rev {rev * 1e3:.3f} ms)"
        out.append(goal(text, auto / best <= 1.1, detail))
    for n, m in HEADLINE:
        auto, torch_rev = (
            _median(rows, n, m, "chainrule auto"),
            _median(rows, n, m, "PyTorch torch.func.jacrev"),
        )
        text = f"{n}->{m}: auto <= 1.0x torch.func.jacrev"
        if auto is None or torch_rev is None:
            out.append(goal(text, None, "missing a result"))
            continue
        detail = f"{auto / torch_rev:.2f}x ({auto * 1e3:.3f} vs {torch_rev * 1e3:.3f} ms)"
        out.append(goal(text, auto / torch_rev <= 1.0, detail))
    return out
