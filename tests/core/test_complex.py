"""Complex numbers: one convention (JAX's and HIPS autograd's) for every primitive, in both modes, to second
order; and a refusal from every primitive whose complex rule is not written.

A complex function ``f(z)`` with ``z = a + ib`` is also a real function ``F(a, b)`` (its real and imaginary
parts), whose derivatives no convention can change. So each case is checked twice: ``F`` against finite
differences in both modes to second order (the rules themselves), and ``f`` at complex inputs against what the
convention says in terms of ``F`` (for a real ``h``, ``grad h(z) = dh/da - i dh/db``, the conjugate of the
steepest-ascent direction; a forward derivative along ``v`` is ``dF`` along ``(Re v, Im v)``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from complex_cases import CASES, COMPOSITES

import chainrule as cr
from chainrule.core import registry
from chainrule.core.primitive import COMPLEX_SUPPORT, Primitive
from chainrule.errors import UnsupportedOperationError
from chainrule.testing import check_grads

ALL = {**CASES, **COMPOSITES}
IDS = [(name, k) for name in sorted(ALL) for k in range(len(ALL[name]))]


def _sample(name: str, k: int) -> tuple[Callable[..., Any], list[Any]]:
    fn, makers = ALL[name][k]
    rng = np.random.default_rng(k + 17 * len(name))
    return functools.partial(fn, np), [m(rng) for m in makers]


def _split(zs: list[Any]) -> list[Any]:
    """Each complex operand as its real and imaginary parts; real operands as they are."""
    out: list[Any] = []
    for z in zs:
        out += [z.real.copy(), z.imag.copy()] if np.iscomplexobj(z) else [z]
    return out


def _join(parts: tuple[Any, ...], zs: list[Any]) -> list[Any]:
    it = iter(parts)
    return [next(it) + 1j * next(it) if np.iscomplexobj(z) else next(it) for z in zs]


def _pair(f: Callable[..., Any], zs: list[Any]) -> Callable[..., Any]:
    """``f`` as a real function of the real and imaginary parts: its output's parts, side by side."""

    def F(*parts: Any) -> Any:
        out = f(*_join(parts, zs))
        return np.concatenate([np.ravel(np.real(out)), np.ravel(np.imag(out))])

    return F


def _conventional(grads: tuple[Any, ...], zs: list[Any]) -> list[Any]:
    """Gradients with respect to the parts, as the convention's gradient: dh/da - i dh/db."""
    it = iter(grads)
    return [next(it) - 1j * next(it) if np.iscomplexobj(z) else next(it) for z in zs]


def _weights(f: Callable[..., Any], zs: list[Any]) -> tuple[Any, Any]:
    shape = np.shape(f(*zs))
    rng = np.random.default_rng(3)
    return rng.standard_normal(shape), rng.standard_normal(shape)


def _directions(zs: list[Any], seed: int) -> list[Any]:
    """Random tangents: complex for complex operands, real for real ones."""
    rng = np.random.default_rng(seed)
    out = []
    for z in zs:
        v = rng.standard_normal(np.shape(z))
        out.append(v + 1j * rng.standard_normal(np.shape(z)) if np.iscomplexobj(z) else v)
    return out


