"""One registration per primitive: a row declares its NumPy functions and its formula, and every part of
chainrule finds them there. Also the two bugs of the hand-tuned paths (stale differentiability, the one-parent
fast path without the None check)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule import symbolic as sym
from chainrule.core import registry
from chainrule.errors import ChainruleValueError, UnsupportedOperationError
from chainrule.testing import check_grads


def _sinc_derivative(ans: Any, x: Any) -> Any:
    return (np.cos(np.pi * x) - ans) / x  # NumPy's sinc is sin(pi x)/(pi x)


@pytest.fixture
def sinc() -> Iterator[cr.Primitive]:
    """A new primitive for np.sinc, declared in one row (it replaces any rule chainrule has for it)."""
    prim = cr.Primitive(
        "sinc",
        np.sinc,
        vjp=(lambda g, ans, x: g * _sinc_derivative(ans, x),),
        jvp=(lambda t, ans, x: t * _sinc_derivative(ans, x),),
        rule="quotient rule",
        notation="sinc'(x) = (cos(pi x) - sinc(x)) / x",
        numpy=np.sinc,
        formula=cr.Formula("sinc", sympy="", meaning="sin(pi*x)/(pi*x)"),
        declare=False,
    )
    with registry.replacing(prim):
        yield prim


def test_a_new_primitive_works_everywhere_at_once(sinc: cr.Primitive) -> None:
    x0 = 0.7
    want = float((np.cos(np.pi * x0) - np.sinc(x0)) / x0)
    # plain NumPy code, both modes, the object API
    assert cr.grad(lambda x: np.sinc(x))(x0) == pytest.approx(want)
    assert float(cr.jvp(np.sinc, (x0,), (1.0,))[1]) == pytest.approx(want)
    t = cr.Tensor(x0, requires_grad=True)
    np.sinc(t).backward()
    assert float(t.grad) == pytest.approx(want)
    check_grads(np.sinc, np.array([0.3, 0.7, 1.4]))
    # the parser, diff, explain, the printers, lambdify
    e = cr.parse("sinc(x^2)")
    assert str(e) == "sinc(x^2)"
    assert cr.parse(str(e)) is e
    assert sym.to_latex(e) == r"\operatorname{sinc}\left(x^{2}\right)"
    assert sym.to_python(e) == "sinc(x**2)"
    d = cr.diff("sinc(x)", "x")
    assert d.evaluate(x=x0) == pytest.approx(want)
    steps = cr.explain("sinc(x)").steps
    assert steps[0].rule == "quotient rule"
    assert steps[0].statement == sinc.notation
    assert cr.lambdify(d, "x")(x0) == pytest.approx(want)
    assert sym.trace(lambda x: np.sinc(x)) is cr.parse("sinc(x)")
    assert sym.sinc(0.5) is cr.parse("sinc(1/2)")  # the function, by its formula name


def test_a_new_primitive_reaches_sympy_through_its_meaning(sinc: cr.Primitive) -> None:
    sympy = pytest.importorskip("sympy")
    converted = sym.to_sympy(cr.parse("sinc(x)"))
    x = sympy.Symbol("x", real=True)
    assert sympy.simplify(converted - sympy.sin(sympy.pi * x) / (sympy.pi * x)) == 0


def test_replacing_restores_what_was_there() -> None:
    before = registry.UFUNCS[np.sin]
    shadow = cr.Primitive("shadow", np.sin, jvp=(lambda t, ans, x: t,), numpy=np.sin, declare=False)
    with registry.replacing(shadow):
        assert registry.UFUNCS[np.sin] is shadow
    assert registry.UFUNCS[np.sin] is before
    assert cr.grad(np.sin)(0.0) == 1.0


def test_declaring_a_taken_name_names_the_owner() -> None:
    with pytest.raises(ChainruleValueError, match=r"np\.sin is already declared by <primitive sin>"):
        cr.Primitive("again", np.sin, numpy=np.sin)
    with pytest.raises(ChainruleValueError, match="the formula name 'cos'"):
        cr.Primitive("again", np.cos, formula=cr.Formula("cos"))


def test_making_a_primitive_again_under_its_name_replaces_it() -> None:
    # what a notebook does when the cell that defines a rule runs twice
    first = cr.Primitive(
        "twice_defined", np.sin, jvp=(lambda t, ans, x: t,), formula=cr.Formula("twice_defined")
    )
    second = cr.Primitive(
        "twice_defined", np.sin, jvp=(lambda t, ans, x: 2 * t,), formula=cr.Formula("twice_defined")
    )
    try:
        assert registry.FORMULAS["twice_defined"] is second
        assert cr.diff("twice_defined(x)", "x") == 2
    finally:
        registry.unregister(second)
    assert first not in registry.primitives()


def test_a_primitive_is_fixed_once_made() -> None:
    prim = cr.Primitive("f", np.sin)
    with pytest.raises(AttributeError, match="fixed once made"):
        prim.vjp = (lambda g, ans, x: g,)  # type: ignore[misc]


def test_mutually_recursive_rules_need_no_assignment_after_construction() -> None:
    # d my_sin = my_cos, d my_cos = -my_sin: each rule calls the other primitive, made after it
    my_sin = cr.Primitive(
        "my_sin",
        np.sin,
        vjp=(lambda g, ans, x: g * my_cos(x),),
        jvp=(lambda t, ans, x: t * my_cos(x),),
    )
    my_cos = cr.Primitive(
        "my_cos",
        np.cos,
        vjp=(lambda g, ans, x: -g * my_sin(x),),
        jvp=(lambda t, ans, x: -t * my_sin(x),),
    )
    x = 0.4
    assert cr.grad(my_sin)(x) == pytest.approx(np.cos(x))
    assert float(cr.jvp(my_sin, (x,), (1.0,))[1]) == pytest.approx(np.cos(x))
    assert cr.grad(cr.grad(my_sin))(x) == pytest.approx(-np.sin(x))
    assert float(cr.jvp(cr.grad(my_cos), (x,), (1.0,))[1]) == pytest.approx(-np.cos(x))


def test_a_missing_rule_raises_instead_of_a_zero() -> None:
    forward_only = cr.Primitive("forward_only", np.sin, jvp=(lambda t, ans, x: t * np.cos(x),))
    reverse_only = cr.Primitive("reverse_only", np.sin, vjp=(lambda g, ans, x: g * np.cos(x),))
    assert float(cr.jvp(forward_only, (0.0,), (2.0,))[1]) == 2.0
    with pytest.raises(UnsupportedOperationError, match=r"forward_only has no reverse \(vjp\) rule"):
        cr.grad(forward_only)(0.0)
    with pytest.raises(UnsupportedOperationError, match="forward_only has no reverse"):
        forward_only(cr.Tensor(0.0, requires_grad=True))
    assert cr.grad(reverse_only)(0.0) == 1.0
    with pytest.raises(UnsupportedOperationError, match=r"reverse_only has no forward \(jvp\) rule"):
        cr.jvp(reverse_only, (0.0,), (1.0,))
    named = cr.Primitive(
        "reverse_only", np.sin, vjp=(lambda g, ans, x: g,), formula=cr.Formula("reverse_only"), declare=False
    )
    with registry.replacing(named), pytest.raises(ChainruleValueError, match="no forward rule"):
        cr.diff("reverse_only(x)", "x")


def test_an_operand_without_a_rule_is_a_constant_in_the_fast_path_too() -> None:
    # vjp=(None, rule): the first operand is not differentiated (an index, a flag); when it is the only
    # operand that takes a gradient, the one-parent fast path of the backward pass must skip it as well
    scaled = cr.Primitive(
        "scaled",
        lambda k, x: k * x,
        vjp=(None, lambda g, ans, k, x: g * k),
        jvp=(None, lambda t, ans, k, x: k * t),
    )
    assert cr.grad(lambda k: scaled(k, 3.0))(2.0) == 0.0
    assert cr.grad(lambda x: scaled(2.0, x))(3.0) == 2.0
    k = cr.Tensor(2.0, requires_grad=True)
    scaled(k, 3.0).backward()
    assert k.grad is None  # as for any leaf that receives no gradient
    assert float(cr.jvp(lambda k: scaled(k, 3.0), (2.0,), (1.0,))[1]) == 0.0
