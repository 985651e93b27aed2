"""``np.zeros_like(x)`` and its family on traced values: a traced constant, so that assigning into it records.

``y = np.zeros_like(x); y[i] = f(x[i])`` is how NumPy code fills an array; with a plain result NumPy itself
would take the assignment and drop the derivative. The result is a constant at ``x``'s trace level: it
depends on nothing, and an assignment into it is recorded (:mod:`chainrule.core.assignment`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.primitive import Traced
from chainrule.core.registry import implements
from chainrule.core.rules._util import concrete

_np: Any = np  # NumPy's stubs do not know the options these take on arbitrary values

__all__: list[str] = []


def _like(a: Any, value: Any) -> Any:
    if not isinstance(a, Traced) or value.dtype.kind not in "fc":
        return value  # integers and booleans carry no derivative
    return a._constant(value)  # type: ignore[attr-defined]


@implements(np.zeros_like)
def _zeros_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None) -> Any:
    return _like(a, _np.zeros_like(concrete(a), dtype=dtype, order=order, shape=shape))


@implements(np.ones_like)
def _ones_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None) -> Any:
    return _like(a, _np.ones_like(concrete(a), dtype=dtype, order=order, shape=shape))


@implements(np.empty_like)
def _empty_like(
    prototype: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None
) -> Any:
    # NumPy leaves the values unspecified; zeros are one choice of them
    return _like(prototype, _np.zeros_like(concrete(prototype), dtype=dtype, order=order, shape=shape))


@implements(np.full_like)
def _full_like(
    a: Any, fill_value: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None
) -> Any:
    if isinstance(fill_value, Traced):  # a traced fill value: its derivative reaches every entry
        zeros = _zeros_like(a, dtype=dtype, order=order, shape=shape)
        return zeros + fill_value
    return _like(a, _np.full_like(concrete(a), fill_value, dtype=dtype, order=order, shape=shape))
