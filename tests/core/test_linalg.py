"""np.linalg on traced values: decompositions (svd, eig, eigvals, eigh with UPLO, qr), pinv, lstsq,
matrix_power, multi_dot, matrix_norm, vector_norm and cross, over single and stacked matrices.

Each case is ``(function, argument makers)``: ``test_values`` compares the traced value (reverse and forward
mode) with NumPy's on plain arrays, ``test_derivatives`` runs ``check_grads`` (both modes, second order).
Sign-ambiguous results (singular vectors, eigenvectors) enter through :func:`columns`, which is the same for
either sign of each vector.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule.testing import check_grads

Maker = Callable[[np.random.Generator], Any]


def normal(*shape: int) -> Maker:
    return lambda r: r.standard_normal(shape)


def away(*shape: int) -> Maker:
    """|entries| in [0.3, 1.5], either sign: no |x| kink within the finite differences' reach."""
    return lambda r: r.uniform(0.3, 1.5, shape) * r.choice([-1.0, 1.0], shape)


def real_eigenvalues(*shape: int) -> Maker:
    """Non-symmetric matrices with eigenvalues 1..n (real and distinct)."""

    def make(r: np.random.Generator) -> Any:
        n = shape[-1]
        q = r.standard_normal(shape) + n * np.eye(n)
        return q @ (np.arange(1.0, n + 1) * np.eye(n)) @ np.linalg.inv(q)

    return make


def columns(v: Any) -> Any:
    """Vectors in the columns, each times its first entry: smooth, and the same for either sign of each."""
    return v * v[..., :1, :]


def svd_parts(part: int, **options: Any) -> Callable[[Any], Any]:
    if part == 1:
        return lambda a: np.linalg.svd(a, **options)[1]
    if part == 0:
        return lambda a: columns(np.linalg.svd(a, **options)[0])
    return lambda a: columns(np.swapaxes(np.linalg.svd(a, **options)[2], -1, -2))


THIN = {"full_matrices": False}
SHAPES = [(4, 3), (3, 3), (3, 5), (2, 4, 3), (2, 3, 3)]

