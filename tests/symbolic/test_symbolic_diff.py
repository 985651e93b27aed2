"""diff, gradient, jacobian, hessian: exact results, the kink policy, and the rule table as the one source."""

from __future__ import annotations

import numpy as np
import pytest

from chainrule import symbolic as sym
from chainrule.core.rules import arithmetic as ew
from chainrule.errors import ChainruleValueError, UnsupportedOperationError
from chainrule.symbolic.functions import function_names, primitive


@pytest.mark.parametrize(
    ("text", "derivative"),
    [
        ("3x^2 - 4x + 5", "6x - 4"),
        ("log(sqrt(x))", "1/(2x)"),
        ("x^x", "x^x (1 + log(x))"),
        ("sin(x)", "cos(x)"),
        ("cos(x)", "-sin(x)"),
        ("tan(x)", "1/cos(x)^2"),
        ("sec(x)", "sin(x)/cos(x)^2"),
        ("csc(x)", "-cos(x)/sin(x)^2"),
        ("cot(x)", "-1/sin(x)^2"),
        ("asin(x)", "1/sqrt(1 - x^2)"),
        ("acos(x)", "-1/sqrt(1 - x^2)"),
        ("atan(x)", "1/(1 + x^2)"),
        ("sinh(x)", "cosh(x)"),
        ("cosh(x)", "sinh(x)"),
        ("tanh(x)", "1/cosh(x)^2"),
        ("asinh(x)", "1/sqrt(x^2 + 1)"),
        ("acosh(x)", "1/sqrt(x^2 - 1)"),
        ("atanh(x)", "1/(1 - x^2)"),
        ("exp(x)", "exp(x)"),
        ("2^x", "2^x log(2)"),
        ("log(x, 2)", "1/(x log(2))"),
        ("sigmoid(x)", "sigmoid(x) (1 - sigmoid(x))"),
        ("softplus(x)", "sigmoid(x)"),
        ("abs(x)", "sign(x)"),
        ("relu(x)", "heaviside(x, 0)"),
        ("max(x, y)", "heaviside(x - y, 1/2)"),
        ("min(x, y)", "heaviside(y - x, 1/2)"),
        ("sign(x) + heaviside(x)", "0"),
        ("atan2(x, y)", "y/(x^2 + y^2)"),
        ("x^3 y + y", "3x^2 y"),
        ("e^(x^2)", "2x e^(x^2)"),
        ("x^pi", "pi x^(pi - 1)"),
        ("sqrt(x)", "1/(2 sqrt(x))"),
        ("1/x", "-1/x^2"),
        ("sin(x)^2 + cos(x)^2", "0"),
        ("y", "0"),
        ("7", "0"),
    ],
)
def test_derivatives(text: str, derivative: str) -> None:
    got = sym.diff(text, "x")
    want = sym.parse(derivative)
    if got is not want:  # equal forms are the same object; otherwise the values must agree
        values = {"x": 0.37, "y": 1.3}
        if text.startswith("acosh"):
            values["x"] = 1.7
        assert got.evaluate(values) == pytest.approx(want.evaluate(values), rel=1e-12), str(got)
        assert got.count_ops() <= want.count_ops() + 2, str(got)


def test_exact_forms() -> None:
    assert str(sym.diff("log(sqrt(x))", "x")) == "1/(2*x)"
    assert str(sym.diff("x^3/3 - x/2", "x")) == "x^2 - 1/2"
    assert str(sym.diff("tan(x)", "x")) == "1/cos(x)^2"
    assert str(sym.diff("sigmoid(x)", "x")) == "sigmoid(x)*(1 - sigmoid(x))"


def test_higher_derivatives() -> None:
    assert sym.diff("sin(x)", "x", n=4) is sym.parse("sin(x)")
    assert sym.diff("x^5", "x", n=3) is sym.parse("60 x^2")
    assert sym.diff("x^5", "x", n=6) is sym.parse("0")
    assert sym.diff("exp(2x)", "x", n=10) is sym.parse("1024 exp(2x)")
    assert sym.diff("x^2", "x", n=0) is sym.parse("x^2")
    with pytest.raises(ChainruleValueError):
        sym.diff("x", "x", n=-1)


def test_variable_may_be_omitted_when_there_is_only_one() -> None:
    assert sym.diff("x^2") is sym.parse("2x")
    with pytest.raises(ChainruleValueError, match="its symbols: x, y"):
        sym.diff("x y")


KINK_POINTS = [
    ("abs(x)", {"x": 0.0}, 0.0),
    ("relu(x)", {"x": 0.0}, 0.0),
    ("max(x, y)", {"x": 1.0, "y": 1.0}, 0.5),
    ("min(x, y)", {"x": 1.0, "y": 1.0}, 0.5),
    ("max(x, x)", {"x": 1.0}, 1.0),
    ("max(x, 2x)", {"x": 0.0}, 1.5),
    ("sign(x)", {"x": 0.0}, 0.0),
]


@pytest.mark.parametrize(("text", "point", "slope"), KINK_POINTS)
def test_kink_policy_matches_design(text: str, point: dict[str, float], slope: float) -> None:
    # abs'(0) = 0, relu'(0) = 0, maximum/minimum ties split 1/2 1/2 (DESIGN.md)
    assert sym.diff(text, "x").evaluate(point) == slope


