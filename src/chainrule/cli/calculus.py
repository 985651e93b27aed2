"""``chainrule grad`` and ``chainrule diff``: derivatives three ways, side by side."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.cli import verdict
from chainrule.cli.output import Output
from chainrule.cli.parsing import UsageError, parse_expressions, parse_point, variables_of
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


def _three_jacobians(expressions: list[Any], names: list[str], point: dict[str, float], vector: bool) -> Any:
    """The symbolic rows of formulas, the automatic, symbolic and numerical matrices at the point, and the
    numerical error bounds. With more than ``NUMERIC_MAX_VARIABLES`` variables the numerical matrix is None
    and the last item is the check along one direction instead (see :func:`_along_a_direction`)."""
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
        return rows, automatic, exact, None, _along_a_direction(f, x, automatic, exact)
    result = cr.numeric.jacobian(f, x) if vector else cr.numeric.gradient(f, x)
    numerical = np.asarray(result.value).reshape(automatic.shape)
    error = np.broadcast_to(np.asarray(result.error, dtype=float), automatic.shape)
    return rows, automatic, exact, numerical, error


# Up to this many variables the numerical column has a finite difference per variable (about 12 evaluations
# of f each, every one costing as much as f's size: 2,000 variables took a minute); beyond, one direction.
NUMERIC_MAX_VARIABLES = 100


def _along_a_direction(f: Callable[..., Any], x: Any, automatic: Any, exact: Any) -> tuple[Any, ...]:
    """The three derivatives along one random direction ``v`` (the numerical one with its error bound)."""
    import chainrule as cr

    v = np.random.default_rng(0).standard_normal(x.size)
    result = cr.numeric.directional_derivative(f, x, v)
    numerical = np.asarray(result.value, dtype=float).reshape(-1)
    return (
        automatic @ v,
        exact @ v,
        numerical,
        np.broadcast_to(np.asarray(result.error, float), numerical.shape),
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
    formulas, automatic, exact, numerical, error = _three_jacobians(expressions, names, point, vector)
    at = ", ".join(f"{n}={point[n]:g}" for n in names)
    out.heading(f"{'Jacobian' if vector else 'gradient'} of {args.expression} at {at}")
    table, long = [], []
    for (i, j), value in np.ndenumerate(automatic):
        label = f"∂f{i + 1}/∂{names[j]}" if vector else f"∂f/∂{names[j]}"
        cells = [f"{v:.12g}" for v in (value, exact[i, j])]
        cells += ["–", "–"] if numerical is None else [f"{numerical[i, j]:.12g}", f"{error[i, j]:.1e}"]
        formula = str(formulas[i][j])
        if len(formula) > LONG_FORMULA:  # (a table lays out a long cell slowly and unreadably: below it)
            long.append(f"{label} = {formula}")
            formula = f"({len(formula):,} characters: below)"
        table.append([label, formula, *cells])
    out.table(["", "formula", "automatic", "symbolic", "numerical", "± error"], table)
    for line in long:
        out.line(line)
    if numerical is None:  # too many variables for a finite difference each: `error` is the check along v
        values = error
        out.line(
            f"numerical: a finite difference per variable would take about {12 * len(names):,} evaluations "
            f"of f for {len(names):,} variables (the command takes them up to {NUMERIC_MAX_VARIABLES}); "
            "checked instead along one random direction v (seed 0): the derivative along v is "
            f"{_number(values[0])} automatic, {_number(values[1])} symbolic, {_number(values[2])} ± "
            f"{_number(values[3])} numerical"
        )
    else:
        values = (automatic, exact, numerical, error)
    if vector:
        matrix = automatic.T if args.layout == "denominator" else automatic  # numerator is mixed for vectors
        out.line(f"J ({args.layout} layout, shape {matrix.shape}) =\n{_number(matrix)}")
    derivatives = [d for row in formulas for d in row]
    _report(out, values, expressions, derivatives, point)
    if args.hessian:
        f = _vector_function(expressions, names, vector)
        hessian = cr.hessian(f)(np.array([point[n] for n in names]))
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
    expression = parse_expressions(args.expression)[0][0]
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
