"""Functions with kinks and jumps: abs, sign, roundings, step functions, maximum and minimum, hypot, where.

Every kink policy of chainrule (DESIGN.md) is stated here and in the norms, reductions and relu rows, once:
each row's ``kink`` says where its function is not differentiable, which slopes are subderivatives there and
which one chainrule takes. The tie rules of maximum and minimum, and relu's, are the step function
:data:`step_p`; it compares its operands rather than subtracting them, so a tie of infinities stays a tie.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.batch_rules import elementwise
from chainrule.core.primitive import Formula, Primitive
from chainrule.core.rules._util import (
    concrete,
    safe_divide,
    shape_of,
    unbroadcast_like,
    zero_rule,
)
from chainrule.core.rules.complex_parts import abs_jvp, abs_vjp
from chainrule.core.rules.elementwise import binary, piecewise_constant, unary

# ---------------------------------------------------------------- step functions


def _step(x: Any, y: Any, tie: Any) -> Any:
    """1 where x > y, ``tie`` where x == y, 0 where x < y (and where either is NaN), in x's precision."""
    if not isinstance(x, np.ndarray) and not isinstance(y, np.ndarray) and not isinstance(tie, np.ndarray):
        # scalars (graphs of 0-d values): no array machinery, and a NumPy scalar like the values
        value = 1.0 if x > y else (tie if x == y else 0.0)
        return type(x)(value) if isinstance(x, np.floating) else np.float64(value)
    dtype = x.dtype if isinstance(x, np.ndarray) and x.dtype.kind == "f" else np.result_type(x, y, 1.0)
    out = np.greater(x, y).astype(dtype)  # float32 stays float32
    if isinstance(tie, np.ndarray) or tie != 0:
        out = np.where(np.equal(x, y), tie, out)
    return out


def _tie_slope(x: Any, y: Any) -> Any:
    """d step(x, y, tie) / d tie: 1 where x == y, else 0."""
    return step_p(x, y, 1.0) - step_p(x, y, 0.0)


step_p = Primitive(
    "step",
    _step,
    # the zero cotangent of y has y's shape (zero_rule would give x's, which may broadcast against y)
    vjp=(
        zero_rule,
        lambda g, ans, x, y, tie: zero_rule(g, ans, y),
        lambda g, ans, x, y, tie: unbroadcast_like(g * _tie_slope(x, y), tie),
    ),
    jvp=(zero_rule, zero_rule, lambda t, ans, x, y, tie: t * _tie_slope(x, y)),
    rule="constant rule",
    notation="step'(x) = 0 away from x = y",
    kink="the step jumps where x = y; its derivative is taken as 0 everywhere, the jump included",
    formula=Formula(rewrite="heaviside(x - y, z)"),
    batch=elementwise,
)


def _heaviside_exact(x: Any, at_zero: Any) -> Any:
    return 1 if x > 0 else (0 if x < 0 else at_zero)


heaviside_p = Primitive(
    "heaviside",
    lambda x, at_zero: _step(x, 0.0, at_zero),
    vjp=(zero_rule, lambda g, ans, x, h: unbroadcast_like(g * _tie_slope(x, 0.0), h)),
    jvp=(zero_rule, lambda t, ans, x, h: t * _tie_slope(x, 0.0)),
    rule="constant rule",
    notation="H'(x) = 0 away from 0",
    kink="H jumps at 0; its derivative is taken as 0 everywhere, the jump included",
    numpy=np.heaviside,
    formula=Formula(
        "heaviside", latex=r"H_{{{y}}}\left({x}\right)", sympy="Heaviside", exact=_heaviside_exact
    ),
    batch=elementwise,
)

# ---------------------------------------------------------------- kinks and jumps

