"""A small layered layout for computation graphs, drawn as SVG by hand or as PNG with matplotlib.

Each node goes in the column of its longest path from a leaf, so every edge points right; within a column,
nodes are ordered by the mean row of their parents (one barycentre sweep), which removes most crossings in
the small graphs people draw.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from chainrule.viz.model import Graph, GraphNode

__all__ = ["Box", "layout", "render_png", "render_svg"]

_CHAR = 7.2  # average advance of a 12 px sans-serif character
_LINE = 17.0
_PAD = 10.0
_COLUMN_GAP = 60.0
_ROW_GAP = 24.0


@dataclass(frozen=True)
class Box:
    """Where a node is drawn: the top-left corner, width and height, in pixels."""

    x: float
    y: float
    width: float
    height: float


def _columns(graph: Graph) -> list[int]:
    column = [0] * len(graph.nodes)
    for parent, child in graph.edges:  # edges follow the topological order of the nodes
        column[child] = max(column[child], column[parent] + 1)
    children: dict[int, list[int]] = {}
    for parent, child in graph.edges:
        children.setdefault(parent, []).append(child)
    has_parent = {child for _, child in graph.edges}
    for k, kids in children.items():  # a leaf sits just left of its first use, not far away in column 0
        if k not in has_parent:
            column[k] = min(column[c] for c in kids) - 1
    return column


def _mean_rank(k: int, parents: dict[int, list[int]], rank: dict[int, float]) -> float:
    return sum(rank[p] for p in parents[k]) / len(parents[k]) if k in parents else -1.0


def layout(graph: Graph) -> tuple[list[Box], float, float]:
    """The box of every node and the size of the drawing.

    Examples
    --------
    >>> from chainrule.viz.model import Graph, GraphNode
    >>> g = Graph((GraphNode(0, "a", "", "2", None), GraphNode(1, "", "sin", "0.9093", None)), ((0, 1),))
    >>> boxes, width, height = layout(g)
    >>> boxes[1].x > boxes[0].x + boxes[0].width
    True
    """
    column = _columns(graph)
    parents: dict[int, list[int]] = {}
    for parent, child in graph.edges:
        parents.setdefault(child, []).append(parent)
    sizes = [
        (max(len(line) for line in node.lines()) * _CHAR + 2 * _PAD, len(node.lines()) * _LINE + _PAD)
        for node in graph.nodes
    ]
    rank: dict[int, float] = {}
    members: dict[int, list[int]] = {}
    for k in range(len(graph.nodes)):
        members.setdefault(column[k], []).append(k)
    for c in sorted(members):
        # order by the mean position of the parents; leaves go first, in creation order (a stable sort)
        members[c].sort(key=lambda k: _mean_rank(k, parents, rank))
        for position, k in enumerate(members[c]):
            rank[k] = position
    widths = {c: max(sizes[k][0] for k in ks) for c, ks in members.items()}
    heights = {c: sum(sizes[k][1] for k in ks) + _ROW_GAP * (len(ks) - 1) for c, ks in members.items()}
    total_height = max(heights.values()) + 2 * _ROW_GAP
    boxes: list[Box | None] = [None] * len(graph.nodes)
    x = _ROW_GAP
    for c in sorted(members):
        y = (total_height - heights[c]) / 2
        for k in members[c]:
            boxes[k] = Box(x + (widths[c] - sizes[k][0]) / 2, y, sizes[k][0], sizes[k][1])
            y += sizes[k][1] + _ROW_GAP
        x += widths[c] + _COLUMN_GAP
    placed = [b for b in boxes if b is not None]
    return placed, x - _COLUMN_GAP + _ROW_GAP, total_height


def render_svg(graph: Graph) -> str:
    """The graph as a standalone SVG document (no external program needed)."""
    boxes, width, height = layout(graph)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
    ]
    for parent, child in graph.edges:
        a, b = boxes[parent], boxes[child]
        x1, y1, x2, y2 = a.x + a.width, a.y + a.height / 2, b.x, b.y + b.height / 2
        mid = (x1 + x2) / 2
        out.append(
            f'<path d="M {x1:.1f} {y1:.1f} C {mid:.1f} {y1:.1f}, {mid:.1f} {y2:.1f}, {x2:.1f} {y2:.1f}" '
            'fill="none" stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"/>'
        )
    for node, box in zip(graph.nodes, boxes, strict=True):
        fill = "#e6f2e6" if not node.op else "#f4f7fb"
        out.append(f"<g><title>{escape(' | '.join(node.lines()))}</title>")
        out.append(
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{box.height:.1f}" '
            f'rx="6" fill="{fill}" stroke="#345"/>'
        )
        for i, line in enumerate(node.lines()):
            weight = ' font-weight="bold"' if i == 0 else ""
            colour = ' fill="#b03030"' if line.startswith("grad") else ""
            baseline = box.y + _PAD / 2 + (i + 0.8) * _LINE
            out.append(
                f'<text x="{box.x + _PAD:.1f}" y="{baseline:.1f}"{weight}{colour}>{escape(line)}</text>'
            )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def render_png(graph: Graph, dpi: int = 100) -> bytes:
    """The graph as PNG bytes, drawn with matplotlib in the same layout as :func:`render_svg`."""
    from chainrule.viz._deps import new_figure, require_matplotlib

    require_matplotlib()
    from matplotlib.patches import FancyArrowPatch

    boxes, width, height = layout(graph)
    fig = new_figure(width / dpi, height / dpi)
    fig.set_layout_engine("none")
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)  # y grows downwards, as in the SVG
    ax.axis("off")
    for parent, child in graph.edges:
        a, b = boxes[parent], boxes[child]
        start, end = (a.x + a.width, a.y + a.height / 2), (b.x, b.y + b.height / 2)
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, color="#555"))
    for node, box in zip(graph.nodes, boxes, strict=True):
        _draw_box(ax, node, box, fontsize=12 * 72 / dpi)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _draw_box(ax: Any, node: GraphNode, box: Box, fontsize: float) -> None:
    from matplotlib.patches import FancyBboxPatch

    fill = "#e6f2e6" if not node.op else "#f4f7fb"
    shape = FancyBboxPatch((box.x, box.y), box.width, box.height, boxstyle="round,pad=0,rounding_size=6")
    shape.set(facecolor=fill, edgecolor="#345")
    ax.add_patch(shape)
    for i, line in enumerate(node.lines()):
        ax.text(
            box.x + _PAD,
            box.y + _PAD / 2 + (i + 0.8) * _LINE,
            line,
            fontsize=fontsize,
            color="#b03030" if line.startswith("grad") else "black",
            fontweight="bold" if i == 0 else "normal",
        )
