"""NumPy's numerical-analysis functions on traced values: differences and gradients, the trapezoid rule,
polynomials, Kronecker products, and evenly spaced samples (linspace, geomspace, logspace) with traced
endpoints. (Interpolation and convolution are rows of :mod:`chainrule.core.rules.numerical`.)

All are written with primitives, following NumPy's arithmetic step by step, so that the values are NumPy's
and every operand that can carry a derivative does: the spacing of ``np.gradient`` and the sample points of
``np.trapezoid`` included.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from chainrule.core.primitive import Traced
from chainrule.core.registry import implements
from chainrule.core.rules import reductions as red
from chainrule.core.rules import reshaping as rs
from chainrule.core.rules._util import concrete, shape_of
from chainrule.core.rules.arithmetic import cast
from chainrule.errors import ChainruleValueError, ShapeError, UnsupportedOperationError

_np: Any = np
_NO_VALUE: Any = np._NoValue


def _along(axis: int, nd: int, index: Any) -> tuple[Any, ...]:
    """An index that applies ``index`` along ``axis`` of an ``nd``-dimensional array."""
    return (slice(None),) * axis + (index,) + (slice(None),) * (nd - axis - 1)


def _axis(axis: Any, nd: int, name: str) -> int:
    if not -nd <= int(axis) < nd:
        raise ChainruleValueError(f"{name}: axis {axis} is out of bounds for an array of dimension {nd}")
    return int(axis) % nd


# ---------------------------------------------------------------- differences


def _edge_block(value: Any, shape: tuple[int, ...], axis: int) -> Any:
    """``prepend=``/``append=`` of np.diff: a scalar spread to one slice along ``axis``, an array as given."""
    if len(shape_of(value)) == 0:
        block = tuple(1 if i == axis else n for i, n in enumerate(shape))
        return np.broadcast_to(value, block)
    return value


@implements(np.diff)
def _diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = _NO_VALUE, append: Any = _NO_VALUE) -> Any:
    n = operator.index(n)
    if n < 0:
        raise ChainruleValueError(f"np.diff: order must be non-negative, got {n}")
    nd = len(shape_of(a))
    if nd == 0:
        raise ChainruleValueError("np.diff requires an input that is at least one dimensional")
    axis = _axis(axis, nd, "np.diff")
    parts = [a]
    if prepend is not _NO_VALUE:
        parts.insert(0, _edge_block(prepend, shape_of(a), axis))
    if append is not _NO_VALUE:
        parts.append(_edge_block(append, shape_of(a), axis))
    if len(parts) > 1:
        a = np.concatenate(parts, axis=axis)
    for _ in range(n):
        a = a[_along(axis, nd, slice(1, None))] - a[_along(axis, nd, slice(None, -1))]
    return a


@implements(np.unwrap)
def _unwrap(p: Any, discont: Any = None, axis: int = -1, *, period: float = 2 * np.pi) -> Any:
    """``p`` plus the multiples of ``period`` that NumPy adds to undo its jumps: constants (found from the
    values, by NumPy's steps), so the derivative is the identity."""
    values = concrete(p)  # (a batch of plain numbers under cr.vmap: the steps below run for each example)
    nd = len(shape_of(p))
    if nd == 0:
        raise ChainruleValueError("np.unwrap requires an input that is at least one dimensional")
    axis = _axis(axis, nd, "np.unwrap")
    if np.result_type(values).kind not in "fc":
        return np.unwrap(values, discont, axis, period=period)
    jumps = _diff(values, axis=axis)
    discont = period / 2 if discont is None else discont
    high = period / 2
    wrapped = np.mod(jumps + high, period) - high
    wrapped = np.where((wrapped == -high) & (jumps > 0), high, wrapped)  # +-period/2: keep the jump's sign
    correction = np.where(np.abs(jumps) < discont, 0.0, wrapped - jumps)
    first = np.zeros(tuple(1 if i == axis else n for i, n in enumerate(shape_of(p))))
    return p + np.concatenate([first, np.cumsum(correction, axis=axis)], axis=axis)


@implements(np.ediff1d)
def _ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    flat = rs.reshape(ary, (-1,))
    parts = [flat[1:] - flat[:-1]]
    if to_begin is not None:
        parts.insert(0, rs.reshape(to_begin, (-1,)))
    if to_end is not None:
        parts.append(rs.reshape(to_end, (-1,)))
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


# ---------------------------------------------------------------- gradient


def _spacings(f: Any, varargs: tuple[Any, ...], axes: tuple[int, ...]) -> list[Any]:
    """One spacing per axis: a scalar step, or the coordinates along that axis (np.gradient's varargs)."""
    if not varargs:
        return [1.0] * len(axes)
    if len(varargs) == 1 and len(shape_of(varargs[0])) == 0:
        return list(varargs) * len(axes)
    if len(varargs) != len(axes):
        raise ChainruleValueError(f"np.gradient: {len(axes)} axes but {len(varargs)} spacings were given")
    shape = shape_of(f)
    for spacing, ax in zip(varargs, axes, strict=True):
        sshape = shape_of(spacing)
        if len(sshape) > 1 or (len(sshape) == 1 and sshape[0] != shape[ax]):
            raise ShapeError(f"np.gradient: the coordinates of axis {ax} must be 1-D of length {shape[ax]}")
    return list(varargs)


def _edge_coefficients(dx: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """np.gradient's second-order weights of the first three and the last three values, from the steps."""
    if len(shape_of(dx)) == 0:  # a constant step
        return (-1.5 / dx, 2.0 / dx, -0.5 / dx), (0.5 / dx, -2.0 / dx, 1.5 / dx)
    d1, d2 = dx[0], dx[1]
    first = (-(2.0 * d1 + d2) / (d1 * (d1 + d2)), (d1 + d2) / (d1 * d2), -d1 / (d2 * (d1 + d2)))
    d1, d2 = dx[-2], dx[-1]
    last = (d2 / (d1 * (d1 + d2)), -(d2 + d1) / (d1 * d2), (2.0 * d2 + d1) / (d2 * (d1 + d2)))
    return first, last


def _gradient_along(f: Any, dx: Any, axis: int, edge_order: int) -> Any:
    """np.gradient along ``axis`` with the steps ``dx`` between points (a scalar for a constant step):
    central differences inside (second-order accurate for uneven steps too), one-sided at the edges."""
    nd = len(shape_of(f))

    def at(index: Any) -> Any:
        return f[_along(axis, nd, index)]

    constant = len(shape_of(dx)) == 0
    if constant:
        middle = (at(slice(2, None)) - at(slice(None, -2))) / (2.0 * dx)
    else:
        spread = (-1,) + (1,) * (nd - axis - 1)
        d1, d2 = rs.reshape(dx[:-1], spread), rs.reshape(dx[1:], spread)
        a, b, c = -d2 / (d1 * (d1 + d2)), (d2 - d1) / (d1 * d2), d1 / (d2 * (d1 + d2))
        middle = a * at(slice(None, -2)) + b * at(slice(1, -1)) + c * at(slice(2, None))
    if edge_order == 1:
        first_step, last_step = (dx, dx) if constant else (dx[0], dx[-1])
        start = (at(slice(1, 2)) - at(slice(0, 1))) / first_step
        end = (at(slice(-1, None)) - at(slice(-2, -1))) / last_step
    else:
        (a, b, c), (d, e, g) = _edge_coefficients(dx)
        start = a * at(slice(0, 1)) + b * at(slice(1, 2)) + c * at(slice(2, 3))
        end = d * at(slice(-3, -2)) + e * at(slice(-2, -1)) + g * at(slice(-1, None))
    return np.concatenate([start, middle, end], axis=axis)


def _gradient_axis(f: Any, spacing: Any, axis: int, edge_order: int) -> Any:
    if shape_of(f)[axis] < edge_order + 1:
        raise ChainruleValueError(
            "np.gradient: shape of the array too small to calculate a numerical gradient, at least "
            f"(edge_order + 1) = {edge_order + 1} elements are required along axis {axis}"
        )
    if len(shape_of(spacing)) == 0:
        return _gradient_along(f, spacing, axis, edge_order)
    if not isinstance(spacing, Traced):
        spacing = np.asarray(spacing, dtype=float)
        steps = np.diff(spacing)
        if np.all(steps == steps[0]):
            return _gradient_along(f, steps[0], axis, edge_order)  # NumPy's form for an even spacing
    # traced coordinates always take the general form: it equals the even one at evenly spaced points,
    # and only it has the right derivative in each coordinate there
    return _gradient_along(f, spacing[1:] - spacing[:-1], axis, edge_order)


@implements(np.gradient)
def _gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    nd = len(shape_of(f))
    axes = (
        tuple(range(nd))
        if axis is None
        else tuple(_axis(a, nd, "np.gradient") for a in (axis if isinstance(axis, tuple | list) else (axis,)))
    )
    if edge_order not in (1, 2):
        raise ChainruleValueError("np.gradient: edge_order must be 1 or 2")
    f = cast(f, np.result_type(concrete(f), 1.0))
    out = [
        _gradient_axis(f, spacing, ax, edge_order)
        for spacing, ax in zip(_spacings(f, varargs, axes), axes, strict=True)
    ]
    return out[0] if len(out) == 1 else tuple(out)


# ---------------------------------------------------------------- integration


@implements(np.trapezoid)
def _trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    nd = len(shape_of(y))
    axis = _axis(axis, nd, "np.trapezoid")
    if x is not None and not isinstance(x, Traced):
        x = np.asarray(x)
    if x is None:
        d = dx
    elif len(shape_of(x)) == 1:
        d = rs.reshape(x[1:] - x[:-1], (-1,) + (1,) * (nd - axis - 1))
    else:
        d = np.diff(x, axis=axis)
    pairs = y[_along(axis, nd, slice(1, None))] + y[_along(axis, nd, slice(None, -1))]
    return red.sum_p(d * pairs / 2.0, axis=axis, keepdims=False)


# ---------------------------------------------------------------- polynomials


@implements(np.polyval)
def _polyval(p: Any, x: Any) -> Any:
    if isinstance(p, np.poly1d):
        p = p.coeffs
    y: Any = np.zeros(shape_of(x), dtype=np.result_type(concrete(x), concrete(p)))
    for coefficient in p:  # Horner's rule, as NumPy evaluates it
        y = y * x + coefficient
    return y


@implements(np.kron)
def _kron(a: Any, b: Any) -> Any:
    sa, sb = shape_of(a), shape_of(b)
    if not sa or not sb:
        return a * b
    nd = max(len(sa), len(sb))
    sa, sb = (1,) * (nd - len(sa)) + sa, (1,) * (nd - len(sb)) + sb
    # a's entries on the even axes, b's on the odd ones: their product is the block matrix, once merged
    spread_a = rs.reshape(a, tuple(n for k in sa for n in (k, 1)))
    spread_b = rs.reshape(b, tuple(n for k in sb for n in (1, k)))
    return rs.reshape(spread_a * spread_b, tuple(i * j for i, j in zip(sa, sb, strict=True)))


# ---------------------------------------------------------------- evenly spaced samples


def _samples(start: Any, stop: Any, num: int, endpoint: bool) -> tuple[Any, Any]:
    """np.linspace's samples along a new first axis, and the step, computed as NumPy computes them."""
    div = num - 1 if endpoint else num
    delta = stop - start
    nd = len(shape_of(delta))
    steps = np.arange(0, num, dtype=np.result_type(concrete(delta), 1.0)).reshape((-1,) + (1,) * nd)
    if div > 0:
        step = delta / div
        zero_step = np.any(concrete(step) == 0)
        y = steps / div * delta if zero_step else steps * step
    else:
        step, y = np.nan, steps * delta
    y = y + start
    if endpoint and num > 1:  # the last sample is stop itself
        y = np.concatenate([y[:-1], np.broadcast_to(stop, (1, *shape_of(y)[1:]))], axis=0)
    return y, step


@implements(np.linspace)
def _linspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
    *,
    device: Any = None,
) -> Any:
    num = operator.index(num)
    if num < 0:
        raise ChainruleValueError(f"np.linspace: number of samples, {num}, must be non-negative")
    y, step = _samples(start, stop, num, endpoint)
    if axis != 0:
        y = _np.moveaxis(y, 0, axis)
    if dtype is not None and np.issubdtype(dtype, np.integer):
        y = np.floor(np.asarray(concrete(y))).astype(dtype)  # whole numbers: no derivative
    else:
        y = cast(y, dtype)
    return (y, step) if retstep else y


@implements(np.logspace)
def _logspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    base: Any = 10.0,
    dtype: Any = None,
    axis: int = 0,
) -> Any:
    if len(shape_of(base)):
        raise UnsupportedOperationError("np.logspace: an array of bases is not supported on traced values")
    y = _linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
    return cast(np.power(base, y), dtype)


