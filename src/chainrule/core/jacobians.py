"""Jacobians and Hessians built from vjp and jvp.

Reverse mode pulls a basis cotangent back for each output entry, forward mode pushes a basis tangent forward
for each input entry; both run as one batched pass with :func:`chainrule.vmap` (``jacrev = vmap(vjp)``,
``jacfwd = vmap(jvp)``), so ``mode="auto"`` picks reverse when there are fewer outputs than inputs. The
blocks are computed in the mixed layout (``f(x).shape + x.shape``) and laid out at the end by
:func:`_layout` (the three layouts are defined once, in :mod:`chainrule.layouts`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core.primitive import Traced
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
    vjp_leaves,
)
from chainrule.core.vmap import batched_call
from chainrule.errors import ChainruleValueError
from chainrule.layouts import check_layout, layout_axes

__all__ = ["hessian", "hvp", "jacobian"]

_MODES = ("auto", "fwd", "rev")
_NOT_HOLOMORPHIC = (
    "{name}: an input is complex, and a complex derivative exists only for a holomorphic function (sin, exp, "
    "products, powers ...): pass holomorphic=True if f is one (both modes then give f'(z)); otherwise "
    "differentiate by the real and imaginary parts, e.g. cr.{name}(lambda x, y: f(x + 1j * y), "
    "argnums=(0, 1))(z.real, z.imag) (for a non-holomorphic f forward and reverse mode would give different "
    "numbers: df/dx and df/dx - i df/dy)"
)


def _chunks(n: int, chunk_size: int | None) -> list[tuple[int, int]]:
    step = n if chunk_size is None else chunk_size
    return [(start, min(start + step, n)) for start in range(0, n, max(step, 1))]


def _basis(shape: tuple[int, ...], dtype: Any, start: int, stop: int) -> Any:
    """Rows ``start:stop`` of the identity on ``shape``'s entries, each row shaped like ``shape``."""
    n = math.prod(shape)
    rows = np.zeros((stop - start, n), dtype=dtype)
    rows[np.arange(stop - start), np.arange(start, stop)] = 1
    return rows.reshape((stop - start, *shape))


def _blocks_rev(
    pull: Any, out_vals: list[Any], in_shapes: list[Any], real_inputs: list[bool], chunk_size: int | None
) -> list[list[Any]]:
    """Block (o, i) of the Jacobian: every basis cotangent of output o pulled back at once, by vmap, with
    the other outputs left out of the backward pass (not given zero cotangents: see ``vjp_leaves``).

    A cotangent ``g`` pairs with a change as ``Re(g dy)``, so a real input's cotangent from ``e_k`` is the
    derivative of ``Re(y_k)`` alone: for a complex output the cotangents ``-i e_k`` are pulled back too,
    and a real input's block is ``d Re(y)/dx + i d Im(y)/dx``."""
    blocks: list[list[Any]] = []
    for o, value in enumerate(out_vals):
        shape = shape_of(value)
        imaginary = _dtype(value).kind == "c" and any(real_inputs)

        def pulled(ct: Any, o: int = o) -> Any:
            return pull([ct if j == o else None for j in range(len(out_vals))])

        parts: list[list[Any]] = [[] for _ in in_shapes]
        for start, stop in _chunks(math.prod(shape), chunk_size):
            basis = _basis(shape, _dtype(value), start, stop)
            cts = flatten(_batched(pulled, basis, pair=False))[0]
            if imaginary:
                im = flatten(_batched(pulled, -1j * basis, pair=False))[0]
                cts = [g + 1j * h if real else g for g, h, real in zip(cts, im, real_inputs, strict=True)]
            for i, g in enumerate(cts):
                parts[i].append(g)
        pairs = zip(parts, in_shapes, strict=True)
        blocks.append([_joined(p, (0, *si), shape, si, rows_first=True) for p, si in pairs])
    return blocks


def _batched(fn: Callable[[Any], Any], basis: Any, pair: bool) -> Any:
    """``vmap(fn)(basis)`` for a batch of basis vectors (``pair``: ``fn`` returns ``(value, batched)`` and
    only the second is batched). A single basis vector with a single entry (the derivative of a function
    of one number) goes through without the batching layer, its results given their batch axis of 1."""
    if basis.size != 1:
        return batched_call(fn, (basis,), {}, 0, (None, 0) if pair else 0, strong=True)
    out = fn(basis[0])
    value, batched = out if pair else (None, out)
    leaves, tree = flatten(batched)
    batched = unflatten(tree, [np.expand_dims(v, 0) for v in leaves])
    return (value, batched) if pair else batched


