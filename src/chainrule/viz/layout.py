"""A small layered layout for computation graphs, drawn as SVG by hand or as PNG with matplotlib.

Each node goes in the column of its longest path from a leaf, so every edge points right; within a column,
nodes are ordered by the mean row of their parents (one barycentre sweep), which removes most crossings in
the small graphs people draw.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from chainrule.viz.model import Graph, GraphNode

__all__ = ["Box", "Drawing", "arrange", "layout", "render_png", "render_svg"]

_CHAR = 7.2  # average advance of a 12 px sans-serif character
_LINE = 17.0
_PAD = 10.0
_COLUMN_GAP = 60.0
_ROW_GAP = 24.0
_WAYPOINT = 4.0  # the height of the slot an edge takes through a column it skips
# The most slots edges may take through the columns they skip. A value used across thousands of steps (x in
# x^x^...^x, 3,000 deep) would need millions, and the layout minutes; past this, edges are drawn straight.
MAX_WAYPOINTS = 20_000


@dataclass(frozen=True)
class Box:
    """Where a node is drawn: the top-left corner, width and height, in pixels."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Drawing:
    """A laid-out graph: a box per node, a route per edge, and the size of the picture.

    Each route is a list of points, ``[(x, y), ...]``, from the parent's right side to the child's left
    side. Its segments alternate: horizontal inside a column (through a free slot of its own when the edge
    skips the column), then a curve across the gap to the next column, where there are no boxes; so no
    edge crosses a box.
    """

    boxes: list[Box]
    routes: list[list[tuple[float, float]]]
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


def _slots(graph: Graph, column: list[int]) -> tuple[dict[int, list[Any]], list[list[Any]]]:
    """The members of each column, in order, and each edge's chain of slots: its parent, a waypoint in
    every column it skips, its child. A slot is a node's index or a waypoint ``("edge", e, column)``."""
    members: dict[int, list[Any]] = {}
    for k in range(len(graph.nodes)):
        members.setdefault(column[k], []).append(k)
    chains: list[list[Any]] = []
    before: dict[Any, list[Any]] = {}
    skipped = sum(column[child] - column[parent] - 1 for parent, child in graph.edges)
    through = skipped <= MAX_WAYPOINTS  # else every edge goes straight to its child
    for e, (parent, child) in enumerate(graph.edges):
        chain: list[Any] = [parent]
        for c in range(column[parent] + 1, column[child]) if through else ():
            waypoint = ("edge", e, c)
            members[c].append(waypoint) if c in members else members.setdefault(c, [waypoint])
            chain.append(waypoint)
        chain.append(child)
        for a, b in itertools.pairwise(chain):
            before.setdefault(b, []).append(a)
        chains.append(chain)
    rank: dict[Any, float] = {}
    for c in sorted(members):
        # order by the mean position of what comes before (parents, waypoints); leaves first, in creation
        # order (a stable sort); one sweep removes most crossings in the small graphs people draw
        members[c].sort(
            key=lambda s: sum(rank[p] for p in before[s]) / len(before[s]) if s in before else -1.0
        )
        for position, s in enumerate(members[c]):
            rank[s] = position
    return members, chains


def arrange(graph: Graph) -> Drawing:
    """Lay the graph out in columns: boxes, edge routes and size.

    Examples
    --------
    >>> from chainrule.viz.model import Graph, GraphNode
    >>> g = Graph((GraphNode(0, "a", "", "2", None), GraphNode(1, "", "sin", "0.9093", None)), ((0, 1),))
    >>> drawing = arrange(g)
    >>> drawing.boxes[1].x > drawing.boxes[0].x + drawing.boxes[0].width
    True
    >>> len(drawing.routes[0])  # from the right side of a to the left side of sin
    2
    """
    column = _columns(graph)
    members, chains = _slots(graph, column)
    sizes: dict[Any, tuple[float, float]] = {
        k: (max(len(line) for line in node.lines()) * _CHAR + 2 * _PAD, len(node.lines()) * _LINE + _PAD)
        for k, node in enumerate(graph.nodes)
    }
    widths = {c: max(sizes.get(s, (0.0, 0.0))[0] for s in ss) for c, ss in members.items()}
    heights = {
        c: sum(sizes.get(s, (0.0, _WAYPOINT))[1] for s in ss) + _ROW_GAP * (len(ss) - 1)
        for c, ss in members.items()
    }
    total_height = max(heights.values()) + 2 * _ROW_GAP
    boxes: dict[Any, Box] = {}
    left: dict[int, float] = {}
    x = _ROW_GAP
    for c in sorted(members):
        left[c] = x
        y = (total_height - heights[c]) / 2
        for s in members[c]:
            w, h = sizes.get(s, (widths[c], _WAYPOINT))
            boxes[s] = Box(x + (widths[c] - w) / 2, y, w, h)
            y += h + _ROW_GAP
        x += widths[c] + _COLUMN_GAP
    routes = [_route(chain, boxes) for chain in chains]
    nodes = [boxes[k] for k in range(len(graph.nodes))]
    return Drawing(nodes, routes, x - _COLUMN_GAP + _ROW_GAP, total_height)


