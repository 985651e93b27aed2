"""``flatten(value)``: a container of arrays as one flat vector, and the function that rebuilds it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core.rules._util import shape_of
from chainrule.tree import flatten as _leaves
from chainrule.tree import unflatten as _rebuild

__all__ = ["flatten", "flatten_func"]

_np: Any = np


def flatten(value: Any) -> tuple[Any, Callable[[Any], Any]]:
    """``(vector, unflatten)`` for a (nested) tuple/list/dict of arrays and numbers; works on traced values.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.autograd.misc import flatten
    >>> vector, unflatten = flatten({"b": np.ones(2), "W": np.zeros((1, 2))})
    >>> vector
    array([0., 0., 1., 1.])
    >>> unflatten(vector)["b"]
    array([1., 1.])
    """
    leaves, treedef = _leaves(value)
    shapes = [shape_of(leaf) for leaf in leaves]
    sizes = [int(np.prod(s)) for s in shapes]
    vector = _np.concatenate([_np.ravel(leaf) for leaf in leaves]) if leaves else np.zeros(0)

    def unflatten(vector: Any) -> Any:
        out, start = [], 0
        for shape, size in zip(shapes, sizes, strict=True):
            out.append(_np.reshape(vector[start : start + size], shape))
            start += size
        return _rebuild(treedef, out)

    return vector, unflatten


def flatten_func(
    func: Callable[..., Any], example: Any
) -> tuple[Callable[..., Any], Callable[[Any], Any], Any]:
    """``func`` as a function of one flat vector, with ``unflatten`` and the flattened ``example``."""
    flat_example, unflatten = flatten(example)

    def flat_func(vector: Any, *args: Any, **kwargs: Any) -> Any:
        return flatten(func(unflatten(vector), *args, **kwargs))[0]

    return flat_func, unflatten, flat_example
