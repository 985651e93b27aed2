"""Explanations: the rule named at each step, the substitution of the chain rule, kinks, formats."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import symbolic as sym
from chainrule.core.rules import arithmetic, special
from chainrule.core.rules import elementary as ew
from chainrule.errors import ChainruleValueError


def rules(text: str, var: str = "x") -> list[str]:
    return [s.rule for s in sym.explain(text, var).steps]


@pytest.mark.parametrize(
    ("text", "first_rule"),
    [
        ("7", "constant rule"),
        ("x", "identity rule"),
        ("3 x^2", "constant multiple rule"),
        ("-sin(x)", "constant multiple rule"),
        ("x^5", "power rule"),
        ("1/x", "reciprocal rule"),
        ("sqrt(x)", "power rule"),
        ("x^2 + sin(x)", "sum rule"),
        ("x^2 - sin(x)", "difference rule"),
        ("x sin(x)", "product rule"),
        ("sin(x)/x", "quotient rule"),
        ("1/(x sin(x))", "reciprocal rule"),
        ("sin(x^2)", "chain rule"),
        ("exp(x)", "exponential rule"),
        ("2^x", "exponential rule"),
        ("log(x)", "logarithm rule"),
        ("sin(x)", "sine rule"),
        ("cos(x)", "cosine rule"),
        ("tan(x)", "tangent rule"),
        ("asin(x)", "inverse sine rule"),
        ("acos(x)", "inverse cosine rule"),
        ("atan(x)", "inverse tangent rule"),
        ("sinh(x)", "hyperbolic rule"),
        ("cosh(x)", "hyperbolic rule"),
        ("tanh(x)", "hyperbolic rule"),
        ("asinh(x)", "inverse hyperbolic rule"),
        ("acosh(x)", "inverse hyperbolic rule"),
        ("atanh(x)", "inverse hyperbolic rule"),
        ("abs(x)", "absolute value rule"),
        ("relu(x)", "relu rule"),
        ("max(x, x^2)", "maximum rule"),
        ("min(x, x^2)", "minimum rule"),
        ("sigmoid(x)", "sigmoid rule"),
        ("softplus(x)", "softplus rule"),
        ("x^x", "logarithmic differentiation"),
        ("sin(x)^cos(x)", "logarithmic differentiation"),
    ],
)
def test_each_rule_is_named(text: str, first_rule: str) -> None:
    steps = rules(text)
    assert steps[0] == first_rule
    assert steps[-1] == "simplify"


def test_rule_names_come_from_the_rule_table() -> None:
    assert rules("sin(x)")[0] == ew.sin_p.rule
    assert rules("x y")[0] == arithmetic.negative_p.rule
    assert rules("relu(x)")[0] == special.relu_p.rule
    step = sym.explain("sin(x)", "x").steps[0]
    assert step.statement == ew.sin_p.notation


def test_chain_rule_names_the_substitution() -> None:
    e = sym.explain("log(sqrt(x))")
    chain = e.steps[0]
    assert chain.rule == "chain rule"
    assert chain.where == (("u", sym.parse("sqrt(x)")),)
    ((_, outer, rule),) = chain.facts
    assert outer is sym.parse("1/u")
    assert "logarithm rule" in rule
    assert e.steps[1].result is sym.parse("1/(2 sqrt(x))")
    text = str(e)
    assert "with u = sqrt(x)" in text
    assert "d/du log(u) = 1/u" in text
    assert "1/sqrt(x) · 1/(2*sqrt(x))" in text
    assert text.splitlines()[0] == "d/dx log(sqrt(x)) = 1/(2*x)"


def test_nested_chain_rules_use_fresh_names() -> None:
    e = sym.explain("exp(sin(x^2))")
    assert [s.where[0][0] for s in e.steps if s.rule == "chain rule"] == ["u", "v"]
    e = sym.explain("sin(u^2)", "u")
    assert e.steps[0].where[0][0] == "v"  # u is taken by the expression itself


def test_kinks_show_the_interval_and_the_convention() -> None:
    for text, interval in [("abs(x)", "[-1, 1]"), ("relu(x)", "[0, 1]"), ("abs(x^2 - 1)", "[-1, 1]")]:
        notes = " ".join(s.note for s in sym.explain(text).steps)
        assert notes.count(interval) == 1  # the subderivative interval is stated once
        assert "'(0) = 0" in notes
    note = sym.explain("max(x, x^2)").steps[0].note
    assert "1/2" in note
    assert "segment" in note


def test_logarithmic_differentiation_is_explained() -> None:
    step = sym.explain("x^x").steps[0]
    assert "log(y) = x*log(x)" in step.note
    assert step.result.evaluate(x=2.0) == pytest.approx(4 * (1 + np.log(2)))


def test_repeated_subexpressions_are_explained_once() -> None:
    e = sym.explain("sin(x^2) + cos(x^2)")
    power_steps = [s for s in e.steps if s.expr is sym.parse("x^2")]
    assert len(power_steps) == 1


def test_brief_and_full() -> None:
    full = sym.explain("3 x^2 + x", detail="full")
    brief = sym.explain("3 x^2 + x", detail="brief")
    assert "identity rule" in str(full)
    assert "identity rule" not in str(brief)
    assert len(str(brief).splitlines()) < len(str(full).splitlines())
    with pytest.raises(ChainruleValueError):
        sym.explain("x", detail="everything")


def test_lagrange_notation() -> None:
    text = str(sym.explain("sin(x^2)", notation="lagrange"))
    assert "(sin(x^2))′" in text
    assert "sin′(u)" in text
    assert "u′" in text


def test_markdown_and_latex() -> None:
    e = sym.explain("x^2 sin(x)")
    markdown = e._repr_markdown_()
    assert "**product rule**" in markdown
    assert r"\frac{d}{dx}" in markdown
    latex = e._repr_latex_()
    assert latex.startswith("$$")
    assert r"\begin{aligned}" in latex
    assert r"\text{1. product rule:}" in latex


def test_explains_python_functions() -> None:
    e = sym.explain(lambda x: np.log(np.sqrt(x)))
    assert e.result is sym.parse("1/(2x)")
    e = sym.explain(lambda x, w: cr.relu(w * x), "w")
    assert e.steps[0].rule == "chain rule"


def test_limits() -> None:
    deep = sym.parse("x")
    for _ in range(100):
        deep = sym.sin(deep)
    with pytest.raises(ChainruleValueError, match="too deep"):
        sym.explain(deep)
    wide = sym.parse(" + ".join(f"sin(x^{k})" for k in range(2, 400)))
    with pytest.raises(ChainruleValueError, match="steps"):
        sym.explain(wide)


def test_repr_is_short() -> None:
    assert repr(sym.explain("x^2")) == "<Explanation of d/dx x^2: 2 steps, result 2*x>"


def _numbers_in_reading_order(text: str) -> None:
    """Every step is numbered 1, 2, 3 ... as it is read, and cites only steps shown before it."""
    import re

    shown: list[int] = []
    for line in text.splitlines()[2:]:
        opened = re.match(r"\s*(\d+)\. ", line)
        if opened:
            shown.append(int(opened.group(1)))
        for cited in re.findall(r"step (\d+)", line):
            assert int(cited) in shown, (cited, line)
    assert shown == list(range(1, len(shown) + 1)), shown


@pytest.mark.parametrize(
    "text",
    ["log(sqrt(x))", "x^2 sin(x) + cos(x^2)", "exp(sin(x^2)) / (1 + x)", "3 x^2 + x + 7", "x^x", "sin(x)*y"],
)
def test_steps_read_in_order(text: str) -> None:
    for detail in ("full", "brief"):
        _numbers_in_reading_order(str(sym.explain(text, "x", detail=detail)))


def test_the_echo_keeps_the_order_typed() -> None:
    assert str(sym.explain("sin(x)*y", "x")).startswith("d/dx (sin(x)*y) = y*cos(x)")
    assert str(sym.explain("1 + x^2 - sin(x)", "x")).startswith("d/dx (1 + x^2 - sin(x))")
    latex = sym.explain("sin(x)*y", "x").to_latex()
    assert r"\left(\sin\left(x\right) y\right)" in latex
    # an expression (not text) has no typed order: the canonical one
    assert str(sym.explain(sym.parse("sin(x)*y"), "x")).startswith("d/dx (y*sin(x))")


def test_simplification_takes_out_common_factors() -> None:
    step = sym.explain("x^x", "x").steps[-1]
    assert step.rule == "simplify"
    assert step.formula is sym.parse("x^x + x^x log(x)")
    assert step.result is sym.parse("x^x (1 + log(x))")
    assert "nothing to simplify" not in str(sym.explain("x^x", "x"))
    assert sym.diff("x exp(x^2)", "x") is sym.parse("exp(x^2) (2x^2 + 1)")
    assert sym.diff("x^3 + x^2", "x") is sym.parse("3x^2 + 2x")  # polynomials stay expanded


@pytest.mark.parametrize("seed", range(3))
def test_simplify_never_grows(seed: int) -> None:
    from symbolic_cases import random_texts

    for text in random_texts(seed + 50, 25, depth=4):
        raw = sym.explain(text, "x").unsimplified
        done = sym.simplify(raw)
        assert done.count_ops() <= raw.count_ops()
        assert done.count_ops(cse=False) <= raw.count_ops(cse=False)


@pytest.mark.parametrize(
    ("text", "var", "said", "not_said"),
    [
        # relu(x - 1) has its corner at x = 1; the row's "at x = 0" is said of u = x - 1
        ("abs(x)*relu(x - 1)", "x", "relu has a corner at u = 0, i.e. x = 1,", "relu has a corner at x = 0"),
        ("abs(3*(x - 2))", "x", "|u| has a corner at u = 0, i.e. x = 2,", "at x = 0"),
        ("relu(1 - x)", "x", "at u = 0, i.e. x = 1,", "at x = 0"),
        ("abs(x - y)", "x", "at u = 0, i.e. x = y,", "at x = 0"),
        ("relu(x^2 - 1)", "x", "at u = 0,", "at x = 0"),  # not linear: u named, no point claimed
        ("sign(2x + 1)", "x", "sign jumps at u = 0, i.e. x = -1/2;", "jumps at 0"),
        ("heaviside(x - 1, 0)", "x", "H jumps at x - 1 = 0, i.e. x = 1;", "jumps at 0"),
        ("abs(t)", "t", "|t| has a corner at t = 0", "at x = 0"),
        ("max(t, 2)", "t", "where t = 2,", "where x = y"),
        ("max(x - 1, y)", "x", "where x - 1 = y,", "where x = y"),
        ("min(y, x)", "x", "where y = x,", "where x = y,"),
    ],
)
def test_kink_notes_name_the_point_in_the_expressions_own_terms(
    text: str, var: str, said: str, not_said: str
) -> None:
    notes = " ".join(s.note for s in sym.explain(text, var).steps)
    assert said in notes
    assert not_said not in notes


def test_a_kink_of_the_bare_variable_is_quoted_as_its_row_says() -> None:
    from chainrule.symbolic.functions import primitive

    for text in ("abs(x)", "relu(x)", "sign(x)"):
        e = sym.explain(text)
        kink = primitive(e.expr.op).kink
        assert e.steps[0].note == kink
