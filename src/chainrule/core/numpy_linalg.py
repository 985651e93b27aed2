"""NumPy's products, norms and a few other functions on traced values, written with primitives, and the
functions whose results carry no derivative (shapes, argmax, whole-array comparisons ...)."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.registry import implements
from chainrule.core.rules import arithmetic as ar
from chainrule.core.rules import linalg as la
from chainrule.core.rules import norms as nm
from chainrule.core.rules import piecewise as pw
from chainrule.core.rules import reductions as red
from chainrule.core.rules._util import concrete, refuse, shape_of
from chainrule.errors import ChainruleValueError


def _ndim(x: Any) -> int:
    return len(shape_of(x))


# ---------------------------------------------------------------- products


def _letters(n: int, start: int = 0) -> str:
    return la.LETTERS[start : start + n]


@implements(np.tensordot)
def _tensordot(a: Any, b: Any, axes: Any = 2) -> Any:
    na, nb = _ndim(a), _ndim(b)
    if isinstance(axes, int | np.integer):
        axes_a, axes_b = list(range(na - int(axes), na)), list(range(int(axes)))
    else:
        axes_a, axes_b = (list(np.atleast_1d(ax)) for ax in axes)
    sa, sb = _letters(na), _letters(nb, na)
    sb_list = list(sb)
    for i, j in zip(axes_a, axes_b, strict=True):
        sb_list[int(j) % nb] = sa[int(i) % na]
    contracted = {sa[int(i) % na] for i in axes_a}
    out = "".join(c for c in sa if c not in contracted) + "".join(c for c in sb_list if c not in contracted)
    return la.einsum_p(a, b, spec=f"{sa},{''.join(sb_list)}->{out}")


@implements(np.dot)
def _dot(a: Any, b: Any, out: Any = None) -> Any:
    refuse("np.dot", out=out)
    na, nb = _ndim(a), _ndim(b)
    if na == 0 or nb == 0:
        return ar.multiply_p(a, b)
    if na <= 2 and nb <= 2:
        return la.matmul_p(a, b)
    return _tensordot(a, b, axes=([-1], [max(nb - 2, 0)]))


@implements(np.vdot)
def _vdot(a: Any, b: Any) -> Any:
    # NumPy's vdot conjugates its first operand (np.conjugate is the identity on real values)
    return red.sum_p(np.conjugate(np.ravel(a)) * np.ravel(b), axis=None, keepdims=False)


@implements(np.inner)
def _inner(a: Any, b: Any) -> Any:
    if _ndim(a) == 0 or _ndim(b) == 0:
        return ar.multiply_p(a, b)
    return _tensordot(a, b, axes=([-1], [-1]))


@implements(np.outer)
def _outer(a: Any, b: Any, out: Any = None) -> Any:
    refuse("np.outer", out=out)
    return np.reshape(a, (-1, 1)) * np.reshape(b, (1, -1))


@implements(np.linalg.norm)
def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    nd = _ndim(x)
    if axis is None and ord is None:
        return nm.norm2_p(x, axis=None, keepdims=keepdims)
    if axis is None:
        axis = tuple(range(nd)) if nd <= 2 else None
        if axis is None:
            raise ChainruleValueError("np.linalg.norm: give axis= for an ord= norm of an N-D array")
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    if len(axes) == 1:
        return _vector_norm(x, ord, int(axes[0]), keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, (int(axes[0]) % nd, int(axes[1]) % nd), keepdims)
    raise ChainruleValueError(f"np.linalg.norm: axis must name 1 or 2 axes, got {axis}")


def _vector_norm(x: Any, ord: Any, axis: int, keepdims: bool) -> Any:
    if ord is None or ord == 2:
        return nm.norm2_p(x, axis=axis, keepdims=keepdims)
    ax = np.absolute(x)
    if ord == np.inf:
        return red.amax_p(ax, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return red.amin_p(ax, axis=axis, keepdims=keepdims)
    if ord == 1:
        return red.sum_p(ax, axis=axis, keepdims=keepdims)
    if ord == 0:
        return red.sum_p((concrete(x) != 0).astype(float), axis=axis, keepdims=keepdims)
    return nm.pnorm_p(x, p=float(ord), axis=axis, keepdims=keepdims)


def _matrix_norm(x: Any, ord: Any, axes: tuple[int, int], keepdims: bool) -> Any:
    row, col = axes
    if ord is None or ord == "fro":
        return nm.norm2_p(x, axis=axes, keepdims=keepdims)
    if ord in (1, -1, np.inf, -np.inf):
        sum_axis, pick_axis = (row, col) if ord in (1, -1) else (col, row)
        sums = red.sum_p(np.absolute(x), axis=sum_axis, keepdims=True)
        pick = red.amax_p if ord > 0 else red.amin_p
        out = pick(sums, axis=pick_axis, keepdims=True)
    elif ord in (2, -2, "nuc"):
        s = nm.svdvals_p(np.moveaxis(x, axes, (-2, -1)))  # descending
        if ord == "nuc":
            value = red.sum_p(s, axis=-1, keepdims=False)
        else:
            value = s[..., 0] if ord == 2 else s[..., -1]
        out = np.expand_dims(np.expand_dims(value, -1), -1)
        out = np.moveaxis(out, (-2, -1), axes)
    else:
        raise ChainruleValueError(f"np.linalg.norm: invalid norm order {ord!r} for matrices")
    return out if keepdims else np.squeeze(out, axis=axes)


# ---------------------------------------------------------------- selection


@implements(np.clip)
def _clip(
    a: Any,
    a_min: Any = None,
    a_max: Any = None,
    out: Any = None,
    *,
    min: Any = None,
    max: Any = None,
    **kwargs: Any,
) -> Any:
    refuse("np.clip", out=out)
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    # clip is max then min, so at a bound the tie rule of maximum/minimum applies (gradient 1/2)
    if lo is not None:
        a = pw.maximum_p(a, lo)
    if hi is not None:
        a = pw.minimum_p(a, hi)
    return a


@implements(np.copy)
def _copy(a: Any, order: str = "K", subok: bool = False) -> Any:
    # a new array, not ``a`` itself: assigning into the copy leaves ``a`` alone (chainrule.core.assignment)
    return ar.positive_p(a)


# ---------------------------------------------------------------- not differentiable: plain results


def _plain(x: Any) -> Any:
    if isinstance(x, list | tuple):
        return [concrete(a) for a in x]
    return concrete(x)


def _on_values(func: Any) -> Any:
    """A handler that applies ``func`` to the plain values (its result carries no derivative)."""

    def handler(*args: Any, **kwargs: Any) -> Any:
        return func(*[_plain(a) for a in args], **{k: _plain(v) for k, v in kwargs.items()})

    return handler


for _func in (
    np.shape, np.ndim, np.size,
    np.argmax, np.argmin, np.argsort, np.argwhere, np.nonzero, np.flatnonzero, np.count_nonzero,
    np.isclose, np.allclose, np.array_equal, np.result_type, np.iscomplexobj, np.isrealobj,
    np.iscomplex, np.isreal,
    np.round, np.around, np.any, np.all, np.searchsorted, np.unique, np.histogram,
    np.may_share_memory, np.shares_memory, np.can_cast, np.min_scalar_type,
):  # fmt: skip
    implements(_func, plain=True)(_on_values(_func))
