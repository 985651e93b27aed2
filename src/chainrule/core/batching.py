"""Batched: a value that stands for a whole batch of examples, for :func:`chainrule.vmap`.

A Batched holds the batch's values with the batch as axis 0, and behaves as one example: its ``shape`` is
an example's shape, and every primitive applied to it runs once for the whole batch through the batching
rule its row declares (:mod:`chainrule.core.batch_rules`). Like Tensor and Dual it has a trace level, so
``vmap`` nests with itself and with ``grad``/``jvp`` in any order.

The plain numbers behind a Batched (what a derivative rule looks at with ``concrete``) are a Batched again,
at the same level and with no derivative tracing under it: comparisons of them give batched masks, and a
Python ``if`` on them, which would have to pick one branch for every example, is refused.
"""

from __future__ import annotations

import functools
import weakref
from typing import Any

import numpy as np

from chainrule.core.arraylike import _PLAIN_TYPES, ArrayLike
from chainrule.core.assignment import STANDING_IN
from chainrule.core.batch_rules import BatchCall, align, batch_numbers, broadcast_batch
from chainrule.core.primitive import Primitive, Traced, operation_error
from chainrule.core.registry import COMPARISONS, FUNCTIONS, PLAIN_RESULTS, function_name
from chainrule.core.rules._util import concrete, shape_of
from chainrule.errors import ChainruleError, GraphError, ShapeError, UnsupportedOperationError

__all__ = ["Batched", "batch_rule", "batch_size_of", "missing_batch_rule"]

# Recorded values (Tensors) that a vmap computed for a whole batch, by id: a weak reference and the batch's
# size. A graph drawing reads it to say which axis is the batch (batch_size_of); an entry goes with its value.
_BATCHES: dict[int, tuple[weakref.ref[Any], int]] = {}


def _computed(value: Any, level: int, size: int, strong: bool) -> Batched:
    """A result computed under vmap for the whole batch; a recorded node (a Tensor: ``parents`` is looked up
    on its class, no exception per call) is remembered so that drawings show its batch axis. (The arguments
    vmap wraps are not: a Tensor passed in is the user's, drawn as it is.)"""
    if getattr(type(value), "parents", None) is not None:
        _remember_batch(value, size)
    return Batched(value, level, size, strong)


def _remember_batch(value: Any, size: int) -> None:
    key = id(value)

    def forget(ref: weakref.ref[Any]) -> None:
        entry = _BATCHES.get(key)
        if entry is not None and entry[0] is ref:
            del _BATCHES[key]

    _BATCHES[key] = (weakref.ref(value, forget), size)


def batch_size_of(value: Any) -> int | None:
    """The number of examples when ``value`` (a recorded Tensor) was computed under :func:`chainrule.vmap`
    for a whole batch, whose examples then lie along its axis 0; None otherwise.

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> w = cr.Tensor(np.ones(3), requires_grad=True)
    >>> y = cr.vmap(lambda x: np.tanh(w * x))(np.ones((5, 3)))
    >>> y.shape, batch_size_of(y), batch_size_of(w)
    ((5, 3), 5, None)
    """
    entry = _BATCHES.get(id(value))
    if entry is None or entry[0]() is not value:
        return None
    return entry[1]


def batch_rule(prim: Primitive) -> Any:
    """The batching rule ``prim`` declares (None when it has none)."""
    return prim.batch


def missing_batch_rule(prim: Primitive) -> Exception:
    """The error for a primitive without a batching rule under vmap (never a silent per-example loop)."""
    return UnsupportedOperationError(
        f"{prim.name} has no batching rule, so it cannot run under cr.vmap; give the primitive a batch= "
        "rule (see chainrule.core.batch_rules), or call cr.vmap(f, loop=True) to run f once per example"
    )


def _note(size: int, operands: Any) -> str:
    shapes = ", ".join(str(shape_of(a)) for a in operands)
    return f" (under vmap: batched over axis 0 of size {size}; batched operand shapes: {shapes})"


