"""Norms: the Euclidean norm, vector p-norms and singular values (for the spectral and nuclear norms).

Each is a primitive of its own so that its kink follows the policy: at zero the gradient is 0, a valid
subgradient, never NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.primitive import Primitive
from chainrule.core.rules._util import concrete, keep_reduced, safe_divide, shape_of
from chainrule.core.rules.reductions import weighted_reduction

_AT_ZERO = (
    "a norm has a corner at 0, where its subgradients are the unit ball of the dual norm; chainrule takes "
    "norm'(0) = 0"
)


def _norm2(x: Any, *, axis: Any = None, keepdims: bool = False) -> Any:
    return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))


def _norm2_direction(ans: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    return safe_divide(x, keep_reduced(ans, shape_of(x), axis, keepdims))


norm2_p = weighted_reduction(
    "norm",
    _norm2,
    _norm2_direction,
    rule="chain rule",
    notation="d ||x|| = x . dx / ||x||",
    kink=_AT_ZERO,
)


def _pnorm(x: Any, *, p: float, axis: Any = None, keepdims: bool = False) -> Any:
    return np.sum(np.abs(x) ** p, axis=axis, keepdims=keepdims) ** (1.0 / p)


def _pnorm_direction(ans: Any, x: Any, axis: Any, keepdims: bool, *, p: float) -> Any:
    """d ||x||_p / dx = sign(x) |x|^(p-1) / ||x||_p^(p-1), taken as 0 where the norm is 0."""
    scale = keep_reduced(ans, shape_of(x), axis, keepdims) ** (p - 1.0)
    return safe_divide(np.sign(x) * np.abs(x) ** (p - 1.0), scale)


pnorm_p = weighted_reduction(
    "pnorm",
    _pnorm,
    _pnorm_direction,
    rule="chain rule",
    notation="d ||x||_p / dx = sign(x) |x|^(p-1) / ||x||_p^(p-1)",
    kink=_AT_ZERO,
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
    return (u * np.expand_dims(g * (concrete(ans) != 0), -2)) @ vh


def _svdvals_jvp(t: Any, ans: Any, x: Any) -> Any:
    u, vh = _singular_vectors(x)
    return np.einsum("...ik,...ij,...kj->...k", u, t, vh) * (concrete(ans) != 0)


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
)
