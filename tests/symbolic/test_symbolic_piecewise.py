"""Piecewise functions: the syntax, the derivative piece by piece (core's where rule), the boundaries named,
and agreement with SymPy's Piecewise, the engine's np.where and differences."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import symbolic as sym
from chainrule.symbolic import ParseError

CASES = [
    # (text, points away from the boundaries)
    ("piecewise(x < 0, -x, x^2)", [-1.3, -0.2, 0.4, 1.7]),
    ("if x < 1 then x^2 else 2x - 1", [-0.5, 0.7, 1.3, 2.2]),
    ("piecewise(x <= -1, sin(x), -1 < x and x < 1, x^3, exp(x))", [-2.1, -0.4, 0.5, 1.6]),
    # (no point below 0: the engine's np.where gradient is NaN there, from the sqrt piece it does not choose)
    ("piecewise(0 < x <= 2, log(x), x > 2, sqrt(x), 0)", [0.6, 1.5, 2.4, 3.2]),
    ("x piecewise(x > 0 or x < -2, x, -x)", [-3.0, -1.0, 0.5, 2.0]),
    ("sin(if x >= 0.5 then x^2 else 1 - x)", [-0.4, 0.2, 0.8, 1.9]),
    ("piecewise(x == 0, 1, x^2)", [-1.0, 0.3, 1.1]),
]


def test_syntax() -> None:
    assert sym.parse("if x < 0 then -x else x^2") is sym.parse("piecewise(x < 0, -x, x^2)")
    assert sym.parse("where(x < 0, -x, x^2)") is sym.parse("piecewise(x < 0, -x, x^2)")
    nested = sym.parse("piecewise(x < 0, 1, x < 1, 2, 3)")
    assert nested is sym.parse("if x < 0 then 1 else if x < 1 then 2 else 3")
    assert str(nested) == "piecewise(x < 0, 1, x < 1, 2, 3)"
    assert sym.parse("if x < 0 then if x < -1 then 1 else 2 else 3").evaluate(x=-0.5) == 2
    assert sym.parse("piecewise(0 <= x < 1, 5, 7)") is sym.parse("piecewise(0 <= x and x < 1, 5, 7)")
    assert sym.parse("piecewise(x ≤ 1, 5, 7)") is sym.parse("piecewise(x <= 1, 5, 7)")
    assert sym.parse("1 + if x > 0 then x else 0") is sym.parse("piecewise(x > 0, x, 0) + 1")
    assert sym.parse("piecewise(2 < 1, x, y)") is sym.parse("y")  # decided conditions choose at once
    assert sym.parse("piecewise(x < 1, y, y)") is sym.parse("y")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x < 1", "is a condition, not a number"),
        ("(x < 1) + 2", "is a condition, not a number"),
        ("piecewise(x, 1, 2)", "expected a condition"),
        ("piecewise(x < 0, x < 1, 2)", "is a condition, not a number"),
        ("piecewise(x < 0, 1)", "takes at least 3"),
        ("piecewise(x < 0, 1, 2, 3)", "expected a condition"),
        ("if x < 0 then 1", "without 'else'"),
        ("x < 0 then 1 else 2", "'then' without 'if'"),
        ("if x < 0 else 2", "'else' without 'then'"),
        ("x = 0", "a single '='"),
        ("x < 1 and 2", "expected a condition"),
    ],
)
def test_misplaced_conditions_are_refused(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace(")", r"\)").replace("^", r"\^")):
        sym.parse(text)


@pytest.mark.parametrize(("text", "xs"), CASES, ids=[c[0] for c in CASES])
def test_derivative_piece_by_piece_agrees_with_sympy(text: str, xs: list[float]) -> None:
    sympy = pytest.importorskip("sympy")
    x = sympy.Symbol("x", real=True)
    theirs = sympy.diff(sym.to_sympy(sym.parse(text)), x)
    d = sym.diff(text, "x")
    for v in xs:
        assert d.evaluate(x=v) == pytest.approx(float(theirs.subs(x, v)), rel=1e-12, abs=1e-14), v


@pytest.mark.parametrize(("text", "xs"), CASES, ids=[c[0] for c in CASES])
def test_derivative_agrees_with_the_engine_and_differences(text: str, xs: list[float]) -> None:
    f = sym.lambdify(text, "x")
    d = sym.lambdify(sym.diff(text, "x"), "x")
    points = np.array(xs)
    with np.errstate(all="ignore"):
        ours = np.broadcast_to(d(points), points.shape)
        numerical = (f(points + 1e-6) - f(points - 1e-6)) / 2e-6
    np.testing.assert_allclose(ours, [cr.grad(f)(v) for v in xs], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours, numerical, rtol=1e-5, atol=1e-6)


def test_a_piece_not_chosen_never_poisons_the_symbolic_derivative() -> None:
    d = sym.diff("piecewise(x > 0, sqrt(x), 0)", "x")
    assert d.evaluate(x=-1.0) == 0.0  # np.where picks 0; the NaN of the other piece stays out


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_piecewise_exponent_constant_in_a_piece_has_derivative_0_there_at_a_negative_base() -> None:
    # d/dx y^v = y^v log(y) v': in the piece where v = 2, v' = 0 and y^2 is defined at y = -2 though log(y)
    # is not; the exponent's term is taken into the pieces, so that piece is an exact 0, not NaN * 0
    for text in ("y^piecewise(x < 0, 2, x)", "y^(if x < 0 then 2 else x^2)"):
        d = sym.diff(text, "x")
        assert d.evaluate(x=-1.0, y=-2.0) == 0.0
        assert sym.lambdify(d, "x y")(-1.0, -2.0) == 0.0
        assert d.evaluate(x=1.5, y=2.0) == pytest.approx(
            sym.parse(text).evaluate(x=1.5, y=2.0) * np.log(2.0) * (1.0 if "x)" in text else 3.0)
        )
    f = lambda x, y: y ** np.where(x < 0, 2.0, x)  # noqa: E731
    assert sym.diff("y^piecewise(x < 0, 2, x)", "x").evaluate(x=-1.0, y=-2.0) == cr.grad(f)(-1.0, -2.0)


def test_at_the_boundary_the_chosen_piece_gives_the_derivative_as_in_the_engine() -> None:
    def f(x):  # type: ignore[no-untyped-def]
        return np.where(x < 0, -x, x**2)

    traced = sym.trace(f)
    assert traced is sym.parse("piecewise(x < 0, -x, x^2)")
    d = sym.diff(traced, "x")
    assert d is sym.parse("piecewise(x < 0, -1, 2x)")
    for v in (0.0, -0.5, 0.5):
        assert d.evaluate(x=v) == cr.grad(f)(v)


def test_the_explanation_names_the_boundary() -> None:
    corner = sym.explain("piecewise(x < 0, -x, x^2)", "x")
    step = corner.steps[0]
    assert step.rule == "piecewise rule"
    assert "x = 0" in step.note
    assert "corner" in step.note
    assert "-1 from the left and 0 from the right" in step.note
    assert "piecewise(x < 0, d/dx (-x), d/dx x^2)" in str(corner)
    jump = sym.explain("piecewise(x < 1, 0, 1)", "x").steps[0].note
    assert "jumps (from 0 to 1)" in jump
    assert "no derivative" in jump
    smooth = sym.explain("if x < 1 then x^2 else 2x - 1", "x").steps[0].note
    assert "join smoothly" in smooth
    general = sym.explain("piecewise(x^2 < y, x, 0)", "x").steps[0].note
    assert "where x^2 = y" in general
    assert r"\begin{cases}" in corner.to_latex()


def test_printers_and_code() -> None:
    e = sym.parse("piecewise(x < 0, -x, 0 <= x and x < 1, x^2, 1)")
    assert sym.parse(str(e)) is e
    assert sym.to_latex(e).startswith(r"\begin{cases} -x & \text{if } x < 0")
    assert "np.where(np.less(x, 0), -x" in sym.to_python(e)
    f = sym.lambdify(e, "x")
    np.testing.assert_array_equal(f(np.array([-2.0, 0.5, 3.0])), [2.0, 0.25, 1.0])


def test_sympy_round_trip() -> None:
    sympy = pytest.importorskip("sympy")
    x = sympy.Symbol("x")
    back = sym.from_sympy(sympy.Piecewise((-x, x < 0), (x**2, x < 1), (1, True)))
    assert back is sym.parse("piecewise(x < 0, -x, x < 1, x^2, 1)")
    with pytest.raises(cr.UnsupportedOperationError, match="value, True"):
        sym.from_sympy(sympy.Piecewise((-x, x < 0), (x, x > 0)))


def test_conditions_from_python_comparisons() -> None:
    x = sym.symbols("x")
    assert np.where(x > 1, x, 0) is sym.parse("piecewise(x > 1, x, 0)")
    assert np.where(np.greater_equal(x, 1), x, 0) is sym.parse("piecewise(x >= 1, x, 0)")
    with pytest.raises(cr.ChainruleTypeError, match="truth value"):
        bool(x > 1)
    assert (sym.parse("2") < 3) is True
    with pytest.raises(cr.ChainruleTypeError, match="no derivative"):
        sym.diff(x < 1, "x")
