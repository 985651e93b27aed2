"""The acceptance table of issue 13: each row a formula with shapes, the variable, the same function written
by hand in NumPy (what the engine differentiates, independently of chainrule's parser and evaluator), and
the closed (or vec/Kronecker) form chainrule gives in the mixed layout.

Shapes are chosen non-square wherever the formula allows, so a transposed answer cannot pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import chainrule as cr

# the sizes of the named dimensions: all different
DIMS = {"n": 3, "m": 4, "k": 2, "l": 5}


@dataclass(frozen=True)
class Case:
    text: str
    var: str
    shapes: dict[str, str]
    numpy: Callable[[dict[str, Any]], Any]
    mixed: str  # chainrule's result in the mixed layout (for 3- and 4-index results: the vec form)

    @property
    def id(self) -> str:
        return f"d({self.text})/d{self.var}"


def _softplus(u: Any) -> Any:
    return np.log(1 + np.exp(u))


SCALARS = [
    Case("a' x", "x", {"a": "n", "x": "n"}, lambda v: v["a"] @ v["x"], "a"),
    Case("x' A x", "x", {"x": "n", "A": "n,n"}, lambda v: v["x"] @ v["A"] @ v["x"], "(A + A') x"),
    Case(
        "‖x - a‖", "x", {"x": "n", "a": "n"}, lambda v: np.linalg.norm(v["x"] - v["a"]), "(x - a)/norm(x - a)"
    ),
    Case(
        "‖A x - b‖^2",
        "x",
        {"A": "m,n", "x": "n", "b": "m"},
        lambda v: np.sum((v["A"] @ v["x"] - v["b"]) ** 2),
        "2 A' (A x - b)",
    ),
    Case(
        "log(1 + exp(a' x))",
        "x",
        {"a": "n", "x": "n"},
        lambda v: _softplus(v["a"] @ v["x"]),
        "sigmoid(a' x) a",
    ),
    Case("logsumexp(x)", "x", {"x": "n"}, lambda v: cr.logsumexp(v["x"]), "softmax(x)"),
    Case("sum(x)", "x", {"x": "n"}, lambda v: np.sum(v["x"]), "ones(n)"),
    Case("s x' x", "x", {"s": "", "x": "n"}, lambda v: v["s"] * (v["x"] @ v["x"]), "2 s x"),
    Case("s x' x", "s", {"s": "", "x": "n"}, lambda v: v["s"] * (v["x"] @ v["x"]), "x' x"),
    Case("a' X b", "X", {"a": "n", "X": "n,k", "b": "k"}, lambda v: v["a"] @ v["X"] @ v["b"], "a b'"),
    Case("a' X' b", "X", {"a": "k", "X": "n,k", "b": "n"}, lambda v: v["a"] @ v["X"].T @ v["b"], "b a'"),
    Case("tr(X)", "X", {"X": "n,n"}, lambda v: np.trace(v["X"]), "eye(n)"),
    Case("tr(A X)", "X", {"A": "k,n", "X": "n,k"}, lambda v: np.trace(v["A"] @ v["X"]), "A'"),
    Case(
        "tr(A X B)",
        "X",
        {"A": "m,n", "X": "n,k", "B": "k,m"},
        lambda v: np.trace(v["A"] @ v["X"] @ v["B"]),
        "A' B'",
    ),
    Case(
        "tr(A X' B)",
        "X",
        {"A": "m,k", "X": "n,k", "B": "n,m"},
        lambda v: np.trace(v["A"] @ v["X"].T @ v["B"]),
        "B A",
    ),
    Case(
        "tr(X' A X)",
        "X",
        {"X": "n,k", "A": "n,n"},
        lambda v: np.trace(v["X"].T @ v["A"] @ v["X"]),
        "(A + A') X",
    ),
    Case(
        "tr(X B X')",
        "X",
        {"X": "n,k", "B": "k,k"},
        lambda v: np.trace(v["X"] @ v["B"] @ v["X"].T),
        "X (B + B')",
    ),
    Case("tr(X^3)", "X", {"X": "n,n"}, lambda v: np.trace(v["X"] @ v["X"] @ v["X"]), "3 X'^2"),
    Case(
        "tr(A X^-1 B)",
        "X",
        {"A": "m,n", "X": "n,n", "B": "n,m"},
        lambda v: np.trace(v["A"] @ np.linalg.inv(v["X"]) @ v["B"]),
        "-X^-T A' B' X^-T",
    ),
    Case("det(X)", "X", {"X": "n,n"}, lambda v: np.linalg.det(v["X"]), "det(X) X^-T"),
    Case("log det(X)", "X", {"X": "n,n"}, lambda v: np.log(np.linalg.det(v["X"])), "X^-T"),
    Case(
        "det(A X B)",
        "X",
        {"A": "n,n", "X": "n,n", "B": "n,n"},
        lambda v: np.linalg.det(v["A"] @ v["X"] @ v["B"]),
        "det(A X B) X^-T",
    ),
    Case(
        "a' X^-1 b",
        "X",
        {"a": "n", "X": "n,n", "b": "n"},
        lambda v: v["a"] @ np.linalg.inv(v["X"]) @ v["b"],
        "-X^-T a b' X^-T",
    ),
    Case("‖X‖_F^2", "X", {"X": "n,k"}, lambda v: np.sum(v["X"] ** 2), "2 X"),
    Case(
        "‖A X - B‖_F^2",
        "X",
        {"A": "m,n", "X": "n,k", "B": "m,k"},
        lambda v: np.sum((v["A"] @ v["X"] - v["B"]) ** 2),
        "2 A' (A X - B)",
    ),
    Case(
        "b' X' X c",
        "X",
        {"b": "k", "X": "n,k", "c": "k"},
        lambda v: v["b"] @ v["X"].T @ v["X"] @ v["c"],
        "X (b c' + c b')",
    ),
    Case("sum(exp(X))", "X", {"X": "n,k"}, lambda v: np.sum(np.exp(v["X"])), "exp(X)"),
]

JACOBIANS = [
    Case("x", "x", {"x": "n"}, lambda v: v["x"], "eye(n)"),
    Case("A x", "x", {"A": "m,n", "x": "n"}, lambda v: v["A"] @ v["x"], "A"),
    Case("x' A", "x", {"x": "m", "A": "m,n"}, lambda v: v["x"] @ v["A"], "A'"),
    Case("tanh(x)", "x", {"x": "n"}, lambda v: np.tanh(v["x"]), "diag(1 - tanh(x).^2)"),
    Case(
        "x .* (A x)",
        "x",
        {"x": "n", "A": "n,n"},
        lambda v: v["x"] * (v["A"] @ v["x"]),
        "diag(A x) + diag(x) A",
    ),
    Case("s x", "x", {"s": "", "x": "n"}, lambda v: v["s"] * v["x"], "s eye(n)"),
    Case("s x", "s", {"s": "", "x": "n"}, lambda v: v["s"] * v["x"], "x"),
    Case("X a", "X", {"X": "m,n", "a": "n"}, lambda v: v["X"] @ v["a"], "kron(a', eye(m))"),
    Case(
        "A X B", "X", {"A": "m,n", "X": "n,k", "B": "k,l"}, lambda v: v["A"] @ v["X"] @ v["B"], "kron(B', A)"
    ),
    Case("X^-1", "X", {"X": "n,n"}, lambda v: np.linalg.inv(v["X"]), "-kron(X^-T, X^-1)"),
    Case(
        "X' X",
        "X",
        {"X": "n,k"},
        lambda v: v["X"].T @ v["X"],
        "kron(X', eye(k)) commutation(n, k) + kron(eye(k), X')",
    ),
]

ROWS = SCALARS + JACOBIANS

HESSIANS = [
    Case("x' A x", "x", {"x": "n", "A": "n,n"}, lambda v: v["x"] @ v["A"] @ v["x"], "A + A'"),
    Case(
        "sum(log(1 + exp(M w))) - y' M w",
        "w",
        {"M": "m,n", "w": "n", "y": "m"},
        lambda v: np.sum(_softplus(v["M"] @ v["w"])) - v["y"] @ v["M"] @ v["w"],
        "M' diag(sigmoid(M w) .* (1 - sigmoid(M w))) M",
    ),
    Case("det(X)", "X", {"X": "n,n"}, lambda v: np.linalg.det(v["X"]), ""),
]


def arrays_for(shapes: dict[str, str], seed: int, dims: dict[str, int] | None = None) -> dict[str, Any]:
    """Random arrays of the shapes (square matrices well conditioned), and the dimensions."""
    sizes = dict(DIMS) | dict(dims or {})
    rng = np.random.default_rng(seed)
    out: dict[str, Any] = dict(sizes)
    for name, spec in shapes.items():
        shape = tuple(sizes[d] for d in spec.replace(",", " ").split())
        value = rng.normal(size=shape)
        if len(shape) == 2 and shape[0] == shape[1]:
            value = value + shape[0] * np.eye(shape[0])
        out[name] = value if shape else float(value)
    return out


def numpy_function(case: Case, arrays: dict[str, Any]) -> Callable[[Any], Any]:
    """The hand-written function of the case's variable alone, the other arrays held fixed."""

    def f(x: Any) -> Any:
        return case.numpy({**arrays, case.var: x})

    return f
