"""NumPy's linalg module, as ``chainrule.autograd.numpy.linalg``: its functions dispatch on traced values.

Also autograd's two helpers of that module: ``T`` (swap the last two axes) and ``_dot`` (batched matrix
product).
"""

from typing import Any

import numpy as _np
from numpy.linalg import *  # noqa: F403

_numpy: Any = _np


def T(x: Any) -> Any:
    """``x`` with its last two axes swapped (a batch of transposes)."""
    return _numpy.swapaxes(x, -1, -2)


def _dot(a: Any, b: Any) -> Any:
    """The matrix product of two batches of matrices."""
    return _numpy.einsum("...ij,...jk->...ik", a, b)


def _wrap() -> None:
    import numpy.linalg as _source

    from chainrule.autograd.numpy.wrapping import wrap_namespace

    wrap_namespace(vars(_source), globals(), keep=set())


_wrap()
