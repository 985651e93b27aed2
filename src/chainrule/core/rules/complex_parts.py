"""The parts of a complex number: real and imaginary parts, conjugate, argument, and the absolute value's
complex rule.

These are the rows whose rules are written for complex operands (``complex="written"``), not taken from a
real derivative: none of them is holomorphic. Under chainrule's convention (the docs' "Complex numbers",
JAX's and HIPS autograd's) a cotangent ``g`` of ``y`` pairs with a change ``dy`` as ``Re(g * dy)``, so each
reverse rule is the transpose of its forward rule in that pairing: ``Re`` and ``Re(g) dz`` give ``g``,
``Im`` gives ``-1j g``, ``conj`` gives ``conj(g)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.batch_rules import elementwise
from chainrule.core.primitive import Primitive
from chainrule.core.rules._util import is_complex, safe_divide, shape_of
from chainrule.core.rules.arithmetic import cast

__all__ = ["abs_jvp", "abs_vjp", "angle_p", "conjugate_p", "imag_p", "real_p"]


def _like(g: Any, x: Any) -> Any:
    """The cotangent ``g`` in ``x``'s dtype: complex (zero imaginary part) for a complex operand."""
    return cast(g, np.result_type(x.dtype, g.dtype)) if is_complex(x) and not is_complex(g) else g


def _zeros(x: Any) -> Any:
    return np.zeros(shape_of(x))


def _real(prim: Primitive, val: Any) -> Any:
    # NumPy returns a real array itself; so does this (its derivative is the identity)
    return prim(val) if is_complex(val) else val


real_p: Primitive = Primitive(
    "real",
    np.real,
    vjp=(lambda g, ans, x: _like(g, x),),
    jvp=(lambda t, ans, x: real_p(t) if is_complex(t) else t,),
    rule="real part",
    notation="d Re(z) = Re(dz)",
    numpy={np.real: _real},
    complex="written",
    batch=elementwise,
)


def _imag(prim: Primitive, val: Any) -> Any:
    # the imaginary part of a real array is a constant zero (NumPy's is a read-only zero array)
    return prim(val) if is_complex(val) else np.zeros_like(val)


imag_p: Primitive = Primitive(
    "imag",
    np.imag,
    vjp=(lambda g, ans, x: g * -1j,),
    jvp=(lambda t, ans, x: imag_p(t) if is_complex(t) else _zeros(t),),
    rule="imaginary part",
    notation="d Im(z) = Im(dz)",
    numpy={np.imag: _imag},
    complex="written",
    batch=elementwise,
)
conjugate_p: Primitive = Primitive(
    "conjugate",
    np.conjugate,
    vjp=(lambda g, ans, x: conjugate_p(g),),
    jvp=(lambda t, ans, x: conjugate_p(t),),
    rule="conjugate",
    notation="d conj(z) = conj(dz)",
    numpy=np.conjugate,
    complex="written",
    batch=elementwise,
)


def _angle_vjp(g: Any, ans: Any, x: Any) -> Any:
    # d arg z = Im(dz / z) = Re(-1j dz / z); 0 at z = 0 (the kink policy); arg of a real number is constant
    return safe_divide(g * -1j, x) if is_complex(x) else _zeros(x)


def _angle_jvp(t: Any, ans: Any, x: Any) -> Any:
    return np.imag(safe_divide(t, x)) if is_complex(x) else _zeros(x)


angle_p: Primitive = Primitive(
    "angle",
    np.angle,
    vjp=(_angle_vjp,),
    jvp=(_angle_jvp,),
    rule="argument of a complex number",
    notation="d arg(z) = Im(dz / z)",
    kink="arg z is undefined at z = 0 and jumps by 2 pi across the negative real axis; chainrule takes its "
    "derivative as 0 at z = 0, and on real numbers (where it is 0 or pi)",
    numpy={np.angle: lambda prim, z, deg=False: prim(z) * (180.0 / np.pi) if deg else prim(z)},
    complex="written",
    batch=elementwise,
)


def abs_vjp(g: Any, ans: Any, x: Any) -> Any:
    """|z|: the cotangent g conj(z) / |z| at a complex z (0 at z = 0), g sign(x) at a real x."""
    if is_complex(x):
        return safe_divide(g * np.conjugate(x), ans)
    return g * np.sign(x)


def abs_jvp(t: Any, ans: Any, x: Any) -> Any:
    """|z|: the tangent Re(conj(z) t) / |z|, real, at a complex z (0 at z = 0), t sign(x) at a real x."""
    if is_complex(x):
        return safe_divide(np.real(np.conjugate(x) * t), ans)
    return t * np.sign(x)