class Batched(ArrayLike):
    """A batch of values at one trace level, behaving as one example (made by :func:`chainrule.vmap`)."""

    __slots__ = ("__weakref__", "_batched_value", "_level", "_links", "_size", "_strong")

    def __init__(self, value: Any, level: int, size: int, strong: bool = False) -> None:
        self._batched_value = value
        self._level = level
        self._size = size
        self._strong = strong

    # ---------------------------------------------------------------- what an example looks like

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(shape_of(self._batched_value)[1:])

    @property
    def dtype(self) -> np.dtype[Any]:
        v = batch_numbers(self._batched_value)
        return np.result_type(v)

    def _value(self) -> Any:
        v = self._batched_value
        numbers = concrete(v) if isinstance(v, Traced) else v
        if numbers is v:  # the plain numbers of a batch are this batch (see the module docstring), also
            return self  # when they are a batch of an enclosing vmap
        return Batched(numbers, self._level, self._size, self._strong)

    def _constant(self, value: Any) -> Any:
        return value

    def _like(self, value: Any) -> Batched:
        """``value`` (its batch axis in front) as a value of this batch."""
        return Batched(value, self._level, self._size, self._strong)

    def _holding(self, x: Any) -> Batched:
        """``x``, the same for every example, as a value of this batch (a broadcast view)."""
        return Batched(broadcast_batch(x, self._size), self._level, self._size, self._strong)

    # ---------------------------------------------------------------- recording

    def _lift(self, prim: Primitive, args: Any, params: dict[str, Any]) -> Any:
        level = self._level
        vals: list[Any] = []
        batched: list[bool] = []
        for a in args:
            if type(a) in STANDING_IN:
                a = a._resolve()
            if isinstance(a, Batched) and a._level == level:
                vals.append(a._batched_value)
                batched.append(True)
            else:
                vals.append(a)
                batched.append(False)
        rule = batch_rule(prim)
        if rule is None:
            raise missing_batch_rule(prim)
        call = BatchCall(prim, tuple(batched), self._size, self._strong, level)
        try:
            out = rule(call, *vals, **params)
        except ChainruleError as exc:
            if "under vmap" in str(exc):
                raise
            raise type(exc)(str(exc) + _note(self._size, vals)) from exc
        except ValueError as exc:
            error = operation_error(prim, vals, exc)
            raise type(error)(str(error) + _note(self._size, vals)) from exc
        return _computed(out, level, self._size, self._strong)

    def _compare(self, ufunc: Any, inputs: Any) -> Batched:
        """A comparison (not differentiable): the plain numbers compared, example by example."""
        level = self._level
        mine = [isinstance(x, Batched) and x._level == level for x in inputs]
        vals = [concrete(x._batched_value) if m else concrete(x) for x, m in zip(inputs, mine, strict=True)]
        ndim = max(len(shape_of(v)) - m for v, m in zip(vals, mine, strict=True))
        vals = [align(v, ndim) if m else v for v, m in zip(vals, mine, strict=True)]
        return Batched(ufunc(*vals), level, self._size, self._strong)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if (ufunc in COMPARISONS or ufunc in _LOGICAL) and method == "__call__" and not kwargs:
            return self._compare(ufunc, inputs)
        return ArrayLike.__array_ufunc__(self, ufunc, method, *inputs, **kwargs)

    def __lt__(self, other: Any) -> Any:
        return self._compare(np.less, (self, other))

    def __le__(self, other: Any) -> Any:
        return self._compare(np.less_equal, (self, other))

    def __gt__(self, other: Any) -> Any:
        return self._compare(np.greater, (self, other))

    def __ge__(self, other: Any) -> Any:
        return self._compare(np.greater_equal, (self, other))

    def __eq__(self, other: Any) -> Any:
        return self._compare(np.equal, (self, other))

    def __ne__(self, other: Any) -> Any:
        return self._compare(np.not_equal, (self, other))

    __hash__ = object.__hash__

    def __and__(self, other: Any) -> Any:
        return self._compare(np.bitwise_and, (self, other))

    def __rand__(self, other: Any) -> Any:
        return self._compare(np.bitwise_and, (other, self))

    def __or__(self, other: Any) -> Any:
        return self._compare(np.bitwise_or, (self, other))

    def __ror__(self, other: Any) -> Any:
        return self._compare(np.bitwise_or, (other, self))

    def __xor__(self, other: Any) -> Any:
        return self._compare(np.bitwise_xor, (self, other))

    def __invert__(self) -> Any:
        return self._compare(np.invert, (self,))

    def __array_function__(self, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if func in PLAIN_RESULTS:
            return self._plain_function(func, args, kwargs)
        if func in _CREATION and args and args[0] is self:
            # the same for every example, held as a batch (a broadcast view) so that it can be assigned
            # into with each example's values: y = np.zeros_like(x); y[0] = x[1] ** 2
            # (through chainrule's handler: np.full_like's fill value may itself be traced)
            out = FUNCTIONS[func](np.zeros(self.shape, dtype=self.dtype), *args[1:], **kwargs)
            return out if isinstance(out, Traced) else self._holding(out)
        plain = not isinstance(self._batched_value, Traced)
        if plain and func in _LEADING and len(args) == 1 and args[0] is self:
            return _batched_results(func(self._batched_value, **kwargs), self)
        key = (id(self), func)
        depth = _ACTIVE.get(key, 0)
        if plain and depth >= _MAX_NESTED:  # a handler asked for this batch's numbers in a form with no batch
            raise UnsupportedOperationError(
                f"{function_name(func)} looks at the numbers of a value batched by cr.vmap (size "
                f"{self._size}) in a way that has no batched form; use cr.vmap(f, loop=True)"
            )
        _ACTIVE[key] = depth + 1
        try:
            return ArrayLike.__array_function__(self, func, types, args, kwargs)
        finally:
            if depth:
                _ACTIVE[key] = depth
            else:
                del _ACTIVE[key]

    def _plain_function(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """NumPy functions whose results carry no derivative: shapes and dtypes, and batched reductions."""
        if func is np.shape:
            return self.shape
        if func is np.ndim:
            return len(self.shape)
        if func is np.size:
            return int(np.prod(self.shape))
        if func in (np.result_type, np.iscomplexobj, np.isrealobj, np.can_cast, np.min_scalar_type):
            return func(*[batch_numbers(a) for a in args], **kwargs)
        if func in (np.round, np.around, np.linalg.matrix_rank) and args and args[0] is self:
            value = concrete(self._batched_value)
            return Batched(func(value, *args[1:], **kwargs), self._level, self._size, self._strong)
        if func in (np.any, np.all, np.count_nonzero) and len(args) == 1:
            axis = kwargs.pop("axis", None)
            ndim = len(self.shape)
            shifted = tuple(range(1, ndim + 1)) if axis is None else _shift_axis(axis)
            value = concrete(self._batched_value)
            return Batched(func(value, axis=shifted, **kwargs), self._level, self._size, self._strong)
        if func in _ORDERING and args and args[0] is self:
            return self._ordering(func, args[1:], kwargs)
        if func is np.isclose:
            return self._compare(functools.partial(np.isclose, **kwargs), args)
        raise UnsupportedOperationError(
            f"{function_name(func)} of a batched value is not supported under cr.vmap; compute it outside "
            "the vmapped function, or use cr.vmap(f, loop=True)"
        )

    def _ordering(self, func: Any, rest: tuple[Any, ...], kwargs: dict[str, Any]) -> Batched:
        """np.argsort, np.argmax or np.argmin of each example, along an example's axis (None: its values
        flattened, as NumPy does for one array)."""
        default = -1 if func is np.argsort else None
        axis = rest[0] if rest else kwargs.pop("axis", default)
        value = concrete(self._batched_value)
        if axis is None:
            flat = np.reshape(value, (self._size, -1))
            keepdims = kwargs.pop("keepdims", False)
            out = func(flat, *rest[1:], axis=1, **kwargs)
            if keepdims:
                out = np.reshape(out, (self._size,) + (1,) * len(self.shape))
        else:
            axis = int(axis)
            if not -len(self.shape) <= axis < len(self.shape):
                raise ShapeError(
                    f"{function_name(func)}: axis {axis} is out of bounds for an example of shape "
                    f"{self.shape}"
                )
            out = func(value, *rest[1:], axis=axis % len(self.shape) + 1, **kwargs)
        return Batched(out, self._level, self._size, self._strong)

    # ---------------------------------------------------------------- what cannot be batched

    def __bool__(self) -> bool:
        # A Python if/while takes one branch for the whole batch: exactly what a loop over the examples
        # would do when every example takes the same branch; otherwise refused.
        if int(np.prod(self.shape)) != 1:
            raise ValueError(
                "the truth value of an array with more than one element is ambiguous; use np.any or np.all"
            )
        truths = np.asarray(batch_numbers(self._batched_value), dtype=bool).reshape(-1)
        if truths.all() or not truths.any():
            return bool(truths[0]) if truths.size else False
        raise GraphError(
            f"a Python if/while on a value batched by cr.vmap (size {self._size}) whose examples take "
            "different branches; write the choice with np.where, or use cr.vmap(f, loop=True)"
        )

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        raise GraphError(
            f"converting a value batched by cr.vmap (size {self._size}, example shape {self.shape}) to a "
            "plain array would mix the examples up; keep it in NumPy calls (to index a NumPy array with it, "
            "write cr.Tensor(array)[index]), or use cr.vmap(f, loop=True)"
        )

    def _number(self, what: str) -> Any:
        raise GraphError(f"{what} of a value batched by cr.vmap: each example has its own; keep it an array")

    @property
    def data(self) -> Any:
        """Refused: a batched value has one value per example (see :func:`chainrule.vmap`)."""
        raise GraphError(".data of a value batched by cr.vmap: it has one value per example")

    def detach(self) -> Batched:
        """The same batch, with no derivative tracing under it."""
        return Batched(concrete(self._batched_value), self._level, self._size, self._strong)

    def _become(self, new: Any) -> bool:
        """Take the values of ``new``, the result of assigning into this batched value."""
        if not isinstance(new, Batched) or new._level != self._level:
            raise GraphError(
                "x[...] = v: v is batched by a cr.vmap that x is outside of; start from an array of that "
                "batch, e.g. x = np.zeros_like(v), and assign into it"
            )
        self._batched_value = new._batched_value
        return False

    def _poison(self) -> None:
        self.__class__ = _StaleBatched

    def __repr__(self) -> str:
        return f"Batched(size={self._size}, example shape {self.shape}, level={self._level})"


# masks combined (x > 0) & (y < 1): not differentiable, applied to the plain numbers like comparisons
_LOGICAL = frozenset({np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.invert})
# NumPy functions that map over leading axes: on a batch of plain numbers, one call for the batch
_LEADING = frozenset(
    {np.linalg.slogdet, np.linalg.det, np.linalg.eigh, np.linalg.eigvalsh, np.linalg.svd, np.linalg.inv}
)
# (batch, NumPy function) -> how many such calls are under way, so that a handler asking for the same again
# and again raises, not recurses. A rule may call the function again with the same batch among other operands
# (np.where's forward rule selects the tangents by the same condition, inside np.where under cr.jvp), once
# for each transform nested around it: that many are allowed.
_ACTIVE: dict[tuple[int, Any], int] = {}
_MAX_NESTED = 8
_ORDERING = frozenset({np.argsort, np.argmax, np.argmin})
_CREATION = frozenset({np.zeros_like, np.ones_like, np.empty_like, np.full_like})


def _batched_results(out: Any, like: Batched) -> Any:
    """Each array of a NumPy result (a tuple of them, or one) as a batch like ``like``."""
    if isinstance(out, tuple):
        return (
            type(out)(*[_batched_results(o, like) for o in out])
            if hasattr(out, "_fields")
            else tuple(_batched_results(o, like) for o in out)
        )
    return _computed(out, like._level, like._size, like._strong)


def _shift_axis(axis: Any) -> Any:
    if isinstance(axis, tuple | list):
        return tuple(_shift_axis(a) for a in axis)
    return axis + 1 if axis >= 0 else axis


class _StaleBatched(Batched):
    """A view of a batched value that was assigned into after the view was taken: every use raises."""

    __slots__ = ()

    def _lift(self, prim: Primitive, args: Any, params: dict[str, Any]) -> Any:
        from chainrule.core.assignment import stale_error

        raise stale_error()

    def __repr__(self) -> str:
        return "Batched(<a stale slice: its array was assigned into after it was taken>)"


STANDING_IN.add(_StaleBatched)
_PLAIN_TYPES.add(Batched)
