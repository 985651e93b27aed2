"""What traced values share: Python operators and NumPy's override protocols.

``np.sin(x)`` on a traced ``x`` arrives in ``__array_ufunc__``, ``np.sum(x)`` in ``__array_function__``; both
look the call up in :mod:`chainrule.core.registry`, where each primitive's row declared its NumPy functions,
and record the primitive. Calls without a rule raise an error that names them instead of falling back to slow
object arrays or silently dropping the derivative.
"""

from __future__ import annotations

import inspect
import math
from typing import Any

import numpy as np

from chainrule.core import numpy_creation as _numpy_creation  # noqa: F401
from chainrule.core import numpy_fft as _numpy_fft  # noqa: F401
from chainrule.core import numpy_linalg as _numpy_linalg  # noqa: F401  (registers the composites)
from chainrule.core import numpy_nanfunctions as _numpy_nanfunctions  # noqa: F401
from chainrule.core import numpy_numerical as _numpy_numerical  # noqa: F401
from chainrule.core import numpy_selection as _numpy_selection  # noqa: F401
from chainrule.core import numpy_statistics as _numpy_statistics  # noqa: F401
from chainrule.core import numpy_ufuncs as _numpy_ufuncs  # noqa: F401  (after every row: ufunc methods)
from chainrule.core.assignment import note_view, setitem
from chainrule.core.conversion import conversion_error, storing_into_plain_array
from chainrule.core.deferred import resolve
from chainrule.core.numpy_shape import getitem, index_of
from chainrule.core.primitive import Traced, bind
from chainrule.core.registry import COMPARISONS, FUNCTIONS, UFUNC_METHODS, UFUNCS, function_name
from chainrule.core.rules import arithmetic as ew
from chainrule.core.rules import linalg as la
from chainrule.core.rules import piecewise as pw
from chainrule.core.rules._util import concrete, shape_of
from chainrule.core.rules.indexing import is_basic_index
from chainrule.errors import ChainruleTypeError, ChainruleValueError, GraphError, UnsupportedOperationError

_NO_PARAMS: dict[str, Any] = {}
# NumPy's type stubs do not know that its functions dispatch to __array_function__, so the methods below call
# NumPy through this untyped name.
_np: Any = np
_IGNORED_UFUNC_OPTIONS = {"casting": "same_kind", "order": "K", "subok": True, "signature": None}

# NumPy functions whose result is a view of their first argument in NumPy (when NumPy can avoid a copy)
_VIEW_FUNCTIONS = frozenset(
    {np.reshape, np.transpose, np.ravel, np.squeeze, np.expand_dims, np.swapaxes, np.moveaxis, np.diagonal}
)

# Operand types the operators need not ask whether to defer (the hot path checks only this): plain numbers,
# and the traced classes themselves, which tensor.py and dual.py enter (a set lookup costs less than a call).
_PLAIN_TYPES: set[type] = {float, int, complex, bool, np.float64, np.float32, np.complex128}
_DEFERS: dict[type, bool] = {}


def _foreign(other: Any) -> bool:
    """True when an operator should return NotImplemented for ``other``: a wrapper type that handles
    traced values itself (see :func:`_defers`), or an object array, which NumPy's reflected operator
    applies entry by entry."""
    if isinstance(other, Traced):
        return False
    if type(other) is np.ndarray:
        return bool(other.dtype.kind == "O")
    return _defers(other)


def _defers(value: Any) -> bool:
    return _defers_type(type(value))


def _defers_type(cls: type) -> bool:
    """True for a foreign type that wraps arrays and can hold a traced value (xarray, pandas, dask ...).

    NEP 13: such a type implements ``__array_ufunc__`` (or sets it to None); chainrule's operators and
    protocols return NotImplemented for it, so the wrapper handles the operation and keeps the traced value
    inside, rather than chainrule wrapping the wrapper and the derivative being lost.
    """
    known = _DEFERS.get(cls)
    if known is None:
        known = _DEFERS[cls] = hasattr(cls, "__array_ufunc__") and not issubclass(
            cls, np.ndarray | np.generic | Traced
        )
    return known


