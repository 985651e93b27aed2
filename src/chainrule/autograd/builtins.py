"""HIPS autograd's container helpers: ``list``, ``tuple``, ``dict``, ``isinstance`` and ``type``.

chainrule differentiates through plain Python containers of traced values, so the containers are Python's
own; ``type`` and ``isinstance`` look through a traced value to the type of its values.
"""

from __future__ import annotations

import builtins as _builtins
from typing import Any

from chainrule.core.primitive import Traced
from chainrule.core.rules._util import concrete

__all__ = ["dict", "isinstance", "list", "tuple", "type"]

list: Any = _builtins.list
tuple: Any = _builtins.tuple
dict: Any = _builtins.dict


def type(x: Any) -> Any:
    """The type of ``x``'s values (for a traced value, the type of what it traces)."""
    return _builtins.type(concrete(x))


def isinstance(x: Any, classinfo: Any) -> bool:
    """``isinstance`` that sees through traced values (a traced array is an ``np.ndarray`` ...)."""
    if _builtins.isinstance(x, Traced):
        return _builtins.isinstance(concrete(x), classinfo) or _builtins.isinstance(x, classinfo)
    return _builtins.isinstance(x, classinfo)
