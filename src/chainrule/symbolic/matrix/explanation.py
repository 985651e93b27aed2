"""Matrix derivatives explained by differentials, each step an equality of expressions.

The method of the matrix-calculus lecture: take the differential of the expression rule by rule (linearity,
the product rule, ``d(X⁻¹) = -X⁻¹ dX X⁻¹``, Jacobi's formula, the elementwise chain rule ...), rearrange it
into the form that shows the derivative (``df = tr(Gᵀ dX)``, ``df = gᵀ dx``, ``dy = J dx``, or in indices
``dY_ij = Σ J_ijkl dX_kl``), read the derivative off, and lay it out. Every step states ``lhs = rhs = ...``
with expressions that can be evaluated (``d(U)`` by the engine's ``jvp`` in the direction ``dX``), so the
tests check each equality at random values; the last step's result is :func:`~.api.diff`'s.

Examples
--------
>>> from chainrule.symbolic.matrix import parse
>>> s = {"A": "n,n", "X": "n,n", "B": "n,n"}
>>> e = explain(parse("tr(A X B)", s), "X")
>>> [step.rule for step in e.steps][2:]
['rearrange into tr(M dX)', 'read off the gradient', 'layout']
>>> print(e)
d/dX tr(A X B) = A' B'    (A n×n, B n×n, X n×n; mixed layout)
<BLANKLINE>
1. linearity of the differential    [d tr(U) = tr(dU)]
   d(tr(A X B)) = tr(d(A X B))
                = tr(A dX B)    (step 2)
   2. product rule    [d(U V) = dU V + U dV]
      d(A X B) = A dX B
      note: A and B are constant: their differentials are 0
3. rearrange into tr(M dX)    [trace cyclicity: tr(P Q) = tr(Q P)]
   d(tr(A X B)) = tr(B A dX)
4. read off the gradient    [df = tr(Gᵀ dX) = tr(M dX) gives ∂f/∂X = G = Mᵀ]
   ∂f/∂X = (B A)'
         = A' B'
5. layout    [mixed: S_f + S_X, the shape of X (n×n)]
   ∂f/∂X = A' B'
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from chainrule.errors import ChainruleValueError
from chainrule.layouts import check_layout, layout_shape
from chainrule.symbolic.matrix import functions as fn
from chainrule.symbolic.matrix.algebra import (
    _chain_shape,
    differential_of,
    eye,
    linear,
    mul_all,
    number,
    transpose,
)
from chainrule.symbolic.matrix.api import as_matrix_expression, resolve
from chainrule.symbolic.matrix.closed import closed_form
from chainrule.symbolic.matrix.derivative import derivative, vec_form
from chainrule.symbolic.matrix.differential import apply_rule, differentials, rule_of
from chainrule.symbolic.matrix.dims import shape_text
from chainrule.symbolic.matrix.index import index_terms, tensor
from chainrule.symbolic.matrix.nodes import MatExpr, cons, postorder
from chainrule.symbolic.matrix.printing import LatexPrinter, TextPrinter
from chainrule.symbolic.matrix.simplify import _split, simplify

__all__ = ["MatrixExplanation", "MatrixStep", "explain"]

MAX_STEPS = 200


@dataclass(frozen=True)
class MatrixStep:
    """One step: ``lhs = chain[0] = chain[1] = ...`` by the rule named, each side an expression.

    ``lhs`` is None for the steps that name the derivative (read off, layout): their chain starts there.
    """

    number: int
    depth: int
    rule: str
    statement: str
    lhs: MatExpr | None
    chain: tuple[MatExpr, ...]
    note: str = ""
    parts: tuple[int, ...] = ()
    name: str = ""


@dataclass(frozen=True)
class MatrixExplanation:
    """The derivative of a matrix expression worked out by differentials."""

    expr: MatExpr
    var: MatExpr
    layout: str
    steps: tuple[MatrixStep, ...]
    result: MatExpr
    differential: MatExpr
    symbol: str = field(default="")

    def equalities(self) -> list[tuple[MatExpr, MatExpr]]:
        """Every equality the steps state, as pairs of expressions (for checking them numerically)."""
        pairs = []
        for step in self.steps:
            sides = ([step.lhs] if step.lhs is not None else []) + list(step.chain)
            pairs += list(itertools.pairwise(sides))
        return pairs

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        steps = len(self.steps)
        return f"<MatrixExplanation of d/d{self.var.name} {self.expr}: {steps} steps, result {self.result}>"

    def to_text(self) -> str:
        """Plain text, one numbered step after another."""
        return _render(self, TextPrinter(), text=True)

    def to_markdown(self) -> str:
        """Markdown with LaTeX math, for notebooks."""
        return _render(self, LatexPrinter(), text=False)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


# ---------------------------------------------------------------------------------------- building the steps


class _Explainer:
    def __init__(self, expr: MatExpr, var: MatExpr) -> None:
        self.expr, self.var = expr, var
        self.dvar = differential_of(var)
        self.values = differentials(expr, var)
        self.steps: list[MatrixStep | None] = []
        self.memo: dict[MatExpr, int] = {}

    def active(self, node: MatExpr) -> bool:
        return self.var in node.free_symbols

    def basic(self, node: MatExpr) -> bool:
        """The variable and its transpose, whose differentials are written at once: dX, dXᵀ."""
        return node is self.var or (node.op == "T" and node.args[0] is self.var)

    def placeholder(self, node: MatExpr) -> MatExpr | None:
        if node is self.var:
            return self.dvar
        if self.basic(node):
            return transpose(self.dvar)
        if not self.active(node):
            return None
        return cons("d", (node, self.dvar), None, node.shape, node.row)

    def explain(self, node: MatExpr, depth: int) -> int:
        known = self.memo.get(node)
        if known is not None:
            return known
        if len(self.steps) >= MAX_STEPS:
            raise ChainruleValueError(
                f"the explanation would take over {MAX_STEPS} steps; use diff() for the result"
            )
        index = len(self.steps)
        self.steps.append(None)
        self.memo[node] = index + 1
        formula = apply_rule(node, lambda i: self.placeholder(node.args[i]))
        parts = tuple(
            self.explain(a, depth + 1)
            for a in dict.fromkeys(node.args)
            if not self.basic(a) and self.active(a)
        )
        value = self.values.get(node)
        if formula is None or value is None:
            raise ChainruleValueError(
                f"{node} has no differential"
            )  # cannot happen: it depends on the variable
        chain = (formula,) if formula is value else (formula, value)
        rule = rule_of(node)
        lhs = cons("d", (node, self.dvar), None, node.shape, node.row)
        self.steps[index] = MatrixStep(
            index + 1, depth, rule.name, rule.statement, lhs, chain, _constants(node, self), parts
        )
        return index + 1

    def add(
        self, rule: str, statement: str, lhs: MatExpr | None, chain: tuple[MatExpr, ...], name: str = ""
    ) -> None:
        self.steps.append(MatrixStep(len(self.steps) + 1, 0, rule, statement, lhs, chain, name=name))

    def rearranged(self, rule: str, lhs: MatExpr, form: MatExpr) -> None:
        """The differential rearranged into ``form`` (no step if it is already written so)."""
        if str(form) != str(self.values[self.expr]):
            self.add(rule, _identities(self.values[self.expr], self.dvar), lhs, (form,))


def _constants(node: MatExpr, explainer: _Explainer) -> str:
    names = sorted({str(a) for a in node.args if a.shape and not explainer.active(a) and a.op == "var"})
    if not names or node.op not in ("matmul", "mul", "kron"):
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if len(names) == 1:
        return f"{listed} is constant: its differential is 0"
    return f"{listed} are constant: their differentials are 0"


def _product_with(m: MatExpr, dvar: MatExpr) -> tuple[list[MatExpr], MatExpr]:
    """``M dX`` as written, the differential last (not rearranged): its scalars, and the matrix product."""
    scalars, chain = _split(m)
    chain = [f for f in chain if f.op != "eye"]
    shape, row = _chain_shape([*chain, dvar])
    return scalars, cons("matmul", (*chain, dvar), None, shape, row) if chain else dvar


def _times_differential(m: MatExpr, dvar: MatExpr) -> MatExpr:
    scalars, product = _product_with(m, dvar)
    return mul_all([*scalars, product]) if scalars else product


def _identities(differential: MatExpr, dvar: MatExpr) -> str:
    ops = {n.op for n in postorder([differential])}
    transposed = any(n.op == "T" and n.args[0] is dvar for n in postorder([differential]))
    found = []
    if "tr" in ops:
        found.append("trace cyclicity: tr(P Q) = tr(Q P)")
    if transposed:
        found.append("transposes: a scalar is its own transpose, tr(Pᵀ) = tr(P)")
    if any(
        n.op == "mul" and sum(1 for a in n.args if a.shape) > 1 and dvar in n.free_symbols
        for n in postorder([differential])
    ):
        found.append("uᵀ (w ⊙ v) = (u ⊙ w)ᵀ v")
    if "sum" in ops:
        found.append("sum(U) = 1ᵀ U 1")
    if differential.op == "add":
        found.append("collect the terms")
    return "; ".join(found)


def _read_off(e: _Explainer, g: MatExpr) -> None:
    """The rearranged differential and the gradient read off it (a scalar by a vector or matrix)."""
    var, dvar = e.var, e.dvar
    m = simplify(transpose(g)) if var.ndim else g
    lhs = cons("d", (e.expr, dvar), None, (), False)
    if var.ndim == 2:
        scalars, product = _product_with(m, dvar)
        trace = cons("tr", (product,), None, ())
        rhs = mul_all([*scalars, trace]) if scalars else trace
        e.rearranged(f"rearrange into tr(M d{var.name})", lhs, rhs)
        statement = f"df = tr(Gᵀ d{var.name}) = tr(M d{var.name}) gives ∂f/∂{var.name} = G = Mᵀ"
        e.add("read off the gradient", statement, None, _distinct(cons("T", (m,), None, g.shape), g), "G")
    elif var.ndim == 1:
        e.rearranged(f"rearrange into gᵀ d{var.name}", lhs, _times_differential(m, dvar))
        e.add(
            "read off the gradient",
            f"df = gᵀ d{var.name} gives ∂f/∂{var.name} = g",
            None,
            _distinct(cons("T", (m,), None, g.shape), g),
            "g",
        )


def _distinct(*chain: MatExpr) -> tuple[MatExpr, ...]:
    out: list[MatExpr] = []
    for c in chain:
        if not out or str(out[-1]) != str(c):
            out.append(c)
    return tuple(out)


def _jacobian_form(e: _Explainer, mixed: MatExpr) -> None:
    """``dF = J dX`` (vectors), ``dF = F' dx`` (a scalar variable) or in indices, and ``J`` read off."""
    var, dvar, expr = e.var, e.dvar, e.expr
    lhs = cons("d", (expr, dvar), None, expr.shape, expr.row)
    if var.ndim == 0:
        e.rearranged(f"rearrange into ∂F/∂{var.name} d{var.name}", lhs, mul_all([dvar, mixed]))
        e.add(
            "read off the derivative", f"dF = F′ d{var.name} gives ∂F/∂{var.name} = F′", None, (mixed,), "F′"
        )
        return
    if _is_matrix_form(mixed, expr, var):
        e.rearranged(f"rearrange into J d{var.name}", lhs, _times_differential(mixed, dvar))
        e.add("read off the Jacobian", f"dy = J d{var.name} gives ∂y/∂{var.name} = J", None, (mixed,), "J")
        return
    out = "ij"[: expr.ndim]
    inp = "kl"[: var.ndim]
    contraction = _contracted(mixed, dvar, expr.ndim)
    e.add(
        f"rearrange into indices: dY_{out} = Σ J_{out}{inp} d{var.name}_{inp}",
        _identities(e.values[expr], dvar),
        lhs,
        (contraction,),
    )
    kron = vec_form(expr, var)
    if kron is not None:
        vec_lhs = fn.vec(lhs)
        e.add(
            "vec form",
            f"vec(dY) = J vec(d{var.name}), vec stacking columns",
            vec_lhs,
            (_times_differential(kron, fn.vec(dvar)),),
            "vec",
        )
    e.add("read off the derivative", f"∂Y_{out}/∂{var.name}_{inp} = J_{out}{inp}", None, (mixed,), "J")


