"""Backtracking (Armijo) line search: a step size that is sure to decrease the loss enough."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.errors import ChainruleValueError
from chainrule.tree import flatten, unflatten

__all__ = ["armijo_step"]


def armijo_step(
    f: Callable[[Any], Any],
    x: Any,
    value: float,
    grad: Any,
    lr: float = 1.0,
    c: float = 1e-4,
    shrink: float = 0.5,
    max_trials: int = 60,
) -> tuple[float, Any, float]:
    """One gradient-descent step with a step size found by backtracking.

    Tries ``t = lr, lr * shrink, lr * shrink², ...`` and accepts the first with the Armijo (sufficient
    decrease) condition ``f(x - t g) <= f(x) - c t |g|²``: the loss must fall by at least a fraction ``c``
    of what its tangent line promises. For a smooth ``f`` such a ``t`` always exists, so gradient descent
    needs no hand-tuned rate. Comparing loss values has a floor, though: once ``t |g|²`` is below the rounding
    error of ``f`` (a gradient norm of about ``sqrt(eps |f|)``, 1e-9 for a loss near 0.1 in float64), the
    test no longer sees progress, so ask for tolerances above that.

    Parameters
    ----------
    f:
        The loss, a scalar function of ``x``.
    x, value, grad:
        The current point (an array or a dict/tuple/list of arrays), ``f(x)`` and the gradient there.
    lr:
        The first step size tried.
    c, shrink:
        The fraction of the predicted decrease required, and the factor the step shrinks by.
    max_trials:
        How many step sizes to try before giving up.

    Returns
    -------
    (t, x_new, f_new):
        The accepted step size, the new point and the loss there; ``(0.0, x, value)`` when no step in
        ``max_trials`` trials decreased the loss enough (``x`` is then, numerically, a stationary point).

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> from chainrule.optim import armijo_step
    >>> f = lambda x: np.sum(x**2)
    >>> x = np.array([1.0, 2.0])
    >>> t, x_new, f_new = armijo_step(f, x, f(x), cr.grad(f)(x))
    >>> t, x_new, f_new  # t = 1 would overshoot to -x; half of it lands on the minimum
    (0.5, array([0., 0.]), 0.0)
    """
    if not 0 < c < 1 or not 0 < shrink < 1:
        raise ChainruleValueError(f"armijo_step: c and shrink must be in (0, 1), got c={c}, shrink={shrink}")
    if not lr > 0:
        raise ChainruleValueError(f"armijo_step: lr must be positive, got {lr!r}")
    x_leaves, treedef = flatten(x)
    g_leaves, _ = flatten(grad)
    slope = sum(float(np.sum(g * g)) for g in g_leaves)  # |g|², the decrease rate along -g
    t = float(lr)
    for _ in range(max_trials):
        candidate = unflatten(treedef, [xi - t * gi for xi, gi in zip(x_leaves, g_leaves, strict=True)])
        f_new = float(f(candidate))
        if f_new <= value - c * t * slope:
            return t, candidate, f_new
        t *= shrink
    return 0.0, x, float(value)
