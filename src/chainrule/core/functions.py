"""chainrule's own differentiable functions for machine learning, numerically stable.

They take plain arrays (and return plain arrays) or traced values (and record).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.rules._util import concrete
from chainrule.core.rules.special import logsumexp_p, relu_p, sigmoid_p, softplus_p
from chainrule.core.rules.stopping import stop_gradient_p

__all__ = ["log_softmax", "logsumexp", "relu", "sigmoid", "softmax", "softplus"]


def _axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


def _operand(x: Any) -> Any:
    """A list or tuple of numbers as an array (as NumPy's functions take them); anything else as it is."""
    return np.asarray(x) if isinstance(x, list | tuple) else x


def _shifted(x: Any, axis: Any) -> Any:
    """``x`` less its maximum along ``axis`` (a constant: every function here is unchanged by a shift), so
    that logits of 10¹⁷ keep the differences between them that their log-probabilities are made of."""
    values = concrete(x)
    shift = np.max(values, axis=axis, keepdims=True) if np.size(values) else np.zeros_like(values)
    shift = np.where(np.isfinite(shift), shift, 0.0)  # all -inf (or inf / nan) along the axis: no shift
    return x - stop_gradient_p(shift)


def relu(x: Any) -> Any:
    """max(x, 0), with relu'(0) = 0.

    Examples
    --------
    >>> import chainrule as cr
    >>> cr.relu(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 2.])
    >>> cr.grad(cr.relu)(0.0)
    0.0
    """
    return relu_p(_operand(x))


def sigmoid(x: Any) -> Any:
    """The logistic function 1 / (1 + exp(-x)), without overflow for large |x|.

    Examples
    --------
    >>> import chainrule as cr
    >>> float(cr.sigmoid(0.0)), float(cr.sigmoid(-1000.0))
    (0.5, 0.0)
    >>> cr.grad(cr.sigmoid)(0.0)
    0.25
    """
    return sigmoid_p(_operand(x))


def softplus(x: Any) -> Any:
    """log(1 + exp(x)), whose derivative is the sigmoid.

    Examples
    --------
    >>> import chainrule as cr
    >>> float(cr.softplus(1000.0))
    1000.0
    """
    return softplus_p(_operand(x))


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """log(sum(exp(x))) along ``axis``, shifted by the maximum so large entries do not overflow.

    Examples
    --------
    >>> import chainrule as cr
    >>> float(cr.logsumexp(np.array([1000.0, 1000.0])))  # 1000 + log 2, though exp(1000) overflows
    1000.6931471805599
    >>> cr.grad(cr.logsumexp)(np.array([0.0, 0.0]))  # the softmax
    array([0.5, 0.5])
    """
    return logsumexp_p(_operand(x), axis=_axis(axis), keepdims=bool(keepdims))


def log_softmax(x: Any, axis: Any = -1) -> Any:
    """x - logsumexp(x): log-probabilities from logits, stable and accurate for large logits (both are
    taken of x less its maximum, whose differences are exact).

    Examples
    --------
    >>> import chainrule as cr
    >>> np.exp(cr.log_softmax(np.array([0.0, np.log(3.0)])))
    array([0.25, 0.75])
    """
    z = _shifted(_operand(x), _axis(axis))
    return z - logsumexp_p(z, axis=_axis(axis), keepdims=True)


def softmax(x: Any, axis: Any = -1) -> Any:
    """exp(x) / sum(exp(x)) along ``axis``, computed as exp(log_softmax(x)).

    Examples
    --------
    >>> import chainrule as cr
    >>> cr.softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    """
    return np.exp(log_softmax(x, axis))
