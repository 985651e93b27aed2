"""``import chainrule.autograd.numpy as np``: NumPy, with ``array``/``asarray`` that accept traced values.

chainrule traces NumPy itself through its protocols, so this is NumPy's own namespace; only what NumPy's
protocols cannot see is replaced: ``array``/``asarray`` of (nested) lists containing traced values (built
with ``np.stack``), ``np.r_``/``np.c_`` with traced entries, ``full``/``full_like`` with a traced fill value,
and ``where``, which keeps Python types for Python inputs and takes keywords, as autograd's does.
"""

from __future__ import annotations

from typing import Any

import numpy as _np

# the whole NumPy namespace, as autograd.numpy offers it; NumPy's functions taking lists of traced values
globals().update({name: value for name, value in vars(_np).items() if not name.startswith("_")})

# the submodules by their full names: a `from` import would find NumPy's modules of those names above
import chainrule.autograd.numpy.fft as fft  # noqa: E402
import chainrule.autograd.numpy.linalg as linalg  # noqa: E402
import chainrule.autograd.numpy.random as random  # noqa: E402
from chainrule.autograd.numpy.construction import (  # noqa: E402
    array,
    asarray,
    c_,
    full,
    full_like,
    integer_type,
    make_diagonal,
    msort,
    r_,
    where,
)
from chainrule.autograd.numpy.wrapping import wrap_namespace  # noqa: E402

__version__ = _np.__version__

wrap_namespace(vars(_np), globals(), keep={"array", "asarray", "full", "full_like", "where"})
# np.int64(x) of a traced x is the integer of its values, as in autograd
int8, int16, int32, int64 = (integer_type(t) for t in (_np.int8, _np.int16, _np.int32, _np.int64))

__all__ = [name for name in dir(_np) if not name.startswith("_")] + [
    "array",
    "asarray",
    "c_",
    "fft",
    "full",
    "full_like",
    "linalg",
    "make_diagonal",
    "msort",
    "r_",
    "random",
    "where",
]


def __getattr__(name: str) -> Any:
    # what NumPy loads on first use (np.testing, np.polynomial ...) comes from NumPy itself
    return getattr(_np, name)


_: Any = (fft, linalg, random, array, asarray, c_, full, full_like, make_diagonal, msort, r_, where)
