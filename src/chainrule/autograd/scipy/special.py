"""``chainrule.autograd.scipy.special``: HIPS autograd's SciPy special functions, on chainrule's rules.

SciPy's special functions are ufuncs, and those chainrule has rows for (:mod:`chainrule.core.rules.
scipy_special`) dispatch on traced values like ``np.sin``, so they are SciPy's own objects here: ``erf``,
``gamma``, ``gammaln``, ``psi``/``digamma``, ``beta``, ``i0``, ``iv``, ``j0``, ``y1``, ``yn``, ``gammainc``,
``betainc``, ``expit``, ``logit`` ... The rest are written here: ``polygamma`` and ``multigammaln`` (Python
functions in SciPy, which NumPy's protocols cannot see into), ``jn``/``jv`` (SciPy's ``jv`` on chainrule's
Bessel row), ``logsumexp``, ``softmax`` and ``log_softmax``. Any other name is SciPy's: on plain numbers it is
SciPy's function, and on traced values it raises an error that names it, never a silent wrong derivative.

Examples
--------
>>> from chainrule.autograd import grad
>>> from chainrule.autograd.scipy import special
>>> round(grad(special.gammaln)(3.0), 12)  # psi(3) = 3/2 - Euler's gamma
0.922784335098
>>> float(grad(lambda x: special.jn(2, x))(1.0))  # (J_1(1) - J_3(1)) / 2
0.21024361588113258
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import chainrule.core.functions as _functions
from chainrule.autograd.scipy._scipy import special as _scipy_special
from chainrule.core.primitive import Traced
from chainrule.core.rules._util import concrete
from chainrule.core.rules.scipy_special import bessel_j_p, polygamma_p
from chainrule.errors import ChainruleValueError, UnsupportedOperationError

__all__ = [
    "beta",
    "betainc",
    "betaln",
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfcinv",
    "erfinv",
    "expit",
    "gamma",
    "gammainc",
    "gammaincc",
    "gammaln",
    "gammasgn",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "iv",
    "ive",
    "j0",
    "j1",
    "jn",
    "jv",
    "log_ndtr",
    "log_softmax",
    "loggamma",
    "logit",
    "logsumexp",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "rel_entr",
    "rgamma",
    "softmax",
    "stdtr",
    "xlog1py",
    "xlogy",
    "y0",
    "y1",
    "yn",
    "yv",
    "zeta",
]

# SciPy's ufuncs that chainrule has rows for: its own objects, which dispatch on traced values
beta = _scipy_special.beta
betainc = _scipy_special.betainc
betaln = _scipy_special.betaln
digamma = _scipy_special.digamma
entr = _scipy_special.entr
erf = _scipy_special.erf
erfc = _scipy_special.erfc
erfcinv = _scipy_special.erfcinv
erfinv = _scipy_special.erfinv
expit = _scipy_special.expit
gamma = _scipy_special.gamma
gammainc = _scipy_special.gammainc
gammaincc = _scipy_special.gammaincc
gammaln = _scipy_special.gammaln
gammasgn = _scipy_special.gammasgn
i0 = _scipy_special.i0
i0e = _scipy_special.i0e
i1 = _scipy_special.i1
i1e = _scipy_special.i1e
iv = _scipy_special.iv
ive = _scipy_special.ive
j0 = _scipy_special.j0
j1 = _scipy_special.j1
log_ndtr = _scipy_special.log_ndtr
loggamma = _scipy_special.loggamma
logit = _scipy_special.logit
ndtr = _scipy_special.ndtr
ndtri = _scipy_special.ndtri
psi = _scipy_special.psi
rel_entr = _scipy_special.rel_entr
rgamma = _scipy_special.rgamma
stdtr = _scipy_special.stdtr
xlog1py = _scipy_special.xlog1py
xlogy = _scipy_special.xlogy
y0 = _scipy_special.y0
y1 = _scipy_special.y1
yn = _scipy_special.yn
yv = _scipy_special.yv
zeta = _scipy_special.zeta

_numpy: Any = np


def polygamma(n: Any, x: Any) -> Any:
    """The n-th derivative of the digamma function, ``scipy.special.polygamma(n, x)``; differentiable in
    ``x`` (the order ``n`` is a whole number and has no derivative)."""
    return polygamma_p(n, x)


def jv(v: Any, z: Any) -> Any:
    """The Bessel function of the first kind of real order, ``scipy.special.jv(v, z)``; differentiable in
    ``z`` (J_v' = (J_(v-1) - J_(v+1)) / 2), not in the order."""
    if isinstance(v, Traced):
        raise UnsupportedOperationError("scipy.special.jv: the order v has no derivative; pass plain numbers")
    return bessel_j_p(z, order=v)


jn = jv  # as in SciPy, jn is jv


def multigammaln(a: Any, d: Any) -> Any:
    """The log of the multivariate gamma function of dimension ``d``,
    ``d (d - 1) / 4 log(pi) + sum over j < d of gammaln(a - j / 2)``, as ``scipy.special.multigammaln``."""
    dim = np.asarray(d)
    if dim.ndim != 0 or dim.dtype.kind not in "iuf" or np.floor(dim) != dim or dim < 1:
        raise ChainruleValueError("multigammaln: d should be a positive integer (dimension)")
    d = int(dim)
    if np.any(np.asarray(concrete(a)) <= 0.5 * (d - 1)):
        raise ChainruleValueError(f"multigammaln: every a must be greater than (d - 1) / 2 = {0.5 * (d - 1)}")
    a = np.asarray(a) if isinstance(a, list | tuple) else a
    total = 0.25 * d * (d - 1) * math.log(math.pi)
    for j in range(d):
        total = total + gammaln(a - 0.5 * j)
    return total


def _shift(a: Any, axis: Any, b: Any) -> Any:
    """The maximum of ``a`` over ``axis`` (where ``b`` is not 0), kept as a constant: logsumexp is the same
    for any shift, so the shift carries no derivative; 0 where that maximum is not finite."""
    values = np.where(np.asarray(concrete(b)) != 0, np.asarray(concrete(a), dtype=float), -np.inf)
    shift = np.max(values, axis=axis, keepdims=True, initial=-np.inf)
    return np.where(np.isfinite(shift), shift, 0.0)


def logsumexp(
    a: Any, axis: Any = None, b: Any = None, keepdims: bool = False, return_sign: bool = False
) -> Any:
    """``log(sum(b * exp(a)))`` over ``axis``, as ``scipy.special.logsumexp``: with ``return_sign``, the log
    of the absolute value and its sign; without it, nan where the sum is negative. Differentiable in ``a``
    and ``b``."""
    axis = tuple(axis) if isinstance(axis, list) else axis
    if b is None and not return_sign:
        return _functions.logsumexp(a, axis=axis, keepdims=keepdims)
    b = 1.0 if b is None else b
    shift = _shift(a, axis, b)
    total = _numpy.sum(b * _numpy.exp(a - shift), axis=axis, keepdims=True)
    if return_sign:
        sign = np.sign(concrete(total))
        with np.errstate(divide="ignore"):
            out = _numpy.log(_numpy.abs(total)) + shift
    else:
        sign = None
        with np.errstate(divide="ignore", invalid="ignore"):
            out = _numpy.log(total) + shift
    if not keepdims:
        out = _numpy.squeeze(out, axis=axis)
        sign = None if sign is None else np.squeeze(sign, axis=axis)
    return (out, sign) if return_sign else out


def softmax(x: Any, axis: Any = None) -> Any:
    """``exp(x) / sum(exp(x))`` over ``axis`` (all axes when None), as ``scipy.special.softmax``."""
    return _functions.softmax(x, axis)


def log_softmax(x: Any, axis: Any = None) -> Any:
    """``x - logsumexp(x)`` over ``axis`` (all axes when None), as ``scipy.special.log_softmax``."""
    return _functions.log_softmax(x, axis)


def __getattr__(name: str) -> Any:
    # the rest of scipy.special: its ufuncs raise on traced values, naming themselves, where they have no row
    return getattr(_scipy_special, name)
