"""Values of special functions for the rows of :mod:`.scipy_special`: SciPy's when it is installed, else
NumPy's own, or code written here from the functions' series, for the functions formulas and NumPy's own
functions need (erf, erfc, gamma, lgamma, digamma, polygamma, the modified Bessel functions of whole order);
the others raise an error that names the ``learn`` extra, which brings SciPy.

SciPy is imported the first time a value is asked for, never when chainrule is imported.
"""

from __future__ import annotations

import functools
import importlib
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.errors import UnsupportedOperationError

__all__ = ["bessel_i", "digamma", "polygamma", "scipy_special", "special"]


@functools.cache
def scipy_special() -> Any:
    """``scipy.special``, or None when SciPy is not installed (imported on first use only)."""
    try:
        return importlib.import_module("scipy.special")
    except ImportError:
        return None


def missing(name: str) -> UnsupportedOperationError:
    return UnsupportedOperationError(
        f"scipy.special.{name} needs SciPy, which is not installed: install chainrule's learn extra "
        "(pip install 'chainrule[learn]') or SciPy itself"
    )


def special(name: str, fallback: Callable[..., Any] | None = None) -> Callable[..., Any]:
    """The implementation of a row: ``scipy.special.<name>``, else ``fallback``, else an error."""

    def impl(*args: Any) -> Any:
        module = scipy_special()
        if module is not None:
            return getattr(module, name)(*args)
        if fallback is None:
            raise missing(name)
        return fallback(*args)

    impl.__name__ = impl.__qualname__ = name
    return impl


def elementwise(function: Callable[[float], float]) -> Callable[[Any], Any]:
    """A function of one float applied to every entry, in the input's floating precision."""
    vectorized = np.vectorize(function, otypes=[float])

    def apply(x: Any) -> Any:
        x = np.asarray(x)
        return vectorized(x).astype(np.result_type(x, np.float32 if x.dtype == np.float32 else 1.0))[()]

    return apply


def _gamma(x: float) -> float:
    try:
        return math.gamma(x)
    except ValueError:  # a pole at 0, -1, -2, ...: SciPy's values
        return math.copysign(math.inf, x) if x == 0 else math.nan
    except OverflowError:
        return math.inf


def _lgamma(x: float) -> float:
    try:
        return math.lgamma(x)
    except ValueError:  # the poles
        return math.inf


erf = elementwise(math.erf)
erfc = elementwise(math.erfc)
gamma = elementwise(_gamma)
gammaln = elementwise(_lgamma)


def ndtr(x: Any) -> Any:
    return 0.5 * erfc(-np.asarray(x) / math.sqrt(2.0))


# ---------------------------------------------------------------- digamma and polygamma

# Bernoulli numbers B_2 .. B_16, for the asymptotic series of the polygamma functions
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
_MAX_SHIFT = 10_000


def _shift(x: Any, threshold: float) -> int:
    low = float(np.nanmin(x)) if np.size(x) else threshold
    steps = max(0, math.ceil(threshold - low))
    if steps > _MAX_SHIFT:
        raise missing("polygamma (for arguments below -10000)")
    return steps


def digamma(x: Any) -> Any:
    """psi(x) = Gamma'(x)/Gamma(x): psi(x) = psi(x + 1) - 1/x up to x >= 10, then its asymptotic series;
    psi(x) = psi(1 - x) - pi / tan(pi x) (reflection) for x < 0."""
    x = np.asarray(x, dtype=float)
    negative = x < 0
    y = np.where(negative, 1.0 - x, x)
    total = np.zeros_like(y)
    with np.errstate(divide="ignore"):  # at the poles; their values are set below
        for _ in range(_shift(y, 10.0)):
            small = y < 10.0
            total -= np.where(small, 1.0 / np.where(small, y, 1.0), 0.0)
            y = np.where(small, y + 1.0, y)
    inverse_square = 1.0 / (y * y)
    series = sum(b / (2 * (k + 1)) * inverse_square ** (k + 1) for k, b in enumerate(_BERNOULLI))
    value = total + np.log(y) - 0.5 / y - series
    with np.errstate(divide="ignore", invalid="ignore"):
        reflected = value - np.pi / np.tan(np.pi * x)
        out = np.where(negative, reflected, value)
    poles = (x <= 0) & (x == np.floor(x))
    return np.where(poles, np.where(x == 0, -np.copysign(np.inf, x), np.nan), out)[()]