def _close(got: Any, want: Any) -> None:
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize(("name", "k"), IDS)
def test_rules_against_finite_differences(name: str, k: int) -> None:
    f, zs = _sample(name, k)
    check_grads(_pair(f, zs), *_split(zs), modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize(("name", "k"), IDS)
def test_convention_in_reverse_and_forward_mode(name: str, k: int) -> None:
    f, zs = _sample(name, k)
    w1, w2 = _weights(f, zs)

    def h(*z: Any) -> Any:  # a real function of the operands
        out = f(*z)
        return np.sum(np.real(out) * w1 + np.imag(out) * w2)

    argnums = tuple(range(len(zs)))
    parts = _split(zs)
    want = _conventional(cr.grad(lambda *p: h(*_join(p, zs)), argnums=tuple(range(len(parts))))(*parts), zs)
    _close(cr.grad(h, argnums=argnums)(*zs), want)

    rng = np.random.default_rng(5)
    tangents = [
        rng.standard_normal(np.shape(z))
        + (1j * rng.standard_normal(np.shape(z)) if np.iscomplexobj(z) else 0)
        for z in zs
    ]
    out, tangent = cr.jvp(f, zs, tangents)
    _, pair_tangent = cr.jvp(_pair(f, zs), _split(zs), _split(tangents))
    n = np.size(out)
    want_tangent = pair_tangent[:n] + 1j * pair_tangent[n:] if np.iscomplexobj(out) else pair_tangent[:n]
    assert np.iscomplexobj(tangent) == np.iscomplexobj(out), "a real output has a real tangent"
    _close([np.ravel(tangent)], [want_tangent])


@pytest.mark.parametrize(("name", "k"), IDS)
def test_convention_at_second_order(name: str, k: int) -> None:
    f, zs = _sample(name, k)
    w1, w2 = _weights(f, zs)
    argnums = tuple(range(len(zs)))
    parts = _split(zs)
    part_nums = tuple(range(len(parts)))

    def h(*z: Any) -> Any:
        out = f(*z)
        return np.sum(np.real(out) * w1 + np.imag(out) * w2)

    def h_parts(*p: Any) -> Any:
        return h(*_join(p, zs))

    # forward over reverse: the derivative of grad h along v
    rng = np.random.default_rng(7)
    v = [
        rng.standard_normal(np.shape(z))
        + (1j * rng.standard_normal(np.shape(z)) if np.iscomplexobj(z) else 0)
        for z in zs
    ]
    _, got = cr.jvp(cr.grad(h, argnums=argnums), zs, v)
    _, pair_got = cr.jvp(cr.grad(h_parts, argnums=part_nums), parts, _split(v))
    _close(got, _conventional(pair_got, zs))

    # reverse over reverse: the gradient of a real function of grad h
    rng = np.random.default_rng(9)
    c = [rng.standard_normal(np.shape(z)) + 1j * rng.standard_normal(np.shape(z)) for z in zs]

    def k_of(*z: Any) -> Any:
        return sum(np.sum(np.real(g * ci)) for g, ci in zip(cr.grad(h, argnums=argnums)(*z), c, strict=True))

    def k_parts(*p: Any) -> Any:  # the same function, from the gradient in parts: G = Ga - i Gb
        g = _conventional(cr.grad(h_parts, argnums=part_nums)(*p), zs)
        return sum(np.sum(np.real(gi * ci)) for gi, ci in zip(g, c, strict=True))

    _close(
        cr.grad(k_of, argnums=argnums)(*zs), _conventional(cr.grad(k_parts, argnums=part_nums)(*parts), zs)
    )


def _rows() -> list[Primitive]:
    from test_primitives import all_primitives

    return list(all_primitives().values())


def test_every_complex_row_has_a_case() -> None:
    # one fact in one place: complex support is declared on the row, and each declaration has a test case
    for prim in _rows():
        assert prim.complex in COMPLEX_SUPPORT
        if prim.complex is not None and prim.name != "stop_gradient":  # stop_gradient: tested below
            assert prim.name in CASES, (
                f"{prim.name} declares complex={prim.complex!r} but has no complex case"
            )
    declared = {p.name for p in _rows() if p.complex is not None}
    assert set(CASES) <= declared, f"cases for rows without complex rules: {set(CASES) - declared}"


def _undeclared_ufuncs() -> list[tuple[Primitive, np.ufunc]]:
    """Rows without complex rules whose NumPy ufunc has a complex loop: each must refuse at complex values."""
    found = []
    for prim in registry.primitives():
        if prim.complex is not None:
            continue
        for key in prim.numpy:
            if (
                isinstance(key, np.ufunc)
                and key.nin in (1, 2)
                and any("D" in t.split("->")[0] for t in key.types)
            ):
                found.append((prim, key))
                break
    return found


@pytest.mark.parametrize(
    ("prim", "ufunc"), _undeclared_ufuncs(), ids=lambda p: getattr(p, "__name__", str(p))
)
def test_a_row_without_complex_rules_refuses(prim: Primitive, ufunc: np.ufunc) -> None:
    z = np.array([0.3 + 0.4j, -0.2 + 0.1j])
    w = np.array([0.5 - 0.1j, 0.7 + 0.2j])

    def f(z: Any) -> Any:
        out = ufunc(z) if ufunc.nin == 1 else ufunc(z, w)
        return np.sum(np.abs(out))

    for attempt in (lambda: cr.grad(f)(z), lambda: cr.jvp(f, (z,), (z,))):
        with pytest.raises(UnsupportedOperationError, match=f"^{prim.name}: its derivative at complex"):
            attempt()


def test_a_complex_constant_counts_too() -> None:
    # a real traced operand with a complex constant: the row has no complex rule, so it refuses
    with pytest.raises(UnsupportedOperationError, match="maximum"):
        cr.grad(lambda x: np.real(np.maximum(x, 1j)))(0.5)


def test_the_issue_examples() -> None:
    # a function equal to |z| has the gradient of |z|: the conjugate of the steepest-ascent direction z/|z|
    np.testing.assert_allclose(cr.grad(lambda z: np.abs(1j * z))(3 + 4j), 0.6 - 0.8j)
    np.testing.assert_allclose(cr.grad(np.abs)(3 + 4j), 0.6 - 0.8j)
    # forward mode: a real output has a real tangent
    value, tangent = cr.jvp(np.abs, (3 + 4j,), (1j,))
    assert value == 5.0
    assert not np.iscomplexobj(tangent)
    np.testing.assert_allclose(tangent, 0.8)
    # |z|^2 = z conj(z): gradient 2 conj(z)
    np.testing.assert_allclose(cr.grad(lambda z: np.real(z * np.conj(z)))(3 + 4j), 6 - 8j)


def test_a_real_operand_keeps_a_real_cotangent_at_every_order() -> None:
    # f(x) = Re((x (1 + 2i))^2) = -3 x^2: f' = -6x and f'' = -6, all real, in each mode and under jvp(grad)
    def f(x: Any) -> Any:
        return np.real((x * (1 + 2j)) ** 2)

    g = cr.grad(f)(1.5)
    assert isinstance(g, float)
    assert g == pytest.approx(-9.0)
    (ct,) = cr.vjp(lambda x: x * (1 + 2j), np.array([1.0, 2.0]))[1](np.array([1.0 + 1j, 2.0 - 1j]))
    # Re(ct * (1 + 2i)) for each entry
    np.testing.assert_allclose(ct, [-1.0, 4.0])
    _, h = cr.jvp(cr.grad(f), (1.5,), (1.0,))
    assert not np.iscomplexobj(h)
    assert h == pytest.approx(-6.0)
    assert cr.grad(cr.grad(f))(1.5) == pytest.approx(-6.0)
    x = cr.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    np.sum(np.real(x * (1 + 2j)) * np.imag(x * (3 - 1j))).backward()
    assert not np.iscomplexobj(x.grad)


def test_stop_gradient_at_complex_values() -> None:
    got = cr.grad(lambda z: np.abs(cr.stop_gradient(z) * z))(3 + 4j)
    # d|c z| at c = z: |c| times abs's gradient
    np.testing.assert_allclose(got, 5 * (0.6 - 0.8j))


def test_pytorch_convention_is_the_conjugate() -> None:
    # as the docs say: PyTorch's gradient of a real function is the conjugate of chainrule's (and JAX's)
    z = 1.0 - 2.0j
    np.testing.assert_allclose(np.conj(cr.grad(np.abs)(z)), z / abs(z))


def test_complex_std_goes_through_the_norm_row_and_follows_the_convention() -> None:
    # std of complex values is the 2-norm of the complex deviations (its row declares complex rules):
    # the same value and gradient as the formula written with |z|, whose rule is checked against JAX
    z = np.array([3 + 4j, 1j, -2 + 0.5j])
    value, gradient = cr.value_and_grad(np.std)(z)
    by_abs = cr.value_and_grad(lambda z: np.sqrt(np.mean(np.abs(z - np.mean(z)) ** 2)))(z)
    np.testing.assert_allclose(value, np.std(z))
    np.testing.assert_allclose(value, by_abs[0])
    np.testing.assert_allclose(gradient, by_abs[1])


def test_a_bad_declaration_is_refused() -> None:
    with pytest.raises(ValueError, match="complex="):
        Primitive("f", np.sin, vjp=(None,), jvp=(None,), complex="yes")


@pytest.mark.parametrize("mode", ["fwd", "rev", "auto"])
def test_a_jacobian_of_a_complex_input_needs_holomorphic_and_then_every_mode_agrees(mode: str) -> None:
    z = np.array([1.0 + 2.0j, -0.5 + 0.3j])
    with pytest.raises(cr.ChainruleValueError, match="holomorphic=True"):
        cr.jacobian(lambda z: np.conj(z) * z, mode=mode)(z)  # fwd gave 2x, rev 2x - 2iy: two numbers
    with pytest.raises(cr.ChainruleValueError, match="holomorphic=True"):
        cr.hessian(lambda z: np.sum(np.abs(z) ** 2), mode="rev" if mode == "rev" else "fwd")(z)
    np.testing.assert_allclose(cr.jacobian(np.sin, mode=mode, holomorphic=True)(z), np.diag(np.cos(z)))
    h = cr.hessian(lambda z: np.real(np.sum(z**3)), mode="rev" if mode == "rev" else "fwd", holomorphic=True)
    np.testing.assert_allclose(h(z), np.diag(6 * z))


@pytest.mark.parametrize("mode", ["fwd", "rev", "auto"])
def test_a_complex_output_of_a_real_input_keeps_its_imaginary_part_in_every_mode(mode: str) -> None:
    # reverse mode used to give d Re(y)/dx only: 1 for x * (1 + 2j)
    x = np.array([1.0, 2.0])
    np.testing.assert_array_equal(cr.jacobian(lambda x: x * (1 + 2j), mode=mode)(x), (1 + 2j) * np.eye(2))
    da, dz = cr.jacobian(lambda a, z: a * z * 1j, argnums=(0, 1), mode=mode, holomorphic=True)(2.0, 1 + 1j)
    assert (da, dz) == (-1 + 1j, 2j)
    jac = cr.jacobian(lambda x: np.fft.fft(x), mode=mode)(x)
    np.testing.assert_allclose(jac, np.fft.fft(np.eye(2), axis=0), atol=1e-15)
