"""Small helpers shared by the rule tables: shapes, axes, unbroadcasting, zero rules, NumPy's options."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.primitive import Traced
from chainrule.errors import ChainruleTypeError, ChainruleValueError, UnsupportedOperationError

__all__ = [
    "axis_argument",
    "concrete",
    "expand_reduced",
    "has_value",
    "is_complex",
    "keep_reduced",
    "normalize_axes",
    "refuse",
    "safe_divide",
    "shape_of",
    "unbroadcast",
    "unbroadcast_like",
    "zero_rule",
]


def shape_of(x: Any) -> tuple[int, ...]:
    """The shape of an array, a traced value or a Python number."""
    try:
        shape: tuple[int, ...] = x.shape
    except AttributeError:
        return np.shape(x)
    return shape


def concrete(x: Any) -> Any:
    """The plain NumPy value under any number of traced wrappers."""
    while isinstance(x, Traced):
        inner = x._value()  # type: ignore[attr-defined]
        if inner is x:  # a batch of plain numbers under vmap (chainrule.core.batching): itself
            return x
        x = inner
    return x


def has_value(x: Any) -> bool:
    """False for a traced value with no number behind it: a symbolic expression.

    A rule that must look at its operand's numbers (to treat a removable singularity, as sinc's at 0) gives
    a symbolic operand its closed form instead, written with formula functions.
    """
    try:
        concrete(x)
    except ChainruleTypeError:
        return False
    return True


def is_complex(x: Any) -> bool:
    """True for a complex array, number or traced value; False for real ones and symbolic expressions
    (formulas are real: the symbolic side differentiates real functions)."""
    if isinstance(x, complex):
        return True
    try:
        dtype = x.dtype
    except (AttributeError, ChainruleTypeError):
        return False
    return bool(dtype.kind == "c")


def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``g`` over the axes that broadcasting added or stretched, so it gets ``shape`` again."""
    gshape = shape_of(g)
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1
    )
    # methods rather than np.sum / np.reshape: the same on arrays and traced values, without NumPy's
    # Python-level dispatch (this runs for every broadcast operand in every backward pass)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def unbroadcast_like(g: Any, x: Any) -> Any:
    """:func:`unbroadcast` ``g`` to the shape of ``x``, with a fast exit when nothing was broadcast."""
    try:
        if g.shape == x.shape:
            return g
    except AttributeError:
        pass
    return unbroadcast(g, shape_of(x))


def normalize_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple; negative allowed) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(int(a) for a in axis) if isinstance(axis, tuple | list) else (int(axis),)
    out = []
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ChainruleValueError(f"axis {a} is out of bounds for an array of dimension {ndim}")
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(out))


def keep_reduced(g: Any, shape: tuple[int, ...], axis: Any, keepdims: bool) -> Any:
    """The cotangent of a reduction with the reduced axes put back as length 1 (ready to broadcast)."""
    if keepdims:
        return g
    axes = normalize_axes(axis, len(shape))
    return g.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))


def expand_reduced(g: Any, shape: tuple[int, ...], axis: Any, keepdims: bool) -> Any:
    """Broadcast the cotangent of a reduction back to the input's ``shape``."""
    return np.broadcast_to(keep_reduced(g, shape, axis, keepdims), shape)


def safe_divide(num: Any, den: Any) -> Any:
    """``num / den`` with 0 where ``den`` is 0: the subgradient choice at kinks such as norm'(0)."""
    zero = concrete(den) == 0
    if not np.any(zero):
        return num / den
    return np.where(zero, 0.0, num / np.where(zero, 1.0, den))


def zero_rule(g: Any, ans: Any, *args: Any, **params: Any) -> Any:
    """The rule of a piecewise-constant function (sign, floor): its derivative is zero."""
    return np.zeros(shape_of(args[0]), dtype=np.result_type(concrete(g)))


# ---------------------------------------------------------------- NumPy's signatures


def refuse(name: str, **options: Any) -> None:
    """Raise for NumPy options chainrule does not differentiate through (``out=``, ``where=``)."""
    for option, value in options.items():
        if value is not None and value is not np._NoValue:
            raise UnsupportedOperationError(
                f"{name}: the option {option}= is not supported on traced values"
                + (" (results are never written in place)" if option == "out" else "")
            )


def axis_argument(axis: Any) -> Any:
    """NumPy's ``axis=`` as a hashable value: a list of axes becomes a tuple."""
    return tuple(axis) if isinstance(axis, list) else axis
