"""Matrix decompositions: the SVD, the general eigenproblem, QR, and the pseudo-inverse.

A decomposition has several results (U, s and Vh); each is one primitive whose value packs them into one array
along the second-to-last axis, so that one rule differentiates them together, and its NumPy handler unpacks
them. Rules act on the last two axes and broadcast over stacked (batch) matrices, as NumPy does.

Where the results are not unique their derivative does not exist: at repeated singular values (or eigenvalues)
the vectors can be rotated among themselves, and the extra columns of ``full_matrices=True`` or
``mode='complete'`` are any basis of a complement. chainrule raises for the second kind and, for the first,
takes the coupling between repeated values as 0 and says so with a :class:`RuntimeWarning` whenever that
choice changes the result (see :func:`reciprocal_gaps`).

Complex rules follow the convention (a cotangent pairs with a change as Re(cotangent * change)): each reverse
rule is the transpose, under that pairing, of JAX's forward rule, and reduces to the real one for real values.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from chainrule.core.batch_rules import batch_numbers, leading
from chainrule.core.primitive import Primitive
from chainrule.core.rules._util import concrete, shape_of
from chainrule.core.rules.norms import svdvals_p
from chainrule.errors import ShapeError, UnsupportedOperationError

# relative size of a gap between two values below which they count as repeated
TIE_TOLERANCE = 1e-10


def _mT(x: Any) -> Any:
    return np.swapaxes(x, -1, -2)


def matrices(name: str, a: Any) -> tuple[int, int]:
    """The last two axes' lengths of ``a``, which must be matrices (or a stack of them)."""
    shape = shape_of(a)
    if len(shape) < 2:
        raise ShapeError(f"{name}: expected a matrix (or a stack of them) in the last two axes, got {shape}")
    return shape[-2], shape[-1]


def is_complex(x: Any) -> bool:
    return bool(np.iscomplexobj(concrete(x)))


def conj_transpose(x: Any) -> Any:
    """The conjugate transpose over the last two axes (the transpose for real values)."""
    return _mT(np.conj(x)) if is_complex(x) else _mT(x)


def reciprocal_gaps(gaps: Any, scale: Any) -> tuple[Any, Any]:
    """``F[i, j] = 1 / gaps[i, j]`` off the diagonal, with 0 on it and where the gap is a tie.

    A tie is a gap below ``TIE_TOLERANCE * scale``: the two values are repeated (to rounding), their vectors
    are not unique and the coupling term between them, which would be infinite, is taken as 0. Returns F
    (differentiable in ``gaps``) and the boolean mask of off-diagonal ties, for :func:`warn_if_coupled`.
    """
    plain = concrete(gaps)
    n = plain.shape[-1]
    off_diagonal = ~np.eye(n, dtype=bool)
    ties = off_diagonal & (np.abs(plain) <= TIE_TOLERANCE * np.expand_dims(concrete(scale), (-1, -2)))
    zero = ties | ~off_diagonal
    return np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, gaps)), ties


def warn_if_coupled(name: str, ties: Any, coupling: Any, values: str) -> None:
    """Warn when the term a tie drops (``coupling`` at a tied pair) is not zero, so the result changed."""
    # on the plain numbers of every example at once (under vmap too: one warning for the whole batch)
    ties, plain = batch_numbers(ties), np.abs(batch_numbers(coupling))
    if not np.any(ties):
        return
    if np.any(ties & (plain > 1e-8 * max(float(np.max(plain, initial=0.0)), 1e-300))):
        warnings.warn(
            f"{name}: repeated {values}; the vectors belonging to them are not unique there and have no "
            "derivative, and chainrule takes the coupling between them as 0. Derivatives through those "
            "vectors are therefore not reliable here (those through the values alone are right). Write the "
            "function without the vectors (np.linalg.svdvals, eigvalsh, or the matrix itself) to avoid this.",
            RuntimeWarning,
            stacklevel=2,
        )


