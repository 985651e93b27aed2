"""Tensor: an array that records the operations applied to it, for reverse-mode differentiation.

Each operation on a Tensor that requires grad creates one small node (the new Tensor itself): its primitive,
its parents and the operand values its rule needs. ``backward()`` walks the nodes from the output to the
inputs, applying each primitive's reverse rule: local derivative times upstream gradient.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from chainrule.core.arraylike import _NO_PARAMS, _PLAIN_TYPES, ArrayLike
from chainrule.core.assignment import ASSIGNED, STANDING_IN, current, links_of, stale_error
from chainrule.core.backprop import FREED, backprop
from chainrule.core.conversion import conversion_error
from chainrule.core.grad_mode import OPEN, recording_off
from chainrule.core.primitive import (
    Primitive,
    Traced,
    apply,
    complex_error,
    involves_complex,
    missing_rule,
    operation_error,
)
from chainrule.core.registry import UFUNCS as _UFUNCS
from chainrule.errors import ChainruleTypeError, GraphError, ShapeError

__all__ = ["Tensor", "as_float_array", "current"]

# Creation order is a topological order (an operation is created after its operands), so the backward pass
# orders nodes by this number instead of a recursive depth-first search. It counts down, so that the latest
# node has the smallest key in the backward pass's min-heap.
_sequence = itertools.count(0, -1)


class _Retain:
    """Marks an intermediate Tensor whose gradient ``backward()`` should keep (see ``retain_grad``)."""

    __slots__ = ()


RETAIN: Any = _Retain()


def as_float_array(data: Any, what: str = "data") -> np.ndarray[Any, Any]:
    """``data`` as an array of floats: integers and bools become float64, float32 and complex stay."""
    try:
        array = np.asarray(data)
    except (TypeError, ValueError) as exc:
        raise ChainruleTypeError(f"{what} must be numeric, got {type(data).__name__}: {exc}") from exc
    kind = array.dtype.kind
    if kind in "biu":
        return array.astype(np.float64)
    if kind not in "fc":
        raise ChainruleTypeError(
            f"{what} must be numeric, got an array of dtype {array.dtype} ({type(data).__name__})"
        )
    return array


def _own(data: Any) -> Any:
    """A private copy of ``data`` as floats. A single number is kept as a NumPy scalar: arithmetic on those
    takes NumPy's scalar fast path (micrograd-style graphs of scalars), where 0-d arrays go through ufuncs."""
    array = np.array(as_float_array(data), copy=True)
    return array[()] if array.ndim == 0 else array


