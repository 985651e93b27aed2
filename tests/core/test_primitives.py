"""Every primitive, and every NumPy function mapped onto them, checked against finite differences in both
modes to second order, over scalar, vector, matrix and broadcast shapes.

Adding a primitive means adding one row to ``UNARY``, ``BINARY`` or ``OTHER`` below; the completeness test
fails until it has one.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule.core import rules
from chainrule.core.primitive import Primitive
from chainrule.core.rules import assignment, indexing, piecewise, reshaping, scipy_special
from chainrule.testing import check_grads

SHAPES = [(), (3,), (2, 3)]
BROADCAST = [
    ((), ()),
    ((3,), (3,)),
    ((2, 3), (2, 3)),
    ((2, 3), (3,)),
    ((2, 1), (1, 3)),
    ((), (2, 3)),
]


def uniform(lo: float, hi: float) -> Callable[[np.random.Generator, tuple[int, ...]], Any]:
    return lambda rng, s: rng.uniform(lo, hi, size=s)


def away_from_zero(rng: np.random.Generator, s: tuple[int, ...]) -> Any:
    return rng.uniform(0.3, 1.5, size=s) * rng.choice([-1.0, 1.0], size=s)


def special(name: str) -> Callable[..., Any]:
    """``scipy.special.<name>``, looked up when called: only the tests that use SciPy skip without it."""

    def call(*args: Any) -> Any:
        module = pytest.importorskip("scipy.special") if importlib.util.find_spec("scipy") else None
        if module is None:
            pytest.skip("SciPy is not installed")
        return getattr(module, name)(*args)

    return call


# name: (function, domain of the input)
UNARY: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "negative": (np.negative, uniform(-2, 2)),
    "positive": (np.positive, uniform(-2, 2)),
    "reciprocal": (np.reciprocal, uniform(0.5, 2)),
    "square": (np.square, uniform(-2, 2)),
    "sqrt": (np.sqrt, uniform(0.5, 2)),
    "cbrt": (np.cbrt, uniform(0.5, 2)),
    "exp": (np.exp, uniform(-1, 1)),
    "exp2": (np.exp2, uniform(-1, 1)),
    "expm1": (np.expm1, uniform(-1, 1)),
    "log": (np.log, uniform(0.5, 2)),
    "log2": (np.log2, uniform(0.5, 2)),
    "log10": (np.log10, uniform(0.5, 2)),
    "log1p": (np.log1p, uniform(-0.5, 1)),
    "sin": (np.sin, uniform(-2, 2)),
    "cos": (np.cos, uniform(-2, 2)),
    "tan": (np.tan, uniform(-1, 1)),
    "arcsin": (np.arcsin, uniform(-0.7, 0.7)),
    "arccos": (np.arccos, uniform(-0.7, 0.7)),
    "arctan": (np.arctan, uniform(-2, 2)),
    "sinh": (np.sinh, uniform(-1, 1)),
    "cosh": (np.cosh, uniform(-1, 1)),
    "tanh": (np.tanh, uniform(-1, 1)),
    "arcsinh": (np.arcsinh, uniform(-2, 2)),
    "arccosh": (np.arccosh, uniform(1.5, 3)),
    "arctanh": (np.arctanh, uniform(-0.7, 0.7)),
    "absolute": (np.absolute, away_from_zero),
    "sign": (lambda x: np.sign(x) * x, away_from_zero),
    "floor": (lambda x: np.floor(x) + x, uniform(0.1, 0.9)),
    "ceil": (lambda x: np.ceil(x) * x, uniform(0.1, 0.9)),
    "rint": (lambda x: np.rint(x) + x, uniform(0.1, 0.4)),
    "trunc": (lambda x: np.trunc(x) + x, uniform(0.1, 0.9)),
    "astype": (lambda x: x.astype(np.longdouble).astype(np.float64), uniform(-1, 1)),
    "relu": (cr.relu, away_from_zero),
    "sigmoid": (cr.sigmoid, uniform(-3, 3)),
    "softplus": (cr.softplus, uniform(-3, 3)),
    "fabs": (np.fabs, away_from_zero),
    "deg2rad": (np.radians, uniform(-200, 200)),
    "rad2deg": (np.rad2deg, uniform(-2, 2)),
    "sinc": (np.sinc, uniform(-3, 3)),
    "erf": (special("erf"), uniform(-2, 2)),
    "erfc": (special("erfc"), uniform(-2, 2)),
    "erfinv": (special("erfinv"), uniform(-0.9, 0.9)),
    "erfcinv": (special("erfcinv"), uniform(0.1, 1.9)),
    "ndtr": (special("ndtr"), uniform(-3, 3)),
    "ndtri": (special("ndtri"), uniform(0.1, 0.9)),
    "log_ndtr": (special("log_ndtr"), uniform(-5, 3)),
    "gamma": (special("gamma"), uniform(0.5, 3)),
    "gammaln": (special("gammaln"), uniform(0.5, 3)),
    "loggamma": (special("loggamma"), uniform(0.5, 3)),
    "digamma": (special("psi"), uniform(0.5, 3)),
    "logit": (special("logit"), uniform(0.1, 0.9)),
    "entr": (special("entr"), uniform(0.1, 2)),
    "iv": (np.i0, uniform(-3, 3)),
    "ive": (special("i1e"), uniform(0.3, 3)),
    "jv": (lambda x: special("j0")(x) + special("j1")(x), uniform(0.5, 5)),
    "yv": (lambda x: special("y0")(x) * special("yn")(2, x), uniform(0.5, 5)),
    "gammasgn": (lambda x: special("gammasgn")(x) * x, uniform(-2.9, -2.1)),
    "rgamma": (special("rgamma"), uniform(-3, 3)),
}

BINARY: dict[str, tuple[Callable[[Any, Any], Any], Any, Any]] = {
    "add": (np.add, uniform(-2, 2), uniform(-2, 2)),
    "subtract": (np.subtract, uniform(-2, 2), uniform(-2, 2)),
    "multiply": (np.multiply, uniform(-2, 2), uniform(-2, 2)),
    "divide": (np.divide, uniform(-2, 2), uniform(0.5, 2)),
    "power": (np.power, uniform(0.5, 2), uniform(-2, 2)),
    "float_power": (np.float_power, uniform(0.5, 2), uniform(-2, 2)),
    "logaddexp": (np.logaddexp, uniform(-2, 2), uniform(-2, 2)),
    "arctan2": (np.arctan2, uniform(0.5, 2), uniform(0.5, 2)),
    "maximum": (np.maximum, uniform(-2, 2), uniform(-2, 2)),
    "minimum": (np.minimum, uniform(-2, 2), uniform(-2, 2)),
    "fmax": (np.fmax, uniform(-2, 2), uniform(-2, 2)),
    "fmin": (np.fmin, uniform(-2, 2), uniform(-2, 2)),
    "hypot": (np.hypot, uniform(0.5, 2), uniform(-2, 2)),
    "where": (lambda x, y: np.where(np.arange(np.size(x)).reshape(np.shape(x)) % 2 == 0, x, y),
              uniform(-2, 2), uniform(-2, 2)),
    # the operand that is not the step's: its value at the jump (differentiable only there)
    "heaviside": (lambda x, h: np.heaviside(np.round(x), h) * x, uniform(-2, 2), uniform(-2, 2)),
    # x / y stays in (2.1, 2.9): no jump within the finite differences' reach, and d/dy = -2
    "remainder": (lambda x, y: x % y, uniform(2.2, 2.8), uniform(0.97, 1.03)),
    "fmod": (np.fmod, uniform(-2.8, -2.2), uniform(0.97, 1.03)),
    "floor_divide": (lambda x, y: (x // y) * x * y, uniform(2.2, 2.8), uniform(0.97, 1.03)),
    "copysign": (np.copysign, away_from_zero, away_from_zero),
    "logaddexp2": (np.logaddexp2, uniform(-2, 2), uniform(-2, 2)),
    "beta": (special("beta"), uniform(0.5, 3), uniform(0.5, 3)),
    "betaln": (special("betaln"), uniform(0.5, 3), uniform(0.5, 3)),
    "xlogy": (special("xlogy"), uniform(-2, 2), uniform(0.5, 2)),
    "xlog1py": (special("xlog1py"), uniform(-2, 2), uniform(-0.5, 1)),
    "rel_entr": (special("rel_entr"), uniform(0.5, 2), uniform(0.5, 2)),
}  # fmt: skip


def away_from_zero_3(rng: np.random.Generator) -> Any:
    return away_from_zero(rng, (3,))


def spd(rng: np.random.Generator, n: int = 3) -> Any:
    a = rng.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def real_eigenvalues(rng: np.random.Generator, n: int) -> Any:
    """A non-symmetric matrix with eigenvalues 1..n (real and distinct)."""
    q = rng.standard_normal((n, n)) + n * np.eye(n)
    return q @ np.diag(np.arange(1.0, n + 1)) @ np.linalg.inv(q)


def sym(x: Any) -> Any:
    return (x + np.swapaxes(x, -1, -2)) / 2


# name: list of (function, argument makers); each maker gets the generator
OTHER: dict[str, list[tuple[Callable[..., Any], list[Callable[[np.random.Generator], Any]]]]] = {
    "sum": [
        (np.sum, [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.sum(x, axis=0), [lambda r: r.standard_normal((2, 3))]),
        (lambda x: x.sum(axis=(0, 2), keepdims=True), [lambda r: r.standard_normal((2, 3, 2))]),
        (lambda x: np.mean(x, axis=-1), [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.var(x, axis=0, ddof=1), [lambda r: r.standard_normal((4, 3))]),
        (lambda x: np.std(x), [lambda r: r.standard_normal((4, 3))]),
        (lambda x: np.trace(x), [lambda r: r.standard_normal((3, 3))]),
    ],
    "max": [
        (np.max, [lambda r: r.permutation(6).reshape(2, 3) * 1.0]),
        (lambda x: np.amax(x, axis=1, keepdims=True), [lambda r: r.permutation(6).reshape(2, 3) * 1.0]),
    ],
    "min": [(lambda x: np.min(x, axis=0), [lambda r: r.permutation(6).reshape(2, 3) * 1.0])],
    "prod": [
        (np.prod, [lambda r: r.uniform(0.5, 1.5, (2, 3))]),
        (lambda x: np.prod(x, axis=1), [lambda r: r.uniform(0.5, 1.5, (2, 3))]),
    ],
    "cumsum": [
        (np.cumsum, [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.cumsum(x, axis=1), [lambda r: r.standard_normal((2, 3))]),
    ],
    "cumprod": [
        (lambda x: np.cumprod(x, axis=0), [lambda r: r.uniform(0.5, 1.5, (3, 2))]),
        (np.cumprod, [lambda r: np.array([0.5, 0.0, 1.2, 0.8])]),
    ],
    "reshape": [
        (lambda x: np.reshape(x, (3, 2)) * x.reshape(-1)[:2], [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.ravel(x) ** 2, [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.expand_dims(x, 1) ** 2, [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.squeeze(x) ** 2, [lambda r: r.standard_normal((2, 1, 3))]),
    ],
    "transpose": [
        (lambda x: x.T @ x, [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.swapaxes(x, 0, 2) ** 2, [lambda r: r.standard_normal((2, 3, 2))]),
        (lambda x: np.moveaxis(x, 0, -1) ** 2, [lambda r: r.standard_normal((2, 3, 2))]),
    ],
    "broadcast_to": [(lambda x: np.broadcast_to(x, (2, 3)) ** 2, [lambda r: r.standard_normal(3)])],
    "getitem": [
        (lambda x: x[1:, ::2] ** 2, [lambda r: r.standard_normal((3, 4))]),
        (lambda x: x[np.array([0, 2, 0])] ** 2, [lambda r: r.standard_normal((3, 2))]),
        (lambda x: x[np.arange(2), np.array([1, 1])] ** 2, [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.take(x, [2, 0], axis=1) ** 2, [lambda r: r.standard_normal((2, 3))]),
        (lambda x: [a**2 for a in np.split(x, 3)][1], [lambda r: r.standard_normal(6)]),
    ],
    "scatter_add": [
        (lambda g: indexing.scatter_add_p(g, shape=(4,), index=np.array([0, 2, 0]), basic=False) ** 2,
         [lambda r: r.standard_normal(3)]),
    ],
    "concatenate": [
        (lambda a, b: np.concatenate([a, b], axis=1) ** 2,
         [lambda r: r.standard_normal((2, 3)), lambda r: r.standard_normal((2, 1))]),
        (lambda a, b: np.vstack([a, b]) ** 2,
         [lambda r: r.standard_normal(3), lambda r: r.standard_normal(3)]),
        (lambda a, b: np.hstack([a, b]) ** 2,
         [lambda r: r.standard_normal(2), lambda r: r.standard_normal(3)]),
    ],
    "stack": [
        (lambda a, b: np.stack([a, b], axis=1) ** 2,
         [lambda r: r.standard_normal((2, 3)), lambda r: r.standard_normal((2, 3))]),
    ],
    "tile": [(lambda x: np.tile(x, (2, 1, 2)) ** 2, [lambda r: r.standard_normal((2, 3))])],
    "repeat": [
        (lambda x: np.repeat(x, 2, axis=0) ** 2, [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.repeat(x, [1, 0, 3]) ** 2, [lambda r: r.standard_normal(3)]),
    ],
    "reduceat": [
        (lambda g: reshaping.reduceat_p(g, starts=np.array([0, 2]), counts=np.array([2, 3]), axis=0) ** 2,
         [lambda r: r.standard_normal(5)]),
    ],
    "flip": [(lambda x: np.flip(x, axis=1) * x, [lambda r: r.standard_normal((2, 3))])],
    "roll": [(lambda x: np.roll(x, 1, axis=1) * x, [lambda r: r.standard_normal((2, 3))])],
    "pad": [
        (lambda x: np.pad(x, ((1, 0), (0, 2)), constant_values=1.5) ** 2,
         [lambda r: r.standard_normal((2, 3))]),
    ],
    "take_along_axis": [
        (lambda x: np.take_along_axis(x, np.array([[0, 0], [2, 1]]), axis=1) ** 2,
         [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.sort(x, axis=0) * np.arange(3.0), [lambda r: r.standard_normal((4, 3))]),
    ],
    "diagonal": [
        (lambda x: np.diagonal(x, 1) ** 2, [lambda r: r.standard_normal((3, 4))]),
        (lambda x: np.diagonal(x, -1, axis1=0, axis2=2) ** 2, [lambda r: r.standard_normal((3, 2, 3))]),
    ],
    "diag": [
        (lambda x: np.diag(x, 1) ** 2, [lambda r: r.standard_normal(3)]),
        (lambda x: np.diag(x) ** 2, [lambda r: r.standard_normal((3, 3))]),
    ],
    "triu": [(lambda x: np.triu(x, 1) ** 2, [lambda r: r.standard_normal((3, 3))])],
    "tril": [(lambda x: np.tril(x) ** 2, [lambda r: r.standard_normal((3, 4))])],
    "matmul": [
        (np.matmul, [lambda r: r.standard_normal((2, 3)), lambda r: r.standard_normal((3, 2))]),
        (np.matmul, [lambda r: r.standard_normal(3), lambda r: r.standard_normal((2, 3, 2))]),
        (np.matmul, [lambda r: r.standard_normal((2, 2, 3)), lambda r: r.standard_normal(3)]),
        (np.matmul, [lambda r: r.standard_normal(3), lambda r: r.standard_normal(3)]),
        (np.matmul, [lambda r: r.standard_normal((2, 2, 3)), lambda r: r.standard_normal((3, 2))]),
        (np.dot, [lambda r: r.standard_normal((2, 3)), lambda r: r.standard_normal(3)]),
    ],
    "einsum": [
        (lambda a, b: np.einsum("ij,jk->ik", a, b),
         [lambda r: r.standard_normal((2, 3)), lambda r: r.standard_normal((3, 2))]),
        (lambda a: np.einsum("ii->i", a), [lambda r: r.standard_normal((3, 3))]),
        (lambda a, b: np.einsum("...ij,j", a, b),
         [lambda r: r.standard_normal((2, 2, 3)), lambda r: r.standard_normal(3)]),
        (lambda a, b: np.einsum("ij,k->i", a, b),
         [lambda r: r.standard_normal((2, 3)), lambda r: r.standard_normal(2)]),
        (lambda a, b: np.tensordot(a, b, axes=([1, 0], [0, 1])),
         [lambda r: r.standard_normal((2, 3, 2)), lambda r: r.standard_normal((3, 2))]),
        (np.inner, [lambda r: r.standard_normal((2, 3)), lambda r: r.standard_normal(3)]),
        (np.outer, [lambda r: r.standard_normal(2), lambda r: r.standard_normal(3)]),
        (np.vdot, [lambda r: r.standard_normal((2, 2)), lambda r: r.standard_normal((2, 2))]),
        (np.dot, [lambda r: r.standard_normal((2, 2, 3)), lambda r: r.standard_normal((3, 2))]),
    ],
    "inv": [(np.linalg.inv, [spd])],
    "logabsdet": [(lambda a: np.linalg.slogdet(a)[1], [lambda r: r.standard_normal((3, 3))])],
    "solve": [
        (np.linalg.solve, [spd, lambda r: r.standard_normal(3)]),
        (np.linalg.solve, [spd, lambda r: r.standard_normal((3, 2))]),
    ],
    "cholesky": [
        (lambda a: np.linalg.cholesky(sym(a) + 3 * np.eye(3)), [lambda r: r.standard_normal((3, 3))]),
    ],
    "eigh": [
        (lambda a: np.linalg.eigh(sym(a))[0], [lambda r: r.standard_normal((3, 3))]),
        (lambda a: np.abs(np.linalg.eigh(sym(a))[1][0]), [lambda r: r.standard_normal((3, 3))]),
    ],
    "eigvalsh": [(lambda a: np.linalg.eigvalsh(sym(a)), [lambda r: r.standard_normal((3, 3))])],
    # the decompositions: more shapes and options in tests/core/test_linalg.py
    "svd": [(lambda a: np.linalg.svd(a, full_matrices=False)[0] ** 2, [lambda r: r.standard_normal((4, 3))]),
            (lambda a: np.linalg.svd(a)[1], [lambda r: r.standard_normal((3, 3))])],
    "eig": [(lambda a: np.linalg.eig(a)[1] ** 2, [lambda r: real_eigenvalues(r, 3)])],
    "eig values": [(np.linalg.eigvals, [lambda r: real_eigenvalues(r, 3)])],
    "qr": [(lambda a: np.linalg.qr(a)[0] + np.sum(np.linalg.qr(a)[1]),
            [lambda r: r.standard_normal((4, 3))])],
    "pinv": [(np.linalg.pinv, [lambda r: r.standard_normal((3, 4))])],
    "cross": [(np.cross, [lambda r: r.standard_normal((2, 3)), lambda r: r.standard_normal(3)])],
    "norm": [
        (np.linalg.norm, [lambda r: r.standard_normal(3)]),
        (lambda x: np.linalg.norm(x, axis=1), [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.linalg.norm(x, "fro"), [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.linalg.norm(x, 1), [away_from_zero_3]),
        (lambda x: np.linalg.norm(x, np.inf), [lambda r: r.permutation(3) + 1.0]),
    ],
    "pnorm": [
        (lambda x: np.linalg.norm(x, 3), [lambda r: r.uniform(0.5, 1, 3)]),
        (lambda x: np.linalg.norm(x, 1.5, axis=1), [lambda r: r.uniform(0.5, 1, (2, 3))]),
    ],
    "step": [
        # at a tie the step's value is its third operand; elsewhere it is locally constant
        (lambda t: piecewise.step_p(np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0]), t) * t,
         [lambda r: r.uniform(0, 1, 3)]),
        (lambda x, y: piecewise.step_p(x, y, 0.5) * x * y,
         [lambda r: np.array([1.0, 2.0, 3.0]), lambda r: np.array([0.5, 3.0, 1.0])]),
    ],
    "svdvals": [
        (np.linalg.svdvals, [lambda r: r.standard_normal((2, 3, 2))]),
        (lambda x: np.linalg.norm(x, 2), [lambda r: r.standard_normal((3, 2))]),
        (lambda x: np.linalg.norm(x, "nuc"), [lambda r: r.standard_normal((3, 2))]),
        (lambda x: np.linalg.norm(x, -2), [lambda r: r.standard_normal((2, 3))]),
    ],
    "matrix norms": [
        (lambda x: np.linalg.norm(x, 1), [lambda r: np.array([[1.0, -2.0], [0.5, 3.0]])]),
        (lambda x: np.linalg.norm(x, np.inf), [lambda r: np.array([[1.0, -2.0], [0.5, 3.0]])]),
    ],
    "logsumexp": [
        (cr.logsumexp, [lambda r: r.standard_normal((2, 3))]),
        (lambda x: cr.logsumexp(x, axis=1, keepdims=True), [lambda r: r.standard_normal((2, 3))]),
        (lambda x: cr.softmax(x, axis=0), [lambda r: r.standard_normal((2, 3))]),
        (cr.log_softmax, [lambda r: r.standard_normal((2, 3))]),
    ],
    "det": [(np.linalg.det, [lambda r: r.standard_normal((2, 3, 3))]),
            (np.linalg.det, [lambda r: np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])])],
    "clip": [(lambda x: np.clip(x, -0.5, 0.5) * x, [lambda r: np.array([-1.0, 0.2, 0.7, -0.3])])],
    "quantile": [
        (np.median, [lambda r: r.standard_normal((2, 3))]),
        (lambda x: np.median(x, axis=0, keepdims=True), [lambda r: r.standard_normal((4, 3))]),
        (lambda x: np.quantile(x, [0.2, 0.9], axis=(0, 2)), [lambda r: r.standard_normal((3, 2, 3))]),
        (lambda x: np.percentile(x, 30, axis=1, method="hazen"), [lambda r: r.standard_normal((2, 5))]),
        (lambda x: np.nanmedian(np.where(np.eye(3, 4) > 0, np.nan, x), axis=1),
         [lambda r: r.standard_normal((3, 4))]),
    ],
    "cummax": [
        (lambda x: np.maximum.accumulate(x, axis=1), [lambda r: r.standard_normal((2, 5))]),
        (lambda x: np.minimum.accumulate(x), [lambda r: r.standard_normal((4, 2))]),
    ],
    "interp": [
        (lambda x, fp: np.interp(x, np.array([0.0, 1.0, 2.5, 3.0]), fp),
         [lambda r: r.uniform(0.1, 2.9, 5), lambda r: r.standard_normal(4)]),
        (lambda xp: np.interp(np.array([0.4, 1.7, 3.5]), xp, np.array([1.0, -1.0, 2.0])),
         [lambda r: np.array([0.0, 1.0, 3.0])]),
    ],
    "convolve": [
        (np.convolve, [lambda r: r.standard_normal(5), lambda r: r.standard_normal(3)]),
        (lambda a, v: np.correlate(a, v, "same"),
         [lambda r: r.standard_normal(3), lambda r: r.standard_normal(4)]),
    ],
    "zeta": [(lambda q: special("zeta")(3.0, q), [lambda r: r.uniform(0.5, 2, 3)])],
    "gammainc": [(lambda x: special("gammainc")(np.array([0.5, 1.0, 2.5]), x),
                  [lambda r: r.uniform(0.5, 3, 3)])],
    "gammaincc": [(lambda x: special("gammaincc")(1.5, x), [lambda r: r.uniform(0.5, 3, (2, 3))])],
    "betainc": [(lambda x: special("betainc")(np.array([0.7, 2.0]), 1.5, x),
                 [lambda r: r.uniform(0.2, 0.8, (3, 2))])],
    "stdtr": [(lambda t: special("stdtr")(np.array([1.0, 3.5, 30.0]), t), [lambda r: r.standard_normal(3)])],
    "polygamma": [
        (lambda x: scipy_special.polygamma_p(1.0, x), [lambda r: r.uniform(0.5, 3, 3)]),
        (lambda x: scipy_special.polygamma_p(np.array([0.0, 2.0, 3.0]), x), [lambda r: r.uniform(0.5, 3, 3)]),
    ],
    "index_update": [
        (lambda x, v: assignment.index_update_p(x, v, index=(slice(None), 1), basic=True) ** 2,
         [lambda r: r.standard_normal((2, 3)), lambda r: r.standard_normal(2)]),
        # a repeated advanced index: the last write is the one kept
        (lambda x, v: assignment.index_update_p(x, v, index=np.array([0, 2, 0]), basic=False) * x,
         [lambda r: r.standard_normal(4), lambda r: r.standard_normal(3)]),
    ],
    # finite differences cannot see a stopped derivative, so only of a locally constant value here; what
    # stop_gradient stops is tested in tests/core/test_idioms.py
    "stop_gradient": [(lambda x: cr.stop_gradient(np.floor(x) + 1.0) * x,
                       [lambda r: r.uniform(0.1, 0.9, 3)])],
    # the parts of a complex number, of z = a + ib made from real arrays (every complex primitive's rules
    # against finite differences: tests/core/test_complex.py)
    "real": [(lambda a, b: np.real((a + 1j * b) ** 2), [lambda r: r.standard_normal(3)] * 2),
             (lambda a: np.real(a) * a, [lambda r: r.standard_normal(3)])],
    "imag": [(lambda a, b: np.imag((a + 1j * b) ** 2), [lambda r: r.standard_normal(3)] * 2),
             (lambda a: np.imag(a) + a, [lambda r: r.standard_normal(3)])],
    "conjugate": [(lambda a, b: np.imag(np.conj(a + 1j * b) * (a + 2j * b)),
                   [lambda r: r.standard_normal(3)] * 2)],
    "angle": [(lambda a, b: np.angle((a + 1j * b) ** 3), [lambda r: r.standard_normal(3)] * 2),
              (lambda a, b: np.angle(a + 1j * b, deg=True), [lambda r: r.standard_normal(3)] * 2)],
    # the transforms, over real input here (every option, and complex input: tests/core/test_fft.py)
    "fftn": [(lambda x: np.real(np.fft.fft2(x)) + np.imag(np.fft.fft(x, n=3)),
              [lambda r: r.standard_normal((2, 3))])],
    "ifftn": [(lambda x: np.imag(np.fft.ifftn(x, norm="ortho")), [lambda r: r.standard_normal((2, 3))])],
    "rfftn": [(lambda x: np.imag(np.fft.rfft(x, n=5)) ** 2, [lambda r: r.standard_normal((2, 4))])],
    "irfftn": [(lambda x: np.fft.irfft2(x, s=(2, 5)), [lambda r: r.standard_normal((2, 3))])],
    "astype": [(lambda a, b: np.imag(a.astype(np.complex128) ** 2 * (1 + 2j)) * b,
                [lambda r: r.standard_normal(3)] * 2)],
}  # fmt: skip

NON_DIFFERENTIABLE: set[str] = set()


def all_primitives() -> dict[str, Primitive]:
    prims = {}
    for name in rules.__all__:
        for value in vars(getattr(rules, name)).values():
            if isinstance(value, Primitive):
                prims[value.name] = value
    return prims


def test_every_primitive_has_both_rules_and_a_test_row() -> None:
    rows = set(UNARY) | set(BINARY) | set(OTHER)
    for name, prim in all_primitives().items():
        if name in NON_DIFFERENTIABLE:
            assert prim.vjp is None
            assert prim.jvp is None
            continue
        assert prim.vjp is not None, f"{name} lacks a reverse rule"
        assert prim.jvp is not None, f"{name} lacks a forward rule"
        assert name in rows, f"primitive {name} has no row in the derivative tests"
        assert prim.rule, f"{name} does not name its calculus rule"


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary(name: str, shape: tuple[int, ...]) -> None:
    f, domain = UNARY[name]
    rng = np.random.default_rng(zlib.crc32(f"{name}{shape}".encode()))
    check_grads(f, domain(rng, shape))


@pytest.mark.parametrize("shapes", BROADCAST, ids=str)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary(name: str, shapes: tuple[tuple[int, ...], tuple[int, ...]]) -> None:
    f, dom_x, dom_y = BINARY[name]
    rng = np.random.default_rng(0)
    check_grads(f, dom_x(rng, shapes[0]), dom_y(rng, shapes[1]))


@pytest.mark.parametrize(("name", "case"), [(n, k) for n in sorted(OTHER) for k in range(len(OTHER[n]))])
def test_other(name: str, case: int) -> None:
    f, makers = OTHER[name][case]
    rng = np.random.default_rng(case)
    check_grads(f, *[m(rng) for m in makers])
