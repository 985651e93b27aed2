"""Drawing a recorded computation graph, micrograd-style: one box per Tensor with its operation, value and
gradient.

Graphviz's ``dot`` lays the graph out when it is installed; otherwise a small layered layout written here
(each node in the column of its longest path from the leaves) renders SVG directly, or PNG through
matplotlib. DOT text needs neither.

This is the top of the graph pictures, and imports only downwards: :mod:`~chainrule.viz.model` (the data),
then :mod:`~chainrule.viz.expression_graph` and :mod:`~chainrule.viz.trace` (building it), then
:mod:`~chainrule.viz.layout` and :mod:`~chainrule.viz.render` (drawing it), then this module.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from chainrule.errors import ChainruleValueError
from chainrule.viz.model import Graph, GraphNode
from chainrule.viz.model import format_value as format_value
from chainrule.viz.render import ENGINES, FORMATS, render, uses_dot
from chainrule.viz.render import to_dot as to_dot
from chainrule.viz.trace import backward_keeping_grads, trace_graph

# Graph, GraphNode, trace_graph, to_dot and format_value were defined here before the model and the drawing
# code moved out; they are still importable from here, so code that imported them from this module works.
__all__ = ["Graph", "GraphNode", "draw_graph", "trace_graph"]


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
    if format not in FORMATS:
        raise ChainruleValueError(f"draw_graph: format must be one of {', '.join(FORMATS)}, got {format!r}")
    if engine not in ENGINES:
        raise ChainruleValueError(f"draw_graph: engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if backward and hasattr(tensor, "parents"):
        backward_keeping_grads(tensor)
    result = render(trace_graph(tensor, names, values), format, uses_dot(engine))
    if path is not None:
        target = Path(path)
        if isinstance(result, str):
            target.write_text(result, encoding="utf-8")
        else:
            target.write_bytes(result)
    return result
