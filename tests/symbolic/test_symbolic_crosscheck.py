"""Symbolic, automatic and numerical derivatives agree, and explanations agree with diff."""

from __future__ import annotations

import numpy as np
import pytest
from symbolic_cases import CASES, points, random_texts

import chainrule as cr
from chainrule import symbolic as sym


def central_difference(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:  # type: ignore[no-untyped-def]
    return (f(x + h) - f(x - h)) / (2 * h)


def _function_of_x(text: str) -> sym.Expr:
    # a second variable gets a fixed value, so every case is a function of x alone
    return sym.parse(text).subs(y=sym.parse("7/5"))


@pytest.mark.parametrize(("text", "lower", "upper"), CASES, ids=[c[0] for c in CASES])
def test_symbolic_agrees_with_autodiff_and_finite_differences(text: str, lower: float, upper: float) -> None:
    expr = _function_of_x(text)
    f = sym.lambdify(expr, "x")
    df = sym.lambdify(sym.diff(expr, "x"), "x")
    xs = points(lower, upper)
    symbolic = np.broadcast_to(df(xs), xs.shape)
    automatic = np.array([cr.grad(f)(float(v)) for v in xs])
    numerical = central_difference(f, xs)
    np.testing.assert_allclose(symbolic, automatic, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(symbolic, numerical, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("text", "lower", "upper"), CASES, ids=[c[0] for c in CASES])
def test_second_derivative_agrees_with_autodiff(text: str, lower: float, upper: float) -> None:
    expr = _function_of_x(text)
    f = sym.lambdify(expr, "x")
    d2f = sym.lambdify(sym.diff(expr, "x", n=2), "x")
    xs = points(lower, upper, count=4, seed=1)
    automatic = np.array([cr.grad(cr.grad(f))(float(v)) for v in xs])
    np.testing.assert_allclose(np.broadcast_to(d2f(xs), xs.shape), automatic, rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize(("text", "lower", "upper"), CASES, ids=[c[0] for c in CASES])
def test_explanation_result_equals_diff(text: str, lower: float, upper: float) -> None:
    expr = _function_of_x(text)
    explanation = sym.explain(expr, "x")
    assert explanation.result is sym.diff(expr, "x")
    xs = points(lower, upper, seed=2)
    raw = np.broadcast_to(sym.lambdify(explanation.unsimplified, "x")(xs), xs.shape)
    final = np.broadcast_to(sym.lambdify(explanation.result, "x")(xs), xs.shape)
    np.testing.assert_allclose(raw, final, rtol=1e-10, atol=1e-10)
    # every step's own result agrees with diff of the part it works on
    for step in explanation.steps[:-1]:
        want = sym.lambdify(sym.diff(step.expr, "x"), "x")(xs)
        got = sym.lambdify(step.result, "x")(xs)
        np.testing.assert_allclose(np.broadcast_to(got, xs.shape), np.broadcast_to(want, xs.shape), rtol=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_random_expressions_agree_with_autodiff(seed: int) -> None:
    xs = points(-1.5, 1.5, count=5, seed=seed)
    for text in random_texts(seed, 15):
        expr = _function_of_x(text)
        f = sym.lambdify(expr, "x")
        df = sym.lambdify(sym.diff(expr, "x"), "x")
        automatic = np.array([cr.grad(f)(float(v)) for v in xs])
        np.testing.assert_allclose(
            np.broadcast_to(df(xs), xs.shape), automatic, rtol=1e-9, atol=1e-9, err_msg=text
        )


@pytest.mark.parametrize("seed", range(2))
def test_random_explanations_agree_with_diff(seed: int) -> None:
    xs = points(-1.5, 1.5, count=5, seed=seed)
    for text in random_texts(seed + 100, 10, depth=3):
        expr = _function_of_x(text)
        explanation = sym.explain(expr, "x")
        raw = sym.lambdify(explanation.unsimplified, "x")(xs)
        final = sym.lambdify(sym.diff(expr, "x"), "x")(xs)
        np.testing.assert_allclose(
            np.broadcast_to(raw, xs.shape),
            np.broadcast_to(final, xs.shape),
            rtol=1e-9,
            atol=1e-12,
            err_msg=text,
        )


def test_gradient_and_hessian_agree_with_autodiff() -> None:
    expr = sym.parse("sin(x y) + x^2 exp(z) - log(1 + y^2 z^2)")
    names = ["x", "y", "z"]
    f = sym.lambdify(expr, names)
    gradient = sym.lambdify(sym.gradient(expr, names), names)
    hessian = sym.lambdify(sym.hessian(expr, names), names)
    point = np.array([0.3, -1.1, 0.7])

    def g(v):  # type: ignore[no-untyped-def]
        return f(v[0], v[1], v[2])

    np.testing.assert_allclose(np.array(gradient(*point), dtype=float), cr.grad(g)(point), rtol=1e-12)
    np.testing.assert_allclose(np.array(hessian(*point), dtype=float), cr.hessian(g)(point), rtol=1e-10)
