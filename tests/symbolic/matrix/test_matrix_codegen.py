"""Generated NumPy code: the same values as the expressions, shared subexpressions computed once, no diagonal
matrix formed, and code the engine differentiates again."""

from __future__ import annotations

import numpy as np
import pytest
from matrix_cases import HESSIANS, ROWS, Case, arrays_for

import chainrule as cr
from chainrule.layouts import LAYOUTS
from chainrule.symbolic import matrix as mx


@pytest.mark.parametrize("case", ROWS + HESSIANS, ids=lambda c: c.id)
def test_generated_code_computes_the_expression_and_its_derivatives(case: Case) -> None:
    expr = mx.parse(case.text, case.shapes)
    derivatives = [mx.diff(expr, case.var, layout=layout) for layout in LAYOUTS]
    names = sorted(case.shapes)
    f = cr.lambdify([expr, derivatives], names)
    arrays = arrays_for(case.shapes, 11)
    value, results = f(*(arrays[n] for n in names))
    np.testing.assert_allclose(value, case.numpy(arrays), rtol=1e-10)
    for got, d in zip(results, derivatives, strict=True):
        np.testing.assert_allclose(got, d.evaluate(arrays), rtol=1e-10, atol=1e-12)


def test_shared_subexpressions_are_computed_once() -> None:
    shapes = {"M": "m,n", "w": "n", "y": "m"}
    hessian = mx.hessian("sum(log(1 + exp(M w))) - y' M w", "w", shapes=shapes)
    source = cr.lambdify(hessian, ["M", "w"]).source
    assert source.count("sigmoid(") == 1  # σ(M w) appears twice in the formula
    assert "np.diag" not in source  # M' diag(s) M is computed as (M.T * s) @ M
    gradient = cr.lambdify(mx.diff("x' A x", "x", shapes={"x": "n", "A": "n,n"}), ["x", "A"]).source
    assert "A @ x + A.T @ x" in gradient  # (A + A') x without forming A + A'


def test_the_engine_differentiates_generated_code() -> None:
    shapes = {"x": "n", "A": "n,n"}
    gradient = cr.lambdify(mx.diff("tanh(A x)' (A x)", "x", shapes=shapes), ["x", "A"])
    rng = np.random.default_rng(3)
    x, A = rng.normal(size=3), rng.normal(size=(3, 3))
    hessian = mx.hessian("tanh(A x)' (A x)", "x", shapes=shapes)
    np.testing.assert_allclose(
        cr.jacobian(lambda v: gradient(v, A))(x), hessian.evaluate(x=x, A=A), rtol=1e-10
    )


def test_a_norm_quotient_is_zero_at_zero() -> None:
    # norm'(0) = 0, the engine's subgradient, in evaluation and in generated code
    d = mx.diff("‖x‖", "x", shapes={"x": "n"})
    f = cr.lambdify(d, ["x"])
    zero = np.zeros(3)
    np.testing.assert_array_equal(d.evaluate(x=zero), cr.grad(np.linalg.norm)(zero))
    np.testing.assert_array_equal(f(zero), np.zeros(3))
    np.testing.assert_allclose(f(np.array([3.0, 4.0, 0.0])), [0.6, 0.8, 0.0])


def test_names_dimensions_and_refusals() -> None:
    f = cr.lambdify(mx.diff("sum(x)", "x", shapes={"x": "n"}), ["x"])
    np.testing.assert_array_equal(f(np.zeros(4)), np.ones(4))  # n taken from x's shape
    g = cr.lambdify(mx.ones(("k",)))  # no variable: the dimension is an argument
    np.testing.assert_array_equal(g(2), np.ones(2))
    with pytest.raises(cr.ChainruleValueError, match="no argument given for A"):
        cr.lambdify(mx.parse("A x", {"A": "n,n", "x": "n"}), ["x"])
    explanation = mx.explain("x' x", "x", shapes={"x": "n"})
    with pytest.raises(cr.ChainruleValueError, match="differentials"):
        cr.lambdify(explanation.steps[0].chain[0])
