"""Batching rules for the linear-algebra rows: matmul, einsum, solve, and those that map over leading axes.

The rows in :mod:`chainrule.core.rules.linalg` declare them (``batch=matmul_rule`` ...); the decompositions
and the other rows that map over leading axes already take :func:`chainrule.core.batch_rules.leading`.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core.batch_rules import BatchCall, align, batch_numbers
from chainrule.core.rules._util import concrete, shape_of

__all__ = ["einsum_rule", "matmul_rule", "solve_rule"]


def _strong_bilinear(
    call: BatchCall, out: Any, apply: Callable[[Any, Any], Any], batched: Any, constant: Any
) -> Any:
    """``out = apply(batched, constant)`` with 0 for the entries whose every nonzero batch entry meets only
    finite numbers (Jacobians of basis vectors: see :func:`chainrule.core.batch_rules.product`)."""
    numbers = batch_numbers(constant)
    finite = np.isfinite(numbers)
    if not call.strong_zero or bool(np.all(finite)):
        return out
    nonzero = (concrete(batched) != 0).astype(float)
    poisoned = apply(nonzero, (~finite).astype(float)) > 0
    clean = apply(batched, np.where(finite, constant, 0.0))
    return np.where(poisoned, out, clean)


def _as_matrix(x: Any, batched: bool, first: bool) -> tuple[Any, bool]:
    """A vector operand of matmul as a matrix (a row if it is the first operand, else a column)."""
    if len(shape_of(x)) - batched != 1:
        return x, False
    return (np.expand_dims(x, -2) if first else np.expand_dims(x, -1)), True


def _one_gemm(call: BatchCall, a: Any, b: Any) -> Any:
    """``a @ b`` for every example as one matrix product when one operand is a plain vector or matrix (the
    common case: a layer's weights against a batch of vectors); None when the shapes are not of that kind."""
    ba, bb = call.batched
    if ba and not bb and len(shape_of(b)) <= 2:
        shape = shape_of(a)
        if len(shape) == 2:  # a vector per example
            return call.prim(a, b)
        if len(shape) == 3:  # a matrix per example: its rows stacked
            out = call.prim(np.reshape(a, (shape[0] * shape[1], shape[2])), b)
            return np.reshape(out, (shape[0], shape[1], *shape_of(out)[1:]))
    if bb and not ba and len(shape_of(a)) == 2:
        shape = shape_of(b)
        if len(shape) == 2:  # (a @ x)^T = x^T a^T, for every example x at once
            return call.prim(b, np.transpose(a))
        if len(shape) == 3:
            columns = np.reshape(np.swapaxes(b, 1, 2), (shape[0] * shape[2], shape[1]))
            out = np.reshape(call.prim(columns, np.transpose(a)), (shape[0], shape[2], shape_of(a)[0]))
            return np.swapaxes(out, 1, 2)
    return None


def _matmul_general(call: BatchCall, a: Any, b: Any) -> Any:
    """``a @ b`` for every example: vectors made matrices, batched operands lined up with the other's axes."""
    ba, bb = call.batched
    a2, a_vec = _as_matrix(a, ba, True)
    b2, b_vec = _as_matrix(b, bb, False)
    ndim = max(len(shape_of(a2)) - ba, len(shape_of(b2)) - bb)
    a2, b2 = (align(a2, ndim) if ba else a2), (align(b2, ndim) if bb else b2)
    # an outer product per example (a matrix-vector product's reverse rule): NumPy's stacked matmul over a
    # contracted axis of length 1 is several times slower than the broadcast product it equals
    out = a2 * b2 if shape_of(a2)[-1] == 1 else call.prim(a2, b2)
    if b_vec:
        out = np.squeeze(out, axis=-1)
    if a_vec:
        out = np.squeeze(out, axis=-1 if b_vec else -2)
    return out


def _matmul(call: BatchCall, a: Any, b: Any) -> Any:
    out = _one_gemm(call, a, b)
    return _matmul_general(call, a, b) if out is None else out


def matmul_rule(call: BatchCall, a: Any, b: Any) -> Any:
    """``a @ b`` for every example (one matrix product where it can be), with strong zeros under Jacobians."""
    out = _matmul(call, a, b)
    ba, bb = call.batched
    if ba != bb:

        def apply(t: Any, c: Any) -> Any:
            return _matmul(call, t, c) if ba else _matmul(call, c, t)

        out = _strong_bilinear(call, out, apply, a if ba else b, b if ba else a)
    return out


def einsum_rule(call: BatchCall, *operands: Any, spec: str) -> Any:
    """``einsum`` for every example: a new subscript for the batch axis of the batched operands and output."""
    letter = next(c for c in string.ascii_letters if c not in spec)
    inputs, output = spec.split("->")
    subs = inputs.split(",")
    new = [letter + s if b else s for s, b in zip(subs, call.batched, strict=True)]
    batched_spec = ",".join(new) + "->" + letter + output
    out = call.prim(*operands, spec=batched_spec)
    if len(operands) == 2 and sum(call.batched) == 1:
        i = 0 if call.batched[0] else 1
        einsum = call.prim

        def apply(t: Any, c: Any) -> Any:
            return einsum(t, c, spec=batched_spec) if i == 0 else einsum(c, t, spec=batched_spec)

        out = _strong_bilinear(call, out, apply, operands[i], operands[1 - i])
    return out


def solve_rule(call: BatchCall, a: Any, b: Any) -> Any:
    """``solve(a, b)`` for every example; a right-hand side that is a vector per example is made a column."""
    ba, bb = call.batched
    vector = bb and len(shape_of(b)) - 1 == 1
    if vector:
        b = np.expand_dims(b, -1)
    ndim = max(len(shape_of(a)) - ba, len(shape_of(b)) - bb)
    a = align(a, ndim) if ba else a
    b = align(b, ndim) if bb else b
    if ba and not bb and len(shape_of(b)) == 1:
        out = call.prim(a, b)  # one vector for every example: NumPy broadcasts it as a vector
        return out
    out = call.prim(a, b)
    return np.squeeze(out, axis=-1) if vector else out
