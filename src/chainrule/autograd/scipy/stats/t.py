"""Student's t distribution, as ``scipy.stats.t``: ``pdf``, ``logpdf``, ``cdf`` and ``logcdf`` of
``(x, df, loc=0, scale=1)``. The density is differentiable in every argument; the distribution function
(``scipy.special.stdtr`` of the standardized point) in ``x``, ``loc`` and ``scale``, not in ``df`` (its
derivative there has no closed form chainrule implements, so asking for it raises).

Examples
--------
>>> from chainrule.autograd import grad
>>> from chainrule.autograd.scipy.stats import t
>>> float(grad(t.cdf)(0.0, 3.0))  # the density at 0: Gamma(2) / (sqrt(3 pi) Gamma(3/2))
0.367552596...
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.autograd.scipy.special import gammaln, stdtr
from chainrule.autograd.scipy.stats._support import positive, select, takes_arrays

__all__ = ["cdf", "logcdf", "logpdf", "pdf"]

_numpy: Any = np


@takes_arrays
def logpdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log Gamma((df + 1)/2) - log Gamma(df/2) - log(df pi)/2 - (df + 1)/2 log(1 + z^2/df) - log(scale)``
    for ``z = (x - loc) / scale``."""
    df, df_ok = positive(df)
    scale, scale_ok = positive(scale)
    z = (x - loc) / scale
    half = 0.5 * (df + 1.0)
    value = (
        gammaln(half)
        - gammaln(0.5 * df)
        - 0.5 * _numpy.log(math.pi * df)
        - half * _numpy.log1p(z * z / df)
        - _numpy.log(scale)
    )
    return select(df_ok & scale_ok, value, np.nan)


@takes_arrays
def pdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``exp(logpdf(x, df, loc, scale))``."""
    return _numpy.exp(logpdf(x, df, loc, scale))


@takes_arrays
def cdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``stdtr(df, (x - loc) / scale)``."""
    df, df_ok = positive(df)
    scale, scale_ok = positive(scale)
    return select(df_ok & scale_ok, stdtr(df, (x - loc) / scale), np.nan)


@takes_arrays
def logcdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log(cdf(x, df, loc, scale))``, as SciPy computes it."""
    return _numpy.log(cdf(x, df, loc, scale))
