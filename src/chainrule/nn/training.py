"""A training loop over the functional fast path, and accuracy."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core import Tensor, value_and_grad
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.nn.data import _count, batches
from chainrule.nn.init import rng_from
from chainrule.nn.module import Module
from chainrule.optim.base import NonFiniteStepWarning, Optimizer

__all__ = ["accuracy", "fit"]


def accuracy(logits: Any, labels: Any) -> float:
    """The fraction of rows classified right.

    ``logits`` of shape ``(n, classes)`` are compared by their argmax with integer labels; one logit per
    sample (shape ``(n,)`` or ``(n, 1)``) predicts the positive class when it is above 0, for labels in
    {0, 1} or in {-1, +1}.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn import accuracy
    >>> accuracy(np.array([[2.0, 1.0], [0.0, 3.0]]), np.array([0, 0]))
    0.5
    >>> accuracy(np.array([1.5, -0.2, 0.3]), np.array([1, -1, -1]))
    0.6666666666666666
    """
    if isinstance(logits, Tensor):
        logits = logits.detach().numpy()
    scores, labels = np.asarray(logits), np.asarray(labels)
    if scores.ndim == 2 and scores.shape[1] > 1:
        predicted = np.argmax(scores, axis=1)
        truth = labels
    else:
        predicted = scores.reshape(len(scores)) > 0
        truth = labels > 0
    if predicted.shape != truth.shape:
        raise ShapeError(f"accuracy: {predicted.shape[0]} predictions for labels of shape {labels.shape}")
    return float(np.mean(predicted == truth))


def fit(
    model: Module,
    loss: Callable[[Any, Any], Any],
    X: Any,
    y: Any,
    optimizer: Optimizer,
    *,
    epochs: int = 100,
    batch_size: int | None = None,
    penalty: Callable[[Any], Any] | None = None,
    seed: int | np.random.Generator | None = 0,
) -> list[float]:
    """Train ``model`` in place and return the mean loss of each epoch.

    The loop is functional: ``params = model.state_dict()``, gradients by :func:`chainrule.value_and_grad`
    of ``loss(model.apply(params, X_batch), y_batch) + penalty(params)``, ``optimizer.update``; the trained
    values are loaded back into the model at the end, and also when the run stops early (an error, Ctrl-C):
    the model then holds the weights of the last completed update.

    The weights never become NaN or infinite: an update whose gradient or result is not finite (a NaN in
    the data, a learning rate too large) is skipped by the optimizer with a warning, or raises with
    ``on_nonfinite="raise"`` (see :class:`chainrule.optim.Optimizer`); after the run a
    :class:`~chainrule.optim.NonFiniteStepWarning` says how many updates were skipped. Such a batch's loss is
    still counted in the history, which shows it as NaN.

    Parameters
    ----------
    model, loss:
        The network and ``loss(outputs, targets) -> scalar``.
    X, y:
        Inputs and targets.
    optimizer:
        Used in its functional form (``init``/``update``), e.g. ``Adam(lr=0.01)``.
    epochs, batch_size:
        Passes over the data (an integer >= 0), and the mini-batch size (an integer >= 1, or None: the
        whole set at each step).
    penalty:
        ``penalty(params) -> scalar`` added to the loss, e.g. ``lambda p: l2_penalty(p, 1e-4)``.
    seed:
        Orders the mini-batches.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule import nn, optim
    >>> X, y = nn.make_moons(200, noise=0.1, seed=0)
    >>> model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)
    >>> bce = lambda out, t: nn.binary_cross_entropy_with_logits(out[:, 0], t)
    >>> history = nn.fit(model, bce, X, y, optim.Adam(lr=0.05), epochs=300)
    >>> history[-1] < 0.05, nn.accuracy(model(X), y)
    (True, 1.0)
    """
    if not isinstance(model, Module):
        raise ChainruleTypeError(f"fit: model must be a Module, got {type(model).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise ChainruleTypeError(f"fit: optimizer must be an Optimizer, got {type(optimizer).__name__}")
    epochs = _count("fit: epochs", epochs, least=0)
    size = None if batch_size is None else _count("fit: batch_size", batch_size)
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ShapeError(f"fit: {len(X)} inputs in X but {len(y)} targets in y; give one target per row of X")
    if len(X) == 0:
        raise ChainruleValueError("fit: X has no samples; give at least one row of inputs")

    def objective(params: Any, X_batch: Any, y_batch: Any) -> Any:
        value = loss(model.apply(params, X_batch), y_batch)
        return value if penalty is None else value + penalty(params)

    params = model.state_dict()
    for name, value in params.items():
        if not np.all(np.isfinite(value)):
            raise ChainruleValueError(f"fit: the model's parameter {name!r} holds NaN or infinite values")
    loss_and_grad = value_and_grad(objective)
    state = optimizer.init(params)
    rng = rng_from(seed)
    history: list[float] = []
    # the optimizer warns at each skipped update; fit says it once, at the end, with the first reason
    with warnings.catch_warnings(record=True) as caught:
        try:
            for _ in range(epochs):
                total, count = 0.0, 0
                for X_batch, y_batch in batches(X, y, size or len(X), rng):
                    value, grads = loss_and_grad(params, X_batch, y_batch)
                    params, state = optimizer.update(grads, state, params)
                    total += float(value) * len(X_batch)
                    count += len(X_batch)
                history.append(total / count)
        finally:  # the optimizer keeps params finite, so they always load
            model.load_state_dict(params)
    _report_warnings(caught, state.skipped, state.skipped + state.count)
    return history


def _report_warnings(caught: list[warnings.WarningMessage], skipped: int, updates: int) -> None:
    reasons = [w.message.reason for w in caught if isinstance(w.message, NonFiniteStepWarning)]
    for w in caught:  # any other warning is shown as it would have been
        if not isinstance(w.message, NonFiniteStepWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if skipped:
        first = f"; the first: {reasons[0]}" if reasons else ""
        warnings.warn(
            f"fit: {skipped} of {updates} updates were skipped because a gradient or an update was not "
            f"finite (NaN in the data? a learning rate too large?); the model holds the last finite "
            f"weights{first}",
            NonFiniteStepWarning,
            stacklevel=3,
        )
