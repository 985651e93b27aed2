"""Issue 10's NumPy and SciPy functions against JAX and PyTorch (``make oracle``): values, gradients, VJPs,
JVPs and Hessians, in float64 on the CPU.

Each case is written once for chainrule and JAX, as ``fn(np, special, x)`` over NumPy and ``scipy.special``
(``jax.numpy`` and ``jax.scipy.special`` for JAX), and where PyTorch has the function, once more for torch.
A case that is not scalar is compared as ``sum(w * f(x))`` for a seeded ``w`` (gradient and Hessian) and
through its VJP with ``w``. Inputs stay away from kinks and ties, where the frameworks legitimately differ
(chainrule's choices there are tested in ``test_coverage_kinks.py``).
"""

from __future__ import annotations

import functools
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

Fn = Callable[[Any, Any, Any], Any]
Maker = Callable[[np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class Case:
    name: str
    fn: Fn  # fn(numpy-like, special-like, x), for chainrule and JAX
    make: Maker
    torch: Callable[[Any, Any], Any] | None = None  # torch(torch, x), where PyTorch has the function
    rtol: float = 1e-10
    jax: bool = True


def normal(*shape: int) -> Maker:
    return lambda r: r.standard_normal(shape)


def uniform(lo: float, hi: float, *shape: int) -> Maker:
    return lambda r: r.uniform(lo, hi, shape)


def rows(*ranges: tuple[float, float], n: int = 4) -> Maker:
    return lambda r: np.stack([r.uniform(lo, hi, n) for lo, hi in ranges])


def distinct(*shape: int) -> Maker:
    size = int(np.prod(shape))
    return lambda r: (r.permutation(size) * 0.5 + r.uniform(0, 0.1, size) - size / 4).reshape(shape)


KNOTS = np.array([0.0, 0.7, 1.5, 2.6, 3.0])
COORDS = np.array([0.0, 0.4, 1.3, 1.9, 3.0])
NANS = np.array([[0, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]], dtype=bool)

CASES = [
    # ---- elementwise
    Case("remainder", lambda np, sp, x: np.remainder(x[0], x[1]), rows((2.2, 2.8), (0.97, 1.03)),
         lambda t, x: t.remainder(x[0], x[1])),
    Case("mod_operator", lambda np, sp, x: x[0] % -x[1], rows((2.2, 2.8), (0.97, 1.03)),
         lambda t, x: x[0] % -x[1]),
    Case("fmod", lambda np, sp, x: np.fmod(-x[0], x[1]), rows((2.2, 2.8), (0.97, 1.03)),
         lambda t, x: t.fmod(-x[0], x[1])),
    Case("fabs", lambda np, sp, x: np.fabs(x), uniform(0.3, 2, 2, 3), lambda t, x: t.abs(x)),
    Case("deg2rad", lambda np, sp, x: np.deg2rad(x) * np.radians(x), normal(2, 3),
         lambda t, x: t.deg2rad(x) * t.deg2rad(x)),
    Case("rad2deg", lambda np, sp, x: np.rad2deg(x) + np.degrees(x) ** 2, normal(2, 3),
         lambda t, x: t.rad2deg(x) + t.rad2deg(x) ** 2),
    Case("logaddexp2", lambda np, sp, x: np.logaddexp2(x[0], x[1]), normal(2, 3),
         lambda t, x: t.logaddexp2(x[0], x[1])),
    Case("sinc", lambda np, sp, x: np.sinc(x), uniform(-3, 3, 2, 4), lambda t, x: t.sinc(x)),
    Case("sinc_near_zero", lambda np, sp, x: np.sinc(x * 1e-3), normal(5), lambda t, x: t.sinc(x * 1e-3)),
    Case("nan_to_num", lambda np, sp, x: np.nan_to_num(np.where(NANS, np.nan, x), nan=0.5), normal(3, 4),
         lambda t, x: t.nan_to_num(t.where(t.as_tensor(NANS), t.nan, x), nan=0.5)),
    Case("copysign", lambda np, sp, x: np.copysign(x[0], x[1] - 0.5), rows((0.3, 2), (0, 1)),
         lambda t, x: t.copysign(x[0], x[1] - 0.5)),
    Case("i0", lambda np, sp, x: np.i0(x), uniform(-3, 3, 2, 3), lambda t, x: t.special.i0(x)),
    # ---- SciPy's special functions
    Case("erf", lambda np, sp, x: sp.erf(x), normal(2, 3), lambda t, x: t.special.erf(x)),
    Case("erfc", lambda np, sp, x: sp.erfc(x), normal(2, 3), lambda t, x: t.special.erfc(x)),
    Case("erfinv", lambda np, sp, x: sp.erfinv(x), uniform(-0.9, 0.9, 2, 3),
         lambda t, x: t.special.erfinv(x)),
    Case("ndtr", lambda np, sp, x: sp.ndtr(x), normal(2, 3), lambda t, x: t.special.ndtr(x)),
    Case("ndtri", lambda np, sp, x: sp.ndtri(x), uniform(0.05, 0.95, 2, 3), lambda t, x: t.special.ndtri(x),
         rtol=1e-9),
    Case("log_ndtr", lambda np, sp, x: sp.log_ndtr(x), uniform(-6, 4, 2, 3),
         lambda t, x: t.special.log_ndtr(x)),
    # JAX's second derivative is off by up to 1e-6 here, chainrule's by 1e-10 (test_coverage_special.py
    # checks it against mpmath)
    Case("log_ndtr_far_tail", lambda np, sp, x: sp.log_ndtr(x), uniform(-40, -20, 4),
         lambda t, x: t.special.log_ndtr(x), rtol=1e-9, jax=False),
    Case("gamma", lambda np, sp, x: sp.gamma(x), uniform(0.5, 3, 2, 3), lambda t, x: t.special.gamma(x)
         if hasattr(t.special, "gamma") else t.exp(t.lgamma(x))),
    Case("gammaln", lambda np, sp, x: sp.gammaln(x), uniform(0.5, 5, 2, 3), lambda t, x: t.lgamma(x)),
    Case("digamma", lambda np, sp, x: sp.digamma(x), uniform(0.5, 5, 2, 3), lambda t, x: t.digamma(x)),
    Case("beta", lambda np, sp, x: sp.beta(x[0], x[1]), rows((0.5, 3), (0.5, 3)), rtol=1e-9),
    Case("betaln", lambda np, sp, x: sp.betaln(x[0], x[1]), rows((0.5, 3), (0.5, 3))),
    Case("expit", lambda np, sp, x: sp.expit(x), normal(2, 3), lambda t, x: t.sigmoid(x)),
    Case("logit", lambda np, sp, x: sp.logit(x), uniform(0.05, 0.95, 2, 3), lambda t, x: t.logit(x)),
    Case("xlogy", lambda np, sp, x: sp.xlogy(x[0], x[1]), rows((-2, 2), (0.3, 2)),
         lambda t, x: t.xlogy(x[0], x[1])),
    Case("xlog1py", lambda np, sp, x: sp.xlog1py(x[0], x[1]), rows((-2, 2), (-0.5, 2)),
         lambda t, x: t.special.xlog1py(x[0], x[1])),
    Case("entr", lambda np, sp, x: sp.entr(x), uniform(0.1, 2, 2, 3), lambda t, x: t.special.entr(x)),
    Case("rel_entr", lambda np, sp, x: sp.rel_entr(x[0], x[1]), rows((0.1, 2), (0.1, 2))),
    Case("i1", lambda np, sp, x: sp.i1(x), uniform(-3, 3, 2, 3), lambda t, x: t.special.i1(x)),
    Case("i0e", lambda np, sp, x: sp.i0e(x), uniform(0.3, 3, 2, 3), lambda t, x: t.special.i0e(x)),
    Case("i1e", lambda np, sp, x: sp.i1e(x), uniform(-3, -0.3, 2, 3), lambda t, x: t.special.i1e(x)),
    Case("zeta", lambda np, sp, x: sp.zeta(3.0, x), uniform(0.5, 3, 4)),  # torch: no forward mode
    # ---- shape and construction
    Case("append", lambda np, sp, x: np.append(x, x[:1] ** 2, axis=0) + np.append(x[0], x[1]).sum(),
         normal(2, 3)),
    Case("column_stack", lambda np, sp, x: np.column_stack([x[0], x[1] ** 2]), normal(2, 3),
         lambda t, x: t.column_stack([x[0], x[1] ** 2])),
    Case("dstack", lambda np, sp, x: np.dstack([x, x**2]), normal(2, 3), lambda t, x: t.dstack([x, x**2])),
    Case("atleast_3d", lambda np, sp, x: np.atleast_3d(x[0]) * x[1, 0], normal(2, 3),
         lambda t, x: t.atleast_3d(x[0]) * x[1, 0]),
    Case("splits",
         lambda np, sp, x: np.hsplit(x, 2)[1] * np.vsplit(x, 2)[0][:, :2] + np.array_split(x, 3, 1)[2],
         normal(2, 4)),
    Case("dsplit", lambda np, sp, x: np.dsplit(x.reshape(2, 2, 3), [1])[1] ** 2, normal(4, 3),
         lambda t, x: t.dsplit(x.reshape(2, 2, 3), [1])[1] ** 2),
    Case("rollaxis", lambda np, sp, x: np.rollaxis(x.reshape(2, 3, 2), 2) ** 2, normal(3, 4)),
    Case("flips", lambda np, sp, x: np.flipud(x) * np.fliplr(x) + np.rot90(np.rot90(x)), normal(3, 3),
         lambda t, x: t.flipud(x) * t.fliplr(x) + t.rot90(t.rot90(x))),
    Case("rot90", lambda np, sp, x: np.rot90(x, -1) @ x, normal(3, 3), lambda t, x: t.rot90(x, -1) @ x),
    Case("kron", lambda np, sp, x: np.kron(x[:2, :2], x[1:, 1:]), normal(3, 3),
         lambda t, x: t.kron(x[:2, :2], x[1:, 1:])),
    Case("diff", lambda np, sp, x: np.diff(x, n=2, axis=0) * np.diff(x, prepend=0.5)[1:-1], normal(4, 3),
         lambda t, x: t.diff(x, n=2, dim=0) * t.diff(x, prepend=t.full((4, 1), 0.5, dtype=t.float64))[1:-1]),
    Case("ediff1d", lambda np, sp, x: np.ediff1d(x, to_begin=x[0, 0]), normal(2, 3)),
    Case("gradient", lambda np, sp, x: np.gradient(x, axis=1), normal(3, 5),
         lambda t, x: t.gradient(x, dim=1)[0]),
    Case("gradient_coordinates", lambda np, sp, x: np.gradient(x, COORDS), normal(5),
         lambda t, x: t.gradient(x, spacing=(t.as_tensor(COORDS),))[0]),
    Case("select", lambda np, sp, x: np.select([x > 0.5, x < -0.5], [x**2, np.sin(x)], 0.5 * x),
         normal(3, 4)),
    Case("linspace", lambda np, sp, x: np.linspace(x[0], x[1], 6), normal(2, 3)),
    Case("linspace_step", lambda np, sp, x: np.linspace(x[0], x[1], 5, retstep=True)[1] * 2.0, normal(2)),
    Case("geomspace", lambda np, sp, x: np.geomspace(x[0], x[1], 5), rows((0.5, 2), (3, 5))),
    Case("logspace", lambda np, sp, x: np.logspace(x[0], x[1], 4, base=2.0), rows((0.5, 2), (3, 5))),
    Case("meshgrid", lambda np, sp, x: np.meshgrid(x[0], x[1, :2])[0] * np.meshgrid(x[0], x[1, :2])[1],
         normal(2, 3)),
    Case("trapezoid", lambda np, sp, x: np.trapezoid(x, COORDS[:4]), normal(2, 4),
         lambda t, x: t.trapezoid(x, t.as_tensor(COORDS[:4]))),
    Case("trapezoid_x", lambda np, sp, x: np.trapezoid(np.sin(x), x), uniform(0, 1, 5),
         lambda t, x: t.trapezoid(t.sin(x), x)),
    Case("interp", lambda np, sp, x: np.interp(x, KNOTS, np.sin(KNOTS)), uniform(0.05, 2.95, 2, 3)),
    Case("interp_values", lambda np, sp, x: np.interp(np.array([0.3, 1.1, 2.8]), KNOTS, x), normal(5)),
    Case("interp_knots", lambda np, sp, x: np.interp(np.array([0.3, 1.1, 2.8]), x, np.cos(KNOTS)),
         lambda r: KNOTS + r.uniform(-0.1, 0.1, 5)),
    Case("convolve", lambda np, sp, x: np.convolve(x[0], x[1, :3]), normal(2, 5)),
    Case("convolve_same", lambda np, sp, x: np.convolve(x[0, :3], x[1], "same"), normal(2, 5)),
    Case("correlate", lambda np, sp, x: np.correlate(x[0], x[1, :3], "valid"), normal(2, 5)),
    Case("correlate_full", lambda np, sp, x: np.correlate(x[0, :2], x[1], "full"), normal(2, 5)),
    Case("polyval", lambda np, sp, x: np.polyval(x[0], x[1]), normal(2, 4)),
    Case("einsum_sublist", lambda np, sp, x: np.einsum(x, [0, 1], np.sin(x), [2, 1], [0, 2]), normal(2, 3)),
    # ---- statistics
    Case("median", lambda np, sp, x: np.median(x, axis=1), distinct(3, 4),
         lambda t, x: t.quantile(x, 0.5, dim=1)),
    Case("median_all", lambda np, sp, x: np.median(x), distinct(3, 3)),
    Case("percentile", lambda np, sp, x: np.percentile(x, np.asarray([15.0, 70.0]), axis=0), distinct(5, 2),
         lambda t, x: t.quantile(x, t.as_tensor([0.15, 0.7], dtype=t.float64), dim=0)),
    Case("quantile_methods", lambda np, sp, x: np.stack([np.quantile(x, 0.4, method=m) for m in
         ("linear", "lower", "higher", "nearest", "midpoint")]), distinct(7),
         lambda t, x: t.stack([t.quantile(x, 0.4, interpolation=m) for m in
                               ("linear", "lower", "higher", "nearest", "midpoint")])),
    Case("nanmedian", lambda np, sp, x: np.nanmedian(np.where(NANS, np.nan, x), axis=1), distinct(3, 4)),
    Case("nanquantile", lambda np, sp, x: np.nanquantile(np.where(NANS, np.nan, x), 0.3, axis=1),
         distinct(3, 4), lambda t, x: t.nanquantile(t.where(t.as_tensor(NANS), t.nan, x), 0.3, dim=1)),
    Case("nansum", lambda np, sp, x: np.nansum(np.where(NANS, np.nan, x), axis=0), normal(3, 4),
         lambda t, x: t.nansum(t.where(t.as_tensor(NANS), t.nan, x), dim=0)),
    Case("nanmean", lambda np, sp, x: np.nanmean(np.where(NANS, np.nan, x), axis=1), normal(3, 4),
         lambda t, x: t.nanmean(t.where(t.as_tensor(NANS), t.nan, x), dim=1)),
    Case("nanmax", lambda np, sp, x: np.nanmax(np.where(NANS, np.nan, x), axis=1), distinct(3, 4)),
    Case("nanmin", lambda np, sp, x: np.nanmin(np.where(NANS, np.nan, x)), distinct(3, 4)),
    Case("nanprod", lambda np, sp, x: np.nanprod(np.where(NANS, np.nan, x), axis=1), uniform(0.5, 1.5, 3, 4)),
    Case("nanvar", lambda np, sp, x: np.nanvar(np.where(NANS, np.nan, x), axis=1, ddof=1), normal(3, 4)),
    Case("nanstd", lambda np, sp, x: np.nanstd(np.where(NANS, np.nan, x), axis=1), normal(3, 4)),
    Case("average", lambda np, sp, x: np.average(x[:, :3], axis=1, weights=x[0, 3:] ** 2 + 1), normal(2, 6)),
    Case("cov", lambda np, sp, x: np.cov(x), normal(3, 5), lambda t, x: t.cov(x)),
    Case("cov_weights",
         lambda np, sp, x: np.cov(x[:2], aweights=x[2] ** 2 + 0.5, fweights=np.array([1, 2, 1, 3, 1])),
         normal(3, 5),
         lambda t, x: t.cov(x[:2], aweights=x[2] ** 2 + 0.5, fweights=t.as_tensor([1, 2, 1, 3, 1]))),
    Case("corrcoef", lambda np, sp, x: np.corrcoef(x), normal(3, 5), lambda t, x: t.corrcoef(x)),
    Case("ptp", lambda np, sp, x: np.ptp(x, axis=0), distinct(3, 4)),
    # ---- ufunc methods
    Case("add.reduce", lambda np, sp, x: np.add.reduce(x, axis=1) * np.multiply.reduce(x, axis=1),
         normal(2, 3)),
    Case("maximum.accumulate", lambda np, sp, x: np.maximum.accumulate(x, axis=1), distinct(3, 4),
         lambda t, x: t.cummax(x, dim=1)[0]),
    Case("minimum.accumulate", lambda np, sp, x: np.minimum.accumulate(x), distinct(4, 2),
         lambda t, x: t.cummin(x, dim=0)[0]),
    Case("multiply.outer", lambda np, sp, x: np.multiply.outer(x[0], x[1]), normal(2, 3),
         lambda t, x: t.outer(x[0], x[1])),
    Case("logaddexp.reduce", lambda np, sp, x: np.logaddexp.reduce(x, axis=0), normal(3, 4),
         lambda t, x: t.logsumexp(x, dim=0)),
    Case("logaddexp.accumulate", lambda np, sp, x: np.logaddexp.accumulate(x, axis=1), normal(2, 4),
         lambda t, x: t.logcumsumexp(x, dim=1)),
    Case("subtract.accumulate", lambda np, sp, x: np.subtract.accumulate(x, axis=1), normal(2, 4)),
]  # fmt: skip
CASES_BY_NAME = {case.name: case for case in CASES}
assert len(CASES_BY_NAME) == len(CASES), "two cases share a name"


@functools.cache
def _jax() -> Any:
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return jax


@functools.cache
def _prepared(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    special = pytest.importorskip("scipy.special")
    case = CASES_BY_NAME[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    x = case.make(rng)
    out = np.asarray(case.fn(np, special, x))
    return x, out, rng.standard_normal(x.shape), rng.standard_normal(out.shape)


def _ours(name: str) -> Callable[[Any], Any]:
    special = pytest.importorskip("scipy.special")
    return functools.partial(CASES_BY_NAME[name].fn, np, special)


def _theirs(peer: str, name: str) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """The case in the peer's framework, and its conversion of arrays."""
    case = CASES_BY_NAME[name]
    if peer == "jax":
        jax = _jax()
        import jax.scipy.special as jsp

        return functools.partial(case.fn, jax.numpy, jsp), lambda a: jax.numpy.asarray(a, dtype=np.float64)
    torch = pytest.importorskip("torch")
    assert case.torch is not None
    return functools.partial(case.torch, torch), lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float64)


def _derivatives_torch(f: Callable[[Any], Any], x: Any, t: Any, w: Any) -> list[np.ndarray]:
    torch = pytest.importorskip("torch")
    leaf = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    const = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float64)  # noqa: E731
    value = f(leaf)
    (vjp,) = torch.autograd.grad(value, leaf, grad_outputs=const(w))
    jvp = torch.func.jvp(f, (const(x),), (const(t),))[1]
    hessian = torch.autograd.functional.hessian(lambda v: (f(v) * const(w)).sum(), const(x))
    return [value.detach().numpy(), vjp.numpy(), jvp.detach().numpy(), hessian.numpy()]


def _derivatives_jax(f: Callable[[Any], Any], x: Any, t: Any, w: Any) -> list[np.ndarray]:
    jax = _jax()
    value, vjp_fn = jax.vjp(f, jax.numpy.asarray(x))
    jvp = jax.jvp(f, (jax.numpy.asarray(x),), (jax.numpy.asarray(t),))[1]
    hessian = jax.jit(jax.hessian(lambda v: (f(v) * w).sum()))(jax.numpy.asarray(x))
    return [np.asarray(a) for a in (value, vjp_fn(jax.numpy.asarray(w))[0], jvp, hessian)]


def _derivatives_ours(f: Callable[[Any], Any], x: Any, t: Any, w: Any) -> list[np.ndarray]:
    value, vjp_fn = cr.vjp(f, x)
    jvp = cr.jvp(f, (x,), (t,))[1]
    hessian = cr.hessian(lambda v: np.sum(f(v) * w))(x)
    return [np.asarray(a) for a in (value, vjp_fn(w)[0], jvp, hessian)]


PARAMS = [pytest.param("jax", c.name, id=f"jax-{c.name}") for c in CASES if c.jax] + [
    pytest.param("torch", c.name, id=f"torch-{c.name}") for c in CASES if c.torch is not None
]


@pytest.mark.parametrize(("peer", "name"), PARAMS)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_against_the_peer(peer: str, name: str) -> None:
    case = CASES_BY_NAME[name]
    x, out, tangent, cotangent = _prepared(name)
    theirs, _ = _theirs(peer, name)
    peer_derivatives = _derivatives_jax if peer == "jax" else _derivatives_torch
    want = peer_derivatives(theirs, x, tangent, cotangent)
    got = _derivatives_ours(_ours(name), x, tangent, cotangent)
    np.testing.assert_allclose(out, want[0], rtol=case.rtol, atol=case.rtol * 1e-2, err_msg="value")
    for what, g, w in zip(("value", "vjp", "jvp", "hessian"), got, want, strict=True):
        assert g.shape == w.shape, what
        np.testing.assert_allclose(g, w, rtol=10 * case.rtol, atol=case.rtol * 1e-2, err_msg=what)
