"""The ways in: cr.diff / cr.explain / cr.lambdify and sym.gradient / jacobian / hessian with ``shapes=``
or on matrix expressions; variables built in Python; symmetric matrices (the Matrix Cookbook's
convention); the command line; and JAX's jacobian as an oracle nobody here wrote."""

from __future__ import annotations

import numpy as np
import pytest
from matrix_cases import JACOBIANS, SCALARS, Case, arrays_for

import chainrule as cr
from chainrule import symbolic as sym
from chainrule.cli import main
from chainrule.cli.matrix import parse_shapes
from chainrule.layouts import LAYOUTS
from chainrule.symbolic import matrix as mx
from chainrule.symbolic.matrix.check import difference, engine_derivative, random_arrays


def test_the_scalar_entry_points_hand_over_with_shapes() -> None:
    shapes = {"x": "n", "A": ("n", "n")}
    assert str(cr.diff("x' A x", "x", shapes=shapes)) == "(A + A') x"
    assert str(cr.diff("x' A x", "x", shapes=shapes, layout="numerator")) == "x' (A + A')"
    assert str(sym.gradient("x' A x", "x", shapes=shapes)) == "(A + A') x"
    assert str(sym.hessian("x' A x", "x", shapes=shapes)) == "A + A'"
    assert str(sym.jacobian("A x", "x", shapes=shapes, layout="denominator")) == "A'"
    assert [str(g) for g in sym.gradient("x' A x", ["x", "A"], shapes=shapes)] == ["(A + A') x", "x x'"]
    assert cr.explain("tr(A X)", "X", shapes={"A": "n,n", "X": "n,n"}).result is cr.diff(
        "tr(A X)", "X", shapes={"A": "n,n", "X": "n,n"}
    )
    assert str(cr.diff("x^2", "x")) == "2*x"  # without shapes, scalar calculus as before
    assert sym.jacobian(["x*y", "x + y"], "x y", layout="mixed") == sym.jacobian(["x*y", "x + y"], "x y")


def test_python_variables() -> None:
    x, A, s = sym.vector("x", "n"), sym.matrix("A", ("n", "n")), sym.scalar("s")
    assert str(sym.diff(s * (x.T @ A @ x), x)) == "s (A + A') x"
    assert str(sym.diff(s * (x.T @ A @ x), s)) == "x' A x"
    X = sym.matrix("X", ("n", "n"))
    assert str(sym.gradient(sym.det(X), X)) == "det(X) X^-T"
    assert str(sym.diff(sym.tr(A @ sym.inv(X)), X)) == "-X^-T A' X^-T"
    assert str(X.diff(X, layout="numerator")) == 'einsum("il,jk->ijkl", eye(n), eye(n))'
    assert (x.T @ A @ x).explain(x).result is sym.diff(x.T @ A @ x, x)
    f = cr.lambdify(sym.diff(x.T @ A @ x, x), [x, A])
    np.testing.assert_allclose(f(np.ones(2), np.eye(2)), [2.0, 2.0])


def test_gradient_of_a_non_scalar_is_refused() -> None:
    with pytest.raises(cr.ShapeError, match="use jacobian"):
        sym.gradient("A x", "x", shapes={"A": "n,n", "x": "n"})
    with pytest.raises(cr.ShapeError, match="Hessian is of a scalar"):
        sym.hessian("A x", "x", shapes={"A": "n,n", "x": "n"})


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("text", ["det(S)", "logdet(S)", "tr(A S)", "a' S b", "tr(S A S)", "a' S^-1 a"])
def test_symmetric_matrices_follow_the_cookbook(text: str, layout: str) -> None:
    shapes = {"S": "n,n,symmetric", "A": "n,n", "a": "n", "b": "n"}
    expr = mx.parse(text, shapes)
    result = mx.diff(expr, "S", layout=layout)
    arrays = random_arrays(expr, seed=4)
    assert difference(result, expr, "S", arrays, layout) < 1e-10
    explanation = mx.explain(expr, "S", layout=layout)
    assert explanation.steps[-2].rule == "symmetric variable"
    arrays["dS"] = np.random.default_rng(5).normal(size=arrays["S"].shape)
    for left, right in explanation.equalities():
        np.testing.assert_allclose(
            np.asarray(left.evaluate(arrays)), np.asarray(right.evaluate(arrays)), atol=1e-10
        )


def test_the_cookbook_formulas_for_symmetric_matrices() -> None:
    S = mx.matrix("S", "n", symmetric=True)
    assert str(mx.diff(mx.det(S), S)) == "2 det(S) S^-1 - det(S) S^-1 .* eye(n)"  # Cookbook (2.1.2)
    assert str(mx.diff(mx.logdet(S), S)) == "2 S^-1 - S^-1 .* eye(n)"


