"""The multivariate normal distribution, as ``scipy.stats.multivariate_normal``: ``pdf`` and ``logpdf`` of
``(x, mean=None, cov=1, allow_singular=False)``, and ``entropy(mean=None, cov=1)``.

``x``'s last axis holds the components, and the result drops every axis of length 1, as SciPy's does; ``cov``
may be a number (times the identity), a vector (the diagonal) or a matrix. With a covariance of full rank
the log-density is ``-(d log(2 pi) + log det(cov) + (x - mean)^T cov^-1 (x - mean)) / 2``, through
``np.linalg.slogdet`` and ``np.linalg.solve``, differentiable in ``x``, ``mean`` and ``cov``. A singular
covariance (``allow_singular=True``) is SciPy's degenerate distribution on the span of ``cov``: its
pseudo-determinant and pseudo-inverse, ``-inf`` off the span; differentiable in ``x`` and ``mean``, while a
traced singular ``cov`` raises (the rank would change under most perturbations).

Examples
--------
>>> import numpy as np
>>> from chainrule.autograd import grad
>>> from chainrule.autograd.scipy.stats import multivariate_normal as mvn
>>> grad(mvn.logpdf)(np.array([1.0, 2.0]), np.zeros(2), np.diag([1.0, 4.0]))  # -cov^-1 (x - mean)
array([-1. , -0.5])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.autograd.scipy.stats._support import takes_arrays, values
from chainrule.core.primitive import Traced
from chainrule.errors import ChainruleValueError, ShapeError, UnsupportedOperationError

__all__ = ["entropy", "logpdf", "pdf"]

_LOG_2PI = math.log(2.0 * math.pi)
_numpy: Any = np


def _parameters(mean: Any, cov: Any) -> tuple[int, Any, Any]:
    """The dimension, the mean as a vector and the covariance as a matrix, as SciPy reads them."""
    cov_ndim = np.ndim(cov)
    if mean is None:
        dim = 1 if cov_ndim < 2 else np.shape(cov)[0]
        mean = np.zeros(dim)
    else:
        dim = int(np.size(mean))
    if dim == 1:
        mean = _numpy.reshape(mean, (1,))
        cov = _numpy.reshape(cov, (1, 1))
    if np.ndim(mean) != 1 or np.shape(mean)[0] != dim:
        raise ShapeError(
            f"multivariate_normal: mean must be a vector of {dim} entries, not of shape {np.shape(mean)}"
        )
    if np.ndim(cov) == 0:
        cov = cov * np.eye(dim)
    elif np.ndim(cov) == 1:
        cov = _numpy.expand_dims(cov, -1) * np.eye(dim)
    if np.shape(cov) != (dim, dim):
        raise ShapeError(f"multivariate_normal: cov must be of shape {(dim, dim)}, not {np.shape(cov)}")
    return dim, mean, cov


def _quantiles(x: Any, dim: int) -> Any:
    """``x`` with its points along the last axis, as SciPy reads it."""
    if np.ndim(x) == 0:
        return _numpy.reshape(x, (1,))
    if np.ndim(x) == 1:
        return _numpy.reshape(x, (-1, 1) if dim == 1 else (1, -1))
    return x


class _Spectrum:
    """The eigenvalues of the covariance's numbers, and SciPy's cut below which one counts as 0."""

    def __init__(self, cov: Any, allow_singular: bool) -> None:
        self.s, self.u = np.linalg.eigh(values(cov))
        self.eps = 1e6 * np.finfo(float).eps * np.max(np.abs(self.s))
        if np.min(self.s) < -self.eps:
            raise ChainruleValueError("multivariate_normal: cov must be symmetric positive semidefinite")
        self.kept = self.s > self.eps
        self.rank = int(np.sum(self.kept))
        if self.rank < len(self.s) and not allow_singular:
            raise ChainruleValueError(
                "multivariate_normal: when allow_singular is False, cov must be symmetric positive definite"
            )

    @property
    def singular(self) -> bool:
        return self.rank < len(self.s)

    def log_pseudo_determinant(self) -> float:
        return float(np.sum(np.log(self.s[self.kept])))


def _squeezed(out: Any) -> Any:
    """SciPy's results drop every axis of length 1 (a number for one point)."""
    out = _numpy.squeeze(out)
    return out[()] if np.ndim(out) == 0 else out


def _singular_cov(cov: Any, what: str) -> None:
    if isinstance(cov, Traced):
        raise UnsupportedOperationError(
            f"multivariate_normal.{what}: the derivative with respect to a singular covariance is not "
            "implemented (its rank, and so the density's support, changes under most perturbations); pass "
            "cov as plain numbers"
        )


@takes_arrays
def logpdf(x: Any, mean: Any = None, cov: Any = 1, allow_singular: bool = False) -> Any:
    """The log-density at each point of ``x`` (its last axis the components)."""
    dim, mean, cov = _parameters(mean, cov)
    x = _quantiles(x, dim)
    spectrum = _Spectrum(cov, allow_singular)
    dev = x - mean
    if not spectrum.singular:
        points = _numpy.reshape(dev, (-1, dim))
        solved = _numpy.swapaxes(_numpy.linalg.solve(cov, _numpy.swapaxes(points, 0, 1)), 0, 1)
        maha = _numpy.reshape(_numpy.sum(points * solved, axis=-1), np.shape(dev)[:-1])
        logdet = _numpy.linalg.slogdet(cov)[1]
        return _squeezed(-0.5 * (dim * _LOG_2PI + logdet + maha))
    _singular_cov(cov, "logpdf")
    basis = spectrum.u[:, spectrum.kept] / np.sqrt(spectrum.s[spectrum.kept])
    whitened = dev @ basis
    maha = _numpy.sum(whitened * whitened, axis=-1)
    out = -0.5 * (spectrum.rank * _LOG_2PI + spectrum.log_pseudo_determinant() + maha)
    residual = np.linalg.norm(values(dev) @ spectrum.u[:, ~spectrum.kept], axis=-1)
    on_span = residual < 1e3 * spectrum.eps
    return _squeezed(out if np.all(on_span) else _numpy.where(on_span, out, -np.inf))


@takes_arrays
def pdf(x: Any, mean: Any = None, cov: Any = 1, allow_singular: bool = False) -> Any:
    """``exp(logpdf(x, mean, cov, allow_singular))``."""
    return _numpy.exp(logpdf(x, mean, cov, allow_singular))


@takes_arrays
def entropy(mean: Any = None, cov: Any = 1) -> Any:
    """The differential entropy, ``(rank (1 + log(2 pi)) + log det(cov)) / 2`` (the pseudo-determinant for a
    singular ``cov``, as SciPy's)."""
    dim, mean, cov = _parameters(mean, cov)
    spectrum = _Spectrum(cov, allow_singular=True)
    if not spectrum.singular:
        return 0.5 * (dim * (_LOG_2PI + 1.0) + _numpy.linalg.slogdet(cov)[1])
    _singular_cov(cov, "entropy")
    return 0.5 * (spectrum.rank * (_LOG_2PI + 1.0) + spectrum.log_pseudo_determinant())