@implements(np.geomspace)
def _geomspace(
    start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None, axis: int = 0
) -> Any:
    if np.any(concrete(start) == 0) or np.any(concrete(stop) == 0):
        raise ChainruleValueError("np.geomspace: a geometric sequence cannot include zero")
    if np.iscomplexobj(concrete(start)) or np.iscomplexobj(concrete(stop)):
        raise UnsupportedOperationError("np.geomspace: complex endpoints are not supported on traced values")
    # negative endpoints: the sequence of |start| .. stop/sign(start), times sign(start), as NumPy
    sign = np.sign(concrete(start))
    start, stop = start / sign, stop / sign
    result = _logspace(np.log10(start), np.log10(stop), num=num, endpoint=endpoint)
    if num > 0:  # the endpoints exactly (10**log10(x) need not be x)
        ends = [np.broadcast_to(start, (1, *shape_of(result)[1:]))]
        middle = result[1 : num - 1] if endpoint and num > 1 else result[1:]
        tail = [np.broadcast_to(stop, (1, *shape_of(result)[1:]))] if endpoint and num > 1 else []
        result = np.concatenate([*ends, middle, *tail], axis=0)
    result = result * sign
    if axis != 0:
        result = _np.moveaxis(result, 0, axis)
    return cast(result, dtype)