def _joined(parts: list[Any], empty: tuple[int, ...], rows: Any, cols: Any, rows_first: bool) -> Any:
    """Chunks stacked along axis 0 (one entry of ``rows`` each), laid out as ``rows + cols``."""
    stacked = np.concatenate(parts, axis=0) if parts else np.zeros(empty)
    if rows_first:
        return np.reshape(stacked, (*rows, *cols))
    return np.reshape(np.moveaxis(stacked, 0, -1), (*cols, *rows))


def _use_rev(mode: str, n_out: int, n_in: int) -> bool:
    """Reverse mode for fewer outputs than inputs: one batched backward pass of ``n_out`` rows against one
    batched forward pass of ``n_in`` (a row costs about the same either way; with as many outputs as inputs
    forward mode wins, having no graph to record)."""
    return mode == "rev" or (mode == "auto" and n_out < n_in)


def _size(values: list[Any]) -> int:
    return sum(math.prod(shape_of(v)) for v in values)


def jacobian(
    f: Callable[..., Any],
    argnums: Argnums = 0,
    mode: str = "auto",
    layout: str = "mixed",
    chunk_size: int | None = None,
    *,
    holomorphic: bool = False,
) -> Callable[..., Any]:
    """All first derivatives of ``f``: ``J[i..., j...] = d f(x)[i...] / d x[j...]``.

    Both modes are batched with :func:`chainrule.vmap`: reverse mode (``jacrev``) pulls every basis
    cotangent back through one backward pass, forward mode (``jacfwd``) pushes every basis tangent through
    one forward pass.

    Parameters
    ----------
    mode:
        ``"rev"`` (a batch of one cotangent per output entry), ``"fwd"`` (a batch of one tangent per input
        entry) or ``"auto"``: ``"rev"`` when there are fewer outputs than inputs, else ``"fwd"`` (the number
        of outputs is learned from the first call with arguments of the same shapes).
    layout:
        ``"mixed"`` (the default): ``J.shape == f(x).shape + x.shape``, so a gradient has the shape of its
        variable and a Jacobian's rows are the outputs; ``"numerator"``: ``f(x).shape +
        reversed(x.shape)``; ``"denominator"``: the full transpose of numerator, ``x.shape +
        reversed(f(x).shape)``. For vectors numerator is mixed; they differ for matrices.
    chunk_size:
        At most this many basis vectors per batch (``None``: all at once). Peak memory is about
        ``min(chunk_size, n) * M + (the Jacobian itself)``, where ``n`` is the number of entries of the
        batched side (outputs for ``"rev"``, inputs for ``"fwd"``) and ``M`` is the memory of one
        derivative pass (every intermediate array of ``f`` once, and in reverse mode its graph); smaller
        chunks take more, smaller batched passes.
    holomorphic:
        Required for a complex input, as in JAX: it says that ``f`` is holomorphic, so that its complex
        derivative exists and both modes give it. For a function that is not (``abs``, ``conj``, ``real``),
        differentiate by the real and imaginary parts (docs: "Complex numbers"). A complex output of real
        inputs needs nothing: its block is ``d Re(y)/dx + i d Im(y)/dx`` in both modes.

    Notes
    -----
    Entries that do not depend on an input are exact even when another input is NaN or infinite: a basis
    entry that is 0 contributes 0, not ``0 * nan``.

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
    _check_chunk_size(chunk_size, "jacobian")
    return _jacobian(f, argnums, mode, layout, chunk_size, holomorphic, "jacobian")


def _jacobian(
    f: Callable[..., Any],
    argnums: Argnums,
    mode: str,
    layout: str,
    chunk_size: int | None,
    holomorphic: bool,
    name: str,
) -> Callable[..., Any]:
    """:func:`jacobian` of checked options; ``name`` is the transform the user called, for its messages."""
    # mode="auto": the number of outputs for arguments of these shapes, learned on the first call, so that
    # later calls choosing forward mode need not evaluate f in reverse mode first (the choice only affects
    # speed: both modes give the same Jacobian)
    outputs_seen: dict[Any, int] = {}

    @functools.wraps(f)
    def jacobian_f(*args: Any) -> Any:
        nums = _argnum_tuple(argnums, len(args), name)
        trees = [flatten(args[n]) for n in nums]
        primals = [_float_leaf(leaf) for leaves, _ in trees for leaf in leaves]
        in_shapes = [shape_of(p) for p in primals]
        real_inputs = [_dtype(p).kind != "c" for p in primals]
        if not holomorphic and not all(real_inputs):
            raise ChainruleValueError(_NOT_HOLOMORPHIC.format(name=name))

        def g(*flat: Any) -> Any:
            new_args, it = list(args), iter(flat)
            for n, (leaves, treedef) in zip(nums, trees, strict=True):
                new_args[n] = unflatten(treedef, [next(it) for _ in leaves])
            return f(*new_args)

        n_in = sum(math.prod(s) for s in in_shapes)
        signature = tuple((s, str(_dtype(p))) for s, p in zip(in_shapes, primals, strict=True))
        known = outputs_seen.get(signature)
        if mode == "fwd" or (mode == "auto" and known is not None and not _use_rev(mode, known, n_in)):
            out_vals, out_tree, blocks = _forward(g, primals, in_shapes, chunk_size)
        else:
            out, out_tree, pull = vjp_leaves(g, tuple(primals))
            out_vals = flatten(out)[0]
            if _use_rev(mode, _size(out_vals), n_in):
                blocks = _blocks_rev(pull, out_vals, in_shapes, real_inputs, chunk_size)
            else:
                del pull
                out_vals, out_tree, blocks = _forward(g, primals, in_shapes, chunk_size)
        outputs_seen[signature] = _size(out_vals)
        return _assemble(blocks, out_vals, out_tree, in_shapes, trees, isinstance(argnums, int), layout)

    return jacobian_f


def _check_chunk_size(chunk_size: Any, name: str) -> None:
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise ChainruleValueError(f"{name}: chunk_size must be a positive int or None, got {chunk_size!r}")


def _forward(
    g: Callable[..., Any], primals: list[Any], in_shapes: list[Any], chunk_size: int | None
) -> tuple[list[Any], Any, list[list[Any]]]:
    """The outputs of ``g`` and its Jacobian's blocks by forward mode: column block i pushes every basis
    tangent of input i forward at once, by vmap, the other inputs held constant (not given zero tangents,
    which would meet their local derivatives: ``0 * inf`` is NaN where the exact entry is finite); the
    outputs come from the first pass."""
    values: list[Any] = []
    cols: list[list[list[Any]]] | None = None
    for i, shape in enumerate(in_shapes):

        def pushed(tangent: Any, i: int = i) -> Any:
            def g_i(x: Any) -> Any:
                return g(*primals[:i], x, *primals[i + 1 :])

            return jvp(g_i, (primals[i],), (tangent,))

        for start, stop in _chunks(math.prod(shape), chunk_size):
            value, out = _batched(pushed, _basis(shape, _dtype(primals[i]), start, stop), pair=True)
            values.append(value)
            leaves = flatten(out)[0]
            if cols is None:
                cols = [[[] for _ in primals] for _ in leaves]
            for o, t in enumerate(leaves):
                # an integer or bool output's zeros, in the input's float type as reverse mode gives them
                if not isinstance(t, Traced) and _dtype(t).kind in "biu":
                    t = np.asarray(t, dtype=_dtype(primals[i]))
                cols[o][i].append(t)
    out_vals, out_tree = flatten(values[0] if values else g(*primals))
    if cols is None:
        cols = [[[] for _ in primals] for _ in out_vals]
    blocks = [
        [
            _joined(c, (0, *shape_of(v)), si, shape_of(v), rows_first=False)
            for c, si in zip(per_in, in_shapes, strict=True)
        ]
        for per_in, v in zip(cols, out_vals, strict=True)
    ]
    return out_vals, out_tree, blocks


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
    f: Callable[..., Any],
    argnums: Argnums = 0,
    mode: str = "fwd",
    layout: str = "mixed",
    chunk_size: int | None = None,
    *,
    holomorphic: bool = False,
) -> Callable[..., Any]:
    """The matrix of second derivatives of a scalar function.

    The Hessian is the Jacobian of the gradient, ``jacobian(grad(f), layout=layout)``: for an array argument
    ``x`` its shape is ``x.shape + x.shape`` in the mixed layout (the default) and ``x.shape +
    reversed(x.shape)`` in the other two (where, the Hessian being symmetric, they give the same array).

    Parameters
    ----------
    mode:
        ``"fwd"`` (the default) is forward-over-reverse, ``jacfwd(grad(f))``: the gradient computed once
        with a batch of one tangent per input entry (by :func:`chainrule.vmap`). ``"rev"`` is
        reverse-over-reverse, ``jacrev(grad(f))``: the gradient's own graph recorded once and walked
        backwards with a batch of one cotangent per input entry.
    chunk_size:
        At most this many basis vectors per batch, to bound memory (see :func:`jacobian`): peak memory is
        about ``min(chunk_size, n) * M`` with ``n`` the number of input entries and ``M`` the memory of one
        gradient computation.
    holomorphic:
        Required for a complex input (see :func:`jacobian`): the Hessian is then the complex second
        derivative of the holomorphic function whose real part ``f`` is, as ``grad`` takes it.

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
    layout = check_layout(layout, "hessian")
    _check_chunk_size(chunk_size, "hessian")
    return _jacobian(grad(f, argnums), argnums, mode, layout, chunk_size, holomorphic, "hessian")


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
