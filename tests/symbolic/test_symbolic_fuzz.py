"""Fuzzed formulas through every door: parse, str, lambdify, diff and the command line (issue 16).

Formulas are drawn from the notation people type, with the numbers that broke generated code and printing
before (``9^9^9``, ``2^10000``, ``0^-1``, ``1e400``, 400-digit literals, superscripts, deep roots). For each:
nothing but a chainrule error is raised, ``str`` reads back to the same expression, the generated code
runs, and the exact derivative agrees with the automatic one wherever both are finite. A watchdog turns a
hang (the old ``x*9**387420489``) into a failure instead of a stuck suite; the time goals themselves live in
``benchmarks/``.
"""

from __future__ import annotations

import contextlib
import math
import signal
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule import symbolic as sym
from chainrule.cli import main
from chainrule.errors import ChainruleError

NUMBERS = ["0", "1", "2", "0.1", "9", "1e400", "1e-400", "2^10000", "9^9^9", "0^-1", "pi", "e", "1_000"]
NUMBERS.append("9" * 400)
NAMES = ["x", "y", "x", "θ"]
FUNCTIONS = ["sin", "cos", "exp", "log", "sqrt", "tanh", "abs", "atan"]
BINARY = ["+", "-", "*", "/", "^"]


def _formulas() -> st.SearchStrategy[str]:
    leaf = st.one_of(st.sampled_from(NAMES), st.sampled_from(NUMBERS))  # as likely a name as a number

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(BINARY), inner).map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
            st.tuples(st.sampled_from(FUNCTIONS), inner).map(lambda t: f"{t[0]}({t[1]})"),
            inner.map(lambda s: f"-({s})"),
            st.tuples(st.sampled_from(["√", "e^"]), st.integers(1, 400), inner).map(
                lambda t: t[0] * t[1] + f"({t[2]})"
            ),
            inner.map(lambda s: f"({s})²"),
            inner.map(lambda s: f"({s})⁻¹"),
            st.tuples(inner, inner).map(lambda t: f"2({t[0]})({t[1]})"),
            st.tuples(inner, inner, inner).map(lambda t: f"piecewise(({t[0]}) < 0, {t[1]}, {t[2]})"),
            st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
        )

    return st.recursive(leaf, extend, max_leaves=12).filter(lambda s: len(s) <= 3000)


@contextlib.contextmanager
def watchdog(seconds: int = 20) -> Iterator[None]:
    """Fail instead of hanging (where the platform has SIGALRM)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


POINT = {"x": 0.7, "y": 1.3, "θ": 0.4}


def _check_derivative(e: sym.Expr, names: list[str]) -> None:
    d = sym.diff(e, "x")
    assert sym.parse(str(d), max_length=10**7) is d or "\nwhere\n" in str(d)
    f, df = sym.lambdify(e, names), sym.lambdify(d, names)
    args = [POINT[n] for n in names]
    with np.errstate(all="ignore"):
        exact = float(df(*args))
        automatic = float(cr.grad(f, argnums=names.index("x"))(*args)) if "x" in names else 0.0
    if math.isfinite(exact) and math.isfinite(automatic) and max(abs(exact), abs(automatic)) < 1e100:
        assert exact == pytest.approx(automatic, rel=1e-6, abs=1e-9)


@settings(max_examples=120)
@given(_formulas())
def test_fuzzed_formulas_parse_print_compile_and_differentiate(text: str) -> None:
    with watchdog():
        try:
            e = sym.parse(text)
        except sym.ParseError:
            return
        printed = str(e)
        assert sym.parse(printed, max_length=len(printed) + 1) is e
        sym.to_latex(e)
        names = sorted(s.name for s in e.free_symbols)
        f = sym.lambdify(e, names)
        with np.errstate(all="ignore"):
            np.asarray(f(*[POINT[n] for n in names]), dtype=float)
        with contextlib.suppress(
            ChainruleError
        ):  # a derivative may be refused (a kink's, say): with a message
            _check_derivative(e, names)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_formulas())
def test_fuzzed_formulas_on_the_command_line(capsys: pytest.CaptureFixture[str], text: str) -> None:
    capsys.readouterr()  # (the output of the previous example)
    try:
        names = sorted(s.name for s in sym.parse(text).free_symbols)
    except sym.ParseError:
        names = ["x"]
    at = ",".join(f"{n}={POINT[n]}" for n in names) or "x=0.7"
    with watchdog():
        wrt = ["--wrt", "x"] if "x" in names else []
        status = main(["--plain", "diff", "--at", at, *wrt, "--", text])  # (-- : a text may start with -)
        status_grad = main(["--plain", "grad", "--at", at, "--", text])
    captured = capsys.readouterr()
    assert status in (0, 2), captured
    assert status_grad in (0, 2), captured
    assert "Traceback" not in captured.out + captured.err
