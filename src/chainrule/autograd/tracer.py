"""HIPS autograd's tracer names on chainrule's traced values: ``Box``, ``isbox``, ``getval``, primitives."""

from __future__ import annotations

from typing import Any

from chainrule.autograd.extend import notrace_primitive, primitive
from chainrule.core.primitive import Traced
from chainrule.core.rules._util import concrete

__all__ = ["Box", "getval", "isbox", "notrace_primitive", "primitive"]

Box = Traced


def isbox(x: Any) -> bool:
    """True for a value being differentiated (autograd's boxes are chainrule's traced values)."""
    return isinstance(x, Traced)


def getval(x: Any) -> Any:
    """The plain value under every trace."""
    return concrete(x)
