"""Losses: values against closed forms, derivatives against finite differences, stability, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.errors import ChainruleValueError, ShapeError
from chainrule.testing import check_grads

rng = np.random.default_rng(0)
PRED = rng.standard_normal(7) * 2
TARGET = rng.standard_normal(7)
LABELS01 = (rng.random(7) > 0.5).astype(float)
SIGNS = 2 * LABELS01 - 1
LOGITS = rng.standard_normal((5, 4))
CLASSES = np.array([0, 3, 1, 1, 2])


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def test_mse_and_mae() -> None:
    r = PRED - TARGET
    assert nn.mse_loss(PRED, TARGET) == pytest.approx(np.mean(r**2))
    assert nn.mae_loss(PRED, TARGET) == pytest.approx(np.mean(np.abs(r)))
    assert nn.mse_loss(PRED, TARGET, reduction="sum") == pytest.approx(np.sum(r**2))
    np.testing.assert_allclose(nn.mae_loss(PRED, TARGET, reduction="none"), np.abs(r))


@pytest.mark.parametrize("delta", [0.3, 1.0, 5.0])
def test_huber_pieces(delta: float) -> None:
    r = PRED - TARGET
    want = np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))
    np.testing.assert_allclose(nn.huber_loss(PRED, TARGET, delta, reduction="none"), want)
    # its gradient is the residual clipped to [-delta, delta]
    grad = cr.grad(lambda p: nn.huber_loss(p, TARGET, delta, reduction="sum"))(PRED)
    np.testing.assert_allclose(grad, np.clip(r, -delta, delta))


def test_binary_cross_entropy_matches_the_definition_and_is_stable() -> None:
    p = sigmoid(PRED)
    want = -(LABELS01 * np.log(p) + (1 - LABELS01) * np.log(1 - p))
    got = nn.binary_cross_entropy_with_logits(PRED, LABELS01, reduction="none")
    np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_allclose(
        cr.grad(nn.binary_cross_entropy_with_logits)(PRED, LABELS01), (p - LABELS01) / 7
    )
    huge = np.array([-1000.0, 1000.0, 40.0])
    losses = nn.binary_cross_entropy_with_logits(huge, np.array([1.0, 0.0, 1.0]), reduction="none")
    np.testing.assert_allclose(losses, [1000.0, 1000.0, np.log1p(np.exp(-40.0))], rtol=1e-12)
    assert np.all(np.isfinite(cr.grad(nn.binary_cross_entropy_with_logits)(huge, np.array([1.0, 0.0, 1.0]))))


def test_cross_entropy_matches_the_definition_and_is_stable() -> None:
    p = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)
    want = -np.log(p[np.arange(5), CLASSES])
    np.testing.assert_allclose(nn.cross_entropy(LOGITS, CLASSES, reduction="none"), want, rtol=1e-12)
    one_hot = nn.one_hot(CLASSES, 4)
    np.testing.assert_allclose(cr.grad(nn.cross_entropy)(LOGITS, CLASSES), (p - one_hot) / 5, atol=1e-15)
    # probabilities as targets: a one-hot matrix gives the same loss as the labels
    assert nn.cross_entropy(LOGITS, one_hot) == pytest.approx(nn.cross_entropy(LOGITS, CLASSES))
    big = np.array([[1000.0, -1000.0, 0.0]])
    assert float(nn.cross_entropy(big, np.array([1]))) == pytest.approx(2000.0)
    assert np.all(np.isfinite(cr.grad(nn.cross_entropy)(big, np.array([1]))))


def test_hinge_is_micrograds_svm_loss() -> None:
    want = np.mean(np.maximum(0, 1 - SIGNS * PRED))
    assert nn.hinge_loss(PRED, SIGNS) == pytest.approx(want)
    grad = cr.grad(nn.hinge_loss)(PRED, SIGNS)
    np.testing.assert_allclose(grad, np.where(SIGNS * PRED < 1, -SIGNS, 0.0) / 7)


def test_l2_penalty() -> None:
    params = {"w": np.array([[1.0, 2.0]]), "b": np.array([3.0])}
    assert nn.l2_penalty(params, alpha=0.1) == pytest.approx(1.4)
    grads = cr.grad(lambda p: nn.l2_penalty(p, 0.5))(params)
    np.testing.assert_allclose(grads["w"], params["w"])
    tensors = [cr.Tensor([1.0, 1.0], requires_grad=True)]
    nn.l2_penalty(tensors, 2.0).backward()
    np.testing.assert_allclose(tensors[0].grad, [4.0, 4.0])


LOSSES: dict[str, Callable[[Any], Any]] = {
    "mse": lambda p: nn.mse_loss(p, TARGET),
    "mae": lambda p: nn.mae_loss(p, TARGET),
    "huber": lambda p: nn.huber_loss(p, TARGET, 0.7),
    "bce": lambda p: nn.binary_cross_entropy_with_logits(p, LABELS01),
    "hinge": lambda p: nn.hinge_loss(p, SIGNS),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_derivatives_against_finite_differences(name: str) -> None:
    # order 1 for the losses with kinks (finite differences across a kink would not agree)
    order = 1 if name in ("mae", "huber", "hinge") else 2
    check_grads(LOSSES[name], PRED, order=order)


def test_cross_entropy_derivatives_against_finite_differences() -> None:
    check_grads(lambda z: nn.cross_entropy(z, CLASSES), LOGITS, order=2)


def test_cross_entropy_takes_whole_number_float_labels() -> None:
    # cr.Tensor stores the labels [0, 3, 1, 1, 2] as floats: they are still class indices
    want = nn.cross_entropy(LOGITS, CLASSES, reduction="none")
    for labels in (cr.Tensor(CLASSES), CLASSES.astype(float)):
        np.testing.assert_array_equal(nn.cross_entropy(LOGITS, labels, reduction="none"), want)
    logits = cr.Tensor(LOGITS, requires_grad=True)
    nn.cross_entropy(logits, cr.Tensor(CLASSES)).backward()
    np.testing.assert_allclose(logits.grad, cr.grad(nn.cross_entropy)(LOGITS, CLASSES))
    with pytest.raises(ChainruleValueError, match="whole numbers"):
        nn.cross_entropy(LOGITS, np.array([0.0, 3.0, 1.5, 1.0, 2.0]))
    with pytest.raises(ChainruleValueError, match="whole numbers"):
        nn.cross_entropy(LOGITS, np.array([0.0, 3.0, np.nan, 1.0, 2.0]))
    with pytest.raises(ChainruleValueError, match="labels must be in"):
        nn.cross_entropy(LOGITS, cr.Tensor(np.array([0, 3, 1, 1, 4])))


def test_losses_work_on_tensors() -> None:
    pred = cr.Tensor(PRED, requires_grad=True)
    nn.mse_loss(pred, TARGET).backward()
    np.testing.assert_allclose(pred.grad, 2 * (PRED - TARGET) / 7)


@pytest.mark.parametrize(
    "call",
    [
        lambda: nn.mse_loss(np.ones((3, 1)), np.ones(3)),
        lambda: nn.binary_cross_entropy_with_logits(np.ones((3, 1)), np.ones(3)),
        lambda: nn.cross_entropy(np.ones(3), np.array([0, 1, 2])),
        lambda: nn.cross_entropy(np.ones((3, 2)), np.array([0, 1])),
        lambda: nn.cross_entropy(np.ones((3, 2)), np.array([0.0, 1.0])),
        lambda: nn.cross_entropy(np.ones((3, 2)), np.array(["a", "b", "c"])),
    ],
)
def test_shape_mismatches_raise(call: Callable[[], Any]) -> None:
    with pytest.raises(ShapeError):
        call()


def test_bad_values_raise() -> None:
    with pytest.raises(ChainruleValueError, match="-1 or \\+1"):
        nn.hinge_loss(PRED, LABELS01)
    with pytest.raises(ChainruleValueError, match="labels must be in"):
        nn.cross_entropy(LOGITS, np.array([0, 1, 2, 3, 4]))
    with pytest.raises(ChainruleValueError, match="reduction"):
        nn.mse_loss(PRED, TARGET, reduction="avg")
    with pytest.raises(ChainruleValueError, match="delta"):
        nn.huber_loss(PRED, TARGET, delta=0.0)
