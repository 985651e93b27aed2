"""``chainrule grad`` and ``chainrule diff``: derivatives three ways, side by side."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from chainrule.cli import verdict
from chainrule.cli.output import Output
from chainrule.cli.parsing import (
    UsageError,
    parse_expression,
    parse_expressions,
    parse_point,
    variables_of,
)
from chainrule.errors import ChainruleValueError

__all__ = ["run_diff", "run_grad"]


def _number(value: Any) -> str:
    return np.array2string(np.asarray(value, dtype=float), precision=10, separator=", ")


def _report(
    out: Output, values: tuple[Any, Any, Any, Any], functions: list[Any], formulas: list[Any], point: Any
) -> None:
    """The verdict on the automatic, symbolic and numerical values (and the numerical error bound), then
    the notes that explain a disagreement: a point outside the domain, a function at its kink."""
    out.line(verdict.agreement(*values))
    if any(np.isnan(np.asarray(v, dtype=float)).any() for v in values[:3]):
        note = verdict.domain_note(functions, point) or verdict.domain_note(formulas, point)
        if note:
            out.line(note)
    for note in verdict.kink_notes(functions, point):
        out.line(note)


def _vector_function(expressions: list[Any], names: list[str], vector: bool) -> Any:
    """The expressions as one NumPy function of the point ``v`` (a vector of the variables)."""
    from chainrule import symbolic

    compiled = symbolic.lambdify(expressions, names)

    def function(v: Any) -> Any:
        values = compiled(*(v[i] for i in range(len(names))))
        return np.stack(values) if vector else values[0]

    return function


class _Derivatives(NamedTuple):
    """What ``grad`` shows: the formulas, the automatic and symbolic matrices, the numerical one with its
    error bounds (None for both beyond ``NUMERIC_MAX_VARIABLES``), the four arrays the verdict weighs, and
    beyond the limit the three derivatives along one direction with the numerical one's bound; and the
    expressions compiled to one function of the point's vector (for the Hessian, without compiling again)."""

    formulas: list[list[Any]]
    automatic: Any
    exact: Any
    numerical: Any
    error: Any
    verdict: tuple[Any, Any, Any, Any]
    along: tuple[Any, Any, Any, Any] | None
    function: Callable[[Any], Any]


def _three_jacobians(
    expressions: list[Any], names: list[str], point: dict[str, float], vector: bool
) -> _Derivatives:
    """The derivatives three ways at the point (see :class:`_Derivatives`)."""
    import chainrule as cr
    from chainrule import symbolic

    x = np.array([point[n] for n in names])
    f = _vector_function(expressions, names, vector)
    rows = _within_limits(
        lambda: (
            symbolic.jacobian(expressions, names, max_nodes=MAX_NODES)
            if vector
            else [symbolic.gradient(expressions[0], names, max_nodes=MAX_NODES)]
        )
    )

    def value(d: Any) -> float:  # (given only its own symbols: evaluate reads every value it is given)
        return (
            float(d.evaluate({s.name: point[s.name] for s in d.free_symbols})) if d.free_symbols else float(d)
        )

    exact = np.array([[value(d) for d in row] for row in rows])
    automatic = np.asarray(cr.jacobian(f)(x)) if vector else np.asarray(cr.grad(f)(x))[None, :]
    if len(names) > NUMERIC_MAX_VARIABLES:
        along = _along_a_direction(f, x, automatic, exact)
        return _Derivatives(
            rows, automatic, exact, None, None, _weighed_along(automatic, exact, along), along, f
        )
    result = cr.numeric.jacobian(f, x) if vector else cr.numeric.gradient(f, x)
    numerical = np.asarray(result.value).reshape(automatic.shape)
    error = np.broadcast_to(np.asarray(result.error, dtype=float), automatic.shape)
    return _Derivatives(
        rows, automatic, exact, numerical, error, (automatic, exact, numerical, error), None, f
    )


# Up to this many variables the numerical column has a finite difference per variable (about
# EVALUATIONS_PER_VARIABLE evaluations of f each, every one costing as much as f's size: 1,400 variables took
# a minute); beyond, the numerical check is along one direction.
NUMERIC_MAX_VARIABLES = 100
EVALUATIONS_PER_VARIABLE = 12  # measured: 16,842 evaluations for the gradient in 1,400 variables


