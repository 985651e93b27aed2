"""A :class:`~chainrule.viz.model.Graph` as SVG, PNG or DOT: through Graphviz's ``dot`` program when it is
wanted and installed, else through the built-in layout of :mod:`chainrule.viz.layout`.

The drawing layer: it reads the model and never builds one.
"""

from __future__ import annotations

import shutil
import subprocess

from chainrule.errors import ChainruleValueError
from chainrule.viz.layout import render_png, render_svg
from chainrule.viz.model import Graph

__all__ = ["ENGINES", "FORMATS", "render", "run_dot", "to_dot", "uses_dot"]

FORMATS = ("svg", "png", "dot")
ENGINES = ("auto", "dot", "python")


def to_dot(graph: Graph) -> str:
    """The graph in Graphviz's DOT language, left to right.

    Examples
    --------
    >>> from chainrule.viz.model import Graph, GraphNode
    >>> print(to_dot(Graph((GraphNode(0, "x", "", "1", None),), ())), end="")  # doctest: +ELLIPSIS
    digraph chainrule {
    ...
      n0 [label="x\\nvalue 1", fillcolor="#e6f2e6"];
    }
    """

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


def run_dot(source: str, fmt: str) -> bytes:
    """DOT ``source`` laid out and drawn by Graphviz's ``dot`` program in format ``fmt``."""
    executable = shutil.which("dot")
    if executable is None:
        raise ChainruleValueError("draw_graph: engine='dot' needs Graphviz's dot program on the PATH")
    done = subprocess.run([executable, f"-T{fmt}"], input=source.encode(), capture_output=True, check=False)
    if done.returncode != 0:
        raise ChainruleValueError(f"draw_graph: dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def uses_dot(engine: str) -> bool:
    """Whether ``engine`` means Graphviz: ``"dot"`` always, ``"auto"`` when ``dot`` is on the PATH."""
    return engine == "dot" or (engine == "auto" and shutil.which("dot") is not None)


def render(graph: Graph, format: str, use_dot: bool) -> str | bytes:
    """The graph drawn: ``str`` for SVG and DOT, ``bytes`` for PNG.

    Parameters
    ----------
    graph : Graph
        What to draw.
    format : {"svg", "png", "dot"}
        DOT text needs no layout, so ``use_dot`` does not matter for it.
    use_dot : bool
        Lay out with Graphviz's ``dot`` (see :func:`uses_dot`) rather than the built-in layout. It is asked
        for once by the caller, so that drawing many frames looks up ``dot`` on the PATH once.

    Examples
    --------
    >>> from chainrule.viz.model import Graph, GraphNode
    >>> render(Graph((GraphNode(0, "x", "", "1", None),), ()), "svg", use_dot=False).startswith("<svg")
    True
    """
    if format == "dot":
        return to_dot(graph)
    if use_dot:
        output = run_dot(to_dot(graph), format)
        return output.decode() if format == "svg" else output
    return render_svg(graph) if format == "svg" else render_png(graph)
