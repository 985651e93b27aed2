"""Composable transforms: grad, value_and_grad, vjp, jvp, jacobian, hessian, hvp.

Everything rests on two primitives: :func:`vjp` (reverse mode: a Tensor graph walked backwards) and
:func:`jvp` (forward mode: Duals carrying tangents). Each call takes a fresh trace level, so transforms nest
(``grad(grad(f))``, ``jvp(grad(f))``) without confusing their perturbations.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core.assignment import current
from chainrule.core.backprop import backprop
from chainrule.core.dual import Dual
from chainrule.core.outputs import checked_leaves, checked_output
from chainrule.core.primitive import Traced, new_level
from chainrule.core.pytree import TreeDef, flatten, unflatten
from chainrule.core.rules._util import concrete, shape_of
from chainrule.core.tensor import Tensor, _new_tensor, as_float_array
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError

__all__ = ["grad", "jvp", "value_and_grad", "vjp"]

Argnums = int | tuple[int, ...]


def _check_callable(f: Any, name: str) -> None:
    if not callable(f):
        raise ChainruleTypeError(f"{name}: expected a function, got {type(f).__name__}")


def _argnum_tuple(argnums: Argnums, n_args: int, name: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for n in nums:
        if not isinstance(n, int) or not -n_args <= n < n_args:
            raise ChainruleValueError(
                f"{name}: argnums={argnums!r} does not name an argument of a call with {n_args}"
            )
    normalized = tuple(n % n_args for n in nums)
    if len(set(normalized)) != len(normalized):
        repeated = sorted({n for n in normalized if normalized.count(n) > 1})
        raise ChainruleValueError(
            f"{name}: argnums={argnums!r} names argument {repeated[0]} more than once; each argument is "
            f"differentiated once, so name it once (argnums={tuple(dict.fromkeys(normalized))!r})"
        )
    return normalized


def _float_leaf(leaf: Any) -> Any:
    return current(leaf) if isinstance(leaf, Traced) else as_float_array(leaf, "an argument to differentiate")


def _dtype(x: Any) -> Any:
    return np.result_type(concrete(x))


class _Inputs:
    """The arguments being differentiated, flattened, with the wrapped values substituted in."""

    def __init__(self, args: tuple[Any, ...], nums: tuple[int, ...], wrap: Callable[..., Any]) -> None:
        self.args = list(args)
        self.trees: list[tuple[TreeDef, int]] = []
        self.flat: list[Any] = []  # the inputs as float arrays (or traced values)
        self.wrapped: list[Any] = []  # what f receives in their place
        self.python_scalars: list[bool] = []  # whose gradient goes back as a float
        for n in nums:
            leaves, treedef = flatten(self.args[n])
            originals = [_float_leaf(leaf) for leaf in leaves]
            wrapped = [wrap(v) for v in originals]
            self.args[n] = unflatten(treedef, wrapped)
            self.trees.append((treedef, len(leaves)))
            self.flat.extend(originals)
            self.wrapped.extend(wrapped)
            self.python_scalars.extend(type(leaf) is float or type(leaf) is int for leaf in leaves)

    def rebuild(self, values: list[Any], single: bool) -> Any:
        """Per-leaf ``values`` in the structure of the differentiated arguments."""
        it = iter(values)
        out = [unflatten(treedef, [next(it) for _ in range(n)]) for treedef, n in self.trees]
        return out[0] if single else tuple(out)


def _zeros_like(x: Any) -> Any:
    return np.zeros(shape_of(x), dtype=_dtype(x))


def _finish(g: Any, original: Any, python_scalar: bool) -> Any:
    """A gradient in the form of its input: zeros when unreached, the input's dtype, floats for floats."""
    if isinstance(g, Tensor) and g._level == 0 and not g.requires_grad:
        g = g._data  # an object-API constant took part; the gradient itself records nothing
    if g is None:
        g = _zeros_like(original)
    elif not isinstance(g, Traced):
        g = np.asarray(g)
        dtype = original.dtype if isinstance(original, np.ndarray) else _dtype(original)
        if g.dtype != dtype:
            g = g.astype(dtype)
    if python_scalar and not isinstance(g, Traced):
        return g.item()
    return g


def _unwrap(out: Any, level: int) -> Any:
    if isinstance(out, Tensor) and out._level == level:
        return out._data
    return out


def _reverse_inputs(args: tuple[Any, ...], nums: tuple[int, ...], level: int) -> _Inputs:
    def wrap(value: Any) -> Tensor:
        t = _new_tensor(value, level)
        t.requires_grad = True
        return t

    return _Inputs(args, nums, wrap)


