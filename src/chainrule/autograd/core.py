"""HIPS autograd's core: ``make_vjp(fun, x)`` and ``make_jvp(fun, x)`` of a function of one value.

They are chainrule's :func:`~chainrule.core.transforms.vjp` and :func:`~chainrule.core.transforms.jvp`;
``x`` may be an array, a number or a tuple/list/dict of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.autograd.extend import (
    SparseObject,
    def_linear,
    defjvp,
    defjvp_argnum,
    defjvp_argnums,
    defvjp,
    defvjp_argnum,
    defvjp_argnums,
    primitive,
)
from chainrule.autograd.vspaces import VSpace, vspace
from chainrule.core.primitive import Traced
from chainrule.core.transforms import jvp as _jvp
from chainrule.core.transforms import vjp as _vjp
from chainrule.tree import flatten, unflatten

__all__ = [
    "SparseObject",
    "VSpace",
    "def_linear",
    "defjvp",
    "defjvp_argnum",
    "defjvp_argnums",
    "defvjp",
    "defvjp_argnum",
    "defvjp_argnums",
    "make_jvp",
    "make_vjp",
    "primitive",
    "primitive_vjps",
    "primitive_with_deprecation_warnings",
    "vspace",
]

primitive_with_deprecation_warnings = primitive

# autograd's table of VJP makers, by primitive. chainrule's rules live on the primitives themselves, so the
# table is empty; it exists so that code which looks rules up (or removes them for a test) still runs.
primitive_vjps: dict[Any, Any] = {}


def _float(value: Any) -> Any:
    if isinstance(value, Traced) or np.ndim(value) or np.iscomplexobj(value):
        return value
    return float(value)


def _real_zero(tangent: Any) -> Any:
    if not isinstance(tangent, Traced) and np.asarray(tangent).dtype.kind in "biu":
        return np.zeros(np.shape(tangent))
    return tangent


def make_vjp(fun: Callable[[Any], Any], x: Any) -> tuple[Callable[[Any], Any], Any]:
    """``(vjp, fun(x))``: ``vjp(g)`` is the cotangent of ``x`` for the output cotangent ``g``."""
    out, vjp_fn = _vjp(fun, x)
    leaves, _ = flatten(x)
    floats = [type(leaf) is float for leaf in leaves]

    def vjp(g: Any) -> Any:
        # Python floats get Python floats back, as in autograd
        ct_leaves, ct_tree = flatten(vjp_fn(g)[0])
        return unflatten(ct_tree, [_float(c) if f else c for c, f in zip(ct_leaves, floats, strict=True)])

    return vjp, out


def make_jvp(fun: Callable[[Any], Any], x: Any) -> Callable[[Any], tuple[Any, Any]]:
    """``jvp`` with ``jvp(v) == (fun(x), directional derivative of fun at x along v)``."""

    def jvp(v: Any) -> tuple[Any, Any]:
        out, tangent = _jvp(fun, (x,), (v,))
        # a boolean or integer output is constant: its tangent is a zero of the real numbers
        leaves, treedef = flatten(tangent)
        return out, unflatten(treedef, [_real_zero(t) for t in leaves])

    return jvp
