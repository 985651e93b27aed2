"""A symbolic matrix derivative against the autodiff engine's, at random arrays.

:func:`random_arrays` draws values for an expression's variables (named dimensions get distinct small
sizes, so a transposed result cannot pass by accident; square matrices are made well conditioned;
symmetric ones symmetric). :func:`engine_derivative` is ``cr.jacobian`` of the expression's NumPy function
in the same layout; for a symmetric variable it differentiates through the mirror of the upper triangle,
which is the Matrix Cookbook's convention (``X_ij`` and ``X_ji`` one variable).

Examples
--------
>>> from chainrule.symbolic.matrix import parse, diff
>>> s = {"x": "n", "A": "n,n"}
>>> f = parse("x' A x", s)
>>> arrays = random_arrays(f, seed=1)
>>> difference(diff(f, "x", layout="numerator"), f, "x", arrays, "numerator") < 1e-12
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from chainrule.core.jacobians import jacobian
from chainrule.symbolic.matrix.api import resolve
from chainrule.symbolic.matrix.codegen import lambdify
from chainrule.symbolic.matrix.dims import dim_value
from chainrule.symbolic.matrix.nodes import MatExpr

__all__ = ["difference", "engine_derivative", "random_arrays"]

_SIZES = (3, 4, 2, 5, 6, 7)


def random_arrays(expr: MatExpr, dims: Mapping[str, int] | None = None, seed: int = 0) -> dict[str, Any]:
    """Random arrays for ``expr``'s variables, and the sizes chosen for its named dimensions."""
    rng = np.random.default_rng(seed)
    names = sorted({d for v in expr.variables for d in v.shape if isinstance(d, str) and "*" not in d})
    sizes = dict(zip(names, _SIZES, strict=False)) | dict(dims or {})
    out: dict[str, Any] = dict(sizes)
    for v in expr.variables:
        shape = tuple(dim_value(d, sizes) for d in v.shape)
        value = rng.normal(size=shape)
        if len(shape) == 2 and shape[0] == shape[1]:
            value = value + shape[0] * np.eye(shape[0])  # well conditioned: inverses and log-determinants
            if v.symmetric:
                value = (value + value.T) / 2
        out[v.name] = value if shape else float(value)
    return out


def engine_derivative(expr: MatExpr, var: Any, arrays: Mapping[str, Any], layout: str = "mixed") -> Any:
    """``cr.jacobian`` (reverse mode) of ``expr`` as a NumPy function of ``var``, the others held fixed."""
    v = resolve(var, expr)
    names = [w.name for w in expr.variables]
    if v.name not in names:  # a constant of var's dimensions (the gradient of tr X is I): var gives them
        names.append(v.name)
    compiled = lambdify(expr, names)

    def f(x: Any) -> Any:
        if v.symmetric:  # the entries above the diagonal stand for both triangles
            x = np.triu(x) + np.triu(x, 1).T
        return compiled(*(x if n == v.name else arrays[n] for n in names))

    result = jacobian(f, layout=layout)(np.asarray(arrays[v.name], dtype=float))
    if not v.symmetric:
        return result
    return _mirrored(np.asarray(result), expr.ndim, layout)


def _mirrored(result: Any, out_ndim: int, layout: str) -> Any:
    """The derivative by the upper triangle, as a symmetric matrix of derivatives in the variable's axes."""
    axes = (0, 1) if layout == "denominator" else (out_ndim, out_ndim + 1)
    if layout == "numerator":  # the variable's axes are reversed there: its upper triangle is below
        axes = axes[::-1]
    moved = np.moveaxis(result, axes, (-2, -1))
    upper = np.triu(moved)
    full = upper + np.swapaxes(np.triu(moved, 1), -1, -2)
    return np.moveaxis(full, (-2, -1), axes)


def difference(derivative: MatExpr, expr: MatExpr, var: Any, arrays: Mapping[str, Any], layout: str) -> float:
    """The largest absolute difference between the symbolic derivative's value and the engine's."""
    engine = np.asarray(engine_derivative(expr, var, arrays, layout), dtype=float)
    symbolic = np.asarray(derivative.evaluate(arrays), dtype=float)
    if symbolic.shape != engine.shape:
        return float("inf")
    return float(np.max(np.abs(symbolic - engine))) if engine.size else 0.0
