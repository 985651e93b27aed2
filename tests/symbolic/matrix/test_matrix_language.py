"""Matrix formulas as text: the syntax, its errors (shapes named, unknown names refused, never a silent zero),
printing that reads back, LaTeX, and evaluation with shapes."""

from __future__ import annotations

import re

import numpy as np
import pytest

import chainrule as cr
from chainrule.errors import ShapeError
from chainrule.symbolic import ParseError
from chainrule.symbolic import matrix as mx

S = {"x": "n", "y": "n", "a": "n", "b": "m", "A": "n,n", "B": "n,n", "C": "m,n", "X": "n,n", "s": "", "t": ""}


def p(text: str) -> mx.MatExpr:
    return mx.parse(text, S)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("x' A x", "x^T A x"),
        ("x' A x", "xᵀ A x"),
        ("x' A x", "x' * A @ x"),
        ("A x .* y", "(A x) ⊙ y"),
        ("x .* y", "x ∘ y"),
        ("x ./ y", "x ⊘ y"),
        ("inv(X)", "X^-1"),
        ("inv(X)", "X⁻¹"),
        ("inv(X')", "X^-T"),
        ("inv(X')", "X⁻ᵀ"),
        ("X X X", "X^3"),
        ("norm(x - a)", "‖x - a‖"),
        ("norm(X)", "‖X‖_F"),
        ("norm(x)^2", "‖x‖²"),
        ("logdet(X)", "log det(X)"),
        ("sum(abs(x))", "norm1(x)"),
        ("2 x", "x + x"),
        ("s x", "x s"),
        ("x / s", "x ./ s"),
        ("(x' y) a", "a (y' x)"),
        ("a y' x", "(y' x) a"),
        ("tr(A B)", "tr(B A)"),
        ("tr(A')", "tr(A)"),
        ("tr(x y')", "y' x"),
        ("exp(log(x))", "x"),
        ("kron(A, B)", "A ⊗ B"),
        ("diag(diag(x))", "x"),
        ("X X^-1", "eye(n)"),
        ("sqrt(x)", "x.^(1/2)"),
        ("A x + B x", "B x + A x"),
    ],
)
def test_equal_formulas_are_one_expression(left: str, right: str) -> None:
    assert p(left) is p(right)


def test_transposes_and_shapes() -> None:
    assert p("x'").row
    assert p("x'").shape == ("n",)
    assert p("C x").shape == ("m",)
    assert p("b' C").row
    assert p("x y'").shape == ("n", "n")
    assert p("x' y").shape == ()
    assert p("(C x)'") is p("x' C'")
    assert mx.matrix("S", "n", symmetric=True).T is mx.matrix("S", "n", symmetric=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x + b", "cannot add x (an n-vector) and b (an m-vector)"),
        ("C + A", "an m×n matrix) and A (an n×n matrix"),
        ("x x", "cannot multiply x (an n-vector) by x (an n-vector)"),
        ("C C", "cannot multiply C (an m×n matrix) by C (an m×n matrix)"),
        ("x .* b", "cannot multiply x (an n-vector) and b (an m-vector) elementwise"),
        ("x + s", "only numbers broadcast"),
        ("A / B", "use ./ for elementwise division"),
        ("det(C)", "det needs a square matrix; C is an m×n matrix"),
        ("x^2", "^ is the matrix power; write x.^2 elementwise"),
        ("z + x", "unknown variable 'z'"),
        ("foo(x)", "unknown function 'foo'"),
        ("tr(x", "never closed"),
        ("norm2(X)", "Frobenius"),
        ("x' @", "ends where a value is expected"),
    ],
)
def test_mistakes_are_errors_that_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        p(text)


def test_an_error_points_at_the_operator() -> None:
    with pytest.raises(ParseError) as info:
        p("A x + b")
    assert info.value.position == 4
    assert isinstance(info.value, cr.ChainruleValueError)


def test_python_operators_check_shapes_too() -> None:
    x, A = mx.vector("x", "n"), mx.matrix("A", ("m", "n"))
    with pytest.raises(ShapeError, match=r"cannot multiply A \(an m×n matrix\) by A"):
        A @ A
    with pytest.raises(cr.ChainruleTypeError, match="array of shape"):
        x + np.ones(3)
    assert (A @ x).shape == ("m",)
    assert str(np.tanh(A @ x)) == "tanh(A x)"
    assert str(mx.tanh(A @ x)) == "tanh(A x)"
    assert (2 * x * x) is mx.parse("2 x.^2", {"x": "n"})


def test_nothing_is_silently_zero() -> None:
    # an unknown variable raises; a known one the expression does not use gives an exact zero of its shape
    with pytest.raises(cr.ChainruleValueError, match="unknown variable 'y'"):
        mx.diff("a' x", "y", shapes={"a": "n", "x": "n"})
    for layout, shape, row in (("mixed", ("m", "n"), False), ("numerator", ("m", "n"), False)):
        zero = mx.diff("C x", "y", shapes={"C": "m,n", "x": "n", "y": "n"}, layout=layout)
        assert zero.op == "zero"
        assert (zero.shape, zero.row) == (shape, row)
    zero = mx.diff("a' x", "X", shapes={"a": "n", "x": "n", "X": "n,k"}, layout="numerator")
    assert zero.shape == ("k", "n")
    np.testing.assert_array_equal(zero.evaluate(n=3, k=2), np.zeros((2, 3)))
    with pytest.raises(cr.ChainruleValueError, match="say which variable"):
        mx.diff("a' x", shapes={"a": "n", "x": "n"})


