r"""Matrix expressions as text that :func:`~chainrule.symbolic.matrix.parse` reads back, and as LaTeX.

Text uses the syntax of the parser: juxtaposition for the matrix product and for scaling (``2 A x``,
``det(X) X^-T``), ``'`` for the transpose, ``.*`` ``./`` ``.^`` for elementwise operations, ``X^-1`` for
the inverse, ``eye(n)``, ``ones(n)`` and ``zeros(n, k)`` for constant arrays. LaTeX writes ``^\top``,
``\odot``, ``\oslash``, ``\otimes``, ``\operatorname{tr}`` and ``\lVert x \rVert``; an einsum is written
in index notation with its sums.

Examples
--------
>>> from chainrule.symbolic.matrix import parse
>>> e = parse("x .* (A x) + sigmoid(a' x) a", {"x": "n", "a": "n", "A": "n,n"})
>>> print(e)
sigmoid(a' x) a + x .* (A x)
>>> print(e.latex())
\sigma\left(a^\top x\right) a + x \odot \left(A x\right)
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from chainrule.symbolic.functions import primitive
from chainrule.symbolic.matrix.algebra import number, power
from chainrule.symbolic.matrix.nodes import MatExpr

__all__ = ["LatexPrinter", "TextPrinter", "to_latex", "to_text"]

ADD, NEG, MUL, POW, POSTFIX, ATOM = 10, 15, 20, 40, 50, 100
Printed = tuple[str, int]


def _number_text(value: Any) -> Printed:
    if type(value) is Fraction:
        return f"{value.numerator}/{value.denominator}", MUL if value > 0 else NEG
    text = repr(value)
    return text, NEG if value < 0 else ATOM


class _Printer:
    """The walk and the layout decisions every format shares; formats spell the pieces."""

    def __init__(self) -> None:
        self.memo: dict[MatExpr, Printed] = {}

    def __call__(self, node: MatExpr) -> str:
        return self.of(node)[0]

    def of(self, node: MatExpr) -> Printed:
        found = self.memo.get(node)
        if found is None:
            method: Callable[[MatExpr], Printed] = getattr(self, f"print_{node.op}", self.print_other)
            found = self.memo[node] = method(node)
        return found

    def wrap(self, node: MatExpr, above: int) -> str:
        """The text of ``node``, in parentheses unless its precedence is above ``above``."""
        text, prec = self.of(node)
        return text if prec > above else self.parens(text)

    def parens(self, text: str) -> str:
        return f"({text})"

    # ---------------------------------------------------------------- sums

    def print_add(self, node: MatExpr) -> Printed:
        const, coeffs = node.data
        parts = []
        # positive terms first: x - a, not -a + x (the canonical order, by text, is kept otherwise)
        ordered = sorted(zip(coeffs, node.args, strict=True), key=lambda ct: ct[0] < 0)
        for c, t in ordered:
            negative, text = self.signed_product(abs(c), t)
            parts.append((negative != (c < 0), text))
        if const != 0:
            constant = (const < 0, self.number(abs(const))[0])
            if const > 0 and parts[0][0]:
                parts.insert(0, constant)
            else:
                parts.append(constant)
        out = ("-" if parts[0][0] else "") + parts[0][1]
        for negative, text in parts[1:]:
            out += (" - " if negative else " + ") + text
        return out, ADD

    def signed_product(self, c: Any, term: MatExpr) -> tuple[bool, str]:
        if c == 1:
            text, prec = self.of(term)
            if prec == NEG and text.startswith("-"):
                return True, text[1:]
            return False, text if prec > ADD else self.parens(text)
        return self.product_text(c, term.args if term.op == "mul" else (term,), term.shape != ())

    # ---------------------------------------------------------------- products

    def print_mul(self, node: MatExpr) -> Printed:
        negative, text = self.product_text(node.data, node.args, node.shape != ())
        return ("-" + text, NEG) if negative else (text, MUL)

    def product_text(self, coeff: Any, factors: tuple[MatExpr, ...], array: bool) -> tuple[bool, str]:
        above: list[MatExpr] = []
        below: list[MatExpr] = []
        for f in factors:
            if f.op == "pow" and f.args[1].op == "num" and f.args[1].data < 0:
                below.append(_positive_power(f))
            else:
                above.append(f)
        scalars = [self.scalar_factor(f, len(factors) > 1) for f in above if not f.shape]
        arrays = [f for f in above if f.shape]
        negative = coeff < 0
        magnitude = -coeff if negative else coeff
        head = [] if magnitude == 1 and (scalars or arrays) else [self.coefficient(magnitude)]
        text = self.juxtapose(head + scalars)
        if arrays:
            hadamard = self.hadamard([self.wrap(a, MUL if len(arrays) > 1 else ADD) for a in arrays])
            text = self.juxtapose([text, hadamard]) if text else hadamard
        if not text:
            text = "1"
        for f in below:
            text = self.divide(text, self.wrap(f, MUL), f.shape != ())
        return negative, text

    def scalar_factor(self, f: MatExpr, among_others: bool) -> str:
        if f.op == "matmul" and among_others:  # (a' x) b, not a' x b
            return self.parens(self.of(f)[0])
        return self.wrap(f, MUL if f.op != "matmul" else NEG)

    def coefficient(self, value: Any) -> str:
        return self.number(value)[0]

    def print_pow(self, node: MatExpr) -> Printed:
        base, exponent = node.args
        if exponent.op == "num" and exponent.data == Fraction(1, 2):
            return self.call("sqrt", [self(base)]), ATOM
        if exponent.op == "num" and exponent.data < 0:
            return self.print_mul_of(node)
        return self.power(self.wrap(base, POW), self.exponent(exponent), node.shape != ()), POW

    def print_mul_of(self, node: MatExpr) -> Printed:
        return self.product_text(1, (node,), node.shape != ())[1], MUL

    # ---------------------------------------------------------------- matrix products and transposes

    def print_matmul(self, node: MatExpr) -> Printed:
        return self.juxtapose([self.wrap(f, MUL) for f in node.args]), MUL

    def print_mpow(self, node: MatExpr) -> Printed:
        base, k = node.args[0], node.data
        if base.op == "T" and k == -1:
            return self.inverse_transpose(self.wrap(base.args[0], POW)), POW
        return self.power(self.wrap(base, POW), self.number(k)[0], False), POW

    def print_T(self, node: MatExpr) -> Printed:
        return self.transposed(self.wrap(node.args[0], POW)), POSTFIX

    # ---------------------------------------------------------------- leaves and functions

    def print_var(self, node: MatExpr) -> Printed:
        return self.symbol(node.name), ATOM

    def print_num(self, node: MatExpr) -> Printed:
        return self.number(node.data)

    def print_dim(self, node: MatExpr) -> Printed:
        return str(node.data), MUL if "*" in str(node.data) else ATOM

    def print_fn(self, node: MatExpr) -> Printed:
        return self.function(node.data, [self(a) for a in node.args]), ATOM

    def print_d(self, node: MatExpr) -> Printed:
        return self.call("d", [self(node.args[0])]), ATOM

    def print_other(self, node: MatExpr) -> Printed:
        return self.call(node.op, [self(a) for a in node.args]), ATOM

    def number(self, value: Any) -> Printed:
        return _number_text(value)

    def exponent(self, e: MatExpr) -> str:
        if e.op == "num" and isinstance(e.data, int):
            return str(e.data)
        return self.wrap(e, POSTFIX)

    # ---------------------------------------------------------------- spellings (text)

    def symbol(self, name: str) -> str:
        return name

    def juxtapose(self, parts: list[str]) -> str:
        return " ".join(p for p in parts if p)

    def hadamard(self, parts: list[str]) -> str:
        return " .* ".join(parts)

    def divide(self, numerator: str, denominator: str, elementwise: bool) -> str:
        return f"{numerator} ./ {denominator}" if elementwise else f"{numerator}/{denominator}"

    def power(self, base: str, exponent: str, elementwise: bool) -> str:
        return f"{base}{'.^' if elementwise else '^'}{exponent}"

    def transposed(self, base: str) -> str:
        return f"{base}'"

    def inverse_transpose(self, base: str) -> str:
        return f"{base}^-T"

    def call(self, name: str, args: list[str]) -> str:
        return f"{name}({', '.join(args)})"

    def function(self, name: str, args: list[str]) -> str:
        return self.call(name, args)


def _positive_power(f: MatExpr) -> MatExpr:
    return power(f.args[0], number(-f.args[1].data))


class TextPrinter(_Printer):
    """Text in the parser's syntax."""

    def print_dvar(self, node: MatExpr) -> Printed:
        return f"d{node.data}", ATOM

    def print_zero(self, node: MatExpr) -> Printed:
        return self._constant("zeros", node)

    def print_ones(self, node: MatExpr) -> Printed:
        return self._constant("ones", node)

    def print_eye(self, node: MatExpr) -> Printed:
        return f"eye({node.shape[0]})", ATOM

    def _constant(self, name: str, node: MatExpr) -> Printed:
        text = f"{name}({', '.join(str(d) for d in node.shape)})"
        return (text + "'", POSTFIX) if node.row else (text, ATOM)

    def print_diagm(self, node: MatExpr) -> Printed:
        return self.call("diag", [self(node.args[0])]), ATOM

    print_diagv = print_diagm

    def print_norm2(self, node: MatExpr) -> Printed:
        return self.call("norm", [self(node.args[0])]), ATOM

    def print_lse(self, node: MatExpr) -> Printed:
        return self.call("logsumexp", [self(node.args[0])]), ATOM

    def print_comm(self, node: MatExpr) -> Printed:
        return self.call("commutation", [str(d) for d in node.data]), ATOM

    def print_einsum(self, node: MatExpr) -> Printed:
        return self.call("einsum", [f'"{node.data}"'] + [self(a) for a in node.args]), ATOM


