"""What the distributions share: their parameters' checks and supports, as SciPy's ``scipy.stats`` has them.

SciPy gives nan where a parameter is out of range (a scale that is not positive), and the density's value
outside the support (0, so a log-density of -inf) where the point is. The checks are on the numbers (they
carry no derivative); each formula is evaluated at a stand-in where it does not apply, so that neither its
value nor its derivative there turns into a nan that a ``where`` would pass on through the chain rule.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.autograd.numpy.construction import asarray
from chainrule.core.primitive import Traced
from chainrule.core.rules._util import concrete
from chainrule.errors import UnsupportedOperationError

__all__ = ["count", "positive", "select", "stand_in", "takes_arrays", "values"]

_numpy: Any = np


def takes_arrays(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` taking lists (of numbers or traced values) where it takes arrays, as SciPy's do."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        args = tuple(asarray(a) if isinstance(a, list | tuple) else a for a in args)
        kwargs = {k: asarray(v) if isinstance(v, list | tuple) else v for k, v in kwargs.items()}
        return function(*args, **kwargs)

    return call


def values(x: Any) -> Any:
    """The numbers of ``x`` (a traced value's, or ``x`` as an array)."""
    return np.asarray(concrete(x))


def select(condition: Any, value: Any, other: Any) -> Any:
    """``np.where(condition, value, other)`` for a condition on the numbers; ``value`` itself (broadcast to
    the condition's shape) where the condition holds everywhere."""
    condition = np.asarray(condition)
    if condition.all():
        shape = np.broadcast_shapes(np.shape(value), condition.shape)
        return value if np.shape(value) == shape else _numpy.broadcast_to(value, shape)
    return _numpy.where(condition, value, other)


def stand_in(x: Any, condition: Any, safe: float) -> Any:
    """``x`` where ``condition`` holds, and ``safe`` (a harmless number) elsewhere."""
    return select(condition, x, safe)


def positive(parameter: Any) -> tuple[Any, Any]:
    """A parameter that must be positive (a scale, a shape): it with 1 where it is not, and where it is."""
    ok = values(parameter) > 0
    return stand_in(parameter, ok, 1.0), ok


def count(k: Any, what: str) -> Any:
    """The numbers of ``k``, a count (whole numbers, with no derivative): an error for a traced ``k``."""
    if isinstance(k, Traced):
        raise UnsupportedOperationError(
            f"{what}: k is a count, with no derivative; pass it as plain numbers (mu may be traced)"
        )
    return np.asarray(k, dtype=float)
