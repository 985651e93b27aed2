"""vmap: run a function written for one example on a whole batch at once.

``cr.vmap(f)(xs)`` is ``np.stack([f(x) for x in xs])`` computed without the loop: each argument's batch axis
(``in_axes``) is moved to the front and the values are wrapped as :class:`~chainrule.core.batching.Batched`,
so every primitive ``f`` applies runs once for the whole batch through the batching rule on its row. Each
call takes a fresh trace level, so ``vmap`` nests with itself and with ``grad``, ``jvp``, ``vjp``,
``jacobian`` and ``hessian`` in any order.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core.assignment import current
from chainrule.core.batching import Batched
from chainrule.core.primitive import Traced, new_level
from chainrule.core.pytree import TreeDef, flatten, unflatten
from chainrule.core.rules._util import shape_of
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError

__all__ = ["vmap"]

Axes = int | None | tuple[Any, ...] | list[Any] | dict[Any, Any]


def _leaf_axes(spec: Any, tree: TreeDef, where: str) -> list[int | None]:
    """One axis (or None) per leaf of ``tree``: ``spec`` is an int/None for the whole tree, or a prefix."""
    if spec is None or isinstance(spec, int | np.integer):
        return [None if spec is None else int(spec)] * tree.n_leaves
    if tree.kind is None or not isinstance(spec, tree.kind if tree.kind in (dict, list) else tuple | list):
        raise ChainruleValueError(
            f"vmap: {where} is {spec!r}, which does not match the structure of the value {tree!r}; give an "
            "int (or None) for every value, or a container of the same structure"
        )
    children = tree.children
    specs = [spec[k] for k in tree.keys] if tree.kind is dict else list(spec)
    if len(specs) != len(children):
        raise ChainruleValueError(f"vmap: {where} has {len(specs)} entries for a value with {len(children)}")
    out: list[int | None] = []
    for s, c in zip(specs, children, strict=True):
        out.extend(_leaf_axes(s, c, where))
    return out


def _arg_axes(in_axes: Axes, n_args: int) -> list[Any]:
    if in_axes is None or isinstance(in_axes, int | np.integer):
        return [in_axes] * n_args
    if not isinstance(in_axes, tuple | list) or len(in_axes) != n_args:
        raise ChainruleValueError(
            f"vmap: in_axes={in_axes!r} for a call with {n_args} arguments; give one entry per argument "
            "(an int, None for an unbatched argument, or a container matching the argument)"
        )
    return list(in_axes)


def _leaf(x: Any) -> Any:
    return current(x) if isinstance(x, Traced) else np.asarray(x)


def _batch_axis(x: Any, axis: int, where: str) -> int:
    ndim = len(shape_of(x))
    if not -ndim <= axis < ndim:
        raise ShapeError(
            f"vmap: {where} is batched over axis {axis}, but it has shape {shape_of(x)}; give in_axes=None "
            "for an argument that is the same for every example"
        )
    return axis % ndim


class _Batch:
    """The flattened arguments of one vmapped call, their batch axes and the batch size."""

    def __init__(self, args: tuple[Any, ...], in_axes: Axes) -> None:
        self.trees: list[TreeDef] = []
        self.leaves: list[Any] = []
        self.axes: list[int | None] = []
        sizes: dict[int, str] = {}
        for n, (arg, spec) in enumerate(zip(args, _arg_axes(in_axes, len(args)), strict=True)):
            leaves, tree = flatten(arg)
            axes = _leaf_axes(spec, tree, f"in_axes for argument {n}")
            for k, (leaf, axis) in enumerate(zip(leaves, axes, strict=True)):
                value = _leaf(leaf) if axis is not None else leaf
                if axis is not None:
                    where = f"argument {n}" + (f" (leaf {k})" if tree.n_leaves > 1 else "")
                    axis = _batch_axis(value, axis, where)
                    sizes.setdefault(shape_of(value)[axis], f"{where} along axis {axis}")
                self.leaves.append(value)
                self.axes.append(axis)
            self.trees.append(tree)
        if not sizes:
            raise ChainruleValueError("vmap: every in_axes is None, so there is no batch to map over")
        if len(sizes) > 1:
            described = ", ".join(f"{size} ({where})" for size, where in sizes.items())
            raise ShapeError(f"vmap: the batched arguments disagree on the batch size: {described}")
        self.size = next(iter(sizes))

    def arguments(self, wrap: Callable[[Any, int], Any]) -> list[Any]:
        """The arguments rebuilt with each batched leaf replaced by ``wrap(leaf, axis)``."""
        it = iter(zip(self.leaves, self.axes, strict=True))
        new = [wrap(v, a) if a is not None else v for v, a in it]
        out, start = [], 0
        for tree in self.trees:
            out.append(unflatten(tree, new[start : start + tree.n_leaves]))
            start += tree.n_leaves
        return out


def _finish(out: Any, out_axes: Axes, level: int, size: int) -> Any:
    leaves, tree = flatten(out)
    axes = _leaf_axes(out_axes, tree, "out_axes")
    results = []
    for leaf, axis in zip(leaves, axes, strict=True):
        if isinstance(leaf, Batched) and leaf._level == level:
            if axis is None:
                raise ChainruleValueError(
                    "vmap: out_axes=None for an output that differs between the examples; give it an axis"
                )
            value = leaf._batched_value
        elif axis is None:
            results.append(leaf)
            continue
        else:  # the same for every example
            value = np.broadcast_to(_leaf(leaf), (size, *shape_of(leaf)))
        ndim = len(shape_of(value))
        if not -ndim <= axis < ndim:
            raise ShapeError(f"vmap: out_axes={axis} for an output of {ndim - 1} axes per example")
        results.append(value if axis % ndim == 0 else np.moveaxis(value, 0, axis))
    return unflatten(tree, results)


def batched_call(
    f: Callable[..., Any], args: tuple[Any, ...], kwargs: Any, in_axes: Axes, out_axes: Axes, strong: bool
) -> Any:
    """``vmap(f, in_axes, out_axes)(*args, **kwargs)``; ``strong``: a batch of basis vectors (Jacobians)."""
    batch = _Batch(args, in_axes)
    level, size = new_level(), batch.size

    def wrap(value: Any, axis: int) -> Batched:
        return Batched(value if axis == 0 else np.moveaxis(value, axis, 0), level, size, strong)

    return _finish(f(*batch.arguments(wrap), **kwargs), out_axes, level, size)


def _looped_call(
    f: Callable[..., Any], args: tuple[Any, ...], kwargs: Any, in_axes: Axes, out_axes: Axes
) -> Any:
    batch = _Batch(args, in_axes)
    outs = []
    for i in range(batch.size):

        def example(v: Any, a: int, i: int = i) -> Any:
            return np.moveaxis(v, a, 0)[i]

        outs.append(f(*batch.arguments(example), **kwargs))
    leaves = [flatten(o)[0] for o in outs]
    tree = flatten(outs[0])[1]
    axes = _leaf_axes(out_axes, tree, "out_axes")
    stacked = [
        leaves[0][k] if axis is None else np.stack([ls[k] for ls in leaves], axis=axis)
        for k, axis in enumerate(axes)
    ]
    return unflatten(tree, stacked)


def vmap(
    f: Callable[..., Any], in_axes: Axes = 0, out_axes: Axes = 0, *, loop: bool = False
) -> Callable[..., Any]:
    """Vectorise ``f``, written for one example, over a batch axis of its arguments.

    Parameters
    ----------
    f:
        Ordinary Python/NumPy code for one example (it may call ``cr.grad`` and the other transforms).
    in_axes:
        The batch axis of every argument (an int), or one entry per positional argument: an int, ``None``
        for an argument that is the same for every example, or a tuple/list/dict matching the argument's
        structure. Keyword arguments are never batched.
    out_axes:
        Where the batch axis goes in the outputs (an int, or a structure matching the output); ``None`` for
        an output that is the same for every example.
    loop:
        Run ``f`` once per example and stack the results, for code that cannot be batched (a Python ``if``
        on a value, a primitive without a batching rule). Slow, but explicit.

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> cr.vmap(lambda x: np.sum(x**2))(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([ 5., 25.])
    >>> W = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> cr.vmap(lambda W, x: W @ x, in_axes=(None, 0))(W, np.array([[1.0, 1.0], [2.0, 3.0]]))
    array([[1., 2.],
           [2., 6.]])
    >>> cr.vmap(cr.grad(lambda x: np.sum(x**3)))(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([[ 3., 12.],
           [27., 48.]])
    """
    if not callable(f):
        raise ChainruleTypeError(f"vmap: expected a function, got {type(f).__name__}")

    @functools.wraps(f)
    def vmapped(*args: Any, **kwargs: Any) -> Any:
        if loop:
            return _looped_call(f, args, kwargs, in_axes, out_axes)
        return batched_call(f, args, kwargs, in_axes, out_axes, strong=False)

    return vmapped
