"""SciPy's special functions: the error function and its inverses, the normal distribution's, gamma and its
logarithms, digamma and polygamma, beta, logit, the entropies, the modified Bessel functions, the Bessel
functions of the first and second kinds, gamma's sign and reciprocal, and the regularized incomplete gamma and
beta functions and Student's t distribution function (in their last argument).

SciPy's special functions are NumPy ufuncs, so ``scipy.special.erf(x)`` on a traced ``x`` reaches chainrule
like ``np.sin(x)``. SciPy stays optional: each row declares its SciPy function by name
(:class:`~chainrule.core.deferred.Deferred`), found when first called, and computes its values with SciPy when
it is installed (imported then, not with chainrule) or else, for the functions formulas and NumPy's own
functions need, with code of its own (:mod:`._special_numerics`). ``scipy.special.expit`` is the sigmoid's
row, in :mod:`.special`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.core.batch_rules import elementwise
from chainrule.core.deferred import Deferred
from chainrule.core.primitive import Formula, Primitive, Traced
from chainrule.core.rules import _special_numerics as num
from chainrule.core.rules._util import concrete, unbroadcast_like
from chainrule.core.rules.elementwise import binary, piecewise_constant, unary
from chainrule.core.rules.piecewise import where_p
from chainrule.errors import UnsupportedOperationError

SQRT_PI = math.sqrt(math.pi)
SQRT_2PI = math.sqrt(2.0 * math.pi)
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def scipy(name: str, target: str = "") -> Deferred:
    """``scipy.special.<name>``, declared without importing SciPy."""
    return Deferred("scipy.special", name, target)


def no_derivative(what: str) -> Any:
    """The rule of an operand with no derivative (a whole-number order): an error if one is asked for,
    rather than a silent zero."""

    def rule(*args: Any, **params: Any) -> Any:
        raise UnsupportedOperationError(f"{what} has no derivative; pass it as a plain number")

    return rule


# ---------------------------------------------------------------- the error function and its inverses

erf_p = unary(
    "erf",
    num.special("erf", num.erf),
    lambda g, ans, x: g * ((2.0 / SQRT_PI) * np.exp(-(x * x))),
    rule="error function rule",
    notation="erf'(x) = 2/sqrt(pi) exp(-x^2)",
    numpy=scipy("erf"),
    formula=Formula("erf", values={0: 0}),
)
erfc_p = unary(
    "erfc",
    num.special("erfc", num.erfc),
    lambda g, ans, x: g * ((-2.0 / SQRT_PI) * np.exp(-(x * x))),
    rule="error function rule",
    notation="erfc'(x) = -2/sqrt(pi) exp(-x^2)",
    numpy=scipy("erfc"),
    formula=Formula("erfc", values={0: 1}),
)
erfinv_p = unary(
    "erfinv",
    num.special("erfinv"),
    lambda g, ans, x: g * ((SQRT_PI / 2.0) * np.exp(ans * ans)),
    rule="inverse function rule",
    notation="erfinv'(x) = sqrt(pi)/2 exp(erfinv(x)^2)",
    numpy=scipy("erfinv"),
    formula=Formula("erfinv", latex=r"\operatorname{erf}^{-1}", values={0: 0}),
)
erfcinv_p = unary(
    "erfcinv",
    num.special("erfcinv"),
    lambda g, ans, x: g * ((-SQRT_PI / 2.0) * np.exp(ans * ans)),
    rule="inverse function rule",
    notation="erfcinv'(x) = -sqrt(pi)/2 exp(erfcinv(x)^2)",
    numpy=scipy("erfcinv"),
    formula=Formula("erfcinv", latex=r"\operatorname{erfc}^{-1}", values={1: 0}),
)

# ---------------------------------------------------------------- the normal distribution

ndtr_p = unary(
    "ndtr",
    num.special("ndtr", num.ndtr),
    lambda g, ans, x: g * (np.exp(-0.5 * (x * x)) / SQRT_2PI),
    rule="chain rule",
    notation="Phi'(x) = exp(-x^2/2) / sqrt(2 pi)",
    numpy=scipy("ndtr"),
)
ndtri_p = unary(
    "ndtri",
    num.special("ndtri"),
    lambda g, ans, x: g * (SQRT_2PI * np.exp(0.5 * (ans * ans))),
    rule="inverse function rule",
    notation="(Phi^-1)'(p) = sqrt(2 pi) exp(Phi^-1(p)^2 / 2)",
    numpy=scipy("ndtri"),
)
log_ndtr_p = unary(
    "log_ndtr",
    num.special("log_ndtr"),
    # phi(x) / Phi(x) as one exponential: no overflow, and no 0/0, far in either tail
    lambda g, ans, x: g * np.exp(-0.5 * (x * x) - ans - _HALF_LOG_2PI),
    rule="logarithm rule",
    notation="(log Phi)'(x) = phi(x) / Phi(x)",
    numpy=scipy("log_ndtr"),
)

# ---------------------------------------------------------------- gamma, its logarithm, digamma, polygamma

polygamma_p: Primitive = Primitive(
    "polygamma",
    num.special("polygamma", num.polygamma),
    vjp=(
        no_derivative("the order n of polygamma(n, x)"),
        lambda g, ans, n, x: unbroadcast_like(g * polygamma_p(n + 1, x), x),
    ),
    jvp=(no_derivative("the order n of polygamma(n, x)"), lambda t, ans, n, x: t * polygamma_p(n + 1, x)),
    rule="polygamma rule",
    notation="d/dx psi^(n)(x) = psi^(n+1)(x)",
    formula=Formula("polygamma", latex=r"\psi^{{({x})}}\left({y}\right)"),
    batch=elementwise,
)
digamma_p = unary(
    "digamma",
    num.special("psi", num.digamma),
    lambda g, ans, x: g * polygamma_p(1, x),
    rule="polygamma rule",
    notation="psi'(x) = psi^(1)(x), the trigamma function",
    numpy=(scipy("digamma"), scipy("psi")),
    formula=Formula("digamma", latex=r"\psi"),
)
gamma_p = unary(
    "gamma",
    num.special("gamma", num.gamma),
    lambda g, ans, x: g * (ans * digamma_p(x)),
    rule="gamma rule",
    notation="Gamma'(x) = Gamma(x) psi(x)",
    numpy=scipy("gamma"),
    formula=Formula("gamma", latex=r"\Gamma", values={1: 1, 2: 1}),
)
gammaln_p = unary(
    "gammaln",
    num.special("gammaln", num.gammaln),
    lambda g, ans, x: g * digamma_p(x),
    rule="polygamma rule",
    notation="(ln |Gamma|)'(x) = psi(x)",
    numpy=scipy("gammaln"),
    # SymPy's loggamma is the complex log-gamma (log(-2.5)-like imaginary parts for x < 0), not log |Gamma|
    formula=Formula(
        "lgamma",
        latex=r"\ln\Gamma",
        sympy="",
        meaning="log(abs(gamma(x)))",
        aliases=("gammaln",),
        values={1: 0, 2: 0},
    ),
)
loggamma_p = unary(
    "loggamma",
    num.special("loggamma"),
    lambda g, ans, x: g * digamma_p(x),
    rule="polygamma rule",
    notation="(ln Gamma)'(x) = psi(x)",
    numpy=scipy("loggamma"),
)


def _beta_partial(ans: Any, a: Any, b: Any) -> Any:
    return digamma_p(a) - digamma_p(a + b)


beta_p = binary(
    "beta",
    num.special("beta"),
    lambda ans, a, b: ans * _beta_partial(ans, a, b),
    lambda ans, a, b: ans * _beta_partial(ans, b, a),
    rule="polygamma rule",
    notation="dB(a, b)/da = B(a, b) (psi(a) - psi(a + b))",
    numpy=scipy("beta"),
)
betaln_p = binary(
    "betaln",
    num.special("betaln"),
    _beta_partial,
    lambda ans, a, b: _beta_partial(ans, b, a),
    rule="polygamma rule",
    notation="d ln|B(a, b)|/da = psi(a) - psi(a + b)",
    numpy=scipy("betaln"),
)
zeta_p: Primitive = Primitive(
    "zeta",
    num.special("zeta"),
    vjp=(
        no_derivative("the exponent s of the Hurwitz zeta function zeta(s, q)"),
        lambda g, ans, s, q: unbroadcast_like(g * (-s * zeta_p(s + 1.0, q)), q),
    ),
    jvp=(
        no_derivative("the exponent s of the Hurwitz zeta function zeta(s, q)"),
        lambda t, ans, s, q: t * (-s * zeta_p(s + 1.0, q)),
    ),
    rule="power rule",
    notation="d/dq zeta(s, q) = -s zeta(s + 1, q)",
    numpy=scipy("zeta", "scipy.special._ufuncs._zeta"),
    batch=elementwise,
)

# ---------------------------------------------------------------- logit, x log y, entropies


def _logit(p: Any) -> Any:
    return np.log(p) - np.log1p(-np.asarray(p))


logit_p = unary(
    "logit",
    num.special("logit", _logit),
    lambda g, ans, p: g / (p * (1.0 - p)),
    rule="logarithm rule",
    notation="logit'(p) = 1 / (p (1 - p))",
    numpy=scipy("logit"),
)


def _where_both_zero(x: Any, y: Any, value: Any) -> Any:
    """``y`` with ``value`` where x and y are both 0 (a removable 0/0 of the partials below)."""
    both = (concrete(x) == 0) & (concrete(y) == value)
    # (a mask batched by vmap can differ between examples: always the where there)
    return where_p(both, 1.0, y) if isinstance(both, Traced) or np.any(both) else y


def _xlogy(x: Any, y: Any) -> Any:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((np.asarray(x) == 0) & ~np.isnan(y), 0.0, x * np.log(y))[()]


def _xlog1py(x: Any, y: Any) -> Any:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((np.asarray(x) == 0) & ~np.isnan(y), 0.0, x * np.log1p(y))[()]


xlogy_p = binary(
    "xlogy",
    num.special("xlogy", _xlogy),
    lambda ans, x, y: np.log(y),
    lambda ans, x, y: x / _where_both_zero(x, y, 0.0),  # xlogy(0, y) = 0 for every y: its slope is 0
    rule="product rule",
    notation="d(x log y) = log(y) dx + x/y dy",
    numpy=scipy("xlogy"),
)
xlog1py_p = binary(
    "xlog1py",
    num.special("xlog1py", _xlog1py),
    lambda ans, x, y: np.log1p(y),
    lambda ans, x, y: x / (1.0 + _where_both_zero(x, y, -1.0)),
    rule="product rule",
    notation="d(x log(1 + y)) = log(1 + y) dx + x/(1 + y) dy",
    numpy=scipy("xlog1py"),
)


def _entr(x: Any) -> Any:
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, -x * np.log(x), np.where(x == 0, 0.0, -np.inf))[()]


def _rel_entr(x: Any, y: Any) -> Any:
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where((x > 0) & (y > 0), x * np.log(x / y), np.inf)
        return np.where((x == 0) & (y >= 0), 0.0, np.where(np.isnan(x) | np.isnan(y), np.nan, value))[()]


entr_p = unary(
    "entr",
    num.special("entr", _entr),
    lambda g, ans, x: g * -(np.log(x) + 1.0),
    rule="product rule",
    notation="d(-x log x)/dx = -(log x + 1)",
    numpy=scipy("entr"),
)
rel_entr_p = binary(
    "rel_entr",
    num.special("rel_entr", _rel_entr),
    lambda ans, x, y: np.log(x / y) + 1.0,
    lambda ans, x, y: -x / _where_both_zero(x, y, 0.0),
    rule="product rule",
    notation="d(x log(x/y)) = (log(x/y) + 1) dx - x/y dy",
    numpy=scipy("rel_entr"),
)

# ---------------------------------------------------------------- modified Bessel functions


def _bessel_impl(scaled: bool) -> Any:
    names = ("i0e", "i1e", "ive") if scaled else ("i0", "i1", "iv")

    def impl(z: Any, *, order: Any) -> Any:
        if np.ndim(order) == 0 and order == 0 and not scaled:
            return np.i0(z) if np.ndim(z) else np.i0(np.atleast_1d(z))[0]
        module = num.scipy_special()
        if module is None:
            return num.bessel_i(order, z, scaled)
        if np.ndim(order) == 0 and order in (0, 1):
            return getattr(module, names[int(order)])(z)
        return getattr(module, names[2])(order, z)

    return impl


def _numpy_iv(prim: Primitive, v: Any, z: Any) -> Any:
    """``scipy.special.iv(v, z)`` (and ``ive``): the order is a parameter, not differentiated."""
    if isinstance(v, Traced):
        raise UnsupportedOperationError(
            f"scipy.special.{prim.name}: the order v has no derivative in chainrule; pass it as plain numbers"
        )
    return prim(z, order=v)


def _bessel_slope(z: Any, order: Any, scaled: bool) -> Any:
    prim = bessel_ie_p if scaled else bessel_i_p
    slope = 0.5 * (prim(z, order=order - 1) + prim(z, order=order + 1))
    return slope - np.sign(z) * prim(z, order=order) if scaled else slope


bessel_i_p: Primitive = Primitive(
    "iv",
    _bessel_impl(scaled=False),
    vjp=(lambda g, ans, z, *, order: g * _bessel_slope(z, order, False),),
    jvp=(lambda t, ans, z, *, order: t * _bessel_slope(z, order, False),),
    rule="Bessel recurrence",
    notation="I_v'(z) = (I_(v-1)(z) + I_(v+1)(z)) / 2",
    numpy={
        np.i0: lambda prim, x: prim(x, order=0.0),
        scipy("i0"): lambda prim, x: prim(x, order=0.0),
        scipy("i1"): lambda prim, x: prim(x, order=1.0),
        scipy("iv"): _numpy_iv,
    },
    batch=elementwise,
)
bessel_ie_p: Primitive = Primitive(
    "ive",
    _bessel_impl(scaled=True),
    vjp=(lambda g, ans, z, *, order: g * _bessel_slope(z, order, True),),
    jvp=(lambda t, ans, z, *, order: t * _bessel_slope(z, order, True),),
    rule="Bessel recurrence",
    notation="(exp(-|z|) I_v(z))' = (ive_(v-1)(z) + ive_(v+1)(z)) / 2 - sign(z) ive_v(z)",
    kink="ive(v, z) = exp(-|z|) I_v(z) has a corner at z = 0 where I_v(0) is not 0 (i0e: every slope in "
    "[-1, 1] is a subderivative there) and higher derivatives that jump there (i1e: its second); chainrule "
    "takes sign(0) = 0 in the rule, the midpoint, so i0e'(0) = 0",
    numpy={
        scipy("i0e"): lambda prim, x: prim(x, order=0.0),
        scipy("i1e"): lambda prim, x: prim(x, order=1.0),
        scipy("ive"): _numpy_iv,
    },
    batch=elementwise,
)


# ---------------------------------------------------------------- Bessel functions of both kinds


def _bessel_jy_impl(kind: str) -> Any:
    def impl(z: Any, *, order: Any) -> Any:
        module = num.scipy_special()
        if module is None:
            raise num.missing(f"{kind}v")
        if np.ndim(order) == 0 and order in (0, 1):
            return getattr(module, f"{kind}{int(order)}")(z)
        if kind == "y" and np.all(np.asarray(order) == np.trunc(order)):
            return module.yn(np.asarray(order).astype(int), z)
        return getattr(module, f"{kind}v")(order, z)

    return impl


def _numpy_yn(prim: Primitive, n: Any, z: Any) -> Any:
    """``scipy.special.yn(n, z)``: SciPy truncates the order to a whole number."""
    return _numpy_iv(prim, n if isinstance(n, Traced) else np.trunc(n), z)


def _bessel_jy_slope(z: Any, order: Any, kind: str) -> Any:
    prim = bessel_j_p if kind == "j" else bessel_y_p
    return 0.5 * (prim(z, order=order - 1) - prim(z, order=order + 1))


bessel_j_p: Primitive = Primitive(
    "jv",
    _bessel_jy_impl("j"),
    vjp=(lambda g, ans, z, *, order: g * _bessel_jy_slope(z, order, "j"),),
    jvp=(lambda t, ans, z, *, order: t * _bessel_jy_slope(z, order, "j"),),
    rule="Bessel recurrence",
    notation="J_v'(z) = (J_(v-1)(z) - J_(v+1)(z)) / 2",
    numpy={
        scipy("j0"): lambda prim, x: prim(x, order=0.0),
        scipy("j1"): lambda prim, x: prim(x, order=1.0),
        scipy("jv"): _numpy_iv,  # (scipy.special.jn is jv)
    },
    batch=elementwise,
)
bessel_y_p: Primitive = Primitive(
    "yv",
    _bessel_jy_impl("y"),
    vjp=(lambda g, ans, z, *, order: g * _bessel_jy_slope(z, order, "y"),),
    jvp=(lambda t, ans, z, *, order: t * _bessel_jy_slope(z, order, "y"),),
    rule="Bessel recurrence",
    notation="Y_v'(z) = (Y_(v-1)(z) - Y_(v+1)(z)) / 2",
    numpy={
        scipy("y0"): lambda prim, x: prim(x, order=0.0),
        scipy("y1"): lambda prim, x: prim(x, order=1.0),
        scipy("yn"): _numpy_yn,
        scipy("yv"): _numpy_iv,
    },
    batch=elementwise,
)

# ---------------------------------------------------------------- the sign and the reciprocal of gamma

gammasgn_p = piecewise_constant(
    "gammasgn",
    num.special("gammasgn"),
    kink="the sign of Gamma jumps at each pole x = 0, -1, -2, ...; its derivative is taken as 0 everywhere, "
    "the jumps included",
    numpy=scipy("gammasgn"),
)


def _rgamma_slope(x: Any) -> Any:
    """d(1/Gamma)/dx: -psi(x)/Gamma(x) for x > 0; for x <= 0, where 1/Gamma has its zeros and psi its poles,
    the derivative of the reflection 1/Gamma(x) = sin(pi x) Gamma(1 - x) / pi, finite there."""
    positive = x > 0
    right = np.where(positive, x, 1.0)  # each branch at arguments where it is finite, for either mode
    left = np.where(positive, 0.0, x)
    pi_left = np.pi * left
    reflected = gamma_p(1.0 - left) * (np.cos(pi_left) - np.sin(pi_left) * digamma_p(1.0 - left) / np.pi)
    return np.where(positive, -rgamma_p(right) * digamma_p(right), reflected)


rgamma_p = unary(
    "rgamma",
    num.special("rgamma"),
    lambda g, ans, x: g * _rgamma_slope(x),
    rule="reciprocal rule",
    notation="(1/Gamma)'(x) = -psi(x) / Gamma(x)",
    numpy=scipy("rgamma"),
)

# ---------------------------------------------------------------- incomplete gamma and beta, Student's t


def not_implemented(what: str) -> Any:
    """The rule of an operand whose derivative exists but has no closed form chainrule implements: an error
    if one is asked for, rather than a silent zero."""

    def rule(*args: Any, **params: Any) -> Any:
        raise UnsupportedOperationError(
            f"the derivative of {what} is not implemented in chainrule; pass it as plain numbers"
        )

    return rule


def _gamma_density(a: Any, x: Any) -> Any:
    """x^(a-1) e^(-x) / Gamma(a), through logarithms (no overflow for large a and x)."""
    return np.exp(xlogy_p(a - 1.0, x) - x - gammaln_p(a))


def _incomplete_gamma(name: str, sign: float) -> Primitive:
    return Primitive(
        name,
        num.special(name),
        vjp=(
            not_implemented(f"{name}(a, x) with respect to a"),
            lambda g, ans, a, x: unbroadcast_like(g * (sign * _gamma_density(a, x)), x),
        ),
        jvp=(
            not_implemented(f"{name}(a, x) with respect to a"),
            lambda t, ans, a, x: t * (sign * _gamma_density(a, x)),
        ),
        rule="fundamental theorem of calculus",
        notation=f"d/dx {name}(a, x) = {'-' if sign < 0 else ''}x^(a-1) e^(-x) / Gamma(a)",
        numpy=scipy(name),
        batch=elementwise,
    )


gammainc_p = _incomplete_gamma("gammainc", 1.0)
gammaincc_p = _incomplete_gamma("gammaincc", -1.0)


def _beta_density(a: Any, b: Any, x: Any) -> Any:
    """x^(a-1) (1-x)^(b-1) / B(a, b), through logarithms."""
    return np.exp(xlogy_p(a - 1.0, x) + xlog1py_p(b - 1.0, -x) - betaln_p(a, b))


betainc_p: Primitive = Primitive(
    "betainc",
    num.special("betainc"),
    vjp=(
        not_implemented("betainc(a, b, x) with respect to a"),
        not_implemented("betainc(a, b, x) with respect to b"),
        lambda g, ans, a, b, x: unbroadcast_like(g * _beta_density(a, b, x), x),
    ),
    jvp=(
        not_implemented("betainc(a, b, x) with respect to a"),
        not_implemented("betainc(a, b, x) with respect to b"),
        lambda t, ans, a, b, x: t * _beta_density(a, b, x),
    ),
    rule="fundamental theorem of calculus",
    notation="d/dx I_x(a, b) = x^(a-1) (1-x)^(b-1) / B(a, b)",
    numpy=scipy("betainc"),
    batch=elementwise,
)


def _t_density(df: Any, t: Any) -> Any:
    """Student's t density with df degrees of freedom, through logarithms."""
    half = 0.5 * (df + 1.0)
    log_norm = gammaln_p(half) - gammaln_p(0.5 * df) - 0.5 * np.log(np.pi * df)
    return np.exp(log_norm - half * np.log1p(t * t / df))


stdtr_p: Primitive = Primitive(
    "stdtr",
    num.special("stdtr"),
    vjp=(
        not_implemented("stdtr(df, t) with respect to df"),
        lambda g, ans, df, t: unbroadcast_like(g * _t_density(df, t), t),
    ),
    jvp=(not_implemented("stdtr(df, t) with respect to df"), lambda t_, ans, df, t: t_ * _t_density(df, t)),
    rule="fundamental theorem of calculus",
    notation="d/dt stdtr(df, t) = the t density (1 + t^2/df)^(-(df+1)/2) / (sqrt(df) B(df/2, 1/2))",
    numpy=scipy("stdtr"),
    batch=elementwise,
)
