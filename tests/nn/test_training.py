"""Training end to end: the issue's accuracy goals, both training paths, micrograd's demo, ``fit``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, optim
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError


def bce(outputs: Any, targets: Any) -> Any:
    return nn.binary_cross_entropy_with_logits(outputs[:, 0], targets)


def test_two_moons_reach_97_percent() -> None:
    X, y = nn.make_moons(200, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)
    history = nn.fit(model, bce, X, y, optim.Adam(lr=0.05), epochs=200)
    assert history[-1] < 0.1 * history[0]
    assert nn.accuracy(model(X), y) >= 0.97
    # and on fresh points from the same distribution
    X_new, y_new = nn.make_moons(200, noise=0.1, seed=1)
    assert nn.accuracy(model.apply(model.state_dict(), X_new), y_new) >= 0.97


def test_micrograd_demo_hinge_loss_with_l2_and_the_object_api() -> None:
    # micrograd's demo.ipynb: moons with labels -1/+1, MLP(2, [16, 16, 1]) with ReLU, SVM hinge loss,
    # 1e-4 L2, SGD with a rate decaying from 1.0 to 0.1 over 100 steps
    X, y01 = nn.make_moons(100, noise=0.1, seed=0)
    y = 2.0 * y01 - 1.0
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=1)
    opt = optim.SGD(model.parameters(), lr=lambda k: 1.0 - 0.9 * k / 100)
    for _ in range(100):
        opt.zero_grad()
        scores = model(X)[:, 0]
        loss = nn.hinge_loss(scores, y) + nn.l2_penalty(model.parameters(), 1e-4)
        loss.backward()
        opt.step()
    assert nn.accuracy(model(X), y) >= 0.97


def test_functional_and_object_training_agree() -> None:
    X, y = nn.make_spirals(90, classes=3, seed=0)
    functional = nn.MLP(2, [8, 3], activation="relu", seed=2)
    objects = nn.MLP(2, [8, 3], activation="relu", seed=2)
    nn.fit(functional, nn.cross_entropy, X, y, optim.SGD(lr=0.2, momentum=0.9), epochs=30)
    opt = optim.SGD(objects.parameters(), lr=0.2, momentum=0.9)
    for _ in range(30):
        opt.zero_grad()
        nn.cross_entropy(objects(X), y).backward()
        opt.step()
    for key, value in functional.state_dict().items():
        np.testing.assert_allclose(objects.state_dict()[key], value, rtol=1e-10, atol=1e-12)


def test_fit_with_batches_and_a_penalty() -> None:
    X, y = nn.make_blobs(120, centers=3, seed=0)
    model = nn.MLP(2, [8, 3], activation="relu", seed=0)
    history = nn.fit(
        model,
        nn.cross_entropy,
        X,
        y,
        optim.Adam(lr=0.02),
        epochs=20,
        batch_size=32,
        penalty=lambda p: nn.l2_penalty(p, 1e-3),
    )
    assert len(history) == 20
    assert history[-1] < history[0]
    assert nn.accuracy(model(X), y) >= 0.95


def test_linear_regression_with_fit() -> None:
    X, y, w, b = nn.make_regression(300, n_features=2, noise=0.01, seed=0, return_coef=True)
    model = nn.Linear(2, 1, seed=0)
    nn.fit(model, lambda out, t: nn.mse_loss(out[:, 0], t), X, y, optim.SGD(lr=0.1), epochs=300)
    np.testing.assert_allclose(model.weight.data[:, 0], w, atol=0.01)
    np.testing.assert_allclose(model.bias.data[0], b, atol=0.01)


def test_digits_reach_95_percent_on_the_test_set() -> None:
    pytest.importorskip("sklearn")
    X, y = nn.load_digits()
    X_train, X_test, y_train, y_test = nn.train_test_split(X, y, test_fraction=0.25, seed=0)
    model = nn.MLP(64, [64, 10], activation="relu", seed=0)
    nn.fit(model, nn.cross_entropy, X_train, y_train, optim.Adam(lr=0.01), epochs=20, batch_size=64)
    assert nn.accuracy(model.apply(model.state_dict(), X_test), y_test) >= 0.95


def test_accuracy() -> None:
    assert nn.accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 0])) == 1.0
    assert nn.accuracy(np.array([[0.3], [-0.2]]), np.array([1, 1])) == 0.5
    assert nn.accuracy(cr.Tensor([1.0, -1.0], requires_grad=True), np.array([1, 0])) == 1.0
    with pytest.raises(ShapeError):
        nn.accuracy(np.ones((3, 2)), np.ones(2))


def test_fit_checks_its_arguments() -> None:
    X, y = nn.make_moons(10)
    with pytest.raises(ChainruleTypeError, match="Module"):
        nn.fit(lambda x: x, bce, X, y, optim.SGD(lr=0.1))  # type: ignore[arg-type]
    with pytest.raises(ChainruleTypeError, match="Optimizer"):
        nn.fit(nn.MLP(2, [1]), bce, X, y, "adam")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"batch_size": 0}, "fit: batch_size must be an integer >= 1, got 0"),  # not the whole set
        ({"batch_size": -4}, "fit: batch_size must be an integer >= 1"),
        ({"batch_size": 2.5}, "fit: batch_size must be an integer >= 1"),
        ({"epochs": -5}, "fit: epochs must be an integer >= 0, got -5"),  # not an empty history
        ({"epochs": True}, "fit: epochs must be an integer >= 0"),
    ],
)
def test_fit_refuses_bad_counts(kwargs: dict[str, Any], match: str) -> None:
    X, y = nn.make_moons(10)
    model = nn.MLP(2, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(ChainruleValueError, match=match):
        nn.fit(model, bce, X, y, optim.SGD(lr=0.1), **kwargs)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])  # nothing was trained


def test_fit_refuses_data_it_cannot_batch() -> None:
    X, y = nn.make_moons(10)
    with pytest.raises(ShapeError, match="fit: 10 inputs in X but 9 targets in y"):
        nn.fit(nn.MLP(2, [1]), bce, X, y[:-1], optim.SGD(lr=0.1))
    with pytest.raises(ChainruleValueError, match="fit: X has no samples"):
        nn.fit(nn.MLP(2, [1]), bce, X[:0], y[:0], optim.SGD(lr=0.1))


def test_fit_counts_may_be_numpy_integers() -> None:
    X, y = nn.make_moons(10)
    history = nn.fit(nn.MLP(2, [1]), bce, X, y, optim.SGD(lr=0.1), epochs=np.int64(3), batch_size=np.int64(4))
    assert len(history) == 3
    assert nn.fit(nn.MLP(2, [1]), bce, X, y, optim.SGD(lr=0.1), epochs=0) == []
