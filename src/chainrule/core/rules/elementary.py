"""The elementary functions: exponentials, logarithms, trigonometric and hyperbolic functions and their
inverses.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.core.batch_rules import elementwise
from chainrule.core.primitive import Formula, Primitive
from chainrule.core.rules._util import has_value
from chainrule.core.rules.elementwise import binary, unary

LN2 = float(np.log(2.0))
LN10 = float(np.log(10.0))

# ---------------------------------------------------------------- exponentials and logarithms

exp_p = unary(
    "exp",
    np.exp,
    lambda g, ans, x: g * ans,
    rule="exponential rule",
    notation="exp'(x) = exp(x)",
    numpy=np.exp,
    formula=Formula("exp", latex=r"e^{{{x}}}", values={0: 1}),
    complex="holomorphic",
)
exp2_p = unary(
    "exp2",
    np.exp2,
    lambda g, ans, x: g * (ans * LN2),
    rule="exponential rule",
    notation="(2^x)' = 2^x ln 2",
    numpy=np.exp2,
    formula=Formula("exp2", rewrite="2^x"),
    complex="holomorphic",
)
expm1_p = unary(
    "expm1",
    np.expm1,
    lambda g, ans, x: g * (ans + 1.0),
    rule="exponential rule",
    notation="expm1' = exp",
    numpy=np.expm1,
    formula=Formula("expm1", rewrite="exp(x) - 1"),
    complex="holomorphic",
)
log_p = unary(
    "log",
    np.log,
    lambda g, ans, x: g * (1.0 / x),
    rule="logarithm rule",
    notation="ln'(x) = 1/x",
    numpy=np.log,
    formula=Formula("log", latex=r"\ln", aliases=("ln",), values={1: 0}, power_on_name=True),
    complex="holomorphic",
)
log2_p = unary(
    "log2",
    np.log2,
    lambda g, ans, x: g * (1.0 / (x * LN2)),
    rule="logarithm rule",
    notation="log2'(x) = 1/(x ln 2)",
    numpy=np.log2,
    formula=Formula("log2", rewrite="log(x)/log(2)"),
    complex="holomorphic",
)
log10_p = unary(
    "log10",
    np.log10,
    lambda g, ans, x: g * (1.0 / (x * LN10)),
    rule="logarithm rule",
    notation="log10'(x) = 1/(x ln 10)",
    numpy=np.log10,
    formula=Formula("log10", rewrite="log(x)/log(10)"),
    complex="holomorphic",
)
log1p_p = unary(
    "log1p",
    np.log1p,
    lambda g, ans, x: g * (1.0 / (1.0 + x)),
    rule="logarithm rule",
    notation="log1p'(x) = 1/(1+x)",
    numpy=np.log1p,
    formula=Formula("log1p", rewrite="log(1 + x)"),
    complex="holomorphic",
)
logaddexp_p = binary(
    "logaddexp",
    np.logaddexp,
    lambda ans, x, y: np.exp(x - ans),
    lambda ans, x, y: np.exp(y - ans),
    rule="chain rule",
    notation="d/dx log(e^x + e^y) = e^x / (e^x + e^y)",
    numpy=np.logaddexp,
    formula=Formula(rewrite="log(exp(x) + exp(y))"),
)

logaddexp2_p = binary(
    "logaddexp2",
    np.logaddexp2,
    lambda ans, x, y: np.exp2(x - ans),
    lambda ans, x, y: np.exp2(y - ans),
    rule="chain rule",
    notation="d/dx log2(2^x + 2^y) = 2^x / (2^x + 2^y)",
    numpy=np.logaddexp2,
    formula=Formula(rewrite="log(2^x + 2^y)/log(2)"),
)

# ---------------------------------------------------------------- trigonometric

sin_p = unary(
    "sin",
    np.sin,
    lambda g, ans, x: g * np.cos(x),
    rule="sine rule",
    notation="sin' = cos",
    numpy=np.sin,
    formula=Formula("sin", latex=r"\sin", values={0: 0}, power_on_name=True),
    complex="holomorphic",
)
cos_p = unary(
    "cos",
    np.cos,
    lambda g, ans, x: g * -np.sin(x),
    rule="cosine rule",
    notation="cos' = -sin",
    numpy=np.cos,
    formula=Formula("cos", latex=r"\cos", values={0: 1}, power_on_name=True),
    complex="holomorphic",
)
tan_p = unary(
    "tan",
    np.tan,
    lambda g, ans, x: g * (1.0 + ans * ans),
    rule="tangent rule",
    notation="tan' = 1 + tan^2",
    numpy=np.tan,
    formula=Formula("tan", latex=r"\tan", values={0: 0}, power_on_name=True),
    complex="holomorphic",
)
arcsin_p = unary(
    "arcsin",
    np.arcsin,
    lambda g, ans, x: g * (1.0 / np.sqrt(1.0 - x * x)),
    rule="inverse sine rule",
    notation="asin'(x) = 1/sqrt(1-x^2)",
    numpy=np.arcsin,
    formula=Formula("asin", latex=r"\arcsin", aliases=("arcsin",), values={0: 0}),
    complex="holomorphic",
)
arccos_p = unary(
    "arccos",
    np.arccos,
    lambda g, ans, x: g * (-1.0 / np.sqrt(1.0 - x * x)),
    rule="inverse cosine rule",
    notation="acos'(x) = -1/sqrt(1-x^2)",
    numpy=np.arccos,
    formula=Formula("acos", latex=r"\arccos", aliases=("arccos",), values={1: 0}),
    complex="holomorphic",
)
arctan_p = unary(
    "arctan",
    np.arctan,
    lambda g, ans, x: g * (1.0 / (1.0 + x * x)),
    rule="inverse tangent rule",
    notation="atan'(x) = 1/(1+x^2)",
    numpy=np.arctan,
    formula=Formula("atan", latex=r"\arctan", aliases=("arctan",), values={0: 0}),
    complex="holomorphic",
)
arctan2_p = binary(
    "arctan2",
    np.arctan2,
    lambda ans, y, x: x / (x * x + y * y),
    lambda ans, y, x: -y / (x * x + y * y),
    rule="inverse tangent rule",
    notation="d atan2(y, x) = (x dy - y dx) / (x^2 + y^2)",
    numpy=np.arctan2,
    formula=Formula("atan2", latex=r"\operatorname{atan2}", aliases=("arctan2",)),
)

# ---------------------------------------------------------------- hyperbolic

sinh_p = unary(
    "sinh",
    np.sinh,
    lambda g, ans, x: g * np.cosh(x),
    rule="hyperbolic rule",
    notation="sinh' = cosh",
    numpy=np.sinh,
    formula=Formula("sinh", latex=r"\sinh", values={0: 0}, power_on_name=True),
    complex="holomorphic",
)
cosh_p = unary(
    "cosh",
    np.cosh,
    lambda g, ans, x: g * np.sinh(x),
    rule="hyperbolic rule",
    notation="cosh' = sinh",
    numpy=np.cosh,
    formula=Formula("cosh", latex=r"\cosh", values={0: 1}, power_on_name=True),
    complex="holomorphic",
)
tanh_p = unary(
    "tanh",
    np.tanh,
    lambda g, ans, x: g * (1.0 - ans * ans),
    rule="hyperbolic rule",
    notation="tanh' = 1 - tanh^2",
    numpy=np.tanh,
    formula=Formula("tanh", latex=r"\tanh", values={0: 0}, power_on_name=True),
    complex="holomorphic",
)
arcsinh_p = unary(
    "arcsinh",
    np.arcsinh,
    lambda g, ans, x: g * (1.0 / np.sqrt(x * x + 1.0)),
    rule="inverse hyperbolic rule",
    notation="asinh'(x) = 1/sqrt(x^2+1)",
    numpy=np.arcsinh,
    formula=Formula("asinh", latex=r"\operatorname{arsinh}", aliases=("arcsinh", "arsinh"), values={0: 0}),
    complex="holomorphic",
)
arccosh_p = unary(
    "arccosh",
    np.arccosh,
    lambda g, ans, x: g * (1.0 / np.sqrt(x * x - 1.0)),
    rule="inverse hyperbolic rule",
    notation="acosh'(x) = 1/sqrt(x^2-1)",
    numpy=np.arccosh,
    formula=Formula("acosh", latex=r"\operatorname{arcosh}", aliases=("arccosh", "arcosh"), values={1: 0}),
    complex="holomorphic",
)
arctanh_p = unary(
    "arctanh",
    np.arctanh,
    lambda g, ans, x: g * (1.0 / (1.0 - x * x)),
    rule="inverse hyperbolic rule",
    notation="atanh'(x) = 1/(1-x^2)",
    numpy=np.arctanh,
    formula=Formula("atanh", latex=r"\operatorname{artanh}", aliases=("arctanh", "artanh"), values={0: 0}),
    complex="holomorphic",
)

# ---------------------------------------------------------------- sinc


def _sinc_series(u: Any, k: int) -> Any:
    """d^k/du^k sin(u)/u by its Maclaurin series, sum over m of (-1)^m u^(2m-k) / ((2m+1) (2m-k)!)."""
    m = (k + 1) // 2
    power = 2 * m - k
    term = u**power / math.factorial(power)  # u^(2m-k) / (2m-k)!
    total = np.zeros_like(u)
    for _ in range(30):  # |u| < 1.5 here: the 30th term is below 1e-40 of the first
        total += (-1) ** m * term / (2 * m + 1)
        term = term * (u * u) / ((power + 1) * (power + 2))
        m, power = m + 1, power + 2
    return total


def _sinc_leibniz(u: Any, k: int) -> Any:
    """d^k/du^k sin(u)/u by the Leibniz rule on sin(u) times 1/u (accurate away from u = 0)."""
    sines = (np.sin(u), np.cos(u), -np.sin(u), -np.cos(u))  # sin(u + j pi/2)
    return sum(
        math.comb(k, j) * sines[j % 4] * (-1) ** (k - j) * math.factorial(k - j) / u ** (k - j + 1)
        for j in range(k + 1)
    )


def _sinc(x: Any, *, order: int = 0) -> Any:
    """NumPy's sinc(x) = sin(pi x)/(pi x) (order 0), or its derivative of that order, exact at 0 too."""
    if order == 0:
        return np.sinc(x)
    x = np.asarray(x)
    u = np.pi * x.astype(np.result_type(x, 1.0))
    near = np.abs(u) < 1.5
    far = np.where(near, 1.0, u)
    out = np.where(near, _sinc_series(np.where(near, u, 0.0), order), _sinc_leibniz(far, order))
    return (np.pi**order * out).astype(u.dtype)[()]


def _sinc_slope(x: Any, order: int) -> Any:
    if has_value(x):
        return sinc_p(x, order=order + 1)
    return (np.cos(np.pi * x) - sinc_p(x)) / x  # a formula: the closed form, as SymPy writes it


sinc_p: Primitive = Primitive(
    "sinc",
    _sinc,
    vjp=(lambda g, ans, x, *, order=0: g * _sinc_slope(x, order),),
    jvp=(lambda t, ans, x, *, order=0: t * _sinc_slope(x, order),),
    rule="quotient rule",
    notation="sinc'(x) = (cos(pi x) - sinc(x)) / x, and sinc'(0) = 0",
    numpy=np.sinc,
    formula=Formula("sinc", sympy="", meaning="sin(pi*x)/(pi*x)", values={0: 1}),
    complex="holomorphic",
    batch=elementwise,
)
