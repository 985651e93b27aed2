"""Primitives that move entries around without picking among them: reshaping, transposing, broadcasting,
flipping, rolling, tiling, repeating, padding, joining.

All are linear, so each forward rule is the primitive itself applied to the tangent, and each reverse rule is
the adjoint movement (a transpose back, a sum over broadcast copies, a slice of the joined cotangent). Each
row declares the NumPy function it is, with a handler that reads NumPy's signature.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.batch_rules import (
    axes,
    broadcast_to_rule,
    pad_rule,
    reshape_rule,
    roll_rule,
    tile_rule,
    transpose_rule,
)
from chainrule.core.primitive import NumPyDeclaration, Primitive, VarargRules
from chainrule.core.rules._util import axis_argument, concrete, refuse, shape_of, unbroadcast
from chainrule.errors import ShapeError, UnsupportedOperationError

__all__ = [
    "broadcast_to_p",
    "concatenate_p",
    "flip_p",
    "linear",
    "pad_p",
    "reduceat_p",
    "repeat_p",
    "reshape",
    "reshape_p",
    "roll_p",
    "stack_p",
    "tile_p",
    "transpose_p",
]


def linear(
    name: str,
    impl: Any,
    adjoint: Any,
    *,
    notation: str = "",
    numpy: NumPyDeclaration | None = None,
    batch: Any = None,
) -> Primitive:
    """A primitive linear in its one operand: forward applies it to the tangent, reverse its adjoint.

    The adjoint is the transpose (no conjugate), so the rules hold for complex operands as they stand.
    """

    def jvp(t: Any, ans: Any, x: Any, **params: Any) -> Any:
        return prim(t, **params)

    prim = Primitive(
        name,
        impl,
        vjp=(adjoint,),
        jvp=(jvp,),
        rule="linearity",
        notation=notation or "linear in x",
        numpy=numpy,
        complex="holomorphic",
        batch=batch,
    )
    return prim


# ---------------------------------------------------------------- reshape, transpose, broadcast


def _reshape(x: Any, *, shape: tuple[int, ...]) -> Any:
    return np.reshape(x, shape)


def reshape(a: Any, shape: Any) -> Any:
    """``a`` reshaped to ``shape`` (which may contain one -1), recorded as :data:`reshape_p`."""
    shape = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    return reshape_p(a, shape=np.empty(shape_of(a), dtype=bool).reshape(shape).shape)


def _numpy_reshape(
    prim: Primitive, a: Any, shape: Any = None, order: str = "C", *, newshape: Any = None, copy: Any = None
) -> Any:
    if order != "C":
        raise UnsupportedOperationError("np.reshape: only order='C' is supported on traced values")
    return reshape(a, newshape if shape is None else shape)


reshape_p = linear(
    "reshape",
    _reshape,
    lambda g, ans, x, *, shape: np.reshape(g, shape_of(x)),
    numpy={np.reshape: _numpy_reshape},
    batch=reshape_rule,
)


def _transpose(x: Any, *, axes: tuple[int, ...]) -> Any:
    return np.transpose(x, axes)


def _numpy_transpose(prim: Primitive, a: Any, axes: Any = None) -> Any:
    nd = len(shape_of(a))
    axes = tuple(reversed(range(nd))) if axes is None else tuple(int(x) % nd for x in axes)
    return prim(a, axes=axes)


transpose_p = linear(
    "transpose",
    _transpose,
    lambda g, ans, x, *, axes: np.transpose(g, tuple(np.argsort(axes))),
    numpy={np.transpose: _numpy_transpose},
    batch=transpose_rule,
)


def _broadcast_to(x: Any, *, shape: tuple[int, ...]) -> Any:
    return np.broadcast_to(x, shape)


def _numpy_broadcast_to(prim: Primitive, array: Any, shape: Any, subok: bool = False) -> Any:
    shape = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    if shape_of(array) == shape:
        return array
    np.broadcast_shapes(shape_of(array), shape)  # raises the usual error for shapes that do not fit
    return prim(array, shape=shape)


broadcast_to_p = linear(
    "broadcast_to",
    _broadcast_to,
    lambda g, ans, x, *, shape: unbroadcast(g, shape_of(x)),
    numpy={np.broadcast_to: _numpy_broadcast_to},
    batch=broadcast_to_rule,
)

# ---------------------------------------------------------------- flip, roll, tile, repeat, pad


def _flip(x: Any, *, axis: Any) -> Any:
    return np.flip(x, axis=axis)


flip_p = linear(
    "flip",
    _flip,
    lambda g, ans, x, *, axis: np.flip(g, axis=axis),
    numpy={np.flip: lambda prim, m, axis=None: prim(m, axis=axis_argument(axis))},
    batch=axes("axis"),
)


def _roll(x: Any, *, shift: Any, axis: Any) -> Any:
    return np.roll(x, shift, axis=axis)


def _negate_shift(shift: Any) -> Any:
    return tuple(-s for s in shift) if isinstance(shift, tuple | list) else -shift


roll_p = linear(
    "roll",
    _roll,
    lambda g, ans, x, *, shift, axis: np.roll(g, _negate_shift(shift), axis=axis),
    numpy={
        np.roll: lambda prim, a, shift, axis=None: prim(
            a, shift=axis_argument(shift), axis=axis_argument(axis)
        )
    },
    batch=roll_rule,
)


def _tile(x: Any, *, reps: tuple[int, ...]) -> Any:
    return np.tile(x, reps)


def _tile_vjp(g: Any, ans: Any, x: Any, *, reps: tuple[int, ...]) -> Any:
    xshape = shape_of(x)
    nd = max(len(xshape), len(reps))
    xs = (1,) * (nd - len(xshape)) + tuple(xshape)
    rs = (1,) * (nd - len(reps)) + tuple(reps)
    split = tuple(n for pair in zip(rs, xs, strict=True) for n in pair)
    summed = np.sum(np.reshape(g, split), axis=tuple(range(0, 2 * nd, 2)))
    return np.reshape(summed, xshape)


def _numpy_tile(prim: Primitive, A: Any, reps: Any) -> Any:
    reps = (int(reps),) if isinstance(reps, int | np.integer) else tuple(int(r) for r in reps)
    return prim(A, reps=reps)


tile_p = linear("tile", _tile, _tile_vjp, numpy={np.tile: _numpy_tile}, batch=tile_rule)


def _repeat(x: Any, *, repeats: Any, axis: int) -> Any:
    return np.repeat(x, repeats, axis=axis)


def _repeat_vjp(g: Any, ans: Any, x: Any, *, repeats: Any, axis: int) -> Any:
    n = shape_of(x)[axis]
    counts = np.broadcast_to(np.asarray(repeats), (n,))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
    return reduceat_p(g, starts=starts, counts=counts, axis=axis)


def _numpy_repeat(prim: Primitive, a: Any, repeats: Any, axis: Any = None) -> Any:
    if axis is None:
        return prim(reshape(a, (-1,)), repeats=repeats, axis=0)
    return prim(a, repeats=repeats, axis=int(axis) % np.ndim(concrete(a)))


repeat_p = linear("repeat", _repeat, _repeat_vjp, numpy={np.repeat: _numpy_repeat}, batch=axes("axis"))


def _reduceat(g: Any, *, starts: Any, counts: Any, axis: int) -> Any:
    """Sum consecutive runs of ``counts`` entries along ``axis`` (runs of length 0 give 0)."""
    gm = np.moveaxis(g, axis, 0)
    if gm.shape[0] == 0:
        return np.moveaxis(np.zeros((len(counts), *gm.shape[1:]), dtype=gm.dtype), 0, axis)
    sums = np.add.reduceat(gm, np.minimum(starts, gm.shape[0] - 1), axis=0)
    sums[np.asarray(counts) == 0] = 0
    return np.moveaxis(sums, 0, axis)


reduceat_p = linear(
    "reduceat",
    _reduceat,
    lambda g, ans, x, *, starts, counts, axis: repeat_p(g, repeats=counts, axis=axis),
    notation="sum of runs",
    batch=axes("axis"),
)


def _pad(x: Any, *, pad_width: tuple[tuple[int, int], ...], value: float) -> Any:
    return np.pad(x, pad_width, mode="constant", constant_values=value)


def _pad_vjp(g: Any, ans: Any, x: Any, *, pad_width: tuple[tuple[int, int], ...], value: float) -> Any:
    index = tuple(slice(lo, lo + n) for (lo, _), n in zip(pad_width, shape_of(x), strict=True))
    return g[index]


def _numpy_pad(prim: Primitive, array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Any:
    if mode != "constant":
        raise UnsupportedOperationError(
            f"np.pad: mode={mode!r} is not supported on traced values (only 'constant')"
        )
    value = kwargs.pop("constant_values", 0.0)
    if kwargs or np.ndim(value) != 0:
        raise UnsupportedOperationError("np.pad: only a single scalar constant_values is supported")
    nd = np.ndim(concrete(array))
    widths = tuple((int(lo), int(hi)) for lo, hi in np.broadcast_to(pad_width, (nd, 2)))
    return prim(array, pad_width=widths, value=float(value))


pad_p: Primitive = Primitive(
    "pad",
    _pad,
    vjp=(_pad_vjp,),
    jvp=(lambda t, ans, x, *, pad_width, value: pad_p(t, pad_width=pad_width, value=0.0),),
    rule="linearity",
    notation="padding is constant",
    numpy={np.pad: _numpy_pad},
    complex="holomorphic",
    batch=pad_rule,
)

# ---------------------------------------------------------------- joining


def _concatenate(*xs: Any, axis: int) -> Any:
    return np.concatenate(xs, axis=axis)


def _concatenate_vjp(i: int, g: Any, ans: Any, *xs: Any, axis: int) -> Any:
    start = sum(shape_of(x)[axis] for x in xs[:i])
    index = (slice(None),) * (axis % np.ndim(ans)) + (slice(start, start + shape_of(xs[i])[axis]),)
    return g[index]


def _tangent_among_zeros(i: int, t: Any, xs: tuple[Any, ...]) -> list[Any]:
    """Operand i's tangent in its place and zeros for the others: one operand's share of a linear rule."""
    dtype = np.result_type(concrete(t))
    return [t if j == i else np.zeros(shape_of(x), dtype=dtype) for j, x in enumerate(xs)]


def _concatenate_jvp(i: int, t: Any, ans: Any, *xs: Any, axis: int) -> Any:
    return concatenate_p(*_tangent_among_zeros(i, t, xs), axis=axis)


def _numpy_concatenate(
    prim: Primitive,
    arrays: Any,
    axis: Any = 0,
    out: Any = None,
    *,
    dtype: Any = None,
    casting: str = "same_kind",
) -> Any:
    refuse("np.concatenate", out=out)
    arrays = list(arrays)
    if axis is None:
        return prim(*[reshape(a, (-1,)) for a in arrays], axis=0)
    nd = np.ndim(concrete(arrays[0]))
    return prim(*arrays, axis=int(axis) % max(nd, 1))


concatenate_p = Primitive(
    "concatenate",
    _concatenate,
    vjp=VarargRules(_concatenate_vjp),
    jvp=VarargRules(_concatenate_jvp),
    rule="linearity",
    notation="each block's derivative is its slice",
    numpy={np.concatenate: _numpy_concatenate},
    complex="holomorphic",
    batch=axes("axis"),
)


def _stack(*xs: Any, axis: int) -> Any:
    return np.stack(xs, axis=axis)


def _stack_vjp(i: int, g: Any, ans: Any, *xs: Any, axis: int) -> Any:
    index = (slice(None),) * (axis % np.ndim(ans)) + (i,)
    return g[index]


def _stack_jvp(i: int, t: Any, ans: Any, *xs: Any, axis: int) -> Any:
    return stack_p(*_tangent_among_zeros(i, t, xs), axis=axis)


def _numpy_stack(
    prim: Primitive,
    arrays: Any,
    axis: int = 0,
    out: Any = None,
    *,
    dtype: Any = None,
    casting: str = "same_kind",
) -> Any:
    refuse("np.stack", out=out)
    arrays = list(arrays)
    shapes = {shape_of(a) for a in arrays}
    if len(shapes) != 1:
        raise ShapeError(f"np.stack: all arrays must have the same shape, got {sorted(shapes)}")
    return prim(*arrays, axis=int(axis) % (len(shapes.pop()) + 1))


stack_p = Primitive(
    "stack",
    _stack,
    vjp=VarargRules(_stack_vjp),
    jvp=VarargRules(_stack_jvp),
    rule="linearity",
    notation="each slice's derivative is its block",
    numpy={np.stack: _numpy_stack},
    complex="holomorphic",
    batch=axes("axis"),
)
