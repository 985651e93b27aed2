"""The backward pass as a sequence of frames: gradients fill in from the output back to the inputs."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from chainrule.viz.model import Graph
from chainrule.viz.render import render, uses_dot
from chainrule.viz.trace import backward_keeping_grads, trace_graph

__all__ = ["backward_frames", "frames_html"]


def backward_frames(
    tensor: Any, names: Mapping[str, Any] | None = None, *, engine: str = "auto"
) -> list[str]:
    """SVG drawings of the graph of ``tensor``, one more gradient in each: the backward pass step by step.

    Runs ``tensor.backward(retain_graph=True)`` keeping every intermediate's gradient, then reveals the
    gradients in the order the backward pass computes them (the output first, every node after all the nodes
    computed from it). Frame 0 shows the values alone; the last frame shows every gradient.

    Examples
    --------
    >>> import chainrule as cr
    >>> a, b = cr.Tensor(2.0, requires_grad=True), cr.Tensor(-3.0, requires_grad=True)
    >>> frames = backward_frames(a * b + 1.0, {"a": a, "b": b}, engine="python")
    >>> len(frames), "grad" in frames[0], frames[-1].count(">grad ")
    (5, False, 4)
    """
    backward_keeping_grads(tensor)
    graph = trace_graph(tensor, names)
    use_dot = uses_dot(engine)
    # graph.nodes is a topological order (parents first), so its reverse is an order of the backward pass
    reveal = [node.index for node in reversed(graph.nodes)]
    frames = []
    for k in range(len(reveal) + 1):
        shown = set(reveal[:k])
        nodes = tuple(node if node.index in shown else replace(node, grad=None) for node in graph.nodes)
        svg = render(Graph(nodes, graph.edges), "svg", use_dot)
        frames.append(svg if isinstance(svg, str) else svg.decode())  # only PNG comes back as bytes
    return frames


def frames_html(frames: list[str], interval_ms: int = 800, path: str | os.PathLike[str] | None = None) -> str:
    """A self-contained HTML page that plays SVG ``frames`` as an animation (and loops).

    Examples
    --------
    >>> page = frames_html(["<svg>1</svg>", "<svg>2</svg>"])
    >>> page.count("class='frame'")
    2
    """
    slides = "\n".join(
        f"<div class='frame' style='display:{'block' if k == 0 else 'none'}'>{svg}</div>"
        for k, svg in enumerate(frames)
    )
    page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape("backward pass")}</title></head><body>
{slides}
<script>
const frames = document.querySelectorAll('.frame');
let shown = 0;
setInterval(() => {{
  frames[shown].style.display = 'none';
  shown = (shown + 1) % frames.length;
  frames[shown].style.display = 'block';
}}, {int(interval_ms)});
</script>
</body></html>
"""
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page