def _route(chain: list[Any], boxes: Mapping[Any, Box]) -> list[tuple[float, float]]:
    first, last = boxes[chain[0]], boxes[chain[-1]]
    points = [(first.x + first.width, first.y + first.height / 2)]
    for s in chain[1:-1]:  # through each waypoint's slot, from one side of its column to the other
        box = boxes[s]
        points += [(box.x, box.y + box.height / 2), (box.x + box.width, box.y + box.height / 2)]
    points.append((last.x, last.y + last.height / 2))
    return points


def layout(graph: Graph) -> tuple[list[Box], float, float]:
    """The box of every node and the size of the drawing (:func:`arrange` without the edge routes).

    Examples
    --------
    >>> from chainrule.viz.model import Graph, GraphNode
    >>> g = Graph((GraphNode(0, "a", "", "2", None), GraphNode(1, "", "sin", "0.9093", None)), ((0, 1),))
    >>> boxes, width, height = layout(g)
    >>> boxes[1].x > boxes[0].x + boxes[0].width
    True
    """
    drawing = arrange(graph)
    return drawing.boxes, drawing.width, drawing.height


def _svg_path(points: list[tuple[float, float]]) -> str:
    """Straight inside a column, a horizontal-tangent curve across each gap between columns."""
    (x, y), rest = points[0], points[1:]
    parts = [f"M {x:.1f} {y:.1f}"]
    for k, (x2, y2) in enumerate(rest):
        if k % 2 == 0:  # across a gap
            mid = (x + x2) / 2
            parts.append(f"C {mid:.1f} {y:.1f}, {mid:.1f} {y2:.1f}, {x2:.1f} {y2:.1f}")
        else:  # along a waypoint's slot
            parts.append(f"L {x2:.1f} {y2:.1f}")
        x, y = x2, y2
    return " ".join(parts)


def render_svg(graph: Graph) -> str:
    """The graph as a standalone SVG document (no external program needed)."""
    drawing = arrange(graph)
    width, height = drawing.width, drawing.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
    ]
    for points in drawing.routes:
        out.append(
            f'<path d="{_svg_path(points)}" fill="none" stroke="#555" stroke-width="1.2" '
            'marker-end="url(#arrow)"/>'
        )
    for node, box in zip(graph.nodes, drawing.boxes, strict=True):
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

    drawing = arrange(graph)
    boxes, width, height = drawing.boxes, drawing.width, drawing.height
    fig = new_figure(width / dpi, height / dpi)
    fig.set_layout_engine("none")
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)  # y grows downwards, as in the SVG
    ax.axis("off")
    for points in drawing.routes:
        path = _matplotlib_path(points)
        ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=10, color="#555", lw=1.2))
    for node, box in zip(graph.nodes, boxes, strict=True):
        _draw_box(ax, node, box, fontsize=12 * 72 / dpi)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _matplotlib_path(points: list[tuple[float, float]]) -> Any:
    """The route of :func:`_svg_path` as a matplotlib Path: lines along slots, cubic curves across gaps."""
    from matplotlib.path import Path

    (x, y) = points[0]
    vertices, codes = [(x, y)], [Path.MOVETO]
    for k, (x2, y2) in enumerate(points[1:]):
        if k % 2 == 0:
            mid = (x + x2) / 2
            vertices += [(mid, y), (mid, y2), (x2, y2)]
            codes += [Path.CURVE4] * 3
        else:
            vertices.append((x2, y2))
            codes.append(Path.LINETO)
        x, y = x2, y2
    return Path(vertices, codes)


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
