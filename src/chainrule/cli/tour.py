"""``chainrule tour``: the whole story on built-in examples, in the terminal and as an HTML report.

Slope as a limit, the rules step by step, a computation graph forward and backward, a gradient and a
Jacobian, a kink, the error of difference quotients, and a small network trained by gradient descent.
"""

from __future__ import annotations

import argparse
import html
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.cli.files import output_folder
from chainrule.cli.output import Output

__all__ = ["Report", "run_tour"]


class Report:
    """Sections of text and pictures, echoed to the terminal and collected into one HTML page."""

    def __init__(self, folder: Path, out: Output) -> None:
        self.folder = folder
        self.out = out
        self.parts: list[str] = []
        folder.mkdir(exist_ok=True)  # its parent is checked to exist before the tour starts

    def section(self, title: str) -> None:
        self.out.heading(title)
        self.parts.append(f"<h2>{html.escape(title)}</h2>")

    def text(self, text: str) -> None:
        self.out.line(text)
        self.parts.append(f"<pre>{html.escape(text)}</pre>")

    def figure(self, fig: Any, name: str, caption: str) -> None:
        from chainrule import viz

        path = viz.save(fig, self.folder / name)
        self.parts.append(
            f'<figure><img src="{path.name}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    def svg(self, markup: str, name: str, caption: str) -> None:
        (self.folder / name).write_text(markup, encoding="utf-8")
        self.parts.append(
            f'<figure><img src="{name}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    def write(self) -> Path:
        style = (
            "body{font-family:sans-serif;max-width:60em;margin:auto}"
            "img{max-width:100%}pre{background:#f6f6f6;padding:0.5em}"
        )
        page = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>chainrule tour</title>"
            f"<style>{style}</style></head><body><h1>A tour of chainrule</h1>"
            f"{''.join(self.parts)}</body></html>"
        )
        index = self.folder / "index.html"
        index.write_text(page, encoding="utf-8")
        return index


def _slope_by_limit(report: Report) -> None:
    from chainrule import viz

    def f(x: Any) -> Any:
        return 3 * x**2 - 4 * x + 5

    report.section("1. The slope is a limit: f(x) = 3x² − 4x + 5 at x = 3")
    rows = [
        f"h = {h:<8g} (f(3+h) − f(3))/h = {(f(3 + h) - f(3)) / h:.10g}" for h in (1, 0.1, 0.01, 0.001, 1e-6)
    ]
    report.text("\n".join(rows) + f"\nthe limit, by reverse mode: f′(3) = {_grad(f, 3.0):g}")
    report.figure(
        viz.secant_plot(f, 3.0, steps=(2.0, 1.0, 0.5, 0.1)), "secants.png", "Secants close in on the tangent"
    )
    report.figure(viz.tangent_plot(f, 3.0), "tangent.png", "The tangent, with f rising and falling shaded")


def _grad(f: Any, x: float) -> float:
    import chainrule as cr

    return float(cr.grad(f)(x))


def _rules(report: Report) -> None:
    from chainrule import symbolic

    report.section("2. The rules, step by step: d/dx log(sqrt(x))")
    report.text(str(symbolic.explain("log(sqrt(x))")))
    report.text(str(symbolic.explain("sin(x)^2 * exp(x)", detail="brief")))


def _graph(report: Report) -> None:
    from chainrule import viz
    from chainrule.cli.drawing import build_graph

    report.section("3. A computation graph, forward and backward: L = (a*b + c)*f")
    output, inputs = build_graph("(a*b + c)*f", "a=2,b=-3,c=10,f=-2")
    markup = viz.draw_graph(output, "svg", names={**inputs, "L": output}, backward=True)
    report.text(
        f"forward: L = {float(output.item()):g}\nbackward: "
        + ", ".join(f"∂L/∂{n} = {float(np.asarray(t.grad)):g}" for n, t in inputs.items())
    )
    report.svg(str(markup), "graph.svg", "Each box: the operation, its value and its gradient")


def _gradient_and_jacobian(report: Report) -> None:
    import chainrule as cr
    from chainrule import viz

    report.section("4. A gradient and a Jacobian")
    partials = cr.grad(lambda w1, w2: np.sin(w1) * w2 * (1 - w2), argnums=(0, 1))(0.4, 0.3)
    report.text(f"∇[sin(w1)·w2·(1 − w2)] at (0.4, 0.3) = ({partials[0]:.6f}, {partials[1]:.6f})")
    polar = cr.jacobian(lambda p: np.stack([p[0] * np.cos(p[1]), p[0] * np.sin(p[1])]))(np.array([2.0, 0.5]))
    report.text(f"Jacobian of (r cos t, r sin t) at r = 2, t = 0.5 (mixed layout):\n{np.round(polar, 6)}")
    report.figure(viz.jacobian_heatmap(polar, ["x", "y"], ["r", "t"]), "jacobian.png", "The polar Jacobian")
    report.figure(
        viz.gradient_field(lambda p: p[0] ** 2 + 3 * p[1] ** 2),
        "field.png",
        "The gradient points uphill, across the contours",
    )


def _kink(report: Report) -> None:
    import chainrule as cr
    from chainrule import viz

    report.section("5. A kink: |x| at 0")
    left, right = (abs(0.0) - abs(-1e-8)) / 1e-8, (abs(1e-8) - abs(0.0)) / 1e-8
    report.text(
        f"one-sided slopes {left:g} and {right:g}: no derivative, a subdifferential [−1, 1]\n"
        f"chainrule's choice, 0 (a subgradient; descent stays at the minimum): "
        f"cr.grad(np.abs)(0.0) = {float(cr.grad(np.abs)(0.0)):g}, relu'(0) = {float(cr.grad(cr.relu)(0.0)):g}"
    )
    report.figure(
        viz.tangent_plot(np.abs, 0.0, xlim=(-2, 2)),
        "kink.png",
        "|x| at 0: every line with a slope in [−1, 1] is a subgradient; chainrule returns the flat one",
    )


def _numerical(report: Report) -> None:
    import chainrule as cr
    from chainrule import viz

    report.section("6. Numerical derivatives and their error: exp at 1")
    r = cr.numeric.derivative(np.exp, 1.0)
    report.text(f"numeric.derivative(np.exp, 1.0) = {float(r.value)!r}, error ≤ {r.error:.1e}, {r.method}")
    report.figure(viz.error_vs_step(np.exp, 1.0), "error.png", "Truncation against round-off: the V")


def _learning(report: Report) -> None:
    import chainrule as cr
    from chainrule import viz
    from chainrule.cli.train import save_training_plots, train_moons

    report.section("7. Learning: gradient descent")

    def rosen(p: Any) -> Any:
        return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2

    result = cr.optim.minimize(rosen, np.array([-1.2, 1.0]), method="nesterov", lr=1e-3, steps=3000)
    report.text(
        f"Rosenbrock from (-1.2, 1) by Nesterov momentum: {result.steps} steps to {np.round(result.x, 4)}"
    )
    report.figure(
        viz.descent_path(rosen, result.path, label="nesterov"), "descent.png", "Down the banana valley"
    )
    run = train_moons(200, "adam", None, 0, report.out)
    training, held_out = run.accuracies()
    report.text(
        f"an MLP(2, [16, 16, 1]) on the moons: loss {run.losses[0]:.3f} → {run.losses[-1]:.4f}, "
        f"accuracy {training:.0%} on its 200 points, {held_out:.0%} on 200 it never saw"
    )
    for path, _ in save_training_plots(run, report.folder):
        report.parts.append(f'<figure><img src="{path.name}" alt="{path.stem}"></figure>')


def run_tour(args: argparse.Namespace, out: Output) -> int:
    """Run every section and write the HTML report."""
    report = Report(output_folder(args.out, "--out"), out)
    for section in (_slope_by_limit, _rules, _graph, _gradient_and_jacobian, _kink, _numerical, _learning):
        section(report)
    out.line(f"\nthe report with all pictures: {report.write()}")
    return 0
