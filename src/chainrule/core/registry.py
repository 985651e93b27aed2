"""The index of what each primitive declares: the NumPy calls it implements and its name in formulas.

A :class:`~chainrule.core.primitive.Primitive` row declares its NumPy functions (``numpy=``) and how formulas
write it (``formula=``); making the primitive registers them here, and every other part of chainrule looks
them up here instead of keeping a table of its own: NumPy dispatch (:mod:`chainrule.core.arraylike`), the
parser, printers, SymPy bridge and explanations of :mod:`chainrule.symbolic`, and the docs' generated tables.
Composite NumPy functions (``np.mean``, ``np.linalg.norm`` ...), written with primitives, register with
:func:`implements`, and so do NumPy functions whose results carry no derivative (``np.argmax``).

The tables only grow when primitives are made (at import, or by a user's own ``cr.Primitive``);
:func:`unregister` takes a primitive's entries out again, for tests and notebooks that redefine one.
"""

from __future__ import annotations

from chainrule.core.primitive import (
    COMPARISONS,
    FORMULAS,
    FUNCTIONS,
    OWNERS,
    PLAIN_RESULTS,
    UFUNC_METHODS,
    UFUNCS,
    function_name,
    implements,
    primitives,
    register,
    replacing,
    unregister,
)

__all__ = [
    "COMPARISONS",
    "FORMULAS",
    "FUNCTIONS",
    "OWNERS",
    "PLAIN_RESULTS",
    "UFUNCS",
    "UFUNC_METHODS",
    "function_name",
    "implements",
    "primitives",
    "register",
    "replacing",
    "unregister",
]
