"""Losses: how far predictions are from targets, as one differentiable number.

Each takes ``(prediction, target)``, works on arrays and on Tensors (or traced values under ``cr.grad``),
and reduces with ``reduction="mean"`` (default), ``"sum"`` or ``"none"``. Shapes must match exactly: a
``(n, 1)`` prediction against an ``(n,)`` target would otherwise broadcast to ``(n, n)`` silently. The
classification losses take logits (raw scores), which keeps them numerically stable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Tensor, log_softmax, logsumexp, relu, softplus, stop_gradient
from chainrule.errors import ChainruleValueError, ShapeError
from chainrule.tree import flatten

__all__ = [
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge_loss",
    "huber_loss",
    "l2_penalty",
    "mae_loss",
    "mse_loss",
]


def _same_shape(name: str, prediction: Any, target: Any) -> None:
    if np.shape(prediction) != np.shape(target):
        raise ShapeError(
            f"{name}: prediction of shape {np.shape(prediction)} and target of shape {np.shape(target)}; "
            "reshape one so they match (e.g. prediction[:, 0] or target[:, None])"
        )


def _reduce(name: str, losses: Any, reduction: str) -> Any:
    if reduction == "mean":
        return np.mean(losses)
    if reduction == "sum":
        return np.sum(losses)
    if reduction == "none":
        return losses
    raise ChainruleValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def mse_loss(prediction: Any, target: Any, reduction: str = "mean") -> Any:
    """Mean squared error ``mean((prediction - target)²)``.

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> from chainrule.nn import mse_loss
    >>> float(mse_loss(np.array([1.0, 2.0]), np.array([1.0, 4.0])))
    2.0
    >>> cr.grad(mse_loss)(np.array([1.0, 2.0]), np.array([1.0, 4.0]))  # 2 (p - t) / n
    array([ 0., -2.])
    """
    _same_shape("mse_loss", prediction, target)
    residual = prediction - target
    return _reduce("mse_loss", residual * residual, reduction)


def mae_loss(prediction: Any, target: Any, reduction: str = "mean") -> Any:
    """Mean absolute error ``mean(|prediction - target|)`` (its gradient at a zero residual is 0).

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn import mae_loss
    >>> float(mae_loss(np.array([1.0, 2.0]), np.array([1.0, 4.0])))
    1.0
    """
    _same_shape("mae_loss", prediction, target)
    return _reduce("mae_loss", np.abs(prediction - target), reduction)


def huber_loss(prediction: Any, target: Any, delta: float = 1.0, reduction: str = "mean") -> Any:
    """Huber loss: ``r²/2`` for a residual ``|r| <= delta``, ``delta (|r| - delta/2)`` beyond.

    Quadratic near zero like the squared error, linear far out like the absolute error, so outliers pull
    with a bounded force ``delta``.

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> from chainrule.nn import huber_loss
    >>> huber_loss(np.array([0.5, 3.0]), np.zeros(2), reduction="none")
    array([0.125, 2.5  ])
    >>> cr.grad(lambda p: huber_loss(p, np.zeros(2), reduction="sum"))(np.array([0.5, 3.0]))
    array([0.5, 1. ])
    """
    _same_shape("huber_loss", prediction, target)
    if not delta > 0:
        raise ChainruleValueError(f"huber_loss: delta must be positive, got {delta!r}")
    size = np.abs(prediction - target)
    # q = min(|r|, delta) gives both pieces in one expression: q (|r| - q/2)
    q = np.minimum(size, delta)
    return _reduce("huber_loss", q * (size - 0.5 * q), reduction)


def binary_cross_entropy_with_logits(logits: Any, target: Any, reduction: str = "mean") -> Any:
    """Binary cross-entropy from logits: ``-t log σ(z) - (1 - t) log(1 - σ(z)) = softplus(z) - t z``.

    ``target`` holds probabilities of the class 1 (usually 0 or 1; a value outside [0, 1], or NaN, is
    refused: the formula would give a loss without a minimum). It is computed as
    ``(1 - t) softplus(z) + t softplus(-z)``, which never takes the log of a sigmoid rounded to 0 or 1 and
    never subtracts two large numbers, so any logit gives an accurate finite loss (PyTorch's
    ``binary_cross_entropy_with_logits``).

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> from chainrule.nn import binary_cross_entropy_with_logits
    >>> float(binary_cross_entropy_with_logits(np.array([0.0]), np.array([1.0])))  # log 2
    0.6931471805599453
    >>> binary_cross_entropy_with_logits(np.array([-800.0]), np.array([1.0]), reduction="none")  # no inf
    array([800.])
    >>> cr.grad(binary_cross_entropy_with_logits)(np.zeros(2), np.array([1.0, 0.0]))  # (σ(z) - t) / n
    array([-0.25,  0.25])
    """
    _same_shape("binary_cross_entropy_with_logits", logits, target)
    # comparisons work on arrays, Tensors and traced values alike, and give plain booleans
    if not np.all((target >= 0) & (target <= 1)):
        raise ChainruleValueError(
            "binary_cross_entropy_with_logits: target must hold probabilities in [0, 1] (labels 0 and 1), "
            "got values outside it or NaN; for labels -1 and +1 use (target + 1) / 2 or hinge_loss"
        )
    losses = (1.0 - target) * softplus(logits) + target * softplus(-logits)
    return _reduce("binary_cross_entropy_with_logits", losses, reduction)


def cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Any:
    """Categorical cross-entropy from logits: ``-log softmax(z)[label]``, for each row of ``logits``.

    Parameters
    ----------
    logits:
        Scores of shape ``(n, classes)``.
    target:
        Labels of shape ``(n,)``, class indices in ``[0, classes)``: integers, or floats that are whole
        numbers (``cr.Tensor`` stores ``[0, 2]`` as ``[0.0, 2.0]``); or probabilities of the shape of
        ``logits`` (one-hot or soft).

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> from chainrule.nn import cross_entropy
    >>> logits = np.array([[0.0, 0.0], [1000.0, 0.0]])
    >>> cross_entropy(logits, np.array([0, 1]), reduction="none").tolist()  # log 2; 1000 without overflow
    [0.6931471805599453, 1000.0]
    >>> cr.grad(cross_entropy)(logits, np.array([0, 1]))  # (softmax - one_hot) / n
    array([[-0.25,  0.25],
           [ 0.5 , -0.5 ]])
    """
    shape = np.shape(logits)
    if len(shape) != 2:
        raise ShapeError(f"cross_entropy: logits must have shape (n, classes), got {shape}")
    target = target if hasattr(target, "shape") else np.asarray(target)
    if np.shape(target) == shape:
        return _reduce("cross_entropy", -np.sum(target * log_softmax(logits, axis=1), axis=1), reduction)
    labels = _class_labels(target, shape)
    # -log softmax(z)[y] = logsumexp(z) - z[y], without forming the other log-probabilities, and of z less
    # its row maximum (a constant: the loss is unchanged by it), whose differences are exact: float32
    # logits of 1e5 would otherwise lose the loss to the rounding of logsumexp at 1e5
    shift = stop_gradient(np.max(logits, axis=1, keepdims=True))
    z = logits - np.where(np.isfinite(shift), shift, 0.0)
    losses = logsumexp(z, axis=1) - z[np.arange(shape[0]), labels]
    return _reduce("cross_entropy", losses, reduction)


def _class_labels(target: Any, shape: tuple[int, ...]) -> np.ndarray:
    """The labels of :func:`cross_entropy` as integer class indices, each in ``[0, classes)``."""
    # labels index the logits, so no derivative flows into them: a Tensor's values are all that is needed
    labels = target.detach().numpy() if isinstance(target, Tensor) else np.asarray(target)
    if labels.shape != shape[:1] or labels.dtype.kind not in "iuf":
        raise ShapeError(
            f"cross_entropy: target must be integer labels of shape {shape[:1]} or probabilities of shape "
            f"{shape}, got {labels.dtype} of shape {labels.shape}"
        )
    if labels.dtype.kind == "f":
        whole = np.isfinite(labels) & (labels == np.round(labels))
        if not np.all(whole):
            raise ChainruleValueError(
                f"cross_entropy: labels must be whole numbers (class indices), got "
                f"{float(labels[~whole][0])!r}; for soft labels pass probabilities of shape {shape}"
            )
        labels = labels.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= shape[1]):
        raise ChainruleValueError(
            f"cross_entropy: labels must be in [0, {shape[1]}), got {labels.min()}..{labels.max()}"
        )
    return labels


def hinge_loss(scores: Any, target: Any, reduction: str = "mean") -> Any:
    """The SVM hinge loss ``max(0, 1 - t * score)`` for labels ``t`` in {-1, +1} (micrograd's demo).

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn import hinge_loss
    >>> hinge_loss(np.array([2.0, 0.5, -1.0]), np.array([1.0, 1.0, 1.0]), reduction="none")
    array([0. , 0.5, 2. ])
    """
    _same_shape("hinge_loss", scores, target)
    if not np.all(np.abs(target) == 1):
        raise ChainruleValueError("hinge_loss: target labels must be -1 or +1")
    return _reduce("hinge_loss", relu(1.0 - target * scores), reduction)


def l2_penalty(params: Any, alpha: float = 1.0) -> Any:
    """``alpha * Σ p²`` over every array in ``params`` (a dict/list/tuple of arrays, or Tensors).

    Added to a loss it pulls the weights towards zero (weight decay); micrograd's demo uses
    ``alpha = 1e-4``.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn import l2_penalty
    >>> float(l2_penalty({"w": np.array([1.0, 2.0]), "b": np.array([3.0])}, alpha=0.5))
    7.0
    """
    leaves, _ = flatten(params)
    total: Any = 0.0
    for p in leaves:
        total = total + np.sum(p * p)
    return alpha * total
