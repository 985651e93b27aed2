"""Generated code and names: constants as float64 values, sources released, names that cannot mislead."""

from __future__ import annotations

import gc
import linecache
import traceback

import numpy as np
import pytest

import chainrule as cr
from chainrule import symbolic as sym
from chainrule.errors import ChainruleValueError

# ------------------------------------------------------------------ constants with NumPy's semantics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x*9^9^9", np.inf),  # was exact integer arithmetic, 9**387420489: minutes
        ("2^10000*x", np.inf),  # was OverflowError
        ("0^-1 + x", np.inf),  # was ZeroDivisionError
        ("pi^pi^pi^pi + x", np.inf),  # was OverflowError
        ("x*(-8)^(1/3)", np.nan),  # Python would give a complex number
        ("x^(10^400)", np.inf),  # an exponent beyond float64
        ("x - (piecewise(9^9^9 < 0, x, 1e-400))^-1", -np.inf),  # 1/0 appears only once 9^9^9 is folded
    ],
)
def test_constants_in_generated_code_are_float64_values(text: str, expected: float) -> None:
    e = sym.parse(text)
    f = sym.lambdify(e, "x")
    assert "**" not in f.source.replace("x**", "")  # no power of numbers is left to Python
    value = f(2.0)
    np.testing.assert_equal(value, expected)
    np.testing.assert_equal(value, e.evaluate(x=2.0))
    source = sym.to_python(e)
    with np.errstate(all="ignore"):
        np.testing.assert_equal(eval(source, {"np": np}, {"x": np.float64(2.0)}), expected)  # our own source


def test_square_roots_of_numbers_stay_readable() -> None:
    assert sym.lambdify("sqrt(2)*x", "x").source.endswith("x*np.sqrt(2)")


def test_huge_exact_numbers_are_written_as_floats() -> None:
    big = sym.parse("9" * 400 + "*9")  # an exact integer of 401 digits
    assert sym.lambdify(big * sym.symbols("x"), "x")(1.0) == np.inf
    third = sym.parse("9" * 300 + "/7")
    assert sym.lambdify(third * sym.symbols("x"), "x")(1.0) == pytest.approx(float("9" * 300) / 7)


# ------------------------------------------------------------------ lambdify: arguments and linecache


def test_lambdify_refuses_a_repeated_variable() -> None:
    with pytest.raises(ChainruleValueError, match="x is listed twice"):
        sym.lambdify("x + y", ["x", "x", "y"])


def test_lambdify_source_lives_as_long_as_the_function() -> None:
    f = sym.lambdify("log(x) + 1/x", "x")
    filename = f.__code__.co_filename
    assert filename in linecache.cache
    try:
        f(np.array(["a"]))  # fails inside the body: a traceback through the function shows its line
    except TypeError as exc:
        shown = "".join(traceback.format_exception(exc))
        assert "return 1/x + np.log(x)" in shown
    else:
        raise AssertionError("np.log of strings should fail")
    del f
    gc.collect()
    assert filename not in linecache.cache


def test_lambdify_many_functions_do_not_grow_linecache() -> None:
    from chainrule.symbolic.matrix import diff as matrix_diff

    before = len(linecache.cache)
    for k in range(200):
        sym.lambdify(f"x + {k}", "x")(1.0)
    shapes = {"x": "n", "A": "n,n"}
    for _ in range(20):  # matrix calculus compiles its code the same way
        sym.lambdify(matrix_diff("x' A x", "x", shapes=shapes), ["x", "A"])
    gc.collect()
    assert len(linecache.cache) <= before + 1


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("text", "character"),
    [
        ("\u0445^2", "CYRILLIC SMALL LETTER HA"),  # х
        ("x\u0445", "CYRILLIC SMALL LETTER HA"),
        ("\u0391 + 1", "GREEK CAPITAL LETTER ALPHA"),
        ("\uff58 + 1", "FULLWIDTH LATIN SMALL LETTER X"),
        ("\U0001d465^2", "MATHEMATICAL ITALIC SMALL X"),
        ("\u03b8\u0436", "CYRILLIC SMALL LETTER ZHE"),  # Greek then Cyrillic: mixed scripts
    ],
)
def test_confusable_and_mixed_script_names_are_refused(text: str, character: str) -> None:
    with pytest.raises(sym.ParseError, match=character):
        sym.parse(text)


def test_cyrillic_x_is_not_a_silent_zero() -> None:
    with pytest.raises(sym.ParseError, match="type x"):
        cr.diff("\u0445^2", "x")
    with pytest.raises(ChainruleValueError, match="CYRILLIC"):
        cr.diff("x^2", "\u0445")


def test_greek_letters_remain_names() -> None:
    assert str(cr.diff("θ^2 + α*θ", "θ")) == "α + 2*θ"
    assert str(sym.parse("ρ*χ*λ1")) == "λ1*ρ*χ"
    assert str(sym.parse("\u0436 + 1")) == "\u0436 + 1"  # a Cyrillic letter like no Latin one


@pytest.mark.parametrize("name", ["x); import os; os.system('true'); (x", "x y", "1x", "", "a-b", "\u0445"])
def test_names_reaching_printers_are_validated(name: str) -> None:
    with pytest.raises(ChainruleValueError, match="not a valid symbol name"):
        sym.trace(lambda x: x * 2, [name])
    with pytest.raises(ChainruleValueError):
        sym.symbols(name if name.split() == [name] else "x\u0445")


def test_from_sympy_validates_names() -> None:
    sp = pytest.importorskip("sympy")
    with pytest.raises(ChainruleValueError, match="not a valid symbol name"):
        sym.from_sympy(sp.Symbol("x); import os") + 1)
    assert str(sym.from_sympy(sp.Symbol("theta") ** 2)) == "theta^2"


def test_markdown_explanations_carry_no_html() -> None:
    from chainrule.symbolic.explain.render import _math, _prose

    markdown = sym.explain("piecewise(x < 0, -x, x^2) + piecewise(x > 1, x, 0)", "x").to_markdown()
    assert "<" not in markdown
    assert ">" not in markdown
    assert "\\lt" in markdown
    assert _prose("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert _math("x < y") == "x \\lt  y"


def test_unknown_function_names_are_checked() -> None:
    from chainrule.symbolic.unknowns import unknown

    with pytest.raises(ChainruleValueError, match="CYRILLIC"):
        unknown("f\u0444", sym.symbols("x"))  # ф is a letter, but not after a Latin one
    with pytest.raises(ChainruleValueError, match="not a valid function name"):
        unknown("f); import os; (", sym.symbols("x"))
