"""Step-by-step explanations of derivatives: :func:`explain`, :class:`Explanation`, :class:`Step`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chainrule.errors import ChainruleValueError
from chainrule.symbolic.differentiate import as_expression, as_variable, derivative, diff, matrix_calculus
from chainrule.symbolic.explain.render import Explanation
from chainrule.symbolic.explain.rules import Explainer
from chainrule.symbolic.explain.steps import Step
from chainrule.symbolic.expr import Expr
from chainrule.symbolic.parser import parse_ordered
from chainrule.symbolic.traverse import depth

__all__ = ["Explanation", "Step", "explain"]

MAX_DEPTH = 60
_SIMPLIFY = "collect like terms, merge powers, fold numbers, apply identities; never larger"


def explain(
    expr: Expr | str | Callable[..., Any],
    var: str | Expr | None = None,
    *,
    detail: str = "full",
    notation: str = "leibniz",
    shapes: Any = None,
    layout: str = "mixed",
) -> Any:
    """The derivative of ``expr`` by ``var``, worked out rule by rule (of a matrix expression, or text with
    ``shapes=``, by differentials: see :mod:`chainrule.symbolic.matrix.explanation`).

    Parameters
    ----------
    expr:
        An expression, text (parsed with :func:`chainrule.symbolic.parse`) or a Python function of scalars
        written with NumPy (traced with :func:`chainrule.symbolic.trace`).
    var:
        The variable; may be omitted when there is only one.
    detail:
        ``"full"`` shows every step with its formulas; ``"brief"`` one line per rule, leaving out constants.
    notation:
        ``"leibniz"`` (``d/dx``) or ``"lagrange"`` (``f′``).

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> e = sym.explain("log(sqrt(x))")
    >>> e.result
    1/(2*x)
    >>> [step.rule for step in e.steps]
    ['chain rule', 'power rule', 'simplify']
    >>> print(e)
    d/dx log(sqrt(x)) = 1/(2*x)
    <BLANKLINE>
    1. chain rule, with u = sqrt(x)    [(f(u))' = f'(u) u']
       d/dx log(sqrt(x)) = d/du log(u) · du/dx
       where d/du log(u) = 1/u    [logarithm rule: ln'(x) = 1/x]
       2. power rule: d/dx sqrt(x) = 1/(2*sqrt(x))    [sqrt'(x) = 1/(2 sqrt(x))]
       so d/dx log(sqrt(x)) = 1/sqrt(x) · 1/(2*sqrt(x))    (step 2)
                            = 1/(2*x)
    3. simplify: 1/(2*x) (nothing to simplify)
    """
    matrix = matrix_calculus(shapes, expr, var)
    if matrix is not None:
        from chainrule.symbolic.matrix import explain as explain_matrix

        return explain_matrix(expr, var, shapes=shapes, layout=layout)
    if detail not in ("full", "brief"):
        raise ChainruleValueError(f"detail must be 'full' or 'brief', got {detail!r}")
    if notation not in ("leibniz", "lagrange"):
        raise ChainruleValueError(f"notation must be 'leibniz' or 'lagrange', got {notation!r}")
    if callable(expr) and not isinstance(expr, Expr):
        from chainrule.symbolic.trace import trace

        expr = trace(expr)
    order: dict[Any, Any] = {}
    if isinstance(expr, str):
        e, order = parse_ordered(expr)  # the echo and the steps keep the order the text was typed in
    else:
        e = as_expression(expr)
    v = as_variable(var, e)
    if depth(e) > MAX_DEPTH:
        raise ChainruleValueError(
            f"the expression is nested {depth(e)} levels deep, too deep to explain step by step "
            f"(the limit is {MAX_DEPTH}); use diff() for the derivative alone"
        )
    explainer = Explainer(e, v)
    explainer.printer.order = order
    explainer.explain(e)
    steps = [s for s in explainer.steps if s is not None]
    raw = steps[0].result if steps else derivative(e, v)
    final = diff(e, v)
    steps.append(Step(len(steps) + 1, 0, "simplify", _SIMPLIFY, e, v, final, formula=raw))
    return Explanation(e, v, tuple(steps), final, raw, detail, notation, order)