def _contracted(jacobian: MatExpr, dvar: MatExpr, out_ndim: int) -> MatExpr:
    """``Σ_kl J_ijkl dX_kl``: each einsum term of ``J`` with ``dX`` as one more operand."""
    terms = (
        list(zip(jacobian.data[1], jacobian.args, strict=True)) if jacobian.op == "add" else [(1, jacobian)]
    )
    parts = []
    for c, term in terms:
        scalars, inner = (
            (
                [number(term.data)] + [a for a in term.args if not a.shape],
                next(a for a in term.args if a.shape),
            )
            if term.op == "mul"
            else ([], term)
        )
        if inner.op != "einsum":
            letters = "ijkl"[: inner.ndim]
            spec = f"{letters},{letters[out_ndim:]}->{letters[:out_ndim]}"
            parts.append((c, mul_all([*scalars, fn.einsum(spec, inner, dvar)])))
            continue
        inputs, output = inner.data.split("->")
        spec = f"{inputs},{output[out_ndim:]}->{output[:out_ndim]}"
        parts.append((c, mul_all([*scalars, fn.einsum(spec, *inner.args, dvar)])))
    return linear(parts)


def _is_matrix_form(mixed: MatExpr, expr: MatExpr, var: MatExpr) -> bool:
    return expr.ndim == 1 and var.ndim == 1 and not any(n.op == "einsum" for n in postorder([mixed]))


