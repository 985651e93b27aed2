"""HIPS autograd's ``misc.optimizers``: gradient descent with momentum, RMSProp and Adam, with its signatures.

Each takes ``grad(x, i)``, the gradient at the parameters ``x`` in iteration ``i`` (``i`` counts from 0),
and the starting point ``x0``: an array or a (nested) tuple/list/dict of arrays, which the updates see as one
flat vector (:func:`~chainrule.autograd.misc.flatten`) and which the result has the structure of. A
``callback(x, i, g)``, if given, is called in each iteration before the update, with the parameters and the
gradient in ``x0``'s structure. The updates, entry by entry, with ``g`` the gradient:

- ``sgd``: ``v = mass * v - (1 - mass) * g``, then ``x = x + step_size * v`` (``v`` starts at 0);
- ``rmsprop``: ``r = gamma * r + (1 - gamma) * g**2``, then ``x = x - step_size * g / (sqrt(r) + eps)``
  (``r`` starts at 1, as in autograd);
- ``adam``: ``m = b1 * m + (1 - b1) * g`` and ``v = b2 * v + (1 - b2) * g**2`` (both start at 0), corrected
  for their start as ``m / (1 - b1**(i + 1))`` and ``v / (1 - b2**(i + 1))``, then
  ``x = x - step_size * m_hat / (sqrt(v_hat) + eps)``.

For chainrule's own optimizers, with schedules and state that can be saved, see :mod:`chainrule.optim`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.autograd.misc.flatten import flatten

__all__ = ["adam", "rmsprop", "sgd"]

Gradient = Callable[[Any, int], Any]
Callback = Callable[[Any, int, Any], Any] | None
# one update of the flat parameters: (x, g, i, state) -> (new x, new state)
Step = Callable[[Any, Any, int, Any], tuple[Any, Any]]


def _descend(grad: Gradient, x0: Any, callback: Callback, num_iters: int, step: Step, state: Any) -> Any:
    """Run ``step`` ``num_iters`` times on the flattened parameters; the result in ``x0``'s structure."""
    x, unflatten = flatten(x0)
    for i in range(num_iters):
        g = flatten(grad(unflatten(x), i))[0]
        if callback is not None:
            callback(unflatten(x), i, unflatten(g))
        x, state = step(x, g, i, state)
    return unflatten(x)


def sgd(
    grad: Gradient,
    x0: Any,
    callback: Callback = None,
    num_iters: int = 200,
    step_size: float = 0.1,
    mass: float = 0.9,
) -> Any:
    """Gradient descent with momentum: the velocity is an exponential average of the negative gradients.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.autograd import grad
    >>> from chainrule.autograd.misc.optimizers import sgd
    >>> loss = lambda x, i: np.sum((x - 3.0) ** 2)
    >>> np.round(sgd(grad(loss), np.zeros(2), num_iters=300), 6)
    array([3., 3.])
    """

    def step(x: Any, g: Any, i: int, velocity: Any) -> tuple[Any, Any]:
        velocity = mass * velocity - (1.0 - mass) * g
        return x + step_size * velocity, velocity

    return _descend(grad, x0, callback, num_iters, step, _zeros(x0))


def rmsprop(
    grad: Gradient,
    x0: Any,
    callback: Callback = None,
    num_iters: int = 100,
    step_size: float = 0.1,
    gamma: float = 0.9,
    eps: float = 10**-8,
) -> Any:
    """Steps scaled by a running root mean square of the gradients (which starts at 1, as in autograd)."""

    def step(x: Any, g: Any, i: int, mean_square: Any) -> tuple[Any, Any]:
        mean_square = gamma * mean_square + (1.0 - gamma) * g**2
        return x - step_size * g / (np.sqrt(mean_square) + eps), mean_square

    return _descend(grad, x0, callback, num_iters, step, _zeros(x0) + 1.0)


def adam(
    grad: Gradient,
    x0: Any,
    callback: Callback = None,
    num_iters: int = 100,
    step_size: float = 0.001,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 10**-8,
) -> Any:
    """Adam: running means of the gradients and of their squares, corrected for starting at zero.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.autograd import grad
    >>> from chainrule.autograd.misc.optimizers import adam
    >>> loss = lambda x, i: np.sum((x - 3.0) ** 2)
    >>> adam(grad(loss), np.zeros(1), num_iters=1, step_size=0.1)  # the first step is step_size, whatever g
    array([0.1])
    """

    def step(x: Any, g: Any, i: int, moments: tuple[Any, Any]) -> tuple[Any, Any]:
        mean, mean_square = moments
        mean = b1 * mean + (1.0 - b1) * g
        mean_square = b2 * mean_square + (1.0 - b2) * g**2
        mean_hat = mean / (1.0 - b1 ** (i + 1))
        mean_square_hat = mean_square / (1.0 - b2 ** (i + 1))
        return x - step_size * mean_hat / (np.sqrt(mean_square_hat) + eps), (mean, mean_square)

    return _descend(grad, x0, callback, num_iters, step, (_zeros(x0), _zeros(x0)))


def _zeros(x0: Any) -> np.ndarray[Any, Any]:
    """Zeros, one for each entry of the flattened parameters."""
    return np.zeros(np.shape(flatten(x0)[0]))