def test_text_round_trips_and_latex_spells_matrix_notation() -> None:
    texts = [
        "x' A x",
        "tr(A X B) + det(X)^2 - logdet(X)",
        "sigmoid(a' x) a - x .* (A x) ./ (1 + exp(x))",
        "X^-T + X'^2 - 3 X^-1",
        "norm(x - a)/s + t^2",
        'einsum("ik,kj->ij", A, B) + diag(x) + diag(X) y\'',
        "kron(A, B) - 2 kron(B, A)",
        "vec(X)' kron(A, B) vec(X)",
        "ones(n) + zeros(n) - eye(n) x",
        "1 - tanh(A x).^2",
    ]
    for text in texts:
        e = p(text)
        assert p(str(e)) is e, (text, str(e))
    assert p("x' A x").latex() == "x^\\top A x"
    assert (
        p("kron(A, B) .* kron(B, A)").latex()
        == "\\left(A \\otimes B\\right) \\odot \\left(B \\otimes A\\right)"
    )
    assert "\\operatorname{tr}" in p("tr(A X)").latex()
    assert "\\lVert" in p("‖x‖").latex()
    assert p("X^-T").latex() == "X^{-\\top}"
    assert p('einsum("ik,kj->ij", A, B)').latex() == "\\left[\\sum_{p} A_{ip} B_{pj}\\right]_{ij}"


def test_evaluation_binds_dimensions_and_checks_them() -> None:
    e = p("C x + b")
    rng = np.random.default_rng(0)
    C, x, b = rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=2)
    np.testing.assert_allclose(e.evaluate(C=C, x=x, b=b, unused=np.ones(9)), C @ x + b)
    with pytest.raises(ShapeError, match="makes n = 4"):
        e.evaluate(C=C, x=np.ones(4), b=b)
    with pytest.raises(cr.ChainruleValueError, match="no array given for b"):
        e.evaluate(C=C, x=x)
    S_ = mx.matrix("S", "n", symmetric=True)
    with pytest.raises(cr.ChainruleValueError, match="declared symmetric"):
        mx.det(S_).evaluate(S=np.array([[1.0, 2.0], [0.0, 1.0]]))


def test_the_parser_is_safe_and_bounded() -> None:
    with pytest.raises(ParseError, match="unknown function '__import__'"):
        mx.parse("__import__('os')", {"x": "n"})  # text is never evaluated: names are formulas or errors
    with pytest.raises(ParseError, match="nested too deeply"):
        mx.parse("(" * 150 + "x" + ")" * 150, {"x": "n"})
    long = " + ".join(["x"] * 2000)
    assert mx.parse(long, {"x": "n"}) is mx.parse("2000 x", {"x": "n"})


def test_an_unclosed_call_points_at_its_parenthesis() -> None:
    with pytest.raises(ParseError) as info:
        p("x + tr(A X")
    assert "'tr(' is never closed" in info.value.reason
    assert info.value.position == 6  # the "(", not the start of the text
    assert str(info.value).splitlines()[-1].index("^") - 2 == 6


@pytest.mark.parametrize("spec", ["n,,", "n,", ",n", "n,,n", "n, ,n", "n××k", "n,,n,sym", "n,n,,symmetric"])
def test_an_empty_dimension_is_refused_not_dropped(spec: str) -> None:
    with pytest.raises(cr.ChainruleValueError, match=r"shapes\['x'\]: .*empty dimension"):
        mx.parse("x", {"x": spec})
    with pytest.raises(cr.ChainruleValueError, match="empty dimension"):
        cr.diff("x' x", "x", shapes={"x": spec})


@pytest.mark.parametrize(
    ("spec", "shape", "symmetric"),
    [
        ("n", ("n",), False),
        ("(n,)", ("n",), False),  # Python's one-tuple, as text
        ("n, k", ("n", "k"), False),
        ("n×k", ("n", "k"), False),
        ("n n", ("n", "n"), False),
        ("", (), False),
        ("()", (), False),
        ("n,n,sym", ("n", "n"), True),
        ("n n symmetric", ("n", "n"), True),
    ],
)
def test_the_shapes_written_out_still_read(spec: str, shape: tuple[str, ...], symmetric: bool) -> None:
    x = mx.parse("x", {"x": spec})
    assert (x.shape, x.symmetric) == (shape, symmetric)


def test_a_name_without_a_shape_says_how_to_give_one() -> None:
    with pytest.raises(ParseError) as info:
        mx.parse("x' A x", {"x": "n"})
    assert "unknown variable 'A': give its shape in shapes= (() for a scalar); the shapes given: x" in str(
        info.value
    )
    assert info.value.position == 3


def test_an_over_long_formula_points_where_the_limit_falls() -> None:
    from chainrule.symbolic.lexer import MAX_LENGTH

    with pytest.raises(ParseError) as info:
        mx.parse("x + " * MAX_LENGTH, {"x": "n"})
    assert info.value.position == MAX_LENGTH
    assert str(info.value).splitlines()[-1].strip() == "^"
