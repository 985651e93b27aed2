"""The normal distribution, as ``scipy.stats.norm``: ``pdf``, ``logpdf``, ``cdf``, ``logcdf``, ``sf``,
``logsf``, ``ppf`` and ``isf``, of ``(x, loc=0, scale=1)``, broadcasting as SciPy does and differentiable in
every argument (``cdf`` is ``ndtr`` of the standardized point, ``logcdf`` its ``log_ndtr``: accurate far in
the tails, where ``log(cdf)`` would be ``log(0)``).

Examples
--------
>>> from chainrule.autograd import grad
>>> from chainrule.autograd.scipy.stats import norm
>>> float(grad(norm.logpdf)(1.0, 0.0, 2.0))  # -(x - loc) / scale^2
-0.25
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.autograd.scipy.special import log_ndtr, ndtr, ndtri
from chainrule.autograd.scipy.stats._support import positive, select, takes_arrays

__all__ = ["cdf", "isf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_numpy: Any = np


def _standardized(x: Any, loc: Any, scale: Any) -> tuple[Any, Any]:
    scale, ok = positive(scale)
    return (x - loc) / scale, ok


@takes_arrays
def logpdf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``-(x - loc)^2 / (2 scale^2) - log(scale) - log(2 pi) / 2``."""
    scale, ok = positive(scale)
    z = (x - loc) / scale
    return select(ok, -0.5 * z * z - _numpy.log(scale) - _HALF_LOG_2PI, np.nan)


@takes_arrays
def pdf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``exp(logpdf(x, loc, scale))``."""
    return _numpy.exp(logpdf(x, loc, scale))


@takes_arrays
def cdf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``ndtr((x - loc) / scale)``."""
    z, ok = _standardized(x, loc, scale)
    return select(ok, ndtr(z), np.nan)


@takes_arrays
def logcdf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log_ndtr((x - loc) / scale)``."""
    z, ok = _standardized(x, loc, scale)
    return select(ok, log_ndtr(z), np.nan)


@takes_arrays
def sf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``1 - cdf``, as ``ndtr(-(x - loc) / scale)``."""
    z, ok = _standardized(x, loc, scale)
    return select(ok, ndtr(-z), np.nan)


@takes_arrays
def logsf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log_ndtr(-(x - loc) / scale)``."""
    z, ok = _standardized(x, loc, scale)
    return select(ok, log_ndtr(-z), np.nan)


@takes_arrays
def ppf(q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The quantile function, ``loc + scale ndtri(q)``."""
    safe_scale, ok = positive(scale)
    return select(ok, loc + safe_scale * ndtri(q), np.nan)


@takes_arrays
def isf(q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The inverse of ``sf``, ``loc - scale ndtri(q)``."""
    safe_scale, ok = positive(scale)
    return select(ok, loc - safe_scale * ndtri(q), np.nan)
