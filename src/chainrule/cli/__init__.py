"""The ``chainrule`` command: derivatives, pictures and a guided tour from the terminal.

``main(argv)`` returns the exit status: 0 on success, 2 for a mistake in the command (a parse error, an
unknown variable, a bad option), reported in one line with a caret where it helps, never a traceback; 1
when an output cannot be written, 130 on Ctrl-C, 141 when standard output was closed (see
:mod:`chainrule.cli.guard`).

Examples
--------
>>> main(["diff", "x^2", "--plain"])  # doctest: +ELLIPSIS
<BLANKLINE>
== d/dx x^2 ==
f′ = 2*x
0
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

import numpy as np

from chainrule import __version__
from chainrule.cli.arguments import Once, natural, parse_arguments, positive_finite, positive_integer
from chainrule.cli.guard import Session
from chainrule.cli.output import Output
from chainrule.layouts import LAYOUTS

__all__ = ["main"]

_AT = "every value goes in one --at, e.g. --at x=1,y=2"


def _add_grad(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("grad", help="gradient or Jacobian at a point, three ways")
    p.add_argument("expression", help='e.g. "sin(w1)*w2*(1-w2)" or a vector "[x*y, x+y]"')
    p.add_argument("--at", required=True, help="the point, e.g. w1=0.4,w2=0.3", action=Once, hint=_AT)
    p.add_argument("--hessian", action="store_true", help="also print the Hessian")
    p.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="mixed",
        help="the Jacobian's layout (default mixed)",
        action=Once,
    )


def _add_diff(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("diff", help="a derivative's formula, steps and value")
    p.add_argument("expression", help='e.g. "log(sqrt(x))"')
    p.add_argument(
        "--wrt",
        action=Once,
        hint="diff differentiates by one variable; chainrule grad EXPRESSION --at ... gives every partial "
        "derivative (and --hessian every second one)",
        help="the variable (needed when there are several); one only",
    )
    p.add_argument(
        "--at",
        action=Once,
        hint=_AT,
        help="a point at which to compare symbolic, automatic and numerical values",
    )
    p.add_argument("--order", type=int, default=1, help="the order of the derivative", action=Once)
    p.add_argument("--steps", action="store_true", help="explain the rules step by step")
    p.add_argument("--latex", action="store_true", help="print the derivative in LaTeX")
    p.add_argument("--shapes", help="vectors and matrices: --shapes x=n,A=n,n (matrix calculus)", action=Once)
    p.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="mixed",
        action=Once,
        help="with --shapes: the layout (default mixed)",
    )


def _add_pictures(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("plot", help="the tangent (and secants, error against step) at a point")
    p.add_argument("expression", help='e.g. "x^3 - 3x"')
    p.add_argument("--at", help="the point of tangency, e.g. 1 or x=1", action=Once, hint=_AT)
    p.add_argument("--secants", action="store_true", help="also draw secants converging on the tangent")
    p.add_argument("--error", action="store_true", help="also draw the error of difference quotients")
    p.add_argument(
        "-o",
        "--output",
        default="plot.png",
        action=Once,
        help="the picture (.png, .svg, .pdf) in an existing directory; a file of that name is replaced, "
        "and so are NAME-secants.EXT and NAME-error.EXT with --secants and --error",
    )
    g = commands.add_parser("graph", help="the computation graph, forward and backward")
    g.add_argument("expression", help='e.g. "(a*b + c)*f"')
    g.add_argument("--at", required=True, help="the inputs, e.g. a=2,b=-3,c=10,f=-2", action=Once, hint=_AT)
    g.add_argument(
        "-o",
        "--output",
        default="graph.svg",
        action=Once,
        help="the drawing (.svg, .png, .dot) in an existing directory; a file of that name is replaced",
    )


def _add_learning(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    t = commands.add_parser("train", help="train a small network by gradient descent")
    t.add_argument("--data", choices=("moons",), default="moons", action=Once)
    t.add_argument("--steps", type=positive_integer, default=300, help="gradient steps", action=Once)
    t.add_argument("--optimizer", choices=("adam", "sgd", "momentum", "rmsprop"), default="adam", action=Once)
    t.add_argument(
        "--lr",
        type=positive_finite,
        default=None,
        action=Once,
        help="learning rate (default depends on the optimizer)",
    )
    t.add_argument(
        "--seed", type=natural, default=0, help="seeds the data and the initial weights", action=Once
    )
    t.add_argument(
        "-o",
        "--out",
        default="chainrule-train",
        action=Once,
        help="directory for the plots, made if missing (its parent must exist); loss.png and boundary.png "
        "in it are replaced",
    )
    t.add_argument("--no-plots", action="store_true", help="skip the plots (no matplotlib needed)")
    tour = commands.add_parser("tour", help="the whole story on built-in examples, with an HTML report")
    tour.add_argument(
        "--out",
        default="chainrule-tour",
        action=Once,
        help="directory of the HTML report, made if missing (its parent must exist); index.html and the "
        "pictures it shows in it are replaced",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``chainrule`` command."""
    parser = argparse.ArgumentParser(
        prog="chainrule", description="Derivatives three ways, from the terminal."
    )
    parser.add_argument("--plain", action="store_true", help="plain text output, even when rich is installed")
    parser.add_argument("--version", action="version", version=f"chainrule {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_grad(commands)
    _add_diff(commands)
    _add_pictures(commands)
    _add_learning(commands)
    for sub in commands.choices.values():  # --plain works after the command too
        sub.add_argument("--plain", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def _runner(command: str) -> Callable[[argparse.Namespace, Output], int]:
    if command in ("grad", "diff"):
        from chainrule.cli.calculus import run_diff, run_grad

        return run_grad if command == "grad" else run_diff
    if command in ("plot", "graph"):
        from chainrule.cli.drawing import run_graph, run_plot

        return run_plot if command == "plot" else run_graph
    if command == "train":
        from chainrule.cli.train import run_train

        return run_train
    from chainrule.cli.tour import run_tour

    return run_tour


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``chainrule`` command with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    session = Session()

    def work() -> int:
        args = parse_arguments(build_parser(), argv)
        if isinstance(args, int):  # argparse has printed its usage error, or --help, or --version
            return args
        session.name = f"chainrule {args.command}"
        out = Output(plain=args.plain)
        # a derivative at a singularity is inf or nan, which the output shows; NumPy's warnings would only
        # repeat it as noise on stderr
        with np.errstate(all="ignore"):
            return _runner(args.command)(args, out)

    return session.run(work)
