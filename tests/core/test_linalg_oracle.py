"""np.linalg's decompositions and composites against PyTorch and JAX (``make oracle``), and eigh's UPLO
triangle against HIPS autograd.

Each case is written three times (NumPy for chainrule, torch, jax.numpy) as a function of one float64 array
``x``. For ``g(x) = sum(w * f(x))`` with a seeded ``w`` the tests compare the value, the gradient (reverse
mode), the JVP along a seeded tangent (forward mode) and the Hessian (second order). Vectors with a sign (or
phase) freedom enter through ``v * conj(v[0])``, the same for every choice.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import chainrule as cr

pytestmark = [
    pytest.mark.oracle,
    pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning"),
]


def _columns(v: Any, conj: Callable[[Any], Any], real: Callable[[Any], Any]) -> Any:
    return real(v * conj(v[..., :1, :]))


def _real_eigenvalues(r: np.random.Generator, shape: tuple[int, ...]) -> Any:
    n = shape[-1]
    q = r.standard_normal(shape) + n * np.eye(n)
    return q @ (np.arange(1.0, n + 1) * np.eye(n)) @ np.linalg.inv(q)


@dataclass
class Case:
    name: str
    numpy: Callable[[Any], Any]
    torch: Callable[[Any, Any], Any]  # (torch, x)
    jax: Callable[[Any, Any], Any]  # (jax.numpy, x)
    shape: tuple[int, ...]
    make: Callable[[np.random.Generator, tuple[int, ...]], Any] = lambda r, s: r.standard_normal(s)


def _np_cols(v: Any) -> Any:
    return v * v[..., :1, :]


def _t_cols(t: Any, v: Any) -> Any:
    return _columns(v, t.conj, lambda z: z.real if z.is_complex() else z)


def _j_cols(j: Any, v: Any) -> Any:
    return _columns(v, j.conj, j.real)


def _jax_eig(x: Any) -> Any:
    """jnp.linalg.eig refuses eigenvector derivatives unless asked (its issue 2748): these inputs qualify."""
    from jax.lax import linalg

    return linalg.eig(x, compute_left_eigenvectors=False, enable_eigvec_derivs=True)


def _split3(x: Any) -> tuple[Any, Any, Any]:
    """Three matrices (3x4, 4x2, 2x3) from a 26-vector."""
    return x[:12].reshape(3, 4), x[12:20].reshape(4, 2), x[20:26].reshape(2, 3)


CASES = [
    Case("svd_u", lambda x: _np_cols(np.linalg.svd(x, full_matrices=False)[0]),
         lambda t, x: _t_cols(t, t.linalg.svd(x, full_matrices=False)[0]),
         lambda j, x: _j_cols(j, j.linalg.svd(x, full_matrices=False)[0]), (4, 3)),
    Case("svd_s", lambda x: np.linalg.svd(x)[1], lambda t, x: t.linalg.svd(x)[1],
         lambda j, x: j.linalg.svd(x)[1], (2, 3, 3)),
    Case("svd_v", lambda x: _np_cols(np.swapaxes(np.linalg.svd(x, full_matrices=False)[2], -1, -2)),
         lambda t, x: _t_cols(t, t.linalg.svd(x, full_matrices=False)[2].mT),
         lambda j, x: _j_cols(j, j.linalg.svd(x, full_matrices=False)[2].swapaxes(-1, -2)),
         (3, 5)),
    Case("svd_compute_uv_false", lambda x: np.linalg.svd(x, compute_uv=False),
         lambda t, x: t.linalg.svdvals(x),
         lambda j, x: j.linalg.svd(x, compute_uv=False), (4, 3)),
    Case("eig_values", lambda x: np.linalg.eig(x)[0], lambda t, x: t.linalg.eig(x)[0].real,
         lambda j, x: _jax_eig(x)[0].real, (3, 3), _real_eigenvalues),
    Case("eig_vectors", lambda x: _np_cols(np.linalg.eig(x)[1]), lambda t, x: _t_cols(t, t.linalg.eig(x)[1]),
         lambda j, x: _j_cols(j, _jax_eig(x)[1]), (3, 3), _real_eigenvalues),
    Case("eigvals", np.linalg.eigvals, lambda t, x: t.linalg.eigvals(x).real,
         lambda j, x: _jax_eig(x)[0].real, (2, 3, 3), _real_eigenvalues),
    Case("qr_q", lambda x: np.linalg.qr(x)[0], lambda t, x: t.linalg.qr(x)[0], lambda j, x: j.linalg.qr(x)[0],
         (4, 3)),
    Case("qr_r", lambda x: np.linalg.qr(x)[1], lambda t, x: t.linalg.qr(x)[1], lambda j, x: j.linalg.qr(x)[1],
         (2, 3, 4)),
    Case("pinv", np.linalg.pinv, lambda t, x: t.linalg.pinv(x), lambda j, x: j.linalg.pinv(x), (3, 4)),
    Case("lstsq", lambda x: np.linalg.lstsq(x[:, :3], x[:, 3])[0],
         lambda t, x: t.linalg.lstsq(x[:, :3], x[:, 3:], driver="gelsd")[0][:, 0],
         lambda j, x: j.linalg.lstsq(x[:, :3], x[:, 3])[0], (5, 4)),
    Case("matrix_power", lambda x: np.linalg.matrix_power(x, 3), lambda t, x: t.linalg.matrix_power(x, 3),
         lambda j, x: j.linalg.matrix_power(x, 3), (2, 3, 3)),
    Case("matrix_power_negative", lambda x: np.linalg.matrix_power(x, -2),
         lambda t, x: t.linalg.matrix_power(x, -2), lambda j, x: j.linalg.matrix_power(x, -2), (3, 3),
         lambda r, s: r.standard_normal(s) + 3 * np.eye(3)),
    Case("multi_dot", lambda x: np.linalg.multi_dot(list(_split3(x))),
         lambda t, x: t.linalg.multi_dot(list(_split3(x))), lambda j, x: j.linalg.multi_dot(list(_split3(x))),
         (26,)),
    Case("matrix_norm_nuc", lambda x: np.linalg.matrix_norm(x, ord="nuc"),
         lambda t, x: t.linalg.matrix_norm(x, ord="nuc"),
         lambda j, x: j.linalg.matrix_norm(x, ord="nuc"), (2, 3, 4)),
    Case("matrix_norm_2", lambda x: np.linalg.matrix_norm(x, ord=2),
         lambda t, x: t.linalg.matrix_norm(x, ord=2),
         lambda j, x: j.linalg.matrix_norm(x, ord=2), (3, 4)),
    Case("matrix_norm_1", lambda x: np.linalg.matrix_norm(x, ord=1),
         lambda t, x: t.linalg.matrix_norm(x, ord=1),
         lambda j, x: j.linalg.matrix_norm(x, ord=1), (3, 4), lambda r, s: r.uniform(0.3, 1.5, s)),
    Case("vector_norm_3", lambda x: np.linalg.vector_norm(x, ord=3, axis=(0, 2)),
         lambda t, x: t.linalg.vector_norm(x, ord=3, dim=(0, 2)),
         lambda j, x: j.linalg.vector_norm(x, ord=3, axis=(0, 2)), (2, 3, 4)),
    Case("vector_norm_all", np.linalg.vector_norm, lambda t, x: t.linalg.vector_norm(x),
         lambda j, x: j.linalg.vector_norm(x), (2, 3)),
    Case("cross", lambda x: np.cross(x[0], x[1]), lambda t, x: t.linalg.cross(x[0], x[1]),
         lambda j, x: j.cross(x[0], x[1]), (2, 4, 3)),
]  # fmt: skip

IDS = [c.name for c in CASES]


def _data(case: Case) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The input, a tangent, and the weights w of g(x) = sum(w * f(x))."""
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))
    x = np.asarray(case.make(rng, case.shape), dtype=np.float64)
    return x, rng.standard_normal(x.shape), rng.standard_normal(np.shape(case.numpy(x)))


