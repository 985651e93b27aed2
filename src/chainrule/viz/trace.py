"""Building a :class:`~chainrule.viz.model.Graph` from a recorded Tensor, or from a symbolic expression.

The builder layer: it reads Tensors and expressions and writes the model; it knows nothing of drawing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chainrule.core.batching import batch_size_of
from chainrule.errors import ChainruleTypeError, GraphError
from chainrule.viz.expression_graph import trace_expression
from chainrule.viz.model import Graph, GraphNode, format_value, shorten

__all__ = ["backward_keeping_grads", "trace_graph"]


def _format_grad(tensor: Any) -> str | None:
    grad = tensor.grad
    if grad is None:
        return None
    # (a Tensor under create_graph=True); a gradient has its value's shape, batch axis included
    return format_value(grad.data if hasattr(grad, "op") else grad, batch_size_of(tensor))


def trace_graph(
    tensor: Any, names: Mapping[str, Any] | None = None, values: Mapping[str, Any] | None = None
) -> Graph:
    """The graph that produced ``tensor``, walked iteratively from it back to its leaves.

    Parameters
    ----------
    tensor : chainrule.Tensor or chainrule.symbolic.Expr
        The output. A symbolic expression (anything with ``op`` and ``args``, no ``parents``) gives its
        expression DAG: shared subexpressions appear once.
    names : mapping of str to Tensor, optional
        Labels for some Tensors (matched by identity), typically the inputs: ``{"a": a, "b": b}``.
    values : mapping of str to number, optional
        For an expression: values of its symbols, to show each subexpression's value.

    Returns
    -------
    Graph
        Nodes in topological order and edges ``(parent, child)``.

    Examples
    --------
    >>> import chainrule as cr
    >>> a = cr.Tensor(2.0, requires_grad=True)
    >>> g = trace_graph(a * a + 1.0, {"a": a})
    >>> [node.op for node in g.nodes], g.edges
    (['', 'multiply', 'add'], ((0, 1), (0, 1), (1, 2)))
    """
    if not hasattr(tensor, "parents") and hasattr(tensor, "args") and hasattr(tensor, "op"):
        return trace_expression(tensor, values)
    _check_recorded(tensor)
    labels = {id(t): name for name, t in (names or {}).items()}
    order = _parents_first(tensor)
    index = {id(t): k for k, t in enumerate(order)}
    formulas = _formulas(order, labels) if len(order) <= _MAX_FORMULA_NODES else {}
    nodes = tuple(
        GraphNode(
            k,
            labels.get(id(t), ""),
            t.op,
            format_value(t.data, batch_size_of(t)),
            _format_grad(t),
            formulas.get(id(t), "") if t.op else "",
        )
        for k, t in enumerate(order)
    )
    edges = tuple((index[id(p)], index[id(t)]) for t in order for p in t.parents)
    return Graph(nodes, edges)


# Formulas are worth writing for graphs a person reads; beyond this they would only slow the drawing down.
_MAX_FORMULA_NODES = 300
_FORMULA_WIDTH = 40


def _formulas(order: list[Any], labels: Mapping[int, str]) -> dict[int, str]:
    """The sub-expression each Tensor computes, in the named leaves, written as each primitive's row says
    formulas write it (``Formula.rewrite`` such as ``x + y``, else its name); none for a Tensor that has a
    constant or unnamed operand, since a recorded graph keeps only the operands that require grad."""
    from chainrule.core.registry import primitives

    rows = {p.name: p for p in primitives()}
    known: dict[int, str] = {}
    for t in order:
        if not t.op:
            name = labels.get(id(t), "")
            if name.isidentifier():
                known[id(t)] = name
            continue
        prim, operands = rows.get(t.op), [known.get(id(p)) for p in t.parents]
        if prim is None or prim.formula is None or None in operands or not isinstance(prim.vjp, Sequence):
            continue
        if len(prim.vjp) != len(operands):  # an operand was a constant, which the graph does not keep
            continue
        if prim.formula.rewrite:
            known[id(t)] = _substitute(prim.formula.rewrite, [str(o) for o in operands])
        elif prim.formula.name:
            known[id(t)] = f"{prim.formula.name}({', '.join(str(o) for o in operands)})"
    return {k: shorten(v, _FORMULA_WIDTH) for k, v in known.items()}


def _top_level(text: str) -> set[str]:
    """The operators of ``text`` outside parentheses (a leading minus counts as one)."""
    found, depth = set(), 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and char in "+-*/^":
            found.add(char)
    return found


# The operators inside an operand that force parentheses around it, on the left and on the right of each
# binary operator (a unary minus binds as its right side): (a + b)*c, a - (b - c), a*b/(c*d), (a*b)^2.
_LEFT = {"+": "", "-": "", "*": "+-", "/": "+-", "^": "+-*/^"}
_RIGHT = {"+": "", "-": "+-", "*": "+-", "/": "+-*/", "^": "+-*/^"}


def _substitute(template: str, operands: list[str]) -> str:
    """``"x*y"`` with ``x``, ``y`` (``z``) replaced by the operands' formulas, in parentheses only where
    the operator next to them would otherwise bind differently."""
    import re

    def operand(match: re.Match[str]) -> str:
        text = operands["xyz".index(match.group())]
        before = template[: match.start()].rstrip()[-1:]
        after = template[match.end() :].lstrip()[:1]
        tight = set(_RIGHT.get(before, "")) | set(_LEFT.get(after, ""))
        return f"({text})" if _top_level(text) & tight else text

    return re.sub(r"\b[xyz]\b", operand, template)


def _check_recorded(tensor: Any) -> None:
    """Raise unless ``tensor`` is a Tensor whose graph still exists."""
    if not hasattr(tensor, "parents") or not hasattr(tensor, "op"):
        raise ChainruleTypeError(f"draw_graph: expected a chainrule.Tensor, got {type(tensor).__name__}")
    if not tensor.is_leaf and not tensor.parents:  # a recorded Tensor always has a parent, until freed
        raise GraphError(
            "draw_graph: this graph was freed by backward(); call backward(retain_graph=True) first, "
            "or draw_graph(tensor, backward=True)"
        )


def _parents_first(tensor: Any) -> list[Any]:
    """Every Tensor ``tensor`` was computed from, each after its parents (an iterative post-order, so that
    deep graphs do not hit the recursion limit)."""
    order: list[Any] = []
    seen: set[int] = set()
    stack: list[tuple[Any, bool]] = [(tensor, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    return order


def backward_keeping_grads(tensor: Any) -> None:
    """Run ``tensor.backward(retain_graph=True)`` with every Tensor of its graph keeping its gradient.

    Earlier gradients are zeroed first, so that a drawing shows this backward pass alone.
    """
    stack, seen = [tensor], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        node.zero_grad()
        if not node.is_leaf:
            node.retain_grad()
        stack.extend(node.parents)
    tensor.backward(retain_graph=True)
