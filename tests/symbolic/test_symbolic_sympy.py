"""The SymPy bridge, and diff checked against SymPy's own derivatives on generated expressions."""

from __future__ import annotations

import pytest
from symbolic_cases import CASES, random_texts

from chainrule import symbolic as sym
from chainrule.errors import UnsupportedOperationError

sympy = pytest.importorskip("sympy")


def _sympy_derivative_values(text: str, values: dict[str, float]) -> float:
    e = sym.to_sympy(sym.parse(text))
    d = sympy.diff(e, sympy.Symbol("x", real=True))
    return float(d.evalf(subs={sympy.Symbol(k, real=True): v for k, v in values.items()}))


@pytest.mark.parametrize("seed", range(4))
def test_diff_agrees_with_sympy_on_generated_expressions(seed: int) -> None:
    values = {"x": 0.63, "y": -0.41}
    for text in random_texts(seed + 200, 40, depth=4):
        ours = sym.diff(text, "x").evaluate(values)
        assert ours == pytest.approx(_sympy_derivative_values(text, values), rel=1e-9, abs=1e-12), text


@pytest.mark.parametrize(("text", "lower", "upper"), CASES, ids=[c[0] for c in CASES])
def test_diff_agrees_with_sympy_on_the_shared_table(text: str, lower: float, upper: float) -> None:
    values = {"x": lower + 0.37 * (upper - lower), "y": 1.4}
    ours = sym.diff(text, "x").evaluate(values)
    assert ours == pytest.approx(_sympy_derivative_values(text, values), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", range(2))
def test_round_trip_through_sympy(seed: int) -> None:
    values = {"x": 0.63, "y": -0.41}
    for text in random_texts(seed + 300, 30, depth=4):
        e = sym.parse(text)
        back = sym.from_sympy(sym.to_sympy(e))
        assert back.evaluate(values) == pytest.approx(e.evaluate(values), rel=1e-12), text


def test_from_sympy_builds_the_same_expression() -> None:
    x, y = sympy.symbols("x y")
    e = sym.from_sympy(sympy.sin(x) ** 2 / (1 + x**2) + sympy.Rational(1, 3) * sympy.exp(y) + sympy.pi)
    assert e is sym.parse("sin(x)^2/(1 + x^2) + exp(y)/3 + pi")
    assert sym.from_sympy(sympy.sec(x) + sympy.Heaviside(x)) is sym.parse("sec(x) + heaviside(x)")
    with pytest.raises(UnsupportedOperationError, match="besselj"):
        sym.from_sympy(sympy.besselj(1, x))


def test_lgamma_goes_to_sympy_as_log_abs_gamma_with_its_value_at_negative_points() -> None:
    # SymPy's loggamma is the complex log-gamma: at -2.5 it has imaginary part -3 pi; lgamma is log |Gamma|
    e = sym.parse("lgamma(x)")
    x = sympy.Symbol("x", real=True)
    for v in (-2.5, -0.3, 0.7, 4.2):
        theirs = complex(sym.to_sympy(e).evalf(subs={x: v}))
        assert theirs.imag == 0.0
        assert theirs.real == pytest.approx(e.evaluate(x=v), rel=1e-12)
    with pytest.raises(UnsupportedOperationError, match="loggamma"):
        sym.from_sympy(sympy.loggamma(x))