def _chainrule(case: Case) -> dict[str, Any]:
    x, t, w = _data(case)

    def g(x: Any) -> Any:
        return np.sum(w * case.numpy(x))

    return {
        "value": cr.vjp(case.numpy, x)[0],
        "grad": cr.grad(g)(x),
        "jvp": cr.jvp(case.numpy, (x,), (t,))[1],
        "hessian": cr.hessian(g)(x),
    }


def _torch(case: Case) -> dict[str, Any]:
    torch = pytest.importorskip("torch")
    x, t, w = (torch.as_tensor(a, dtype=torch.float64) for a in _data(case))

    def f(x: Any) -> Any:
        return case.torch(torch, x)

    def g(x: Any) -> Any:
        return torch.sum(w * f(x))

    leaf = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(g(leaf), leaf)
    return {
        "value": f(x).numpy(),
        "grad": grad.numpy(),
        "jvp": torch.func.jvp(f, (x,), (t,))[1].detach().numpy(),
        "hessian": torch.autograd.functional.hessian(g, x).numpy(),
    }


def _jax(case: Case) -> dict[str, Any]:
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    x, t, w = _data(case)

    def f(x: Any) -> Any:
        return case.jax(jax.numpy, x)

    def g(x: Any) -> Any:
        return jax.numpy.sum(w * f(x))

    return {
        "value": np.asarray(f(x)),
        "grad": np.asarray(jax.grad(g)(x)),
        "jvp": np.asarray(jax.jvp(f, (x,), (t,))[1]),
        "hessian": np.asarray(jax.hessian(g)(x)),
    }


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch's notes on its own linalg backends
@pytest.mark.parametrize("peer", ["torch", "jax"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_against_torch_and_jax(case: Case, peer: str) -> None:
    theirs = _torch(case) if peer == "torch" else _jax(case)
    ours = _chainrule(case)
    for what in ("value", "grad", "jvp", "hessian"):
        np.testing.assert_allclose(ours[what], theirs[what], rtol=1e-7, atol=1e-9, err_msg=what)


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_triangle_against_autograd(uplo: str) -> None:
    """autograd, like NumPy, reads one triangle of a non-symmetric input; so does chainrule's derivative."""
    anp = pytest.importorskip("autograd.numpy")
    autograd = pytest.importorskip("autograd")
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal((2, 3, 3)), rng.standard_normal((2, 3))

    def g(np_: Any) -> Callable[[Any], Any]:
        return lambda a: (
            np_.sum(w * np_.linalg.eigh(a, UPLO=uplo)[0])
            + np_.sum(np_.linalg.eigh(a, UPLO=uplo)[1] ** 2 * w[..., None])
        )

    np.testing.assert_allclose(cr.grad(g(np))(x), autograd.grad(g(anp))(x), rtol=1e-9, atol=1e-12)
