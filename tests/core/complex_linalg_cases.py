"""Complex cases of the linear-algebra rows, merged into ``complex_cases.CASES`` (same format: ``fn(xp, *z)``
over NumPy or ``jax.numpy``, with makers of the operands).

Decompositions enter through functions that do not depend on the free phase of each vector
(``v * conj(v[0])``), and Hermitian inputs are built inside the case (``z + z^H``), so that NumPy's
one-triangle reading and JAX's symmetrization see the same matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Maker = Callable[[np.random.Generator], Any]
Case = tuple[Callable[..., Any], list[Maker]]


def cnormal(*shape: int) -> Maker:
    return lambda r: r.standard_normal(shape) + 1j * r.standard_normal(shape)


def shifted(*shape: int) -> Maker:
    """Complex matrices plus 3 I: well conditioned."""
    return lambda r: r.standard_normal(shape) + 1j * r.standard_normal(shape) + 3 * np.eye(shape[-1])


def real(*shape: int) -> Maker:
    return lambda r: r.standard_normal(shape)


def _H(xp: Any, a: Any) -> Any:
    return xp.conj(xp.swapaxes(a, -1, -2))


def hermitian(xp: Any, z: Any) -> Any:
    return z + _H(xp, z)


def rebuilt(usv: Any) -> Any:
    """U diag(s) Vh."""
    u, s, vh = usv
    return (u * s[..., None, :]) @ vh


def phase_free(xp: Any, v: Any) -> Any:
    """Each column times the conjugate of its first entry: the same for any phase of the column."""
    return v * xp.conj(v[..., :1, :])


def eig(xp: Any, z: Any) -> Any:
    """np.linalg.eig; JAX gives the eigenvectors' derivatives (also inside eigvals' second derivative) only
    when asked (its issue 2748)."""
    if xp is np:
        return np.linalg.eig(z)
    from jax.lax import linalg

    return linalg.eig(z, compute_left_eigenvectors=False, enable_eigvec_derivs=True)


LINALG_CASES: dict[str, list[Case]] = {
    "matmul": [
        (lambda xp, a, b: a @ b, [cnormal(2, 3), cnormal(3, 2)]),
        (lambda xp, a, b: xp.matmul(a, b), [cnormal(2, 2, 3), real(3)]),
    ],
    "einsum": [(lambda xp, a, b: xp.einsum("ij,jk->ik", a, b * b), [cnormal(2, 3), cnormal(3, 2)])],
    "inv": [(lambda xp, a: xp.linalg.inv(a), [shifted(2, 3, 3)])],
    "det": [(lambda xp, a: xp.linalg.det(a), [cnormal(3, 3)])],
    "solve": [(lambda xp, a, b: xp.linalg.solve(a, b), [shifted(3, 3), cnormal(3, 2)])],
    "cross": [(lambda xp, a, b: xp.cross(a, b), [cnormal(2, 3), cnormal(2, 3)])],
}

LINALG_CASES.update(
    {
        "svd": [
            (lambda xp, a: xp.linalg.svd(a, full_matrices=False)[1], [cnormal(4, 3)]),
            (lambda xp, a: phase_free(xp, xp.linalg.svd(a, full_matrices=False)[0]), [cnormal(4, 3)]),
            (lambda xp, a: phase_free(xp, _H(xp, xp.linalg.svd(a, full_matrices=False)[2])), [cnormal(3, 4)]),
            (lambda xp, a: rebuilt(xp.linalg.svd(a, full_matrices=False)), [cnormal(2, 3, 3)]),
            (lambda xp, a: xp.linalg.svd(a, compute_uv=False), [cnormal(2, 3)]),
        ],
    }
)  # fmt: skip

LINALG_CASES.update(
    {
        "eigh": [
            (lambda xp, z: xp.linalg.eigh(hermitian(xp, z))[0], [cnormal(3, 3)]),
            (lambda xp, z: phase_free(xp, xp.linalg.eigh(hermitian(xp, z))[1]), [cnormal(2, 3, 3)]),
            (lambda xp, z: xp.linalg.eigvalsh(hermitian(xp, z), UPLO="U"), [cnormal(3, 3)]),
            (lambda xp, z: phase_free(xp, xp.linalg.eigh(hermitian(xp, z), UPLO="U")[1]), [cnormal(3, 3)]),
        ],
    }
)

LINALG_CASES.update(
    {
        "eig": [
            (lambda xp, z: xp.linalg.eigvals(z) if xp is np else eig(xp, z)[0], [cnormal(3, 3)]),
            (lambda xp, z: phase_free(xp, eig(xp, z)[1]), [cnormal(3, 3)]),
            # real input, complex eigenvalues
            (lambda xp, x: xp.linalg.eigvals(x) if xp is np else eig(xp, x)[0], [real(2, 3, 3)]),
            (lambda xp, x: xp.abs(eig(xp, x)[1]), [real(3, 3)]),
        ],
    }
)

LINALG_CASES.update(
    {
        "qr": [
            (lambda xp, z: xp.linalg.qr(z)[1], [cnormal(4, 3)]),
            (lambda xp, z: xp.linalg.qr(z)[0], [cnormal(2, 3, 3)]),
            (lambda xp, z: xp.linalg.qr(z)[1], [cnormal(3, 4)]),
        ],
        "pinv": [
            (lambda xp, z: xp.linalg.pinv(z), [cnormal(4, 3)]),
            (lambda xp, z: xp.linalg.pinv(z), [cnormal(2, 2, 3)]),
        ],
    }
)

LINALG_CASES.update(
    {
        "logabsdet": [
            (lambda xp, z: xp.linalg.slogdet(z)[1], [cnormal(2, 3, 3)]),
            (lambda xp, z: xp.linalg.slogdet(z)[0], [cnormal(3, 3)]),  # the sign, through det
            (lambda xp, x: xp.linalg.slogdet(x)[1], [real(3, 3)]),
        ],
    }
)

LINALG_CASES.update(
    {
        "cholesky": [
            (lambda xp, z: xp.linalg.cholesky(z @ _H(xp, z) + 2 * xp.eye(3)), [cnormal(3, 3)]),
            (lambda xp, z: xp.linalg.cholesky(z @ _H(xp, z) + 2 * xp.eye(3), upper=True), [cnormal(2, 3, 3)]),
        ],
    }
)

# NumPy functions written through the rows (the norms take |z|, or the singular values, of a complex input)
LINALG_COMPOSITES: dict[str, list[Case]] = {
    "np.linalg.norm": [
        (lambda xp, z: xp.linalg.norm(z), [cnormal(4)]),
        (lambda xp, z: xp.linalg.norm(z, 3), [cnormal(4)]),
        (lambda xp, z: xp.linalg.norm(z, axis=1), [cnormal(2, 3)]),
        (lambda xp, z: xp.linalg.norm(z, "fro"), [cnormal(3, 2)]),
        (lambda xp, z: xp.linalg.norm(z, "nuc"), [cnormal(3, 2)]),
        (lambda xp, z: xp.linalg.norm(z, 2), [cnormal(2, 3)]),
    ],
    "np.linalg.vector_norm": [(lambda xp, z: xp.linalg.vector_norm(z, ord=4, axis=0), [cnormal(3, 2)])],
    "np.linalg.matrix_norm": [(lambda xp, z: xp.linalg.matrix_norm(z, ord="nuc"), [cnormal(2, 3, 2)])],
    "np.linalg.multi_dot": [(lambda xp, a, b, c: xp.linalg.multi_dot([a, b, c]),
                             [cnormal(2, 3), cnormal(3, 3), cnormal(3, 2)])],
    "np.linalg.matrix_power": [(lambda xp, a: xp.linalg.matrix_power(a, -2), [shifted(3, 3)])],
    "np.linalg.lstsq": [(lambda xp, a, b: xp.linalg.lstsq(a, b)[0], [cnormal(4, 3), cnormal(4)])],
}  # fmt: skip
