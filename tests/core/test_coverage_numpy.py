"""Issue 10's NumPy functions on traced values: the same values as NumPy, and derivatives that match finite
differences in both modes to second order, over the shapes and keyword options each function takes.

Each case is ``(function, argument makers)``; ``test_values`` checks the traced value (reverse and forward
mode) against NumPy on plain arrays, ``test_derivatives`` runs ``check_grads``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule.core.rules.order_statistics import QUANTILE_METHODS, position_weights
from chainrule.testing import check_grads

Maker = Callable[[np.random.Generator], Any]


def normal(*shape: int) -> Maker:
    return lambda r: r.standard_normal(shape)


def uniform(lo: float, hi: float, *shape: int) -> Maker:
    return lambda r: r.uniform(lo, hi, shape)


def fixed(value: Any) -> Maker:
    return lambda r: np.array(value, dtype=float)


def increasing(n: int, lo: float = 0.0) -> Maker:
    """Sorted coordinates with uneven steps."""
    return lambda r: lo + np.cumsum(r.uniform(0.5, 1.5, n))


MASK = np.array([[0, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]], dtype=bool)  # a NaN in each row


def with_nans(x: Any) -> Any:
    return np.where(MASK, np.nan, x)


def distinct(*shape: int) -> Maker:
    """Entries at least 0.4 apart: no order statistic meets a tie within the finite differences' reach."""
    size = int(np.prod(shape))
    return lambda r: (r.permutation(size) * 0.5 + r.uniform(0, 0.1, size) - size / 4).reshape(shape)


def away(lo: float, hi: float, *shape: int) -> Maker:
    """|entries| in [lo, hi], either sign."""
    return lambda r: r.uniform(lo, hi, shape) * r.choice([-1.0, 1.0], shape)


