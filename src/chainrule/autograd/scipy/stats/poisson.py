"""The Poisson distribution, as ``scipy.stats.poisson``: ``pmf``, ``logpmf`` and ``cdf`` of
``(k, mu, loc=0)``, differentiable in the mean ``mu``; the count ``k`` has no derivative (a traced ``k``
raises).

Examples
--------
>>> from chainrule.autograd import grad
>>> from chainrule.autograd.scipy.stats import poisson
>>> float(grad(poisson.logpmf, 1)(3, 2.0))  # k / mu - 1
0.5
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.autograd.scipy.special import gammaincc, gammaln, xlogy
from chainrule.autograd.scipy.stats._support import count, select, stand_in, takes_arrays, values

__all__ = ["cdf", "logpmf", "pmf"]

_numpy: Any = np


@takes_arrays
def logpmf(k: Any, mu: Any, loc: Any = 0.0) -> Any:
    """``k log(mu) - log(k!) - mu`` at whole ``k - loc >= 0``, else -inf."""
    k = count(k, "poisson.logpmf") - count(loc, "poisson.logpmf")
    inside = (k >= 0) & (k == np.floor(k))
    k = np.where(inside, k, 0.0)
    valid = values(mu) >= 0
    mu = stand_in(mu, valid, 1.0)
    value = xlogy(k, mu) - gammaln(k + 1.0) - mu
    return select(valid, select(inside, value, -np.inf), np.nan)


@takes_arrays
def pmf(k: Any, mu: Any, loc: Any = 0.0) -> Any:
    """``exp(logpmf(k, mu, loc))``."""
    return _numpy.exp(logpmf(k, mu, loc))


@takes_arrays
def cdf(k: Any, mu: Any, loc: Any = 0.0) -> Any:
    """The probability of at most ``k`` events, ``gammaincc(floor(k - loc) + 1, mu)``; 0 below 0."""
    k = np.floor(count(k, "poisson.cdf") - count(loc, "poisson.cdf"))
    inside = k >= 0
    valid = values(mu) >= 0
    mu = stand_in(mu, valid, 1.0)
    return select(valid, select(inside, gammaincc(np.where(inside, k, 0.0) + 1.0, mu), 0.0), np.nan)