CASES: dict[str, list[tuple[Callable[..., Any], list[Maker]]]] = {
    "svd": [(svd_parts(k, **THIN), [normal(*s)]) for k in range(3) for s in SHAPES]
    + [
        (lambda a: np.linalg.svd(a, compute_uv=False), [normal(2, 3, 4)]),
        (svd_parts(1), [normal(3, 3)]),
        (lambda a: np.sum(np.linalg.svd(a, full_matrices=False)[0] ** 3), [normal(5, 2)]),
        # U diag(s) Vh rebuilds the matrix: its derivative is the identity map
        (lambda a: (lambda u, s, vh: (u * s[..., None, :]) @ vh)(*np.linalg.svd(a, full_matrices=False)),
         [normal(2, 3, 4)]),
    ],
    "eig": [
        (lambda a: np.linalg.eig(a)[0], [real_eigenvalues(3, 3)]),
        (lambda a: columns(np.linalg.eig(a)[1]), [real_eigenvalues(3, 3)]),
        (lambda a: columns(np.linalg.eig(a).eigenvectors), [real_eigenvalues(2, 4, 4)]),
    ],
    "eigvals": [(np.linalg.eigvals, [real_eigenvalues(3, 3)]),
                (np.linalg.eigvals, [real_eigenvalues(2, 3, 3)])],
    "eigh UPLO": [
        (lambda a: np.linalg.eigh(a)[0], [normal(3, 3)]),
        (lambda a: np.linalg.eigh(a, UPLO="U")[0], [normal(3, 3)]),
        (lambda a: columns(np.linalg.eigh(a, "U")[1]), [normal(2, 3, 3)]),
        (lambda a: np.linalg.eigvalsh(a, UPLO="U"), [normal(2, 3, 3)]),
    ],
    "qr": [(lambda a: np.linalg.qr(a)[0], [normal(*s)]) for s in SHAPES]
    + [(lambda a: np.linalg.qr(a)[1], [normal(*s)]) for s in SHAPES]
    + [(lambda a: np.linalg.qr(a, mode="r"), [normal(3, 4)]),
       (lambda a: np.linalg.qr(a, "complete")[0], [normal(3, 3)])],
    "pinv": [(np.linalg.pinv, [normal(*s)]) for s in SHAPES]
    + [(lambda a: np.linalg.pinv(a, rcond=1e-10), [normal(3, 2)]),
       (lambda a: np.linalg.pinv(a + np.swapaxes(a, -1, -2), hermitian=True), [normal(3, 3)])],
    "lstsq": [
        (lambda a, b: np.linalg.lstsq(a, b)[0], [normal(5, 3), normal(5)]),
        (lambda a, b: np.linalg.lstsq(a, b)[0], [normal(3, 5), normal(3, 2)]),
        (lambda a, b: np.linalg.lstsq(a, b, rcond=None)[1], [normal(5, 3), normal(5, 2)]),
        (lambda a, b: np.linalg.lstsq(a, b)[1], [normal(5, 3), normal(5)]),
        (lambda a, b: np.linalg.lstsq(a, b)[3], [normal(3, 3), normal(3)]),
    ],
    "matrix_power": [(lambda a, n=n: np.linalg.matrix_power(a, n), [normal(3, 3)])
                     for n in (0, 1, 2, 5, -1, -2)]
    + [(lambda a: np.linalg.matrix_power(a, 3), [normal(2, 3, 3)])],
    "multi_dot": [
        (lambda a, b, c: np.linalg.multi_dot([a, b, c]), [normal(3, 4), normal(4, 2), normal(2, 5)]),
        (lambda a, b, c, d: np.linalg.multi_dot([a, b, c, d]),
         [normal(3), normal(3, 4), normal(4, 2), normal(2)]),
        (lambda a, b: np.linalg.multi_dot((a, b)), [normal(3, 4), normal(4)]),
        (lambda a, b, c: np.linalg.multi_dot([a, b, c]), [normal(4), normal(4, 2), normal(2, 5)]),
    ],
    "matrix_norm": [(lambda x, o=o: np.linalg.matrix_norm(x, ord=o), [away(2, 3, 4)])
                    for o in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)]
    + [(lambda x: np.linalg.matrix_norm(x, keepdims=True, ord=2), [normal(3, 2)])],
    "vector_norm": [(lambda x, o=o, ax=ax: np.linalg.vector_norm(x, ord=o, axis=ax), [away(2, 3, 4)])
                    for o in (2, 1, np.inf, -np.inf, 3, 0.5) for ax in (None, 1, (0, 2))]
    + [(lambda x: np.linalg.vector_norm(x, axis=-1, keepdims=True), [normal(2, 3)]),
       (lambda x: np.linalg.vector_norm(x, axis=(0, 2), keepdims=True, ord=3), [away(2, 3, 4)])],
    "cross": [
        (np.cross, [normal(4, 3), normal(4, 3)]),
        (np.cross, [normal(4, 3), normal(3)]),
        (lambda a, b: np.cross(a, b, axisa=0, axisb=0, axisc=0), [normal(3, 4), normal(3, 4)]),
        (lambda a, b: np.cross(a, b, axis=0), [normal(3, 2), normal(3, 2)]),
        (np.cross, [normal(4, 3), normal(4, 2)]),
        (np.linalg.cross, [normal(2, 3), normal(2, 3)]),
    ],
}  # fmt: skip

PARAMS = [pytest.param(name, k, id=f"{name}-{k}") for name in CASES for k in range(len(CASES[name]))]


def _args(name: str, case: int) -> tuple[Callable[..., Any], list[Any]]:
    f, makers = CASES[name][case]
    rng = np.random.default_rng(zlib.crc32(f"{name}{case}".encode()))
    return f, [m(rng) for m in makers]


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors are deprecated:DeprecationWarning")
@pytest.mark.parametrize(("name", "case"), PARAMS)
def test_values(name: str, case: int) -> None:
    f, args = _args(name, case)
    expected = f(*args)
    np.testing.assert_allclose(cr.vjp(f, *args)[0], expected, rtol=1e-10, atol=1e-12)
    tangents = tuple(np.zeros_like(a) for a in args)
    np.testing.assert_allclose(cr.jvp(f, tuple(args), tangents)[0], expected, rtol=1e-10, atol=1e-12)


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors are deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("error::RuntimeWarning")  # no tie warning on inputs without ties
@pytest.mark.parametrize(("name", "case"), PARAMS)
def test_derivatives(name: str, case: int) -> None:
    f, args = _args(name, case)
    check_grads(f, *args)


