"""The beta distribution, as ``scipy.stats.beta``: ``pdf``, ``logpdf`` and ``cdf`` of
``(x, a, b, loc=0, scale=1)``. The density is differentiable in every argument; the distribution function
(``scipy.special.betainc`` of the standardized point) in ``x``, ``loc`` and ``scale``, not in ``a`` or ``b``
(their derivatives have no closed form chainrule implements, so asking for them raises).

Examples
--------
>>> from chainrule.autograd import grad
>>> from chainrule.autograd.scipy.stats import beta
>>> float(grad(beta.cdf)(0.5, 2.0, 2.0))  # the density 6 x (1 - x) at 1/2
1.5
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.autograd.scipy.special import betainc, betaln, xlog1py, xlogy
from chainrule.autograd.scipy.stats._support import positive, select, stand_in, takes_arrays, values

__all__ = ["cdf", "logpdf", "pdf"]

_numpy: Any = np


def _valid(a: Any, b: Any, scale: Any) -> Any:
    return (values(a) > 0) & (values(b) > 0) & (values(scale) > 0)


@takes_arrays
def logpdf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``(a - 1) log y + (b - 1) log(1 - y) - log B(a, b) - log(scale)`` for ``y = (x - loc) / scale`` in
    [0, 1], else -inf."""
    valid = _valid(a, b, scale)
    (a, _), (b, _), (scale, _) = positive(a), positive(b), positive(scale)
    y = (x - loc) / scale
    inside = (values(y) >= 0) & (values(y) <= 1)
    y = stand_in(y, inside, 0.5)
    value = xlogy(a - 1.0, y) + xlog1py(b - 1.0, -y) - betaln(a, b) - _numpy.log(scale)
    return select(valid, select(inside, value, -np.inf), np.nan)


@takes_arrays
def pdf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``exp(logpdf(x, a, b, loc, scale))``."""
    return _numpy.exp(logpdf(x, a, b, loc, scale))


@takes_arrays
def cdf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``betainc(a, b, (x - loc) / scale)``: 0 below the support, 1 above it."""
    valid = _valid(a, b, scale)
    (a, _), (b, _), (scale, _) = positive(a), positive(b), positive(scale)
    y = (x - loc) / scale
    below, above = values(y) < 0, values(y) > 1
    inside = stand_in(y, ~(below | above), 0.5)
    return select(valid, select(below, 0.0, select(above, 1.0, betainc(a, b, inside))), np.nan)
