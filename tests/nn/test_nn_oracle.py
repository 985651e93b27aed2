"""Oracle: the losses and GELU against ``torch.nn.functional``, values and gradients (``make oracle``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

torch = pytest.importorskip("torch")
torch.set_num_threads(1)  # tiny tensors: more threads only contend with the test runner
F = torch.nn.functional

pytestmark = pytest.mark.oracle

rng = np.random.default_rng(0)
PRED = 3 * rng.standard_normal(12)
TARGET = rng.standard_normal(12)
LABELS01 = (rng.random(12) > 0.5).astype(float)
LOGITS = 4 * rng.standard_normal((6, 5))
CLASSES = rng.integers(0, 5, 6)
SOFT = rng.dirichlet(np.ones(5), 6)

# name -> (chainrule loss of x, torch loss of x, the point x)
CASES: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any], np.ndarray]] = {
    "mse": (lambda x: nn.mse_loss(x, TARGET), lambda x: F.mse_loss(x, torch.from_numpy(TARGET)), PRED),
    "mae": (lambda x: nn.mae_loss(x, TARGET), lambda x: F.l1_loss(x, torch.from_numpy(TARGET)), PRED),
    "huber": (
        lambda x: nn.huber_loss(x, TARGET, delta=1.5),
        lambda x: F.huber_loss(x, torch.from_numpy(TARGET), delta=1.5),
        PRED,
    ),
    "bce": (
        lambda x: nn.binary_cross_entropy_with_logits(x, LABELS01),
        lambda x: F.binary_cross_entropy_with_logits(x, torch.from_numpy(LABELS01)),
        PRED,
    ),
    "bce-sum": (
        lambda x: nn.binary_cross_entropy_with_logits(x, LABELS01, reduction="sum"),
        lambda x: F.binary_cross_entropy_with_logits(x, torch.from_numpy(LABELS01), reduction="sum"),
        PRED * 30,
    ),
    "cross-entropy": (
        lambda x: nn.cross_entropy(x, CLASSES),
        lambda x: F.cross_entropy(x, torch.from_numpy(CLASSES)),
        LOGITS,
    ),
    "cross-entropy-soft": (
        lambda x: nn.cross_entropy(x, SOFT),
        lambda x: F.cross_entropy(x, torch.from_numpy(SOFT)),
        LOGITS,
    ),
    "gelu": (
        lambda x: np.sum(np.sin(x) * nn.gelu(x)),
        lambda x: torch.sum(torch.sin(x) * F.gelu(x, approximate="tanh")),
        PRED,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_value_and_gradient_match_torch(name: str) -> None:
    ours, theirs, x = CASES[name]
    value, grad = cr.value_and_grad(ours)(x)
    xt = torch.tensor(x, requires_grad=True)
    want = theirs(xt)
    want.backward()
    assert float(value) == pytest.approx(want.item(), rel=1e-12)
    np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=1e-10, atol=1e-14)
