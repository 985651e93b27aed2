"""The gamma distribution, as ``scipy.stats.gamma``: ``pdf``, ``logpdf`` and ``cdf`` of
``(x, a, loc=0, scale=1)``. The density is differentiable in every argument; the distribution function
(``scipy.special.gammainc`` of the standardized point) in ``x``, ``loc`` and ``scale``, not in the shape ``a``
(its derivative there has no closed form chainrule implements, so asking for it raises).

Examples
--------
>>> from chainrule.autograd import grad
>>> from chainrule.autograd.scipy.stats import gamma
>>> float(grad(gamma.logpdf)(2.0, 3.0))  # (a - 1) / x - 1
0.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.autograd.scipy.special import gammainc, gammaln, xlogy
from chainrule.autograd.scipy.stats._support import positive, select, stand_in, takes_arrays, values

__all__ = ["cdf", "logpdf", "pdf"]

_numpy: Any = np


def _standardized(x: Any, loc: Any, scale: Any) -> tuple[Any, Any, Any]:
    """``(x - loc) / scale`` (1 where it is below 0), where it is not below 0, and the scale (1 where it is
    not positive)."""
    scale, _ = positive(scale)
    y = (x - loc) / scale
    inside = values(y) >= 0
    return stand_in(y, inside, 1.0), inside, scale


@takes_arrays
def logpdf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``(a - 1) log y - y - log Gamma(a) - log(scale)`` for ``y = (x - loc) / scale >= 0``, else -inf."""
    valid = (values(a) > 0) & (values(scale) > 0)
    a, _ = positive(a)
    y, inside, scale = _standardized(x, loc, scale)
    value = xlogy(a - 1.0, y) - y - gammaln(a) - _numpy.log(scale)
    return select(valid, select(inside, value, -np.inf), np.nan)


@takes_arrays
def pdf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``exp(logpdf(x, a, loc, scale))``."""
    return _numpy.exp(logpdf(x, a, loc, scale))


@takes_arrays
def cdf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``gammainc(a, (x - loc) / scale)``, 0 below the support."""
    valid = (values(a) > 0) & (values(scale) > 0)
    a, _ = positive(a)
    y, inside, _ = _standardized(x, loc, scale)
    return select(valid, select(inside, gammainc(a, y), 0.0), np.nan)
