"""The chi-squared distribution, as ``scipy.stats.chi2``: ``pdf``, ``logpdf`` and ``cdf`` of
``(x, df, loc=0, scale=1)``, the gamma distribution of shape ``df / 2`` and scale ``2 scale``
(:mod:`.gamma`: the density differentiable in every argument, the distribution function not in ``df``).

Examples
--------
>>> from chainrule.autograd import grad
>>> from chainrule.autograd.scipy.stats import chi2
>>> float(grad(chi2.cdf)(2.0, 2))  # the density exp(-x/2) / 2 at 2
0.18393972058...
"""

from __future__ import annotations

from typing import Any

from chainrule.autograd.scipy.stats import gamma
from chainrule.autograd.scipy.stats._support import takes_arrays

__all__ = ["cdf", "logpdf", "pdf"]


@takes_arrays
def logpdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The gamma distribution's log-density, of shape ``df / 2`` and scale ``2 scale``."""
    return gamma.logpdf(x, 0.5 * df, loc, 2.0 * scale)


@takes_arrays
def pdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The gamma distribution's density, of shape ``df / 2`` and scale ``2 scale``."""
    return gamma.pdf(x, 0.5 * df, loc, 2.0 * scale)


@takes_arrays
def cdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``gammainc(df / 2, (x - loc) / (2 scale))``."""
    return gamma.cdf(x, 0.5 * df, loc, 2.0 * scale)