def _ufunc_call(ufunc: np.ufunc, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if kwargs:
        if kwargs.get("out") is not None:
            raise GraphError(
                f"np.{ufunc.__name__}(..., out=...) would write in place into an array that a recorded "
                "graph may depend on; assign the result to a new name instead"
            )
        options: dict[str, Any] = {}  # the options a composite handler takes itself (np.vecdot's axis=)
        for key, value in kwargs.items():
            if key == "out" or _IGNORED_UFUNC_OPTIONS.get(key, object()) == value:
                continue
            if key == "dtype" and value is not None:
                return ew.astype_p(_ufunc_call(ufunc, inputs, options), dtype=value)
            if key in _handler_options(ufunc):
                options[key] = value
                continue
            raise UnsupportedOperationError(
                f"np.{ufunc.__name__}: the option {key}= is not supported on traced values"
            )
        if options:
            return FUNCTIONS[ufunc](*inputs, **options)
    prim = UFUNCS.get(ufunc)
    if prim is None and ufunc not in FUNCTIONS and resolve(ufunc):  # a row named it (SciPy's ufuncs)
        prim = UFUNCS.get(ufunc)
    if prim is not None:
        return bind(prim, inputs, _NO_PARAMS)
    handler = FUNCTIONS.get(ufunc)  # a ufunc whose primitive takes its operands in another form
    if handler is not None:
        return handler(*inputs)
    if ufunc in COMPARISONS:
        return ufunc(*[concrete(x) for x in inputs])
    raise UnsupportedOperationError(
        f"{function_name(ufunc)} has no derivative rule in chainrule; define one with "
        "cr.Primitive (see 'Custom rules' in the docs) or compute it from supported functions"
    )


def _handler_options(ufunc: np.ufunc) -> frozenset[str]:
    """The keyword options of the composite handler registered for ``ufunc`` (none for a primitive)."""
    handler = FUNCTIONS.get(ufunc)
    if handler is None or ufunc in UFUNCS:
        return frozenset()
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return frozenset(name for name, p in inspect.signature(handler).parameters.items() if p.kind in kinds)


def _as_objects(x: Any) -> Any:
    """A traced array as an object array of its (0-d, traced) entries; anything else unchanged."""
    if not isinstance(x, Traced):
        return x
    shape = shape_of(x)
    array: Any = x
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        out[index] = array[index] if shape else array
    return out


def _on_objects(ufunc: np.ufunc, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """A ufunc with an object array among its operands (pandas' object Series of traced values): NumPy's
    object loops apply the Python operators entry by entry, so each traced entry records as usual."""
    return getattr(ufunc, method)(*[_as_objects(x) for x in inputs], **kwargs)


class ArrayLike(Traced):
    """Operators and NumPy protocols for :class:`Tensor` and :class:`Dual`."""

    __slots__ = ()
    __array_priority__ = 1000.0

    def _value(self) -> Any:
        raise NotImplementedError

    def _become(self, new: Any) -> bool:
        raise NotImplementedError

    def _poison(self) -> None:
        raise NotImplementedError

    # ---------------------------------------------------------------- NumPy protocols

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        for x in inputs:
            if type(x) is np.ndarray:
                if x.dtype.kind == "O":
                    return _on_objects(ufunc, method, inputs, kwargs)
            elif type(x) not in _PLAIN_TYPES and _defers(x):
                return NotImplemented
        if method == "__call__":
            return _ufunc_call(ufunc, inputs, kwargs)
        handler = UFUNC_METHODS.get((ufunc, method))
        if handler is None:
            raise UnsupportedOperationError(
                f"{function_name((ufunc, method))} has no derivative rule in chainrule"
            )
        return handler(*inputs, **kwargs)

    def __array_function__(self, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        for cls in types:
            if _defers_type(cls):
                return NotImplemented
        handler = FUNCTIONS.get(func)
        if handler is None:
            raise UnsupportedOperationError(
                f"{function_name(func)} has no derivative rule in chainrule; define one with "
                "cr.Primitive (see 'Custom rules' in the docs) or compute it from supported functions"
            )
        out = handler(*args, **kwargs)
        if func in _VIEW_FUNCTIONS and args and args[0] is self:
            note_view(self, out)
        return out

    # ---------------------------------------------------------------- arithmetic
    # The operand with the higher level records the operation (see primitive.bind); written out here
    # because operators are the commonest calls of all.

    def __add__(self, other: Any) -> Any:
        if type(other) not in _PLAIN_TYPES and _foreign(other):
            return NotImplemented
        if isinstance(other, Traced) and other._level > self._level:
            return other._lift(ew.add_p, (self, other), _NO_PARAMS)
        return self._lift(ew.add_p, (self, other), _NO_PARAMS)

    def __radd__(self, other: Any) -> Any:
        if type(other) not in _PLAIN_TYPES and _foreign(other):
            return NotImplemented
        if isinstance(other, Traced) and other._level > self._level:
            return other._lift(ew.add_p, (other, self), _NO_PARAMS)
        return self._lift(ew.add_p, (other, self), _NO_PARAMS)

    def __sub__(self, other: Any) -> Any:
        if type(other) not in _PLAIN_TYPES and _foreign(other):
            return NotImplemented
        if isinstance(other, Traced) and other._level > self._level:
            return other._lift(ew.subtract_p, (self, other), _NO_PARAMS)
        return self._lift(ew.subtract_p, (self, other), _NO_PARAMS)

    def __rsub__(self, other: Any) -> Any:
        if type(other) not in _PLAIN_TYPES and _foreign(other):
            return NotImplemented
        if isinstance(other, Traced) and other._level > self._level:
            return other._lift(ew.subtract_p, (other, self), _NO_PARAMS)
        return self._lift(ew.subtract_p, (other, self), _NO_PARAMS)

    def __mul__(self, other: Any) -> Any:
        if type(other) not in _PLAIN_TYPES and _foreign(other):
            return NotImplemented
        if isinstance(other, Traced) and other._level > self._level:
            return other._lift(ew.multiply_p, (self, other), _NO_PARAMS)
        return self._lift(ew.multiply_p, (self, other), _NO_PARAMS)

    def __rmul__(self, other: Any) -> Any:
        if type(other) not in _PLAIN_TYPES and _foreign(other):
            return NotImplemented
        if isinstance(other, Traced) and other._level > self._level:
            return other._lift(ew.multiply_p, (other, self), _NO_PARAMS)
        return self._lift(ew.multiply_p, (other, self), _NO_PARAMS)

    def __truediv__(self, other: Any) -> Any:
        if type(other) not in _PLAIN_TYPES and _foreign(other):
            return NotImplemented
        if isinstance(other, Traced) and other._level > self._level:
            return other._lift(ew.divide_p, (self, other), _NO_PARAMS)
        return self._lift(ew.divide_p, (self, other), _NO_PARAMS)

    def __rtruediv__(self, other: Any) -> Any:
        if type(other) not in _PLAIN_TYPES and _foreign(other):
            return NotImplemented
        if isinstance(other, Traced) and other._level > self._level:
            return other._lift(ew.divide_p, (other, self), _NO_PARAMS)
        return self._lift(ew.divide_p, (other, self), _NO_PARAMS)

    def __pow__(self, other: Any) -> Any:
        if type(other) not in _PLAIN_TYPES and _foreign(other):
            return NotImplemented
        if isinstance(other, Traced) and other._level > self._level:
            return other._lift(ew.power_p, (self, other), _NO_PARAMS)
        return self._lift(ew.power_p, (self, other), _NO_PARAMS)

    def __rpow__(self, other: Any) -> Any:
        if type(other) not in _PLAIN_TYPES and _foreign(other):
            return NotImplemented
        if isinstance(other, Traced) and other._level > self._level:
            return other._lift(ew.power_p, (other, self), _NO_PARAMS)
        return self._lift(ew.power_p, (other, self), _NO_PARAMS)

    def __mod__(self, other: Any) -> Any:
        return _np.remainder(self, other)

    def __rmod__(self, other: Any) -> Any:
        return _np.remainder(other, self)

    def __floordiv__(self, other: Any) -> Any:
        return _np.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> Any:
        return _np.floor_divide(other, self)

    def __divmod__(self, other: Any) -> Any:
        return _np.divmod(self, other)

    def __rdivmod__(self, other: Any) -> Any:
        return _np.divmod(other, self)

    def __matmul__(self, other: Any) -> Any:
        if type(other) not in _PLAIN_TYPES and _foreign(other):
            return NotImplemented
        if isinstance(other, Traced) and other._level > self._level:
            return other._lift(la.matmul_p, (self, other), _NO_PARAMS)
        return self._lift(la.matmul_p, (self, other), _NO_PARAMS)

    def __rmatmul__(self, other: Any) -> Any:
        if type(other) not in _PLAIN_TYPES and _foreign(other):
            return NotImplemented
        if isinstance(other, Traced) and other._level > self._level:
            return other._lift(la.matmul_p, (other, self), _NO_PARAMS)
        return self._lift(la.matmul_p, (other, self), _NO_PARAMS)

    def __neg__(self) -> Any:
        return self._lift(ew.negative_p, (self,), _NO_PARAMS)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return self._lift(pw.absolute_p, (self,), _NO_PARAMS)

    # comparisons are not differentiable: they return plain boolean arrays
    def __lt__(self, other: Any) -> Any:
        return concrete(self) < concrete(other)

    def __le__(self, other: Any) -> Any:
        return concrete(self) <= concrete(other)

    def __gt__(self, other: Any) -> Any:
        return concrete(self) > concrete(other)

    def __ge__(self, other: Any) -> Any:
        return concrete(self) >= concrete(other)

    def __eq__(self, other: Any) -> Any:
        return concrete(self) == concrete(other)

    def __ne__(self, other: Any) -> Any:
        return concrete(self) != concrete(other)

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        return bool(concrete(self))

    # Converting to a Python number drops the derivative. Inside a transform (level > 0) that would be a
    # silently wrong answer, so it is refused; an object-API Tensor converts, like PyTorch's .item().
    def _number(self, what: str) -> Any:
        if (self._level or getattr(self, "requires_grad", False)) and storing_into_plain_array():
            raise conversion_error()  # y[i] = t into a plain array: NumPy asks for a number
        if self._level:
            raise GraphError(
                f"{what} of a value being differentiated would silently drop its derivative; keep it an "
                "array (use NumPy functions on it), or differentiate with respect to something else"
            )
        return concrete(self)

    def __float__(self) -> float:
        return float(self._number("float()"))

    def __int__(self) -> int:
        return int(self._number("int()"))

    def __complex__(self) -> complex:
        return complex(self._number("complex()"))

    # A string or a rounded number carries no derivative (round's is 0 wherever it exists), so these are
    # given inside transforms too, from the values; only a batch under vmap, with no one value, is refused.
    def _shown(self, what: str) -> np.ndarray[Any, Any]:
        value = concrete(self)
        if isinstance(value, Traced):  # a batch under vmap: one value per example
            raise GraphError(
                f"{what} of a value batched by cr.vmap: each example has its own value; return it from the "
                f"vmapped function and apply {what} to the results"
            )
        return np.asarray(value)

    def __format__(self, format_spec: str) -> str:
        """``f"{loss:.4f}"``: a 0-d value formats as its number; a larger array takes no format spec, as a
        NumPy array takes none."""
        if not format_spec:
            return str(self)
        values = self._shown("format()")
        if values.ndim:
            raise ChainruleTypeError(
                f"format spec {format_spec!r} for an array of shape {values.shape}: as for NumPy arrays, "
                "only a 0-d value takes one; format its entries (np.array2string, or each t[i])"
            )
        return format(values[()], format_spec)

    def __round__(self, ndigits: int | None = None) -> Any:
        """``round(t, n)`` of a 0-d value: a plain number, as ``round`` of a NumPy scalar gives (an int
        without ``n``); it carries no derivative. For arrays write ``np.round(t, n)`` (plain values too)."""
        values = self._shown("round()")
        if values.ndim:
            raise ChainruleTypeError(
                f"round() of an array of shape {values.shape}: NumPy arrays do not take round() either; "
                "write np.round(t, decimals) or t.round(decimals)"
            )
        number: Any = values[()]  # a NumPy scalar
        return round(number, ndigits)

    # ---------------------------------------------------------------- indexing and iteration

    def __getitem__(self, index: Any) -> Any:
        index = index_of(index)
        out = getitem(self, index)
        if is_basic_index(index):  # a basic index gives a view in NumPy (unless the result is a number)
            note_view(self, out, index)
        return out

    def __setitem__(self, index: Any, value: Any) -> None:
        """``x[index] = value``, recorded as a functional update (see :mod:`chainrule.core.assignment`)."""
        setitem(self, index, value)

    def __len__(self) -> int:
        shape = self.shape
        if not shape:
            raise TypeError("len() of a 0-d array")
        return shape[0]

    def __iter__(self) -> Any:
        return (self[i] for i in range(len(self)))

    # ---------------------------------------------------------------- array attributes

    @property
    def shape(self) -> tuple[int, ...]:
        value = concrete(self)
        if isinstance(value, Traced):  # a batch under vmap: an example's shape
            return tuple(value.shape)  # type: ignore[attr-defined]
        return np.shape(value)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def dtype(self) -> np.dtype[Any]:
        value = concrete(self)
        if isinstance(value, Traced):  # a batch under vmap
            return np.dtype(value.dtype)  # type: ignore[attr-defined]
        return np.result_type(value)

    @property
    def T(self) -> Any:
        return _np.transpose(self)

    @property
    def mT(self) -> Any:
        return _np.swapaxes(self, -1, -2)

    @property
    def real(self) -> Any:
        return _np.real(self)

    @property
    def imag(self) -> Any:
        if self.dtype.kind != "c":  # the imaginary part of a real array is a constant 0
            return _np.zeros_like(self)
        return _np.imag(self)

    def conj(self) -> Any:
        return _np.conjugate(self)

    def conjugate(self) -> Any:
        return _np.conjugate(self)

    def item(self) -> Any:
        return np.asarray(self._number(".item()")).item()

    def tolist(self) -> Any:
        return np.asarray(self._number(".tolist()")).tolist()

    # ---------------------------------------------------------------- ndarray methods

    def sum(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
        return _np.sum(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def mean(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
        return _np.mean(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def prod(self, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
        return _np.prod(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _np.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _np.min(self, axis=axis, keepdims=keepdims)

    def var(self, axis: Any = None, ddof: float = 0, keepdims: bool = False) -> Any:
        return _np.var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis: Any = None, ddof: float = 0, keepdims: bool = False) -> Any:
        return _np.std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def cumsum(self, axis: Any = None) -> Any:
        return _np.cumsum(self, axis=axis)

    def cumprod(self, axis: Any = None) -> Any:
        return _np.cumprod(self, axis=axis)

    def reshape(self, *shape: Any) -> Any:
        return _np.reshape(self, shape[0] if len(shape) == 1 else shape)

    def copy(self) -> Any:
        return _np.copy(self)

    def ravel(self) -> Any:
        return _np.ravel(self)

    def flatten(self) -> Any:
        return _np.ravel(self)

    def transpose(self, *axes: Any) -> Any:
        if len(axes) == 1 and not isinstance(axes[0], int):
            axes = axes[0]
        return _np.transpose(self, axes or None)

    def swapaxes(self, axis1: int, axis2: int) -> Any:
        return _np.swapaxes(self, axis1, axis2)

    def squeeze(self, axis: Any = None) -> Any:
        return _np.squeeze(self, axis=axis)

    def dot(self, other: Any) -> Any:
        return _np.dot(self, other)

    def clip(self, min: Any = None, max: Any = None) -> Any:
        return _np.clip(self, min, max)

    def astype(self, dtype: Any) -> Any:
        dtype = np.dtype(dtype)
        if dtype == self.dtype:
            return self
        if dtype.kind not in "fc":  # integers and booleans carry no derivative
            return np.asarray(concrete(self)).astype(dtype)
        return ew.astype_p(self, dtype=dtype)

    def argmax(self, axis: Any = None) -> Any:
        return np.argmax(concrete(self), axis=axis)

    def argmin(self, axis: Any = None) -> Any:
        return np.argmin(concrete(self), axis=axis)

    def take(self, indices: Any, axis: Any = None, out: Any = None, mode: str = "raise") -> Any:
        return _np.take(self, indices, axis=axis, out=out, mode=mode)

    def repeat(self, repeats: Any, axis: Any = None) -> Any:
        return _np.repeat(self, repeats, axis=axis)

    def trace(
        self, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: Any = None
    ) -> Any:
        return _np.trace(self, offset, axis1, axis2, dtype=dtype, out=out)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
        return _np.diagonal(self, offset, axis1, axis2)

    def round(self, decimals: int = 0, out: Any = None) -> Any:
        """The rounded values, plain: rounding carries no derivative (``np.round``)."""
        return _np.round(self, decimals, out=out)

    def argsort(self, axis: Any = -1, kind: Any = None, order: Any = None, *, stable: Any = None) -> Any:
        return _np.argsort(self, axis=axis, kind=kind, order=order, stable=stable)

    def all(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _np.all(self, axis=axis, keepdims=keepdims)

    def any(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _np.any(self, axis=axis, keepdims=keepdims)

    def nonzero(self) -> Any:
        return _np.nonzero(self)

    # ndarray.sort and ndarray.fill work in place and return None: recorded as the assignment x[...] = new
    # (chainrule.core.assignment), so a leaf that requires grad refuses them, as it refuses x[i] = v.
    def sort(self, axis: Any = -1, kind: Any = None, order: Any = None, *, stable: Any = None) -> None:
        """Sort in place along ``axis``, as ``ndarray.sort`` does; the gradient follows each entry."""
        if axis is None:
            raise ChainruleTypeError(
                "sort(axis=None) in place: NumPy arrays refuse it; write np.sort(t, None)"
            )
        setitem(self, Ellipsis, _np.sort(self, axis=axis, kind=kind, order=order, stable=stable))

    def fill(self, value: Any) -> None:
        """Set every entry to ``value`` in place, as ``ndarray.fill`` does; a traced ``value`` gets the
        sum of the gradient."""
        if math.prod(shape_of(value)) != 1:
            raise ChainruleValueError(
                f"fill(value): value must be a single number, got shape {shape_of(value)}"
            )
        setitem(self, Ellipsis, _np.reshape(value, ()))
