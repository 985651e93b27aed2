"""The backward pass: the chain rule applied node by node, from the outputs back to the leaves.

Traversal is iterative (a chain of a million operations is fine) and visits nodes in reverse creation order,
which is a topological order. Each node's reverse rule turns the gradient arriving at it into gradients for its
parents; gradients arriving from several children are added (a value used twice gets both contributions).
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from chainrule.core.tensor import FREED, Tensor, _new_tensor
from chainrule.errors import GraphError

__all__ = ["backprop"]

_by_sequence = attrgetter("_seq")

_FREED_MESSAGE = (
    "backward through a graph that was already freed: gradients would be counted twice. Pass "
    "retain_graph=True to the first backward() to go through the same graph again"
)


def _reachable(roots: list[Tensor]) -> list[Tensor]:
    """Every node that the roots depend on, latest first."""
    seen = {id(r) for r in roots}
    nodes = list(roots)
    stack = list(roots)
    while stack:
        parents = stack.pop()._parents
        if parents is None:
            continue
        if parents is FREED:
            raise GraphError(_FREED_MESSAGE)
        for p in parents:
            if p is not None and id(p) not in seen:
                seen.add(id(p))
                nodes.append(p)
                stack.append(p)
    nodes.sort(key=_by_sequence, reverse=True)
    return nodes


def backprop(
    roots: list[Tensor], cotangents: list[Any], retain_graph: bool, create_graph: bool
) -> list[tuple[Tensor, Any]]:
    """Propagate ``cotangents`` from ``roots`` to the leaves; return ``(leaf, gradient)`` pairs.

    With ``create_graph`` the rules are applied to the Tensors themselves, so the gradients are Tensors
    recorded in the same graph; otherwise they run on the stored plain values.
    """
    grads: dict[int, Any] = {}
    for root, ct in zip(roots, cotangents, strict=True):
        key = id(root)
        grads[key] = ct if key not in grads else grads[key] + ct
    leaves: list[tuple[Tensor, Any]] = []
    for node in _reachable(roots):
        g = grads.pop(id(node), None)
        parents = node._parents
        if parents is None:
            if g is not None and node.requires_grad:
                leaves.append((node, g))
            continue
        if g is not None:
            _propagate(node, g, grads, create_graph)
        if not retain_graph:
            node._parents = FREED
            node._args = None
            node._params = None
    return leaves


def _propagate(node: Tensor, g: Any, grads: dict[int, Any], create_graph: bool) -> None:
    """Apply ``node``'s reverse rule for each parent and add the results into ``grads``."""
    parents = node._parents
    prim = node._prim
    assert prim is not None and prim.vjp is not None  # a recorded node always has its rule
    if create_graph:
        args = [p if p is not None else a for p, a in zip(parents, node._args, strict=True)]
        ans: Any = node
        if not isinstance(g, Tensor):
            g = _new_tensor(g, node._level)
    else:
        args = node._args
        ans = node._data
    vjp = prim.vjp
    params = node._params
    for i, p in enumerate(parents):
        rule = vjp[i] if p is not None else None
        if rule is None:  # a constant operand, or one the primitive is not differentiable in
            continue
        ct = rule(g, ans, *args, **params)
        key = id(p)
        old = grads.get(key)
        grads[key] = ct if old is None else old + ct
