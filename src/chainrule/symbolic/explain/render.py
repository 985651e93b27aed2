"""An explanation (:class:`Explanation`, its steps) as plain text, Markdown with LaTeX math, and LaTeX."""

from __future__ import annotations

from dataclasses import dataclass

from chainrule.symbolic.explain.formula import Deriv, Renderer
from chainrule.symbolic.explain.steps import Step
from chainrule.symbolic.expr import Expr

__all__ = ["Explanation", "render_latex", "render_markdown", "render_text"]


def _shown(e: Explanation) -> list[Step]:
    return [s for s in e.steps if e.detail == "full" or not s.trivial]


def _header(step: Step) -> str:
    where = ", ".join(f"{name} = {value}" for name, value in step.where)
    return step.rule + (f", with {where}" if where else "")


def render_text(e: Explanation) -> str:
    """Plain text: the answer, then the steps, indented by nesting."""
    r = Renderer("text", e.notation)
    lines = [f"{r(Deriv(e.expr, e.var))} = {e.result}", ""]
    for step in _shown(e):
        lines += _text_step(step, r, e.detail == "full")
    return "\n".join(lines)


def _text_step(step: Step, r: Renderer, full: bool) -> list[str]:
    pad = "   " * step.depth
    if step.rule == "simplify":
        if step.formula is step.result:
            return [f"{pad}{step.number}. simplify: {step.result} (nothing to simplify)"]
        return [f"{pad}{step.number}. simplify: {step.formula} = {step.result}"]
    lhs = r(Deriv(step.expr, step.var))
    if not full or step.formula is None:
        line = f"{pad}{step.number}. {_header(step)}: {lhs} = {step.result}"
        if full and step.statement:
            line += f"    [{step.statement}]"
        return [line] + ([f"{pad}   note: {step.note}"] if full and step.note else [])
    eq = " " * (len(pad) + 3 + len(lhs))
    lines = [
        f"{pad}{step.number}. {_header(step)}    [{step.statement}]",
        f"{pad}   {lhs} = {r(step.formula)}",
    ]
    for formula, value, rule in step.facts:
        lines.append(f"{pad}   where {r(formula)} = {value}    [{rule}]")
    if step.substituted is not None:
        lines.append(f"{eq} = {r(step.substituted)}")
    if step.parts:
        lines[-1] += "    (" + ", ".join(f"step {p}" for p in step.parts) + ")"
    lines.append(f"{eq} = {step.result}")
    if step.note:
        lines.append(f"{pad}   note: {step.note}")
    return lines


def render_markdown(e: Explanation) -> str:
    """Markdown: a numbered list with the formulas as LaTeX math."""
    r = Renderer("latex", e.notation)
    full = e.detail == "full"
    lines = [f"$${r(Deriv(e.expr, e.var))} = {r(e.result)}$$", ""]
    for step in _shown(e):
        indent = "  " * step.depth
        where = ", ".join(f"${name} = {r(value)}$" for name, value in step.where)
        head = f"{indent}{step.number}. **{step.rule}**" + (f", with {where}" if where else "")
        statement = f" — `{step.statement}`" if step.statement and full else ""
        lines.append(head + statement)
        lines.append(f"{indent}   $${_chain_latex(step, r, full)}$$")
        if step.note and full:
            lines.append(f"{indent}   *{step.note}*")
    return "\n".join(lines)


def _chain_latex(step: Step, r: Renderer, full: bool) -> str:
    if step.rule == "simplify":
        raw = step.formula if step.formula is not None else step.result
        return f"{r(raw)} = {r(step.result)}" if raw is not step.result else r(step.result)
    parts = [r(Deriv(step.expr, step.var))]
    if full and step.formula is not None:
        parts.append(r(step.formula))
        if step.substituted is not None:
            parts.append(r(step.substituted))
    parts.append(r(step.result))
    text = " = ".join(parts)
    if full:
        for formula, value, _ in step.facts:
            text += f", \\quad {r(formula)} = {r(value)}"
    return text


def render_latex(e: Explanation) -> str:
    """LaTeX: an ``aligned`` block, one line per step, rule names as text."""
    r = Renderer("latex", e.notation)
    rows = [f"{r(Deriv(e.expr, e.var))} &= {r(e.result)}"]
    for step in _shown(e):
        name = step.rule.replace("_", "\\_")
        rows.append(f"&\\text{{{step.number}. {name}:}}\\quad {_chain_latex(step, r, e.detail == 'full')}")
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


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

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<Explanation of d/d{self.var} {self.expr}: {len(self.steps)} steps, result {self.result}>"

    def to_text(self) -> str:
        """Plain text, one numbered step after another."""
        return render_text(self)

    def to_markdown(self) -> str:
        """Markdown with LaTeX math, for notebooks and documentation."""
        return render_markdown(self)

    def to_latex(self) -> str:
        """A LaTeX ``align*``-style block."""
        return render_latex(self)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        return f"$$\n{self.to_latex()}\n$$"