# ---------------------------------------------------------------- SVD


def _svd_packed(a: Any) -> Any:
    """The thin SVD as one array: U (m rows), s (one row), then V = Vh^H (n rows), with min(m, n) columns."""
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.concatenate([u, s[..., None, :], conj_transpose(vh)], axis=-2)


def unpack_svd(packed: Any, m: int) -> tuple[Any, Any, Any]:
    return packed[..., :m, :], packed[..., m, :], packed[..., m + 1 :, :]


def _svd_coupling(s: Any) -> tuple[Any, Any]:
    """F[i, j] = 1 / (s_j^2 - s_i^2), and the ties."""
    s2 = s * s
    return reciprocal_gaps(np.expand_dims(s2, -2) - np.expand_dims(s2, -1), concrete(s2)[..., 0])


def _over_s(x: Any, s: Any) -> Any:
    """x / s along the columns, with 0 for a zero singular value (its vector is not unique then)."""
    zero = concrete(s) == 0
    return (
        x / np.expand_dims(s, -2)
        if not np.any(zero)
        else np.where(zero[..., None, :], 0.0, x / np.expand_dims(np.where(zero, 1.0, s), -2))
    )


def _conj(x: Any) -> Any:
    return np.conj(x) if is_complex(x) else x


def _svd_vjp(g: Any, ans: Any, a: Any) -> Any:
    # Townsend (2016), "Differentiating the singular value decomposition", and its complex form
    m, n = shape_of(a)[-2:]
    u, s, v = unpack_svd(ans, m)
    gu, gs, gv = unpack_svd(g, m)
    complex_values = is_complex(ans)
    if complex_values:
        s, gs = np.real(s), np.real(gs)
    f, ties = _svd_coupling(s)
    utgu, vtgv = _mT(u) @ gu, _mT(v) @ gv
    j, k = utgu - conj_transpose(utgu), vtgv - conj_transpose(vtgv)
    warn_if_coupled("np.linalg.svd", ties, concrete(j) + concrete(k), "singular values")
    eye = np.eye(shape_of(s)[-1])
    inner = (f * j) * np.expand_dims(s, -2) + np.expand_dims(s, -1) * (f * k) + np.expand_dims(gs, -1) * eye
    if complex_values:  # the phase of each pair, carried by u_i
        inner = inner + eye * _over_s(1j * np.imag(utgu), s)
    cu = _conj(u)
    ga = cu @ inner @ _mT(v)
    if m > n:
        ga = ga + _over_s(gu - cu @ utgu, s) @ _mT(v)
    elif n > m:
        ga = ga + cu @ conj_transpose(_over_s(gv - _conj(v) @ vtgv, s))
    return ga


def _svd_jvp(t: Any, ans: Any, a: Any) -> Any:
    # as JAX's: the phase of each pair (u_i, v_i) is fixed by Im(v_i^H dv_i) = 0
    m, n = shape_of(a)[-2:]
    u, s, v = unpack_svd(ans, m)
    complex_values = is_complex(ans)
    if complex_values:
        s = np.real(s)
    f, ties = _svd_coupling(s)
    tv = t @ v
    dp = conj_transpose(u) @ tv
    ds = np.diagonal(dp, axis1=-2, axis2=-1)
    sr, sc = np.expand_dims(s, -2), np.expand_dims(s, -1)  # s along the row / down the column
    coupling_u, coupling_v = dp * sr + sc * conj_transpose(dp), sc * dp + conj_transpose(dp) * sr
    warn_if_coupled("np.linalg.svd", ties, concrete(coupling_u) + concrete(coupling_v), "singular values")
    inner_u = f * coupling_u
    if complex_values:
        ds = np.real(ds)
        inner_u = inner_u + np.eye(shape_of(s)[-1]) * _over_s(1j * np.imag(dp), s)
    du, dv = u @ inner_u, v @ (f * coupling_v)
    if m > n:
        du = du + _over_s(tv - u @ dp, s)
    elif n > m:
        tu = conj_transpose(t) @ u
        dv = dv + _over_s(tu - v @ (conj_transpose(v) @ tu), s)
    return np.concatenate([du, np.expand_dims(ds, -2), dv], axis=-2)


