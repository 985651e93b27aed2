"""The backward pass: the chain rule applied node by node, from the outputs back to the leaves.

Nodes are taken latest-created first from a heap. Creation order is a topological order (an operation is
created after its operands), so a node is reached only after every node that uses it has passed its gradient
on: gradients arriving from several children are added first (a value used twice gets both contributions).
The traversal is iterative, so a chain of a million operations is fine.

Complex numbers follow one convention (JAX's and HIPS autograd's; the docs' "Complex numbers"): a cotangent
``g`` pairs with a change ``dy`` as ``Re(g * dy)``. So the cotangent of a real value is real: where a complex
result sends a cotangent to a real operand (``x * 1j``, a real array into ``np.fft.fft``), its real part
is what goes on, here, in every mode and at every order (``np.real`` records under ``create_graph``).

This module knows only the node protocol, which :class:`~chainrule.core.tensor.Tensor` implements: a node has
``_prim`` (its primitive, None for a leaf), ``_parents`` (the operands that take a gradient: a tuple, by
position, None for the others; the parent node itself when operand 0 is the only one; :data:`FREED` once
released), ``_args`` and ``_params`` (what the rule needs), ``_data`` (its
value), ``_seq`` (its creation number, counting down), ``_level``, ``_grad`` and ``requires_grad``.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heapify, heappop, heappush
from typing import Any

import numpy as np

from chainrule.errors import GraphError

__all__ = ["FREED", "backprop"]

Node = Any  # see the module docstring


class _Freed:
    """Marks a node whose graph was released by ``backward()``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<freed>"


FREED: Any = _Freed()

_FREED_MESSAGE = (
    "backward through a graph that was already freed: gradients would be counted twice. Pass "
    "retain_graph=True to the first backward() to go through the same graph again"
)


def backprop(  # noqa: C901  (the hot loop, spelled out: a helper call per node costs more than it reads)
    roots: list[Node],
    cotangents: list[Any],
    retain_graph: bool,
    create_graph: bool,
    lift: Callable[[Any, int], Node] | None = None,
) -> list[tuple[Node, Any]]:
    """Propagate ``cotangents`` from ``roots`` to the leaves; return ``(leaf, gradient)`` pairs.

    With ``create_graph`` the rules are applied to the nodes themselves, so the gradients are nodes recorded
    in the same graph; otherwise they run on the stored plain values. ``lift(value, level)`` then makes a
    node of a plain cotangent (required with ``create_graph``).
    """
    # Pending gradients, keyed by the nodes themselves: they hash by identity (their == compares values
    # like arrays do, but two live nodes never share a hash, so dicts never call it).
    grads: dict[Node, Any] = {}
    # The heap holds the pending nodes' sequence numbers (plain ints compare fastest); queued maps them back.
    heap: list[int] = []
    queued: dict[int, Node] = {}
    for root, ct in zip(roots, cotangents, strict=True):
        if _is_complex(ct) and not _is_complex(root._data):
            ct = np.real(ct)
        if root in grads:
            grads[root] = grads[root] + ct
        else:
            grads[root] = ct
            heap.append(root._seq)
            queued[root._seq] = root
    heapify(heap)
    dequeue = queued.pop
    pop, get = grads.pop, grads.get
    leaves: list[tuple[Node, Any]] = []
    # A chain (one pending node at a time) needs neither the heap nor the dict: the next node and its
    # gradient are handed on directly.
    following: Node | None = None
    g: Any = None
    while following is not None or heap:
        if following is not None:
            node, following = following, None
        else:
            node = dequeue(heappop(heap))
            g = pop(node)
        prim = node._prim
        if prim is None:
            if node.requires_grad:
                leaves.append((node, g))
            continue
        parents = node._parents
        if parents is FREED:
            raise GraphError(_FREED_MESSAGE)
        if node._grad is not None:  # an intermediate whose gradient was asked for (retain_grad)
            leaves.append((node, g))
        args, params = node._args, node._params
        if create_graph:
            args, g = _recorded_operands(node, g, lift)
            ans = node
        else:
            ans = node._data
        vjp = prim.vjp
        # a complex result: a real operand takes the real part of its cotangent (see the module docstring)
        try:  # inline: this runs once per node
            into_real = node._data.dtype.kind == "c"
        except AttributeError:
            into_real = False
        # the hot loop: each parent's rule, and its gradient added to what that parent already has
        if type(parents) is not tuple:  # one parent, operand 0: no tuple, one object less for the GC
            rule = vjp[0]
            # None: the one operand that takes a gradient is one the primitive treats as a constant
            if rule is not None:
                p = parents
                if params:
                    ct = rule(g, ans, *args, **params)
                elif len(args) == 1:  # sin(x), x * 2.0: plain calls, no argument tuple to build
                    ct = rule(g, ans, args[0])
                elif len(args) == 2:
                    ct = rule(g, ans, args[0], args[1])
                else:
                    ct = rule(g, ans, *args)
                if into_real and not _is_complex(p._data):
                    ct = np.real(ct)
                old = get(p)
                if old is not None:
                    grads[p] = old + ct
                elif heap:
                    grads[p] = ct
                    seq = p._seq
                    heappush(heap, seq)
                    queued[seq] = p
                else:  # a chain: nothing else is pending, so p comes next, with this gradient
                    following, g = p, ct
        else:
            binary = not params and len(args) == 2  # a * b, a + b: plain calls, as above
            if binary:
                x, y = args
            for p, rule in zip(parents, vjp, strict=False):
                if p is None or rule is None:
                    continue
                if binary:
                    ct = rule(g, ans, x, y)
                else:
                    ct = rule(g, ans, *args, **params) if params else rule(g, ans, *args)
                if into_real and not _is_complex(p._data):
                    ct = np.real(ct)
                old = get(p)
                if old is None:
                    grads[p] = ct
                    seq = p._seq
                    heappush(heap, seq)
                    queued[seq] = p
                else:
                    grads[p] = old + ct
        if not retain_graph:
            node._parents = FREED  # the operation's name stays, for printing and drawing
            node._args = None
    return leaves


def _is_complex(value: Any) -> bool:
    """True for a complex array, NumPy scalar or traced value (a Python number is never the data here)."""
    try:
        return bool(value.dtype.kind == "c")
    except AttributeError:
        return isinstance(value, complex)


def _recorded_operands(node: Node, g: Any, lift: Callable[[Any, int], Node] | None) -> tuple[list[Any], Any]:
    """The operands and cotangent as nodes, so that applying the rule is recorded too."""
    parents, args = node._parents, node._args
    if type(parents) is not tuple:
        parents = (parents,)
    operands = [p if p is not None else a for p, a in zip(parents, args, strict=False)]
    operands += args[len(parents) :]  # trailing constants, which parents may leave off
    if type(g) is not type(node):
        if lift is None:
            raise GraphError("backprop(create_graph=True) needs lift= to make nodes of plain cotangents")
        g = lift(g, node._level)
    return operands, g
