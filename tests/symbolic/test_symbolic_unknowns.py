"""Unknown functions f(x), g(x), y(x): the chain, product and quotient rules as a course writes them, which
names become functions, and the derivatives made concrete by substitution, by values and by SymPy."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import symbolic as sym
from chainrule.symbolic import ParseError


@pytest.mark.parametrize(
    ("text", "derivative"),
    [
        ("f(g(x))", "f'(g(x)) g'(x)"),
        ("f(x) g(x) h(x)", "f'(x) g(x) h(x) + f(x) g'(x) h(x) + f(x) g(x) h'(x)"),
        ("f(x)/g(x)", "(f'(x) g(x) - f(x) g'(x))/g(x)^2"),
        ("y(x)^2 - 5 sin(x)", "2 y(x) y'(x) - 5 cos(x)"),
        ("f(x^2)", "2x f'(x^2)"),
        ("exp(f(x))", "exp(f(x)) f'(x)"),
        ("f'(x)", "f''(x)"),
        ("f(f(x))", "f'(f(x)) f'(x)"),
        ("g(t)", "0"),
    ],
)
def test_rules_with_unknown_functions(text: str, derivative: str) -> None:
    assert sym.diff(text, "x") is sym.parse(derivative)


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("x(x+1)", "x*(x + 1)"),
        ("a(b+c)", "a*(b + c)"),
        ("k(x-1)^2", "k*(x - 1)^2"),
        ("2(x+1)", "2*(x + 1)"),
        ("y (x)", "y*x"),
        ("x(x)", "x^2"),
        ("e(x)", "e*x"),
        ("pi(x+1)", "pi*(x + 1)"),
    ],
)
def test_implicit_multiplication_stays(text: str, same_as: str) -> None:
    assert sym.parse(text) is sym.parse(same_as)


def test_which_names_are_functions() -> None:
    assert sym.parse("f(x+1)").op == "apply"  # f, g, h always
    assert sym.parse("y(t)").op == "apply"  # a single letter around one variable
    assert sym.parse("u'(t)").data == ("u", 1)  # primes
    assert sym.parse("phi(x)", functions=["phi"]).data == ("phi", 0)
    assert sym.parse("y(x+1)", functions="y").op == "apply"
    with pytest.raises(ParseError, match=r"functions=\['phi'\]"):
        sym.parse("phi(x)")
    with pytest.raises(ParseError, match="both as a function"):
        sym.parse("f(x) + f")
    with pytest.raises(ParseError, match="one argument"):
        sym.parse("f(x, y)")
    with pytest.raises(ParseError, match="known function"):
        sym.parse("sin(x)", functions=["sin"])
    with pytest.raises(ParseError, match="derivatives of unknown functions"):
        sym.parse("sin'(x)")


def test_printing_round_trips() -> None:
    for text in ["f'(g(x))*g'(x)", "y''(t) + y(t)", "f'''(x^2)"]:
        e = sym.parse(text)
        assert sym.parse(str(e)) is e
    assert sym.to_latex(sym.parse("f'(g(x))")) == r"f'\left(g\left(x\right)\right)"
    assert sym.to_latex(sym.diff("f(x)", "x", 5)) == r"f^{(5)}\left(x\right)"


def test_values_come_from_functions_given_for_the_names() -> None:
    d = sym.diff("f(g(x))", "x")
    for v in (0.3, -1.2):
        want = cr.grad(lambda t: np.sin(np.exp(t)))(v)
        assert d.evaluate(x=v, f=np.sin, g=np.exp) == pytest.approx(want, rel=1e-13)
    d2 = sym.diff("f(x) g(x)", "x", 2)
    want2 = cr.grad(cr.grad(lambda t: np.sin(t) * t**3))(0.7)
    assert d2.evaluate(x=0.7, f=np.sin, g=lambda t: t**3) == pytest.approx(want2, rel=1e-12)
    with pytest.raises(cr.ChainruleValueError, match="give a function"):
        d.evaluate(x=1.0)


def test_substituting_a_definition() -> None:
    d = sym.diff("f(g(x))", "x")
    assert d.subs(f=sym.sin, g=lambda u: u**2) is sym.diff("sin(x^2)", "x")
    assert d.subs(f="exp", g="log") is sym.parse("1")
    assert sym.diff("y(x)^2", "x").subs(y=lambda u: 3 * u) is sym.parse("18x")
    with pytest.raises(cr.ChainruleTypeError, match="not an unknown function"):
        sym.parse("x + 1").subs(x=np.sin)


def test_lambdify_refuses_unknown_functions() -> None:
    with pytest.raises(cr.ChainruleValueError, match="unknown function"):
        sym.lambdify("f(x) + 1", "x")


def test_explanations() -> None:
    e = sym.explain("f(g(x))", "x")
    assert [s.rule for s in e.steps] == ["chain rule", "derivative of an unknown function", "simplify"]
    assert "d/du f(u) = f'(u)" in str(e)
    lagrange = str(sym.explain("f(x) g(x)", "x", notation="lagrange"))
    assert "(f(x)*g(x))′ = (f(x))′ · g(x) + f(x) · (g(x))′" in lagrange
    assert sym.explain("f(x)/g(x)", "x").steps[0].rule == "quotient rule"


def test_sympy_agrees() -> None:
    sympy = pytest.importorskip("sympy")
    x = sympy.Symbol("x", real=True)
    f, g, h = (sympy.Function(n, real=True) for n in "fgh")
    for text, theirs in [
        ("f(g(x))", f(g(x))),
        ("f(x) g(x) h(x)", f(x) * g(x) * h(x)),
        ("f(x)/g(x)", f(x) / g(x)),
        ("f(x^2) sin(x)", f(x**2) * sympy.sin(x)),
    ]:
        ours = sym.to_sympy(sym.diff(text, "x"))
        assert sympy.simplify(ours.doit() - sympy.diff(theirs, x).doit()) == 0, text
        back = sym.from_sympy(sympy.diff(theirs, x))
        given = {"x": 0.8, "f": np.sin, "g": np.exp, "h": np.tanh}
        assert back.evaluate(given) == pytest.approx(sym.diff(text, "x").evaluate(given), rel=1e-13), text