def to_text(node: MatExpr) -> str:
    """Text in the parser's syntax: ``parse(to_text(e), e.shapes)`` is ``e``."""
    return TextPrinter()(node)


_LATEX_CALLS = {
    "tr": r"\operatorname{tr}",
    "det": r"\det",
    "logdet": r"\log\det",
    "sum": r"\operatorname{sum}",
    "diagm": r"\operatorname{diag}",
    "diagv": r"\operatorname{diag}",
    "softmax": r"\operatorname{softmax}",
    "lse": r"\operatorname{logsumexp}",
    "vec": r"\operatorname{vec}",
    "d": r"\mathrm{d}",
}


class LatexPrinter(_Printer):
    """LaTeX source (math mode, without the dollars)."""

    def parens(self, text: str) -> str:
        return f"\\left({text}\\right)"

    def number(self, value: Any) -> Printed:
        if type(value) is Fraction:
            sign = "-" if value < 0 else ""
            return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}", MUL if value > 0 else NEG
        return _number_text(value)

    def symbol(self, name: str) -> str:
        head, _, tail = name.partition("_")
        return f"{head}_{{{tail}}}" if tail else name

    def hadamard(self, parts: list[str]) -> str:
        return r" \odot ".join(parts)

    def divide(self, numerator: str, denominator: str, elementwise: bool) -> str:
        if elementwise:
            return f"{numerator} \\oslash {denominator}"
        return f"\\frac{{{numerator}}}{{{_unwrapped(denominator)}}}"

    def power(self, base: str, exponent: str, elementwise: bool) -> str:
        circle = "\\circ " if elementwise else ""
        return base + "^{" + circle + _unwrapped(exponent) + "}"

    def transposed(self, base: str) -> str:
        return f"{base}^\\top"

    def inverse_transpose(self, base: str) -> str:
        return f"{base}^{{-\\top}}"

    def call(self, name: str, args: list[str]) -> str:
        spelled = _LATEX_CALLS.get(name) or "\\operatorname{" + name + "}"
        return spelled + "\\left(" + ", ".join(args) + "\\right)"

    def function(self, name: str, args: list[str]) -> str:
        prim = primitive(name)
        latex = prim.formula.latex_name if prim is not None and prim.formula is not None else name
        if "{x}" in latex:
            return latex.format(x=args[0], y=args[1] if len(args) > 1 else "")
        return f"{latex}\\left({', '.join(args)}\\right)"

    def print_dvar(self, node: MatExpr) -> Printed:
        return f"\\mathrm{{d}}{self.symbol(node.data)}", ATOM

    def print_zero(self, node: MatExpr) -> Printed:
        return "0", ATOM

    def print_ones(self, node: MatExpr) -> Printed:
        text = f"\\mathbf{{1}}_{{{_dims(node.shape)}}}"
        return (text + "^\\top", POSTFIX) if node.row else (text, ATOM)

    def print_eye(self, node: MatExpr) -> Printed:
        return f"I_{{{node.shape[0]}}}", ATOM

    def print_norm2(self, node: MatExpr) -> Printed:
        frobenius = "_F" if node.args[0].ndim == 2 else ""
        return f"\\left\\lVert {self(node.args[0])} \\right\\rVert{frobenius}", ATOM

    def print_kron(self, node: MatExpr) -> Printed:
        return f"{self.wrap(node.args[0], MUL)} \\otimes {self.wrap(node.args[1], MUL)}", MUL

    def print_comm(self, node: MatExpr) -> Printed:
        return f"K_{{{node.data[0]},{node.data[1]}}}", ATOM

    def print_dim(self, node: MatExpr) -> Printed:
        return str(node.data).replace("*", " "), ATOM

    def print_einsum(self, node: MatExpr) -> Printed:
        inputs, output = node.data.split("->")
        parts = inputs.split(",")
        summed = sorted(set("".join(parts)) - set(output))
        body = " ".join(
            f"{self.wrap(a, POSTFIX)}_{{{p}}}" if p else self.wrap(a, MUL)
            for a, p in zip(node.args, parts, strict=True)
        )
        sums = f"\\sum_{{{','.join(summed)}}} " if summed else ""
        return f"\\left[{sums}{body}\\right]_{{{output}}}", ATOM


def _dims(shape: tuple[Any, ...]) -> str:
    return "\\times ".join(str(d) for d in shape)


def _unwrapped(text: str) -> str:
    """``text`` without the parentheses around all of it, if there are such parentheses."""
    for opening, closing in (("\\left(", "\\right)"), ("(", ")")):
        if text.startswith(opening) and text.endswith(closing):
            inner = text[len(opening) : len(text) - len(closing)]
            depth = 0
            for i in range(len(inner)):
                if inner.startswith(opening, i):
                    depth += 1
                elif inner.startswith(closing, i):
                    depth -= 1
                    if depth < 0:
                        return text
            return inner
    return text


def to_latex(node: MatExpr) -> str:
    """LaTeX source for a matrix expression."""
    return LatexPrinter()(node)
