"""``chainrule tour``: the whole story on built-in examples, in the terminal and as an HTML report.

Slope as a limit, the rules step by step, a computation graph forward and backward, a gradient and a
Jacobian, a kink, the error of difference quotients, and a small network trained by gradient descent.

The page opens with a table of contents; every picture has a caption and, under it, the code that drew it.
That code is not a copy: each picture is drawn by running the snippet shown (:data:`SNIPPETS`), with
``np``, ``cr`` and ``viz`` imported as the page's first lines say, so what a reader copies runs.
"""

from __future__ import annotations

import argparse
import html
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.cli.files import output_folder
from chainrule.cli.output import Output

__all__ = ["SNIPPETS", "Report", "run_tour"]

IMPORTS = "import numpy as np\nimport chainrule as cr\nfrom chainrule import viz"
# Dots per inch of the tour's PNGs: enough for a screen, and a third fewer pixels to draw than 120.
_DPI = 100

# The code of each picture, run as written to draw it: it leaves a matplotlib figure in `fig`, or SVG text
# in `svg`. Names given by the section (a training run, say) are listed in the snippet's comment.
SNIPPETS = {
    "secants.png": """def f(x):
    return 3 * x**2 - 4 * x + 5

fig = viz.secant_plot(f, 3.0, steps=(2.0, 1.0, 0.5, 0.1))""",
    "tangent.png": """def f(x):
    return 3 * x**2 - 4 * x + 5

fig = viz.tangent_plot(f, 3.0)""",
    "graph.svg": """a, b, c, f = (cr.Tensor(v, requires_grad=True) for v in (2.0, -3.0, 10.0, -2.0))
L = (a * b + c) * f
svg = viz.draw_graph(L, "svg", names={"a": a, "b": b, "c": c, "f": f, "L": L}, backward=True)""",
    "jacobian.png": """def polar(p):
    return np.stack([p[0] * np.cos(p[1]), p[0] * np.sin(p[1])])

J = cr.jacobian(polar)(np.array([2.0, 0.5]))
fig = viz.jacobian_heatmap(J, ["x", "y"], ["r", "t"])""",
    "field.png": """fig = viz.gradient_field(lambda p: p[0] ** 2 + 3 * p[1] ** 2)""",
    "kink.png": """fig = viz.tangent_plot(np.abs, 0.0, xlim=(-2, 2))""",
    "error.png": """fig = viz.error_vs_step(np.exp, 1.0)""",
    "descent.png": """def rosen(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2

result = cr.optim.minimize(rosen, np.array([-1.2, 1.0]), method="nesterov", lr=1e-3, steps=3000)
fig = viz.descent_path(rosen, result.path, label="nesterov")""",
    "loss.png": """# run: the training run of this section (chainrule.cli.train.train_moons)
fig = viz.loss_curve(run.losses)""",
    "boundary.png": """# run: the training run of this section (chainrule.cli.train.train_moons)
fig = viz.decision_boundary(lambda P: np.asarray(run.model(P).data)[:, 0], run.X, run.y)""",
}


class Report:
    """Sections of text and pictures, echoed to the terminal and collected into one HTML page."""

    def __init__(self, folder: Path, out: Output) -> None:
        self.folder = folder
        self.out = out
        self.parts: list[str] = []
        self.contents: list[tuple[str, str]] = []  # (anchor, title) of each section
        folder.mkdir(exist_ok=True)  # its parent is checked to exist before the tour starts

    def section(self, title: str) -> None:
        self.out.heading(title)
        anchor = f"section-{len(self.contents) + 1}"
        self.contents.append((anchor, title))
        self.parts.append(f'<h2 id="{anchor}">{html.escape(title)}</h2>')

    def text(self, text: str) -> None:
        self.out.line(text)
        self.parts.append(f"<pre>{html.escape(text)}</pre>")

    def picture(self, name: str, caption: str, **given: Any) -> dict[str, Any]:
        """Run the snippet of picture ``name`` (with the names ``given``), write what it drew into the
        folder, and add it to the page with its caption and its code. Returns the snippet's names."""
        import chainrule as cr
        from chainrule import viz

        code = SNIPPETS[name]
        names: dict[str, Any] = {"np": np, "cr": cr, "viz": viz, **given}
        exec(compile(code, f"<tour: {name}>", "exec"), names)  # our own constant code, never user input
        if "svg" in names:
            (self.folder / name).write_text(str(names["svg"]), encoding="utf-8")
        else:
            viz.save(names["fig"], self.folder / name, dpi=_DPI)
        self.parts.append(
            f'<figure id="{html.escape(name)}"><img src="{html.escape(name)}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption>"
            f'<pre class="code">{html.escape(code)}</pre></figure>'
        )
        return names

    def write(self) -> Path:
        style = (
            "body{font-family:sans-serif;max-width:60em;margin:auto;padding:0 1em}"
            "img{max-width:100%}pre{background:#f6f6f6;padding:0.5em;overflow-x:auto}"
            "pre.code{background:#eef3f8;border-left:3px solid #7aa0c8}"
            "figure{margin:1.5em 0}figcaption{font-style:italic;margin:0.3em 0}"
        )
        contents = "".join(
            f'<li><a href="#{anchor}">{html.escape(title)}</a></li>' for anchor, title in self.contents
        )
        page = (
            f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>chainrule tour</title>"
            f"<style>{style}</style></head><body><h1>A tour of chainrule</h1>"
            f'<nav aria-label="Contents"><h2>Contents</h2><ol>{contents}</ol></nav>'
            "<p>Each picture's code runs after these imports:</p>"
            f"<pre class='code'>{html.escape(IMPORTS)}</pre>"
            f"{''.join(self.parts)}</body></html>"
        )
        index = self.folder / "index.html"
        index.write_text(page, encoding="utf-8")
        return index


