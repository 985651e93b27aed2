r"""LaTeX: ``\frac{1}{2 x}``, ``\sin^{2}\left(x\right)``, ``e^{x^{2}}``, ``\left|x\right|``."""

from __future__ import annotations

from fractions import Fraction

from chainrule.symbolic.conditions import CONDITIONS
from chainrule.symbolic.expr import HALF, NUM, Expr, Value
from chainrule.symbolic.functions import primitive
from chainrule.symbolic.printing.base import (
    ATOM,
    PREC_ADD,
    PREC_MUL,
    PREC_POW,
    Printed,
    Printer,
    ProductLayout,
    pieces,
)

__all__ = ["LatexPrinter", "to_latex"]

_GREEK = frozenset(
    [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "zeta",
        "eta",
        "theta",
        "iota",
        "kappa",
        "lambda",
        "mu",
        "nu",
        "xi",
        "rho",
        "sigma",
        "tau",
        "upsilon",
        "phi",
        "chi",
        "psi",
        "omega",
        "Gamma",
        "Delta",
        "Theta",
        "Lambda",
        "Xi",
        "Pi",
        "Sigma",
        "Upsilon",
        "Phi",
        "Psi",
        "Omega",
    ]
)


def _latex_of(op: str) -> str:
    """The LaTeX of the function ``op`` from its row: a name (``\\sin``) or a template in ``{x}``, ``{y}``."""
    prim = primitive(op)
    if prim is None or prim.formula is None:
        return f"\\operatorname{{{op}}}"
    return prim.formula.latex_name


def _power_on_name(op: str) -> bool:
    """sin^2(x) is written with the power on the name, for the functions whose rows ask for it."""
    prim = primitive(op)
    return prim is not None and prim.formula is not None and prim.formula.power_on_name