def _gradients(inputs: _Inputs, leaf_grads: list[tuple[Tensor, Any]]) -> list[Any]:
    got = {id(t): g for t, g in leaf_grads}
    return [got.get(id(w)) for w in inputs.wrapped]


def _value_and_grad(
    f: Callable[..., Any], argnums: Argnums, has_aux: bool, args: tuple[Any, ...], kwargs: Any
) -> tuple[Any, Any, Any]:
    nums = _argnum_tuple(argnums, len(args), "grad")
    level = new_level()
    inputs = _reverse_inputs(args, nums, level)
    out = f(*inputs.args, **kwargs)
    aux = None
    if has_aux:
        if not isinstance(out, tuple) or len(out) != 2:
            raise ChainruleValueError("grad(has_aux=True): f must return a pair (output, aux)")
        out, aux = out
    out = checked_output(out, "grad")
    shape = shape_of(out)
    if math.prod(shape) != 1:
        raise ShapeError(
            f"grad: f must return a scalar, but it returned shape {shape}; use cr.jacobian for all "
            "the derivatives, or cr.vjp with a cotangent"
        )
    leaf_grads: list[tuple[Tensor, Any]] = []
    if isinstance(out, Tensor) and out._level == level and out.requires_grad:
        leaf_grads = backprop([out], [np.ones(shape, dtype=_dtype(out))], False, False)
    grads = [
        _finish(g, orig, s)
        for g, orig, s in zip(_gradients(inputs, leaf_grads), inputs.flat, inputs.python_scalars, strict=True)
    ]
    if has_aux:  # the aux values as values, not as Tensors of a trace that has ended
        aux_leaves, aux_tree = flatten(aux)
        aux = unflatten(aux_tree, [_unwrap(current(leaf), level) for leaf in aux_leaves])
    return _unwrap(out, level), inputs.rebuild(grads, isinstance(argnums, int)), aux


def value_and_grad(f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False) -> Callable[..., Any]:
    """Like :func:`grad`, but the new function returns ``(f(x), grad f(x))``.

    Examples
    --------
    >>> import chainrule as cr
    >>> cr.value_and_grad(lambda x: x**2)(3.0)
    (np.float64(9.0), 6.0)
    """
    _check_callable(f, "value_and_grad")

    @functools.wraps(f)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> Any:
        value, g, aux = _value_and_grad(f, argnums, has_aux, args, kwargs)
        return ((value, aux), g) if has_aux else (value, g)

    return value_and_grad_f


def grad(f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False) -> Callable[..., Any]:
    """The gradient of a scalar function, by reverse mode: a new function of the same arguments.

    Parameters
    ----------
    f:
        Ordinary Python/NumPy code returning a scalar.
    argnums:
        Which positional argument(s) to differentiate with respect to; a tuple gives a tuple of gradients.
        An argument may be a float, an array, or a tuple/list/dict of arrays; its gradient has the same
        structure and shapes.
    has_aux:
        ``f`` returns ``(output, aux)``; the new function returns ``(gradient, aux)``.

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> cr.grad(lambda x: 3 * x**2 - 4 * x + 5)(3.0)
    14.0
    >>> cr.grad(lambda x: np.log(np.sqrt(x)))(4.0)
    0.125
    >>> cr.grad(lambda x: x[0] ** 2 + 2 * x[1] ** 2)(np.array([1.0, 1.0]))
    array([2., 4.])
    >>> cr.grad(cr.grad(np.sin))(0.5) == -np.sin(0.5)
    np.True_
    """
    _check_callable(f, "grad")

    @functools.wraps(f)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        _, g, aux = _value_and_grad(f, argnums, has_aux, args, kwargs)
        return (g, aux) if has_aux else g

    return grad_f


def vjp(f: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[..., Any]]:
    """Evaluate ``f(*primals)`` and return it with a function mapping output cotangents to input ones.

    The returned ``vjp_fn(cotangent)`` gives a tuple with one cotangent per primal (same structures);
    it can be called many times (the graph is kept until ``vjp_fn`` is dropped).

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> out, vjp_fn = cr.vjp(lambda x: x * np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    >>> vjp_fn(np.array([1.0, 1.0]))
    (array([1., 2.]),)
    """
    _check_callable(f, "vjp")
    out, out_tree, pull = vjp_leaves(f, primals)

    def vjp_fn(cotangent: Any) -> tuple[Any, ...]:
        ct_leaves, ct_tree = flatten(cotangent)
        if ct_tree != out_tree:
            raise ShapeError(f"vjp: the cotangent has structure {ct_tree}, the output {out_tree}")
        return pull(ct_leaves)

    return out, vjp_fn


