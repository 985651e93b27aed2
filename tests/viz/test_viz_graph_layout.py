"""The built-in graph layout: no edge crosses a box, and intermediate boxes carry their sub-expression."""

from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule import viz
from chainrule.viz.layout import arrange


def skipping_graph():
    """x feeds nodes in three columns, and x/y jumps two columns to the output: long edges."""
    x, y = cr.Tensor(0.5, requires_grad=True), cr.Tensor(1.5, requires_grad=True)
    z = np.sin(x) * x + np.exp(x * y) + x / y
    return viz.trace_graph(z, {"x": x, "y": y, "z": z})


def _curve_points(route, samples=40):
    """Points along a route: straight segments along slots, cubic curves (horizontal ends) across gaps."""
    points = []
    (x, y) = route[0]
    for k, (x2, y2) in enumerate(route[1:]):
        t = np.linspace(0, 1, samples)
        if k % 2 == 0:
            mid = (x + x2) / 2
            px = (1 - t) ** 3 * x + 3 * (1 - t) ** 2 * t * mid + 3 * (1 - t) * t**2 * mid + t**3 * x2
            py = (1 - t) ** 3 * y + 3 * (1 - t) ** 2 * t * y + 3 * (1 - t) * t**2 * y2 + t**3 * y2
        else:
            px, py = x + t * (x2 - x), y + t * (y2 - y)
        points += list(zip(px, py, strict=True))
        x, y = x2, y2
    return points


def test_no_edge_crosses_a_box():
    graph = skipping_graph()
    drawing = arrange(graph)
    assert any(len(route) > 2 for route in drawing.routes)  # some edges do skip columns
    for (parent, child), route in zip(graph.edges, drawing.routes, strict=True):
        a, b = drawing.boxes[parent], drawing.boxes[child]
        assert route[0] == (a.x + a.width, a.y + a.height / 2)
        assert route[-1] == (b.x, b.y + b.height / 2)
        for px, py in _curve_points(route):
            for box in drawing.boxes:
                inside = (
                    box.x + 0.5 < px < box.x + box.width - 0.5 and box.y + 0.5 < py < box.y + box.height - 0.5
                )
                assert not inside, f"edge {parent}->{child} crosses the box at ({box.x:.0f}, {box.y:.0f})"


def test_svg_draws_each_route():
    svg = viz.draw_graph(skipping_graph_output(), "svg", engine="python")
    assert svg.count("<path d=") == 1 + len(skipping_graph().edges)  # the arrow marker, then one per edge
    assert " L " in svg  # a straight run through a skipped column


def skipping_graph_output():
    x, y = cr.Tensor(0.5, requires_grad=True), cr.Tensor(1.5, requires_grad=True)
    return np.sin(x) * x + np.exp(x * y) + x / y


def test_intermediate_nodes_carry_their_sub_expression():
    lines = {node.lines()[0]: node.lines() for node in skipping_graph().nodes}
    assert lines["z = add"][1] == "sin(x)*x + exp(x*y) + x/y"
    assert lines["divide"][1] == "x/y"
    assert lines["exp"][1] == "exp(x*y)"
    a, b, c, f = (cr.Tensor(v, requires_grad=True) for v in (2.0, -3.0, 10.0, -2.0))
    L = (a * b + c) * f
    formulas = [n.formula for n in viz.trace_graph(L, {"a": a, "b": b, "c": c, "f": f}).nodes if n.op]
    assert formulas == ["a*b", "a*b + c", "(a*b + c)*f"]
    d = a - (b - c) * f  # parentheses where they are needed, and only there
    assert viz.trace_graph(d, {"a": a, "b": b, "c": c, "f": f}).nodes[-1].formula == "a - (b - c)*f"


def test_a_constant_operand_leaves_the_formula_out():
    a = cr.Tensor(2.0, requires_grad=True)
    graph = viz.trace_graph(a * 3.0 + a, {"a": a})  # the 3 is not recorded in the graph
    assert [n.formula for n in graph.nodes] == ["", "", ""]


def test_edges_go_straight_when_routing_them_through_every_column_would_take_too_long(monkeypatch):
    # x used at every step of a chain: its edges skip 0, 1, ..., 9 columns (45 slots). x^x^...^x 3,000
    # deep needed 4.5 million slots, and the command `graph` ran for minutes.
    from chainrule.viz import layout

    x = cr.Tensor(0.5, requires_grad=True)
    y = x
    for _ in range(10):
        y = y * x
    graph = viz.trace_graph(y, {"x": x})
    assert max(len(route) for route in arrange(graph).routes) > 2  # through slots of their own
    monkeypatch.setattr(layout, "MAX_WAYPOINTS", 44)
    drawing = arrange(graph)
    assert all(len(route) == 2 for route in drawing.routes)  # straight, parent to child
    assert len(drawing.boxes) == len(graph.nodes)
