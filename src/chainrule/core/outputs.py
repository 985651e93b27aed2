"""What a differentiated function may return: numbers and arrays of numbers (or containers of them).

A function that returns ``None`` (a forgotten ``return``), a string or another object has no derivative;
``grad``, ``vjp``, ``jvp`` and the transforms built on them raise naming what came back, rather than
returning zeros. An array assigned into is replaced by the value it stands for
(:func:`chainrule.core.assignment.current`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.assignment import current
from chainrule.core.primitive import Traced
from chainrule.errors import ChainruleTypeError

__all__ = ["checked_leaves", "checked_output"]

_NUMBERS = (bool, int, float, complex, np.number, np.bool_)


def _check_leaf(leaf: Any, name: str) -> Any:
    if isinstance(leaf, Traced):
        return current(leaf)
    if isinstance(leaf, _NUMBERS):
        return leaf
    if isinstance(leaf, np.ndarray) and leaf.dtype.kind in "biufc":
        return leaf
    if leaf is None:
        raise ChainruleTypeError(
            f"{name}: the function returned None, which has no derivative; did it forget a `return`? It "
            "must return a number or an array (or a tuple/list/dict of them)"
        )
    what = f"an array of dtype {leaf.dtype}" if isinstance(leaf, np.ndarray) else type(leaf).__name__
    raise ChainruleTypeError(
        f"{name}: the function returned {what}, which has no derivative; it must return a number or an "
        "array of numbers (or a tuple/list/dict of them)"
    )


def checked_output(out: Any, name: str) -> Any:
    """``out`` if it is a number, an array of numbers or a traced value (resolved); raise otherwise."""
    return _check_leaf(out, name)


def checked_leaves(leaves: list[Any], name: str) -> list[Any]:
    """:func:`checked_output` for each leaf of a returned container."""
    return [_check_leaf(leaf, name) for leaf in leaves]
