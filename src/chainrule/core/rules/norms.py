"""Norms: the Euclidean norm, vector p-norms and singular values (for the spectral and nuclear norms).

Each is a primitive of its own so that its kink follows the policy: at zero the gradient is 0, a valid
subgradient, never NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.batch_rules import axes, leading
from chainrule.core.primitive import Primitive
from chainrule.core.rules._util import concrete, keep_reduced, safe_divide, shape_of
from chainrule.core.rules.reductions import sum_p
from chainrule.errors import UnsupportedOperationError

_AT_ZERO = (
    "a norm has a corner at 0, where its subgradients are the unit ball of the dual norm; chainrule takes "
    "norm'(0) = 0"
)


def _conj(x: Any) -> Any:
    return np.conj(x) if np.iscomplexobj(concrete(x)) else x


def _real(x: Any) -> Any:
    return np.real(x) if np.iscomplexobj(concrete(x)) else x


def _norm_reduction(
    name: str, impl: Any, direction: Any, *, notation: str, complex: str | None = None
) -> Primitive:
    """A norm along ``axis``, whose gradient is ``direction(ans, x, axis, keepdims, **params)``.

    For complex ``x`` the direction is the conjugate of the steepest ascent (JAX's and HIPS autograd's
    convention, conj(x) / ||x|| for the 2-norm), and a tangent ``t`` changes the norm by
    ``Re(sum(direction * t))``: a norm is real.
    """

    def vjp(g: Any, ans: Any, x: Any, *, axis: Any = None, keepdims: bool = False, **params: Any) -> Any:
        return keep_reduced(g, shape_of(x), axis, keepdims) * direction(ans, x, axis, keepdims, **params)

    def jvp(t: Any, ans: Any, x: Any, *, axis: Any = None, keepdims: bool = False, **params: Any) -> Any:
        change = np.sum(t * direction(ans, x, axis, keepdims, **params), axis=axis, keepdims=keepdims)
        return _real(change)

    return Primitive(
        name,
        impl,
        vjp=(vjp,),
        jvp=(jvp,),
        rule="chain rule",
        notation=notation,
        kink=_AT_ZERO,
        complex=complex,
        batch=axes("axis"),
    )


def _norm2(x: Any, *, axis: Any = None, keepdims: bool = False) -> Any:
    """The Euclidean norm, right at every scale: where the sum of squares under- or overflows (entries
    below about 1e-154 or above 1e154 in float64), it is taken again with the entries scaled by the
    largest. (NumPy's gives 0 or inf there.)"""
    with np.errstate(over="ignore", under="ignore"):
        squares = x.real * x.real + x.imag * x.imag if np.iscomplexobj(x) else x * x
        ans = np.sqrt(np.sum(squares, axis=axis, keepdims=keepdims))
    smallest = np.sqrt(np.finfo(ans.dtype).tiny)  # below it, the sum of squares has lost digits (or is 0)
    inaccurate = (ans < smallest) | (ans == np.inf)
    if not np.any(inaccurate):
        return ans
    return np.where(inaccurate, _scaled_norm2(np.abs(x), axis, keepdims), ans)


def _scaled_norm2(magnitudes: Any, axis: Any, keepdims: bool) -> Any:
    """max|x| * ||x / max|x|||, as hypot does; 0 for zeros, inf or NaN where an entry is."""
    largest = np.max(magnitudes, axis=axis, keepdims=True, initial=0.0)
    scale = np.where((largest > 0) & (largest < np.inf), largest, 1.0)
    with np.errstate(over="ignore", under="ignore"):
        scaled = magnitudes / scale
        total = np.sum(scaled * scaled, axis=axis, keepdims=True)
        ans = scale * np.sqrt(total)
    return ans if keepdims else np.squeeze(ans, axis=axis)


def _norm2_direction(ans: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    return safe_divide(_conj(x), keep_reduced(ans, shape_of(x), axis, keepdims))


# complex: np.std of complex values reaches this row (np.linalg.norm takes |z| first, and the real rows
# serve); the p-norm declares none: its second derivative at complex values would need sign's, which has none
norm2_p = _norm_reduction(
    "norm", _norm2, _norm2_direction, notation="d ||x|| = x . dx / ||x||", complex="written"
)


def sum_of_squares(x: Any, axis: Any, keepdims: bool) -> Any:
    """The sum of ``|x|^2`` along ``axis`` (var's numerator): real, also for complex ``x``."""
    if np.iscomplexobj(concrete(x)):
        return norm2_p(x, axis=axis, keepdims=keepdims) ** 2
    return sum_p(x * x, axis=axis, keepdims=keepdims)


def _pnorm(x: Any, *, p: float, axis: Any = None, keepdims: bool = False) -> Any:
    return np.sum(np.abs(x) ** p, axis=axis, keepdims=keepdims) ** (1.0 / p)


def _pnorm_direction(ans: Any, x: Any, axis: Any, keepdims: bool, *, p: float) -> Any:
    """d ||x||_p / dx = sign(x) |x|^(p-1) / ||x||_p^(p-1), taken as 0 where the norm is 0 (conj(sign(x))
    for complex x, whose sign is x / |x|)."""
    with np.errstate(divide="ignore"):  # a zero norm: safe_divide takes 0 there
        scale = keep_reduced(ans, shape_of(x), axis, keepdims) ** (p - 1.0)
    # |x|^(p-1) is infinite at a zero entry for p < 1, and sign(0) = 0 takes the subgradient 0 there (as
    # abs'(0) = 0): a base of 1 at those entries keeps 0 * inf from making a NaN
    ax = np.abs(x)
    base = np.where(concrete(ax) == 0, 1.0, ax)
    return safe_divide(_conj(np.sign(x)) * base ** (p - 1.0), scale)


pnorm_p = _norm_reduction(
    "pnorm", _pnorm, _pnorm_direction, notation="d ||x||_p / dx = sign(x) |x|^(p-1) / ||x||_p^(p-1)"
)


def _singular_vectors(x: Any) -> tuple[Any, Any]:
    """U and V^T of the thin SVD, the singular vectors belonging to ``svdvals(x)`` (descending).

    On plain arrays this is NumPy's SVD. On traced values (second derivatives) the vectors must be
    differentiable themselves, so they come from the symmetric eigenproblem of the smaller Gram matrix,
    whose rules chainrule has: exact where the singular values are distinct and nonzero.
    """
    if isinstance(x, np.ndarray):
        u, _, vh = np.linalg.svd(x, full_matrices=False)
        return u, vh
    if np.iscomplexobj(concrete(x)):
        raise UnsupportedOperationError(
            "svdvals: second derivatives of the singular values (np.linalg.svdvals, and the norms ord=2, -2 "
            "and 'nuc') of a complex matrix are not written; first derivatives are"
        )
    m, n = shape_of(x)[-2:]
    xt = np.swapaxes(x, -1, -2)
    if m > n:
        vh, u = _singular_vectors(xt)
        return np.swapaxes(u, -1, -2), np.swapaxes(vh, -1, -2)
    w, u = np.linalg.eigh(x @ xt)
    u = np.flip(u, axis=-1)  # descending, as the SVD orders them
    s = np.sqrt(np.maximum(np.flip(w, axis=-1), 0.0))
    vh = safe_divide(np.swapaxes(u, -1, -2) @ x, np.expand_dims(s, -1))
    return u, vh


def _svdvals_vjp(g: Any, ans: Any, x: Any) -> Any:
    u, vh = _singular_vectors(x)
    # a zero singular value is a kink (like |s| at 0): its derivative is taken as 0, as abs'(0) = 0
    return _conj((u * np.expand_dims(g * (concrete(ans) != 0), -2)) @ vh)


def _svdvals_jvp(t: Any, ans: Any, x: Any) -> Any:
    # d s_k = Re(u_k^H dX v_k); the conjugates and the real part matter for complex matrices only
    u, vh = _singular_vectors(x)
    return _real(np.einsum("...ik,...ij,...kj->...k", _conj(u), t, _conj(vh))) * (concrete(ans) != 0)


def _svdvals(x: Any) -> Any:
    return np.linalg.svd(concrete(x), compute_uv=False)


svdvals_p = Primitive(
    "svdvals",
    _svdvals,
    vjp=(_svdvals_vjp,),
    jvp=(_svdvals_jvp,),
    rule="singular value perturbation",
    notation="d s_k = u_k^T dX v_k",
    kink="a zero singular value has a corner, as |s| at 0: chainrule takes its derivative as 0, so the "
    "spectral and nuclear norms have norm'(0) = 0; at repeated singular values any choice of singular "
    "vectors gives a valid subgradient",
    numpy={np.linalg.svdvals: None},
    batch=leading,
)