def _numpy_svd(
    prim: Primitive, a: Any, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False
) -> Any:
    m, n = matrices("np.linalg.svd", a)
    if not compute_uv:  # the singular values' own row, for real matrices (complex ones: through the SVD)
        return svdvals_p(a) if not is_complex(a) else np.real(prim(a)[..., m, :])
    if full_matrices and m != n:
        raise UnsupportedOperationError(
            f"np.linalg.svd: full_matrices=True of a {m}x{n} matrix adds {abs(m - n)} singular vectors that "
            "are any orthonormal basis of a complement, so they have no derivative; write "
            "np.linalg.svd(a, full_matrices=False) (the same U[..., :k], s and Vh[..., :k, :], k = min(m, n))"
        )
    u, s, v = unpack_svd(prim(a), m)
    return np.linalg._linalg.SVDResult(u, np.real(s) if is_complex(s) else s, conj_transpose(v))


svd_p = Primitive(
    "svd",
    _svd_packed,
    vjp=(_svd_vjp,),
    jvp=(_svd_jvp,),
    rule="singular value perturbation",
    notation="ds_i = u_i^T dA v_i; dU, dV couple pairs by 1 / (s_j^2 - s_i^2)",
    kink="at repeated singular values (and, for a non-square matrix, at zero ones) the singular vectors are "
    "not unique and have no derivative: chainrule takes the coupling between them as 0 and warns "
    "(RuntimeWarning) whenever that changes the result; full_matrices=True of a non-square matrix raises",
    numpy={np.linalg.svd: _numpy_svd},
    complex="written",
    batch=leading,
)

# ---------------------------------------------------------------- general eigenproblem


def _eig_packed(a: Any) -> Any:
    """Eigenvalues (row 0) and unit eigenvectors (rows 1..n): real when NumPy's are, complex otherwise."""
    w, v = np.linalg.eig(a)
    return np.concatenate([w[..., None, :], v], axis=-2)


def _eig_parts(ans: Any, a: Any) -> tuple[Any, Any, Any, Any]:
    """w, V, V^-1 and F[i, j] = 1 / (w_j - w_i) with its ties."""
    w, v = ans[..., 0, :], ans[..., 1:, :]
    scale = np.max(np.abs(concrete(w)), axis=-1)
    f, ties = reciprocal_gaps(np.expand_dims(w, -2) - np.expand_dims(w, -1), scale)
    return w, v, np.linalg.inv(v), (f, ties)


def _eig_jvp(t: Any, ans: Any, a: Any) -> Any:
    # Magnus (1985); the eigenvectors are kept at unit length, as NumPy returns them (and, as JAX's, with
    # Im(v_i^H dv_i) = 0 for complex ones: their phase is NumPy's choice, which no derivative follows)
    _, v, vinv, (f, ties) = _eig_parts(ans, a)
    mm = vinv @ t @ v
    warn_if_coupled("np.linalg.eig", ties, mm, "eigenvalues")
    dv = v @ (f * mm)
    if is_complex(v):
        dv = dv - v * np.real(np.sum(np.conj(v) * dv, axis=-2, keepdims=True))
    else:
        dv = dv - v * np.sum(v * dv, axis=-2, keepdims=True)
    dw = np.diagonal(mm, axis1=-2, axis2=-1)
    return np.concatenate([np.expand_dims(dw, -2), dv], axis=-2)


