"""lambdify: NumPy functions with shared subexpressions computed once, safe names, autodiff-compatible."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import symbolic as sym
from chainrule.errors import ChainruleValueError


def test_scalars_and_arrays() -> None:
    f = sym.lambdify(sym.parse("x^2 + sin(y)"), "x y")
    assert f(2.0, 0.0) == 4.0
    np.testing.assert_allclose(f(np.array([1.0, 2.0]), np.pi / 2), [2.0, 5.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        assert np.isinf(sym.lambdify(sym.parse("1/x"), "x")(0.0))  # a float division, not ZeroDivisionError
        assert np.isnan(sym.lambdify(sym.parse("x^(1/3)"), "x")(-8.0))  # as NumPy's power


def test_common_subexpressions_are_computed_once() -> None:
    e = sym.diff("sin(x) e^(x^2) / (1 + x^2)", "x", n=3)
    source = sym.lambdify(e, "x").source
    assert source.count("np.exp(") == 1
    assert source.count("np.sin(") == 1
    assert source.count("np.cos(") == 1


def test_sub_products_are_shared() -> None:
    e = sym.parse("2 x y sin(z) + 3 x y cos(z) + x y")
    source = sym.lambdify(e, "x y z").source
    assert source.count("x*y") + source.count("y*x") == 1


def test_default_argument_order_is_alphabetical() -> None:
    f = sym.lambdify(sym.parse("a - b"))
    assert f(3.0, 1.0) == 2.0


def test_nested_outputs() -> None:
    rows = sym.hessian("x^2 y^3", "x y")
    h = sym.lambdify(rows, "x y")
    assert h(1.0, 2.0) == [[16.0, 24.0], [24.0, 12.0]]
    assert sym.lambdify([sym.parse("x"), 1], "x")(5.0) == [5.0, 1]


def test_missing_arguments_are_named() -> None:
    with pytest.raises(ChainruleValueError, match="no argument given for y"):
        sym.lambdify(sym.parse("x + y"), "x")


def test_unusual_symbol_names_never_reach_the_source_as_code() -> None:
    weird = sym.symbols("lambda_ import_ np")
    e = weird[0] * weird[1] + weird[2]
    f = sym.lambdify(e, list(weird))
    assert f(2.0, 3.0, 4.0) == 10.0
    assert "def _lambdified(lambda_, import_, _a2)" in f.source


def test_deep_expressions_compile() -> None:
    e = sym.parse("x")
    for _ in range(500):
        e = sym.sin(e) * 0.5 + 0.25
    f = sym.lambdify(e, "x")
    want = 0.3
    for _ in range(500):
        want = np.sin(want) * 0.5 + 0.25
    assert f(0.3) == pytest.approx(want)


def test_the_autodiff_engine_differentiates_lambdified_functions() -> None:
    e = sym.parse("relu(x) + sigmoid(x) softplus(x) + max(x, 0.5) + abs(x) + heaviside(x)")
    f = sym.lambdify(e, "x")
    df = sym.lambdify(sym.diff(e, "x"), "x")
    for v in (-0.7, 0.2, 1.3):
        assert cr.grad(f)(v) == pytest.approx(df(v), rel=1e-12)


def test_functions_of_traced_values_work_in_jacobians() -> None:
    exprs = sym.parse("x y"), sym.parse("sin(x) + y^2")
    f = sym.lambdify(list(exprs), "x y")

    def vector(v):  # type: ignore[no-untyped-def]
        a, b = f(v[0], v[1])
        return np.stack([a, b])

    point = np.array([0.4, 1.5])
    jac = sym.lambdify(sym.jacobian(list(exprs), "x y"), "x y")
    np.testing.assert_allclose(cr.jacobian(vector)(point), np.array(jac(*point), dtype=float))


def test_lambdify_of_a_deep_chain_and_a_long_sum_compiles() -> None:
    # a 3000-fold composition's derivative is a product of 3000 factors, and a long polynomial a long sum:
    # written naively, Python's compiler would recurse past its limit on `a*b*c*...`
    def f(x: np.ndarray) -> np.ndarray:
        for _ in range(3000):
            x = np.sin(x)
        return x

    derivative = cr.diff(cr.symbolic.trace(f, ["x"]), "x")
    assert float(cr.lambdify(derivative, ["x"])(0.3)) == pytest.approx(cr.grad(f)(0.3), rel=1e-12)
    poly = " + ".join(f"x^{k}" for k in range(1, 400))
    want = sum(k * 0.5 ** (k - 1) for k in range(1, 400))
    assert float(cr.lambdify(cr.diff(poly, "x"), ["x"])(0.5)) == pytest.approx(want, rel=1e-12)
