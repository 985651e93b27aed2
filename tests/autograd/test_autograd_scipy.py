"""chainrule.autograd.scipy: HIPS autograd's SciPy wrappers give SciPy's values and derivatives that match
finite differences (both modes, second order), raise where a derivative is not implemented, and agree with
HIPS autograd's own wrappers (the oracle test)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

sp_special = pytest.importorskip("scipy.special")
sp_stats = pytest.importorskip("scipy.stats")
sp_signal = pytest.importorskip("scipy.signal")
sp_linalg = pytest.importorskip("scipy.linalg")

import chainrule as cr  # noqa: E402
from chainrule.autograd import grad  # noqa: E402
from chainrule.autograd.scipy import integrate, linalg, misc, signal, special, stats  # noqa: E402
from chainrule.testing import check_grads  # noqa: E402

rng = np.random.default_rng(7)
X = rng.standard_normal((4, 3))
LOC = rng.standard_normal((1, 3))
SCALE = rng.uniform(0.6, 2.0, (4, 1))
POSITIVE = rng.uniform(0.5, 3.0, (4, 3))
SHAPE = rng.uniform(1.2, 3.0, (1, 3))
UNIT = rng.uniform(0.15, 0.85, (4, 3))


def _sym(c: Any) -> Any:
    return 0.5 * (c + np.swapaxes(c, -1, -2))


def _psd(n: int) -> Any:
    m = rng.standard_normal((n, n))
    return m @ m.T + np.eye(n)


# ---------------------------------------------------------------- special functions

# name: (function of the traced arguments, the arguments)
SPECIAL: dict[str, tuple[Callable[..., Any], tuple[Any, ...]]] = {
    "polygamma": (lambda x: special.polygamma(2, x), (POSITIVE,)),
    "multigammaln": (lambda a: special.multigammaln(a, 3), (POSITIVE + 1.5,)),
    "jn": (lambda x: special.jn(2, x) + special.jv(1.5, x), (POSITIVE,)),
    "j0 j1": (lambda x: special.j0(x) * special.j1(x), (POSITIVE,)),
    "y0 y1 yn": (lambda x: special.y0(x) + special.y1(x) * special.yn(2, x), (POSITIVE,)),
    "gammasgn rgamma": (
        lambda x: special.gammasgn(x) * special.rgamma(x),
        (np.array([-2.6, -1.4, -0.5, 0.7, 1.9, 3.2]),),
    ),
    "gammainc": (lambda x: special.gammainc(SHAPE, x) + special.gammaincc(1.5, x), (POSITIVE,)),
    "betainc": (lambda x: special.betainc(SHAPE, 2.5, x), (UNIT,)),
    "stdtr": (lambda t: special.stdtr(SHAPE + 1.0, t), (X,)),
    "beta betaln": (lambda a, b: special.beta(a, b) + special.betaln(a, b), (POSITIVE, SHAPE)),
    "psi digamma gamma gammaln": (
        lambda x: special.psi(x) * special.digamma(x) + special.gamma(x) - special.gammaln(x),
        (POSITIVE,),
    ),
    "bessel i": (
        lambda x: special.i0(x) + special.i1(x) + special.iv(2.5, x) + special.ive(1.5, x),
        (POSITIVE,),
    ),
    "erf": (lambda x: special.erf(x) + special.erfc(x) * special.erfinv(x / 3), (X,)),
    "logit expit": (lambda p: special.logit(p) * special.expit(p), (UNIT,)),
    "logsumexp": (lambda a: special.logsumexp(a, axis=0), (X,)),
    "logsumexp b": (lambda a, b: special.logsumexp(a, axis=1, b=b, keepdims=True), (X, POSITIVE)),
    "logsumexp sign": (lambda a: special.logsumexp(a, b=X, return_sign=True)[0], (X,)),
    "softmax": (lambda x: special.softmax(x, axis=1) * special.log_softmax(x), (X,)),
    "misc logsumexp": (lambda a: misc.logsumexp(a, axis=(0, 1)), (X,)),
}


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_derivatives(name: str) -> None:
    f, args = SPECIAL[name]
    check_grads(f, *args)


def test_special_values_are_scipys() -> None:
    for n in ("erf", "gamma", "gammaln", "psi", "i0", "j0", "y1", "expit", "rgamma", "gammasgn"):
        assert getattr(special, n) is getattr(sp_special, n)  # SciPy's ufuncs, dispatching
    np.testing.assert_allclose(special.polygamma(2, POSITIVE), sp_special.polygamma(2, POSITIVE), rtol=1e-14)
    np.testing.assert_allclose(
        special.multigammaln(POSITIVE + 1.5, 3), sp_special.multigammaln(POSITIVE + 1.5, 3)
    )
    np.testing.assert_allclose(special.jn(3, POSITIVE), sp_special.jn(3, POSITIVE), rtol=1e-14)
    for options in ({}, {"axis": 0}, {"axis": (0, 1), "keepdims": True}, {"b": POSITIVE, "axis": 1}):
        np.testing.assert_allclose(special.logsumexp(X, **options), sp_special.logsumexp(X, **options))
        traced = cr.jvp(lambda a: special.logsumexp(a, **options), (X,), (X,))[0]  # noqa: B023
        np.testing.assert_allclose(traced, sp_special.logsumexp(X, **options))
    value, sign = special.logsumexp(X, b=X, axis=1, return_sign=True)
    want_value, want_sign = sp_special.logsumexp(X, b=X, axis=1, return_sign=True)
    np.testing.assert_allclose(value, want_value)
    np.testing.assert_array_equal(sign, want_sign)
    np.testing.assert_allclose(special.softmax(X), sp_special.softmax(X))
    assert special.kv(1.0, 2.0) == sp_special.kv(1.0, 2.0)  # the rest of scipy.special, on numbers


def test_the_scipy_ufuncs_dispatch_outside_the_drop_in_too() -> None:
    # the new rows are scipy.special's own functions on traced values, in plain chainrule code
    assert cr.grad(sp_special.j0)(1.3) == pytest.approx(-sp_special.j1(1.3))
    assert cr.grad(lambda x: sp_special.gammainc(2.0, x))(1.5) == pytest.approx(1.5 * np.exp(-1.5))
    slope = cr.grad(lambda x: sp_special.betainc(2.0, 3.0, x))(0.4)
    assert slope == pytest.approx(0.4 * 0.6**2 / sp_special.beta(2.0, 3.0))
    # 1/Gamma at its zeros x = -n: the slope (-1)^n n!, where -psi(x)/Gamma(x) would be 0 * inf
    np.testing.assert_allclose(
        cr.grad(lambda x: np.sum(sp_special.rgamma(x)))(-np.arange(4.0)), [1, -1, 2, -6]
    )
    check_grads(sp_special.rgamma, np.array([-2.5, -1.2, -0.4, 0.0, -1.0]))


def test_derivatives_without_a_rule_raise_naming_them() -> None:
    with pytest.raises(cr.UnsupportedOperationError, match=r"gammainc\(a, x\) with respect to a"):
        grad(lambda a: special.gammainc(a, 1.0))(2.0)
    with pytest.raises(cr.UnsupportedOperationError, match="betainc"):
        cr.jvp(lambda b: special.betainc(1.0, b, 0.3), (2.0,), (1.0,))
    with pytest.raises(cr.UnsupportedOperationError, match=r"stdtr\(df, t\) with respect to df"):
        grad(lambda df: stats.t.cdf(0.3, df))(3.0)
    with pytest.raises(cr.UnsupportedOperationError, match="order v"):
        grad(lambda v: special.jv(v, 2.0))(1.0)
    with pytest.raises(NotImplementedError, match=r"scipy\.special\.kv"):
        grad(lambda x: special.kv(1.0, x))(2.0)
    with pytest.raises(ValueError, match="positive integer"):
        special.multigammaln(3.0, 1.5)


# ---------------------------------------------------------------- distributions

STATS: dict[str, tuple[Callable[..., Any], Callable[..., Any], tuple[Any, ...]]] = {
    # name: (ours, SciPy's, arguments)
    **{
        f"norm.{n}": (getattr(stats.norm, n), getattr(sp_stats.norm, n), (X, LOC, SCALE))
        for n in ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf")
    },
    "norm.ppf": (stats.norm.ppf, sp_stats.norm.ppf, (UNIT, LOC, SCALE)),
    "norm.isf": (stats.norm.isf, sp_stats.norm.isf, (UNIT, LOC, SCALE)),
    "t.pdf": (stats.t.pdf, sp_stats.t.pdf, (X, SHAPE + 1.0, LOC, SCALE)),
    "t.logpdf": (stats.t.logpdf, sp_stats.t.logpdf, (X, SHAPE + 1.0, LOC, SCALE)),
    "gamma.pdf": (stats.gamma.pdf, sp_stats.gamma.pdf, (POSITIVE, SHAPE, 0.2, SCALE)),
    "gamma.logpdf": (stats.gamma.logpdf, sp_stats.gamma.logpdf, (POSITIVE, SHAPE, 0.2, SCALE)),
    "chi2.pdf": (stats.chi2.pdf, sp_stats.chi2.pdf, (POSITIVE, SHAPE * 2)),
    "chi2.logpdf": (stats.chi2.logpdf, sp_stats.chi2.logpdf, (POSITIVE, SHAPE * 2, -0.1, SCALE)),
    "beta.pdf": (stats.beta.pdf, sp_stats.beta.pdf, (UNIT, SHAPE, SCALE + 1.0)),
    "beta.logpdf": (stats.beta.logpdf, sp_stats.beta.logpdf, (UNIT, SHAPE, SCALE + 1.0, -0.1, 1.2)),
}
# the distribution functions, differentiable in the point, loc and scale but not the shapes
CDFS: dict[str, tuple[Callable[..., Any], Callable[..., Any], tuple[Any, ...], tuple[Any, ...]]] = {
    # name: (ours, SciPy's, shapes, (x, loc, scale))
    "t.cdf": (stats.t.cdf, sp_stats.t.cdf, (SHAPE + 1.0,), (X, LOC, SCALE)),
    "t.logcdf": (stats.t.logcdf, sp_stats.t.logcdf, (SHAPE + 1.0,), (X, LOC, SCALE)),
    "gamma.cdf": (stats.gamma.cdf, sp_stats.gamma.cdf, (SHAPE,), (POSITIVE, 0.2, SCALE)),
    "chi2.cdf": (stats.chi2.cdf, sp_stats.chi2.cdf, (SHAPE * 2,), (POSITIVE, 0.2, SCALE)),
    "beta.cdf": (stats.beta.cdf, sp_stats.beta.cdf, (SHAPE, SCALE + 1.0), (UNIT, -0.1, 1.3)),
}


@pytest.mark.parametrize("name", sorted(STATS))
def test_distribution_values_and_derivatives(name: str) -> None:
    ours, theirs, args = STATS[name]
    np.testing.assert_allclose(ours(*args), theirs(*args), rtol=1e-11)
    check_grads(ours, *args)


@pytest.mark.parametrize("name", sorted(CDFS))
def test_distribution_functions(name: str) -> None:
    ours, theirs, shapes, (x, loc, scale) = CDFS[name]
    np.testing.assert_allclose(ours(x, *shapes, loc, scale), theirs(x, *shapes, loc, scale), rtol=1e-11)
    check_grads(lambda x, loc, scale: ours(x, *shapes, loc, scale), x, np.asarray(loc), np.asarray(scale))


def test_outside_the_support_and_bad_parameters_give_scipys_values() -> None:
    x = np.array([-1.0, 0.0, 0.5, 1.0, 1.5])
    for ours, theirs, args in [
        (stats.gamma.logpdf, sp_stats.gamma.logpdf, (np.array([[0.5], [1.0], [2.0], [-1.0]]),)),
        (stats.gamma.cdf, sp_stats.gamma.cdf, (2.0,)),
        (stats.beta.logpdf, sp_stats.beta.logpdf, (np.array([[0.5], [1.0], [2.0]]), 1.0)),
        (stats.beta.cdf, sp_stats.beta.cdf, (2.0, 0.5)),
        (stats.chi2.logpdf, sp_stats.chi2.logpdf, (2.0,)),
        (stats.norm.logpdf, sp_stats.norm.logpdf, (0.0, np.array([[1.0], [0.0], [-1.0]]))),
        (stats.t.logpdf, sp_stats.t.logpdf, (np.array([[3.0], [-1.0]]),)),
    ]:
        with np.errstate(all="ignore"):
            np.testing.assert_allclose(ours(x, *args), theirs(x, *args), rtol=1e-12)
    k = np.array([-1.0, 0.0, 2.0, 2.5, 7.0])
    for name in ("pmf", "logpmf", "cdf"):
        for mu in (0.0, 1.7, np.array([[0.5], [3.0]])):
            want = getattr(sp_stats.poisson, name)(k, mu)
            np.testing.assert_allclose(getattr(stats.poisson, name)(k, mu), want, rtol=1e-12)
        np.testing.assert_allclose(
            getattr(stats.poisson, name)(k, 2.0, loc=1), getattr(sp_stats.poisson, name)(k, 2.0, loc=1)
        )


@pytest.mark.parametrize("name", ["pmf", "logpmf", "cdf"])
def test_poisson(name: str) -> None:
    k = np.round(X**2 * 3)
    check_grads(lambda mu: getattr(stats.poisson, name)(k, mu), SCALE)
    with pytest.raises(cr.UnsupportedOperationError, match="k is a count"):
        grad(lambda k: getattr(stats.poisson, name)(k, 2.0))(3.0)


def test_dirichlet() -> None:
    alpha = np.array([1.5, 2.0, 2.5, 3.0])
    point = np.array([0.2, 0.3, 0.1, 0.4])
    points = np.array([[0.2, 0.3, 0.25], [0.3, 0.2, 0.25], [0.1, 0.2, 0.25], [0.4, 0.3, 0.25]])
    for x in (point, points, points[:-1]):
        np.testing.assert_allclose(stats.dirichlet.logpdf(x, alpha), sp_stats.dirichlet.logpdf(x, alpha))
        np.testing.assert_allclose(stats.dirichlet.pdf(x, alpha), sp_stats.dirichlet.pdf(x, alpha))
    check_grads(lambda x, a: stats.dirichlet.pdf(x / np.sum(x), a), point, alpha)
    check_grads(lambda x, a: stats.dirichlet.logpdf(x, a), points[:-1], alpha)
    with pytest.raises(ValueError, match="simplex"):
        stats.dirichlet.logpdf(point * 1.1, alpha)
    assert stats.dirichlet.rvs(alpha, size=2, random_state=0).shape == (2, 4)


def test_multivariate_normal() -> None:
    mvn, theirs = stats.multivariate_normal, sp_stats.multivariate_normal
    mean, cov = rng.standard_normal(4), _psd(4)
    points = rng.standard_normal((5, 4))
    for x, m, c in [
        (points, mean, cov),
        (points[0], mean, cov),
        (points[None, :2], mean, cov),
        (points, mean, np.diag(cov)),
        (points[:, 0], 0.5, 2.0),
        (points[:, :1], None, 2.0),
    ]:
        np.testing.assert_allclose(mvn.logpdf(x, m, c), theirs.logpdf(x, m, c))
        np.testing.assert_allclose(mvn.pdf(x, m, c), theirs.pdf(x, m, c))
    np.testing.assert_allclose(mvn.entropy(mean, cov), theirs.entropy(mean, cov))
    check_grads(lambda x, m, c: mvn.logpdf(x, m, _sym(c)), points, mean, cov)
    check_grads(lambda x, m, c: mvn.pdf(x, m, _sym(c)), points[0], mean, cov)
    check_grads(lambda c: mvn.entropy(mean, _sym(c)), cov)
    with pytest.raises(ValueError, match="positive definite"):
        mvn.logpdf(points, mean, np.diag([1.0, 1.0, 0.0, 0.0]))


def test_multivariate_normal_with_a_singular_covariance() -> None:
    mvn, theirs = stats.multivariate_normal, sp_stats.multivariate_normal
    cov = np.diag([1.0, 2.0, 0.0, 0.0])
    points = np.array([[0.3, -0.2, 0.0, 0.0], [0.1, 0.1, 0.5, 0.0]])  # the second is off the support
    np.testing.assert_allclose(
        mvn.logpdf(points, None, cov, allow_singular=True),
        theirs.logpdf(points, None, cov, allow_singular=True),
    )
    np.testing.assert_allclose(mvn.entropy(None, cov), theirs.entropy(None, cov))

    def on_support(x: Any, m: Any) -> Any:
        zeros = np.zeros(2)
        return mvn.logpdf(np.concatenate([x, zeros]), np.concatenate([m, zeros]), cov, allow_singular=True)

    check_grads(on_support, points[0, :2], np.array([0.5, -0.5]))
    with pytest.raises(cr.UnsupportedOperationError, match="singular covariance"):
        grad(lambda c: mvn.logpdf(points[0], None, c, allow_singular=True))(cov)


# ---------------------------------------------------------------- convolution


@pytest.mark.parametrize("mode", ["full", "valid", "same"])
@pytest.mark.parametrize(
    ("shape_a", "shape_b"), [((5,), (3,)), ((3,), (6,)), ((4, 3), (2, 2)), ((3, 5), (4, 2))]
)
def test_convolve_is_scipys(mode: str, shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> None:
    a, b = rng.standard_normal(shape_a), rng.standard_normal(shape_b)
    try:
        want = sp_signal.convolve(a, b, mode)
    except ValueError:
        with pytest.raises(ValueError, match="valid"):
            signal.convolve(a, b, mode=mode)
        return
    np.testing.assert_allclose(signal.convolve(a, b, mode=mode), want, atol=1e-12)
    check_grads(lambda a, b: signal.convolve(a, b, mode=mode), a, b)


def test_convolve_over_chosen_axes_with_dot_axes() -> None:
    a, b = rng.standard_normal((2, 5, 4, 3)), rng.standard_normal((2, 4, 2, 3, 2))
    for mode in ("full", "valid"):
        out = signal.convolve(a, b, axes=([1, 2], [2, 4]), dot_axes=([0, 3], [0, 3]), mode=mode)
        want = sum(
            sp_signal.convolve(a[i, :, :, j], b[i, 2, :, j, :], mode) for i in range(2) for j in range(3)
        )
        np.testing.assert_allclose(out[2], want, atol=1e-12)
    np.testing.assert_allclose(
        signal.convolve(a, b, axes=([], []), dot_axes=([0], [0])), np.tensordot(a, b, axes=([0], [0]))
    )
    c, d = rng.standard_normal((3, 3, 2)), rng.standard_normal((3, 2, 3))
    check_grads(lambda c, d: signal.convolve(c, d, axes=([1], [1]), dot_axes=([0], [2]), mode="same"), c, d)


# ---------------------------------------------------------------- linear algebra


def test_sqrtm_and_solve_sylvester() -> None:
    a = _psd(3)
    np.testing.assert_allclose(linalg.sqrtm(a), sp_linalg.sqrtm(a))
    check_grads(linalg.sqrtm, a)
    # a symmetric matrix with negative eigenvalues: a complex square root, and real cotangents for a
    s = np.array([[0.5, 1.2, 0.0], [1.2, -0.3, 0.4], [0.0, 0.4, 1.1]])
    assert linalg.sqrtm(s).dtype.kind == "c"
    check_grads(lambda s: np.real(linalg.sqrtm(_sym(s))) + 2 * np.imag(linalg.sqrtm(_sym(s))), s)
    p, q, r = rng.standard_normal((3, 3)) + 3 * np.eye(3), rng.standard_normal((3, 3)) + 2 * np.eye(3), X[:3]
    np.testing.assert_allclose(linalg.solve_sylvester(p, q, r), sp_linalg.solve_sylvester(p, q, r))
    check_grads(linalg.solve_sylvester, p, q, r)


@pytest.mark.parametrize("trans", [0, "T", 2])
@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("unit_diagonal", [False, True])
def test_solve_triangular(trans: Any, lower: bool, unit_diagonal: bool) -> None:
    t = rng.standard_normal((4, 4)) + 3 * np.eye(4)

    def f(t: Any, b: Any) -> Any:
        return linalg.solve_triangular(t, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)

    for b in (rng.standard_normal(4), rng.standard_normal((4, 2))):
        want = sp_linalg.solve_triangular(t, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)
        np.testing.assert_allclose(cr.jvp(f, (t, b), (t, b))[0], want)
        check_grads(f, t, b)


def test_solve_banded_and_the_rest_of_scipy_linalg() -> None:
    ab = rng.standard_normal((3, 5)) + np.array([[0.0], [4.0], [0.0]])
    b = rng.standard_normal((5, 2))
    f = lambda ab, b: linalg.solve_banded((1, 1), ab, b)  # noqa: E731
    np.testing.assert_allclose(cr.jvp(f, (ab, b), (ab, b))[0], sp_linalg.solve_banded((1, 1), ab, b))
    check_grads(f, ab, b)
    np.testing.assert_allclose(linalg.expm(np.zeros((2, 2))), np.eye(2))  # SciPy's, on numbers
    with pytest.raises(cr.UnsupportedOperationError, match=r"scipy\.linalg\.expm has no derivative rule"):
        grad(lambda a: np.sum(linalg.expm(a)))(np.eye(2))


def test_odeint_integrates_numbers_and_refuses_traced_values() -> None:
    t = np.linspace(0.0, 1.0, 3)
    np.testing.assert_allclose(integrate.odeint(lambda y, t: -y, 1.0, t)[:, 0], np.exp(-t), rtol=1e-6)
    with pytest.raises(NotImplementedError, match="odeint"):
        grad(lambda y0: np.sum(integrate.odeint(lambda y, t: -y, y0, t)))(1.0)


# ---------------------------------------------------------------- against HIPS autograd


def _oracle_cases() -> list[tuple[str, Callable[[Any, Any], Callable[..., Any]], tuple[Any, ...]]]:
    """(name, function of (our or autograd's scipy package, numpy module), arguments)."""
    cov = _psd(3)
    return [
        *[
            (f"norm.{n}", lambda s, xp, n=n: getattr(s.stats.norm, n), (X, LOC, SCALE))
            for n in ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf")
        ],
        ("t.logpdf", lambda s, xp: s.stats.t.logpdf, (X, SHAPE + 1.0, LOC, SCALE)),
        ("t.pdf", lambda s, xp: s.stats.t.pdf, (X, SHAPE + 1.0, LOC, SCALE)),
        ("t.cdf", lambda s, xp: lambda x, loc: s.stats.t.cdf(x, SHAPE + 1.0, loc), (X, LOC)),
        ("gamma.logpdf", lambda s, xp: s.stats.gamma.logpdf, (POSITIVE, SHAPE)),
        ("gamma.cdf", lambda s, xp: lambda x: s.stats.gamma.cdf(x, SHAPE), (POSITIVE,)),
        ("chi2.pdf", lambda s, xp: lambda x: s.stats.chi2.pdf(x, 3.0), (POSITIVE,)),
        ("beta.logpdf", lambda s, xp: s.stats.beta.logpdf, (UNIT, SHAPE, SCALE + 1.0)),
        ("beta.cdf", lambda s, xp: lambda x: s.stats.beta.cdf(x, SHAPE, 2.0), (UNIT,)),
        ("poisson.logpmf", lambda s, xp: lambda mu: s.stats.poisson.logpmf(np.round(X**2), mu), (SCALE,)),
        ("poisson.cdf", lambda s, xp: lambda mu: s.stats.poisson.cdf(np.round(X**2), mu), (SCALE,)),
        ("dirichlet.logpdf", lambda s, xp: s.stats.dirichlet.logpdf, (np.array([0.2, 0.5, 0.3]), SHAPE[0])),
        (
            "multivariate_normal.logpdf",
            lambda s, xp: lambda x, m, c: s.stats.multivariate_normal.logpdf(x, m, 0.5 * (c + c.T)),
            (X, LOC[0], cov),
        ),
        (
            "multivariate_normal.entropy",
            lambda s, xp: lambda c: s.stats.multivariate_normal.entropy(None, c),
            (cov,),
        ),
        ("polygamma", lambda s, xp: lambda x: s.special.polygamma(1, x), (POSITIVE,)),
        ("multigammaln", lambda s, xp: lambda a: s.special.multigammaln(a, 2), (POSITIVE + 1.0,)),
        ("jn yn", lambda s, xp: lambda x: s.special.jn(2, x) * s.special.yn(1, x), (POSITIVE,)),
        ("rgamma", lambda s, xp: s.special.rgamma, (POSITIVE,)),
        (
            "gammainc",
            lambda s, xp: lambda x: s.special.gammainc(1.5, x) + s.special.gammaincc(2.0, x),
            (POSITIVE,),
        ),
        ("betainc", lambda s, xp: lambda x: s.special.betainc(2.0, 1.5, x), (UNIT,)),
        ("logsumexp", lambda s, xp: lambda a: s.special.logsumexp(a, axis=0, b=POSITIVE), (X,)),
        ("convolve", lambda s, xp: lambda a, b: s.signal.convolve(a, b, mode="same"), (X, POSITIVE[:2, :2])),
        ("sqrtm", lambda s, xp: s.linalg.sqrtm, (cov,)),
        ("solve_sylvester", lambda s, xp: s.linalg.solve_sylvester, (cov, cov + 1.0, X[:3])),
        (
            "solve_triangular",
            lambda s, xp: lambda a, b: s.linalg.solve_triangular(a, b, lower=True),
            (cov, X[:3]),
        ),
        (
            "solve_banded",
            lambda s, xp: lambda ab, b: s.linalg.solve_banded((1, 0), ab, b),
            (POSITIVE[:2], X[:3, 0]),
        ),
    ]


@pytest.mark.oracle
def test_gradients_agree_with_hips_autograds_scipy_wrappers() -> None:
    ag = pytest.importorskip("autograd")
    agnp = pytest.importorskip("autograd.numpy")
    ag_scipy = pytest.importorskip("autograd.scipy")
    for module in ("linalg", "stats.dirichlet", "stats.multivariate_normal"):  # not imported by the package
        importlib.import_module(f"autograd.scipy.{module}")

    import chainrule.autograd.scipy as cr_scipy

    for name, make, args in _oracle_cases():
        ours, theirs = make(cr_scipy, np), make(ag_scipy, agnp)
        weights = rng.standard_normal(np.shape(ours(*args)))
        for argnum in range(len(args)):
            got = grad(lambda *a: np.sum(ours(*a) * weights), argnum)(*args)  # noqa: B023
            want = ag.grad(lambda *a: agnp.sum(theirs(*a) * weights), argnum)(*args)  # noqa: B023
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=f"{name}, argument {argnum}")