def test_results_are_numpys_named_tuples() -> None:
    a = np.random.default_rng(0).standard_normal((3, 3))
    np.testing.assert_allclose(
        np.abs(cr.vjp(lambda x: np.linalg.svd(x).Vh, a)[0]), np.abs(np.linalg.svd(a).Vh)
    )
    np.testing.assert_allclose(cr.vjp(lambda x: np.linalg.qr(x).R, a)[0], np.linalg.qr(a).R)
    np.testing.assert_allclose(cr.vjp(lambda x: np.linalg.eigh(x).eigenvalues, a)[0], np.linalg.eigh(a)[0])


def test_eigh_reads_one_triangle_as_numpy_does() -> None:
    """The gradient is zero in the triangle NumPy ignores, and equals finite differences entry by entry."""
    a = np.random.default_rng(1).standard_normal((3, 3))
    for uplo, ignored in (("L", np.triu_indices(3, 1)), ("U", np.tril_indices(3, -1))):
        g = cr.grad(lambda x, u=uplo: np.linalg.eigvalsh(x, UPLO=u)[-1])(a)
        assert np.all(g[ignored] == 0)
        numeric = cr.numeric.gradient(lambda x, u=uplo: np.linalg.eigvalsh(x, UPLO=u)[-1], a).value
        np.testing.assert_allclose(g, numeric, atol=1e-7)


UNSUPPORTED, SHAPE, VALUE = cr.UnsupportedOperationError, cr.ShapeError, cr.ChainruleValueError

