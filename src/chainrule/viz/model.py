"""The data of a drawable graph: its nodes, its edges and how a value is written in a box.

This is the bottom layer of the graph pictures: it imports nothing from the rest of :mod:`chainrule.viz`.
The builders (:mod:`~chainrule.viz.trace`, :mod:`~chainrule.viz.expression_graph`) make a :class:`Graph`
and the drawing code (:mod:`~chainrule.viz.layout`, :mod:`~chainrule.viz.render`) reads one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Graph", "GraphNode", "format_value", "shorten"]


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


def format_value(value: Any, batch: int | None = None) -> str:
    """A value for a box: a scalar to 4 digits, an array by its shape and a few entries. ``batch``: the value
    was computed under ``vmap`` for that many examples, along its axis 0, and the box says so.

    Examples
    --------
    >>> format_value(2.0 / 3.0), format_value([[1.0, 2.0], [3.0, 4.0]])
    ('0.6667', 'shape (2, 2) [1., 2., 3., 4.]')
    >>> format_value([[1.0, 2.0], [3.0, 4.0]], batch=2), format_value([1.0, 2.0], batch=2)
    ('batch of 2 (axis 0) × shape (2,) [1., 2., 3., 4.]', 'batch of 2 (axis 0) × scalar [1., 2.]')
    """
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{array.item():.4g}"
    body = np.array2string(array.ravel(), precision=3, separator=", ", threshold=6, edgeitems=2)
    if batch is not None and array.shape[0] == batch:
        example = array.shape[1:]
        return f"batch of {batch} (axis 0) × {f'shape {example}' if example else 'scalar'} {body}"
    return f"shape {array.shape} {body}" if array.ndim > 1 else body


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last an ellipsis, if longer (a box, a title, a legend).

    Examples
    --------
    >>> shorten("sin(x)", 10), shorten("sin(x) + cos(x)", 10)
    ('sin(x)', 'sin(x) + …')
    """
    return text if len(text) <= width else text[: width - 1] + "…"
