"""The generated data sets: shapes, labels, determinism, geometry; the splitting helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from chainrule import nn
from chainrule.errors import ChainruleValueError, ShapeError

GENERATORS: dict[str, Callable[..., Any]] = {
    "moons": lambda seed: nn.make_moons(101, noise=0.1, seed=seed),
    "spirals": lambda seed: nn.make_spirals(100, classes=4, seed=seed),
    "blobs": lambda seed: nn.make_blobs(50, centers=5, n_features=3, seed=seed),
    "regression": lambda seed: nn.make_regression(40, n_features=2, seed=seed),
}


@pytest.mark.parametrize("name", list(GENERATORS))
def test_seeded_and_deterministic(name: str) -> None:
    X1, y1 = GENERATORS[name](3)
    X2, y2 = GENERATORS[name](3)
    X3, _ = GENERATORS[name](4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    assert X1.dtype == np.float64
    assert len(X1) == len(y1)


def test_moons_shapes_and_geometry() -> None:
    X, y = nn.make_moons(101, noise=0.0, seed=0)
    assert X.shape == (101, 2)
    assert np.bincount(y).tolist() == [50, 51]
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert upper[:, 1].min() >= -1e-12  # the upper moon is the top half circle
    # the same seed draws the same noise directions and order, scaled by noise
    noisy, y_noisy = nn.make_moons(101, noise=0.1, seed=0)
    np.testing.assert_array_equal(y_noisy, y)
    assert np.std(noisy - X) == pytest.approx(0.1, rel=0.15)


def test_spirals_and_blobs_labels() -> None:
    X, y = nn.make_spirals(300, classes=3, noise=0.0, seed=0)
    assert np.bincount(y).tolist() == [100, 100, 100]
    assert np.max(np.hypot(X[:, 0], X[:, 1])) <= 1.0 + 1e-12
    X, y = nn.make_blobs(200, centers=2, std=0.1, seed=1)
    # tight clusters: every point is nearer to its own cluster's mean than to the other's
    means = np.array([X[y == c].mean(axis=0) for c in range(2)])
    nearest = np.argmin(((X[:, None, :] - means[None]) ** 2).sum(axis=2), axis=1)
    np.testing.assert_array_equal(nearest, y)


def test_regression_follows_its_coefficients() -> None:
    X, y, w, b = nn.make_regression(1000, n_features=3, noise=0.05, seed=0, return_coef=True)
    residual = y - (X @ w + b)
    assert residual.std() == pytest.approx(0.05, rel=0.1)


def test_digits_from_scikit_learn() -> None:
    pytest.importorskip("sklearn")
    X, y = nn.load_digits()
    assert X.shape == (1797, 64)
    assert X.min() == 0.0
    assert X.max() == 1.0
    assert sorted(set(y.tolist())) == list(range(10))


def test_digits_without_scikit_learn_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match="scikit-learn"):
        nn.load_digits()


def test_train_test_split_partitions() -> None:
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    X_train, _, y_train, y_test = nn.train_test_split(X, y, test_fraction=0.3, seed=0)
    assert len(y_test) == 3
    assert len(y_train) == 7
    assert sorted([*y_train.tolist(), *y_test.tolist()]) == list(range(10))
    np.testing.assert_array_equal(X_train[:, 0] / 2, y_train)  # rows stay paired


def test_batches_cover_an_epoch_and_reshuffle() -> None:
    X = np.arange(10.0)[:, None]
    y = np.arange(10)
    rng = np.random.default_rng(0)
    first = [yb.tolist() for _, yb in nn.batches(X, y, 3, rng)]
    second = [yb.tolist() for _, yb in nn.batches(X, y, 3, rng)]
    assert [len(b) for b in first] == [3, 3, 3, 1]
    assert sorted(label for batch in first for label in batch) == list(range(10))
    assert first != second


def test_one_hot() -> None:
    np.testing.assert_array_equal(nn.one_hot(np.array([1, 0]), 2), [[0.0, 1.0], [1.0, 0.0]])


@pytest.mark.parametrize(
    "call",
    [
        lambda: nn.make_moons(1),
        lambda: nn.make_spirals(10, classes=1),
        lambda: nn.make_blobs(0),
        lambda: nn.make_regression(10, n_features=True),
        lambda: nn.train_test_split(np.ones((4, 1)), np.ones(4), test_fraction=1.0),
        lambda: nn.one_hot(np.array([3]), 2),
        lambda: list(nn.batches(np.ones((4, 1)), np.ones(4), 0)),
    ],
)
def test_bad_arguments_raise(call: Callable[[], Any]) -> None:
    with pytest.raises(ChainruleValueError):
        call()


def test_mismatched_lengths_raise() -> None:
    with pytest.raises(ShapeError):
        nn.train_test_split(np.ones((4, 1)), np.ones(3))
    with pytest.raises(ShapeError):
        list(nn.batches(np.ones((4, 1)), np.ones(3), 2))
    with pytest.raises(ShapeError):
        nn.one_hot(np.array([0.5]), 2)
