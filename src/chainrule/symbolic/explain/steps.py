"""What an explanation is made of: :class:`Step`, one rule applied to one subexpression."""

from __future__ import annotations

from dataclasses import dataclass

from chainrule.symbolic.explain.formula import BoardFormula
from chainrule.symbolic.expr import Expr

__all__ = ["Step"]


@dataclass(frozen=True)
class Step:
    """One rule applied to one subexpression.

    Attributes
    ----------
    number:
        The step's number in the explanation (1, 2, ...).
    depth:
        How deep it is inside other steps (0 for the outermost rule).
    rule:
        The calculus rule's name ("chain rule", "product rule", "sine rule" ...), from the rule table.
    statement:
        The rule in general form ("(f g)' = f' g + f g'"), from the primitive's ``notation``.
    expr:
        What this step differentiates.
    formula:
        The rule applied to ``expr``, with derivatives of its parts still unworked (None for a basic rule).
    substituted:
        The same with the parts' derivatives filled in, before simplifying.
    result:
        The derivative of ``expr``.
    where:
        Names introduced by the step: ``(("u", sqrt(x)),)`` for a chain rule.
    facts:
        Derivatives used along the way, such as the outer derivative of a chain rule:
        ``(formula, value, the rule that gives it)``.
    note:
        What happens at a kink (the subderivative interval and the convention chosen), if anything.
    parts:
        The numbers of the steps that work out the parts' derivatives.
    """

    number: int
    depth: int
    rule: str
    statement: str
    expr: Expr
    var: Expr
    result: Expr
    formula: BoardFormula | None = None
    substituted: BoardFormula | None = None
    where: tuple[tuple[str, Expr], ...] = ()
    facts: tuple[tuple[BoardFormula, Expr, str], ...] = ()
    note: str = ""
    parts: tuple[int, ...] = ()

    @property
    def trivial(self) -> bool:
        """A step a brief explanation leaves out: a constant or the variable itself."""
        return self.rule in ("constant rule", "identity rule")
