"""chainrule's own functions for machine learning: relu, sigmoid, softplus and logsumexp.

They are primitives (not compositions) because each needs a numerically stable implementation: sigmoid and
softplus must not overflow for large |x|, and logsumexp must not overflow for large entries.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from chainrule.core.deferred import Deferred
from chainrule.core.primitive import Formula
from chainrule.core.rules._util import concrete
from chainrule.core.rules.elementwise import unary
from chainrule.core.rules.piecewise import step_p
from chainrule.core.rules.reductions import weighted_reduction


def _relu(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return np.maximum(x, 0.0)
    return x if x > 0 else x * 0.0  # a NumPy scalar: skip the ufunc machinery; NaN stays NaN


relu_p = unary(
    "relu",
    _relu,
    lambda g, ans, x: g * step_p(x, 0.0, 0.0),
    rule="relu rule",
    notation="relu'(x) = 1 for x > 0, 0 for x < 0",
    kink="relu has a corner at x = 0, where every slope in [0, 1] is a subderivative; chainrule takes "
    "relu'(0) = 0",
    formula=Formula("relu", sympy="", meaning="max(x, 0)", exact=lambda v: max(v, 0)),
)


def _sigmoid(x: Any) -> Any:
    # exp(-|x|) never overflows; the two branches are the same function rearranged for each sign.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


sigmoid_p = unary(
    "sigmoid",
    _sigmoid,
    lambda g, ans, x: g * (ans * (1.0 - ans)),
    rule="sigmoid rule",
    notation="sigma'(x) = sigma(x) (1 - sigma(x))",
    numpy=Deferred("scipy.special", "expit"),
    formula=Formula(
        "sigmoid", latex=r"\sigma", sympy="", meaning="1/(1 + exp(-x))", values={0: Fraction(1, 2)}
    ),
)


def _softplus(x: Any) -> Any:
    return np.logaddexp(0.0, x)


softplus_p = unary(
    "softplus",
    _softplus,
    lambda g, ans, x: g * sigmoid_p(x),
    rule="softplus rule",
    notation="softplus'(x) = sigma(x)",
    formula=Formula("softplus", sympy="", meaning="log(1 + exp(x))"),
)


def _logsumexp(x: Any, *, axis: Any = None, keepdims: bool = False) -> Any:
    x = np.asarray(x)
    shift = x.max(axis=axis, keepdims=True)
    if not np.isfinite(shift).all():  # all -inf (or inf / nan) along the axis: no shift
        shift = np.where(np.isfinite(shift), shift, 0.0)
    total = np.exp(x - shift).sum(axis=axis, keepdims=True)
    out = np.log(total, out=total)
    out += shift
    return out if keepdims else np.squeeze(out, axis=axis)


def _softmax_weights(ans: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    """softmax(x), from x less its maximum: ``exp(x - logsumexp(x))`` would subtract two numbers of the
    size of x, and logits of 10¹⁷ would all get weight 1."""
    values = concrete(x)
    shift = np.max(values, axis=axis, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    e = np.exp(x - shift)
    return e / np.sum(e, axis=axis, keepdims=True)


logsumexp_p = weighted_reduction(
    "logsumexp",
    _logsumexp,
    _softmax_weights,
    rule="chain rule",
    notation="d logsumexp(x) / dx_i = softmax(x)_i",
)