def _along_a_direction(
    f: Callable[..., Any], x: Any, automatic: Any, exact: Any
) -> tuple[Any, Any, Any, Any]:
    """The automatic, symbolic and numerical derivatives along one random direction ``v`` (seed 0), and the
    numerical one's error bound."""
    import chainrule as cr

    v = np.random.default_rng(0).standard_normal(x.size)
    result = cr.numeric.directional_derivative(f, x, v)
    numerical = np.asarray(result.value, dtype=float).reshape(-1)
    bound = np.broadcast_to(np.asarray(result.error, dtype=float), numerical.shape)
    return automatic @ v, exact @ v, numerical, bound


def _weighed_along(automatic: Any, exact: Any, along: tuple[Any, Any, Any, Any]) -> tuple[Any, Any, Any, Any]:
    """The verdict's four arrays when the numerical value is known along ``v`` only: the automatic and
    symbolic matrices entry by entry (the numerical stands in there at the symbolic value with bound 0, so
    only a gap between the other two, or a NaN, can show), then the three derivatives along ``v``."""
    a_v, s_v, n_v, bound = along
    entries = np.ravel(exact)
    return (
        np.concatenate([np.ravel(automatic), a_v]),
        np.concatenate([entries, s_v]),
        np.concatenate([entries, n_v]),
        np.concatenate([np.zeros(entries.size), bound]),
    )


def run_grad(args: argparse.Namespace, out: Output) -> int:
    """The gradient (or Jacobian) at a point: automatic, symbolic and numerical, and how far apart."""
    import chainrule as cr

    expressions, vector = parse_expressions(args.expression)
    names = variables_of(expressions)
    if not names:
        raise UsageError(f"{args.expression!r} has no variables to differentiate by")
    if args.hessian and vector:
        raise UsageError("--hessian needs a scalar expression, not a vector")
    point = parse_point(args.at, names)
    d = _three_jacobians(expressions, names, point, vector)
    automatic = d.automatic
    at = ", ".join(f"{n}={point[n]:g}" for n in names)
    out.heading(f"{'Jacobian' if vector else 'gradient'} of {args.expression} at {at}")
    table, long = [], []
    for (i, j), value in np.ndenumerate(automatic):
        label = f"∂f{i + 1}/∂{names[j]}" if vector else f"∂f/∂{names[j]}"
        cells = [f"{v:.12g}" for v in (value, d.exact[i, j])]
        cells += ["–", "–"] if d.numerical is None else [f"{d.numerical[i, j]:.12g}", f"{d.error[i, j]:.1e}"]
        formula = str(d.formulas[i][j])
        if len(formula) > LONG_FORMULA:  # (a table lays out a long cell slowly and unreadably: below it)
            long.append(f"{label} = {formula}")
            formula = f"({len(formula):,} characters: below)"
        table.append([label, formula, *cells])
    out.table(["", "formula", "automatic", "symbolic", "numerical", "± error"], table)
    for line in long:
        out.line(line)
    if d.along is not None:
        a_v, s_v, n_v, bound = d.along
        out.line(
            "numerical: a finite difference per variable would take about "
            f"{EVALUATIONS_PER_VARIABLE * len(names):,} evaluations of f for {len(names):,} variables (the "
            f"command takes them up to {NUMERIC_MAX_VARIABLES}); checked instead along one random direction "
            f"v (seed 0): the derivative along v is {_number(a_v)} automatic, {_number(s_v)} symbolic, "
            f"{_number(n_v)} ± {_number(bound)} numerical; automatic and symbolic are compared entry by entry"
        )
    if vector:
        matrix = automatic.T if args.layout == "denominator" else automatic  # numerator is mixed for vectors
        out.line(f"J ({args.layout} layout, shape {matrix.shape}) =\n{_number(matrix)}")
    derivatives = [formula for row in d.formulas for formula in row]
    _report(out, d.verdict, expressions, derivatives, point)
    if args.hessian:
        hessian = cr.hessian(d.function)(np.array([point[n] for n in names]))
        out.line(f"Hessian (rows and columns {', '.join(names)}) =\n{_number(hessian)}")
    return 0


# A formula longer than this many characters is printed below grad's table, not in it.
LONG_FORMULA = 200


def _variable(expression: Any, wanted: str | None) -> str:
    names = sorted(s.name for s in expression.free_symbols)
    if wanted is not None:
        if wanted not in names:
            raise UsageError(
                f"--wrt {wanted}: not a variable of {expression} (its variables: {', '.join(names)})"
            )
        return wanted
    if len(names) != 1:
        raise UsageError(
            f"say which variable to differentiate by with --wrt (the variables: {', '.join(names)})"
        )
    return str(names[0])


