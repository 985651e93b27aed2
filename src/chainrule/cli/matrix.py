"""``chainrule diff ... --shapes x=n,A=n,n [--layout numerator] [--steps]``: matrix calculus.

The derivative is printed with its shape in the layout asked for (and, for 3- and 4-index results, its
vec/Kronecker form), optionally explained by differentials, and checked against the autodiff engine's
``cr.jacobian`` at random arrays.
"""

from __future__ import annotations

import argparse
from typing import Any

from chainrule.cli.output import Output
from chainrule.cli.parsing import UsageError, guess_shape

__all__ = ["parse_shapes", "run_matrix_diff"]


def parse_shapes(text: str) -> dict[str, str]:
    """``"x=n,A=n,n,s=,S=n,n,sym"`` → ``{"x": "n", "A": "n,n", "s": "", "S": "n,n,sym"}``: each ``name=``
    starts a variable, the items up to the next one are its dimensions (none for a scalar).

    Examples
    --------
    >>> parse_shapes("x=n,A=n,n,s=")
    {'x': 'n', 'A': 'n,n', 's': ''}
    >>> parse_shapes("x=n,,")
    Traceback (most recent call last):
    ...
    chainrule.cli.parsing.UsageError: --shapes x=n,,: an empty dimension for x (two commas in a row, ...
    """
    shapes: dict[str, list[str]] = {}
    current: list[str] | None = None
    for item in (part.strip() for part in text.split(",")):
        if "=" in item:
            name, _, first = item.partition("=")
            name = name.strip()
            if not name.isidentifier() or name in shapes:
                raise UsageError(f"--shapes: {name!r} is not a new variable name (write --shapes x=n,A=n,n)")
            current = shapes[name] = [first.strip()] if first.strip() else []
        elif current is None:
            raise UsageError(f"--shapes: {item!r} comes before any name= (write --shapes x=n,A=n,n)")
        elif not item:
            last = list(shapes)[-1]
            raise UsageError(
                f"--shapes {text}: an empty dimension for {last} (two commas in a row, or one at the end); "
                "write --shapes x=n,A=n,n (s= for a scalar)"
            )
        else:
            current.append(item)
    if not shapes:
        raise UsageError("--shapes needs name=dimensions, e.g. --shapes x=n,A=n,n")
    return {name: ",".join(dims) for name, dims in shapes.items()}


def _parse(text: str, shapes: dict[str, str], given: str) -> Any:
    """The matrix formula, a name without a shape reported with the ``--shapes`` that gives it one."""
    from chainrule.symbolic import ParseError
    from chainrule.symbolic import matrix as mx
    from chainrule.symbolic.lexer import ShapesNeeded

    try:
        return mx.parse(text, shapes)
    except ShapesNeeded as exc:
        if exc.name is None:
            raise
        name = exc.name
        advice = f"--shapes, e.g. --shapes {given},{name}={guess_shape(name)} ({name}= for a scalar)"
        raise ParseError(exc.advise(advice), exc.text, exc.position) from None


def _variable(wanted: str | None, expression: Any, shapes: dict[str, str]) -> str | None:
    """``--wrt``'s variable, refused unless the formula has it or ``--shapes`` gives it a shape."""
    names = [v.name for v in expression.variables]
    if wanted is None or wanted.strip() in names or wanted.strip() in shapes:
        return wanted
    raise UsageError(
        f"--wrt {wanted}: not a variable of {expression} (its variables: {', '.join(names) or 'none'}); give "
        f"it a shape in --shapes for its zero derivative"
    )


def _describe(result: Any) -> str:
    from chainrule.symbolic.matrix.dims import shape_text

    kind = (
        ", a row vector"
        if result.ndim == 1 and result.row
        else ", a column vector"
        if result.ndim == 1
        else ""
    )
    return f"shape {shape_text(result.shape)}{kind}"


def run_matrix_diff(args: argparse.Namespace, out: Output) -> int:
    """The derivative of a matrix expression with shapes, in a layout, explained and checked."""
    from chainrule.symbolic import matrix as mx
    from chainrule.symbolic.matrix.check import difference, random_arrays

    if args.at is not None:
        raise UsageError(
            "--at takes numbers for scalar variables; with --shapes the result is checked at random arrays"
        )
    if args.order not in (1, 2):
        raise UsageError(f"--order must be 1 or 2 (the Hessian) with --shapes, got {args.order}")
    if args.steps and args.order != 1:
        raise UsageError("--steps explains first derivatives; drop --order or --steps")
    shapes = parse_shapes(args.shapes)
    expression = _parse(args.expression, shapes, args.shapes)
    var = mx.api.resolve(_variable(args.wrt, expression, shapes), expression, shapes)
    result = mx.diff(expression, var, layout=args.layout, n=args.order)
    context = ", ".join(f"{v.name}: {'×'.join(map(str, v.shape)) or 'scalar'}" for v in expression.variables)
    what = "∂" if args.order == 1 else "∂²"
    power = "" if args.order == 1 else "²"
    out.heading(f"d{power}/d{var.name}{power} {expression}  ({context}; {args.layout} layout)")
    f = "f" if not expression.shape else "F"
    out.line(f"{what}{f}/∂{var.name}{'' if args.order == 1 else '²'} = {result}    ({_describe(result)})")
    if args.order == 1 and result.ndim > 2:
        kron = mx.vec_form(expression, var, layout=args.layout)
        if kron is not None:
            out.line(f"vec form: ∂vec(F)/∂vec({var.name}) = {kron}")
    if args.steps:
        out.line(str(mx.explain(expression, var, layout=args.layout)))
    if args.latex:
        out.line(f"LaTeX: {result.latex()}")
    arrays = random_arrays(expression, seed=0)
    if var.name not in arrays:  # a variable the formula does not use (its derivative is zero): one for it too
        dims = {name: size for name, size in arrays.items() if isinstance(size, int)}
        arrays |= random_arrays(var, dims, seed=1)
    function = expression if args.order == 1 else mx.diff(expression, var)
    spread = difference(result, function, var, arrays, args.layout)
    sizes = ", ".join(
        f"{d}={arrays[d]}"
        for d in sorted({d for v in expression.variables for d in v.shape if isinstance(d, str)})
    )
    out.line(
        f"check: at random arrays ({sizes or 'numeric shapes'}), the formula and the engine's cr.jacobian "
        f"({args.layout} layout) differ by at most {spread:.1e}"
    )
    return 0