class Tensor(ArrayLike):
    """An array that can record operations for reverse-mode differentiation (PyTorch style).

    Parameters
    ----------
    data:
        Numbers or an array. Integers become float64; float32 and complex keep their dtype. The data is
        copied, so changing the original array later does not change the Tensor.
    requires_grad:
        Record operations on this Tensor so that ``backward()`` fills in its ``grad``.

    Notes
    -----
    A leaf (a Tensor created by the user, like a model's parameters) can be pickled, sent to another process
    and copied with ``copy.deepcopy``: the copy is a new leaf with the same values, ``requires_grad`` and
    ``grad``, independent of the original. A Tensor made by an operation cannot: pickling or copying it raises
    :class:`~chainrule.errors.ChainruleTypeError` (a ``TypeError``); pickle ``t.detach()`` for its values.

    Examples
    --------
    >>> import chainrule as cr
    >>> x = cr.Tensor(3.0, requires_grad=True)
    >>> y = 3 * x**2 - 4 * x + 5
    >>> y.backward()
    >>> x.grad
    array(14.)
    >>> w = cr.Tensor([1.0, 2.0], requires_grad=True)
    >>> loss = np.sum(np.sin(w) ** 2)
    >>> loss.backward()
    >>> np.allclose(w.grad, np.sin(2 * w.data))
    True
    """

    # A recorded Tensor is its own graph node: _prim is the primitive that made it (None for a leaf),
    # _parents the operands that require grad by position (a tuple, None for constants; trailing constants
    # may be left off; the Tensor itself, not a 1-tuple, when it is operand 0 alone; FREED once backward has
    # released the graph), _args the operand values its rule needs and
    # _params the primitive's keyword parameters. The last three are set only on recorded Tensors. Separate
    # slots rather than one tuple: fewer objects for the garbage collector to track, which matters for graphs
    # of many scalars.
    # _links (set only when needed) holds what assignment needs to know: views taken of this Tensor, its
    # base if it is a view, and the result it forwards to once assigned into (chainrule.core.assignment).
    __slots__ = (
        "__weakref__",
        "_args",
        "_data",
        "_grad",
        "_level",
        "_links",
        "_params",
        "_parents",
        "_prim",
        "_seq",
        "requires_grad",
    )

    _data: Any
    _prim: Any
    _parents: Any
    _args: Any
    _params: Any
    _grad: Any
    _links: Any

    def __init__(self, data: Any, requires_grad: bool = False) -> None:
        if isinstance(data, Traced):
            raise ChainruleTypeError(
                "Tensor(data): data is already traced; use .detach() to cut it from its graph"
            )
        self._data = _own(data)
        self.requires_grad = bool(requires_grad)
        self._grad = None
        self._prim = None
        self._level = 0
        self._seq = next(_sequence)

    # ---------------------------------------------------------------- recording

    def _lift(self, prim: Primitive, args: Any, params: dict[str, Any]) -> Tensor:  # noqa: C901  (hot path)
        # The per-operation hot path. When every traced operand is a Tensor of this level holding plain
        # values (always so for the object API, and for a single transform), the one- and two-operand
        # cases are spelled out; anything else (nested transforms) goes through _lift_nested.
        level = self._level
        n = len(args)
        parents: Any = None
        if n == 1:
            a = args[0]
            va = a._data
            if level and isinstance(va, Traced):
                return _lift_nested(level, prim, args, params)
            vals: Any = (va,)
            try:
                out = prim.impl(va, **params) if params else prim.impl(va)
            except ValueError as exc:
                raise operation_error(prim, vals, exc) from exc
            if a.requires_grad:
                parents = a
        elif n == 2:
            a, b = args
            if type(a) is Tensor:
                va = a._data
                if a._level != level or (level and isinstance(va, Traced)):
                    return _lift_nested(level, prim, args, params)
                ra = a.requires_grad
            elif isinstance(a, Traced):
                return _lift_nested(level, prim, args, params)
            else:
                va, ra = a, False
            if type(b) is Tensor:
                vb = b._data
                if b._level != level or (level and isinstance(vb, Traced)):
                    return _lift_nested(level, prim, args, params)
                rb = b.requires_grad
            elif isinstance(b, Traced):
                return _lift_nested(level, prim, args, params)
            else:
                vb, rb = b, False
            vals = (va, vb)
            try:
                out = prim.impl(va, vb, **params) if params else prim.impl(va, vb)
            except ValueError as exc:
                raise operation_error(prim, vals, exc) from exc
            if rb:
                parents = args if ra else (None, b)  # args: the tuple (a, b) itself
            elif ra:
                parents = a  # x * constant: a one-parent node, the backward pass's fast path
        else:
            return _lift_nested(level, prim, args, params)
        t: Tensor = _object_new(Tensor)
        t._data = out
        t._level = level
        t._grad = None
        t._seq = next(_sequence)
        if parents is not None and not (OPEN[0] and recording_off(level)):
            if prim.vjp is None:
                raise missing_rule(prim, "reverse")
            if prim.complex is None and involves_complex(vals, out):
                raise complex_error(prim)
            t.requires_grad = True
            t._prim = prim
            t._parents = parents
            t._args = vals
            t._params = params
        else:
            t.requires_grad = False
            t._prim = None
        return t

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # np.sin(tensor) and the like, the commonest call of all, recorded right here; anything else (two
        # operands, options, ufunc methods) takes the general path.
        prim = _UFUNCS.get(ufunc) if len(inputs) == 1 and method == "__call__" and not kwargs else None
        if prim is None:
            return ArrayLike.__array_ufunc__(self, ufunc, method, *inputs, **kwargs)
        level = self._level
        va = self._data
        if level and isinstance(va, Traced):
            return _lift_nested(level, prim, inputs, _NO_PARAMS)
        t: Tensor = _object_new(Tensor)
        try:
            t._data = prim.impl(va)
        except ValueError as exc:
            raise operation_error(prim, (va,), exc) from exc
        t._level = level
        t._grad = None
        t._seq = next(_sequence)
        if self.requires_grad and not (OPEN[0] and recording_off(level)):
            if prim.vjp is None:
                raise missing_rule(prim, "reverse")
            if prim.complex is None and involves_complex((va,), t._data):
                raise complex_error(prim)
            t.requires_grad = True
            t._prim = prim
            t._parents = self
            t._args = (va,)
            t._params = _NO_PARAMS
        else:
            t.requires_grad = False
            t._prim = None
        return t

    def _value(self) -> Any:
        return self._data

    def _constant(self, value: Any) -> Tensor:
        """A constant at this Tensor's trace level (``np.zeros_like`` ...)."""
        return _new_tensor(value, self._level)

    # ---------------------------------------------------------------- public API

    @property
    def data(self) -> Any:
        """The values, read-only: a recorded graph may depend on them. Assign a new array to change them.

        Refused inside a transform (``cr.grad`` ...), where the plain values would silently drop the
        derivative, as ``float()`` is; ``.detach()`` says that dropping it is meant.
        """
        if self._level:
            raise GraphError(
                ".data (or .numpy()) of a value being differentiated would silently drop its derivative; "
                "keep using the value itself in NumPy calls, or write .detach() if a constant is meant"
            )
        view = np.asarray(self._data).view()
        view.flags.writeable = False
        return view

    @data.setter
    def data(self, value: Any) -> None:
        array = _own(value)
        if np.shape(array) != np.shape(self._data):
            raise ShapeError(
                f"Tensor.data: a new value of shape {np.shape(array)} for a Tensor of shape "
                f"{np.shape(self._data)}"
            )
        self._data = array

    @property
    def is_leaf(self) -> bool:
        """True for Tensors created by the user rather than by a recorded operation."""
        return self._prim is None

    @property
    def op(self) -> str:
        """The name of the operation that made this Tensor ('' for a leaf or a freed graph)."""
        return self._prim.name if self._prim is not None else ""

    @property
    def parents(self) -> tuple[Tensor, ...]:
        """The Tensors this one was computed from (those that require grad)."""
        parents = self._parents if self._prim is not None else FREED
        if parents is FREED:
            return ()
        if type(parents) is not tuple:
            return (parents,)
        return tuple(p for p in parents if p is not None)

    def numpy(self) -> np.ndarray[Any, Any]:
        """The values as a read-only NumPy array (see :attr:`data`)."""
        return np.asarray(self.data)

    def detach(self) -> Tensor:
        """A new leaf Tensor with the same values, cut from the graph (does not require grad)."""
        return _new_tensor(self._data, self._level)

    @property
    def grad(self) -> Any:
        """The gradient accumulated by ``backward()``: an array (a Tensor under ``create_graph``), or None."""
        return None if self._grad is RETAIN else self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
        self._grad = value

    def zero_grad(self) -> None:
        """Forget the accumulated gradient."""
        # an intermediate that asked to retain its gradient keeps asking
        self._grad = RETAIN if self._prim is not None and self._grad is not None else None

    def retain_grad(self) -> None:
        """Keep this intermediate Tensor's gradient in ``grad`` after ``backward()`` (leaves always do).

        Examples
        --------
        >>> import chainrule as cr
        >>> a = cr.Tensor(2.0, requires_grad=True)
        >>> e = a * 3.0
        >>> e.retain_grad()
        >>> (e * e).backward()
        >>> e.grad, a.grad
        (array(12.), array(36.))
        """
        if self._grad is None:
            self._grad = RETAIN

    def backward(self, gradient: Any = None, retain_graph: bool = False, create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into the ``grad`` of every leaf that requires grad.

        Parameters
        ----------
        gradient:
            The cotangent to start from; may be omitted for a Tensor with one element.
        retain_graph:
            Keep the graph so that ``backward()`` can be called again (otherwise it is freed, and a second
            call raises :class:`~chainrule.errors.GraphError` instead of doubling gradients).
        create_graph:
            Record the backward pass itself, so that ``grad`` is a Tensor that can be differentiated again.
        """
        if not self.requires_grad:
            raise GraphError("backward(): this Tensor does not depend on any Tensor with requires_grad=True")
        shape = np.shape(self._data)
        if gradient is None:
            if math.prod(shape) != 1:
                raise ShapeError(
                    f"backward(): the output has shape {shape}; pass gradient= of that shape, or use "
                    "cr.jacobian for all the derivatives"
                )
            gradient = np.ones(shape, dtype=self.dtype)
        else:
            gradient = as_float_array(gradient, "gradient")
            if gradient.shape != shape:
                raise ShapeError(
                    f"backward(): gradient has shape {gradient.shape} but the output has shape {shape}"
                )
        if create_graph:
            if ASSIGNED[0]:
                _refuse_assigned_in_graph(self)
            gradient = _new_tensor(gradient, self._level)
        leaves = backprop([self], [gradient], retain_graph or create_graph, create_graph, _new_tensor)
        for leaf, g in leaves:
            if not isinstance(g, Traced):
                g = np.asarray(g, dtype=np.result_type(leaf._data))
            old = leaf._grad
            leaf._grad = g if old is None or old is RETAIN else old + g

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        if self.requires_grad or self._level:
            raise conversion_error()
        data = np.asarray(self._data)
        return data if dtype is None else data.astype(dtype)

    # ---------------------------------------------------------------- pickle and copy.deepcopy

    def __getstate__(self) -> dict[str, Any]:
        # A leaf travels as its values, requires_grad and grad; a node made by an operation would need its
        # whole graph, whose creation numbers belong to the process (and order) that recorded it.
        if self._prim is not None or self._level:
            made = f"made by {self._prim.name}" if self._prim is not None else "traced by a transform"
            raise ChainruleTypeError(
                f"cannot pickle or copy a Tensor {made}: only leaves (Tensors created by the user) can be; "
                "pickle t.detach() for its values, or copy the leaves and compute again from them"
            )
        return {"data": self._data, "requires_grad": self.requires_grad, "grad": self._grad}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._data = state["data"]
        self.requires_grad = state["requires_grad"]
        self._grad = state["grad"]
        self._prim = None
        self._level = 0
        # a creation number of this process: the copy's, not the original's (see _sequence)
        self._seq = next(_sequence)

    # ---------------------------------------------------------------- assignment (chainrule.core.assignment)

    def _become(self, new: Any) -> bool:
        """Stand for ``new``, the result of assigning into this Tensor; True when this forwards to it."""
        if not isinstance(new, Tensor):
            raise GraphError(
                "x[...] = v: v is traced by a transform that x is outside of; start from an array of that "
                "transform, e.g. x = np.zeros_like(v), and assign into it"
            )
        if self._prim is None and not self.requires_grad:
            # a constant is in no graph, so it takes the result's place outright
            for name in ("_data", "_level", "requires_grad", "_grad", "_prim", "_seq"):
                object.__setattr__(self, name, getattr(new, name))
            if new._prim is not None:
                self._parents, self._args, self._params = new._parents, new._args, new._params
            return False
        if self._prim is None and self._level == 0:  # a leaf of the object API
            if new._prim is not None:
                raise GraphError(
                    "a leaf Tensor that requires grad cannot be assigned into: its .grad would no longer be "
                    "the derivative by its values. Change its values under cr.no_grad() (or assign "
                    "t.data = ...), or assign into a copy: y = np.copy(t)"
                )
            self._data = new._data
            return False
        # in a graph: keep this node for the operations that used it, forward everything else to `new`
        links = links_of(self, create=True)
        assert links is not None
        links.target = new
        object.__setattr__(self, "__class__", _Reassigned)
        return True

    def _poison(self) -> None:
        object.__setattr__(self, "__class__", _StaleTensor)

    def _repr_html_(self) -> str:
        """Notebook display: the operation, the values and, after ``backward()``, the gradient."""
        import html

        def cell(value: Any) -> str:
            text = np.array2string(np.asarray(_plain(value)), precision=4, threshold=50)
            return f"<pre style='margin:0'>{html.escape(text)}</pre>"

        shape = "x".join(map(str, np.shape(_plain(self._data)))) or "scalar"
        head = f"Tensor {shape} {np.result_type(_plain(self._data))}"
        head += f", made by {self.op}" if self.op else (", leaf" if self.requires_grad else "")
        rows = [("value", cell(self._data))]
        if self.grad is not None:
            rows.append(("grad", cell(self.grad)))
        body = "".join(f"<tr><th>{k}</th><td style='text-align:left'>{v}</td></tr>" for k, v in rows)
        return f"<table><caption>{html.escape(head)}</caption>{body}</table>"

    def __repr__(self) -> str:
        body = np.array2string(np.asarray(_plain(self._data)), separator=", ", prefix="Tensor(")
        extra = ""
        if self.requires_grad:
            extra = f", op={self.op}" if self.op else ", requires_grad=True"
        return f"Tensor({body}{extra})"


class _Reassigned(Tensor):
    """A Tensor in a graph that was assigned into. As a node it keeps the old values, for the operations
    that used them; as a value it stands for the assignment's result (``_links.target``)."""

    __slots__ = ()

    def _target(self) -> Tensor:
        target: Tensor = self._links.target
        return target

    def _lift(self, prim: Primitive, args: Any, params: dict[str, Any]) -> Any:
        return prim(*[current(a) for a in args], **params)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return getattr(ufunc, method)(*[current(a) for a in inputs], **kwargs)

    def __array_function__(self, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return func(*[_current_in(a) for a in args], **{k: _current_in(v) for k, v in kwargs.items()})

    def _value(self) -> Any:
        return self._target()._data

    @property
    def data(self) -> Any:
        return self._target().data

    @data.setter
    def data(self, value: Any) -> None:
        self._target().data = value

    @property
    def is_leaf(self) -> bool:
        return self._target().is_leaf

    @property
    def op(self) -> str:
        return self._target().op

    @property
    def parents(self) -> tuple[Tensor, ...]:
        return self._target().parents

    def detach(self) -> Tensor:
        return self._target().detach()

    def backward(self, gradient: Any = None, retain_graph: bool = False, create_graph: bool = False) -> None:
        self._target().backward(gradient, retain_graph, create_graph)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        return self._target().__array__(dtype, copy)

    def _resolve(self) -> Tensor:
        return self._target()

    def __repr__(self) -> str:
        return repr(self._target())

    def _repr_html_(self) -> str:
        return self._target()._repr_html_()


class _StaleTensor(Tensor):
    """A view (slice) of an array that was assigned into afterwards: every use raises (see assignment)."""

    __slots__ = ()

    def _lift(self, prim: Primitive, args: Any, params: dict[str, Any]) -> Any:
        raise stale_error()

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        raise stale_error()

    def __array_function__(self, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        raise stale_error()

    def _value(self) -> Any:
        raise stale_error()

    def __getitem__(self, index: Any) -> Any:
        raise stale_error()

    def __setitem__(self, index: Any, value: Any) -> None:
        raise stale_error()

    @property
    def data(self) -> Any:
        raise stale_error()

    @data.setter
    def data(self, value: Any) -> None:
        raise stale_error()

    def detach(self) -> Tensor:
        raise stale_error()

    def backward(self, gradient: Any = None, retain_graph: bool = False, create_graph: bool = False) -> None:
        raise stale_error()

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        raise stale_error()

    def _resolve(self) -> Tensor:
        raise stale_error()

    def __getstate__(self) -> dict[str, Any]:
        raise stale_error()

    def __repr__(self) -> str:
        return "Tensor(<a stale slice: its array was assigned into after it was taken>)"


STANDING_IN.update((_Reassigned, _StaleTensor))
_PLAIN_TYPES.add(Tensor)  # a Tensor operand never defers (see arraylike)


def _current_in(x: Any) -> Any:
    if isinstance(x, list | tuple):
        return type(x)(current(a) for a in x)
    return current(x)


def _refuse_assigned_in_graph(root: Tensor) -> None:
    """A recorded backward pass applies rules to the nodes themselves, and a node assigned into stands for
    its new values: refuse rather than differentiate the wrong values."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if type(node) in STANDING_IN:
            raise GraphError(
                "backward(create_graph=True) through an array that was assigned into after it was used is "
                "not supported; take higher derivatives with cr.grad / cr.hessian, which record the "
                "assignment by its values"
            )
        parents = node._parents if node._prim is not None else FREED
        if type(parents) is not tuple:
            parents = () if parents is FREED else (parents,)
        stack.extend(p for p in parents if p is not None)


def _plain(x: Any) -> Any:
    while isinstance(x, Traced):
        inner = x._value()  # type: ignore[attr-defined]
        if inner is x:  # a batch under vmap (chainrule.core.batching)
            return getattr(x, "_batched_value", x)
        x = inner
    return x


def _lift_nested(level: int, prim: Primitive, args: Any, params: dict[str, Any]) -> Tensor:
    """Record ``prim`` at ``level`` in general: any number of operands, and values that may be traced at
    lower levels (nested transforms, or Tensors captured from outside a transform)."""
    vals = list(args)
    parents: list[Any] | None = None
    lower = False
    for i, a in enumerate(args):
        if isinstance(a, Traced):
            if type(a) in STANDING_IN:  # assigned into, or a stale view: see chainrule.core.assignment
                redone: Tensor = prim(*[current(b) for b in args], **params)
                return redone
            if a._level == level and isinstance(a, Tensor):
                data = vals[i] = a._data
                if isinstance(data, Traced):
                    lower = True
                if a.requires_grad:
                    if parents is None:
                        parents = [None] * len(args)
                    parents[i] = a
            else:
                lower = True
    out = apply(prim, vals, params, lower)
    t = _new_tensor(out, level)
    if parents is not None and not (OPEN[0] and recording_off(level)):
        if prim.vjp is None:
            raise missing_rule(prim, "reverse")
        if prim.complex is None and involves_complex(vals, out):
            raise complex_error(prim)
        t.requires_grad = True
        t._prim = prim
        t._parents = tuple(parents)
        t._args = vals
        t._params = params
    return t


_object_new = object.__new__


def _new_tensor(data: Any, level: int) -> Tensor:
    """A Tensor around ``data`` without copying (operation results and internal wrappers)."""
    t: Tensor = _object_new(Tensor)
    t._data = data
    t._level = level
    t.requires_grad = False
    t._grad = None
    t._prim = None
    t._seq = next(_sequence)
    return t