CASES: dict[str, list[tuple[Callable[..., Any], list[Maker]]]] = {
    # ---- elementwise
    "remainder": [
        (lambda x, y: np.remainder(x, y), [fixed([2.3, -2.3, 5.6, -0.4]), fixed([0.9, 0.9, -1.3, -1.3])]),
        (lambda x: np.mod(x, 1.5) + 4.0 % x, [fixed([[0.7, 1.9], [2.2, 1.1]])]),
        (lambda x, y: divmod(x, y)[1] * divmod(x, y)[0], [fixed([2.3, -2.3]), fixed([0.9, -1.7])]),
    ],
    "fmod": [(np.fmod, [fixed([2.3, -2.3, 5.6, -0.4]), fixed([0.9, 0.9, -1.3, -1.3])])],
    "copysign": [
        (np.copysign, [away(0.3, 2, 2, 3), away(0.3, 2, 3)]),
        (lambda x: np.copysign(x, -0.0) + np.copysign(2.0, x) * x, [away(0.3, 2, 4)]),
    ],
    "sinc": [
        (np.sinc, [fixed([0.0, 1e-9, -0.3, 0.49, 1.5, -2.5, 7.3])]),
        (lambda x: np.sinc(x**2), [normal(2, 3)]),
    ],
    "logaddexp2": [(np.logaddexp2, [normal(2, 3), normal(3)])],
    "degrees": [(lambda x: np.deg2rad(np.degrees(x)) * np.rad2deg(x), [normal(2, 3)])],
    "nan_to_num": [
        (lambda x: np.nan_to_num(with_nans(x), nan=-1.0), [normal(3, 4)]),
        (lambda x: np.nan_to_num(np.where(MASK, np.inf, x), posinf=5.0), [normal(3, 4)]),
        (lambda x, v: np.nan_to_num(with_nans(x), nan=v), [normal(3, 4), fixed(0.5)]),
    ],
    # ---- shape and construction
    "append": [
        (lambda a, b: np.append(a, b), [normal(2, 3), normal(4)]),
        (lambda a, b: np.append(a, b, axis=0), [normal(2, 3), normal(1, 3)]),
    ],
    "column_stack": [(lambda a, b, c: np.column_stack([a, b, c]), [normal(3), normal(3, 2), normal(3)])],
    "dstack": [(lambda a, b, c: np.dstack([a, b, c]), [normal(2, 3), normal(2, 3, 2), normal(2, 3)])],
    "atleast": [
        (lambda a: np.atleast_3d(a) * 2.0, [normal()]),
        (lambda a: np.atleast_3d(a) * 2.0, [normal(3)]),
        (lambda a: np.atleast_3d(a) * 2.0, [normal(2, 3)]),
        (lambda a, b: np.atleast_1d(a, b)[0] * np.atleast_2d(b), [normal(), normal(3)]),
    ],
    "splits": [
        (lambda a: np.hsplit(a, 3)[1] * 2.0, [normal(2, 6)]),
        (lambda a: np.hsplit(a, [1, 4])[2] * 2.0, [normal(6)]),
        (lambda a: np.vsplit(a, 2)[0] ** 2, [normal(4, 3)]),
        (lambda a: np.dsplit(a, [1])[1] ** 2, [normal(2, 2, 3)]),
        (lambda a: np.concatenate([p**2 for p in np.array_split(a, 3, axis=1)], axis=1), [normal(2, 7)]),
        (lambda a: np.array_split(a, 4)[3] * 3.0, [normal(5)]),
    ],
    "rollaxis": [
        (lambda a: np.rollaxis(a, 2) ** 2, [normal(2, 3, 4)]),
        (lambda a: np.rollaxis(a, 0, 3) ** 2, [normal(2, 3, 4)]),
        (lambda a: np.rollaxis(a, -1, 1) ** 2, [normal(2, 3, 4)]),
    ],
    "flips": [
        (lambda a: np.flipud(a) * a, [normal(3, 2)]),
        (lambda a: np.fliplr(a) * a, [normal(3, 2)]),
        (lambda a: np.rot90(a) ** 2, [normal(2, 3)]),
        (lambda a: np.rot90(a, 2) * a, [normal(2, 3)]),
        (lambda a: np.rot90(a, -1, axes=(1, 2)) ** 2, [normal(2, 3, 4)]),
    ],
    "kron": [
        (np.kron, [normal(2, 3), normal(2, 2)]),
        (np.kron, [normal(3), normal(2, 2)]),
        (np.kron, [normal(), normal(3)]),
    ],
    "diff": [
        (np.diff, [normal(5)]),
        (lambda a: np.diff(a, n=2, axis=0), [normal(4, 3)]),
        (lambda a, b: np.diff(a, prepend=b, append=0.5), [normal(2, 3), normal(2, 1)]),
        (lambda a: np.diff(a, n=0), [normal(3)]),
    ],
    "ediff1d": [
        (np.ediff1d, [normal(2, 3)]),
        (lambda a, b: np.ediff1d(a, to_end=b, to_begin=[-1.0, 2.0]), [normal(4), normal(2)]),
    ],
    "gradient": [
        (np.gradient, [normal(5)]),
        (lambda f: np.gradient(f, 0.5, edge_order=2), [normal(5)]),
        (lambda f: np.stack(np.gradient(f)), [normal(3, 4)]),
        (lambda f: np.gradient(f, 2.0, axis=1), [normal(3, 4)]),
        (lambda f, x: np.gradient(f, x), [normal(5), increasing(5)]),
        (lambda f, x: np.gradient(f, x, edge_order=2), [normal(5), increasing(5)]),
        (lambda f, x: np.gradient(f, x, axis=1, edge_order=2), [normal(2, 4), increasing(4)]),
        (lambda f, h: np.stack(np.gradient(f, 1.0, h)), [normal(3, 4), fixed(0.7)]),
    ],
    "trapezoid": [
        (np.trapezoid, [normal(5)]),
        (lambda y, x: np.trapezoid(y, x), [normal(2, 5), increasing(5)]),
        (lambda y, dx: np.trapezoid(y, dx=dx, axis=0), [normal(4, 3), fixed(0.3)]),
        (lambda y, x: np.trapezoid(y, x, axis=0),
         [normal(4, 3), lambda r: np.cumsum(r.uniform(0.5, 1, (4, 3)), 0)]),
    ],
    "interp": [
        (lambda x, xp, fp: np.interp(x, xp, fp), [uniform(0.6, 4.0, 6), increasing(4), normal(4)]),
        (lambda x, fp: np.interp(x, [0.0, 1.0, 2.0], fp, left=-2.0, right=fp[0] * 3),
         [fixed([-0.5, 0.3, 1.7, 2.5]), normal(3)]),
        (lambda x, fp: np.interp(x, [0.0, 1.0, 2.5, 3.5], fp, period=4.0),
         [fixed([-0.7, 0.3, 3.8, 5.2, 9.1]), normal(4)]),
        (lambda x: np.interp(x, [0.0, 1.0, 2.5], [1.0, 3.0, -1.0]), [uniform(0.1, 2.4, 2, 3)]),
    ],
    "convolve": [
        (np.convolve, [normal(5), normal(3)]),
        (lambda a, v: np.convolve(a, v, "same"), [normal(3), normal(5)]),
        (lambda a, v: np.convolve(a, v, "valid"), [normal(6), normal(4)]),
        (lambda a, v: np.correlate(a, v), [normal(6), normal(4)]),
        (lambda a, v: np.correlate(a, v, "same"), [normal(4), normal(5)]),
        (lambda a, v: np.correlate(a, v, "full"), [normal(2), normal(5)]),
    ],
    "polyval": [
        (np.polyval, [normal(4), normal(2, 3)]),
        (lambda p: np.polyval(p, np.array([0.5, -1.2])), [normal(3)]),
        (lambda x: np.polyval(np.poly1d([1.0, -2.0, 0.5]), x), [normal(3)]),
    ],
    "samples": [
        (lambda a, b: np.linspace(a, b, 5), [fixed(0.3), fixed(2.0)]),
        (lambda a, b: np.linspace(a, b, 4, endpoint=False, axis=1), [normal(2), normal(2)]),
        (lambda a, b: np.linspace(a, b, 3, retstep=True)[1] * np.linspace(a, b, 1), [normal(), normal()]),
        (lambda a, b: np.geomspace(a, b, 5), [fixed(0.3), fixed(2.0)]),
        (lambda a, b: np.geomspace(a, b, 4, endpoint=False), [fixed([-0.5, 2.0]), fixed([-3.0, 0.7])]),
        (lambda a, b: np.logspace(a, b, 4, base=2.0), [fixed(0.3), fixed(1.5)]),
    ],
    "meshgrid": [
        (lambda a, b: np.stack(np.meshgrid(a, b)) ** 2, [normal(3), normal(2)]),
        (lambda a, b, c: np.meshgrid(a, b, c, indexing="ij")[2] * np.meshgrid(a, b, c, indexing="ij")[0],
         [normal(2), normal(3), normal(2)]),
        (lambda a, b: np.meshgrid(a, b, sparse=True)[1] * 2.0, [normal(3), normal(2)]),
    ],
    "select": [
        (lambda x: np.select([x > 0.5, x < -0.5], [x**2, np.sin(x)], 0.5 * x), [normal(3, 4)]),
        (lambda x, d: np.select([x > 0], [x], d), [normal(3), normal(2, 1)]),
    ],
    "einsum sublists": [
        (lambda a, b: np.einsum(a, [0, 1], b, [1, 2], [0, 2]), [normal(2, 3), normal(3, 2)]),
        (lambda a, b: np.einsum(a, [Ellipsis, 0], b, [0]), [normal(2, 2, 3), normal(3)]),
        (lambda a: np.einsum(a, [0, 0]), [normal(3, 3)]),
    ],
    # ---- statistics
    "median": [
        (np.median, [distinct(2, 3)]),
        (lambda x: np.median(x, axis=1), [distinct(3, 4)]),
        (lambda x: np.median(x, axis=(0, 2), keepdims=True), [distinct(2, 3, 3)]),
    ],
    "quantile": [
        (lambda x: np.quantile(x, 0.3), [distinct(7)]),
        (lambda x: np.quantile(x, [0.1, 0.5, 0.95], axis=0), [distinct(5, 2)]),
        (lambda x: np.percentile(x, [[20, 40], [60, 80]], axis=1, keepdims=True), [distinct(2, 5)]),
        *[(lambda x, m=m: np.quantile(x, 0.37, axis=-1, method=m), [distinct(2, 6)]) for m in
          ("weibull", "hazen", "median_unbiased", "normal_unbiased", "interpolated_inverted_cdf",
           "lower", "higher", "nearest", "midpoint", "inverted_cdf", "averaged_inverted_cdf",
           "closest_observation")],
    ],
    "nan-quantiles": [
        (lambda x: np.nanmedian(with_nans(x), axis=1), [distinct(3, 4)]),
        (lambda x: np.nanmedian(with_nans(x)), [distinct(3, 4)]),
        (lambda x: np.nanquantile(with_nans(x), [0.25, 0.8], axis=1, keepdims=True), [distinct(3, 4)]),
        (lambda x: np.nanpercentile(with_nans(x), 60, axis=0, method="hazen"), [distinct(3, 4)]),
    ],
    "nan-reductions": [
        (lambda x: np.nansum(with_nans(x)), [normal(3, 4)]),
        (lambda x: np.nansum(with_nans(x), axis=1, keepdims=True), [normal(3, 4)]),
        (lambda x: np.nanmean(with_nans(x), axis=0), [normal(3, 4)]),
        (lambda x: np.nanprod(with_nans(x), axis=1), [normal(3, 4)]),
        (lambda x: np.nanmax(with_nans(x), axis=1), [distinct(3, 4)]),
        (lambda x: np.nanmin(with_nans(x)), [distinct(3, 4)]),
        (lambda x: np.nanvar(with_nans(x), axis=1), [normal(3, 4)]),
        (lambda x: np.nanvar(with_nans(x), ddof=1), [normal(3, 4)]),
        (lambda x: np.nanstd(with_nans(x), axis=1, ddof=1), [normal(3, 4)]),
        (lambda x: np.nancumsum(with_nans(x), axis=1), [normal(3, 4)]),
        (lambda x: np.nancumprod(with_nans(x)), [normal(3, 4)]),
        (lambda x: np.nanmean(x, axis=1), [normal(3, 4)]),  # no NaN at all
    ],
    "average": [
        (np.average, [normal(2, 3)]),
        (lambda a, w: np.average(a, weights=w), [normal(2, 3), uniform(0.5, 1.5, 2, 3)]),
        (lambda a, w: np.average(a, axis=1, weights=w), [normal(2, 3), uniform(0.5, 1.5, 3)]),
        (lambda a, w: np.average(a, axis=0, weights=w, keepdims=True), [normal(2, 3), uniform(0.5, 1.5, 2)]),
        (lambda a, w: np.stack(np.average(a, axis=1, weights=w, returned=True)),
         [normal(2, 3), uniform(1, 2, 3)]),
        (lambda a, w: np.average(a, axis=(2, 0), weights=w), [normal(2, 3, 4), uniform(0.5, 1.5, 4, 2)]),
    ],
    "cov": [
        (np.cov, [normal(3, 5)]),
        (lambda m: np.cov(m, rowvar=False), [normal(5, 2)]),
        (lambda m, y: np.cov(m, y), [normal(5), normal(5)]),
        (lambda m: np.cov(m, bias=True), [normal(2, 4)]),
        (lambda m: np.cov(m, ddof=2), [normal(2, 4)]),
        (lambda m: np.cov(m, fweights=[1, 2, 1, 3]), [normal(2, 4)]),
        (lambda m, w: np.cov(m, aweights=w), [normal(2, 4), uniform(0.5, 2, 4)]),
        (lambda m, w: np.cov(m, fweights=[2, 1, 1, 1], aweights=w, ddof=1),
         [normal(2, 4), uniform(0.5, 2, 4)]),
    ],
    "corrcoef": [
        (np.corrcoef, [normal(3, 5)]),
        (lambda x, y: np.corrcoef(x, y), [normal(5), normal(5)]),
        (lambda x: np.corrcoef(x, rowvar=False), [normal(6, 2)]),
    ],
    "ptp": [
        (np.ptp, [lambda r: r.permutation(6).reshape(2, 3) * 1.0]),
        (lambda x: np.ptp(x, axis=0, keepdims=True), [lambda r: r.permutation(6).reshape(2, 3) * 1.0]),
    ],
}  # fmt: skip

