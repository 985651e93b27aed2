"""Jacobians and Hessians built from vjp and jvp.

Reverse mode costs one backward pass per output entry, forward mode one forward pass per input entry, so
``mode="auto"`` picks reverse when there are fewer outputs than inputs. The blocks are computed in the
mixed layout (``f(x).shape + x.shape``) and laid out at the end by :func:`_layout` (the three layouts are
defined once, in :mod:`chainrule.layouts`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core.pytree import flatten, unflatten
from chainrule.core.rules._util import shape_of
from chainrule.core.transforms import (
    Argnums,
    _argnum_tuple,
    _check_callable,
    _dtype,
    _float_leaf,
    grad,
    jvp,
    vjp,
)
from chainrule.errors import ChainruleValueError
from chainrule.layouts import check_layout, layout_axes

__all__ = ["hessian", "hvp", "jacobian"]

_MODES = ("auto", "fwd", "rev")


def _one_hot(shapes: list[tuple[int, ...]], dtypes: list[Any], which: int, k: int) -> list[Any]:
    out = [np.zeros(s, dtype=d) for s, d in zip(shapes, dtypes, strict=True)]
    out[which].reshape(-1)[k] = 1
    return out


def _blocks_rev(vjp_fn: Any, out_tree: Any, out_vals: list[Any], n_in: int) -> list[list[Any]]:
    shapes = [shape_of(v) for v in out_vals]
    dtypes = [_dtype(v) for v in out_vals]
    rows: list[list[list[Any]]] = [[[] for _ in range(n_in)] for _ in out_vals]
    for o, shape in enumerate(shapes):
        for k in range(math.prod(shape)):
            cts = vjp_fn(unflatten(out_tree, _one_hot(shapes, dtypes, o, k)))
            for i, g in enumerate(flatten(cts)[0]):
                rows[o][i].append(g)
    return [
        [np.reshape(np.stack(r, axis=0), so + shape_of(r[0])) for r in per_in]
        for per_in, so in zip(rows, shapes, strict=True)
    ]


def _blocks_fwd(
    g: Callable[..., Any], primals: list[Any], out_vals: list[Any], in_shapes: list[Any]
) -> list[list[Any]]:
    dtypes = [_dtype(p) for p in primals]
    cols: list[list[list[Any]]] = [[[] for _ in primals] for _ in out_vals]
    for i, shape in enumerate(in_shapes):
        for k in range(math.prod(shape)):
            _, tangent_out = jvp(g, primals, _one_hot(in_shapes, dtypes, i, k))
            for o, t in enumerate(flatten(tangent_out)[0]):
                cols[o][i].append(t)
    return [
        [np.reshape(np.stack(c, axis=-1), shape_of(v) + si) for c, si in zip(per_in, in_shapes, strict=True)]
        for per_in, v in zip(cols, out_vals, strict=True)
    ]


def jacobian(
    f: Callable[..., Any],
    argnums: Argnums = 0,
    mode: str = "auto",
    layout: str = "mixed",
) -> Callable[..., Any]:
    """All first derivatives of ``f``: ``J[i..., j...] = d f(x)[i...] / d x[j...]``.

    Parameters
    ----------
    mode:
        ``"rev"`` (one backward pass per output entry), ``"fwd"`` (one forward pass per input entry) or
        ``"auto"`` (whichever needs fewer passes).
    layout:
        ``"mixed"`` (the default): ``J.shape == f(x).shape + x.shape``, so a gradient has the shape of its
        variable and a Jacobian's rows are the outputs; ``"numerator"``: ``f(x).shape +
        reversed(x.shape)``; ``"denominator"``: the full transpose of numerator, ``x.shape +
        reversed(f(x).shape)``. For vectors numerator is mixed; they differ for matrices.

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> cr.jacobian(lambda x: A @ x)(np.zeros(2))   # d(Ax)/dx = A
    array([[1., 2.],
           [3., 4.],
           [5., 6.]])
    >>> cr.jacobian(lambda x: A @ x, layout="denominator")(np.zeros(2)).shape
    (2, 3)
    >>> X = np.ones((2, 3))
    >>> [cr.jacobian(np.sum, layout=layout)(X).shape for layout in ("mixed", "numerator", "denominator")]
    [(2, 3), (3, 2), (2, 3)]
    """
    _check_callable(f, "jacobian")
    if mode not in _MODES:
        raise ChainruleValueError(f"jacobian: mode must be one of {_MODES}, got {mode!r}")
    check_layout(layout, "jacobian")

    @functools.wraps(f)
    def jacobian_f(*args: Any) -> Any:
        nums = _argnum_tuple(argnums, len(args), "jacobian")
        trees = [flatten(args[n]) for n in nums]
        primals = [_float_leaf(leaf) for leaves, _ in trees for leaf in leaves]
        in_shapes = [shape_of(p) for p in primals]

        def g(*flat: Any) -> Any:
            new_args, it = list(args), iter(flat)
            for n, (leaves, treedef) in zip(nums, trees, strict=True):
                new_args[n] = unflatten(treedef, [next(it) for _ in leaves])
            return f(*new_args)

        out, vjp_fn = vjp(g, *primals)
        out_vals, out_tree = flatten(out)
        n_out = sum(math.prod(shape_of(v)) for v in out_vals)
        n_in = sum(math.prod(s) for s in in_shapes)
        use_rev = mode == "rev" or (mode == "auto" and n_out <= n_in)
        if use_rev:
            blocks = _blocks_rev(lambda ct: vjp_fn(ct), out_tree, out_vals, len(primals))
        else:
            del vjp_fn
            blocks = _blocks_fwd(g, primals, out_vals, in_shapes)
        return _assemble(blocks, out_vals, out_tree, in_shapes, trees, isinstance(argnums, int), layout)

    return jacobian_f


def _assemble(
    blocks: list[list[Any]],
    out_vals: list[Any],
    out_tree: Any,
    in_shapes: list[Any],
    trees: list[Any],
    single: bool,
    layout: str,
) -> Any:
    per_out = []
    for o, v in enumerate(out_vals):
        no = len(shape_of(v))
        row = [_layout(blocks[o][i], no, layout) for i in range(len(in_shapes))]
        it = iter(row)
        per_arg = [unflatten(treedef, [next(it) for _ in leaves]) for leaves, treedef in trees]
        per_out.append(per_arg[0] if single else tuple(per_arg))
    return unflatten(out_tree, per_out)


def _layout(block: Any, out_ndim: int, layout: str) -> Any:
    """A finished block, computed in the mixed layout (output axes, then input axes), laid out as asked."""
    if layout == "mixed":
        return block
    return np.transpose(block, layout_axes(out_ndim, np.ndim(block) - out_ndim, layout))


def hessian(
    f: Callable[..., Any], argnums: Argnums = 0, mode: str = "fwd", layout: str = "mixed"
) -> Callable[..., Any]:
    """The matrix of second derivatives of a scalar function.

    The Hessian is the Jacobian of the gradient, ``jacobian(grad(f), layout=layout)``: for an array argument
    ``x`` its shape is ``x.shape + x.shape`` in the mixed layout (the default) and ``x.shape +
    reversed(x.shape)`` in the other two (where, the Hessian being symmetric, they give the same array).

    Parameters
    ----------
    mode:
        ``"fwd"`` (the default) is forward-over-reverse: one forward-mode pass through the gradient per
        input entry, each re-running ``f``; the memory of one gradient computation. ``"rev"`` is
        reverse-over-reverse: the gradient's own graph is recorded once and walked backwards once per input
        entry, which is usually faster for functions dominated by large array operations, at the memory cost
        of keeping that graph.

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> cr.hessian(lambda x: x[0] ** 2 * x[1] + np.sin(x[1]))(np.array([1.0, 0.0]))
    array([[0., 2.],
           [2., 0.]])
    """
    _check_callable(f, "hessian")
    if mode not in ("fwd", "rev"):
        raise ChainruleValueError(f"hessian: mode must be 'fwd' or 'rev', got {mode!r}")
    return jacobian(grad(f, argnums), argnums, mode=mode, layout=check_layout(layout, "hessian"))


def hvp(f: Callable[..., Any]) -> Callable[[Any, Any], Any]:
    """Hessian-vector product ``H(x) v`` without forming ``H``: one forward pass over one backward pass.

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> f = lambda x: np.sum(x**3)
    >>> cr.hvp(f)(np.array([1.0, 2.0]), np.array([1.0, 0.0]))   # H = diag(6x)
    array([6., 0.])
    """
    _check_callable(f, "hvp")
    gradient = grad(f)

    def hvp_f(x: Any, v: Any) -> Any:
        return jvp(gradient, (x,), (v,))[1]

    return hvp_f
