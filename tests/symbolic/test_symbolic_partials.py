"""Higher and mixed partial derivatives, the early stops and the limits, and no silent zeros."""

from __future__ import annotations

import re

import numpy as np
import pytest

import chainrule as cr
from chainrule import symbolic as sym
from chainrule.errors import ChainruleTypeError, ChainruleValueError

E = "sin(x y) exp(x) + x^3 y^2 z + log(1 + y^2) atan(z x)"


@pytest.mark.parametrize(
    ("variables", "sympy_variables"),
    [
        (("x", "y"), ("x", "y")),
        (("y", "x"), ("x", "y")),  # mixed partials commute
        ((("x", 2), "y"), ("x", "x", "y")),
        (("x", 2, "z"), ("x", "x", "z")),
        (("x", "y", "z"), ("x", "y", "z")),
        ((("z", 3),), ("z", "z", "z")),
    ],
)
def test_mixed_and_repeated_partials_agree_with_sympy(variables: tuple, sympy_variables: tuple) -> None:
    sympy = pytest.importorskip("sympy")
    ours = sym.diff(E, *variables)
    symbols = {n: sympy.Symbol(n, real=True) for n in "xyz"}
    theirs = sympy.diff(sym.to_sympy(sym.parse(E)), *[symbols[v] for v in sympy_variables])
    point = {"x": 0.4, "y": -0.7, "z": 1.3}
    assert ours.evaluate(point) == pytest.approx(
        float(theirs.subs({symbols[k]: v for k, v in point.items()})), rel=1e-11
    )


def test_mixed_partials_agree_with_the_engine() -> None:
    f = sym.lambdify(E, "x y z")
    d = sym.lambdify(sym.diff(E, "x", "y"), "x y z")
    h = cr.hessian(lambda v: f(v[0], v[1], v[2]))(np.array([0.4, -0.7, 1.3]))
    assert d(0.4, -0.7, 1.3) == pytest.approx(h[0, 1], rel=1e-10)


def test_spellings_of_the_order() -> None:
    assert sym.diff("x^5", "x", 3) is sym.diff("x^5", ("x", 3)) is sym.diff("x^5", "x", n=3)
    assert sym.diff("x^5", "x", 3) is sym.parse("60 x^2")
    assert sym.parse("x^3 y").diff("x", "y") is sym.parse("3 x^2")
    assert sym.parse("x^3").diff("x", 2) is sym.parse("6x")
    assert sym.diff("sin(x)", n=0) is sym.parse("sin(x)")
    assert sym.diff("7") is sym.parse("0")
    with pytest.raises(ChainruleValueError, match="non-negative integer"):
        sym.diff("x", "x", -1)
    with pytest.raises(ChainruleValueError, match="n= repeats a single variable"):
        sym.diff("x y", "x", "y", n=2)


def test_early_stops() -> None:
    assert sym.diff("x", "x", n=10**8) is sym.parse("0")
    assert sym.diff("x^3 + y", "x", 10**9) is sym.parse("0")
    with pytest.raises(ChainruleValueError, match="neither vanish nor repeat"):
        sym.diff("exp(2x)", "x", 10**8)  # 2^k exp(2x): a new expression every time
    assert sym.diff("exp(x)", "x", 10**9) is sym.parse("exp(x)")
    assert sym.diff("sin(x)", "x", 10**9 + 3) is sym.parse("-cos(x)")
    assert sym.diff("cos(x) + sinh(x)", "x", 4 * 10**8 + 2) is sym.parse("-cos(x) + sinh(x)")


def test_limits_name_themselves() -> None:
    with pytest.raises(ChainruleValueError, match="max_order=50"):
        sym.diff("sqrt(x)", "x", 100, max_order=50)
    with pytest.raises(ChainruleValueError, match="max_nodes=300"):
        sym.diff("x^x", "x", 10**6, max_nodes=300)
    assert sym.diff("sqrt(x)", "x", 3, max_order=3) is sym.parse("3/8 x^(-5/2)")
    big = sym.expand(sym.parse("(a + b + c + x)^12"))  # large, but it does not grow: no limit applies
    assert sym.diff(big, "x", 2, max_nodes=10) is sym.expand(sym.parse("132 (a + b + c + x)^10"))


@pytest.mark.parametrize(
    ("var", "message"),
    [
        (2, "the number 2"),
        (2.5, "the number 2.5"),
        ("2", "the number 2"),
        ("pi", "pi: it is a constant"),
        ("e", "e: it is a constant"),
        (sym.PI, "it is a constant"),
        ("sin(x)", "the expression sin(x)"),
        (sym.parse("x^2"), "the expression x^2"),
        ("x y", "one symbol at a time"),
        ("x, y", "one symbol at a time"),
    ],
)
def test_differentiating_by_something_else_than_a_symbol_raises(var: object, message: str) -> None:
    with pytest.raises(ChainruleValueError, match=re.escape(message)):
        sym.diff("x^2 + sin(x)", var)


def test_a_symbol_that_does_not_occur_gives_an_exact_zero() -> None:
    assert sym.diff("x^2 + sin(x)", "z") is sym.parse("0")
    assert sym.diff("x^2", "X") is sym.parse("0")  # names are case-sensitive
    assert sym.gradient("x y", "x y z")[2] is sym.parse("0")
    with pytest.raises(ChainruleTypeError, match="must be a symbol"):
        sym.diff("x", [1])


def test_a_product_rule_too_large_to_write_stops_before_it_starts() -> None:
    # the second derivative of sqrt nested 5,000 deep is 5,000 terms of 5,000 factors (25 million): it ran
    # for over ten minutes; the first derivative of a product of 1,200 varying factors has 1.4 million
    deep = sym.parse("√" * 4999 + "x")
    with pytest.raises(ChainruleValueError, match=r"2nd derivative.*24,990,001 factors.*max_nodes=20000"):
        sym.diff(deep, "x", 2)
    assert sym.diff(deep, "x").free_symbols == {sym.symbols("x")}  # the first is one product: linear
    product = "*".join(f"(x+{k})" for k in range(1200))  # 9,689 characters
    for call in (sym.diff, sym.gradient, sym.hessian):
        with pytest.raises(ChainruleValueError, match=r"1st derivative.*1,440,000 factors.*max_nodes="):
            call(product, "x")
    with pytest.raises(ChainruleValueError, match="max_nodes=2000"):
        sym.jacobian([product], "x", max_nodes=2000)
    small = "*".join(f"(x + {k})" for k in range(1, 40))  # 1,521 factors: under any limit but the tightest
    assert sym.diff(small, "x").evaluate({"x": 0.0}) == pytest.approx(
        float(np.prod(np.arange(1, 40, dtype=float))) * float(np.sum(1 / np.arange(1, 40))), rel=1e-12
    )
    with pytest.raises(ChainruleValueError, match="1,521 factors"):
        sym.diff(small, "x", max_nodes=60)
