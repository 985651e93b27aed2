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
