"""Rich notebook display of Tensors: HTML for ``Tensor._repr_html_`` and an SVG of the graph behind one."""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from chainrule.viz.graph import draw_graph

__all__ = ["graph_svg", "tensor_html"]


def _array_text(value: Any) -> str:
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{array.item():.6g}"
    return np.array2string(array, precision=4, separator=", ", threshold=50, edgeitems=3)


def tensor_html(t: Any) -> str:
    """An HTML table of a Tensor: shape, dtype, the operation that made it, its values and gradient.

    Examples
    --------
    >>> import chainrule as cr
    >>> x = cr.Tensor([1.0, 2.0], requires_grad=True)
    >>> "<td>(2,)</td>" in tensor_html(x * 3.0)
    True
    """
    data = np.asarray(t.data)
    rows = [
        ("shape", str(data.shape)),
        ("dtype", str(data.dtype)),
        ("op", t.op or ("leaf" if t.is_leaf else "freed by backward()")),
        ("requires_grad", str(t.requires_grad)),
        ("value", _array_text(data)),
    ]
    if t.grad is not None:
        grad = t.grad.data if hasattr(t.grad, "op") else t.grad
        rows.append(("grad", _array_text(grad)))
    body = "".join(
        f"<tr><th style='text-align:left'>{name}</th><td>{html.escape(text)}</td></tr>" for name, text in rows
    )
    return f"<table><caption>Tensor</caption>{body}</table>"


def graph_svg(t: Any) -> str:
    """The computation graph behind ``t`` as SVG (see :func:`chainrule.viz.draw_graph`), for notebooks.

    Examples
    --------
    >>> import chainrule as cr
    >>> a = cr.Tensor(2.0, requires_grad=True)
    >>> "<svg" in graph_svg(a * a)
    True
    """
    svg = draw_graph(t, "svg")
    return svg if isinstance(svg, str) else svg.decode()
