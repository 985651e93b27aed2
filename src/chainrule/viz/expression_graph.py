"""The DAG of a symbolic expression as a drawable graph, read through a duck-typed interface.

Any node with ``op`` (a name), ``args`` (its operand nodes) and ``str()`` works; ``evaluate(mapping)``
is used when values are given. Hash-consed expressions share repeated subexpressions, so each appears once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chainrule.viz.model import Graph, GraphNode, format_value, shorten

__all__ = ["trace_expression"]

_LEAVES = ("symbol", "num", "constant")

_BOX_WIDTH = 40  # characters of a sub-expression in a box


def trace_expression(expr: Any, values: Mapping[str, Any] | None = None) -> Graph:
    """Nodes (operands before the nodes that use them) and edges of an expression DAG.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> g = trace_expression(sym.parse("sin(x)*y + sin(x)"), {"x": 0.0, "y": 2.0})
    >>> sorted(node.lines()[0] for node in g.nodes)  # operands come before the nodes that use them
    ['add', 'mul', 'sin', 'x', 'y']
    >>> len(g.edges)  # sin(x) is shared: drawn once, used twice
    5
    """
    from chainrule.symbolic.traverse import postorder

    order = postorder([expr])
    assignment: dict[Any, Any] = dict(values or {})
    index = {id(n): k for k, n in enumerate(order)}
    nodes = []
    for k, node in enumerate(order):
        leaf = node.op in _LEAVES
        value = "" if values is None else format_value(node.evaluate(assignment))
        label = str(node) if leaf else ""
        nodes.append(
            GraphNode(
                k, label, "" if leaf else node.op, value, None, "" if leaf else shorten(str(node), _BOX_WIDTH)
            )
        )
    edges = tuple((index[id(a)], index[id(n)]) for n in order for a in n.args)
    return Graph(tuple(nodes), edges)