PARAMS = [pytest.param(name, k, id=f"{name}-{k}") for name in CASES for k in range(len(CASES[name]))]


def _arguments(name: str, case: int) -> tuple[Callable[..., Any], list[Any]]:
    f, makers = CASES[name][case]
    rng = np.random.default_rng(zlib.crc32(f"{name}/{case}".encode()))
    return f, [m(rng) for m in makers]


def _leaves(value: Any) -> list[np.ndarray]:
    if isinstance(value, tuple | list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [np.asarray(getattr(value, "data", value))]


@pytest.mark.parametrize(("name", "case"), PARAMS)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_values(name: str, case: int) -> None:
    f, args = _arguments(name, case)
    want = _leaves(f(*args))
    reverse = _leaves(cr.vjp(f, *args)[0])
    forward = _leaves(cr.jvp(f, tuple(args), tuple(np.zeros_like(a) for a in args))[0])
    for got in (reverse, forward):
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize(("name", "case"), PARAMS)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_derivatives(name: str, case: int) -> None:
    f, args = _arguments(name, case)
    check_grads(f, *args)


@pytest.mark.parametrize("method", QUANTILE_METHODS)
def test_quantile_weights_rebuild_numpys_quantile(method: str) -> None:
    """The rule's weights of the sorted entries, for every method, size and q, give NumPy's quantile."""
    rng = np.random.default_rng(zlib.crc32(method.encode()))
    for n in range(1, 10):
        ordered = np.sort(rng.standard_normal(n))
        for q in np.linspace(0, 1, 41):
            weights = position_weights(np.array([n]), q, method, n)[0]
            assert weights.sum() == pytest.approx(1.0)
            assert weights @ ordered == pytest.approx(np.quantile(ordered, q, method=method), abs=1e-14)
