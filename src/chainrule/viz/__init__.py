"""Pictures of derivatives: tangents, secants, error against step, gradient fields, computation graphs.

Plots need matplotlib (``pip install chainrule[viz]``); it is imported only when a plot is drawn, and a
missing matplotlib raises :class:`MissingDependencyError` (an ``ImportError``) saying what to install.
Computation graphs need nothing beyond NumPy for SVG and DOT output; Graphviz's ``dot`` program is used for
the layout when it is installed.

Examples
--------
>>> import chainrule as cr
>>> from chainrule import viz
>>> a = cr.Tensor(3.0, requires_grad=True)
>>> "value 9" in viz.draw_graph(a * a, "dot")
True
"""

from __future__ import annotations

from chainrule.viz._deps import MissingDependencyError
from chainrule.viz.display import graph_svg, tensor_html
from chainrule.viz.fields import descent_path, gradient_field, jacobian_heatmap
from chainrule.viz.frames import backward_frames, frames_html
from chainrule.viz.graph import draw_graph
from chainrule.viz.kinks import find_jump, find_kink
from chainrule.viz.learning import decision_boundary, loss_curve
from chainrule.viz.model import Graph, GraphNode
from chainrule.viz.plots import error_vs_step, save, secant_plot, tangent_plot
from chainrule.viz.render import to_dot
from chainrule.viz.trace import trace_graph

__all__ = [
    "Graph",
    "GraphNode",
    "MissingDependencyError",
    "backward_frames",
    "decision_boundary",
    "descent_path",
    "draw_graph",
    "error_vs_step",
    "find_jump",
    "find_kink",
    "frames_html",
    "gradient_field",
    "graph_svg",
    "jacobian_heatmap",
    "loss_curve",
    "save",
    "secant_plot",
    "tangent_plot",
    "tensor_html",
    "to_dot",
    "trace_graph",
]