def _eig_vjp(g: Any, ans: Any, a: Any) -> Any:
    _, v, vinv, (f, ties) = _eig_parts(ans, a)
    gw, gv = g[..., 0, :], g[..., 1:, :]
    overlap = np.sum(v * gv, axis=-2, keepdims=True)
    # through the normalization |v_i| = 1
    gd = gv - np.conj(v) * np.real(overlap) if is_complex(v) else gv - v * overlap
    coupling = _mT(v) @ gd
    warn_if_coupled("np.linalg.eig", ties, coupling, "eigenvalues")
    gm = f * coupling + np.expand_dims(gw, -1) * np.eye(shape_of(gw)[-1])
    return _mT(vinv) @ gm @ _mT(v)


def _numpy_eig(prim: Primitive, a: Any) -> Any:
    square("np.linalg.eig", a)
    packed = prim(a)
    return np.linalg._linalg.EigResult(packed[..., 0, :], packed[..., 1:, :])


def _numpy_eigvals(prim: Primitive, a: Any) -> Any:
    square("np.linalg.eigvals", a)
    return prim(a)[..., 0, :]


def square(name: str, a: Any) -> int:
    m, n = matrices(name, a)
    if m != n:
        raise ShapeError(f"{name}: expected square matrices in the last two axes, got shape {shape_of(a)}")
    return n


eig_p = Primitive(
    "eig",
    _eig_packed,
    vjp=(_eig_vjp,),
    jvp=(_eig_jvp,),
    rule="eigenvalue perturbation",
    notation="dw_i = (V^-1 dA V)_ii; dv_i couples pairs by 1 / (w_i - w_j)",
    kink="at repeated eigenvalues the eigenvectors are not unique and have no derivative: chainrule takes "
    "the coupling between them as 0 and warns (RuntimeWarning) whenever that changes the result; complex "
    "eigenvectors have NumPy's phase, which no derivative follows: differentiate functions that do not "
    "depend on it (|v|, v * conj(v[0]))",
    # eigvals too: its derivative needs the eigenvectors, so computing them with the values costs less
    numpy={np.linalg.eig: _numpy_eig, np.linalg.eigvals: _numpy_eigvals},
    complex="written",
    batch=leading,
)


# ---------------------------------------------------------------- QR


def _qr_packed(a: Any) -> Any:
    """Q (m rows) then R (n rows) of the reduced QR of a tall or square matrix."""
    q, r = np.linalg.qr(a)
    return np.concatenate([q, r], axis=-2)


def _right_solve(x: Any, r: Any) -> Any:
    """x R^-1."""
    return _mT(np.linalg.solve(_mT(r), _mT(x)))


def _qr_jvp(t: Any, ans: Any, a: Any) -> Any:
    # as JAX's: Q^H dQ is anti-Hermitian, dR R^-1 upper triangular with a real diagonal
    m = shape_of(a)[-2]
    q, r = ans[..., :m, :], ans[..., m:, :]
    t_rinv = _right_solve(t, r)
    c = conj_transpose(q) @ t_rinv
    lower = np.tril(c, -1)
    omega = lower - conj_transpose(lower)
    if is_complex(c):  # the diagonal of R stays real: its phase moves into Q
        omega = omega + np.eye(shape_of(c)[-1]) * (1j * np.imag(c))
    return np.concatenate([q @ (omega - c) + t_rinv, (c - omega) @ r], axis=-2)


def _qr_vjp(g: Any, ans: Any, a: Any) -> Any:
    # Walter and Lehmann (2018); Liao et al. (2019); the complex form is the forward rule's transpose
    m = shape_of(a)[-2]
    q, r = ans[..., :m, :], ans[..., m:, :]
    gq, gr = g[..., :m, :], g[..., m:, :]
    k = _mT(q) @ gq - gr @ _mT(r)
    gc = np.tril(k - conj_transpose(k), -1) - k
    if is_complex(k):
        gc = gc + np.eye(shape_of(k)[-1]) * (1j * np.imag(k))
    return _right_solve(gq + _conj(q) @ gc, _mT(r))


