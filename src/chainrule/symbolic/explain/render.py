"""An explanation (:class:`Explanation`, its steps) as plain text, Markdown with LaTeX math, and LaTeX.

Steps read in order: a rule's step opens with the rule applied (``d/dx log(u) · du/dx``), the steps for its
parts follow, indented, and then the rule's step closes with their results filled in, citing them; so no step
cites one shown later, and the numbers count up as one reads. A brief explanation leaves out constants and
the variable itself and numbers what it shows without gaps. Expressions read from text keep the order in
which they were typed (``sin(x)*y`` stays ``sin(x)*y``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chainrule.symbolic.explain.formula import Deriv, Renderer
from chainrule.symbolic.explain.steps import Step
from chainrule.symbolic.expr import Expr

__all__ = ["Explanation", "render_latex", "render_markdown", "render_text"]


def _shown(e: Explanation) -> list[Step]:
    return [s for s in e.steps if e.detail == "full" or not s.trivial]


def _numbers(e: Explanation) -> dict[int, int]:
    """Each shown step's number as displayed: consecutive, in reading order."""
    return {s.number: k for k, s in enumerate(_shown(e), 1)}


def _cited(step: Step, numbers: dict[int, int]) -> str:
    cited = [f"step {numbers[p]}" for p in step.parts if p in numbers]
    return f"    ({', '.join(cited)})" if cited else ""


def _renderer(e: Explanation, fmt: str) -> Renderer:
    r = Renderer(fmt, e.notation)
    r.printer.order = dict(e.order)
    return r


def _walk(e: Explanation) -> list[tuple[Step, bool]]:
    """``(step, opening)`` in reading order: a step opens, its parts follow, then it closes."""
    out: list[tuple[Step, bool]] = []
    open_steps: list[Step] = []
    for step in _shown(e):
        while open_steps and open_steps[-1].depth >= step.depth:
            out.append((open_steps.pop(), False))
        out.append((step, True))
        open_steps.append(step)
    out += [(s, False) for s in reversed(open_steps)]
    return out


def _worked(step: Step, full: bool) -> bool:
    """Whether a step is written in two halves (the rule, then the parts' results filled in)."""
    return full and step.formula is not None and step.rule != "simplify"


def render_text(e: Explanation) -> str:
    """Plain text: the answer, then the steps, indented by nesting."""
    r = _renderer(e, "text")
    full = e.detail == "full"
    numbers = _numbers(e)
    lines = [f"{r(Deriv(e.expr, e.var))} = {r.expr(e.result)}", ""]
    for step, opening in _walk(e):
        if opening:
            lines += _text_opening(step, r, full, numbers[step.number])
        elif _worked(step, full):
            lines += _text_closing(step, r, numbers)
    return "\n".join(lines)


def _header(step: Step, r: Renderer) -> str:
    where = ", ".join(f"{name} = {r.expr(value)}" for name, value in step.where)
    return step.rule + (f", with {where}" if where else "")


def _text_opening(step: Step, r: Renderer, full: bool, number: int) -> list[str]:
    pad = "   " * step.depth
    if step.rule == "simplify":
        raw = step.formula if isinstance(step.formula, Expr) else step.result
        if raw is step.result:
            return [f"{pad}{number}. simplify: {r.expr(step.result)} (nothing to simplify)"]
        return [f"{pad}{number}. simplify: {r.expr(raw)} = {r.expr(step.result)}"]
    lhs = r(Deriv(step.expr, step.var))
    if not _worked(step, full) or step.formula is None:
        line = f"{pad}{number}. {_header(step, r)}: {lhs} = {r.expr(step.result)}"
        if full and step.statement:
            line += f"    [{step.statement}]"
        return [line] + ([f"{pad}   note: {step.note}"] if full and step.note else [])
    lines = [f"{pad}{number}. {_header(step, r)}    [{step.statement}]", f"{pad}   {lhs} = {r(step.formula)}"]
    lines += [
        f"{pad}   where {r(formula)} = {r.expr(value)}    [{rule}]" for formula, value, rule in step.facts
    ]
    if not step.parts:
        lines += _text_closing(step, r, {}, again=False)
    return lines


def _text_closing(step: Step, r: Renderer, numbers: dict[int, int], again: bool = True) -> list[str]:
    """The second half of a worked step: after its parts, ``so d/dx ... = (their results filled in)``."""
    pad = "   " * step.depth
    lhs = r(Deriv(step.expr, step.var))
    start = f"{pad}   so {lhs}" if again else ""
    eq = " " * len(start) if again else " " * (len(pad) + 3 + len(lhs))
    lines = []
    if step.substituted is not None:
        lines.append(f"{start or eq} = {r(step.substituted)}{_cited(step, numbers)}")
        start = ""
    lines.append(f"{start or eq} = {r.expr(step.result)}")
    if step.note:
        lines.append(f"{pad}   note: {step.note}")
    return lines


