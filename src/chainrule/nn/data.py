"""Small data sets made on the spot (no downloads), seeded with ``np.random.default_rng(seed)``.

Two moons, spirals and blobs are 2-D classification sets one can plot; ``make_regression`` is a noisy
linear model; ``load_digits`` is scikit-learn's bundled 8×8 digits (an optional dependency). Labels are
integer arrays; inputs are float64 arrays of shape ``(n_samples, n_features)``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any, cast

import numpy as np

from chainrule.errors import ChainruleValueError, ShapeError
from chainrule.nn.init import rng_from

__all__ = [
    "batches",
    "load_digits",
    "make_blobs",
    "make_moons",
    "make_regression",
    "make_spirals",
    "one_hot",
    "train_test_split",
]


def _count(name: str, value: Any, least: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
        raise ChainruleValueError(f"{name} must be an integer >= {least}, got {value!r}")
    return int(value)


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(X))
    return X[order], y[order]


def make_moons(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, labels 0 (upper) and 1 (lower), with Gaussian noise of std ``noise``.

    The same construction as scikit-learn's ``make_moons``: not linearly separable, easy for a small MLP.

    Examples
    --------
    >>> from chainrule.nn import make_moons
    >>> X, y = make_moons(200, noise=0.1, seed=0)
    >>> X.shape, y.shape, int(y.sum())
    ((200, 2), (200,), 100)
    """
    n = _count("make_moons: n_samples", n_samples, 2)
    rng = np.random.default_rng(seed)
    n_upper = n // 2
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n - n_upper)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n_upper, dtype=np.int64), np.ones(n - n_upper, dtype=np.int64)])
    return _shuffled(rng, X, y)


def make_spirals(
    n_samples: int = 300, classes: int = 3, noise: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms in the plane (CS231n's toy set), ``n_samples`` points in all.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn import make_spirals
    >>> X, y = make_spirals(300, classes=3, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((300, 2), [100, 100, 100])
    """
    n = _count("make_spirals: n_samples", n_samples)
    k = _count("make_spirals: classes", classes, 2)
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    radius = np.concatenate([np.linspace(0.0, 1.0, int(np.sum(y == c))) for c in range(k)])
    y = np.sort(y)
    angle = y * (2 * np.pi / k) + 4.0 * radius + noise * rng.standard_normal(n)  # 4 radians per arm
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return _shuffled(rng, X, y.astype(np.int64))


def make_blobs(
    n_samples: int = 300, centers: int = 3, n_features: int = 2, std: float = 1.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters of standard deviation ``std`` around ``centers`` points drawn in ``[-10, 10]``.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn import make_blobs
    >>> X, y = make_blobs(90, centers=3, n_features=4, seed=0)
    >>> X.shape, np.bincount(y).tolist()
    ((90, 4), [30, 30, 30])
    """
    n = _count("make_blobs: n_samples", n_samples)
    k = _count("make_blobs: centers", centers)
    d = _count("make_blobs: n_features", n_features)
    rng = np.random.default_rng(seed)
    middles = rng.uniform(-10.0, 10.0, size=(k, d))
    y = np.arange(n, dtype=np.int64) % k
    X = middles[y] + std * rng.standard_normal((n, d))
    return _shuffled(rng, X, y)


def make_regression(
    n_samples: int = 100, n_features: int = 3, noise: float = 0.1, seed: int = 0, return_coef: bool = False
) -> Any:
    """A noisy linear model ``y = X @ w + b + noise * ε`` with standard normal ``X`` and ``ε``.

    ``w`` and ``b`` are drawn from a standard normal too; ``return_coef=True`` also returns them.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn import make_regression
    >>> X, y, w, b = make_regression(500, n_features=2, noise=0.01, seed=0, return_coef=True)
    >>> X.shape, y.shape, bool(np.allclose(X @ w + b, y, atol=0.05))
    ((500, 2), (500,), True)
    """
    n = _count("make_regression: n_samples", n_samples)
    d = _count("make_regression: n_features", n_features)
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(d)
    b = float(rng.standard_normal())
    X = rng.standard_normal((n, d))
    y = X @ w + b + noise * rng.standard_normal(n)
    return (X, y, w, b) if return_coef else (X, y)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled handwritten digits: 1797 images of 8×8 pixels scaled to [0, 1], labels 0-9.

    Needs scikit-learn (``pip install "chainrule[learn]"``); the data ship with it, nothing is downloaded.
    """
    try:
        datasets = importlib.import_module("sklearn.datasets")
    except ImportError as exc:
        raise ImportError(
            "load_digits needs scikit-learn, which ships the data: pip install 'chainrule[learn]' "
            "(or pip install scikit-learn)"
        ) from exc
    digits = datasets.load_digits()
    return np.asarray(digits.data, dtype=np.float64) / 16.0, np.asarray(digits.target, dtype=np.int64)


def train_test_split(
    X: Any, y: Any, test_fraction: float = 0.25, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split into ``X_train, X_test, y_train, y_test``.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn import train_test_split
    >>> X_train, X_test, y_train, y_test = train_test_split(np.arange(8.0)[:, None], np.arange(8), 0.25)
    >>> X_train.shape, X_test.shape, sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(8))
    ((6, 1), (2, 1), True)
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ShapeError(f"train_test_split: {len(X)} inputs but {len(y)} targets")
    if not 0 < test_fraction < 1:
        raise ChainruleValueError(f"train_test_split: test_fraction must be in (0, 1), got {test_fraction!r}")
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = max(1, round(test_fraction * len(X)))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def batches(
    X: Any, y: Any, batch_size: int, rng: np.random.Generator | int | None = 0
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """One epoch of mini-batches ``(X_batch, y_batch)`` in a random order (the last may be smaller).

    Pass the same Generator every epoch to get a new order each time.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn import batches
    >>> [len(xb) for xb, yb in batches(np.zeros((10, 2)), np.zeros(10), batch_size=4)]
    [4, 4, 2]
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ShapeError(f"batches: {len(X)} inputs but {len(y)} targets")
    size = _count("batches: batch_size", batch_size)
    order = rng_from(rng).permutation(len(X))
    for start in range(0, len(X), size):
        index = order[start : start + size]
        yield X[index], y[index]


def one_hot(labels: Any, classes: int) -> np.ndarray:
    """Integer labels as rows of a ``(n, classes)`` identity matrix.

    Examples
    --------
    >>> from chainrule.nn import one_hot
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu" or labels.ndim != 1:
        raise ShapeError(f"one_hot: labels must be a 1-D integer array, got {labels.dtype} {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ChainruleValueError(f"one_hot: labels must be in [0, {classes})")
    return cast(np.ndarray, np.eye(classes)[labels])
