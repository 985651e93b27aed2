"""Reductions and scans: sum, max/min (ties split evenly), prod (exact with zeros), cumsum, cumprod.

Each row declares the NumPy functions it is (``np.sum``, ``np.add.reduce`` ...), with a handler that reads
NumPy's signature.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.batch_rules import axes
from chainrule.core.primitive import Primitive
from chainrule.core.rules._util import (
    axis_argument,
    concrete,
    expand_reduced,
    keep_reduced,
    normalize_axes,
    refuse,
    shape_of,
)
from chainrule.core.rules.arithmetic import cast
from chainrule.core.rules.reshaping import reshape_p

# ---------------------------------------------------------------- NumPy's signatures


def numpy_reduction(
    prim: Primitive,
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = None,
) -> Any:
    """``np.sum(a, axis, dtype, out, keepdims, initial, where)`` and the like, onto ``prim``."""
    refuse(f"np.{prim.name}", out=out, initial=initial, where=where)
    return prim(cast(a, dtype), axis=axis_argument(axis), keepdims=bool(keepdims))


def _numpy_extremum(
    prim: Primitive,
    a: Any,
    axis: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = None,
) -> Any:
    return numpy_reduction(prim, a, axis, None, out, keepdims, initial, where)


def _reduce_method(
    prim: Primitive, a: Any, axis: Any = 0, dtype: Any = None, out: Any = None, keepdims: bool = False
) -> Any:
    """``np.add.reduce`` and the like: a reduction whose axis defaults to 0."""
    return numpy_reduction(prim, a, axis, dtype, out, keepdims)


def _numpy_scan(prim: Primitive, a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    """``np.cumsum(a, axis, dtype, out)`` and ``np.cumprod``: the flattened array when axis is None."""
    refuse(f"np.{prim.name}", out=out)
    a = cast(a, dtype)
    if axis is None:
        return prim(reshape_p(a, shape=(-1,)), axis=0)
    return prim(a, axis=int(axis) % max(np.ndim(concrete(a)), 1))


def _accumulate_method(prim: Primitive, a: Any, axis: Any = 0, dtype: Any = None, out: Any = None) -> Any:
    return _numpy_scan(prim, a, axis, dtype, out)


def _sum(x: Any, *, axis: Any = None, keepdims: bool = False) -> Any:
    return np.sum(x, axis=axis, keepdims=keepdims)


sum_p = Primitive(
    "sum",
    _sum,
    vjp=(lambda g, ans, x, *, axis=None, keepdims=False: expand_reduced(g, shape_of(x), axis, keepdims),),
    jvp=(lambda t, ans, x, *, axis=None, keepdims=False: _sum(t, axis=axis, keepdims=keepdims),),
    rule="sum rule",
    notation="d/dx_i sum(x) = 1",
    numpy={np.sum: numpy_reduction, (np.add, "reduce"): _reduce_method},
    complex="holomorphic",
    batch=axes("axis"),
)


def weighted_reduction(
    name: str,
    impl: Any,
    weights: Any,
    *,
    rule: str,
    notation: str,
    kink: str | None = None,
    numpy: Any = None,
) -> Primitive:
    """A reduction whose partial derivatives are ``weights(ans, x, axis, keepdims, **params)``.

    Its reverse rule spreads the cotangent back over the reduced axes times the weights; its forward rule
    sums the tangent times the weights. max, min, norms and logsumexp all have this shape.
    """

    def vjp(g: Any, ans: Any, x: Any, *, axis: Any = None, keepdims: bool = False, **params: Any) -> Any:
        return keep_reduced(g, shape_of(x), axis, keepdims) * weights(ans, x, axis, keepdims, **params)

    def jvp(t: Any, ans: Any, x: Any, *, axis: Any = None, keepdims: bool = False, **params: Any) -> Any:
        return _sum(t * weights(ans, x, axis, keepdims, **params), axis=axis, keepdims=keepdims)

    return Primitive(
        name,
        impl,
        vjp=(vjp,),
        jvp=(jvp,),
        rule=rule,
        notation=notation,
        kink=kink,
        numpy=numpy,
        batch=axes("axis"),
    )


def _tie_weights(ans: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    """1/k on each of the k entries that attain the extremum, 0 elsewhere (ties split evenly)."""
    xv = concrete(x)
    hit = xv == keep_reduced(concrete(ans), xv.shape, axis, keepdims)
    return hit / np.sum(hit, axis=axis, keepdims=True, dtype=xv.dtype)


def _extremum(name: str, impl: Any, numpy: Any) -> Primitive:
    return weighted_reduction(
        name,
        lambda x, *, axis=None, keepdims=False: impl(x, axis=axis, keepdims=keepdims),
        _tie_weights,
        rule=f"{name} rule",
        notation=f"d {name}(x) / dx_i = 1 at the arg{name}, 0 elsewhere",
        kink=f"where several entries tie for the {name}imum, every weighting of their derivatives that sums "
        "to 1 is a subderivative; chainrule splits the gradient evenly among them",
        numpy=numpy,
    )


amax_p = _extremum(
    "max", np.max, {np.max: _numpy_extremum, np.amax: _numpy_extremum, (np.maximum, "reduce"): _reduce_method}
)
amin_p = _extremum(
    "min", np.min, {np.min: _numpy_extremum, np.amin: _numpy_extremum, (np.minimum, "reduce"): _reduce_method}
)


def _prod(x: Any, *, axis: Any = None, keepdims: bool = False) -> Any:
    return np.prod(x, axis=axis, keepdims=keepdims)


def _products_of_others(x: Any, axes: tuple[int, ...]) -> Any:
    """For each entry, the product of the other entries along ``axes``; exact when some are zero."""
    nd = np.ndim(x)
    rest = tuple(i for i in range(nd) if i not in axes)
    moved = np.transpose(x, rest + axes)
    shape = shape_of(moved)
    if 0 in shape:  # nothing to multiply: no entries, no partials
        return np.zeros(shape_of(x), dtype=np.result_type(concrete(x)))
    flat = np.reshape(moved, (*shape[: len(rest)], -1))
    ones = np.ones((*shape_of(flat)[:-1], 1), dtype=np.result_type(concrete(flat)))
    left = np.concatenate([ones, np.cumprod(flat[..., :-1], axis=-1)], axis=-1)
    right = np.flip(
        np.concatenate([ones, np.cumprod(np.flip(flat[..., 1:], axis=-1), axis=-1)], axis=-1),
        axis=-1,
    )
    others = np.reshape(left * right, shape)
    return np.transpose(others, tuple(np.argsort(rest + axes)))


def _prod_vjp(g: Any, ans: Any, x: Any, *, axis: Any = None, keepdims: bool = False) -> Any:
    axes = normalize_axes(axis, np.ndim(x))
    return keep_reduced(g, shape_of(x), axis, keepdims) * _products_of_others(x, axes)


def _prod_jvp(t: Any, ans: Any, x: Any, *, axis: Any = None, keepdims: bool = False) -> Any:
    axes = normalize_axes(axis, np.ndim(x))
    return _sum(t * _products_of_others(x, axes), axis=axis, keepdims=keepdims)


prod_p = Primitive(
    "prod",
    _prod,
    vjp=(_prod_vjp,),
    jvp=(_prod_jvp,),
    rule="product rule",
    notation="d/dx_i prod(x) = prod of the other entries",
    numpy={np.prod: numpy_reduction, (np.multiply, "reduce"): _reduce_method},
    complex="holomorphic",
    batch=axes("axis"),
)


def _cumsum(x: Any, *, axis: int) -> Any:
    return np.cumsum(x, axis=axis)


def _reverse_cumsum(g: Any, axis: int) -> Any:
    return np.flip(np.cumsum(np.flip(g, axis=axis), axis=axis), axis=axis)


cumsum_p = Primitive(
    "cumsum",
    _cumsum,
    vjp=(lambda g, ans, x, *, axis: _reverse_cumsum(g, axis),),
    jvp=(lambda t, ans, x, *, axis: _cumsum(t, axis=axis),),
    rule="sum rule",
    notation="d/dx_j cumsum(x)_i = 1 for j <= i",
    numpy={np.cumsum: _numpy_scan, (np.add, "accumulate"): _accumulate_method},
    complex="holomorphic",
    batch=axes("axis"),
)


def _cumprod(x: Any, *, axis: int) -> Any:
    return np.cumprod(x, axis=axis)


def _cumprod_jacobian_rows(x: Any, axis: int) -> Any:
    """The partial products d cumprod(x)_i / d x_j as a new trailing axis j (exact with zeros)."""
    moved = np.moveaxis(x, axis, -1)
    n = shape_of(moved)[-1]
    tri = np.tril(np.ones((n, n), dtype=bool))
    # row i holds x_0 .. x_i and ones after, so its products-of-others are the partials d ans_i / d x_j
    rows = np.where(tri, np.expand_dims(moved, -2), 1.0)
    return _products_of_others(rows, (np.ndim(rows) - 1,)) * tri


def _cumprod_vjp(g: Any, ans: Any, x: Any, *, axis: int) -> Any:
    if np.all(concrete(x) != 0):
        return _reverse_cumsum(g * ans, axis) / x
    partial = _cumprod_jacobian_rows(x, axis)
    gm = np.expand_dims(np.moveaxis(g, axis, -1), -1)
    return np.moveaxis(np.sum(gm * partial, axis=-2), -1, axis)


def _cumprod_jvp(t: Any, ans: Any, x: Any, *, axis: int) -> Any:
    if np.all(concrete(x) != 0):
        return ans * np.cumsum(t / x, axis=axis)
    partial = _cumprod_jacobian_rows(x, axis)
    tm = np.expand_dims(np.moveaxis(t, axis, -1), -2)
    return np.moveaxis(np.sum(partial * tm, axis=-1), -1, axis)


cumprod_p = Primitive(
    "cumprod",
    _cumprod,
    vjp=(_cumprod_vjp,),
    jvp=(_cumprod_jvp,),
    rule="product rule",
    notation="d/dx_j cumprod(x)_i = product of x_0..x_i except x_j, for j <= i",
    numpy={np.cumprod: _numpy_scan, (np.multiply, "accumulate"): _accumulate_method},
    complex="holomorphic",
    batch=axes("axis"),
)