@pytest.mark.parametrize(("text", "point", "slope"), KINK_POINTS)
def test_kink_policy_matches_the_autodiff_engine(text: str, point: dict[str, float], slope: float) -> None:
    import chainrule as cr

    expr = sym.parse(text)
    names = sorted(s.name for s in expr.free_symbols)
    f = sym.lambdify(expr, names)
    index = names.index("x")
    args = [point[n] for n in names]

    def along_x(v):  # type: ignore[no-untyped-def]
        return f(*[v if i == index else a for i, a in enumerate(args)])

    assert cr.grad(along_x)(point["x"]) == slope


def _core_derivative(prim, args: list[float], operand: int) -> float:  # type: ignore[no-untyped-def]
    values = [np.float64(a) for a in args]
    ans = prim.impl(*values)
    return float(prim.jvp[operand](np.float64(1.0), ans, *values))


@pytest.mark.parametrize(
    "name", [n for n in function_names() if n != "piecewise"]
)  # piecewise: its own tests
def test_every_function_differentiates_as_its_primitive(name: str) -> None:
    """One definition of each derivative: the symbolic result is the core rule, evaluated symbolically."""
    prim = primitive(name)
    assert prim is not None
    assert prim.arity is not None
    rng = np.random.default_rng(len(name))
    names = ["a", "b"][: prim.arity]
    for _ in range(5):
        args = list(rng.uniform(0.2, 0.9, size=prim.arity) + (1.2 if name == "acosh" else 0.0))
        if name == "polygamma":  # its first operand is a whole-number order
            args[0] = float(rng.integers(0, 4))
        expr = sym.parse(f"{name}({', '.join(names)})")
        for operand, var in enumerate(names):
            try:
                core = _core_derivative(prim, args, operand)
            except UnsupportedOperationError:  # no derivative in this operand: the symbolic side refuses too
                with pytest.raises(UnsupportedOperationError):
                    sym.diff(expr, var)
                continue
            symbolic = sym.diff(expr, var).evaluate(dict(zip(names, args, strict=True)))
            assert symbolic == pytest.approx(core, rel=1e-12)


def test_powers_use_their_primitives_rules() -> None:
    point = {"x": 0.7, "y": 1.3}
    for text, prim, args, operand in [
        ("x^y", ew.power_p, [0.7, 1.3], 0),
        ("y^x", ew.power_p, [1.3, 0.7], 1),
        ("sqrt(x)", ew.sqrt_p, [0.7], 0),
        ("1/x", ew.reciprocal_p, [0.7], 0),
        ("x^2", ew.square_p, [0.7], 0),
    ]:
        assert sym.diff(text, "x").evaluate(point) == pytest.approx(_core_derivative(prim, args, operand))


def test_gradient_jacobian_hessian_layouts() -> None:
    assert sym.gradient("x^2 y", "x y") == [sym.parse("2 x y"), sym.parse("x^2")]
    rows = sym.jacobian(["x y", "x + y", "sin(x)"], ["x", "y"])
    assert [[str(e) for e in row] for row in rows] == [["y", "x"], ["1", "1"], ["cos(x)", "0"]]
    columns = sym.jacobian(["x y", "x + y", "sin(x)"], ["x", "y"], layout="denominator")
    assert [[str(e) for e in row] for row in columns] == [["y", "1", "cos(x)"], ["x", "1", "0"]]
    hessian = sym.hessian("x^3 y^2", "x, y")
    assert [[str(e) for e in row] for row in hessian] == [["6*x*y^2", "6*x^2*y"], ["6*x^2*y", "2*x^3"]]
    with pytest.raises(ChainruleValueError, match="layout"):
        sym.jacobian(["x"], "x", layout="sideways")


def test_large_jacobian_is_exact_and_sparse() -> None:
    n = 30
    xs = sym.symbols(" ".join(f"x{i}" for i in range(n)))
    functions = [sym.sin(xs[i] * xs[(i + 1) % n]) + xs[i] ** 2 * sym.exp(xs[i - 1]) for i in range(n)]
    rows = sym.jacobian(functions, xs)
    assert sum(e != 0 for row in rows for e in row) == 3 * n
    assert rows[0][1] is xs[0] * sym.cos(xs[0] * xs[1])


def test_derivatives_do_not_swell() -> None:
    d8 = sym.diff("sin(x) e^(x^2)/(1 + x^2) + atan(x y)", "x", n=8)
    sympy_after_cse = 248  # SymPy 1.14's 8th derivative of the same function, after sympy.cse
    assert d8.count_ops() <= 1.1 * sympy_after_cse


def test_deep_expressions_differentiate_without_recursion() -> None:
    e = sym.parse("x")
    for k in range(3000):
        e = sym.sin(e) + k % 7
    d = sym.diff(e, "x")
    assert d.op == "mul"
    assert len(d.args) > 100


@pytest.mark.parametrize(
    "text",
    [
        "sin(x) e^(x^2)/(1 + x^2) + atan(x y)",
        "x^3 exp(x) sin(x) + x^2 exp(x) cos(x)",
        "(x + 1)^5 (x - 2)^3 log(x)",
        "2.5 x^2 sqrt(1 + x) + x^(1/3) exp(-x)",
    ],
)
def test_a_repeated_derivative_is_the_derivative_taken_again_and_again(text: str) -> None:
    # diff(e, x, n) reuses the product rule's terms of the products met in earlier rounds; taking one
    # derivative at a time shares nothing
    from chainrule.symbolic.differentiate import derivative

    e = sym.parse(text)
    x = sym.symbols("x")
    one_at_a_time = e
    for n in range(1, 7):
        one_at_a_time = derivative(one_at_a_time, x)
        assert sym.diff(e, x, n) is sym.simplify(one_at_a_time), n
