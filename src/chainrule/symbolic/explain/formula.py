"""Formulas as a teacher writes them on the board: unsimplified, with derivative signs in them.

An explanation must show ``d/dx (f g) = f' g + f g'`` and ``= 2x · sin(x) + x² · cos(x)`` before anything is
collected, so its formulas are not expressions (which would simplify themselves) but small trees of
:class:`Deriv`, :class:`Sum`, :class:`Product`, :class:`Quotient` and :class:`Square` over expressions,
rendered in plain text or LaTeX, in Leibniz (``d/dx``) or Lagrange (``f′``) notation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from chainrule.symbolic.expr import Expr
from chainrule.symbolic.printing.base import ATOM, PREC_ADD, PREC_MUL, PREC_POW, Printer
from chainrule.symbolic.printing.latex import LatexPrinter
from chainrule.symbolic.printing.text import TextPrinter

__all__ = ["BoardFormula", "Cases", "Deriv", "Product", "Quotient", "Renderer", "Square", "Sum"]


@dataclass(frozen=True)
class Deriv:
    """The derivative of ``expr`` by ``var``; ``name`` abbreviates it (``du/dx`` for ``u``).

    ``outer`` marks an outer derivative ``d/du f(u)``, written ``f′(u)`` in Lagrange notation.
    """

    expr: Expr
    var: Expr
    name: str | None = None
    outer: str | None = None


@dataclass(frozen=True)
class Sum:
    """``± t1 ± t2 ...``: ``terms`` are ``(negative, formula)`` pairs."""

    terms: tuple[tuple[bool, BoardFormula], ...]


@dataclass(frozen=True)
class Product:
    factors: tuple[BoardFormula, ...]


@dataclass(frozen=True)
class Quotient:
    numerator: BoardFormula
    denominator: BoardFormula


@dataclass(frozen=True)
class Square:
    base: BoardFormula


@dataclass(frozen=True)
class Cases:
    """``piecewise(c1, f1, c2, f2, ..., otherwise)`` with formulas for pieces: ``pieces`` are ``(c, f)``."""

    pieces: tuple[tuple[Expr, BoardFormula], ...]
    otherwise: BoardFormula


BoardFormula = Union[Expr, Deriv, Sum, Product, Quotient, Square, Cases]  # noqa: UP007 (a runtime alias)


class Renderer:
    """Writes formulas in one format (``"text"``, ``"latex"``) and notation (``"leibniz"``/``"lagrange"``)."""

    def __init__(self, fmt: str = "text", notation: str = "leibniz") -> None:
        self.latex = fmt == "latex"
        self.leibniz = notation == "leibniz"
        self.printer: Printer = LatexPrinter() if self.latex else TextPrinter()

    def __call__(self, formula: BoardFormula) -> str:
        return self.render(formula)[0]

    def expr(self, e: Expr) -> str:
        return self.printer(e)

    def parens(self, text: str, prec: int, above: int) -> str:
        if prec > above:
            return text
        return f"\\left({text}\\right)" if self.latex else f"({text})"

    def render(self, f: BoardFormula) -> tuple[str, int]:
        if isinstance(f, Expr):
            return self.printer.of(f)
        if isinstance(f, Deriv):
            return self.derivative(f)
        if isinstance(f, Sum):
            out = ""
            for i, (negative, term) in enumerate(f.terms):
                text, prec = self.render(term)
                text = self.parens(text, prec, PREC_ADD if not negative else PREC_MUL - 1)
                out += ("-" if negative else "") + text if i == 0 else (" - " if negative else " + ") + text
            return out, PREC_ADD
        if isinstance(f, Product):
            sep = " \\cdot " if self.latex else " · "
            parts = [self.parens(*self.render(x), PREC_MUL - 1) for x in f.factors]
            # a factor after the first starting with a minus sign would read as a subtraction: parenthesize
            parts[1:] = [self.parens(p, PREC_ADD, PREC_ADD) if p.startswith("-") else p for p in parts[1:]]
            return sep.join(parts), PREC_MUL
        if isinstance(f, Quotient):
            top, bottom = self.render(f.numerator), self.render(f.denominator)
            if self.latex:
                return f"\\frac{{{top[0]}}}{{{bottom[0]}}}", PREC_MUL
            return f"{self.parens(*top, PREC_MUL - 1)} / {self.parens(*bottom, PREC_MUL)}", PREC_MUL
        if isinstance(f, Cases):
            return self.cases(f)
        base = self.parens(*self.render(f.base), PREC_POW)
        return (f"{base}^{{2}}" if self.latex else f"{base}^2"), PREC_POW

    def cases(self, f: Cases) -> tuple[str, int]:
        if self.latex:
            rows = [f"{self(v)} & \\text{{if }} {self.expr(c)}" for c, v in f.pieces]
            rows.append(f"{self(f.otherwise)} & \\text{{otherwise}}")
            return "\\begin{cases} " + " \\\\ ".join(rows) + " \\end{cases}", PREC_MUL
        parts = [text for c, v in f.pieces for text in (self.expr(c), self(v))]
        return f"piecewise({', '.join([*parts, self(f.otherwise)])})", ATOM

    def derivative(self, d: Deriv) -> tuple[str, int]:
        var = self.expr(d.var)
        prime = "'" if self.latex else "′"
        if d.name is not None:
            if self.leibniz:
                return (f"\\frac{{d{d.name}}}{{d{var}}}" if self.latex else f"d{d.name}/d{var}"), ATOM
            return f"{d.name}{prime}", ATOM
        if d.outer is not None and not self.leibniz:
            inner = self.expr(d.expr.args[0])
            name = self.printer.of(d.expr)[0].split("\\left(")[0] if self.latex else d.outer
            return f"{name}{prime}\\left({inner}\\right)" if self.latex else f"{name}{prime}({inner})", ATOM
        text, prec = self.printer.of(d.expr)
        if self.leibniz:
            body = text if prec >= PREC_POW else self.parens(text, prec, PREC_POW)
            return (f"\\frac{{d}}{{d{var}}} {body}" if self.latex else f"d/d{var} {body}"), PREC_MUL
        if d.expr.op == "symbol":
            return f"{text}{prime}", ATOM
        return f"{self.parens(text, prec, ATOM)}{prime}", ATOM
