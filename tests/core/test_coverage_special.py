"""SciPy's special functions on traced values: found on first call, named as their user wrote them, SciPy
never imported with chainrule, and the values chainrule computes itself when SciPy is missing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import chainrule as cr
from chainrule import symbolic as sym
from chainrule.core.rules import _special_numerics as num
from chainrule.testing import check_grads

special = pytest.importorskip("scipy.special")


def _run(code: str, prelude: str = "") -> str:
    """Run ``code`` in a fresh interpreter (with this checkout's chainrule) and return what it printed."""
    source = prelude + textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-c", source], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


WITHOUT_SCIPY = """
import sys
sys.modules["scipy"] = None  # any import of SciPy now raises ImportError
"""


def test_importing_chainrule_does_not_import_scipy() -> None:
    out = _run("""
        import sys
        import chainrule, chainrule.symbolic
        print("scipy" in sys.modules)
    """)
    assert out.split() == ["False"]


def test_a_scipy_function_is_found_on_its_first_call() -> None:
    out = _run("""
        import chainrule as cr
        import scipy.special as sc
        print(cr.grad(sc.erf)(0.0), cr.grad(lambda x: sc.gammaln(x))(1.0))
    """)
    erf_slope, digamma_one = map(float, out.split())
    assert erf_slope == pytest.approx(2 / np.sqrt(np.pi))
    assert digamma_one == pytest.approx(-np.euler_gamma)


def test_an_unsupported_scipy_function_is_named_as_written() -> None:
    with pytest.raises(cr.UnsupportedOperationError, match=r"scipy\.special\.kv has no derivative rule"):
        cr.grad(lambda x: special.kv(1.0, x))(0.5)
    with pytest.raises(cr.UnsupportedOperationError, match=r"scipy\.special\.kv"):
        cr.jvp(lambda x: special.kv(1.0, x), (0.5,), (1.0,))


def test_orders_have_no_derivative_rather_than_a_silent_zero() -> None:
    from chainrule.core.rules.scipy_special import polygamma_p

    with pytest.raises(cr.UnsupportedOperationError, match="order n of polygamma"):
        cr.grad(lambda n: polygamma_p(n, 2.0))(1.0)
    with pytest.raises(cr.UnsupportedOperationError, match="order v"):
        cr.grad(lambda v: special.iv(v, 2.0))(1.0)
    with pytest.raises(cr.UnsupportedOperationError, match="exponent s"):
        cr.grad(lambda s: special.zeta(s, 2.0))(3.0)


def test_polygamma_through_scipy_cannot_be_traced_and_says_so() -> None:
    # scipy.special.polygamma is a Python function that starts with np.asarray: no protocol reaches it
    with pytest.raises(cr.ChainruleError):
        cr.grad(lambda x: special.polygamma(1, x))(2.0)
    # the documented spelling: psi for n = 0, and (-1)^(n+1) n! zeta(n + 1, x)
    trigamma = cr.grad(lambda x: special.psi(x))(2.0)
    assert trigamma == pytest.approx(special.polygamma(1, 2.0))
    # polygamma(2, x) = -2 zeta(3, x), whose derivative is polygamma(3, x)
    assert cr.grad(lambda x: -2.0 * special.zeta(3.0, x))(2.0) == pytest.approx(special.polygamma(3, 2.0))


def test_expit_is_the_sigmoid() -> None:
    x = np.linspace(-30, 30, 7)
    np.testing.assert_allclose(
        cr.grad(lambda v: np.sum(special.expit(v)))(x), cr.grad(lambda v: np.sum(cr.sigmoid(v)))(x)
    )
    np.testing.assert_allclose(special.expit(cr.Tensor(x)).data, special.expit(x), rtol=1e-15)


def test_the_bessel_family_at_higher_orders() -> None:
    x = np.array([-2.5, -0.3, 0.4, 1.7, 6.0])
    check_grads(np.i0, x, order=3)
    check_grads(special.i1, x, order=3)
    check_grads(lambda z: special.ive(2.5, z), np.abs(x), order=2)
    check_grads(special.i0e, x, order=2)  # the corner at 0 is not among the points


def test_float32_stays_float32() -> None:
    x = np.array([0.3, 0.7], dtype=np.float32)
    for f in (special.erf, special.gamma, special.expit, np.sinc, np.fabs):
        assert cr.grad(lambda v, f=f: np.sum(f(v)))(x).dtype == np.float32


# ---------------------------------------------------------------- formulas


def test_formulas_name_the_special_functions() -> None:
    x0 = 0.8
    assert sym.diff("erf(x)", "x").evaluate(x=x0) == pytest.approx(2 / np.sqrt(np.pi) * np.exp(-(x0**2)))
    assert sym.diff("gamma(x)", "x").evaluate(x=x0) == pytest.approx(special.gamma(x0) * special.psi(x0))
    assert sym.diff("lgamma(x)", "x").evaluate(x=x0) == pytest.approx(special.psi(x0))
    assert sym.diff("digamma(x)", "x", 2).evaluate(x=x0) == pytest.approx(special.polygamma(2, x0))
    assert sym.parse("gammaln(x)") is sym.parse("lgamma(x)")
    assert sym.diff("erfinv(x)", "x").evaluate(x=0.3) == pytest.approx(
        np.sqrt(np.pi) / 2 * np.exp(special.erfinv(0.3) ** 2)
    )
    assert sym.to_latex(sym.parse("gamma(x)")) == r"\Gamma\left(x\right)"


def test_formulas_reach_sympy_under_its_names() -> None:
    sympy = pytest.importorskip("sympy")
    e = sym.parse("erf(x) + erfc(x) + gamma(x) + lgamma(x) + digamma(x) + polygamma(1, x)")
    converted = sym.to_sympy(e)
    names = {type(a).__name__ for a in converted.atoms(sympy.Function)}
    # SymPy writes digamma as polygamma(0, .), and lgamma as log(Abs(gamma(.))): its loggamma is complex
    assert names == {"erf", "erfc", "gamma", "log", "Abs", "polygamma"}
    assert float(converted.subs(sympy.Symbol("x", real=True), 1.3)) == pytest.approx(e.evaluate(x=1.3))


def test_sinc_in_formulas_is_numpys_normalized_sinc() -> None:
    sympy = pytest.importorskip("sympy")
    converted = sym.to_sympy(sym.parse("sinc(x)"))
    x = sympy.Symbol("x", real=True)
    assert sympy.simplify(converted - sympy.sin(sympy.pi * x) / (sympy.pi * x)) == 0
    assert sym.diff("sinc(x)", "x").evaluate(x=0.7) == pytest.approx(cr.grad(np.sinc)(0.7))


# ---------------------------------------------------------------- without SciPy


def test_values_without_scipy_match_scipys() -> None:
    x = np.array([-3.7, -1.5, -0.2, 1e-3, 0.5, 1.0, 2.3, 7.9, 30.0, 170.5])
    np.testing.assert_allclose(num.erf(x), special.erf(x), rtol=1e-15)
    np.testing.assert_allclose(num.erfc(x), special.erfc(x), rtol=1e-14)
    np.testing.assert_allclose(num.ndtr(x), special.ndtr(x), rtol=1e-14)
    np.testing.assert_allclose(num.gamma(x), special.gamma(x), rtol=1e-13)
    np.testing.assert_allclose(num.gammaln(x), special.gammaln(x), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(num.digamma(x), special.psi(x), rtol=1e-12, atol=1e-13)
    for n in range(1, 5):
        np.testing.assert_allclose(num.polygamma(n, x), special.polygamma(n, x), rtol=1e-11, err_msg=str(n))
    poles = np.array([0.0, -1.0, -2.0, -0.0])
    np.testing.assert_array_equal(num.gamma(poles), special.gamma(poles))
    np.testing.assert_array_equal(num.gammaln(poles), special.gammaln(poles))
    np.testing.assert_array_equal(num.digamma(poles), special.psi(poles))


@pytest.mark.parametrize("scaled", [False, True])
def test_bessel_values_without_scipy_match_scipys(scaled: bool) -> None:
    z = np.concatenate([-np.geomspace(1e-3, 200, 40), [0.0], np.geomspace(1e-3, 200, 40)])
    for v in range(6):
        want = special.ive(v, z) if scaled else special.iv(v, z)
        np.testing.assert_allclose(num.bessel_i(v, z, scaled), want, rtol=2e-13, atol=1e-300, err_msg=str(v))


def test_formulas_evaluate_without_scipy() -> None:
    out = _run(
        prelude=WITHOUT_SCIPY,
        code="""
        import numpy as np
        import chainrule as cr
        from chainrule import symbolic as sym
        print(sym.diff("gamma(x)", "x").evaluate(x=1.0))
        print(sym.diff("lgamma(x) + erf(x)", "x", 2).evaluate(x=2.0))
        print(cr.grad(cr.grad(np.i0))(0.0), cr.grad(np.i0)(1.0))
        try:
            sym.parse("erfinv(x)").evaluate(x=0.5)
        except cr.UnsupportedOperationError as exc:
            print("refused:", exc)
    """,
    )
    lines = out.splitlines()
    assert float(lines[0]) == pytest.approx(-np.euler_gamma, rel=1e-13)  # Gamma'(1) = -euler gamma
    want = special.polygamma(1, 2.0) - 4 * 2.0 / np.sqrt(np.pi) * np.exp(-4.0)
    assert float(lines[1]) == pytest.approx(want, rel=1e-12)
    second, first = map(float, lines[2].split())
    assert second == pytest.approx(0.5)
    assert first == pytest.approx(special.i1(1.0), rel=1e-14)
    assert "scipy.special.erfinv needs SciPy" in lines[3]
    assert "learn" in lines[3]


def test_log_ndtr_far_in_the_tail_to_second_order() -> None:
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    for x in (-20.5, -33.3, -39.0, 8.0):
        want = mpmath.diff(lambda t: mpmath.log(mpmath.ncdf(t)), x, 2)
        assert cr.grad(cr.grad(special.log_ndtr))(x) == pytest.approx(float(want), rel=1e-9)


NEW_FORMULAS = [
    "erf(x)", "erfc(x)", "erfinv(x)", "erfcinv(x)", "gamma(x)", "lgamma(x)", "digamma(x)",
    "polygamma(2, x)", "sinc(x)",
]  # fmt: skip


@pytest.mark.parametrize("text", NEW_FORMULAS)
def test_the_new_formula_functions_print_and_read_back(text: str) -> None:
    e = sym.parse(text)
    assert sym.parse(str(e)) is e
    assert sym.parse(sym.to_python(e).replace("**", "^")) is e
    assert "\\left(x\\right)" in sym.to_latex(e)
    values = {"x": 0.35}
    assert sym.lambdify(e, "x")(0.35) == pytest.approx(e.evaluate(values))
    sympy = pytest.importorskip("sympy")
    converted = sym.to_sympy(e).subs(sympy.Symbol("x", real=True), 0.35)
    if text == "erfcinv(x)":  # SymPy has no numerical erfcinv; erfcinv(x) = erfinv(1 - x)
        converted = converted.rewrite(sympy.erfinv)
    assert float(converted.evalf()) == pytest.approx(e.evaluate(values))


def test_polygamma_prints_its_order() -> None:
    assert sym.to_latex(sym.parse("polygamma(2, x)")) == r"\psi^{(2)}\left(x\right)"