def _symmetric_step(e: _Explainer, unconstrained: MatExpr, mixed: MatExpr) -> None:
    name = e.var.name
    statement = (
        f"{name} is symmetric, so {name}_ij and {name}_ji are one variable: ∂f/∂{name} = G + Gᵀ - G ⊙ I "
        "(the Matrix Cookbook's convention)"
    )
    g = unconstrained
    if g.ndim == 2 and not e.expr.shape:
        hadamard = mul_all([g, eye(g.shape[0])])
        raw = cons("add", (g, transpose(g), hadamard), (0, (1, 1, -1)), g.shape)
        e.add("symmetric variable", statement, None, _distinct(raw, mixed))
    else:
        e.add(
            "symmetric variable",
            statement.replace("G + Gᵀ - G ⊙ I", "the same on its two axes"),
            None,
            (mixed,),
        )


def _layout_step(e: _Explainer, mixed: MatExpr, layout: str, result: MatExpr) -> None:
    expr, var = e.expr, e.var
    shape = layout_shape(expr.shape, var.shape, layout)
    s_y, s_x = f"S_{'f' if not expr.shape else 'F'}", f"S_{var.name}"
    meaning = {
        "mixed": f"{s_y} + {s_x}",
        "numerator": f"{s_y} + reversed({s_x})",
        "denominator": f"{s_x} + reversed({s_y})",
    }[layout]
    what = (
        f", the shape of {var.name} ({shape_text(var.shape)})"
        if not expr.shape and layout != "numerator"
        else f" = {shape_text(shape)}"
    )
    if result.ndim == 1:
        what += ", a row vector" if result.row else ", a column vector"
    chain: tuple[MatExpr, ...] = (result,)
    if mixed.ndim == 2 and result is not mixed and result.ndim == 2 and mixed.op != "einsum":
        chain = _distinct(cons("T", (mixed,), None, result.shape), result)
    e.add("layout", f"{layout}: {meaning}{what}", None, chain, "layout")


