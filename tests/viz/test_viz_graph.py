"""Computation graphs: every node's operation, value and gradient appear in SVG, DOT and PNG drawings."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import chainrule as cr
from chainrule import viz
from chainrule.errors import GraphError


def micrograd_example():
    a, b, c, f = (cr.Tensor(v, requires_grad=True) for v in (2.0, -3.0, 10.0, -2.0))
    e = a * b
    d = e + c
    L = d * f
    return L, {"a": a, "b": b, "c": c, "f": f, "e": e, "d": d, "L": L}


# value and gradient of every node of L = (a*b + c)*f, worked by hand
EXPECTED = {
    "a": (2, 6),
    "b": (-3, -4),
    "c": (10, -2),
    "f": (-2, 4),
    "e": (-6, -2),
    "d": (4, -2),
    "L": (-8, 1),
}


def test_svg_shows_every_value_and_gradient():
    L, names = micrograd_example()
    svg = viz.draw_graph(L, "svg", names=names, backward=True, engine="python")
    root = ET.fromstring(svg)  # well-formed
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert len(titles) == 7
    for name, (value, grad) in EXPECTED.items():
        assert any(
            t.startswith(name) and f"value {value} " in t + " " and f"grad {grad}" in t for t in titles
        ), name
    assert svg.count("marker-end=") == 6  # six edges


def test_backward_true_gives_gradients_of_this_pass_only():
    L, names = micrograd_example()
    viz.draw_graph(L, "dot", names=names, backward=True)
    dot = viz.draw_graph(L, "dot", names=names, backward=True)
    assert "a\\nvalue 2\\ngrad 6" in dot  # not 12: the drawing zeroes earlier gradients


def test_a_graph_drawn_after_create_graph_shows_the_recorded_gradients():
    # with create_graph=True the gradients are Tensors themselves (they record); drawing must show their
    # values rather than convert them to plain arrays
    L, names = micrograd_example()
    L.backward(create_graph=True)
    dot = viz.draw_graph(L, "dot", names=names)
    assert "a\\nvalue 2\\ngrad 6" in dot


def test_dot_needs_no_binary_and_lists_edges():
    L, names = micrograd_example()
    dot = viz.draw_graph(L, "dot", names=names)
    assert dot.startswith("digraph")
    assert "rankdir=LR" in dot
    assert len(re.findall(r"n\d+ -> n\d+;", dot)) == 6
    assert "L = multiply\\n(a*b + c)*f\\nvalue -8" in dot
    assert "grad" not in dot  # no backward pass yet


def test_png_without_graphviz_renders_with_matplotlib(tmp_path):
    pytest.importorskip("matplotlib")
    L, names = micrograd_example()
    png = viz.draw_graph(L, "png", names=names, backward=True, engine="python", path=tmp_path / "g.png")
    assert isinstance(png, bytes)
    assert png.startswith(b"\x89PNG")
    assert (tmp_path / "g.png").read_bytes() == png


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_engine():
    L, names = micrograd_example()
    svg = viz.draw_graph(L, "svg", names=names, backward=True, engine="dot")
    assert "grad 6" in svg


def test_a_value_used_twice_has_two_edges_and_both_contributions():
    x = cr.Tensor(3.0, requires_grad=True)
    y = x * x
    graph = viz.trace_graph(y, {"x": x})
    assert graph.edges == ((0, 1), (0, 1))
    assert "grad 6" in viz.draw_graph(y, "dot", names={"x": x}, backward=True)


def test_arrays_are_summarised():
    x = cr.Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    dot = viz.draw_graph(np.sum(np.sin(x)), "dot", backward=True)
    assert "shape (3, 4)" in dot


def test_columns_follow_the_longest_path():
    from chainrule.viz.layout import layout

    L, names = micrograd_example()
    graph = viz.trace_graph(L, names)
    boxes, _, _ = layout(graph)
    for parent, child in graph.edges:
        assert boxes[parent].x + boxes[parent].width < boxes[child].x


def test_a_freed_graph_is_explained():
    L, _ = micrograd_example()
    L.backward()
    with pytest.raises(GraphError, match="retain_graph=True"):
        viz.draw_graph(L)


def test_bad_arguments():
    L, _ = micrograd_example()
    with pytest.raises(ValueError, match="format"):
        viz.draw_graph(L, "jpeg")
    with pytest.raises(TypeError, match="Tensor"):
        viz.draw_graph(3.0)


def test_notebook_helpers():
    x = cr.Tensor([1.0, 2.0], requires_grad=True)
    y = np.sum(x * x)
    y.backward(retain_graph=True)
    html = viz.tensor_html(x)
    assert "<td>(2,)</td>" in html
    assert "[2., 4.]" in html
    assert "leaf" in html
    assert "op</th><td>sum" in viz.tensor_html(y)
    svg = viz.graph_svg(y)
    assert "<svg" in svg
    assert "sum" in svg


def test_symbolic_expressions_draw_as_their_dag():
    symbolic = pytest.importorskip("chainrule.symbolic")
    if not hasattr(symbolic, "parse"):
        pytest.skip("chainrule.symbolic has no parse yet")
    expr = symbolic.parse("sin(x)*y + sin(x)^2")
    graph = viz.trace_graph(expr, values={"x": 0.5, "y": 2.0})
    sines = [node for node in graph.nodes if node.op == "sin"]
    assert len(sines) == 1  # shared, not repeated
    assert sum(1 for parent, _ in graph.edges if parent == sines[0].index) == 2
    svg = viz.draw_graph(expr, "svg", values={"x": 0.5, "y": 2.0}, engine="python")
    assert f"value {np.sin(0.5):.4g}" in svg
    assert f"value {2 * np.sin(0.5) + np.sin(0.5) ** 2:.4g}" in svg


def test_backward_frames_fill_in_gradients_from_the_output_back() -> None:
    a, b, c, f = (cr.Tensor(v, requires_grad=True) for v in (2.0, -3.0, 10.0, -2.0))
    loss = (a * b + c) * f
    frames = cr.viz.backward_frames(loss, {"a": a, "b": b, "c": c, "f": f}, engine="python")
    counts = [frame.count(">grad ") for frame in frames]
    assert counts == list(range(len(frames)))  # one more gradient per frame, 7 nodes in all
    assert len(frames) == 8
    assert "grad 1" in frames[1]  # the output's own gradient comes first
    assert "grad 6" in frames[-1]  # dL/da arrives last among the inputs' gradients
    page = cr.viz.frames_html(frames)
    assert page.count("class='frame'") == 8


def test_a_graph_recorded_under_vmap_names_the_batch_axis():
    W = cr.Tensor(np.ones((3, 2)), requires_grad=True)
    y = cr.vmap(lambda x: np.tanh(W @ x))(np.arange(8.0).reshape(4, 2))
    dot = viz.draw_graph(np.sum(y), "dot", names={"W": W}, backward=True)
    boxes = {line.split('label="')[1].split("\\n")[0]: line for line in dot.splitlines() if 'label="' in line}
    for op in ("matmul", "tanh"):  # value and gradient, each a batch of four examples of shape (3,)
        assert boxes[op].count("batch of 4 (axis 0) × shape (3,) ") == 2
    assert "batch of" not in boxes["W"]  # one matrix for every example
    assert "batch of" not in boxes["sum"]
    plain = viz.trace_graph(np.sum(np.tanh(np.arange(8.0).reshape(4, 2) @ W.T)), {"W": W})
    assert all("batch of" not in node.value for node in plain.nodes)  # the same shapes, without vmap


def test_the_batch_of_a_value_is_forgotten_with_it():
    from chainrule.core import batching

    before = len(batching._BATCHES)
    for _ in range(50):
        leaf = cr.Tensor(np.ones((3, 2)), requires_grad=True)
        y = cr.vmap(lambda x: np.sin(x) * 2.0)(leaf)
        assert batching.batch_size_of(y) == 3
        assert batching.batch_size_of(leaf) is None  # the user's input, drawn as it is
        del y, leaf
    assert len(batching._BATCHES) <= before + 5
    assert batching.batch_size_of(np.ones((3, 2))) is None
