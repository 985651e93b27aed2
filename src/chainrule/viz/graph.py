"""Drawing a recorded computation graph, micrograd-style: one box per Tensor with its operation, value and
gradient.

Graphviz's ``dot`` lays the graph out when it is installed; otherwise a small layered layout written here
(each node in the column of its longest path from the leaves) renders SVG directly, or PNG through
matplotlib. DOT text needs neither.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.errors import ChainruleTypeError, ChainruleValueError, GraphError

__all__ = ["Graph", "GraphNode", "draw_graph", "trace_graph"]

_FORMATS = ("svg", "png", "dot")
_ENGINES = ("auto", "dot", "python")


@dataclass(frozen=True)
class GraphNode:
    """One node of a graph: its label (a name, or empty), operation ('' for a leaf), value and gradient; for
    an expression graph also the formula of the subexpression."""

    index: int
    label: str
    op: str
    value: str
    grad: str | None
    formula: str = ""

    def lines(self) -> list[str]:
        """The text of the node's box, top to bottom."""
        head = self.label or "input"
        if self.op:
            head = f"{self.label} = {self.op}" if self.label else self.op
        lines = [head]
        if self.formula:
            lines.append(self.formula)
        if self.value:
            lines.append(f"value {self.value}")
        if self.grad is not None:
            lines.append(f"grad {self.grad}")
        return lines


@dataclass(frozen=True)
class Graph:
    """Nodes in topological order (every parent before its children) and edges ``(parent, child)``."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[tuple[int, int], ...]


def format_value(value: Any) -> str:
    """A value for a box: a scalar to 4 digits, an array by its shape and a few entries."""
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{array.item():.4g}"
    body = np.array2string(array.ravel(), precision=3, separator=", ", threshold=6, edgeitems=2)
    return f"shape {array.shape} {body}" if array.ndim > 1 else body


def _format_grad(tensor: Any) -> str | None:
    grad = tensor.grad
    if grad is None:
        return None
    return format_value(grad.data if hasattr(grad, "op") else grad)  # a Tensor under create_graph=True


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

    Examples
    --------
    >>> import chainrule as cr
    >>> a = cr.Tensor(2.0, requires_grad=True)
    >>> g = trace_graph(a * a + 1.0, {"a": a})
    >>> [node.op for node in g.nodes], g.edges
    (['', 'multiply', 'add'], ((0, 1), (0, 1), (1, 2)))
    """
    if not hasattr(tensor, "parents") and hasattr(tensor, "args") and hasattr(tensor, "op"):
        from chainrule.viz.expression_graph import trace_expression

        return trace_expression(tensor, values)
    if not hasattr(tensor, "parents") or not hasattr(tensor, "op"):
        raise ChainruleTypeError(f"draw_graph: expected a chainrule.Tensor, got {type(tensor).__name__}")
    if not tensor.is_leaf and not tensor.parents:  # a recorded Tensor always has a parent, until freed
        raise GraphError(
            "draw_graph: this graph was freed by backward(); call backward(retain_graph=True) first, "
            "or draw_graph(tensor, backward=True)"
        )
    labels = {id(t): name for name, t in (names or {}).items()}
    order: list[Any] = []
    seen: set[int] = set()
    stack: list[tuple[Any, bool]] = [(tensor, False)]
    while stack:  # iterative post-order: parents are emitted before the Tensors computed from them
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    index = {id(t): k for k, t in enumerate(order)}
    nodes = tuple(
        GraphNode(
            k,
            labels.get(id(t), ""),
            t.op,
            format_value(t.data),
            None if t.grad is None else format_value(t.grad),
        )
        for k, t in enumerate(order)
    )
    edges = tuple((index[id(p)], index[id(t)]) for t in order for p in t.parents)
    return Graph(nodes, edges)