def test_the_check_helpers_catch_a_wrong_answer() -> None:
    expr = mx.parse("tr(A X)", {"A": "k,n", "X": "n,k"})
    arrays = random_arrays(expr, seed=0)
    right = mx.diff(expr, "X")
    assert difference(right, expr, "X", arrays, "mixed") < 1e-12
    assert difference(mx.parse("A", {"A": "k,n"}), expr, "X", arrays, "mixed") == float("inf")  # wrong shape
    square = mx.parse("tr(A X)", {"A": "n,n", "X": "n,n"})
    values = random_arrays(square, seed=0)
    wrong = mx.parse("A", {"A": "n,n"})  # A instead of A'
    assert difference(wrong, square, "X", values, "mixed") > 1e-3
    np.testing.assert_allclose(engine_derivative(square, "X", values), values["A"].T)


def test_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_shapes("x=n,A=n,n,s=,S=n,n,sym") == {"x": "n", "A": "n,n", "s": "", "S": "n,n,sym"}
    argv = [
        "diff",
        "x' A x",
        "--wrt",
        "x",
        "--shapes",
        "x=n,A=n,n",
        "--layout",
        "numerator",
        "--steps",
        "--plain",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "∂f/∂x = x' (A + A')" in out
    assert "a row vector" in out
    assert "read off the gradient" in out
    assert main(["diff", "A X B", "--wrt", "X", "--shapes", "A=m,n,X=n,k,B=k,l", "--plain"]) == 0
    out = capsys.readouterr().out
    assert "vec form: ∂vec(F)/∂vec(X) = kron(B', A)" in out
    assert (
        main(["diff", "x' A x", "--wrt", "x", "--shapes", "x=n,A=n,n", "--order", "2", "--latex", "--plain"])
        == 0
    )
    assert "LaTeX: A + A^\\top" in capsys.readouterr().out
    # a Hessian that is zero: its check compiled the gradient (I, of X's dimensions) without X, and crashed
    for linear in ("tr(X)", "a' X b"):
        assert (
            main(["diff", linear, "--wrt", "X", "--shapes", "X=n,n,a=n,b=n", "--order", "2", "--plain"]) == 0
        )
        out = capsys.readouterr().out
        assert "d²/dX² " in out
        assert "∂²f/∂X² = zeros(n, n, n, n)" in out
        assert "differ by at most 0.0e+00" in out
    for bad, message in (
        (["diff", "x' B x", "--shapes", "x=n"], "unknown variable 'B'"),
        (["diff", "x + y", "--shapes", "x=n,y=m"], "cannot add x (an n-vector) and y (an m-vector)"),
        (["diff", "x' x", "--shapes", "n,x=n"], "comes before any name="),
        (["diff", "x' x", "--shapes", "x=n", "--at", "x=1"], "--at takes numbers"),
    ):
        assert main(bad) == 2
        err = capsys.readouterr().err
        assert message in err
        assert "Traceback" not in err


@pytest.mark.oracle
@pytest.mark.parametrize("case", SCALARS + JACOBIANS, ids=lambda c: c.id)
def test_against_jax(case: Case) -> None:
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    arrays = arrays_for(case.shapes, 8)
    source = {
        "a' x": lambda v: v["a"] @ v["x"],
        "x' A x": lambda v: v["x"] @ v["A"] @ v["x"],
        "tr(A X B)": lambda v: jnp.trace(v["A"] @ v["X"] @ v["B"]),
        "det(X)": lambda v: jnp.linalg.det(v["X"]),
        "a' X^-1 b": lambda v: v["a"] @ jnp.linalg.inv(v["X"]) @ v["b"],
        "tanh(x)": lambda v: jnp.tanh(v["x"]),
        "A X B": lambda v: v["A"] @ v["X"] @ v["B"],
        "X^-1": lambda v: jnp.linalg.inv(v["X"]),
        "X' X": lambda v: v["X"].T @ v["X"],
    }.get(case.text)
    if source is None:
        pytest.skip("this row has no JAX spelling here")
    jac = jax.jacrev(lambda x: source({**arrays, case.var: x}))(jnp.asarray(arrays[case.var]))
    got = mx.diff(case.text, case.var, shapes=case.shapes).evaluate(arrays)  # mixed: JAX's layout
    np.testing.assert_allclose(np.asarray(got), np.asarray(jac), rtol=1e-9, atol=1e-11)
