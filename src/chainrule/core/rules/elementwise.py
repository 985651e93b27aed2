"""Elementwise primitives: arithmetic, powers, exponentials, logarithms, trigonometric and hyperbolic
functions, and the piecewise-linear ones with kinks.

Each row names the derivative once, as ``deriv(ans, x)`` (or one per operand for binary functions); the
factories turn it into a reverse rule ``g * deriv`` (summed back over broadcast axes) and a forward rule
``t * deriv``. Derivatives are written with NumPy calls, so on traced values they record and differentiate
again.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core.primitive import Primitive
from chainrule.core.rules._util import (
    concrete,
    safe_divide,
    shape_of,
    unbroadcast,
    unbroadcast_like,
    zero_rule,
)

Deriv = Callable[..., Any]

LN2 = float(np.log(2.0))
LN10 = float(np.log(10.0))


def unary(
    name: str,
    impl: Callable[..., Any],
    scale: Deriv,
    *,
    rule: str,
    notation: str,
    kink: str | None = None,
) -> Primitive:
    """A primitive of one operand; ``scale(g, ans, x)`` multiplies ``g`` by the derivative at ``x``.

    For an elementwise function the reverse rule (cotangent times derivative) and the forward rule (tangent
    times derivative) are the same product, so one function serves as both.
    """
    return Primitive(name, impl, vjp=(scale,), jvp=(scale,), rule=rule, notation=notation, kink=kink)


def binary(
    name: str,
    impl: Callable[..., Any],
    dx: Deriv,
    dy: Deriv,
    *,
    rule: str,
    notation: str,
    kink: str | None = None,
) -> Primitive:
    """A broadcasting primitive of two operands with partial derivatives ``dx`` and ``dy``."""
    return Primitive(
        name,
        impl,
        vjp=(
            lambda g, ans, x, y: unbroadcast_like(g * dx(ans, x, y), x),
            lambda g, ans, x, y: unbroadcast_like(g * dy(ans, x, y), y),
        ),
        jvp=(
            lambda t, ans, x, y: t * dx(ans, x, y),
            lambda t, ans, x, y: t * dy(ans, x, y),
        ),
        rule=rule,
        notation=notation,
        kink=kink,
    )


def piecewise_constant(name: str, impl: Callable[..., Any]) -> Primitive:
    """A function that is constant between jumps (sign, floor): derivative zero wherever it exists."""
    return Primitive(
        name,
        impl,
        vjp=(zero_rule,),
        jvp=(zero_rule,),
        rule="constant rule",
        notation=f"{name}'(x) = 0",
        kink=f"{name} jumps; the derivative is taken as 0 everywhere",
    )


# ---------------------------------------------------------------- arithmetic

# The arithmetic primitives run through Python's operators: on arrays that is the same ufunc call, and on
# NumPy scalars (graphs of 0-d values, micrograd style) it takes NumPy's scalar fast path, over ten times
# quicker than calling the ufunc.
add_p = Primitive(
    "add",
    operator.add,
    vjp=(
        lambda g, ans, x, y: unbroadcast_like(g, x),
        lambda g, ans, x, y: unbroadcast_like(g, y),
    ),
    jvp=(lambda t, ans, x, y: t, lambda t, ans, x, y: t),
    rule="sum rule",
    notation="(f + g)' = f' + g'",
)
subtract_p = Primitive(
    "subtract",
    operator.sub,
    vjp=(
        lambda g, ans, x, y: unbroadcast_like(g, x),
        lambda g, ans, x, y: unbroadcast_like(-g, y),
    ),
    jvp=(lambda t, ans, x, y: t, lambda t, ans, x, y: -t),
    rule="difference rule",
    notation="(f - g)' = f' - g'",
)


# The commonest rules of all, spelled out (rather than through unbroadcast_like): the cotangent of one
# factor of a product is g times the other factor, summed back to the factor's shape.
def _product_vjp_x(g: Any, ans: Any, x: Any, y: Any) -> Any:
    ct = g * y
    if type(y) is float or ct.shape == x.shape:  # a Python number never broadcasts x
        return ct
    return unbroadcast(ct, shape_of(x))


def _product_vjp_y(g: Any, ans: Any, x: Any, y: Any) -> Any:
    ct = g * x
    if type(x) is float or ct.shape == y.shape:
        return ct
    return unbroadcast(ct, shape_of(y))


multiply_p = Primitive(
    "multiply",
    operator.mul,
    vjp=(_product_vjp_x, _product_vjp_y),
    jvp=(lambda t, ans, x, y: t * y, lambda t, ans, x, y: x * t),
    rule="product rule",
    notation="(f g)' = f' g + f g'",
)
divide_p = Primitive(
    "divide",
    operator.truediv,
    vjp=(
        lambda g, ans, x, y: unbroadcast_like(g / y, x),
        lambda g, ans, x, y: unbroadcast_like(-g * ans / y, y),
    ),
    jvp=(lambda t, ans, x, y: t / y, lambda t, ans, x, y: -t * ans / y),
    rule="quotient rule",
    notation="(f / g)' = (f' g - f g') / g^2",
)
negative_p = unary(
    "negative",
    np.negative,
    lambda g, ans, x: -g,
    rule="constant multiple rule",
    notation="(-f)' = -f'",
)
positive_p = unary("positive", np.positive, lambda g, ans, x: g, rule="identity", notation="(+f)' = f'")
reciprocal_p = unary(
    "reciprocal",
    np.reciprocal,
    lambda g, ans, x: g * (-(ans * ans)),
    rule="reciprocal rule",
    notation="(1/x)' = -1/x^2",
)


def _log_base(x: Any) -> Any:
    # d/dy x**y = x**y log x; at x == 0 the limit (for y > 0) is 0, so log is replaced by 0 there.
    return np.log(np.where(x == 0, 1.0, x))


def _power_dx(ans: Any, x: Any, y: Any) -> Any:
    return y * x ** (y - 1)


power_p = binary(
    "power",
    operator.pow,
    _power_dx,
    lambda ans, x, y: ans * _log_base(x),
    rule="power rule",
    notation="(x^n)' = n x^(n-1); (a^x)' = a^x ln a",
)
float_power_p = binary(
    "float_power",
    np.float_power,
    lambda ans, x, y: y * np.float_power(x, y - 1),
    lambda ans, x, y: ans * _log_base(x),
    rule="power rule",
    notation="(x^n)' = n x^(n-1)",
)
square_p = unary(
    "square", np.square, lambda g, ans, x: g * (2.0 * x), rule="power rule", notation="(x^2)' = 2x"
)
sqrt_p = unary(
    "sqrt",
    np.sqrt,
    lambda g, ans, x: g * (0.5 / ans),
    rule="power rule",
    notation="sqrt'(x) = 1/(2 sqrt(x))",
)
cbrt_p = unary(
    "cbrt",
    np.cbrt,
    lambda g, ans, x: g * (1.0 / (3.0 * ans * ans)),
    rule="power rule",
    notation="cbrt'(x) = 1/(3 x^(2/3))",
)

# ---------------------------------------------------------------- exponentials and logarithms

exp_p = unary("exp", np.exp, lambda g, ans, x: g * ans, rule="exponential rule", notation="exp'(x) = exp(x)")
exp2_p = unary(
    "exp2",
    np.exp2,
    lambda g, ans, x: g * (ans * LN2),
    rule="exponential rule",
    notation="(2^x)' = 2^x ln 2",
)
expm1_p = unary(
    "expm1",
    np.expm1,
    lambda g, ans, x: g * (ans + 1.0),
    rule="exponential rule",
    notation="expm1' = exp",
)
log_p = unary("log", np.log, lambda g, ans, x: g * (1.0 / x), rule="logarithm rule", notation="ln'(x) = 1/x")
log2_p = unary(
    "log2",
    np.log2,
    lambda g, ans, x: g * (1.0 / (x * LN2)),
    rule="logarithm rule",
    notation="log2'(x) = 1/(x ln 2)",
)
log10_p = unary(
    "log10",
    np.log10,
    lambda g, ans, x: g * (1.0 / (x * LN10)),
    rule="logarithm rule",
    notation="log10'(x) = 1/(x ln 10)",
)
log1p_p = unary(
    "log1p",
    np.log1p,
    lambda g, ans, x: g * (1.0 / (1.0 + x)),
    rule="logarithm rule",
    notation="log1p'(x) = 1/(1+x)",
)
logaddexp_p = binary(
    "logaddexp",
    np.logaddexp,
    lambda ans, x, y: np.exp(x - ans),
    lambda ans, x, y: np.exp(y - ans),
    rule="chain rule",
    notation="d/dx log(e^x + e^y) = e^x / (e^x + e^y)",
)

# ---------------------------------------------------------------- trigonometric

sin_p = unary("sin", np.sin, lambda g, ans, x: g * np.cos(x), rule="sine rule", notation="sin' = cos")
cos_p = unary("cos", np.cos, lambda g, ans, x: g * -np.sin(x), rule="cosine rule", notation="cos' = -sin")
tan_p = unary(
    "tan",
    np.tan,
    lambda g, ans, x: g * (1.0 + ans * ans),
    rule="tangent rule",
    notation="tan' = 1 + tan^2",
)
arcsin_p = unary(
    "arcsin",
    np.arcsin,
    lambda g, ans, x: g * (1.0 / np.sqrt(1.0 - x * x)),
    rule="inverse sine rule",
    notation="asin'(x) = 1/sqrt(1-x^2)",
)
arccos_p = unary(
    "arccos",
    np.arccos,
    lambda g, ans, x: g * (-1.0 / np.sqrt(1.0 - x * x)),
    rule="inverse cosine rule",
    notation="acos'(x) = -1/sqrt(1-x^2)",
)
arctan_p = unary(
    "arctan",
    np.arctan,
    lambda g, ans, x: g * (1.0 / (1.0 + x * x)),
    rule="inverse tangent rule",
    notation="atan'(x) = 1/(1+x^2)",
)
arctan2_p = binary(
    "arctan2",
    np.arctan2,
    lambda ans, y, x: x / (x * x + y * y),
    lambda ans, y, x: -y / (x * x + y * y),
    rule="inverse tangent rule",
    notation="d atan2(y, x) = (x dy - y dx) / (x^2 + y^2)",
)

# ---------------------------------------------------------------- hyperbolic

sinh_p = unary(
    "sinh",
    np.sinh,
    lambda g, ans, x: g * np.cosh(x),
    rule="hyperbolic rule",
    notation="sinh' = cosh",
)
cosh_p = unary(
    "cosh",
    np.cosh,
    lambda g, ans, x: g * np.sinh(x),
    rule="hyperbolic rule",
    notation="cosh' = sinh",
)
tanh_p = unary(
    "tanh",
    np.tanh,
    lambda g, ans, x: g * (1.0 - ans * ans),
    rule="hyperbolic rule",
    notation="tanh' = 1 - tanh^2",
)
arcsinh_p = unary(
    "arcsinh",
    np.arcsinh,
    lambda g, ans, x: g * (1.0 / np.sqrt(x * x + 1.0)),
    rule="inverse hyperbolic rule",
    notation="asinh'(x) = 1/sqrt(x^2+1)",
)
arccosh_p = unary(
    "arccosh",
    np.arccosh,
    lambda g, ans, x: g * (1.0 / np.sqrt(x * x - 1.0)),
    rule="inverse hyperbolic rule",
    notation="acosh'(x) = 1/sqrt(x^2-1)",
)
arctanh_p = unary(
    "arctanh",
    np.arctanh,
    lambda g, ans, x: g * (1.0 / (1.0 - x * x)),
    rule="inverse hyperbolic rule",
    notation="atanh'(x) = 1/(1-x^2)",
)

# ---------------------------------------------------------------- kinks and jumps

absolute_p = unary(
    "absolute",
    np.absolute,
    lambda g, ans, x: g * np.sign(x),
    rule="absolute value rule",
    notation="|x|' = sign(x)",
    kink="abs'(0) = 0, a point of the subdifferential [-1, 1]",
)
sign_p = piecewise_constant("sign", np.sign)
floor_p = piecewise_constant("floor", np.floor)
ceil_p = piecewise_constant("ceil", np.ceil)
rint_p = piecewise_constant("rint", np.rint)
trunc_p = piecewise_constant("trunc", np.trunc)


def _max_weight(x: Any, y: Any) -> Any:
    """d maximum(x, y) / dx: 1 where x wins, 1/2 on ties (the two operands share the gradient)."""
    return np.where(x > y, 1.0, np.where(x == y, 0.5, 0.0))


def _fmax_weight(x: Any, y: Any) -> Any:
    """Like :func:`_max_weight`, but a NaN operand loses, as ``np.fmax`` ignores it."""
    return np.where(np.isnan(y), 1.0, np.where(np.isnan(x), 0.0, _max_weight(x, y)))


_TIES = "ties split the gradient 1/2, 1/2 (the midpoint of the subdifferential)"
maximum_p = binary(
    "maximum",
    np.maximum,
    lambda ans, x, y: _max_weight(x, y),
    lambda ans, x, y: _max_weight(y, x),
    rule="maximum rule",
    notation="d max(x, y) = dx where x > y, dy where y > x",
    kink=_TIES,
)
minimum_p = binary(
    "minimum",
    np.minimum,
    lambda ans, x, y: _max_weight(y, x),
    lambda ans, x, y: _max_weight(x, y),
    rule="minimum rule",
    notation="d min(x, y) = dx where x < y, dy where y < x",
    kink=_TIES,
)
fmax_p = binary(
    "fmax",
    np.fmax,
    lambda ans, x, y: _fmax_weight(x, y),
    lambda ans, x, y: _fmax_weight(y, x),
    rule="maximum rule",
    notation="d fmax(x, y) = dx where x > y or y is NaN",
    kink=_TIES,
)
fmin_p = binary(
    "fmin",
    np.fmin,
    lambda ans, x, y: _fmax_weight(-x, -y),
    lambda ans, x, y: _fmax_weight(-y, -x),
    rule="minimum rule",
    notation="d fmin(x, y) = dx where x < y or y is NaN",
    kink=_TIES,
)
hypot_p = binary(
    "hypot",
    np.hypot,
    lambda ans, x, y: safe_divide(x, ans),
    lambda ans, x, y: safe_divide(y, ans),
    rule="chain rule",
    notation="d hypot(x, y) = (x dx + y dy) / hypot(x, y)",
    kink="the gradient at (0, 0) is taken as 0, as for norm'(0)",
)


def _where(condition: Any, x: Any, y: Any) -> Any:
    return np.where(condition, x, y)


where_p = Primitive(
    "where",
    _where,
    vjp=(
        None,
        lambda g, ans, c, x, y: unbroadcast_like(np.where(c, g, 0.0), x),
        lambda g, ans, c, x, y: unbroadcast_like(np.where(c, 0.0, g), y),
    ),
    jvp=(
        None,
        lambda t, ans, c, x, y: np.where(c, t, 0.0),
        lambda t, ans, c, x, y: np.where(c, 0.0, t),
    ),
    rule="piecewise rule",
    notation="each branch's derivative where that branch is chosen",
)


def _astype(x: Any, *, dtype: Any) -> Any:
    return np.asarray(x).astype(dtype)


astype_p = Primitive(
    "astype", _astype, rule="identity", notation="a change of precision does not change the derivative"
)
astype_p.vjp = (lambda g, ans, x, *, dtype: astype_p(g, dtype=np.result_type(concrete(x))),)
astype_p.jvp = (lambda t, ans, x, *, dtype: astype_p(t, dtype=dtype),)
astype_p.differentiable = True