class LatexPrinter(Printer):
    """The LaTeX source of an expression (math mode, without the dollars)."""

    def print_number(self, value: Value) -> Printed:
        if type(value) is Fraction:
            sign = "-" if value < 0 else ""
            return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}", PREC_MUL
        text = repr(value) if type(value) is float else str(value)
        if "e" in text and type(value) is float:
            mantissa, exponent = text.split("e")
            text = f"{mantissa} \\cdot 10^{{{int(exponent)}}}"
        return text, (PREC_MUL if value < 0 or "cdot" in text else ATOM)

    def print_symbol(self, name: str) -> Printed:
        head, _, tail = name.partition("_")
        head = f"\\{head}" if head in _GREEK else head if len(head) == 1 else f"\\mathrm{{{head}}}"
        return (f"{head}_{{{tail}}}" if tail else head), ATOM

    def print_constant(self, name: str) -> Printed:
        return ("\\pi" if name == "pi" else name), ATOM

    def parens(self, text: str) -> str:
        return f"\\left({text}\\right)"

    def print_add(self, node: Expr) -> Printed:
        parts: list[tuple[bool, str]] = []
        for coeff, term in self.ordered_terms(node):
            if term is None:
                parts.append((coeff < 0, self.print_number(-coeff if coeff < 0 else coeff)[0]))
                continue
            layout = self.product(coeff, term.args if term.op == "mul" else (term,))
            parts.append((layout.negative, self.product_latex(layout)))
        return self.join_terms(parts), PREC_ADD

    def print_mul(self, node: Expr) -> Printed:
        layout = self.product(node.data, node.args)
        text = self.product_latex(layout)
        return ("-" + text if layout.negative else text), PREC_MUL

    def juxtapose(self, coeff: Value, factors: list[Expr], alone: bool = False) -> str:
        if alone and coeff == 1 and len(factors) == 1:  # all of a fraction's numerator or denominator
            return self(factors[0])
        texts = [self.wrap(f, PREC_MUL - 1) for f in factors]
        if coeff != 1 or not texts:
            texts.insert(0, self.print_number(coeff)[0])
        out = texts[0]
        for t in texts[1:]:
            # a number after anything would read as part of it: 2 \cdot 3^{x}
            out += (" \\cdot " if t[0].isdigit() else " ") + t
        return out

    def product_latex(self, p: ProductLayout) -> str:
        fraction = bool(p.denominator) or p.denominator_coeff != 1
        top = self.juxtapose(p.numerator_coeff, p.numerator, alone=fraction)
        if not fraction:
            return top
        bottom = self.juxtapose(p.denominator_coeff, p.denominator, alone=True)
        return f"\\frac{{{top}}}{{{bottom}}}"

    def print_pow(self, node: Expr) -> Printed:
        base, exponent = node.args
        if exponent is HALF:
            return f"\\sqrt{{{self(base)}}}", ATOM
        if exponent.op is NUM and exponent.data < 0 and (base.op is not NUM or exponent.data == -1):
            return self.product_latex(self.product(1, (node,))), PREC_MUL
        if exponent.op is NUM and type(exponent.data) is Fraction and exponent.data.numerator == 1:
            return f"\\sqrt[{exponent.data.denominator}]{{{self(base)}}}", ATOM
        if _power_on_name(base.op) and exponent.op is NUM and type(exponent.data) is int:
            name = _latex_of(base.op)
            return f"{name}^{{{exponent.data}}}\\left({self(base.args[0])}\\right)", PREC_POW
        base_text = self.wrap(base, PREC_POW)
        if "^" in base_text and not base_text.startswith("\\left("):  # (e^{x})^{2}, not e^{x}^{2}
            base_text = self.parens(base_text)
        return f"{base_text}^{{{self(exponent)}}}", PREC_POW

    def print_piecewise(self, node: Expr) -> Printed:
        chosen, otherwise = pieces(node)
        rows = [f"{self(v)} & \\text{{if }} {self(c)}" for c, v in chosen]
        rows.append(f"{self(otherwise)} & \\text{{otherwise}}")
        return "\\begin{cases} " + " \\\\ ".join(rows) + " \\end{cases}", PREC_MUL

    def print_condition(self, node: Expr) -> Printed:
        left, _, right, precedence = self.condition_sides(node)
        return f"{left} {CONDITIONS[node.op].latex} {right}", precedence

    def print_unknown(self, node: Expr) -> Printed:
        name, order = node.data
        head = self.print_symbol(name)[0]
        if self.bare_name(node) is not None:
            if self.leibniz and order:
                times = "" if order == 1 else f"^{{{order}}}"
                return f"\\frac{{d{times} {head}}}{{d {self(node.args[0])}{times}}}", ATOM
            return head + "'" * order, ATOM
        marks = "'" * order if order <= 3 else f"^{{({order})}}"
        return f"{head}{marks}\\left({self(node.args[0])}\\right)", ATOM

    def subexpression_name(self, k: int) -> str:
        return f"t_{{{k}}}"

    def with_definitions(self, main: str, definitions: list[tuple[str, str]]) -> str:
        rows = [f"& {name} = {text}" for name, text in definitions]
        return (
            "\\begin{aligned}& "
            + main
            + " \\\\ & \\text{where} \\\\ "
            + " \\\\ ".join(rows)
            + " \\end{aligned}"
        )

    def print_function(self, node: Expr) -> Printed:
        latex = _latex_of(node.op)
        texts = [self(a) for a in node.args]
        if "{x}" in latex:  # a template from the row: |x|, e^{x}, H_{y}(x)
            return latex.format(**dict(zip("xyz", texts, strict=False))), ATOM
        return f"{latex}\\left({', '.join(texts)}\\right)", ATOM


def to_latex(expr: Expr) -> str:
    r"""LaTeX source for ``expr``.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> print(to_latex(sym.parse("x^2/2 + sqrt(x) - 3 sin(x)^2 + e^x + abs(theta)")))
    \frac{x^{2}}{2} + \sqrt{x} + \left|\theta\right| - 3 \sin^{2}\left(x\right) + e^{x}
    """
    return LatexPrinter()(expr)
