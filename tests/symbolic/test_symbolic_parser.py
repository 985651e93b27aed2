"""The safe parser: notation, precedence, round trips, errors with carets, and limits."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from symbolic_cases import random_texts

from chainrule import symbolic as sym
from chainrule.errors import ChainruleValueError
from chainrule.symbolic import ParseError
from chainrule.symbolic.lexer import MAX_LENGTH
from chainrule.symbolic.parser import MAX_DEPTH


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("x^2", "x**2"),
        ("3x", "3*x"),
        ("2sin(x)", "2*sin(x)"),
        ("(x+1)(x-1)", "(x+1)*(x-1)"),
        ("x(x+1)", "x*(x+1)"),
        ("x y", "x*y"),
        ("2 x y", "2*x*y"),
        ("π x", "pi*x"),
        ("√x", "sqrt(x)"),
        ("√(x+1)", "sqrt(x+1)"),
        ("√x²", "sqrt(x^2)"),
        ("√x^2", "sqrt(x)^2"),
        ("x·y × z", "x*y*z"),
        ("x ÷ y", "x/y"),
        ("x − 1", "x - 1"),
        ("x² + x³", "x^2 + x^3"),
        ("x⁻¹", "1/x"),
        ("x¹⁰", "x^10"),
        ("-x^2", "-(x^2)"),
        ("2^3^2", "512"),
        ("2^-1", "1/2"),
        ("1/2x", "x/2"),
        ("1/(2x)", "1/(2*x)"),
        ("a/b/c", "a/(b*c)"),
        ("a-b-c", "a-(b+c)"),
        ("--x", "x"),
        ("+x", "x"),
        ("e^x", "exp(x)"),
        ("ln(x)", "log(x)"),
        ("log(x, 10)", "log10(x)"),
        ("arcsin(x) + arctan(x)", "asin(x) + atan(x)"),
        ("max(x, y, z)", "max(max(x, y), z)"),
        ("1.5e3 + .5 + 2.", "1500 + 1/2 + 2"),
        ("2*e", "2*e"),  # "2e" is refused: Python reads it as a number without its exponent
        ("  x\t+\n1 ", "x + 1"),
        ("θ + α_1", "θ + α_1"),
    ],
)
def test_notation(text: str, same_as: str) -> None:
    assert sym.parse(text) is sym.parse(same_as)


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "empty", 0),
        ("x +", "ends where a value is expected", 3),
        ("x + * y", "expected a number", 4),
        ("(x + 1", "never closed", 0),
        ("x + 1)", "without a matching", 5),
        ("sin x", "needs parentheses", 0),
        ("sin()", "needs an argument", 4),
        ("sin(x, y)", "takes 1", 0),
        ("foo(x)", "unknown function 'foo'", 0),
        ("x, y", "outside the arguments", 1),
        ("2 3", "two numbers in a row", 2),
        ("x = 1", "a single '=' is not allowed", 2),
        ("os.system", "attributes are not mathematics", 2),
        ("__import__('os')", "quotes are not allowed", 11),
        ("[x]", "use parentheses", 0),
        ("lambda: 1", "unexpected character ':'", 6),
        ("x @ y", "unexpected character '@'", 2),
        ("1e999", "out of range", 0),
    ],
)
def test_errors_show_the_position(text: str, message: str, position: int) -> None:
    with pytest.raises(ParseError) as info:
        sym.parse(text)
    error = info.value
    assert message in str(error)
    assert error.position == position
    assert isinstance(error, ValueError)
    assert isinstance(error, ChainruleValueError)
    lines = str(error).splitlines()
    if text:
        assert lines[-1].index("^") - 2 == position  # the caret sits under the offending character


def test_parse_error_is_exported_at_the_top() -> None:
    assert sym.ParseError is ParseError


def test_refuses_non_strings() -> None:
    with pytest.raises(ParseError):
        sym.parse(42)  # type: ignore[arg-type]


def test_long_input_is_refused_quickly() -> None:
    with pytest.raises(ParseError, match=r"too long .*max_length=10000.*parse\(text, max_length=\.\.\.\)"):
        sym.parse("x+" * MAX_LENGTH + "x")
    with pytest.raises(ParseError, match="max_length=20"):
        sym.parse("x + " * 10 + "x", max_length=20)


def test_a_long_expanded_polynomial_parses_when_allowed() -> None:
    p = sym.expand(sym.parse("(a + b + c + d + 1)^15"))
    text = str(p)
    assert len(text) > 80_000
    assert sym.parse(text, max_length=100_000) is p


@pytest.mark.parametrize("text", ["x^T A x", "x^T", "A^T B", "x' A x", "(x + y)^T"])
def test_matrix_notation_without_shapes_is_refused(text: str) -> None:
    """Read as scalars, x^T A x would be a power of a symbol T, and its derivative by X a silent 0."""
    with pytest.raises(ParseError, match="shapes="):
        sym.parse(text)
    with pytest.raises(ParseError, match="shapes="):
        sym.diff(text, "X")
    x, t = sym.symbols("x T")
    assert sym.parse("x^(T)") is x**t
    assert str(x**t) == "x^(T)"


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    with pytest.raises(ParseError, match="nested too deeply"):
        sym.parse("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(ParseError, match="nested too deeply"):
        sym.parse("sin(" * 500 + "x" + ")" * 500)
    assert str(sym.parse("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH)) == "x"


def test_long_flat_inputs_parse_fast() -> None:
    start = time.perf_counter()
    assert len(sym.parse("+".join(f"x{i}" for i in range(1500))).args) == 1500
    chain = sym.parse("^".join(["x"] * 2000))  # a power tower 2000 levels deep, built without recursion
    assert chain.op == "pow"
    minus = sym.parse("-" * 4000 + "x")
    assert minus is sym.parse("x")
    assert time.perf_counter() - start < 5.0
    assert len(str(chain)) == 3999  # printing is iterative too; a tower prints without parentheses
    assert sym.parse(str(chain)) is chain


def test_huge_exponents_do_not_hang() -> None:
    start = time.perf_counter()
    e = sym.parse("9^9^9^9")
    assert e.op == "pow"
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("seed", range(3))
def test_str_round_trips(seed: int) -> None:
    for text in random_texts(seed, 30):
        e = sym.parse(text)
        assert sym.parse(str(e)) is e, text
        d = sym.diff(e, "x")
        assert sym.parse(str(d)) is d, text


@settings(max_examples=60, deadline=None)
@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(-1000, 1000), st.integers(1, 50))
def test_numbers_round_trip(value: float, p: int, q: int) -> None:
    for e in (sym.parse(repr(value)) * sym.symbols("x"), sym.parse(f"{p}/{q}") + sym.symbols("x")):
        assert sym.parse(str(e)) is e


def test_parsed_expressions_evaluate_like_python() -> None:
    e = sym.parse("3x^2 - 2sin(x)cos(x) + 1/2x - 2^-x")
    v = 0.7
    want = 3 * v**2 - 2 * np.sin(v) * np.cos(v) + v / 2 - 2**-v
    assert e.evaluate(x=v) == pytest.approx(want)


@pytest.mark.parametrize(
    "text",
    [
        "piecewise(x < 0, -x, 0 <= x and x < 1 or x > 5, x^2, 1)",
        "if x != 0 then sin(x)/x else 1",
        "f'(g(x)) g'(x) + y''(t)",
        "floor(x) + ceil(x) + round(x) + trunc(x) + cbrt(x) + exp2(x) + log1p(x) + expm1(x) + hypot(x, y)",
        "asec(x) + acsc(x) + acot(x) + sech(x) + csch(x) + coth(x) + asech(x) + acsch(x) + acoth(x)",
        "sinc(x) + root(x, 5) + log(x, 7)",
        "x^(T) + x^(T^2)",
    ],
)
def test_new_notation_round_trips(text: str) -> None:
    e = sym.parse(text)
    assert sym.parse(str(e)) is e
    d = sym.diff(e, "x")
    assert sym.parse(str(d)) is d


def test_an_over_long_input_says_what_works_from_every_entry_point() -> None:
    import chainrule as cr

    text = "x+" * MAX_LENGTH + "x"
    for read in (cr.diff, cr.explain, lambda t: sym.gradient(t, "x"), cr.parse):
        with pytest.raises(ParseError) as info:
            read(text)
        message = str(info.value)
        assert "chainrule.parse(text, max_length=...) allows more" in message
        assert "diff, explain" in message  # what the functions that read text with the default limit take
        assert info.value.position == MAX_LENGTH  # where the limit falls, not position 0
        snippet, caret = message.splitlines()[-2:]
        assert snippet.strip()
        assert caret.strip() == "^"
    # the advice works: diff takes the expression parse returns
    assert cr.diff(cr.parse(text, max_length=len(text)), "x") == MAX_LENGTH + 1


def test_an_error_with_no_text_to_show_has_no_caret() -> None:
    for wrong in (lambda: sym.parse(42), lambda: sym.parse("x", functions=["sin"])):  # type: ignore[arg-type]
        with pytest.raises(ParseError) as info:
            wrong()
        assert len(str(info.value).splitlines()) == 1
        assert "^" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "suggestion", "position"),
    [
        ("|x|", "abs(x)", 0),
        ("2 + |x - 1|", "abs(x - 1)", 4),
        ("sin^2(x)", "sin(x)^2", 0),
        ("1 + sin²(x + 1)", "sin(x + 1)^2", 4),
        ("cos**3(2x)", "cos(2x)^3", 0),
        ("sin^-1(x)", "asin(x)", 0),
        ("x!", "gamma(x + 1)", 1),
        ("(n + 1)!", "gamma(n + 1 + 1)", 7),
        ("3!", "gamma(3 + 1)", 1),
    ],
)
def test_book_notation_is_refused_with_what_to_write(text: str, suggestion: str, position: int) -> None:
    with pytest.raises(ParseError) as info:
        sym.parse(text)
    assert f"write {suggestion}" in info.value.reason
    assert info.value.position == position
    assert str(info.value).splitlines()[-1].index("^") - 2 == position
    sym.parse(suggestion)  # the suggestion is itself a formula


def test_an_inverse_transpose_is_refused_without_shapes_too() -> None:
    # x^-T read as x^(-T) would differentiate to a silent 0 by X
    with pytest.raises(sym.ParseError, match=r"\^-T reads as an inverse transpose.*shapes=") as info:
        sym.parse("x^-T A x")
    assert info.value.position == 3
    assert str(sym.parse("x^(-T)")) == "x^(-T)"
