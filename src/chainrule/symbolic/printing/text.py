"""Plain-text printing: ``x^2 + 2*x + 1``, ``1/(2*sqrt(x))``, ``e``, ``pi``.

The output reads back with :func:`chainrule.parse` to the same expression.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

from chainrule.symbolic.expr import HALF, NUM, ONE, Expr, Value
from chainrule.symbolic.parser import MAX_DEPTH
from chainrule.symbolic.printing.base import (
    ATOM,
    PREC_ADD,
    PREC_MUL,
    PREC_POW,
    Printed,
    Printer,
    ProductLayout,
    names_and_depth,
    pieces,
)
from chainrule.symbolic.unknowns import unknown_name

__all__ = ["CompactTextPrinter", "TextPrinter", "format_number", "nesting", "to_text"]

_MAX_LITERAL = 400  # digits, as the lexer reads
_PREFIX = ATOM - 1  # √x: as a base or a factor it needs no parentheses (√x^2 is (√x)^2)


def format_number(value: Value) -> str:
    """``2``, ``1/2``, ``0.1``, ``-3``: exact numbers exactly, floats by their shortest round-trip repr.

    What the parser reads back to the same number, always: ``inf`` as ``1e400``, ``nan`` as
    ``(1e400 - 1e400)``, an integer longer than a literal may be (400 digits) as a sum of literals times
    powers of ten.
    """
    if type(value) is Fraction:
        return f"{_integer(value.numerator)}/{_integer(value.denominator)}"
    if type(value) is float:
        if value != value:
            return "(1e400 - 1e400)"
        if value in (math.inf, -math.inf):
            return "1e400" if value > 0 else "-1e400"
        return repr(value)
    return _integer(int(value))


def _integer(value: int) -> str:
    text = str(abs(value))
    if len(text) <= _MAX_LITERAL:
        return str(value)
    terms = []
    for end in range(len(text), 0, -_MAX_LITERAL):
        digits = text[max(0, end - _MAX_LITERAL) : end].lstrip("0")
        shift = len(text) - end  # powers of ten up to 10^3000 stay exact in the parser (see algebra)
        scale = "*10^3000" * (shift // 3000) + (f"*10^{shift % 3000}" if shift % 3000 else "")
        if digits:
            terms.append(digits + scale)
    return f"{'-' if value < 0 else ''}({' + '.join(reversed(terms))})"


class TextPrinter(Printer):
    """The ``str()`` of an expression."""

    times = "*"

    def print_number(self, value: Value) -> Printed:
        text = format_number(value)
        if value < 0 or type(value) is Fraction:
            return text, PREC_MUL
        return text, ATOM

    def coefficient(self, value: Value) -> str:
        """A product's positive numeric coefficient (or the integer below its fraction bar)."""
        return format_number(value)

    def print_add(self, node: Expr) -> Printed:
        parts: list[tuple[bool, str]] = []
        for coeff, term in self.ordered_terms(node):
            if term is None:
                parts.append((coeff < 0, self.print_number(-coeff if coeff < 0 else coeff)[0]))
            else:
                parts.append(self.signed_product(coeff, term))
        return self.join_terms(parts), PREC_ADD

    def signed_product(self, coeff: Value, term: Expr) -> tuple[bool, str]:
        factors = term.args if term.op == "mul" else (term,)
        layout = self.product(coeff, factors)
        return layout.negative, self.product_text(layout)

    def print_mul(self, node: Expr) -> Printed:
        layout = self.product(node.data, node.args)
        text = self.product_text(layout)
        return ("-" + text if layout.negative else text), PREC_MUL

    def product_text(self, p: ProductLayout) -> str:
        top = [self.coefficient(p.numerator_coeff)] if p.numerator_coeff != 1 or not p.numerator else []
        top += [self.wrap(f, PREC_MUL - 1) for f in p.numerator]
        bottom = [self.coefficient(p.denominator_coeff)] if p.denominator_coeff != 1 else []
        bottom += [self.wrap(f, PREC_MUL - 1) for f in p.denominator]
        text = self.times.join(top)
        if not bottom:
            return text
        if p.denominator_coeff != 1 and any(f.op == "add" for f in p.denominator):
            # "2*(x + 1)" would read back as 2*x + 2, so the number divides separately: 1/(x + 1)/2
            divisor = self.coefficient(p.denominator_coeff)
            return f"{self.product_text(replace(p, denominator_coeff=1))}/{divisor}"
        if len(bottom) == 1:
            return f"{text}/{bottom[0]}"
        return f"{text}/({self.times.join(bottom)})"

    def print_pow(self, node: Expr) -> Printed:
        base, exponent = node.args
        if exponent is HALF:
            return f"sqrt({self(base)})", ATOM
        if exponent.op is NUM and exponent.data < 0 and (base.op is not NUM or exponent.data == -1):
            return self.print_mul_of(node)
        power = self.wrap(exponent, ATOM - 1)
        if power == "T":  # x^T would read back as a transpose (see the parser): x^(T)
            power = "(T)"
        return f"{self.wrap(base, PREC_POW)}^{power}", PREC_POW

    def print_mul_of(self, node: Expr) -> Printed:
        text = self.product_text(self.product(1, (node,)))
        return text, PREC_MUL

    def print_function(self, node: Expr) -> Printed:
        return f"{node.op}({', '.join(self(a) for a in node.args)})", ATOM

    def print_piecewise(self, node: Expr) -> Printed:
        chosen, otherwise = pieces(node)
        parts = [text for c, v in chosen for text in (self(c), self(v))]
        return f"piecewise({', '.join([*parts, self(otherwise)])})", ATOM

    def print_condition(self, node: Expr) -> Printed:
        left, sign, right, precedence = self.condition_sides(node)
        return f"{left} {sign} {right}", precedence

    def print_unknown(self, node: Expr) -> Printed:
        bare = self.bare_name(node)
        if bare is not None:
            return bare, (ATOM if "/" not in bare else PREC_MUL)
        return f"{unknown_name(node)}({self(node.args[0])})", ATOM


