"""The elementary functions: exponentials, logarithms, trigonometric and hyperbolic functions and their
inverses.
"""

from __future__ import annotations

import numpy as np

from chainrule.core.primitive import Formula
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
)
exp2_p = unary(
    "exp2",
    np.exp2,
    lambda g, ans, x: g * (ans * LN2),
    rule="exponential rule",
    notation="(2^x)' = 2^x ln 2",
    numpy=np.exp2,
    formula=Formula("exp2", rewrite="2^x"),
)
expm1_p = unary(
    "expm1",
    np.expm1,
    lambda g, ans, x: g * (ans + 1.0),
    rule="exponential rule",
    notation="expm1' = exp",
    numpy=np.expm1,
    formula=Formula("expm1", rewrite="exp(x) - 1"),
)
log_p = unary(
    "log",
    np.log,
    lambda g, ans, x: g * (1.0 / x),
    rule="logarithm rule",
    notation="ln'(x) = 1/x",
    numpy=np.log,
    formula=Formula("log", latex=r"\ln", aliases=("ln",), values={1: 0}, power_on_name=True),
)
log2_p = unary(
    "log2",
    np.log2,
    lambda g, ans, x: g * (1.0 / (x * LN2)),
    rule="logarithm rule",
    notation="log2'(x) = 1/(x ln 2)",
    numpy=np.log2,
    formula=Formula("log2", rewrite="log(x)/log(2)"),
)
log10_p = unary(
    "log10",
    np.log10,
    lambda g, ans, x: g * (1.0 / (x * LN10)),
    rule="logarithm rule",
    notation="log10'(x) = 1/(x ln 10)",
    numpy=np.log10,
    formula=Formula("log10", rewrite="log(x)/log(10)"),
)
log1p_p = unary(
    "log1p",
    np.log1p,
    lambda g, ans, x: g * (1.0 / (1.0 + x)),
    rule="logarithm rule",
    notation="log1p'(x) = 1/(1+x)",
    numpy=np.log1p,
    formula=Formula("log1p", rewrite="log(1 + x)"),
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

# ---------------------------------------------------------------- trigonometric

sin_p = unary(
    "sin",
    np.sin,
    lambda g, ans, x: g * np.cos(x),
    rule="sine rule",
    notation="sin' = cos",
    numpy=np.sin,
    formula=Formula("sin", latex=r"\sin", values={0: 0}, power_on_name=True),
)
cos_p = unary(
    "cos",
    np.cos,
    lambda g, ans, x: g * -np.sin(x),
    rule="cosine rule",
    notation="cos' = -sin",
    numpy=np.cos,
    formula=Formula("cos", latex=r"\cos", values={0: 1}, power_on_name=True),
)
tan_p = unary(
    "tan",
    np.tan,
    lambda g, ans, x: g * (1.0 + ans * ans),
    rule="tangent rule",
    notation="tan' = 1 + tan^2",
    numpy=np.tan,
    formula=Formula("tan", latex=r"\tan", values={0: 0}, power_on_name=True),
)
arcsin_p = unary(
    "arcsin",
    np.arcsin,
    lambda g, ans, x: g * (1.0 / np.sqrt(1.0 - x * x)),
    rule="inverse sine rule",
    notation="asin'(x) = 1/sqrt(1-x^2)",
    numpy=np.arcsin,
    formula=Formula("asin", latex=r"\arcsin", aliases=("arcsin",), values={0: 0}),
)
arccos_p = unary(
    "arccos",
    np.arccos,
    lambda g, ans, x: g * (-1.0 / np.sqrt(1.0 - x * x)),
    rule="inverse cosine rule",
    notation="acos'(x) = -1/sqrt(1-x^2)",
    numpy=np.arccos,
    formula=Formula("acos", latex=r"\arccos", aliases=("arccos",), values={1: 0}),
)
arctan_p = unary(
    "arctan",
    np.arctan,
    lambda g, ans, x: g * (1.0 / (1.0 + x * x)),
    rule="inverse tangent rule",
    notation="atan'(x) = 1/(1+x^2)",
    numpy=np.arctan,
    formula=Formula("atan", latex=r"\arctan", aliases=("arctan",), values={0: 0}),
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
)
cosh_p = unary(
    "cosh",
    np.cosh,
    lambda g, ans, x: g * np.sinh(x),
    rule="hyperbolic rule",
    notation="cosh' = sinh",
    numpy=np.cosh,
    formula=Formula("cosh", latex=r"\cosh", values={0: 1}, power_on_name=True),
)
tanh_p = unary(
    "tanh",
    np.tanh,
    lambda g, ans, x: g * (1.0 - ans * ans),
    rule="hyperbolic rule",
    notation="tanh' = 1 - tanh^2",
    numpy=np.tanh,
    formula=Formula("tanh", latex=r"\tanh", values={0: 0}, power_on_name=True),
)
arcsinh_p = unary(
    "arcsinh",
    np.arcsinh,
    lambda g, ans, x: g * (1.0 / np.sqrt(x * x + 1.0)),
    rule="inverse hyperbolic rule",
    notation="asinh'(x) = 1/sqrt(x^2+1)",
    numpy=np.arcsinh,
    formula=Formula("asinh", latex=r"\operatorname{arsinh}", aliases=("arcsinh", "arsinh"), values={0: 0}),
)
arccosh_p = unary(
    "arccosh",
    np.arccosh,
    lambda g, ans, x: g * (1.0 / np.sqrt(x * x - 1.0)),
    rule="inverse hyperbolic rule",
    notation="acosh'(x) = 1/sqrt(x^2-1)",
    numpy=np.arccosh,
    formula=Formula("acosh", latex=r"\operatorname{arcosh}", aliases=("arccosh", "arcosh"), values={1: 0}),
)
arctanh_p = unary(
    "arctanh",
    np.arctanh,
    lambda g, ans, x: g * (1.0 / (1.0 - x * x)),
    rule="inverse hyperbolic rule",
    notation="atanh'(x) = 1/(1-x^2)",
    numpy=np.arctanh,
    formula=Formula("atanh", latex=r"\operatorname{artanh}", aliases=("arctanh", "artanh"), values={0: 0}),
)