ERRORS: dict[str, tuple[Callable[[Any], Any], Any, type[Exception], str]] = {
    "svd full_matrices": (np.linalg.svd, np.ones((3, 2)), UNSUPPORTED, "full_matrices=False"),
    "svd vector": (np.linalg.svd, np.ones(3), SHAPE, "matrix"),
    "eig not square": (np.linalg.eig, np.ones((2, 3)), SHAPE, "square"),
    "eigh UPLO": (lambda a: np.linalg.eigh(a, UPLO="X"), np.eye(2), VALUE, "UPLO"),
    "qr complete": (
        lambda a: np.linalg.qr(a, mode="complete"),
        np.ones((3, 2)),
        UNSUPPORTED,
        "mode='reduced'",
    ),
    "qr raw": (lambda a: np.linalg.qr(a, mode="raw"), np.eye(2), UNSUPPORTED, "raw"),
    "cross length": (lambda a: np.cross(a, a), np.ones(4), VALUE, "dimension must be 2 or 3"),
    "matrix_power square": (lambda a: np.linalg.matrix_power(a, 2), np.ones((2, 3)), SHAPE, "square"),
    "lstsq stack": (lambda a: np.linalg.lstsq(a, a[0]), np.ones((2, 3, 3)), VALUE, "2-D"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_name_the_problem(name: str) -> None:
    f, x, error, words = ERRORS[name]
    with pytest.raises(error, match=words):
        cr.grad(lambda a: np.sum(np.abs(f(a))))(x)


REPEATED = np.diag([1.0, 1.0, 2.0])
WEIGHTS = np.arange(9.0).reshape(3, 3)


@pytest.mark.parametrize("mode", ["rev", "fwd"])
@pytest.mark.parametrize(
    "f",
    [
        lambda a: np.sum(np.linalg.svd(a)[0] * WEIGHTS),
        lambda a: np.sum(np.linalg.eigh(a)[1] * WEIGHTS),
        lambda a: np.sum(np.linalg.eig(a)[1] * WEIGHTS),
    ],
    ids=["svd", "eigh", "eig"],
)
def test_repeated_values_warn_when_the_vectors_matter(f: Callable[[Any], Any], mode: str) -> None:
    derivative = cr.grad(f) if mode == "rev" else (lambda x: cr.jvp(f, (x,), (WEIGHTS.T,))[1])
    with pytest.warns(RuntimeWarning, match="repeated .* not unique"):
        derivative(REPEATED)


@pytest.mark.parametrize(
    "f",
    [lambda a: np.sum(np.linalg.svd(a)[1] ** 2), lambda a: np.sum(np.linalg.eigh(a)[0] ** 2)],
    ids=["singular values", "eigenvalues"],
)
def test_repeated_values_alone_are_differentiated_without_warning(f: Callable[[Any], Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(cr.grad(f)(REPEATED), 2 * REPEATED, atol=1e-12)


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigenvectors_traced_are_numpys_own(uplo: str) -> None:
    """The same vectors, signs included, as NumPy's call with the same UPLO (finite differences need it)."""
    a = np.random.default_rng(3).standard_normal((2, 6, 6))
    np.testing.assert_allclose(cr.vjp(lambda x: np.linalg.eigh(x, uplo)[1], a)[0], np.linalg.eigh(a, uplo)[1])
    np.testing.assert_allclose(
        cr.jvp(lambda x: np.linalg.eigh(x, uplo)[1], (a,), (a,))[0], np.linalg.eigh(a, uplo)[1]
    )


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_reads_one_triangle_as_numpy_does(upper: bool) -> None:
    a = np.random.default_rng(4).standard_normal((3, 3))
    a = a @ a.T + 3 * np.eye(3) + np.triu(np.ones((3, 3)), 1)  # not symmetric: NumPy reads one triangle

    def f(x: Any) -> Any:
        return np.sum(np.linalg.cholesky(x, upper=upper) ** 3)

    np.testing.assert_allclose(cr.vjp(lambda x: np.linalg.cholesky(x, upper=upper), a)[0],
                               np.linalg.cholesky(a, upper=upper), atol=1e-12)  # fmt: skip
    ignored = np.tril_indices(3, -1) if upper else np.triu_indices(3, 1)
    g = cr.grad(f)(a)
    assert np.all(g[ignored] == 0)
    np.testing.assert_allclose(g, cr.numeric.gradient(f, a).value, atol=1e-6)
    check_grads(f, a)


def test_partition_and_real_if_close() -> None:
    x = np.random.default_rng(5).standard_normal((3, 7))
    for kth in (0, 3, [1, 5]):
        np.testing.assert_allclose(cr.vjp(lambda a, k=kth: np.partition(a, k), x)[0], np.partition(x, kth))
        check_grads(lambda a, k=kth: np.partition(a, k, axis=1), x)
    check_grads(lambda a: np.partition(a, 2, axis=None), x)
    z = np.array([1.0 + 1e-16j, 2.0])
    out = cr.vjp(np.real_if_close, z)[0]
    assert not np.iscomplexobj(out)
    np.testing.assert_allclose(out, np.real_if_close(z))
    assert np.iscomplexobj(cr.vjp(np.real_if_close, z + 1e-3j)[0])
    np.testing.assert_allclose(cr.grad(lambda w: np.sum(np.real_if_close(w) ** 2))(z), [2.0, 4.0])


def test_solve_of_a_stack_of_matrices_against_one_vector() -> None:
    # NumPy reads solve(A, b) with a stack A and a 1-D b as one vector per matrix; the rules' cotangents
    # and tangents are then stacks of vectors, which solve would read as one matrix (a core-dimension
    # mismatch from NumPy, also under grad of vmap)
    rng = np.random.default_rng(3)
    A = rng.standard_normal((2, 3, 3)) + 7 * np.eye(3)
    b = np.array([1.0, 2.0, -0.5])
    check_grads(lambda a, b: np.linalg.solve(a, b), A, b, modes=("fwd", "rev"), order=2)
    h = cr.vmap(lambda a: np.linalg.solve(a, b))
    looped = cr.vmap(cr.grad(lambda a: np.sum(np.linalg.solve(a, b))))(A)
    np.testing.assert_allclose(cr.grad(lambda a: np.sum(h(a)))(A), looped, rtol=1e-12)
    np.testing.assert_allclose(cr.jacobian(h, mode="rev")(A), cr.jacobian(h, mode="fwd")(A), atol=1e-15)
