"""Numbers read as written, text that reads back, large outputs kept small, deep chains in linear time."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import symbolic as sym
from chainrule.symbolic.parser import MAX_DEPTH
from chainrule.symbolic.printing.base import shared_subexpressions
from chainrule.symbolic.printing.text import nesting

# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("0x10", 0, "hexadecimal"),
        ("2 + 0o17", 4, "octal"),
        ("0b101*x", 0, "binary"),
        ("1e", 1, "no exponent"),
        ("3*1E + x", 3, "no exponent"),
        ("1e+x", 1, "no exponent"),
        ("1j", 1, "imaginary"),
        ("x + 2.5J", 7, "imaginary"),
        ("1__000", 1, "underscore"),
        ("1_", 1, "underscore"),
        ("x^" + "⁹" * 401, 2, "over 400 digits"),
    ],
)
def test_numbers_python_reads_otherwise_are_parse_errors(text: str, position: int, message: str) -> None:
    with pytest.raises(sym.ParseError, match=message) as info:
        sym.parse(text)
    assert info.value.position == position
    assert "^" in str(info.value).splitlines()[-1]  # the caret


@pytest.mark.parametrize(
    ("text", "value"),
    [("1_000", 1000), ("1_000.5", 1000.5), ("2e1_0", 2e10), ("1e400", np.inf), ("0x", 0), ("2exp(x)", None)],
)
def test_numbers_python_reads_the_same_way(text: str, value: float | None) -> None:
    e = sym.parse(text)
    if value is not None:
        assert float(e) == value
    assert str(sym.parse("2exp(x)")) == "2*exp(x)"  # a name after a number is still a product


@pytest.mark.parametrize(("text", "position"), [("0/0", 1), ("x + 0*(1/0)", 5), ("(x - x)/0", 7)])
def test_zero_over_zero_is_refused_not_zero(text: str, position: int) -> None:
    with pytest.raises(sym.ParseError, match="undefined") as info:
        sym.parse(text)
    assert info.value.position == position
    assert sym.parse("1/0").evaluate() == np.inf  # a division by zero alone is NumPy's inf
    assert sym.parse("x/0").evaluate(x=-2.0) == -np.inf


# ------------------------------------------------------------------ str() reads back


@pytest.mark.parametrize(
    "text",
    [
        "1e400",
        "-1e400*x",
        "0*1e400",
        "x*(1e400 - 1e400)",
        "9" * 400 + "*9",
        "(9^399)^5*x - 7",
        "x/(9^399)^3",
        "√" * 300 + "x",
        "√" * 99 + "(x + 1)",
        "e^" * 300 + "x",
        "^".join(["x"] * 300),
        "sqrt(" * 99 + "x + 1" + ")" * 99,
    ],
)
def test_str_reads_back_to_the_same_expression(text: str) -> None:
    e = sym.parse(text)
    printed = str(e)
    assert sym.parse(printed, max_length=len(printed) + 1) is e
    assert nesting(printed) <= MAX_DEPTH


@pytest.mark.parametrize("text", ["√" * 700 + "x", "e^" * 700 + "x", "^".join(["x"] * 600)])
def test_a_very_deep_expression_prints_compactly_at_once_as_after_trying_the_plain_form(text: str) -> None:
    # to_text skips the plain printer when an expression is too deep for it to stay within MAX_DEPTH
    from chainrule.symbolic.printing.base import names_and_depth, shared_subexpressions
    from chainrule.symbolic.printing.text import _SURELY_TOO_DEEP, CompactTextPrinter, TextPrinter

    def tried_plain_first(e: sym.Expr) -> str:
        named = shared_subexpressions(e)
        plain = TextPrinter()(e, named)
        return CompactTextPrinter()(e, named) if nesting(plain) > MAX_DEPTH else plain

    e = sym.parse(text)
    assert names_and_depth(e)[1] > _SURELY_TOO_DEEP  # the shortcut is taken
    assert sym.parse(str(e), max_length=10**6) is e
    for expr in (e, sym.diff(e, "x")):
        assert str(expr) == tried_plain_first(expr)


def test_the_depth_of_a_printed_output_counts_a_named_subexpression_as_one_node() -> None:
    from chainrule.symbolic.printing.base import names_and_depth

    assert names_and_depth(sym.parse("sin(cos(x)) + 1")) == ([], 4)  # +, sin, cos, x
    d = sym.diff("x^x", "x", n=12)  # large enough to name its shared subexpressions
    named, depth = names_and_depth(d, limit=200)
    assert named
    assert depth < 40

    def deepest(e: sym.Expr, names: set[sym.Expr]) -> int:  # the depth of e's own line
        return 1 + max((1 if a in names else deepest(a, names) for a in e.args), default=0)

    assert depth == max(deepest(n, set(named)) for n in [d, *named])


def test_every_nan_is_one_node() -> None:
    assert sym.parse("0*1e400") is sym.parse("1e400 - 1e400")


# ------------------------------------------------------------------ large outputs


def test_large_outputs_name_shared_subexpressions() -> None:
    d = sym.diff("x^x", "x", n=20)  # a DAG of ~1,600 nodes; as a tree, billions of characters
    text = str(d)
    assert len(text) < 400_000
    main, _, definitions = text.partition("\nwhere\n")
    assert "t₁" in main or "t₁ =" in definitions
    assert definitions.startswith("  t₁ = ")
    latex = sym.to_latex(d)
    assert latex.startswith("\\begin{aligned}")
    assert "t_{1} = " in latex
    source = sym.to_python(d)
    assert ":=" in source
    from chainrule.symbolic.printing.python import code_namespace

    value = eval(source, {"np": np, **code_namespace()}, {"x": np.float64(1.5)})  # our own source
    assert value == pytest.approx(d.evaluate(x=1.5), rel=1e-12)


def test_small_outputs_print_as_before() -> None:
    d = sym.diff("x^x", "x", n=3)
    assert shared_subexpressions(d) == []
    assert "where" not in str(d)


# ------------------------------------------------------------------ deep chains


@pytest.mark.parametrize(
    "text",
    ["√" * 1000 + "x", "e^" * 3 + "x", "sin(" * 60 + "x" + ")" * 60, "x*" + "tanh(" * 50 + "x^2" + ")" * 50],
)
def test_deep_chains_differentiate_exactly(text: str) -> None:
    e = sym.parse(text)
    d = sym.diff(e, "x")
    at = 0.7
    automatic = cr.grad(sym.lambdify(e, "x"))(at)
    assert sym.lambdify(d, "x")(at) == pytest.approx(automatic, rel=1e-9)


def test_merged_powers_of_another_base_merge_again() -> None:
    # sqrt(sqrt(x))^-2 is x^(-1/2): beside another x^(-1/2) the product is 1/x, not 1/(sqrt(x)*sqrt(x))
    d = sym.diff("-log(√√x)", "x")
    assert str(d) == "-1/(4*x)"
    assert sym.parse(str(d)) is d


def test_chains_inside_sums_and_products_keep_every_term() -> None:
    # a product handed to a sum, beside a chain: every term of the derivative is there
    assert str(sym.diff("x*y(x) + sin(y(x))", "x")) == "x*y'(x) + cos(y(x))*y'(x) + y(x)"
    text = "sqrt(sqrt(x))*exp(exp(x)) + sin(cos(x)) + log(log(x))*x"
    d = sym.lambdify(sym.diff(text, "x"), "x")
    f = sym.lambdify(text, "x")
    for at in (1.7, 2.5):
        assert d(at) == pytest.approx(cr.grad(f)(at), rel=1e-12)
