"""How NumPy calls on traced values map onto primitives.

``UFUNCS`` maps each differentiable ufunc to its primitive, ``COMPARISONS`` lists the ufuncs whose result is
not differentiable (they return plain arrays), and ``FUNCTIONS`` maps NumPy functions (``np.sum``,
``np.linalg.solve`` ...) to handlers written with primitives. A NumPy call that is in none of them raises
:class:`~chainrule.errors.UnsupportedOperationError` naming the function.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core.primitive import Primitive
from chainrule.core.rules import elementwise as ew
from chainrule.core.rules import linalg as la
from chainrule.core.rules import norms as nm
from chainrule.core.rules import reductions as red
from chainrule.core.rules import shape as sh
from chainrule.core.rules._util import concrete, normalize_axes, shape_of
from chainrule.errors import UnsupportedOperationError

__all__ = ["COMPARISONS", "FUNCTIONS", "UFUNCS", "UFUNC_METHODS", "function_name"]

UFUNCS: dict[np.ufunc, Primitive] = {
    np.add: ew.add_p,
    np.subtract: ew.subtract_p,
    np.multiply: ew.multiply_p,
    np.divide: ew.divide_p,
    np.true_divide: ew.divide_p,
    np.power: ew.power_p,
    np.float_power: ew.float_power_p,
    np.negative: ew.negative_p,
    np.positive: ew.positive_p,
    np.reciprocal: ew.reciprocal_p,
    np.square: ew.square_p,
    np.sqrt: ew.sqrt_p,
    np.cbrt: ew.cbrt_p,
    np.exp: ew.exp_p,
    np.exp2: ew.exp2_p,
    np.expm1: ew.expm1_p,
    np.log: ew.log_p,
    np.log2: ew.log2_p,
    np.log10: ew.log10_p,
    np.log1p: ew.log1p_p,
    np.logaddexp: ew.logaddexp_p,
    np.sin: ew.sin_p,
    np.cos: ew.cos_p,
    np.tan: ew.tan_p,
    np.arcsin: ew.arcsin_p,
    np.arccos: ew.arccos_p,
    np.arctan: ew.arctan_p,
    np.arctan2: ew.arctan2_p,
    np.sinh: ew.sinh_p,
    np.cosh: ew.cosh_p,
    np.tanh: ew.tanh_p,
    np.arcsinh: ew.arcsinh_p,
    np.arccosh: ew.arccosh_p,
    np.arctanh: ew.arctanh_p,
    np.absolute: ew.absolute_p,
    np.sign: ew.sign_p,
    np.floor: ew.floor_p,
    np.ceil: ew.ceil_p,
    np.rint: ew.rint_p,
    np.trunc: ew.trunc_p,
    np.maximum: ew.maximum_p,
    np.minimum: ew.minimum_p,
    np.fmax: ew.fmax_p,
    np.fmin: ew.fmin_p,
    np.hypot: ew.hypot_p,
    np.matmul: la.matmul_p,
}

COMPARISONS: frozenset[np.ufunc] = frozenset(
    {
        np.greater,
        np.greater_equal,
        np.less,
        np.less_equal,
        np.equal,
        np.not_equal,
        np.isfinite,
        np.isinf,
        np.isnan,
        np.signbit,
        np.logical_and,
        np.logical_or,
        np.logical_not,
        np.logical_xor,
    }
)

FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {}


def function_name(func: Callable[..., Any]) -> str:
    """``np.linalg.solve``-style name of a NumPy function, for error messages."""
    module = getattr(func, "__module__", None) or "numpy"
    public = [part for part in module.split(".") if not part.startswith("_")]
    public[0] = "np" if public[0] == "numpy" else public[0]
    return ".".join([*public, getattr(func, "__name__", repr(func))])


def implements(*funcs: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        for f in funcs:
            FUNCTIONS[f] = handler
        return handler

    return register


def _refuse(name: str, **options: Any) -> None:
    """Raise for NumPy options chainrule does not differentiate through (``out=``, ``where=``)."""
    for option, value in options.items():
        if value is not None and value is not np._NoValue:
            raise UnsupportedOperationError(
                f"{name}: the option {option}= is not supported on traced values"
                + (" (results are never written in place)" if option == "out" else "")
            )


def _cast(x: Any, dtype: Any) -> Any:
    return (
        x if dtype is None or np.dtype(dtype) == np.result_type(concrete(x)) else ew.astype_p(x, dtype=dtype)
    )


# ---------------------------------------------------------------- reductions


def _reduction(prim: Primitive, name: str) -> Callable[..., Any]:
    def handler(
        a: Any,
        axis: Any = None,
        dtype: Any = None,
        out: Any = None,
        keepdims: bool = False,
        initial: Any = None,
        where: Any = None,
    ) -> Any:
        _refuse(name, out=out, initial=initial, where=where)
        return prim(_cast(a, dtype), axis=_axis(axis), keepdims=bool(keepdims))

    return handler


def _axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


FUNCTIONS[np.sum] = _reduction(red.sum_p, "np.sum")
FUNCTIONS[np.prod] = _reduction(red.prod_p, "np.prod")


@implements(np.max, np.amax)
def _max(
    a: Any,
    axis: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = None,
) -> Any:
    _refuse("np.max", out=out, initial=initial, where=where)
    return red.amax_p(a, axis=_axis(axis), keepdims=bool(keepdims))


@implements(np.min, np.amin)
def _min(
    a: Any,
    axis: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = None,
) -> Any:
    _refuse("np.min", out=out, initial=initial, where=where)
    return red.amin_p(a, axis=_axis(axis), keepdims=bool(keepdims))


def _count(a: Any, axis: Any) -> int:
    shape = shape_of(a)
    if axis is None:
        return math.prod(shape)
    return math.prod(shape[i] for i in normalize_axes(axis, len(shape)))


@implements(np.mean)
def _mean(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    *,
    where: Any = None,
) -> Any:
    _refuse("np.mean", out=out, where=where)
    axis = _axis(axis)
    return red.sum_p(_cast(a, dtype), axis=axis, keepdims=bool(keepdims)) / _count(a, axis)


def _deviations(a: Any, axis: Any, dtype: Any, ddof: float, correction: Any) -> tuple[Any, Any, float]:
    """``a`` minus its mean along ``axis``, the axis, and the divisor n - ddof of var and std."""
    axis = _axis(axis)
    ddof = ddof if correction is None else correction
    a = _cast(a, dtype)
    return a - _mean(a, axis, keepdims=True), axis, _count(a, axis) - ddof


@implements(np.var)
def _var(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    *,
    where: Any = None,
    mean: Any = None,
    correction: Any = None,
) -> Any:
    _refuse("np.var", out=out, where=where, mean=mean)
    centered, axis, n = _deviations(a, axis, dtype, ddof, correction)
    return red.sum_p(centered * centered, axis=axis, keepdims=bool(keepdims)) / n


@implements(np.std)
def _std(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    *,
    where: Any = None,
    mean: Any = None,
    correction: Any = None,
) -> Any:
    # the norm of the deviations, so that std'(constant) = 0 by the norm'(0) = 0 policy, not NaN
    _refuse("np.std", out=out, where=where, mean=mean)
    centered, axis, n = _deviations(a, axis, dtype, ddof, correction)
    return nm.norm2_p(centered, axis=axis, keepdims=bool(keepdims)) / math.sqrt(n)


def _scan(prim: Primitive, name: str) -> Callable[..., Any]:
    def handler(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
        _refuse(name, out=out)
        a = _cast(a, dtype)
        if axis is None:
            return prim(sh.reshape_p(a, shape=(-1,)), axis=0)
        return prim(a, axis=int(axis) % max(np.ndim(concrete(a)), 1))

    return handler


FUNCTIONS[np.cumsum] = _scan(red.cumsum_p, "np.cumsum")
FUNCTIONS[np.cumprod] = _scan(red.cumprod_p, "np.cumprod")

UFUNC_METHODS: dict[tuple[np.ufunc, str], Callable[..., Any]] = {
    (np.add, "reduce"): lambda a, axis=0, dtype=None, out=None, keepdims=False: FUNCTIONS[np.sum](
        a, axis, dtype, out, keepdims
    ),
    (np.multiply, "reduce"): lambda a, axis=0, dtype=None, out=None, keepdims=False: FUNCTIONS[np.prod](
        a, axis, dtype, out, keepdims
    ),
    (np.maximum, "reduce"): lambda a, axis=0, out=None, keepdims=False: _max(a, axis, out, keepdims),
    (np.minimum, "reduce"): lambda a, axis=0, out=None, keepdims=False: _min(a, axis, out, keepdims),
    (np.add, "accumulate"): lambda a, axis=0, dtype=None, out=None: FUNCTIONS[np.cumsum](a, axis, dtype, out),
    (np.multiply, "accumulate"): lambda a, axis=0, dtype=None, out=None: FUNCTIONS[np.cumprod](
        a, axis, dtype, out
    ),
}
