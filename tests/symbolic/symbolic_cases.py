"""Shared test material: a table of functions with their domains, and a generator of random expressions."""

from __future__ import annotations

import numpy as np

# (text, lower, upper): each function is smooth on [lower, upper] (kinks, where there are any, lie outside
# the sampled points with probability one)
CASES: list[tuple[str, float, float]] = [
    ("3x^2 - 4x + 5", -3.0, 3.0),
    ("log(sqrt(x))", 0.2, 4.0),
    ("x^x", 0.2, 3.0),
    ("sin(x) e^(x^2) / (1 + x^2) + atan(x y)", -1.5, 1.5),
    ("(x + 1)(x - 1) / (x^2 + 1)", -2.0, 2.0),
    ("x^(3/2) - 2 x^(-1/3)", 0.2, 3.0),
    ("1/(x sin(x))", 0.3, 2.5),
    ("tan(x)", -1.2, 1.2),
    ("sec(x)", -1.2, 1.2),
    ("csc(x)", 0.3, 2.8),
    ("cot(x)", 0.3, 2.8),
    ("asin(x/2)", -1.8, 1.8),
    ("acos(x/2)", -1.8, 1.8),
    ("atan(x^2)", -2.0, 2.0),
    ("sinh(x) cosh(x)", -2.0, 2.0),
    ("tanh(x^2)", -2.0, 2.0),
    ("asinh(x)", -3.0, 3.0),
    ("acosh(x^2 + 1.5)", -2.0, 2.0),
    ("atanh(x/2)", -1.8, 1.8),
    ("log(x, 2) + log10(x)", 0.2, 5.0),
    ("2^x + x^pi + pi^x", 0.2, 2.0),
    ("e^(x sin(x))", -2.0, 2.0),
    ("sqrt(1 + x^2)^3", -2.0, 2.0),
    ("abs(x^2 - 1)", -2.0, 2.0),
    ("abs(sin(x))", -3.0, 3.0),
    ("relu(x - 1) + relu(-x)", -2.0, 2.0),
    ("max(x, x^2) + min(x, 1 - x)", -2.0, 2.0),
    ("sigmoid(2x)", -3.0, 3.0),
    ("softplus(x) - log(1 + exp(x))", -3.0, 3.0),
    ("atan2(x, 2) + atan2(1, x)", -2.0, 2.0),
    ("sin(x)^2 + cos(x)^2", -3.0, 3.0),
    ("exp(log(x)) + log(exp(x))", 0.2, 3.0),
    ("x^y + y^x", 0.3, 2.0),
    ("sign(x) x^2", -2.0, 2.0),
    ("(sin(x) + 1)^(cos(x) + 2)", -2.0, 2.0),
    ("heaviside(x) x + x^10 / 10", -1.5, 1.5),
]

_LEAVES = ["x", "y", "x", "2", "3", "1/2", "pi"]
_UNARY = [
    "sin({})",
    "cos({})",
    "atan({})",
    "tanh({})",
    "sigmoid({})",
    "softplus({})",
    "exp(({})/3)",
    "log(1 + ({})^2)",
    "sqrt(1 + ({})^2)",
    "asinh({})",
    "({})^2",
    "({})^3",
    "1/(1 + ({})^2)",
    "sinh(({})/2)",
    "cosh(({})/2)",
]
_BINARY = [
    "({}) + ({})",
    "({}) - ({})",
    "({}) * ({})",
    "({}) / (2 + ({})^2)",
    "2 ({}) - 3 ({})",
    "(1 + ({})^2)^(({})/(1 + y^2))",
]


def random_text(rng: np.random.Generator, depth: int) -> str:
    """A random smooth expression in x and y, defined everywhere on the reals."""
    if depth == 0 or rng.random() < 0.2:
        return str(rng.choice(_LEAVES))
    if rng.random() < 0.5:
        return str(rng.choice(_UNARY)).format(random_text(rng, depth - 1))
    return str(rng.choice(_BINARY)).format(random_text(rng, depth - 1), random_text(rng, depth - 1))


def random_texts(seed: int, count: int, depth: int = 4) -> list[str]:
    rng = np.random.default_rng(seed)
    return [random_text(rng, depth) for _ in range(count)]


def points(lower: float, upper: float, count: int = 7, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(lower, upper, size=count)