def vjp_leaves(
    f: Callable[..., Any], primals: tuple[Any, ...]
) -> tuple[Any, Any, Callable[[list[Any]], tuple[Any, ...]]]:
    """:func:`vjp`'s work: ``f(*primals)``, its structure, and ``pull(cotangent_leaves)``, one cotangent per
    output leaf in order, where ``None`` leaves that output out of the backward pass (the Jacobians pull one
    output back at a time: a zero cotangent would still meet the other outputs' local derivatives, and
    ``0 * inf`` would make NaNs where the exact entry is finite)."""
    nums = tuple(range(len(primals)))
    level = new_level()
    inputs = _reverse_inputs(primals, nums, level)
    out = f(*inputs.args)
    out_leaves, out_tree = flatten(out)
    out_leaves = checked_leaves(out_leaves, "vjp")
    values = [_unwrap(leaf, level) for leaf in out_leaves]

    def pull(ct_leaves: list[Any]) -> tuple[Any, ...]:
        roots, cts = [], []
        for leaf, value, ct in zip(out_leaves, values, ct_leaves, strict=True):
            if ct is None:
                continue
            ct = _float_leaf(ct)
            if shape_of(ct) != shape_of(value):
                raise ShapeError(
                    f"vjp: a cotangent of shape {shape_of(ct)} for an output of shape {shape_of(value)}"
                )
            if isinstance(leaf, Tensor) and leaf._level == level and leaf.requires_grad:
                roots.append(leaf)
                cts.append(ct)
        leaf_grads = backprop(roots, cts, True, False) if roots else []
        grads = [
            _finish(g, o, False) for g, o in zip(_gradients(inputs, leaf_grads), inputs.flat, strict=True)
        ]
        rebuilt = inputs.rebuild(grads, len(nums) == 1)
        return (rebuilt,) if len(nums) == 1 else rebuilt

    return unflatten(out_tree, values), out_tree, pull


def jvp(
    f: Callable[..., Any],
    primals: tuple[Any, ...] | list[Any],
    tangents: tuple[Any, ...] | list[Any],
) -> tuple[Any, Any]:
    """Forward mode: ``f(*primals)`` and its directional derivative along ``tangents``.

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> cr.jvp(np.sin, (0.0,), (2.0,))
    (np.float64(0.0), np.float64(2.0))
    """
    _check_callable(f, "jvp")
    if not isinstance(primals, tuple | list) or not isinstance(tangents, tuple | list):
        raise ChainruleTypeError("jvp: primals and tangents must be tuples, e.g. jvp(f, (x,), (v,))")
    if len(primals) != len(tangents):
        raise ChainruleValueError(
            f"jvp: {len(primals)} primals but {len(tangents)} tangents; give one tangent per primal"
        )
    level = new_level()
    tangent_leaves: list[Any] = []
    for p, t in zip(primals, tangents, strict=True):
        _p_leaves, p_tree = flatten(p)
        t_leaves, t_tree = flatten(t)
        if p_tree != t_tree:
            raise ShapeError(f"jvp: a tangent of structure {t_tree} for a primal of structure {p_tree}")
        tangent_leaves.extend(t_leaves)
    it = iter(tangent_leaves)

    def wrap(value: Any) -> Dual:
        t = _float_leaf(next(it))
        if shape_of(t) != shape_of(value):
            raise ShapeError(f"jvp: a tangent of shape {shape_of(t)} for a primal of shape {shape_of(value)}")
        if not isinstance(t, Traced) and t.dtype != _dtype(value):
            t = t.astype(_dtype(value))
        return Dual(value, t, level)

    inputs = _Inputs(tuple(primals), tuple(range(len(primals))), wrap)
    out_leaves, out_tree = flatten(f(*inputs.args))
    out_leaves = checked_leaves(out_leaves, "jvp")
    values, tangents_out = [], []
    for leaf in out_leaves:
        if isinstance(leaf, Dual) and leaf._level == level:
            values.append(leaf.primal)
            tangents_out.append(leaf.tangent if leaf.tangent is not None else _zeros_like(leaf.primal))
        else:
            values.append(leaf)
            tangents_out.append(_zeros_like(leaf))
    return unflatten(out_tree, values), unflatten(out_tree, tangents_out)
