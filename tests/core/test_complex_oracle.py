"""Every complex case (``complex_cases.py``) against JAX at random complex inputs (``make oracle``): gradients
of a real function of the output, forward derivatives along complex tangents, and both second orders
(forward over reverse and reverse over reverse). JAX's convention is chainrule's, so the numbers must agree.
PyTorch's gradient is the conjugate (checked once, as the docs say).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from complex_cases import CASES, COMPOSITES

import chainrule as cr

pytestmark = pytest.mark.oracle

ALL = {**CASES, **COMPOSITES}
IDS = [(name, k) for name in sorted(ALL) for k in range(len(ALL[name]))]


@pytest.fixture(scope="module")
def jax() -> Any:
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return jax


def _directions(zs: list[Any], seed: int) -> list[Any]:
    rng = np.random.default_rng(seed)
    out = []
    for z in zs:
        v = rng.standard_normal(np.shape(z))
        out.append(v + 1j * rng.standard_normal(np.shape(z)) if np.iscomplexobj(z) else v)
    return out


def _setup(name: str, k: int) -> tuple[Callable[..., Any], list[Any], Callable[[Any], Callable[..., Any]]]:
    fn, makers = ALL[name][k]
    rng = np.random.default_rng(k + 17 * len(name))
    zs = [m(rng) for m in makers]
    shape = np.shape(fn(np, *zs))
    w = np.random.default_rng(3).standard_normal((2, *shape))

    def real_of(xp: Any) -> Callable[..., Any]:
        def h(*z: Any) -> Any:
            out = fn(xp, *z)
            return xp.sum(xp.real(out) * w[0] + xp.imag(out) * w[1])

        return h

    return fn, zs, real_of


def _close(got: Any, want: Any) -> None:
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize(("name", "k"), IDS)
def test_reverse_and_forward_mode_against_jax(jax: Any, name: str, k: int) -> None:
    jnp = jax.numpy
    fn, zs, real_of = _setup(name, k)
    argnums = tuple(range(len(zs)))
    jzs = [jnp.asarray(z) for z in zs]
    _close(cr.grad(real_of(np), argnums=argnums)(*zs), jax.grad(real_of(jnp), argnums=argnums)(*jzs))
    v = _directions(zs, 5)
    out, tangent = cr.jvp(functools.partial(fn, np), zs, v)
    want_out, want_tangent = jax.jvp(functools.partial(fn, jnp), jzs, [jnp.asarray(t) for t in v])
    _close([out, tangent], [want_out, want_tangent])
    assert np.iscomplexobj(tangent) == jnp.iscomplexobj(want_tangent)


@pytest.mark.parametrize(("name", "k"), IDS)
def test_second_order_against_jax(jax: Any, name: str, k: int) -> None:
    jnp = jax.numpy
    _, zs, real_of = _setup(name, k)
    argnums = tuple(range(len(zs)))
    jzs = [jnp.asarray(z) for z in zs]
    v = _directions(zs, 7)
    _, got = cr.jvp(cr.grad(real_of(np), argnums=argnums), zs, v)
    _, want = jax.jvp(jax.grad(real_of(jnp), argnums=argnums), jzs, [jnp.asarray(t) for t in v])
    _close(got, want)

    c = [ci + 1j * ci[::-1] for ci in _directions(zs, 9)]

    def k_of(xp: Any, grad: Any) -> Callable[..., Any]:
        def k_fn(*z: Any) -> Any:
            g = grad(real_of(xp), argnums=argnums)(*z)
            return sum(xp.sum(xp.real(gi * ci)) for gi, ci in zip(g, c, strict=True))

        return k_fn

    _close(
        cr.grad(k_of(np, cr.grad), argnums=argnums)(*zs), jax.grad(k_of(jnp, jax.grad), argnums=argnums)(*jzs)
    )


def test_pytorch_gradient_is_the_conjugate() -> None:
    torch = pytest.importorskip("torch")
    z = np.array([3 + 4j, -1 + 0.5j, 0.2 - 2j])
    w = np.array([0.5, -1.0, 2.0])

    def f(xp: Any, z: Any) -> Any:
        return xp.sum(
            xp.abs(xp.sin(z) * z) * w[: len(z)] if xp is np else xp.abs(xp.sin(z) * z) * torch.tensor(w)
        )

    t = torch.tensor(z, requires_grad=True)
    f(torch, t).backward()
    np.testing.assert_allclose(np.conj(cr.grad(functools.partial(f, np))(z)), t.grad.numpy(), rtol=1e-10)
