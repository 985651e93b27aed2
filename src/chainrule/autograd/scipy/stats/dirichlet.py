"""The Dirichlet distribution, as ``scipy.stats.dirichlet``: ``pdf`` and ``logpdf`` of ``(x, alpha)``,
differentiable in both, and ``rvs`` (SciPy's sampler: samples carry no derivative).

As in SciPy, ``x``'s first axis holds the components (one point of shape ``(K,)``, or ``K`` rows of points
``(K, N)``), its last component may be left out (it is then one less the sum of the others), and a point
that is not on the simplex raises ``ValueError``.

Examples
--------
>>> import numpy as np
>>> from chainrule.autograd import grad
>>> from chainrule.autograd.scipy.stats import dirichlet
>>> grad(dirichlet.logpdf, 1)(np.array([0.2, 0.8]), np.array([1.0, 1.0]))  # psi(2) - psi(1) + log x
array([-0.60943791,  0.77685645])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.autograd.scipy._scipy import stats as _scipy_stats
from chainrule.autograd.scipy.special import gammaln, xlogy
from chainrule.autograd.scipy.stats._support import takes_arrays, values
from chainrule.errors import ChainruleValueError, ShapeError

__all__ = ["logpdf", "pdf", "rvs"]

_numpy: Any = np
rvs = _scipy_stats.dirichlet.rvs


def _checked(x: Any, alpha: Any) -> Any:
    """``x`` with its last component added if it was left out, after SciPy's checks of ``x`` and ``alpha``."""
    alpha_values, x_values = values(alpha), values(x)
    if alpha_values.ndim != 1:
        raise ShapeError(f"dirichlet: alpha must be one-dimensional, not of shape {alpha_values.shape}")
    if np.any(alpha_values <= 0):
        raise ChainruleValueError("dirichlet: every entry of alpha must be greater than 0")
    k = alpha_values.shape[0]
    if x_values.ndim == 0 or x_values.shape[0] not in (k, k - 1):
        raise ShapeError(
            f"dirichlet: x's first axis must have {k} or {k - 1} entries for {k} alphas, not shape "
            f"{x_values.shape}"
        )
    if x_values.shape[0] == k - 1:
        last = 1.0 - _numpy.sum(x, axis=0, keepdims=True)
        x = _numpy.concatenate([x, last], axis=0)
        x_values = values(x)
    if np.any(x_values < 0) or np.any(x_values > 1):
        raise ChainruleValueError("dirichlet: every entry of x must lie in [0, 1]")
    small = alpha_values < 1
    if np.any(x_values[small] <= 0):
        raise ChainruleValueError("dirichlet: each entry of x must be above 0 where its alpha is below 1")
    sums = np.sum(x_values, axis=0)
    if np.any(np.abs(sums - 1.0) > 10e-10):
        raise ChainruleValueError(f"dirichlet: x must lie on the simplex, but sums to {sums}")
    return x


@takes_arrays
def logpdf(x: Any, alpha: Any) -> Any:
    """``sum((alpha - 1) log x) + log Gamma(sum(alpha)) - sum(log Gamma(alpha))``, over the first axis."""
    x = _checked(x, alpha)
    weights = _numpy.reshape(alpha, np.shape(alpha) + (1,) * (np.ndim(x) - 1)) - 1.0
    log_norm = gammaln(_numpy.sum(alpha)) - _numpy.sum(gammaln(alpha))
    return _numpy.sum(xlogy(weights, x), axis=0) + log_norm


@takes_arrays
def pdf(x: Any, alpha: Any) -> Any:
    """``exp(logpdf(x, alpha))``."""
    return _numpy.exp(logpdf(x, alpha))
