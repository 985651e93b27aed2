"""Linear algebra: matmul, einsum, inverse, determinants, solve, Cholesky, symmetric eigenproblems.

Matrix rules act on the last two axes and broadcast over the leading (batch) axes, as NumPy does. Each row
declares the ``np.linalg`` function it is, with a handler that checks the operands' shapes.
"""

from __future__ import annotations

import operator
from typing import Any, Literal

import numpy as np

from chainrule.core.batch_linalg import einsum_rule, matmul_rule, solve_rule
from chainrule.core.batch_rules import elementwise, leading
from chainrule.core.primitive import Primitive, VarargRules
from chainrule.core.rules._util import concrete, refuse, shape_of, unbroadcast
from chainrule.core.rules.decompositions import (
    conj_transpose,
    is_complex,
    reciprocal_gaps,
    warn_if_coupled,
)
from chainrule.errors import ChainruleValueError, ShapeError


def _mT(x: Any) -> Any:
    return np.swapaxes(x, -1, -2)


def _square(name: str, a: Any) -> None:
    shape = shape_of(a)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ShapeError(f"{name}: expected square matrices in the last two axes, got shape {shape}")


def _on_square(name: str) -> Any:
    """The handler of an ``np.linalg`` function of one square matrix: checks the shape, then calls prim."""

    def handler(prim: Primitive, a: Any) -> Any:
        _square(name, a)
        return prim(a)

    return handler


def _as_matrices(g: Any, a: Any, b: Any) -> tuple[Any, Any, Any]:
    """Promote 1-D operands of matmul to matrices, and the cotangent with them."""
    a_vec, b_vec = np.ndim(a) == 1, np.ndim(b) == 1
    if a_vec and b_vec:
        return np.reshape(g, (1, 1)), np.reshape(a, (1, -1)), np.reshape(b, (-1, 1))
    if a_vec:
        return np.expand_dims(g, -2), np.reshape(a, (1, -1)), b
    if b_vec:
        return np.expand_dims(g, -1), a, np.reshape(b, (-1, 1))
    return g, a, b


def _matmul_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
    if a.ndim == 2 and b.ndim == 2:  # the common case: no promotion, no batch axes to sum over
        return g @ b.T
    g2, a2, b2 = _as_matrices(g, a, b)
    return np.reshape(unbroadcast(g2 @ _mT(b2), shape_of(a2)), shape_of(a))


def _matmul_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
    if a.ndim == 2 and b.ndim == 2:
        return a.T @ g
    g2, a2, b2 = _as_matrices(g, a, b)
    return np.reshape(unbroadcast(_mT(a2) @ g2, shape_of(b2)), shape_of(b))


matmul_p = Primitive(
    "matmul",
    np.matmul,
    vjp=(_matmul_vjp_a, _matmul_vjp_b),
    jvp=(lambda t, ans, a, b: t @ b, lambda t, ans, a, b: a @ t),
    rule="product rule",
    notation="d(AB) = dA B + A dB",
    numpy=np.matmul,
    complex="holomorphic",
    batch=matmul_rule,
)

# ---------------------------------------------------------------- einsum


def _einsum(*operands: Any, spec: str) -> Any:
    return np.einsum(spec, *operands, optimize=len(operands) > 2)


def _einsum_vjp(i: int, g: Any, ans: Any, *operands: Any, spec: str) -> Any:
    inputs, output = spec.split("->")
    subs = inputs.split(",")
    target = subs[i]
    unique = "".join(dict.fromkeys(target))
    others = [s for j, s in enumerate(subs) if j != i]
    present = set(output).union(*others)
    kept = "".join(c for c in unique if c in present)
    partial = np.einsum(
        ",".join([output, *others]) + "->" + kept,
        g,
        *(op for j, op in enumerate(operands) if j != i),
    )
    sizes = dict(zip(target, shape_of(operands[i]), strict=True))
    if kept != unique:  # letters summed only inside operand i: its cotangent is constant along them
        partial = np.reshape(partial, tuple(sizes[c] if c in kept else 1 for c in unique))
        partial = np.broadcast_to(partial, tuple(sizes[c] for c in unique))
    if unique == target:
        return partial
    # a letter repeated in operand i (a diagonal, "ii->i"): put the cotangent back on that diagonal
    renamed, eyes, fresh = [], [], iter(c for c in LETTERS if c not in spec)
    seen: set[str] = set()
    for c in target:
        if c in seen:
            new = next(fresh)
            eyes.append((c + new, np.eye(sizes[c])))
            renamed.append(new)
        else:
            seen.add(c)
            renamed.append(c)
    expr = ",".join([unique] + [e for e, _ in eyes]) + "->" + "".join(renamed)
    return np.einsum(expr, partial, *(m for _, m in eyes))


LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _einsum_jvp(i: int, t: Any, ans: Any, *operands: Any, spec: str) -> Any:
    return einsum_p(*operands[:i], t, *operands[i + 1 :], spec=spec)


def _numpy_einsum(
    prim: Primitive, *operands: Any, out: Any = None, optimize: Any = False, **kwargs: Any
) -> Any:
    refuse("np.einsum", out=out)
    subscripts, arrays = operands[0], operands[1:]
    if not isinstance(subscripts, str):
        subscripts, arrays = _sublist_subscripts(operands)
    spec = normalize_einsum(subscripts, [len(shape_of(a)) for a in arrays])
    return prim(*arrays, spec=spec)


def _sublist_subscripts(operands: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """``np.einsum(a, [0, 1], b, [1, 2], [0, 2])`` (the sublist form) as ``('ab,bc->ac', (a, b))``."""

    def letters(sublist: Any) -> str:
        try:
            return "".join("..." if s is Ellipsis else LETTERS[operator.index(s)] for s in sublist)
        except (TypeError, IndexError) as exc:
            raise ChainruleValueError(
                f"np.einsum: a sublist holds axis labels 0..51 or Ellipsis, got {sublist!r}"
            ) from exc

    arrays, inputs = operands[0:-1:2], operands[1::2]
    spec = ",".join(letters(s) for s in inputs[: len(arrays)])
    if len(operands) % 2:  # a last sublist names the output
        spec += "->" + letters(operands[-1])
    return spec, tuple(arrays)


einsum_p = Primitive(
    "einsum",
    _einsum,
    vjp=VarargRules(_einsum_vjp),
    jvp=VarargRules(_einsum_jvp),
    rule="product rule",
    notation="each operand's derivative is the contraction of the others",
    complex="holomorphic",
    numpy={np.einsum: _numpy_einsum},
    batch=einsum_rule,
)


def normalize_einsum(subscripts: str, ndims: list[int]) -> str:
    """Explicit einsum spec (``'ij,jk->ik'``) with ``...`` spelled out and the output written."""
    spec = subscripts.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    subs = inputs.split(",")
    if len(subs) != len(ndims):
        raise ChainruleValueError(
            f"einsum: '{subscripts}' names {len(subs)} operands but {len(ndims)} were given"
        )
    unused = iter(c for c in LETTERS if c not in spec)
    # letters that '...' stands for in each operand (broadcasting aligns them on the right)
    ell_lengths = [nd - len(s) + 3 if "..." in s else 0 for s, nd in zip(subs, ndims, strict=True)]
    n_ell = max(ell_lengths, default=0)
    ell = "".join(next(unused) for _ in range(n_ell))
    subs = [s.replace("...", ell[n_ell - k :]) for s, k in zip(subs, ell_lengths, strict=True)]
    if not arrow:
        counts = {c: "".join(subs).count(c) for c in set("".join(subs))}
        output = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    else:
        output = output.replace("...", ell)
    for s, nd in zip(subs, ndims, strict=True):
        if len(s) != nd:
            raise ChainruleValueError(
                f"einsum: subscripts '{s}' do not match an operand with {nd} dimensions"
            )
    return ",".join(subs) + "->" + output


# ---------------------------------------------------------------- inverse, determinants, solve

inv_p = Primitive(
    "inv",
    np.linalg.inv,
    vjp=(lambda g, ans, a: -(_mT(ans) @ g @ _mT(ans)),),
    jvp=(lambda t, ans, a: -(ans @ t @ ans),),
    rule="inverse rule",
    notation="d(A^-1) = -A^-1 dA A^-1",
    complex="holomorphic",
    numpy={np.linalg.inv: _on_square("np.linalg.inv")},
    batch=leading,
)


def _trace_product(a: Any, b: Any) -> Any:
    """trace(a @ b) over the last two axes."""
    return np.einsum("...ij,...ji->...", a, b)


def _expand2(x: Any) -> Any:
    return np.expand_dims(np.expand_dims(x, -1), -1)


def _cofactors(a: Any) -> Any:
    """The cofactor matrix, d det(A) / dA: det(A) A^-T when A is invertible, else from the minors (det is
    a polynomial, so its derivative exists at singular matrices too)."""
    try:
        cofactors = _expand2(np.linalg.det(a)) * _mT(np.linalg.inv(a))
        if np.all(np.isfinite(concrete(cofactors))):
            return cofactors
    except ValueError:  # LinAlgError: exactly singular
        pass
    n = shape_of(a)[-1]
    if n == 1:
        return np.ones(shape_of(a), dtype=np.result_type(concrete(a)))
    keep = np.array([[j for j in range(n) if j != i] for i in range(n)])  # row i: the indices other than i
    minors = a[..., keep[:, None, :, None], keep[None, :, None, :]]  # (..., n, n, n-1, n-1)
    signs = (-1.0) ** np.add.outer(np.arange(n), np.arange(n))
    return signs * np.linalg.det(minors)


det_p = Primitive(
    "det",
    np.linalg.det,
    vjp=(lambda g, ans, a: _expand2(g) * _cofactors(a),),
    jvp=(lambda t, ans, a: np.sum(_cofactors(a) * t, axis=(-2, -1)),),
    rule="Jacobi's formula",
    notation="d det(A) = tr(adj(A) dA)",
    complex="holomorphic",
    numpy={np.linalg.det: _on_square("np.linalg.det")},
    batch=leading,
)


def _logabsdet(a: Any) -> Any:
    return np.linalg.slogdet(a)[1]


def _numpy_slogdet(prim: Primitive, a: Any) -> Any:
    _square("np.linalg.slogdet", a)
    logabsdet = prim(a)
    # complex: the sign det / |det| is on the unit circle and moves with the matrix; real: +-1 (or 0), locally
    # constant
    sign = det_p(a) / np.exp(logabsdet) if is_complex(a) else np.linalg.slogdet(concrete(a))[0]
    return np.linalg._linalg.SlogdetResult(sign, logabsdet)


def _logabsdet_jvp(t: Any, ans: Any, a: Any) -> Any:
    trace = _trace_product(np.linalg.inv(a), t)
    return np.real(trace) if is_complex(trace) else trace


logabsdet_p = Primitive(
    "logabsdet",
    _logabsdet,
    # d log|det A| = Re tr(A^-1 dA): the cotangent g A^-T pairs with dA as the convention has it
    vjp=(lambda g, ans, a: _expand2(g) * _mT(np.linalg.inv(a)),),
    jvp=(_logabsdet_jvp,),
    rule="Jacobi's formula",
    notation="d log|det A| = Re tr(A^-1 dA)",
    numpy={np.linalg.slogdet: _numpy_slogdet},
    complex="written",
    batch=leading,
)


def _solve_vectors(a: Any, v: Any) -> Any:
    """``a^-1 v`` for a stack of vectors ``v`` (NumPy's solve reads a 2-D right-hand side as one matrix,
    and so misreads the cotangent of ``solve(A, b)`` for a stack ``A`` and one vector ``b``)."""
    return np.squeeze(np.linalg.solve(a, np.expand_dims(v, -1)), -1)


def _solve_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
    if np.ndim(b) == 1:
        gb = _solve_vectors(_mT(a), g)
        return unbroadcast(-(np.expand_dims(gb, -1) * np.expand_dims(ans, -2)), shape_of(a))
    return unbroadcast(-(np.linalg.solve(_mT(a), g) @ _mT(ans)), shape_of(a))


def _solve_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
    if np.ndim(b) == 1:
        return unbroadcast(_solve_vectors(_mT(a), g), shape_of(b))
    return unbroadcast(np.linalg.solve(_mT(a), g), shape_of(b))


def _solve_jvp_a(t: Any, ans: Any, a: Any, b: Any) -> Any:
    if np.ndim(b) == 1:
        return _solve_vectors(a, -np.squeeze(t @ np.expand_dims(ans, -1), -1))
    return np.linalg.solve(a, -(t @ ans))


def _solve_jvp_b(t: Any, ans: Any, a: Any, b: Any) -> Any:
    return _solve_vectors(a, t) if np.ndim(b) == 1 else np.linalg.solve(a, t)


def _numpy_solve(prim: Primitive, a: Any, b: Any) -> Any:
    _square("np.linalg.solve", a)
    return prim(a, b)


solve_p = Primitive(
    "solve",
    np.linalg.solve,
    vjp=(_solve_vjp_a, _solve_vjp_b),
    jvp=(_solve_jvp_a, _solve_jvp_b),
    rule="inverse rule",
    notation="x = A^-1 b: dx = A^-1 (db - dA x)",
    complex="holomorphic",
    numpy={np.linalg.solve: _numpy_solve},
    batch=solve_rule,
)

# ---------------------------------------------------------------- Cholesky and symmetric eigenproblems


def _phi(x: Any) -> Any:
    """Lower triangle with the diagonal halved."""
    n = shape_of(x)[-1]
    return np.tril(x) * (1.0 - 0.5 * np.eye(n))


def _cholesky_vjp(g: Any, ans: Any, a: Any) -> Any:
    # Murray (2016): A_bar = L^-T Phi(L^T L_bar) conj(L)^-1, made Hermitian (A is)
    lt = _mT(ans)
    p = _phi(lt @ g)
    s = _mT(np.linalg.solve(conj_transpose(ans), _mT(np.linalg.solve(lt, p))))
    return 0.5 * (s + conj_transpose(s))


def _cholesky_jvp(t: Any, ans: Any, a: Any) -> Any:
    # dL = L Phi(L^-1 dA L^-H), dA Hermitian (the input is: see _numpy_cholesky)
    m = np.linalg.solve(ans, t)
    return ans @ _phi(np.linalg.solve(ans, conj_transpose(m)))


def _numpy_cholesky(prim: Primitive, a: Any, /, *, upper: bool = False) -> Any:
    # NumPy reads one triangle (the lower one, or the upper one for upper=True) and the diagonal's real part
    lower = prim(from_triangle("np.linalg.cholesky", a, "U" if upper else "L"))
    return conj_transpose(lower) if upper else lower


cholesky_p = Primitive(
    "cholesky",
    np.linalg.cholesky,
    vjp=(_cholesky_vjp,),
    jvp=(_cholesky_jvp,),
    rule="Cholesky rule",
    notation="dL = L Phi(L^-1 dA L^-H)",
    kink="NumPy reads one triangle (the lower one, the upper one for upper=True), so the derivative is zero "
    "in the other",
    numpy={np.linalg.cholesky: _numpy_cholesky},
    complex="written",
    batch=leading,
)


def _eigh_packed(a: Any, *, UPLO: Literal["L", "U"] = "L") -> Any:
    """Eigenvalues (row 0) and eigenvectors (rows 1..n) in one array, so one primitive gives both.

    ``UPLO`` names the triangle LAPACK reads; the rules see a symmetric ``a``, where either gives the same
    decomposition, but the eigenvectors' signs are those of NumPy's call with the same ``UPLO``.
    """
    w, v = np.linalg.eigh(a, UPLO)
    return np.concatenate([w[..., None, :], v], axis=-2)


def _gap_inverse(w: Any) -> tuple[Any, Any]:
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it and for repeated eigenvalues; and the ties."""
    gaps = np.expand_dims(w, -2) - np.expand_dims(w, -1)
    return reciprocal_gaps(gaps, np.max(np.abs(concrete(w)), axis=-1))


def _eigh_vjp(g: Any, ans: Any, a: Any, **params: Any) -> Any:
    # A = V diag(w) V^H: A_bar = conj(V) (diag(w_bar) + F * (V^T V_bar)) V^T, made Hermitian (A is)
    w, v = _eigh_parts(ans)
    gw, gv = g[..., 0, :], g[..., 1:, :]
    f, ties = _gap_inverse(w)
    coupling = _mT(v) @ gv
    plain = concrete(coupling)
    warn_if_coupled("np.linalg.eigh", ties, plain - np.conj(_mT(plain)), "eigenvalues")
    inner = f * coupling + np.expand_dims(np.real(gw) if is_complex(gw) else gw, -2) * np.eye(shape_of(w)[-1])
    s = (np.conj(v) if is_complex(v) else v) @ inner @ _mT(v)
    return 0.5 * (s + conj_transpose(s))


def _eigh_parts(ans: Any) -> tuple[Any, Any]:
    """The eigenvalues (real, also for a Hermitian matrix) and eigenvectors from the packed result."""
    w, v = ans[..., 0, :], ans[..., 1:, :]
    return (np.real(w) if is_complex(w) else w), v


def _eigh_jvp(t: Any, ans: Any, a: Any, **params: Any) -> Any:
    w, v = _eigh_parts(ans)
    m = conj_transpose(v) @ t @ v
    dw = np.diagonal(m, axis1=-2, axis2=-1)
    f, ties = _gap_inverse(w)
    warn_if_coupled("np.linalg.eigh", ties, m, "eigenvalues")
    dv = v @ (f * m)
    return np.concatenate([np.expand_dims(np.real(dw) if is_complex(dw) else dw, -2), dv], axis=-2)


def from_triangle(name: str, a: Any, UPLO: str) -> Any:
    """The symmetric matrix NumPy's ``eigh(a, UPLO)`` decomposes: ``a``'s lower (or upper) triangle mirrored.

    NumPy reads one triangle only, so a derivative with respect to ``a`` is zero in the other one, as finite
    differences of NumPy's function show (and as HIPS autograd has it).
    """
    _square(name, a)
    if UPLO not in ("L", "U"):
        raise ChainruleValueError(f"{name}: UPLO must be 'L' or 'U', got {UPLO!r}")
    strict = np.tril(a, -1) if UPLO == "L" else np.triu(a, 1)
    if not is_complex(a):
        return (np.tril(a) if UPLO == "L" else np.triu(a)) + _mT(strict)
    # Hermitian: the other triangle is the conjugate, and LAPACK reads the diagonal's real part only
    diagonal = np.real(np.diagonal(a, axis1=-2, axis2=-1))
    return strict + conj_transpose(strict) + np.expand_dims(diagonal, -1) * np.eye(shape_of(a)[-1])


def _numpy_eigh(prim: Primitive, a: Any, UPLO: str = "L") -> Any:
    w, v = _eigh_parts(prim(from_triangle("np.linalg.eigh", a, UPLO), UPLO=UPLO))
    return np.linalg._linalg.EighResult(w, v)


def _numpy_eigvalsh(prim: Primitive, a: Any, UPLO: str = "L") -> Any:
    return _eigh_parts(prim(from_triangle("np.linalg.eigvalsh", a, UPLO), UPLO=UPLO))[0]


eigh_p = Primitive(
    "eigh",
    _eigh_packed,
    vjp=(_eigh_vjp,),
    jvp=(_eigh_jvp,),
    rule="eigenvalue perturbation",
    notation="dw_i = v_i^T dA v_i",
    kink="at repeated eigenvalues the eigenvectors are not unique and have no derivative: chainrule takes "
    "the coupling between them as 0 and warns (RuntimeWarning) whenever that changes the result. NumPy reads "
    "one triangle (UPLO), so the derivative is zero in the other",
    # eigvalsh too: its derivative needs the eigenvectors, so computing them with the values costs less
    numpy={np.linalg.eigh: _numpy_eigh, np.linalg.eigvalsh: _numpy_eigvalsh},
    complex="written",
    batch=leading,
)

# ---------------------------------------------------------------- cross product


def _cross3(a: Any, b: Any) -> Any:
    return np.cross(a, b)


def _to_last(x: Any, axis: int) -> Any:
    """``x`` with ``axis`` moved last (itself when it is last already: no transpose recorded)."""
    return x if axis in (-1, len(shape_of(x)) - 1) else np.moveaxis(x, axis, -1)


def _numpy_cross(
    prim: Primitive, a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: Any = None
) -> Any:
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _to_last(a, axisa), _to_last(b, axisb)
    na, nb = shape_of(a)[-1], shape_of(b)[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ChainruleValueError(
            "np.cross: incompatible dimensions for cross product (dimension must be 2 or 3), "
            f"got {na} and {nb}"
        )
    if na == 3 and nb == 3:  # one primitive: its rules are cross products too
        out = prim(a, b)
        return out if axisc in (-1, len(shape_of(out)) - 1) else np.moveaxis(out, -1, axisc)
    a0, a1, a2 = a[..., 0], a[..., 1], (a[..., 2] if na == 3 else 0.0)
    b0, b1, b2 = b[..., 0], b[..., 1], (b[..., 2] if nb == 3 else 0.0)
    z = a0 * b1 - a1 * b0
    if na == 2 and nb == 2:  # NumPy gives the z component alone
        return z
    shape = np.broadcast_shapes(shape_of(a)[:-1], shape_of(b)[:-1])
    parts = [np.broadcast_to(c, shape) for c in (a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, z)]
    return np.moveaxis(np.stack(parts, axis=-1), -1, axisc)


def _numpy_linalg_cross(prim: Primitive, x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    if shape_of(x1)[axis] != 3 or shape_of(x2)[axis] != 3:
        raise ChainruleValueError("np.linalg.cross: both inputs must be 3-element vectors along axis")
    return _numpy_cross(prim, x1, x2, axis=axis)


cross_p = Primitive(
    "cross",
    _cross3,
    vjp=(
        lambda g, ans, a, b: unbroadcast(np.cross(b, g), shape_of(a)),
        lambda g, ans, a, b: unbroadcast(np.cross(g, a), shape_of(b)),
    ),
    jvp=(lambda t, ans, a, b: np.cross(t, b), lambda t, ans, a, b: np.cross(a, t)),
    rule="product rule",
    notation="d(a x b) = da x b + a x db",
    complex="holomorphic",
    numpy={np.cross: _numpy_cross, np.linalg.cross: _numpy_linalg_cross},
    batch=elementwise,
)