def render_markdown(e: Explanation) -> str:
    """Markdown: a numbered list with the formulas as LaTeX math.

    Notebooks read Markdown as HTML: the prose is escaped (``<`` as ``&lt;``) and so is the math (``<`` as
    ``\\lt``), so nothing in an expression or a note can become a tag.
    """
    r = _renderer(e, "latex")
    full = e.detail == "full"
    numbers = _numbers(e)
    lines = [f"$${_math(r(Deriv(e.expr, e.var)))} = {_math(r(e.result))}$$", ""]
    for step, opening in _walk(e):
        indent = "   " * step.depth
        if not opening:
            if _worked(step, full) and step.parts:
                lines.append(f"{indent}   $${_math(_closing_latex(step, r))}$$" + _cited(step, numbers))
                if step.note:
                    lines.append(f"{indent}   *{_prose(step.note)}*")
            continue
        where = ", ".join(f"${_math(name)} = {_math(r(value))}$" for name, value in step.where)
        head = f"{indent}{numbers[step.number]}. **{_prose(step.rule)}**" + (
            f", with {where}" if where else ""
        )
        code = (step.statement or "").replace("`", "'")
        statement = f" — `{code}`" if step.statement and full else ""
        lines.append(head + statement)
        lines.append(f"{indent}   $${_math(_opening_latex(step, r, full))}$$")
        if step.note and full and not (_worked(step, full) and step.parts):
            lines.append(f"{indent}   *{_prose(step.note)}*")
    return "\n".join(lines)


def _prose(text: str) -> str:
    """Text for Markdown outside math: HTML's special characters escaped."""
    return html.escape(text, quote=False)


def _math(latex: str) -> str:
    """LaTeX for Markdown math: ``<`` and ``>`` as ``\\lt`` and ``\\gt``, which no HTML reader takes for
    a tag (``&`` stays: it aligns the pieces of ``cases``, and is followed by a space, not an entity)."""
    return latex.replace("<", "\\lt ").replace(">", "\\gt ")


def _opening_latex(step: Step, r: Renderer, full: bool) -> str:
    if step.rule == "simplify":
        raw = step.formula if isinstance(step.formula, Expr) else step.result
        return f"{r(raw)} = {r(step.result)}" if raw is not step.result else r(step.result)
    lhs = r(Deriv(step.expr, step.var))
    if not _worked(step, full):
        return f"{lhs} = {r(step.result)}"
    text = f"{lhs} = {r(step.formula)}" if step.formula is not None else lhs
    for formula, value, _ in step.facts:
        text += f", \\quad {r(formula)} = {r(value)}"
    if not step.parts:
        text += " " + _closing_latex(step, r)
    return text


def _closing_latex(step: Step, r: Renderer) -> str:
    parts = [r(step.substituted)] if step.substituted is not None else []
    return "".join(f"= {p} " for p in [*parts, r(step.result)]).strip()


def render_latex(e: Explanation) -> str:
    """LaTeX: an ``aligned`` block, one line per step (and one more where its parts' results come in)."""
    r = _renderer(e, "latex")
    full = e.detail == "full"
    numbers = _numbers(e)
    rows = [f"{r(Deriv(e.expr, e.var))} &= {r(e.result)}"]
    for step, opening in _walk(e):
        if opening:
            name = step.rule.replace("_", "\\_")
            rows.append(f"&\\text{{{numbers[step.number]}. {name}:}}\\quad {_opening_latex(step, r, full)}")
        elif _worked(step, full) and step.parts:
            cited = _cited(step, numbers).strip()
            rows.append(f"&\\quad {_closing_latex(step, r)}" + (f"\\quad\\text{{{cited}}}" if cited else ""))
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


@dataclass(frozen=True)
class Explanation:
    """The derivative of an expression worked out rule by rule.

    ``result`` is the same expression :func:`chainrule.symbolic.diff` returns. ``str()`` gives plain text;
    :meth:`to_markdown` and :meth:`to_latex` the other formats, which notebooks show by themselves.
    ``order`` keeps the order in which sums and products were typed, for printing.
    """

    expr: Expr
    var: Expr
    steps: tuple[Step, ...]
    result: Expr
    unsimplified: Expr
    detail: str = "full"
    notation: str = "leibniz"
    order: Mapping[Expr, Any] = field(default_factory=dict, repr=False, compare=False)

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
