"""Tracing NumPy code into expressions through the engine's primitive table; the bridge without SymPy."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule import symbolic as sym
from chainrule.errors import UnsupportedOperationError


def test_trace_records_numpy_calls() -> None:
    def f(x, y):  # type: ignore[no-untyped-def]
        return np.exp(-x * x) * np.cos(y) + cr.softplus(x) - np.maximum(x, y) / 2

    e = sym.trace(f)
    assert e is sym.parse("exp(-x^2) cos(y) + softplus(x) - max(x, y)/2")
    assert sym.trace(f, ["a", "b"]) is e.subs(x="a", y="b")


def test_trace_maps_every_numpy_function_with_a_symbolic_form() -> None:
    def f(x):  # type: ignore[no-untyped-def]
        return [
            np.log2(x),
            np.log10(x),
            np.log1p(x),
            np.expm1(x),
            np.exp2(x),
            np.square(x),
            np.reciprocal(x),
            np.logaddexp(x, 1.0),
            np.arctan2(x, 2.0),
            np.fmax(x, 1.0),
            np.clip(x, 0.0, 1.0),
            np.positive(x),
        ]

    traced = sym.trace(f)
    v = 0.37
    with np.errstate(all="ignore"):
        want = f(np.float64(v))
    np.testing.assert_allclose([e.evaluate(x=v) for e in traced], want, rtol=1e-12)


def test_trace_refuses_what_it_cannot_represent() -> None:
    with pytest.raises(UnsupportedOperationError, match=r"np\.sum"):
        sym.trace(lambda x: np.sum(x))
    with pytest.raises(UnsupportedOperationError, match="spacing"):
        sym.trace(lambda x: np.spacing(x))
    with pytest.raises(TypeError, match="cannot branch"):
        sym.trace(lambda x: x if x > 0 else -x)


def test_a_traced_function_has_the_same_gradient_as_autodiff() -> None:
    def loss(w, b):  # type: ignore[no-untyped-def]
        return np.log(1 + np.exp(-(2.0 * w + b))) + 0.1 * w**2

    point = (0.3, -0.2)
    grads = sym.gradient(sym.trace(loss), "w b")
    want = cr.grad(loss, argnums=(0, 1))(*point)
    np.testing.assert_allclose([g.evaluate(w=point[0], b=point[1]) for g in grads], want, rtol=1e-12)


def test_a_missing_sympy_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sympy", None)  # makes `import sympy` fail as if it were not installed
    with pytest.raises(UnsupportedOperationError, match=r"pip install chainrule\[sympy\]"):
        sym.to_sympy(sym.parse("x"))