def _slope_by_limit(report: Report) -> None:
    def f(x: Any) -> Any:
        return 3 * x**2 - 4 * x + 5

    report.section("1. The slope is a limit: f(x) = 3x² − 4x + 5 at x = 3")
    rows = [
        f"h = {h:<8g} (f(3+h) − f(3))/h = {(f(3 + h) - f(3)) / h:.10g}" for h in (1, 0.1, 0.01, 0.001, 1e-6)
    ]
    report.text("\n".join(rows) + f"\nthe limit, by reverse mode: f′(3) = {_grad(f, 3.0):g}")
    report.picture(
        "secants.png", "Secants through x = 3 and 3 + h: as h shrinks, their slopes close in on 14"
    )
    report.picture(
        "tangent.png", "The tangent at x = 3, slope f′(3) = 14; green where f rises, red where it falls"
    )


def _grad(f: Any, x: float) -> float:
    import chainrule as cr

    return float(cr.grad(f)(x))


def _rules(report: Report) -> None:
    from chainrule import symbolic

    report.section("2. The rules, step by step: d/dx log(sqrt(x))")
    report.text(str(symbolic.explain("log(sqrt(x))")))
    report.text(str(symbolic.explain("sin(x)^2 * exp(x)", detail="brief")))


def _graph(report: Report) -> None:
    report.section("3. A computation graph, forward and backward: L = (a*b + c)*f")
    names = report.picture(
        "graph.svg",
        "Each box: the operation, the sub-expression it computes, its value and its gradient ∂L/∂(box)",
    )
    inputs = {n: names[n] for n in ("a", "b", "c", "f")}
    report.text(
        f"forward: L = {float(names['L'].item()):g}\nbackward: "
        + ", ".join(f"∂L/∂{n} = {float(np.asarray(t.grad)):g}" for n, t in inputs.items())
    )


def _gradient_and_jacobian(report: Report) -> None:
    import chainrule as cr

    report.section("4. A gradient and a Jacobian")
    partials = cr.grad(lambda w1, w2: np.sin(w1) * w2 * (1 - w2), argnums=(0, 1))(0.4, 0.3)
    report.text(f"∇[sin(w1)·w2·(1 − w2)] at (0.4, 0.3) = ({partials[0]:.6f}, {partials[1]:.6f})")
    names = report.picture(
        "jacobian.png",
        "The Jacobian of (x, y) = (r cos t, r sin t) at r = 2, t = 0.5: row i is ∇ of output i",
    )
    report.text(
        f"Jacobian of (r cos t, r sin t) at r = 2, t = 0.5 (mixed layout):\n{np.round(names['J'], 6)}"
    )
    report.picture(
        "field.png",
        "f(x, y) = x² + 3y²: the gradient points uphill, across the contours, longest where f is steep",
    )


def _kink(report: Report) -> None:
    import chainrule as cr

    report.section("5. A kink: |x| at 0")
    left, right = (abs(0.0) - abs(-1e-8)) / 1e-8, (abs(1e-8) - abs(0.0)) / 1e-8
    report.text(
        f"one-sided slopes {left:g} and {right:g}: no derivative, a subdifferential [−1, 1]\n"
        f"chainrule's choice, 0 (a subgradient; descent stays at the minimum): "
        f"cr.grad(np.abs)(0.0) = {float(cr.grad(np.abs)(0.0)):g}, relu'(0) = {float(cr.grad(cr.relu)(0.0)):g}"
    )
    report.picture(
        "kink.png",
        "|x| at 0: no tangent; every line with a slope in [−1, 1] is a subgradient; chainrule returns 0",
    )


def _numerical(report: Report) -> None:
    import chainrule as cr

    report.section("6. Numerical derivatives and their error: exp at 1")
    r = cr.numeric.derivative(np.exp, 1.0)
    report.text(f"numeric.derivative(np.exp, 1.0) = {float(r.value)!r}, error ≤ {r.error:.1e}, {r.method}")
    report.picture(
        "error.png",
        "Truncation against round-off: each difference quotient's error is a V; dotted lines mark the step "
        "theory predicts for its bottom, stars the best step measured; the complex step has no V",
    )


def _learning(report: Report) -> None:
    from chainrule.cli.train import train_moons

    report.section("7. Learning: gradient descent")
    names = report.picture(
        "descent.png",
        "Nesterov momentum down Rosenbrock's banana valley, from (−1.2, 1) to the minimum (1, 1)",
    )
    result = names["result"]
    report.text(
        f"Rosenbrock from (-1.2, 1) by Nesterov momentum: {result.steps} steps to {np.round(result.x, 4)}"
    )
    run = train_moons(200, "adam", None, 0, report.out)
    training, held_out = run.accuracies()
    report.text(
        f"an MLP(2, [16, 16, 1]) on the moons: loss {run.losses[0]:.3f} → {run.losses[-1]:.4f}, "
        f"accuracy {training:.0%} on its 200 points, {held_out:.0%} on 200 it never saw"
    )
    report.picture("loss.png", "The training loss of the MLP, step by step, on a log scale", run=run)
    report.picture(
        "boundary.png",
        "The regions the trained MLP assigns to each class, with its 200 training points",
        run=run,
    )


def run_tour(args: argparse.Namespace, out: Output) -> int:
    """Run every section and write the HTML report."""
    report = Report(output_folder(args.out, "--out"), out)
    for section in (_slope_by_limit, _rules, _graph, _gradient_and_jacobian, _kink, _numerical, _learning):
        section(report)
    out.line(f"\nthe report with all pictures: {report.write()}")
    return 0
