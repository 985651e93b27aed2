"""The backward pass: the chain rule applied node by node, from the outputs back to the leaves.

Nodes are taken latest-created first from a heap. Creation order is a topological order (an operation is
created after its operands), so a node is reached only after every node that uses it has passed its gradient
on: gradients arriving from several children are added first (a value used twice gets both contributions).
The traversal is iterative, so a chain of a million operations is fine.
"""

from __future__ import annotations

from heapq import heapify, heappop, heappush
from typing import Any

from chainrule.core.tensor import FREED, Tensor, _new_tensor
from chainrule.errors import GraphError

__all__ = ["backprop"]

_FREED_MESSAGE = (
    "backward through a graph that was already freed: gradients would be counted twice. Pass "
    "retain_graph=True to the first backward() to go through the same graph again"
)


def backprop(
    roots: list[Tensor], cotangents: list[Any], retain_graph: bool, create_graph: bool
) -> list[tuple[Tensor, Any]]:
    """Propagate ``cotangents`` from ``roots`` to the leaves; return ``(leaf, gradient)`` pairs.

    With ``create_graph`` the rules are applied to the Tensors themselves, so the gradients are Tensors
    recorded in the same graph; otherwise they run on the stored plain values.
    """
    # Pending gradients, keyed by the Tensors themselves: they hash by identity (their == compares values
    # like arrays do, but two live Tensors never share a hash, so dicts never call it).
    grads: dict[Tensor, Any] = {}
    # The heap holds the pending nodes' sequence numbers (plain ints compare fastest); queued maps them back.
    heap: list[int] = []
    queued: dict[int, Tensor] = {}
    for root, ct in zip(roots, cotangents, strict=True):
        if root in grads:
            grads[root] = grads[root] + ct
        else:
            grads[root] = ct
            heap.append(root._seq)
            queued[root._seq] = root
    heapify(heap)
    dequeue = queued.pop
    pop, get = grads.pop, grads.get
    leaves: list[tuple[Tensor, Any]] = []
    # A chain (one pending node at a time) needs neither the heap nor the dict: the next node and its
    # gradient are handed on directly.
    following: Tensor | None = None
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
            vjp, ans, args, g = _recorded_operands(node, g)
        else:
            vjp, ans = prim.vjp, node._data
        # the hot loop: each parent's rule, and its gradient added to what that parent already has
        if len(parents) == 1:
            p = parents[0]
            ct = vjp[0](g, ans, *args, **params) if params else vjp[0](g, ans, *args)
            old = get(p)
            if old is not None:
                grads[p] = old + ct
            elif heap:
                grads[p] = ct
                heappush(heap, p._seq)
                queued[p._seq] = p
            else:  # a chain: nothing else is pending, so p comes next, with this gradient
                following, g = p, ct
        else:
            for p, rule in zip(parents, vjp, strict=False):
                if p is None or rule is None:
                    continue
                ct = rule(g, ans, *args, **params) if params else rule(g, ans, *args)
                old = get(p)
                if old is None:
                    grads[p] = ct
                    heappush(heap, p._seq)
                    queued[p._seq] = p
                else:
                    grads[p] = old + ct
        if not retain_graph:
            node._parents = FREED  # the operation's name stays, for printing and drawing
            node._args = None
    return leaves


def _recorded_operands(node: Tensor, g: Any) -> tuple[Any, Tensor, list[Any], Tensor]:
    """The rule, output, operands and cotangent as Tensors, so that applying the rule is recorded too."""
    prim, parents, args = node._prim, node._parents, node._args
    operands = [p if p is not None else a for p, a in zip(parents, args, strict=False)]
    operands += args[len(parents) :]  # trailing constants, which parents may leave off
    if not isinstance(g, Tensor):
        g = _new_tensor(g, node._level)
    return prim.vjp, node, operands, g