def polygamma(n: Any, x: Any) -> Any:
    """psi^(n)(x) for whole n >= 0: shifted up to x >= 15 + n by psi^(n)(x) = psi^(n)(x + 1) + (-1)^(n+1)
    n! / x^(n+1), then its asymptotic series."""
    n_values = np.asarray(n)
    if np.any(n_values != np.floor(n_values)) or np.any(n_values < 0):
        raise UnsupportedOperationError("polygamma: the order n must be a whole number >= 0")
    orders = np.unique(n_values)
    if orders.size > 1:
        n_values, x = np.broadcast_arrays(n_values, np.asarray(x, dtype=float))
        out = np.empty(n_values.shape)
        for order in orders:
            mask = n_values == order
            out[mask] = polygamma(int(order), x[mask])
        return out[()]
    order = int(orders[0]) if orders.size else 0
    if order == 0:
        return digamma(np.broadcast_to(x, np.broadcast_shapes(np.shape(x), n_values.shape)))
    y = np.broadcast_to(np.asarray(x, dtype=float), np.broadcast_shapes(np.shape(x), n_values.shape))
    sign, factorial = (-1.0) ** (order + 1), math.factorial(order)
    total = np.zeros_like(y)
    threshold = 15.0 + order
    with np.errstate(divide="ignore"):
        for _ in range(_shift(y, threshold)):
            small = y < threshold
            total += np.where(small, 1.0 / np.where(small, y, 1.0) ** (order + 1), 0.0)
            y = np.where(small, y + 1.0, y)
    series = math.factorial(order - 1) / y**order + factorial / (2.0 * y ** (order + 1))
    for k, b in enumerate(_BERNOULLI, start=1):
        series = series + b * math.factorial(2 * k + order - 1) / (
            math.factorial(2 * k) * y ** (2 * k + order)
        )
    value = sign * (factorial * total + series)
    poles = (np.asarray(x) <= 0) & (np.asarray(x) == np.floor(x))
    return np.where(poles, np.inf if order % 2 else np.nan, value)[()]


# ---------------------------------------------------------------- modified Bessel functions


def _bessel_series(v: int, a: Any) -> Any:
    """I_v(a) for a >= 0 by its power series, sum over k of (a/2)^(2k+v) / (k! (k+v)!) (no cancellation)."""
    half = a / 2.0
    term = half**v / math.factorial(v)
    total = term.copy()
    quarter = half * half
    for k in range(1, int(np.max(a, initial=0.0)) + 60):
        term = term * quarter / (k * (k + v))
        total += term
    return total


def _bessel_asymptotic_scaled(v: int, a: Any) -> Any:
    """exp(-a) I_v(a) for large a: 1/sqrt(2 pi a) times sum over k of (-1)^k a_k(v) / a^k."""
    mu = 4.0 * v * v
    term = np.ones_like(a)
    total = term.copy()
    for k in range(1, 30):
        term = -term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * a)
        total += term
    return total / np.sqrt(2.0 * np.pi * a)


def bessel_i(v: Any, z: Any, scaled: bool) -> Any:
    """The modified Bessel function I_v(z) of whole order v (exp(-|z|) I_v(z) when ``scaled``)."""
    if np.any(np.asarray(v) != np.round(v)):
        raise missing("iv (for an order that is not a whole number)")
    order = abs(int(np.asarray(v)))
    z = np.asarray(z, dtype=float)
    a = np.abs(z)
    far = a > 30.0 + 2.0 * order * order
    near_a = np.where(far, 0.0, a)
    with np.errstate(over="ignore", invalid="ignore"):
        near = _bessel_series(order, near_a)
        if scaled:
            near = near * np.exp(-near_a)
        far_a = np.where(far, a, 1.0)
        asymptotic = _bessel_asymptotic_scaled(order, far_a)
        if not scaled:
            asymptotic = asymptotic * np.exp(far_a)
    value = np.where(far, asymptotic, near)
    return (np.where(z < 0, (-1.0) ** order, 1.0) * value)[()]
