"""Matrix calculus, exactly and explained: scalars, vectors and matrices with shapes, in three layouts.

Variables have shapes, named or numeric (:func:`vector`, :func:`matrix`, :func:`scalar`, or text read
with ``shapes=``). Derivatives come out in closed form where one exists (``(A + A') x``, ``det(X) X^-T``,
``diag(1 - tanh(x).^2)``), 3- and 4-index ones as einsums with their vec/Kronecker form where there is one
(:func:`vec_form`), in the layout asked for (``"mixed"``, ``"numerator"``, ``"denominator"``: the engine's,
:mod:`chainrule.layouts`). Explanations work by differentials, each step an equality the tests check
numerically. Elementwise functions and their derivatives are the core rule table's.

Examples
--------
>>> from chainrule.symbolic import matrix as mx
>>> x, A = mx.vector("x", "n"), mx.matrix("A", ("n", "n"))
>>> mx.diff(x.T @ A @ x, x)
(A + A') x
>>> mx.diff("tr(A X B)", "X", shapes={"A": "n,n", "X": "n,n", "B": "n,n"}, layout="numerator")
B A
"""

from __future__ import annotations

import sys
import types
from typing import Any

from chainrule.symbolic.matrix import algebra, elementwise, functions, nodes, parser, printing, simplify
from chainrule.symbolic.matrix.algebra import eye, ones, zeros
from chainrule.symbolic.matrix.api import diff, gradient, hessian, jacobian, matrix, scalar, vec_form, vector
from chainrule.symbolic.matrix.codegen import lambdify
from chainrule.symbolic.matrix.evaluate import evaluate
from chainrule.symbolic.matrix.explanation import MatrixExplanation, MatrixStep, explain
from chainrule.symbolic.matrix.functions import (
    commutation,
    det,
    diag,
    einsum,
    inverse,
    logdet,
    logsumexp,
    norm1,
    norm2,
    softmax,
    total,
    trace,
    vec,
)
from chainrule.symbolic.matrix.nodes import MatExpr
from chainrule.symbolic.matrix.parser import parse
from chainrule.symbolic.matrix.printing import to_latex, to_text

kron = algebra.kron
inv = inverse
tr = trace


nodes.connect(
    nodes.Operations(
        add=algebra.add,
        subtract=algebra.subtract,
        multiply=algebra.multiply,
        divide=algebra.divide,
        matmul=algebra.matmul,
        power=algebra.power,
        transpose=algebra.transpose,
        apply_ufunc=functions.apply_ufunc,
        to_text=printing.to_text,
        to_latex=printing.to_latex,
        parse=parser.parse,
        evaluate=evaluate,
        diff=lambda e, var, layout="mixed": diff(e, var, layout=layout),
        explain=lambda e, var, layout="mixed": explain(e, var, layout=layout),
        simplify=simplify.simplify,
    )
)


def __getattr__(name: str) -> object:
    # exp, tanh, sigmoid ... of matrix expressions, elementwise: the functions of the rule table
    if name.startswith("__") or not elementwise.is_function(name):
        raise AttributeError(f"module 'chainrule.symbolic.matrix' has no attribute {name!r}")

    def function(*args: object) -> MatExpr:
        return elementwise.apply_function(name, [algebra.as_mat(a) for a in args])

    function.__name__ = name
    function.__doc__ = f"``{name}`` elementwise, from the core rule table."
    return function


class _CallableModule(types.ModuleType):
    """``sym.matrix("A", ("m", "n"))`` makes a matrix variable, and ``sym.matrix.diff`` ... is this package:
    the issue's spelling of both, reconciled by making the package callable."""

    def __call__(self, name: str, shape: Any = ("n", "n"), symmetric: bool = False) -> MatExpr:
        return matrix(name, shape, symmetric=symmetric)


sys.modules[__name__].__class__ = _CallableModule

__all__ = [
    "MatExpr",
    "MatrixExplanation",
    "MatrixStep",
    "commutation",
    "det",
    "diag",
    "diff",
    "einsum",
    "evaluate",
    "explain",
    "eye",
    "gradient",
    "hessian",
    "inv",
    "inverse",
    "jacobian",
    "kron",
    "lambdify",
    "logdet",
    "logsumexp",
    "matrix",
    "norm1",
    "norm2",
    "ones",
    "parse",
    "scalar",
    "softmax",
    "to_latex",
    "to_text",
    "total",
    "tr",
    "trace",
    "vec",
    "vec_form",
    "vector",
    "zeros",
]
