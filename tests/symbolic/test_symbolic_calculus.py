"""Implicit differentiation, tangent lines and Taylor polynomials, against SymPy and numbers."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import symbolic as sym

EQUATIONS = [
    # (equation, a point on the curve)
    ("x^2 + y^2 = 25", {"x": 3.0, "y": 4.0}),
    ("x y + sin(y) = x^2", None),
    ("exp(x y) = x + y", None),
    ("y^3 + y = x^2", None),
    ("x^2/4 + y^2/9 = 1", {"x": 1.0, "y": float(np.sqrt(9 * (1 - 0.25)))}),
]


def test_the_circle() -> None:
    assert cr.implicit_diff("x^2 + y^2 = 25", "y", "x") is sym.parse("-x/y")
    assert cr.implicit_diff("x^2 + y^2 = 25", "y", "x", at={"x": 3, "y": 4}) is sym.parse("-3/4")
    assert cr.implicit_diff("x^2 + y^2 = 25", "x", "y") is sym.parse("-y/x")
    assert cr.implicit_diff(("x^2 + y^2", 25)) is sym.parse("-x/y")
    assert cr.implicit_diff(sym.parse("x^2 + y^2 - 25")) is sym.parse("-x/y")


@pytest.mark.parametrize(("equation", "point"), EQUATIONS, ids=[e for e, _ in EQUATIONS])
def test_agrees_with_sympy(equation: str, point: dict[str, float] | None) -> None:
    sympy = pytest.importorskip("sympy")
    x, y = sympy.symbols("x y")
    left, right = (sym.to_sympy(sym.parse(side), real=False) for side in equation.split("="))
    theirs = sympy.idiff(left - right, y, x)
    ours = cr.implicit_diff(equation, "y", "x")
    for xv, yv in [(0.7, 1.3), (-0.4, 0.9), (1.1, -0.6)]:
        assert ours.evaluate(x=xv, y=yv) == pytest.approx(float(theirs.subs({x: xv, y: yv})), rel=1e-10)


@pytest.mark.parametrize(("equation", "point"), [e for e in EQUATIONS if e[1] is not None])
def test_the_slope_of_the_curve_itself(equation: str, point: dict[str, float]) -> None:
    """Solve the equation for y near the point (Newton's method) at x ± h: the curve's own slope."""
    lhs, rhs = (sym.parse(side) for side in equation.split("="))
    residual = sym.lambdify(lhs - rhs, ["x", "y"])
    d_residual = sym.lambdify(sym.diff(lhs - rhs, "y"), ["x", "y"])

    def y_at(x: float) -> float:
        y = point["y"]
        for _ in range(50):
            y -= residual(x, y) / d_residual(x, y)
        return y

    h = 1e-5
    numerical = (y_at(point["x"] + h) - y_at(point["x"] - h)) / (2 * h)
    slope = cr.implicit_diff(equation, "y", "x", at=point)
    assert float(slope.evaluate()) == pytest.approx(numerical, rel=1e-6)


def test_the_equals_sign_of_a_condition_is_not_the_one_between_the_sides() -> None:
    assert cr.implicit_diff("piecewise(x <= 0, y, 2*y) = 1", "y", "x") is sym.parse("0")
    slope = cr.implicit_diff("(if x >= 1 then y else y^2) = x", "y", "x")
    assert slope is sym.parse("1/piecewise(x >= 1, 1, 2*y)")


def test_refusals() -> None:
    with pytest.raises(cr.ChainruleValueError, match="not on"):
        cr.implicit_diff("x^2 + y^2 = 25", "y", "x", at={"x": 3, "y": 5})
    with pytest.raises(cr.ChainruleValueError, match=r"one '='.*which has none"):
        cr.implicit_diff("x^2 + y^2", "y", "x")
    with pytest.raises(cr.ChainruleValueError, match="which has 2"):
        cr.implicit_diff("x = y = 1", "y", "x")
    with pytest.raises(cr.ChainruleValueError, match="does not involve z"):
        cr.implicit_diff("x^2 + y^2 = 25", "z", "x")
    with pytest.raises(cr.ChainruleValueError, match="cancels"):
        cr.implicit_diff("x + floor(y) = 1", "y", "x")


def test_the_explanation() -> None:
    e = cr.explain_implicit("x^2 + y^2 = 25", "y", "x")
    text = str(e)
    assert [s.rule for s in e.steps] == [
        "differentiate both sides by x, with y a function of x",
        "collect the terms with y'",
        "solve for y'",
    ]
    assert "2*x + 2*y*y' = 0" in text
    assert "2*y*y' = -2*x" in text
    assert text.splitlines()[0].endswith("y' = -x/y")
    assert e.result is cr.implicit_diff("x^2 + y^2 = 25")
    leibniz = str(cr.explain_implicit("x y + sin(y) = x^2", notation="leibniz"))
    assert "dy/dx = (2*x - y)/(x + cos(y))" in leibniz
    assert (
        r"y' \left(x + \cos\left(y\right)\right)" in cr.explain_implicit("x y + sin(y) = x^2").to_markdown()
    )


def test_tangent_lines() -> None:
    t = cr.tangent_line("3x^2 - 4x + 5", 3)
    assert (t.slope, t.value, t.equation) == (14, 20, sym.parse("14x - 22"))
    assert str(t) == "y = 14*x - 22"
    assert t.intercept == -22
    np.testing.assert_allclose(t(np.array([0.0, 3.0, 4.0])), [-22.0, 20.0, 34.0])
    assert cr.tangent_line(lambda x: x**3 - 3 * x, 2).equation is sym.parse("9x - 16")
    assert cr.tangent_line("exp(x)", 0).equation is sym.parse("x + 1")
    assert cr.tangent_line("sin(x)", "pi").equation is sym.parse("pi - x")
    assert cr.tangent_line(np.abs, 0).slope == 0  # the kink's documented subgradient

    def branching(x):  # type: ignore[no-untyped-def]
        return x**2 if x > 1 else -x  # cannot be traced: the engine's values instead

    line = cr.tangent_line(branching, 2.0)
    assert line.function is None
    assert line.slope == 4.0
    assert line.value == 4.0
    with pytest.raises(cr.ChainruleValueError, match="differentiable"):
        cr.tangent_line("sqrt(x)", 0)
    with pytest.raises(cr.ChainruleValueError, match="must be a number"):
        cr.tangent_line("x^2", "y")


def test_taylor_polynomials() -> None:
    assert cr.taylor("exp(x)", "x", 0, 4) is sym.parse("1 + x + x^2/2 + x^3/6 + x^4/24")
    assert cr.taylor("sin(x)", "x", 0, 6) is sym.parse("x - x^3/6 + x^5/120")
    assert cr.taylor("log(x)", "x", 1, 3) is sym.parse("(x - 1) - (x - 1)^2/2 + (x - 1)^3/3")
    assert cr.taylor("exp(x)", "x", 1, 1) is sym.parse("e + e (x - 1)")
    assert cr.taylor("cos(x)", "x", 0, 0) is sym.parse("1")
    assert cr.taylor(lambda x: 1 / (1 - x), "x", 0, 3) is sym.parse("1 + x + x^2 + x^3")
    with pytest.raises(cr.ChainruleValueError, match="1st derivative"):
        cr.taylor("sqrt(x)", "x", 0, 2)
    with pytest.raises(cr.ChainruleValueError, match="non-negative"):
        cr.taylor("x", "x", 0, -1)


def test_taylor_agrees_with_sympy() -> None:
    sympy = pytest.importorskip("sympy")
    x = sympy.Symbol("x", real=True)
    for text, a in [("atan(x) exp(x)", 0), ("1/(1 + x^2)", 1), ("log(1 + x) sin(x)", 0.5)]:
        ours = cr.taylor(text, "x", a, 5)
        theirs = sympy.series(sym.to_sympy(sym.parse(text)), x, a, 6).removeO()
        for v in (a - 0.3, a + 0.2):
            assert ours.evaluate(x=v) == pytest.approx(float(theirs.subs(x, v)), rel=1e-12)
