"""``np.fft`` on traced values: every function with its ``n``/``s``, ``axis``/``axes`` and ``norm`` options,
against finite differences in both modes to second order, and (oracle) against PyTorch.

A transform of complex input is checked through the real and imaginary parts of the input and output (the
complex convention's own tests, with JAX, are ``test_complex.py`` and ``test_complex_oracle.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule.errors import ChainruleValueError, UnsupportedOperationError
from chainrule.testing import check_grads

NORMS = [None, "backward", "ortho", "forward"]
SHAPE = (4, 5)
# (function, options) over a (4, 5) input; complex input for the complex transforms, real for rfft/ihfft
COMPLEX_IN: list[tuple[Callable[..., Any], dict[str, Any]]] = [
    *[(np.fft.fft, o) for o in ({}, {"n": 3}, {"n": 8, "axis": 0}, {"axis": -2})],
    *[(np.fft.ifft, o) for o in ({}, {"n": 7}, {"n": 2, "axis": 0})],
    *[(np.fft.fft2, o) for o in ({}, {"s": (3, 6)}, {"axes": (1, 0)}, {"s": (5, 2), "axes": (0, 1)})],
    *[(np.fft.ifft2, o) for o in ({}, {"s": (2, 7)})],
    *[(np.fft.fftn, o) for o in ({}, {"axes": (1,)}, {"s": (6, 3), "axes": (0, 1)})],
    *[(np.fft.ifftn, o) for o in ({}, {"s": (3,), "axes": (0,)})],
    *[(np.fft.irfft, o) for o in ({}, {"n": 7}, {"n": 8}, {"n": 3, "axis": 0})],
    *[(np.fft.irfft2, o) for o in ({}, {"s": (3, 5)}, {"s": (4, 4), "axes": (1, 0)})],
    *[(np.fft.irfftn, o) for o in ({}, {"s": (5,), "axes": (0,)}, {"s": (2, 9), "axes": (0, 1)})],
    *[(np.fft.hfft, o) for o in ({}, {"n": 7}, {"n": 4, "axis": 0})],
    *[(np.fft.fftshift, o) for o in ({}, {"axes": 0}, {"axes": (1,)})],
    *[(np.fft.ifftshift, o) for o in ({}, {"axes": (0, 1)})],
]
REAL_IN: list[tuple[Callable[..., Any], dict[str, Any]]] = [
    *[(np.fft.rfft, o) for o in ({}, {"n": 6}, {"n": 9}, {"axis": 0}, {"n": 2, "axis": 0})],
    *[(np.fft.rfft2, o) for o in ({}, {"s": (3, 8)}, {"axes": (1, 0)})],
    *[(np.fft.rfftn, o) for o in ({}, {"s": (5, 3), "axes": (0, 1)}, {"axes": (0,)})],
    *[(np.fft.ihfft, o) for o in ({}, {"n": 7}, {"n": 3, "axis": 0})],
    *[(np.fft.fft, o) for o in ({}, {"n": 7})],  # real input to a complex transform
    *[(np.fft.irfft, o) for o in ({"n": 6},)],
]
SHIFTS = (np.fft.fftshift, np.fft.ifftshift)


def _options(func: Callable[..., Any], opts: dict[str, Any], norm: Any) -> dict[str, Any]:
    return opts if func in SHIFTS else {**opts, "norm": norm}


def _parts(out: Any) -> Any:
    return np.concatenate([np.ravel(np.real(out)), np.ravel(np.imag(out))])


def _id(case: tuple[Callable[..., Any], dict[str, Any]]) -> str:
    func, opts = case
    return f"{func.__name__}({', '.join(f'{k}={v}' for k, v in opts.items())})"


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("case", COMPLEX_IN, ids=_id)
def test_complex_input_against_finite_differences(case: Any, norm: Any) -> None:
    func, opts = case
    kwargs = _options(func, opts, norm)
    rng = np.random.default_rng(len(str(kwargs)))
    a, b = rng.standard_normal(SHAPE), rng.standard_normal(SHAPE)
    np.testing.assert_allclose(
        cr.jvp(lambda z: func(z, **kwargs), (a + 1j * b,), (a,))[0], func(a + 1j * b, **kwargs)
    )
    check_grads(lambda a, b: _parts(func(a + 1j * b, **kwargs)), a, b, modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("case", REAL_IN, ids=_id)
def test_real_input_against_finite_differences(case: Any, norm: Any) -> None:
    func, opts = case
    kwargs = _options(func, opts, norm)
    x = np.random.default_rng(len(str(kwargs))).standard_normal(SHAPE)
    np.testing.assert_allclose(cr.jvp(lambda x: func(x, **kwargs), (x,), (x,))[0], func(x, **kwargs))
    check_grads(lambda x: _parts(func(x, **kwargs)), x, modes=("fwd", "rev"), order=2)
    g = cr.grad(lambda x: np.sum(np.abs(func(x, **kwargs)) ** 2))(x)
    assert g.dtype == np.float64  # a real input keeps a real gradient


def test_positional_arguments_and_the_object_api() -> None:
    x = cr.Tensor(np.arange(6.0), requires_grad=True)
    y = np.fft.irfft(np.fft.rfft(x, 6, -1, "ortho"), 6, -1, "ortho")  # the round trip is the identity
    np.sum(y * np.arange(6.0)).backward()
    np.testing.assert_allclose(x.grad, np.arange(6.0), atol=1e-12)


def test_errors_name_the_function() -> None:
    z = np.array([1.0 + 1j, 2.0, 3.0])
    with pytest.raises(UnsupportedOperationError, match=r"np\.fft\.rfft: the input is complex"):
        cr.grad(lambda z: np.sum(np.abs(np.fft.rfft(z))))(z)
    with pytest.raises(ChainruleValueError, match=r"np\.fft\.fft: norm='unit'"):
        cr.grad(lambda z: np.sum(np.abs(np.fft.fft(z, norm="unit"))))(z)
    with pytest.raises(ChainruleValueError, match=r"np\.fft\.hfft: norm='unit'"):
        cr.grad(lambda z: np.sum(np.fft.hfft(z, norm="unit")))(z)
    with pytest.raises(UnsupportedOperationError, match=r"np\.fft\.fftn: repeated axes"):
        cr.grad(lambda z: np.sum(np.abs(np.fft.fftn(z, axes=(0, 0)))))(z)
    with pytest.raises(ChainruleValueError, match=r"np\.fft\.fft2: axis 2 is out of bounds"):
        cr.grad(lambda z: np.sum(np.abs(np.fft.fft2(z, axes=(0, 2)))))(z)
    with pytest.raises(ChainruleValueError, match=r"invalid number of data points"):
        cr.grad(lambda z: np.sum(np.abs(np.fft.fft(z, n=0))))(z)
    with pytest.raises(UnsupportedOperationError, match=r"out="):
        cr.grad(lambda z: np.sum(np.abs(np.fft.ifft(z, out=np.empty(3, complex)))))(z)


def _axes(m: Any) -> dict[str, Any]:
    return {"axes": (0, 1)} if m is np else {"dim": (0, 1)}


TORCH = [
    ("fft", lambda m, x: m.fft.fft(x, n=7, norm="ortho")),
    ("ifft", lambda m, x: m.fft.ifft(x, n=3)),
    ("fft2", lambda m, x: m.fft.fft2(x, s=(3, 6))),
    ("ifft2", lambda m, x: m.fft.ifft2(x, norm="forward")),
    ("fftn", lambda m, x: m.fft.fftn(x)),
    ("ifftn", lambda m, x: m.fft.ifftn(x, s=(5, 4), **_axes(m))),
    ("rfft", lambda m, x: m.fft.rfft(x, n=9)),
    ("irfft", lambda m, x: m.fft.irfft(x, n=8)),
    ("rfft2", lambda m, x: m.fft.rfft2(x, norm="ortho")),
    ("irfft2", lambda m, x: m.fft.irfft2(x, s=(4, 7))),
    ("rfftn", lambda m, x: m.fft.rfftn(x, s=(3, 6), **_axes(m))),
    ("irfftn", lambda m, x: m.fft.irfftn(x)),
    ("hfft", lambda m, x: m.fft.hfft(x, n=6)),
    ("ihfft", lambda m, x: m.fft.ihfft(x)),
    ("fftshift", lambda m, x: m.fft.fftshift(x)),
    ("ifftshift", lambda m, x: m.fft.ifftshift(x)),
]


def _torch_parts(torch: Any, out: Any) -> Any:
    if not out.is_complex():  # as _parts: a real output's imaginary part is zero
        return torch.cat([out.ravel(), torch.zeros_like(out).ravel()])
    return torch.cat([torch.real(out).ravel(), torch.imag(out).ravel()])


@pytest.mark.oracle
@pytest.mark.parametrize(("name", "fn"), TORCH, ids=[t[0] for t in TORCH])
def test_against_pytorch(name: str, fn: Callable[..., Any]) -> None:
    # real input: PyTorch's and chainrule's conventions agree on real numbers, so gradients and Hessian
    # products compare as they are
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal(SHAPE)
    w = np.random.default_rng(2).standard_normal(_parts(fn(np, x)).shape)

    def f(x: Any) -> Any:
        return np.sum(np.sin(_parts(fn(np, x))) * w)

    t = torch.tensor(x, requires_grad=True)
    out = torch.sum(torch.sin(_torch_parts(torch, fn(torch, t))) * torch.tensor(w))
    (g,) = torch.autograd.grad(out, t, create_graph=True)
    v = np.random.default_rng(3).standard_normal(SHAPE)
    (hv,) = torch.autograd.grad(g, t, torch.tensor(v))
    np.testing.assert_allclose(cr.grad(f)(x), g.detach().numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(cr.hvp(f)(x, v), hv.numpy(), rtol=1e-9, atol=1e-12)