absolute_p = Primitive(
    "absolute",
    np.absolute,
    vjp=(abs_vjp,),
    jvp=(abs_jvp,),
    rule="absolute value rule",
    notation="|x|' = sign(x)",
    kink="|x| has a corner at x = 0, where every slope in [-1, 1] is a subderivative; "
    "chainrule takes abs'(0) = 0",
    numpy=np.absolute,
    formula=Formula("abs", latex=r"\left|{x}\right|", sympy="Abs", exact=abs),
    complex="written",
    batch=elementwise,
)
fabs_p = unary(
    "fabs",
    np.fabs,
    lambda g, ans, x: g * np.sign(x),
    rule="absolute value rule",
    notation="fabs'(x) = sign(x)",
    kink="|x| has a corner at x = 0, where every slope in [-1, 1] is a subderivative; "
    "chainrule takes fabs'(0) = 0",
    numpy=np.fabs,
    formula=Formula("fabs", rewrite="abs(x)"),
)
sign_p = piecewise_constant(
    "sign",
    np.sign,
    kink="sign jumps at 0; its derivative is taken as 0 everywhere, the jump included",
    numpy=np.sign,
    formula=Formula("sign", latex=r"\operatorname{sign}", exact=lambda v: (v > 0) - (v < 0)),
)
floor_p = piecewise_constant(
    "floor",
    np.floor,
    kink="floor jumps at each integer; its derivative is taken as 0 there",
    numpy=np.floor,
    formula=Formula("floor", latex=r"\left\lfloor {x} \right\rfloor", exact=lambda v: v // 1),
)
ceil_p = piecewise_constant(
    "ceil",
    np.ceil,
    kink="ceil jumps at each integer; its derivative is taken as 0 there",
    numpy=np.ceil,
    formula=Formula(
        "ceil", latex=r"\left\lceil {x} \right\rceil", sympy="ceiling", exact=lambda v: -(-v // 1)
    ),
)
rint_p = piecewise_constant(
    "rint",
    np.rint,
    kink="rint jumps halfway between integers; its derivative is taken as 0 there",
    numpy=np.rint,
    formula=Formula("round", aliases=("rint",), sympy="", exact=round),
)
trunc_p = piecewise_constant(
    "trunc",
    np.trunc,
    kink="trunc jumps at each nonzero integer; its derivative is taken as 0 there",
    numpy=np.trunc,
    formula=Formula("trunc", sympy="", meaning="sign(x)*floor(abs(x))", exact=int),
)


# ---------------------------------------------------------------- remainders and quotients


def _zero_partial(i: int) -> Any:
    """The reverse rule of an operand a function does not vary with (between its jumps)."""
    return lambda g, ans, *args: np.zeros(shape_of(args[i]), dtype=np.result_type(concrete(g)))


floor_divide_p = Primitive(
    "floor_divide",
    np.floor_divide,
    vjp=(_zero_partial(0), _zero_partial(1)),
    jvp=(lambda t, ans, x, y: t * 0.0, lambda t, ans, x, y: t * 0.0),
    rule="constant rule",
    notation="floor(x / y)' = 0 away from its jumps",
    kink="x // y jumps where x / y is a whole number; its derivative is taken as 0 everywhere, the jumps "
    "included",
    numpy=np.floor_divide,
    batch=elementwise,
)


def _quotient(x: Any, y: Any, ans: Any) -> Any:
    """The whole number n of y's that x - n y took away (np.remainder's and np.fmod's): a constant.

    Read from the values, as (x - ans) / y rounded: x - floor(x / y) y would be off by one y where x / y
    rounds up to a whole number (1 % 0.1 is 0.0999..., so n is 9, not floor(1 / 0.1) = 10).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.rint((concrete(x) - concrete(ans)) / concrete(y))


_REMAINDER_JUMPS = (
    "{f} jumps by |y| where x / y crosses a whole number ({where}); away from the jumps its partial "
    "derivatives are 1 in x and -n in y, n the whole number of y's taken away, and chainrule takes those of "
    "the piece the point is on (the jumps' own derivative taken as 0)"
)
remainder_p = binary(
    "remainder",
    np.remainder,
    lambda ans, x, y: 1.0,
    lambda ans, x, y: -_quotient(x, y, ans),
    rule="remainder rule",
    notation="d (x mod y) = dx - floor(x / y) dy",
    kink=_REMAINDER_JUMPS.format(f="x mod y (the sign of y)", where="x mod y = 0 there"),
    numpy=np.remainder,
)
fmod_p = binary(
    "fmod",
    np.fmod,
    lambda ans, x, y: 1.0,
    lambda ans, x, y: -_quotient(x, y, ans),
    rule="remainder rule",
    notation="d fmod(x, y) = dx - trunc(x / y) dy",
    kink=_REMAINDER_JUMPS.format(f="fmod(x, y) (the sign of x)", where="fmod(x, y) = 0 there"),
    numpy=np.fmod,
)


def _copysign_slope(x: Any, y: Any) -> Any:
    return np.sign(x) * np.copysign(1.0, y)


copysign_p = Primitive(
    "copysign",
    np.copysign,
    vjp=(lambda g, ans, x, y: unbroadcast_like(g * _copysign_slope(x, y), x), _zero_partial(1)),
    jvp=(lambda t, ans, x, y: t * _copysign_slope(x, y), lambda t, ans, x, y: t * 0.0),
    rule="absolute value rule",
    notation="d copysign(x, y) = sign(x) sign(y) dx",
    kink="copysign(x, y) = |x| sign(y) has a corner at x = 0, where chainrule takes 0 (as abs'(0) = 0), and "
    "jumps where y changes sign (the sign bit: -0.0 counts as negative); its derivative in y is taken as 0 "
    "everywhere, the jump included",
    numpy=np.copysign,
    batch=elementwise,
)


def _max_weight(x: Any, y: Any) -> Any:
    """d maximum(x, y) / dx: 1 where x wins, 1/2 on ties (the two operands share the gradient)."""
    return step_p(x, y, 0.5)


def _fmax_weight(x: Any, y: Any) -> Any:
    """Like :func:`_max_weight`, but a NaN operand loses, as ``np.fmax`` ignores it."""
    return np.where(np.isnan(y), 1.0, np.where(np.isnan(x), 0.0, _max_weight(x, y)))


_TIES = (
    "where x = y, the subderivatives are the segment between the two operands' derivatives; chainrule "
    "splits the tie 1/2, 1/2 (its midpoint), so that max(x, x)' = min(x, x)' = 1"
)
maximum_p = binary(
    "maximum",
    np.maximum,
    lambda ans, x, y: _max_weight(x, y),
    lambda ans, x, y: _max_weight(y, x),
    rule="maximum rule",
    notation="d max(x, y) = dx where x > y, dy where y > x",
    kink=_TIES,
    numpy=np.maximum,
    formula=Formula("max", latex=r"\max", sympy="Max", exact=max),
)
minimum_p = binary(
    "minimum",
    np.minimum,
    lambda ans, x, y: _max_weight(y, x),
    lambda ans, x, y: _max_weight(x, y),
    rule="minimum rule",
    notation="d min(x, y) = dx where x < y, dy where y < x",
    kink=_TIES,
    numpy=np.minimum,
    formula=Formula("min", latex=r"\min", sympy="Min", exact=min),
)
fmax_p = binary(
    "fmax",
    np.fmax,
    lambda ans, x, y: _fmax_weight(x, y),
    lambda ans, x, y: _fmax_weight(y, x),
    rule="maximum rule",
    notation="d fmax(x, y) = dx where x > y or y is NaN",
    kink=_TIES,
    numpy=np.fmax,
    formula=Formula(rewrite="max(x, y)"),
)
fmin_p = binary(
    "fmin",
    np.fmin,
    lambda ans, x, y: _fmax_weight(-x, -y),
    lambda ans, x, y: _fmax_weight(-y, -x),
    rule="minimum rule",
    notation="d fmin(x, y) = dx where x < y or y is NaN",
    kink=_TIES,
    numpy=np.fmin,
    formula=Formula(rewrite="min(x, y)"),
)
hypot_p = binary(
    "hypot",
    np.hypot,
    lambda ans, x, y: safe_divide(x, ans),
    lambda ans, x, y: safe_divide(y, ans),
    rule="chain rule",
    notation="d hypot(x, y) = (x dx + y dy) / hypot(x, y)",
    kink="hypot has a corner at (0, 0), where every vector of the unit disc is a subgradient; chainrule "
    "takes 0, as for norm'(0)",
    numpy=np.hypot,
    formula=Formula("hypot", rewrite="sqrt(x^2 + y^2)"),
)

# ---------------------------------------------------------------- selection


def _where(condition: Any, x: Any, y: Any) -> Any:
    return np.where(condition, x, y)


def _numpy_where(prim: Primitive, condition: Any, x: Any = None, y: Any = None) -> Any:
    if x is None and y is None:
        return np.nonzero(concrete(condition))
    return prim(concrete(condition), x, y)


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
    numpy={np.where: _numpy_where},
    formula=Formula("piecewise", aliases=("where",), sympy="Piecewise"),
    complex="holomorphic",
    batch=elementwise,
)