def explain(expr: Any, var: Any = None, *, shapes: Any = None, layout: str = "mixed") -> MatrixExplanation:
    """The derivative of a matrix expression (or text with ``shapes``) by ``var``, by differentials."""
    check_layout(layout, "explain")
    e = as_matrix_expression(expr, shapes)
    v = resolve(var, e, shapes)
    result = derivative(e, v, layout)
    explainer = _Explainer(e, v)
    if v not in e.free_symbols:
        explainer.add("constant", f"{e} does not depend on {v.name}: its derivative is 0", None, (result,))
        return MatrixExplanation(
            e, v, layout, tuple(s for s in explainer.steps if s is not None), result, result
        )
    if explainer.basic(e):
        lhs = cons("d", (e, explainer.dvar), None, e.shape, e.row)
        explainer.add("the variable", f"d({v.name}) = d{v.name}", lhs, (explainer.placeholder(e),))  # type: ignore[arg-type]
    else:
        explainer.explain(e, 0)
    mixed = derivative(e, v, "mixed")
    if v.symmetric:
        terms, labels = index_terms(explainer.values[e], v, e.shape)
        closed = (
            closed_form(terms, labels, tuple(range(e.ndim + v.ndim)), e.shape + v.shape)
            if e.ndim + v.ndim <= 2
            else None
        )
        unconstrained = simplify(closed if closed is not None else tensor((terms, labels), e.ndim + v.ndim))
    else:
        unconstrained = mixed
    if not e.shape and v.ndim:
        _read_off(explainer, unconstrained)
    else:
        _jacobian_form(explainer, unconstrained)
    if v.symmetric:
        _symmetric_step(explainer, unconstrained, mixed)
    _layout_step(explainer, mixed, layout, result)
    steps = tuple(s for s in explainer.steps if s is not None)
    return MatrixExplanation(e, v, layout, steps, result, explainer.values[e])


