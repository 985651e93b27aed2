"""Explaining a piecewise function: each piece differentiated on its own, and the boundaries named.

``d/dx piecewise(x < 0, -x, x^2) = piecewise(x < 0, d/dx (-x), d/dx x^2) = piecewise(x < 0, -1, 2x)``: core's
``where`` rule (the derivative of the piece that is chosen). Where the condition changes (``x = 0``) the
function may jump or have a corner; the step's note says which, with the one-sided values, and that
chainrule takes the chosen piece's derivative there, as the engine does.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from chainrule.core.rules.piecewise import where_p
from chainrule.symbolic.conditions import boundary
from chainrule.symbolic.explain.formula import BoardFormula, Cases, Deriv
from chainrule.symbolic.explain.steps import Step
from chainrule.symbolic.expr import NUM, ZERO, Expr
from chainrule.symbolic.functions import call
from chainrule.symbolic.printing.base import pieces
from chainrule.symbolic.traverse import substitute

__all__ = ["piecewise_step"]


class _Explainer(Protocol):
    var: Expr

    def explain(self, node: Expr, depth: int = 0) -> int: ...

    def result(self, number_: int) -> Expr: ...


def _nest(chosen: list[tuple[Expr, Expr]], otherwise: Expr) -> Expr:
    result = otherwise
    for c, v in reversed(chosen):
        result = call("piecewise", c, v, result)
    return result


def piecewise_step(explainer: _Explainer, node: Expr, n: int, depth: int) -> Step:
    """The step for ``d/dx piecewise(...)``: the pieces' derivatives as steps of their own."""
    var = explainer.var
    chosen, otherwise = pieces(node)
    values = [v for _, v in chosen] + [otherwise]
    parts: list[int] = []
    derivatives: list[Expr] = []
    for v in values:
        if var in v.free_symbols:
            part = explainer.explain(v, depth + 1)
            parts.append(part)
            derivatives.append(explainer.result(part))
        else:
            derivatives.append(ZERO)
    conditions = [c for c, _ in chosen]
    formula = Cases(
        tuple(zip(conditions, [Deriv(v, var) for v in values[:-1]], strict=True)), Deriv(otherwise, var)
    )
    board: list[BoardFormula] = list(derivatives)
    substituted = Cases(tuple(zip(conditions, board[:-1], strict=True)), board[-1])
    result = _nest(list(zip(conditions, derivatives[:-1], strict=True)), derivatives[-1])
    return Step(
        n,
        depth,
        where_p.rule,
        where_p.notation,
        node,
        var,
        result,
        formula,
        substituted,
        note=_boundaries(node, var, values, derivatives),
        parts=tuple(dict.fromkeys(parts)),
    )


def _choice(node: Expr, var: Expr, at: float) -> int:
    """Which piece is chosen at ``var = at`` (the index into the values), for a function of ``var`` only."""
    chosen, _ = pieces(node)
    for k, (c, _) in enumerate(chosen):
        if bool(c.evaluate({var: at})):
            return k
    return len(chosen)


def _at(e: Expr, var: Expr, at: float) -> float:
    with np.errstate(all="ignore"):
        return float(e.evaluate({var: at}))


def _boundaries(node: Expr, var: Expr, values: list[Expr], derivatives: list[Expr]) -> str:
    """What happens where the pieces meet: a jump, a corner or a smooth joint, and the value taken there."""
    notes = []
    for lhs, rhs in dict.fromkeys(pair for c, _ in pieces(node)[0] for pair in boundary(c)):
        where = f"{lhs} = {rhs}"
        numeric = node.free_symbols == {var} and lhs is var and rhs.op is NUM
        if not numeric:
            notes.append(
                f"the pieces meet where {where}; there chainrule takes the chosen piece's derivative"
            )
            continue
        b = float(rhs.evaluate())
        step = 1e-9 * max(1.0, abs(b))
        left, here, right = (_choice(node, var, b + d) for d in (-step, 0.0, step))
        if left == right:
            continue
        ends = [_at(substitute(values[k], {var: rhs}), var, b) for k in (left, right)]
        slopes = [_at(substitute(derivatives[k], {var: rhs}), var, b) for k in (left, right, here)]
        taken = (
            f"at {var} = {b:g} itself chainrule takes the derivative of the piece chosen there "
            f"({values[here]}), {slopes[2]:g}"
        )
        if not np.isclose(ends[0], ends[1]):
            notes.append(
                f"at {where} the function jumps (from {ends[0]:g} to {ends[1]:g}) and has no derivative; "
                + taken
            )
        elif not np.isclose(slopes[0], slopes[1]):
            notes.append(
                f"at {where} the pieces meet at a corner: the slope is {slopes[0]:g} from the left and "
                f"{slopes[1]:g} from the right, and every slope between is a subderivative; {taken}"
            )
        else:
            notes.append(f"at {where} the pieces join smoothly (value {ends[0]:g}, slope {slopes[0]:g})")
    return "; ".join(notes)