def _numpy_qr(prim: Primitive, a: Any, mode: str = "reduced") -> Any:
    m, n = matrices("np.linalg.qr", a)
    if mode == "raw" or (mode == "complete" and m > n):
        raise UnsupportedOperationError(
            f"np.linalg.qr: mode={mode!r} is not differentiated"
            + (
                f" (its {m - n} extra columns of Q are any basis of a complement)"
                if mode == "complete"
                else ""
            )
            + "; write mode='reduced' (the default) or mode='r'"
        )
    if m >= n:
        packed = prim(a)
        q, r = packed[..., :m, :], packed[..., m:, :]
    else:  # a wide matrix [X | Y]: Q R_X = X, and R = [R_X | Q^T Y]
        packed = prim(a[..., :m])
        q = packed[..., :m, :]
        r = np.concatenate([packed[..., m:, :], conj_transpose(q) @ a[..., m:]], axis=-1)
    return r if mode == "r" else np.linalg._linalg.QRResult(q, r)


qr_p = Primitive(
    "qr",
    _qr_packed,
    vjp=(_qr_vjp,),
    jvp=(_qr_jvp,),
    rule="QR rule",
    notation="dQ = Q(Omega - C) + dA R^-1, dR = (C - Omega) R, C = Q^T dA R^-1",
    kink="needs full column rank (R invertible); mode='complete' of a tall matrix and mode='raw' raise",
    numpy={np.linalg.qr: _numpy_qr},
    complex="written",
    batch=leading,
)

# ---------------------------------------------------------------- pseudo-inverse


def _eye_minus(x: Any) -> Any:
    return np.eye(shape_of(x)[-1]) - x


def _pinv_jvp(t: Any, ans: Any, a: Any, **params: Any) -> Any:
    # Golub and Pereyra (1973): exact while the rank stays constant
    p, th, ph = ans, conj_transpose(t), conj_transpose(ans)
    return -(p @ t @ p) + p @ ph @ th @ _eye_minus(a @ p) + _eye_minus(p @ a) @ th @ ph @ p


def _pinv_vjp(g: Any, ans: Any, a: Any, **params: Any) -> Any:
    p, pt, gt = ans, _mT(ans), _mT(g)
    p_ph = p @ conj_transpose(p)  # P P^H
    ph_p = conj_transpose(p) @ p  # P^H P
    return -(pt @ g @ pt) + _conj(_eye_minus(a @ p) @ gt @ p_ph) + _conj(ph_p @ gt @ _eye_minus(p @ a))


def _pinv(a: Any, *, rcond: Any = None, hermitian: bool = False) -> Any:
    return np.linalg.pinv(a, hermitian=hermitian) if rcond is None else np.linalg.pinv(a, rcond, hermitian)


def _numpy_pinv(prim: Primitive, a: Any, rcond: Any = None, hermitian: bool = False, **kwargs: Any) -> Any:
    matrices("np.linalg.pinv", a)
    rtol = kwargs.pop("rtol", None)
    if kwargs:
        raise UnsupportedOperationError(f"np.linalg.pinv: unexpected options {sorted(kwargs)}")
    cutoff = rcond if rcond is not None else rtol
    if cutoff is not None and np.ndim(cutoff):
        raise UnsupportedOperationError("np.linalg.pinv: give one rcond for every matrix of a stack")
    return prim(a, rcond=None if cutoff is None else float(cutoff), hermitian=bool(hermitian))


pinv_p = Primitive(
    "pinv",
    _pinv,
    vjp=(_pinv_vjp,),
    jvp=(_pinv_jvp,),
    rule="pseudo-inverse rule",
    notation="dA+ = -A+ dA A+ + A+ A+^T dA^T (I - A A+) + (I - A+ A) dA^T A+^T A+",
    kink="where the rank changes (a singular value crosses the cutoff rcond * s_max) the pseudo-inverse "
    "jumps and has no derivative; elsewhere the rule is exact, for any rank",
    numpy={np.linalg.pinv: _numpy_pinv},
    complex="written",
    batch=leading,
)