# ---------------------------------------------------------------------------------------- rendering


def _shapes(e: MatrixExplanation) -> str:
    return ", ".join(
        f"{v.name} {shape_text(v.shape)}" + (" symmetric" if v.symmetric else "") for v in e.expr.variables
    )


def _render(e: MatrixExplanation, printer: Any, text: bool) -> str:
    head = f"d/d{e.var.name} {printer(e.expr)} = {printer(e.result)}"
    context = f"({_shapes(e)}; {e.layout} layout)"
    lines = [f"{head}    {context}" if text else f"$${_latex_head(e, printer)}$$ {context}", ""]
    for step in e.steps:
        lines += _text_step(step, printer, e) if text else _markdown_step(step, printer, e)
    return "\n".join(lines)


def _latex_head(e: MatrixExplanation, printer: Any) -> str:
    return f"\\frac{{\\partial}}{{\\partial {e.var.name}}} {printer(e.expr)} = {printer(e.result)}"


def _name(e: MatrixExplanation) -> str:
    var = e.var.name
    f = "f" if not e.expr.shape else ("y" if e.expr.ndim == 1 else "Y")
    return f"∂{f}/∂{var}"


def _text_step(step: MatrixStep, printer: Any, e: MatrixExplanation) -> list[str]:
    pad = "   " * step.depth
    lines = [f"{pad}{step.number}. {step.rule}" + (f"    [{step.statement}]" if step.statement else "")]
    lhs = printer(step.lhs) if step.lhs is not None else _name(e)
    if step.rule == "vec form":
        lhs = printer(step.lhs)
    first = f"{pad}   {lhs} = "
    for i, part in enumerate(step.chain):
        text = printer(part)
        if i == 0:
            lines.append(
                first
                + text
                + (
                    f"    ({', '.join(f'step {p}' for p in step.parts)})"
                    if step.parts and len(step.chain) == 1
                    else ""
                )
            )
        else:
            refs = (
                f"    ({', '.join(f'step {p}' for p in step.parts)})"
                if step.parts and i == len(step.chain) - 1
                else ""
            )
            lines.append(" " * (len(first) - 2) + "= " + text + refs)
    if step.note:
        lines.append(f"{pad}   note: {step.note}")
    return lines


def _markdown_step(step: MatrixStep, printer: Any, e: MatrixExplanation) -> list[str]:
    indent = "  " * step.depth
    f = "f" if not e.expr.shape else ("y" if e.expr.ndim == 1 else "Y")
    lhs = printer(step.lhs) if step.lhs is not None else f"\\frac{{\\partial {f}}}{{\\partial {e.var.name}}}"
    chain = " = ".join([lhs, *(printer(p) for p in step.chain)])
    lines = [
        f"{indent}{step.number}. **{step.rule}** — `{step.statement}`"
        if step.statement
        else f"{indent}{step.number}. **{step.rule}**"
    ]
    lines.append(f"{indent}   $${chain}$$")
    if step.note:
        lines.append(f"{indent}   *{step.note}*")
    return lines
