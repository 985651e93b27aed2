"""Arithmetic and powers: + - * /, negation, reciprocals, powers and roots, and changes of precision.

Formulas write these as sums, products and powers (the ``rewrite`` of each row), not as function nodes.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from chainrule.core.batch_rules import elementwise, product, quotient
from chainrule.core.primitive import Formula, Primitive
from chainrule.core.rules._util import concrete, shape_of, unbroadcast, unbroadcast_like
from chainrule.core.rules.elementwise import binary, unary
from chainrule.errors import ChainruleTypeError

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
    numpy=np.add,
    formula=Formula(rewrite="x + y"),
    complex="holomorphic",
    batch=elementwise,
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
    numpy=np.subtract,
    formula=Formula(rewrite="x - y"),
    complex="holomorphic",
    batch=elementwise,
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
    numpy=np.multiply,
    formula=Formula(rewrite="x*y"),
    complex="holomorphic",
    batch=product,
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
    numpy=(np.divide, np.true_divide),
    formula=Formula(rewrite="x/y"),
    complex="holomorphic",
    batch=quotient,
)
negative_p = unary(
    "negative",
    np.negative,
    lambda g, ans, x: -g,
    rule="constant multiple rule",
    notation="(-f)' = -f'",
    numpy=np.negative,
    formula=Formula(rewrite="-x"),
    complex="holomorphic",
)
positive_p = unary(
    "positive",
    np.positive,
    lambda g, ans, x: g,
    rule="identity",
    notation="(+f)' = f'",
    numpy=np.positive,
    formula=Formula(rewrite="x"),
    complex="holomorphic",
)
reciprocal_p = unary(
    "reciprocal",
    np.reciprocal,
    lambda g, ans, x: g * (-(ans * ans)),
    rule="reciprocal rule",
    notation="(1/x)' = -1/x^2",
    numpy=np.reciprocal,
    formula=Formula(rewrite="1/x"),
    complex="holomorphic",
)

# degrees and radians: multiplication by a constant
DEGREE = float(np.pi / 180.0)
RADIAN = float(180.0 / np.pi)
deg2rad_p = unary(
    "deg2rad",
    np.deg2rad,
    lambda g, ans, x: g * DEGREE,
    rule="constant multiple rule",
    notation="deg2rad'(x) = pi/180",
    numpy=(np.deg2rad, np.radians),
    formula=Formula("deg2rad", aliases=("radians",), rewrite="pi*x/180"),
)
rad2deg_p = unary(
    "rad2deg",
    np.rad2deg,
    lambda g, ans, x: g * RADIAN,
    rule="constant multiple rule",
    notation="rad2deg'(x) = 180/pi",
    numpy=(np.rad2deg, np.degrees),
    formula=Formula("rad2deg", aliases=("degrees",), rewrite="180*x/pi"),
)

# ---------------------------------------------------------------- powers and roots


def _log_base(x: Any) -> Any:
    # d/dy x**y = x**y log x; at x == 0 the limit (for y > 0) is 0, so log is replaced by 0 there.
    return np.log(np.where(x == 0, 1.0, x))


def _safe_base(x: Any, y: Any) -> Any:
    # y x^(y-1) is 0 * inf at x = 0 for y = 0, where d/dx x^0 = d/dx 1 = 0: the base is taken as 1 where
    # y == 0, which keeps every higher derivative 0 there too (no path multiplies 0 by inf)
    try:
        exponent = concrete(y)
    except ChainruleTypeError:  # a symbolic exponent, which has no value; formulas simplify x^0 to 1
        return x
    if isinstance(exponent, int | float | np.ndarray | np.generic) and np.any(exponent == 0):
        return np.where(exponent == 0, 1.0, x)
    return x


def _power_dx(ans: Any, x: Any, y: Any) -> Any:
    return y * _safe_base(x, y) ** (y - 1)


power_p = binary(
    "power",
    operator.pow,
    _power_dx,
    lambda ans, x, y: ans * _log_base(x),
    rule="power rule",
    notation="(x^n)' = n x^(n-1); (a^x)' = a^x ln a",
    numpy=np.power,
    formula=Formula(rewrite="x^y"),
    complex="holomorphic",
)
float_power_p = binary(
    "float_power",
    np.float_power,
    lambda ans, x, y: y * np.float_power(_safe_base(x, y), y - 1),
    lambda ans, x, y: ans * _log_base(x),
    rule="power rule",
    notation="(x^n)' = n x^(n-1)",
    numpy=np.float_power,
    formula=Formula(rewrite="x^y"),
    complex="holomorphic",
)
square_p = unary(
    "square",
    np.square,
    lambda g, ans, x: g * (2.0 * x),
    rule="power rule",
    notation="(x^2)' = 2x",
    numpy=np.square,
    formula=Formula(rewrite="x^2"),
    complex="holomorphic",
)
sqrt_p = unary(
    "sqrt",
    np.sqrt,
    lambda g, ans, x: g * (0.5 / ans),
    rule="power rule",
    notation="sqrt'(x) = 1/(2 sqrt(x))",
    numpy=np.sqrt,
    formula=Formula("sqrt", rewrite="x^(1/2)"),
    complex="holomorphic",
)
cbrt_p = unary(
    "cbrt",
    np.cbrt,
    lambda g, ans, x: g * (1.0 / (3.0 * ans * ans)),
    rule="power rule",
    notation="cbrt'(x) = 1/(3 x^(2/3))",
    numpy=np.cbrt,
    formula=Formula(
        "cbrt",
        latex=r"\sqrt[3]{{{x}}}",
        sympy="",
        meaning="sign(x)*abs(x)^(1/3)",
        values={0: 0, 1: 1, -1: -1},
    ),
)

# ---------------------------------------------------------------- precision


def _astype(x: Any, *, dtype: Any) -> Any:
    x = np.asarray(x)
    if x.dtype.kind == "c" and np.dtype(dtype).kind != "c":
        x = x.real  # complex to real keeps the real part (NumPy's cast, without its warning)
    return x.astype(dtype)


astype_p: Primitive = Primitive(
    "astype",
    _astype,
    vjp=(lambda g, ans, x, *, dtype: astype_p(g, dtype=np.result_type(concrete(x))),),
    jvp=(lambda t, ans, x, *, dtype: astype_p(t, dtype=dtype),),
    rule="identity",
    notation="a change of precision does not change the derivative",
    complex="written",
    batch=elementwise,
)


def cast(x: Any, dtype: Any) -> Any:
    """``x`` in ``dtype`` (NumPy's ``dtype=`` option), recorded as a change of precision."""
    if dtype is None or np.dtype(dtype) == np.result_type(concrete(x)):
        return x
    return astype_p(x, dtype=dtype)