def to_dot(graph: Graph) -> str:
    """The graph in Graphviz's DOT language, left to right."""

    def quote(text: str) -> str:
        return text.replace("\\", "\\\\").replace('"', '\\"')

    lines = [
        "digraph chainrule {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f7fb", fontname="Helvetica", fontsize=11];',
    ]
    for node in graph.nodes:
        label = "\\n".join(quote(line) for line in node.lines())
        colour = ', fillcolor="#e6f2e6"' if not node.op else ""
        lines.append(f'  n{node.index} [label="{label}"{colour}];')
    lines += [f"  n{a} -> n{b};" for a, b in graph.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _run_dot(source: str, fmt: str) -> bytes:
    executable = shutil.which("dot")
    if executable is None:
        raise ChainruleValueError("draw_graph: engine='dot' needs Graphviz's dot program on the PATH")
    done = subprocess.run([executable, f"-T{fmt}"], input=source.encode(), capture_output=True, check=False)
    if done.returncode != 0:
        raise ChainruleValueError(f"draw_graph: dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def draw_graph(
    tensor: Any,
    format: str = "svg",
    *,
    names: Mapping[str, Any] | None = None,
    backward: bool = False,
    engine: str = "auto",
    path: str | os.PathLike[str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> str | bytes:
    """Draw the computation graph that produced ``tensor``: each box shows an operation, its value and,
    after ``backward()``, its gradient.

    Parameters
    ----------
    tensor : chainrule.Tensor
        The output. Its graph must still exist: ``backward()`` frees it unless ``retain_graph=True``.
    format : {"svg", "png", "dot"}
        SVG text, PNG bytes, or Graphviz DOT text.
    names : mapping of str to Tensor, optional
        Labels for some Tensors, e.g. ``{"a": a, "b": b}``.
    backward : bool
        Run ``tensor.backward(retain_graph=True)`` first, keeping every intermediate's gradient, so that each
        box shows one.
    engine : {"auto", "dot", "python"}
        The layout: Graphviz's ``dot`` (``"auto"`` uses it when installed) or the built-in layered layout.
    path : path-like, optional
        Also write the drawing to this file.
    values : mapping of str to number, optional
        For a symbolic expression (drawn as its expression DAG): values of its symbols.

    Returns
    -------
    str or bytes
        ``str`` for SVG and DOT, ``bytes`` for PNG.

    Examples
    --------
    >>> import chainrule as cr
    >>> a, b = cr.Tensor(2.0, requires_grad=True), cr.Tensor(-3.0, requires_grad=True)
    >>> svg = draw_graph(a * b + 10.0, names={"a": a, "b": b}, backward=True, engine="python")
    >>> "grad -3" in svg and "value -6" in svg
    True
    """
    if format not in _FORMATS:
        raise ChainruleValueError(f"draw_graph: format must be one of {', '.join(_FORMATS)}, got {format!r}")
    if engine not in _ENGINES:
        raise ChainruleValueError(f"draw_graph: engine must be one of {', '.join(_ENGINES)}, got {engine!r}")
    if backward and hasattr(tensor, "parents"):
        _backward_keeping_grads(tensor)
    graph = trace_graph(tensor, names, values)
    use_dot = engine == "dot" or (engine == "auto" and shutil.which("dot") is not None)
    result: str | bytes
    if format == "dot":
        result = to_dot(graph)
    elif use_dot:
        output = _run_dot(to_dot(graph), format)
        result = output.decode() if format == "svg" else output
    else:
        from chainrule.viz.layout import render_png, render_svg

        result = render_svg(graph) if format == "svg" else render_png(graph)
    if path is not None:
        target = Path(path)
        if isinstance(result, str):
            target.write_text(result, encoding="utf-8")
        else:
            target.write_bytes(result)
    return result


def _backward_keeping_grads(tensor: Any) -> None:
    stack, seen = [tensor], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        node.zero_grad()  # a drawing shows this backward pass alone
        if not node.is_leaf:
            node.retain_grad()
        stack.extend(node.parents)
    tensor.backward(retain_graph=True)