# The highest --order: the DAG of the 20th derivative of x^x has 1,614 nodes and prints (with shared
# subexpressions named) in 0.1 s; each order multiplies the work, and 10^9 would never finish.
MAX_ORDER = 20
# A derivative that grows past this many nodes (and twice the first derivative's) stops with a message:
# repeated derivatives of a product of k factors grow like k^n (the 6th of sqrt nested 10 deep has 2,085).
MAX_NODES = 2_000


def _check_order(args: argparse.Namespace) -> None:
    from chainrule.numeric.derivative import MAX_ORDER as NUMERIC_MAX_ORDER

    if args.order < 1:
        raise UsageError(f"--order must be at least 1, got {args.order}")
    if args.order > MAX_ORDER:
        raise UsageError(
            f"--order must be at most {MAX_ORDER}, got {args.order} (higher derivatives: "
            "chainrule.symbolic.diff(expr, x, n=...) in Python)"
        )
    if args.at is not None and args.order > NUMERIC_MAX_ORDER:
        raise UsageError(
            f"--order with --at must be at most {NUMERIC_MAX_ORDER}, got {args.order}: the values are "
            f"checked by finite differences, which go no higher; drop --at for the formula alone"
        )


def _derivative(expression: Any, var: str, order: int) -> Any:
    from chainrule import symbolic

    return _within_limits(lambda: symbolic.diff(expression, var, order, max_nodes=MAX_NODES))


def _within_limits(work: Callable[[], Any]) -> Any:
    """``work()``, whose symbolic derivatives are bounded by ``max_nodes=MAX_NODES``; the error of one that
    stops names the command line's limit and how to go past it in Python."""
    try:
        return work()
    except ChainruleValueError as exc:
        if "max_nodes=" not in str(exc):
            raise
        reason = str(exc).split(" (the limit")[0]
        raise UsageError(
            f"{reason} (the command line's limit; in Python, max_nodes= of chainrule.symbolic's diff, "
            "gradient or jacobian goes on)"
        ) from None


def run_diff(args: argparse.Namespace, out: Output) -> int:
    """The derivative's formula, optionally its steps and LaTeX, and its value three ways at a point."""
    from chainrule import symbolic

    if args.shapes is not None:
        from chainrule.cli.matrix import run_matrix_diff

        return run_matrix_diff(args, out)
    _check_order(args)
    if args.steps and args.order != 1:
        raise UsageError("--steps explains first derivatives; drop --order or --steps")
    expression = parse_expression(args.expression, "diff")
    if not expression.free_symbols:
        raise UsageError(f"{args.expression!r} is a constant: its derivative is 0")
    var = _variable(expression, args.wrt)
    point = parse_point(args.at, variables_of([expression])) if args.at is not None else None
    derivative = _derivative(expression, var, args.order)
    n = args.order
    out.heading(f"d/d{var} {expression}" if n == 1 else f"d^{n}/d{var}^{n} {expression}")
    out.line(f"f{'′' * n if n <= 3 else f'^({n})'} = {derivative}")
    if args.steps:
        out.line(str(symbolic.explain(expression, var)))
    if args.latex:
        out.line(f"LaTeX: {symbolic.to_latex(derivative)}")
    if point is not None:
        _three_ways(out, expression, derivative, var, point, n)
    return 0


def _three_ways(
    out: Output, expression: Any, derivative: Any, var: str, point: dict[str, float], order: int
) -> None:
    import chainrule as cr
    from chainrule import symbolic

    names = variables_of([expression])
    compiled = symbolic.lambdify(expression, names)

    def along(t: Any) -> Any:  # the expression as a function of var alone, the others held at the point
        return compiled(*(t if n == var else point[n] for n in names))

    exact = (
        float(derivative.evaluate(dict[Any, Any](point))) if derivative.free_symbols else float(derivative)
    )
    automatic_fn = along
    for _ in range(order):
        automatic_fn = cr.grad(automatic_fn)
    automatic = float(automatic_fn(point[var]))
    numeric = cr.numeric.derivative(along, point[var], order=order)
    out.table(
        ["method", "value", "note"],
        [
            ["symbolic", f"{exact:.15g}", "the formula, evaluated"],
            ["automatic", f"{automatic:.15g}", f"reverse mode{' (nested)' if order > 1 else ''}"],
            [
                "numerical",
                f"{float(numeric.value):.15g}",
                f"{numeric.method}, error ≤ {float(numeric.error):.1e}",
            ],
        ],
        title=f"at {', '.join(f'{n}={v:g}' for n, v in point.items())}",
    )
    values = (automatic, exact, float(numeric.value), float(numeric.error))
    lower = symbolic.diff(expression, var, order - 1) if order > 1 else expression
    _report(out, values, [expression] if order == 1 else [expression, lower], [derivative], point)