class CompactTextPrinter(TextPrinter):
    """Text with fewer parentheses, for expressions nested deeper than the parser reads: ``√√x`` for
    ``sqrt(sqrt(x))``, ``e^e^x`` for ``exp(exp(x))``, ``x^x^x`` for ``x^(x^x)``. The parser limits only
    parentheses, so ``√`` or ``^`` nested 5,000 deep parses, and must print as something that parses."""

    def print_pow(self, node: Expr) -> Printed:
        base, exponent = node.args
        if exponent is HALF:
            return f"√{self.wrap(base, PREC_POW)}", _PREFIX
        if exponent.op is NUM and exponent.data < 0 and (base.op is not NUM or exponent.data == -1):
            return self.print_mul_of(node)
        power = self.wrap(exponent, PREC_POW - 1)
        return f"{self.wrap(base, PREC_POW)}^{'(T)' if power == 'T' else power}", PREC_POW

    def print_function(self, node: Expr) -> Printed:
        if node.op == "exp" and node.args[0] is not ONE:
            return f"e^{self.wrap(node.args[0], PREC_POW - 1)}", PREC_POW
        return super().print_function(node)


def nesting(text: str) -> int:
    """How deeply parentheses nest in ``text``."""
    deepest = depth = 0
    for c in text:
        if c == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif c == ")":
            depth -= 1
    return deepest


def to_text(expr: Expr) -> str:
    """The plain-text form of ``expr``; nested deeper than the parser reads, in compact notation
    (:class:`CompactTextPrinter`).

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> to_text(sym.parse("1/(2*sqrt(x)) - x^2 + 3/2*x"))
    '-x^2 + 3*x/2 + 1/(2*sqrt(x))'
    """
    named, depth = names_and_depth(expr)  # (for both printers: the same names)
    if depth > _SURELY_TOO_DEEP:
        return CompactTextPrinter()(expr, named)
    text = TextPrinter()(expr, named)
    if text.count("(") > MAX_DEPTH and nesting(text) > MAX_DEPTH:  # (count first: C-fast, mostly enough)
        return CompactTextPrinter()(expr, named)
    return text


# Along any path down an expression, the plain printer opens a parenthesis at least every fourth node: only a
# sum's term, a product's factor and a power's base or exponent that is a name, number or function call go
# without one, and a function's arguments are always in parentheses. So an expression more than this deep
# prints nested deeper than the parser reads, and is printed compactly without trying the plain form first.
_SURELY_TOO_DEEP = 5 * MAX_DEPTH
