"""Complex numbers at a primitive without complex rules: the check on the recording path, and its error.

A row says whether its rules hold at complex numbers with ``complex=`` on its ``Primitive``; one that says
nothing refuses to be differentiated where an operand or its result is complex, rather than guess (its real
rules could silently give a derivative of another convention, or none).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from chainrule.errors import UnsupportedOperationError

__all__ = ["COMPLEX_SUPPORT", "complex_error", "involves_complex"]

# what a row's complex= may say (see Primitive); None: no complex rule
COMPLEX_SUPPORT = (None, "holomorphic", "written")


def _is_complex(x: Any) -> bool:
    kind = type(x)
    if kind is float or kind is int or kind is bool:  # the commonest constants, without an attribute lookup
        return False
    if kind is complex:
        return True
    dtype = getattr(x, "dtype", None)
    if dtype is not None:
        return bool(dtype.kind == "c")
    return isinstance(x, list | tuple) and any(_is_complex(a) for a in x)


def involves_complex(operands: Sequence[Any], out: Any) -> bool:
    """True when an operand or the result is complex: where a primitive without complex rules must stop."""
    # on the recording path of every primitive without complex rules: arrays and floats checked inline
    for x in (out, *operands):
        kind = type(x)
        if kind is np.ndarray or kind is np.float64:
            if x.dtype.kind == "c":
                return True
        elif kind is not float and _is_complex(x):
            return True
    return False


def complex_error(prim: Any) -> Exception:
    """The error for differentiating ``prim`` at complex values when its rules are not written for them."""
    return UnsupportedOperationError(
        f"{prim.name}: its derivative at complex numbers is not written (its rules are for real operands), "
        "so chainrule refuses rather than guess; differentiate a real-valued rewriting (through np.real and "
        "np.imag), or give the primitive complex rules and declare complex= on its row"
    )
