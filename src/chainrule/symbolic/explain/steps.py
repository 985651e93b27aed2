"""What an explanation is made of: :class:`Step` (one rule applied) and :class:`Explanation` (all of them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from chainrule.symbolic.explain.formula import Formula
from chainrule.symbolic.expr import Expr

__all__ = ["Explanation", "Step"]


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
    formula: Formula | None = None
    substituted: Formula | None = None
    where: tuple[tuple[str, Expr], ...] = ()
    facts: tuple[tuple[Formula, Expr, str], ...] = ()
    note: str = ""
    parts: tuple[int, ...] = ()

    @property
    def trivial(self) -> bool:
        """A step a brief explanation leaves out: a constant or the variable itself."""
        return self.rule in ("constant rule", "identity rule")


@dataclass(frozen=True)
class Explanation:
    """The derivative of an expression worked out rule by rule.

    ``result`` is the same expression :func:`chainrule.symbolic.diff` returns. ``str()`` gives plain text;
    :meth:`to_markdown` and :meth:`to_latex` the other formats, which notebooks show by themselves.
    """

    expr: Expr
    var: Expr
    steps: tuple[Step, ...]
    result: Expr
    unsimplified: Expr
    detail: str = "full"
    notation: str = "leibniz"
    _cache: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<Explanation of d/d{self.var} {self.expr}: {len(self.steps)} steps, result {self.result}>"

    def to_text(self) -> str:
        """Plain text, one numbered step after another."""
        from chainrule.symbolic.explain.render import render_text

        return render_text(self)

    def to_markdown(self) -> str:
        """Markdown with LaTeX math, for notebooks and documentation."""
        from chainrule.symbolic.explain.render import render_markdown

        return render_markdown(self)

    def to_latex(self) -> str:
        """A LaTeX ``align*``-style block."""
        from chainrule.symbolic.explain.render import render_latex

        return render_latex(self)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        return f"$$\n{self.to_latex()}\n$$"
