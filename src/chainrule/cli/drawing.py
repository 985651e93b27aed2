"""``chainrule plot`` and ``chainrule graph``: pictures of an expression from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from chainrule.cli import verdict
from chainrule.cli.files import output_file, wrote
from chainrule.cli.output import Output
from chainrule.cli.parsing import (
    UsageError,
    parse_expression,
    parse_point,
    variables_of,
)

__all__ = ["run_graph", "run_plot"]


def _with_suffix(path: Path, tag: str) -> Path:
    return path.with_name(f"{path.stem}-{tag}{path.suffix}")


def run_plot(args: argparse.Namespace, out: Output) -> int:
    """The tangent at a point (and optionally secants and the error against the step), written to files."""
    from chainrule import symbolic, viz

    expression = parse_expression(args.expression, "plot")
    names = variables_of([expression])
    if len(names) not in (1, 2):
        raise UsageError(f"plot draws functions of one or two variables; {expression} has {len(names)}")
    extra = [tag for tag, wanted in (("secants", args.secants), ("error", args.error)) if wanted]
    also = [_with_suffix(Path(args.output), tag) for tag in extra]
    target = output_file(args.output, "-o", _PICTURES, *also)
    existed = {path: path.exists() for path in (target, *also)}
    if len(names) == 2:  # a surface: contours and gradient arrows
        compiled = symbolic.lambdify(expression, names)
        figure = viz.gradient_field(lambda p: compiled(p[0], p[1]), title=f"f = {_caption(expression)}")
        written = [viz.save(figure, target)]
    else:
        written = _plot_one_variable(args, expression, names[0], target)
    for path in written:
        out.line(wrote(path, existed.get(path, False)))
    return 0


_PICTURES = (".png", ".svg", ".pdf")
# A formula longer than this is cut short in a picture's title or legend: the whole of a long one squeezed
# the axes to nothing (matplotlib's "constrained_layout not applied"), and took a second to lay out.
CAPTION = 60


def _caption(expression: Any) -> str:
    from chainrule.viz.model import shorten

    return shorten(str(expression), CAPTION)


def _plot_one_variable(args: argparse.Namespace, expression: Any, name: str, target: Path) -> list[Path]:
    from chainrule import symbolic, viz

    x0 = parse_point(args.at, [name])[name] if args.at is not None else 0.0
    compiled = _complex_safe(symbolic.lambdify(expression, [name]))
    written = [viz.save(viz.tangent_plot(compiled, x0, label=f"f(x) = {_caption(expression)}"), target)]
    if args.secants:
        written.append(viz.save(viz.secant_plot(compiled, x0), _with_suffix(target, "secants")))
    if args.error:
        written.append(viz.save(viz.error_vs_step(compiled, x0), _with_suffix(target, "error")))
    return written


def _complex_safe(compiled: Any) -> Any:
    """The lambdified function, handed its argument as an array so that a complex one stays complex.

    A lambdified function converts a bare number to float64 (so ``1/0`` is ``inf``, not an exception) and
    that drops the imaginary part of a complex step: the error plot lost its complex-step curve. Arrays
    and traced values pass through it unconverted.
    """

    def function(x: Any) -> Any:
        if isinstance(x, complex | np.complexfloating):
            x = np.asarray(x, dtype=complex)
        return compiled(x)

    return function


class _Graph(NamedTuple):
    """A computation graph recorded at a point: the expression, the point, the output and the inputs."""

    expression: Any
    point: dict[str, float]
    output: Any
    inputs: dict[str, Any]


def build_graph(text: str, at: str | None) -> _Graph:
    """Evaluate an expression on Tensors, recording its computation graph."""
    import chainrule as cr
    from chainrule import symbolic

    expression = parse_expression(text, "graph")
    names = variables_of([expression])
    if not names:
        raise UsageError(f"{text!r} has no variables: there is no graph to draw")
    point = parse_point(at, names)
    inputs = {n: cr.Tensor(point[n], requires_grad=True) for n in names}
    output = symbolic.lambdify(expression, names)(*inputs.values())
    return _Graph(expression, point, output, inputs)


def run_graph(args: argparse.Namespace, out: Output) -> int:
    """Draw the forward and backward pass of an expression at a point; where a value is NaN, say why, as
    ``diff`` and ``grad`` do."""
    from chainrule import viz

    graph = build_graph(args.expression, args.at)
    output, inputs = graph.output, graph.inputs
    target = output_file(args.output, "-o", (".svg", ".png", ".dot"))
    existed = target.exists()
    fmt = target.suffix.lower().lstrip(".")
    viz.draw_graph(output, fmt, names={**inputs, "out": output}, backward=True, path=target)
    out.line(f"forward: {args.expression} = {float(output.item()):.6g}")
    gradients = {n: float(np.asarray(t.grad)) for n, t in inputs.items()}
    out.table(
        ["input", "value", "gradient ∂out/∂input"],
        [[n, f"{float(t.item()):.6g}", f"{gradients[n]:.6g}"] for n, t in inputs.items()],
    )
    if np.isnan([float(output.item()), *gradients.values()]).any():
        note = verdict.domain_note([graph.expression], graph.point)
        if note:
            out.line(note)
    out.line(wrote(target, existed))
    return 0
