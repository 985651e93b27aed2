"""The public functions: variables with shapes, ``diff``, ``gradient``, ``jacobian``, ``hessian``.

Text is read with ``shapes=``; a variable to differentiate by is a variable or its name (looked up in the
expression, then in ``shapes``). A variable the expression does not use gives the exact zero of the
derivative's shape; a name that is neither raises, as does a gradient of something that is not a scalar.

Examples
--------
>>> from chainrule import symbolic as sym
>>> sym.diff("x' A x", "x", shapes={"x": "n", "A": ("n", "n")}, layout="numerator")
x' (A + A')
>>> X = sym.matrix("X", ("n", "n"))
>>> sym.gradient(sym.det(X), X)
det(X) X^-T
>>> sym.hessian("x' A x", "x", shapes={"x": "n", "A": "n,n"})
A + A'
>>> sym.diff("a' x", "y", shapes={"a": "n", "x": "n", "y": "m"})
zeros(m)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.layouts import check_layout
from chainrule.symbolic.matrix import derivative as forms
from chainrule.symbolic.matrix.algebra import as_mat, variable
from chainrule.symbolic.matrix.derivative import derivative
from chainrule.symbolic.matrix.nodes import MatExpr
from chainrule.symbolic.matrix.parser import parse, variables_from

__all__ = [
    "as_matrix_expression",
    "diff",
    "gradient",
    "hessian",
    "jacobian",
    "matrix",
    "resolve",
    "scalar",
    "vec_form",
    "vector",
]


def vector(name: str, dim: Any = "n") -> MatExpr:
    """A column vector variable: ``vector("x", "n")``, ``vector("x", 3)``.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> x = sym.vector("x", "n")
    >>> x.shape, x.T.shape, x.T.kind
    (('n',), ('n',), 'a row n-vector (1×n)')
    """
    shape = (dim,) if not isinstance(dim, tuple | list) else tuple(dim)
    if len(shape) != 1:
        raise ShapeError(f"a vector has one dimension, not {dim!r}")
    return variable(name, shape)


def matrix(name: str, shape: Any = ("n", "n"), symmetric: bool = False) -> MatExpr:
    """A matrix variable: ``matrix("A", ("m", "n"))``; ``symmetric=True`` for a symmetric square one.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> S = sym.matrix("S", ("n", "n"), symmetric=True)
    >>> S.T is S
    True
    """
    dims = variable(name, shape).shape if not isinstance(shape, str) or "," in shape else (shape, shape)
    if len(dims) != 2:
        raise ShapeError(f"a matrix has two dimensions, not {shape!r}")
    return variable(name, dims, symmetric=symmetric)


def scalar(name: str) -> MatExpr:
    """A scalar variable of matrix expressions."""
    return variable(name, ())


def as_matrix_expression(expr: Any, shapes: Mapping[str, Any] | None = None) -> MatExpr:
    """A matrix expression from one, from a number, or from text read with ``shapes``."""
    if isinstance(expr, str):
        return parse(expr, shapes)
    return as_mat(expr)


def resolve(var: Any, expr: MatExpr, shapes: Mapping[str, Any] | None = None) -> MatExpr:
    """The variable to differentiate by: a variable, or a name of one in ``expr`` or ``shapes``."""
    if isinstance(var, MatExpr):
        if var.op != "var":
            raise ChainruleTypeError(f"differentiate by a variable, not by {var}")
        return var
    if var is None:
        found = expr.variables
        if len(found) != 1:
            names = ", ".join(v.name for v in found) or "none"
            raise ChainruleValueError(
                f"say which variable to differentiate {expr} by (its variables: {names})"
            )
        return found[0]
    if not isinstance(var, str):
        raise ChainruleTypeError(f"the variable must be a matrix variable or its name, not {var!r}")
    name = var.strip()
    for v in expr.variables:
        if v.name == name:
            return v
    declared = variables_from(shapes).get(name)
    if declared is None:
        raise ChainruleValueError(
            f"unknown variable {name!r}: it is not in {expr} and has no shape in shapes= (give one to get "
            "its "
            "zero derivative)"
        )
    return declared


def diff(
    expr: Any,
    var: Any = None,
    *,
    shapes: Mapping[str, Any] | None = None,
    layout: str = "mixed",
    n: int = 1,
) -> MatExpr:
    """The derivative of a matrix expression (or text with ``shapes``) by ``var`` in ``layout``.

    ``n=2`` is the Hessian (of a scalar; :func:`hessian`). Layouts, for ``y`` of shape ``S_y`` and ``x``
    of shape ``S_x``: ``"mixed"`` ``S_y + S_x``, ``"numerator"`` ``S_y + reversed(S_x)``, ``"denominator"``
    ``S_x + reversed(S_y)`` (see :mod:`chainrule.layouts`).
    """
    check_layout(layout, "diff")
    e = as_matrix_expression(expr, shapes)
    v = resolve(var, e, shapes)
    if not isinstance(n, int) or n < 1:
        raise ChainruleValueError(f"the order of the derivative must be 1 or 2, got {n!r}")
    if n == 1:
        return derivative(e, v, layout)
    if n == 2:
        return hessian(e, v, layout=layout)
    raise ChainruleValueError(f"matrix derivatives go up to the Hessian (n=2), not n={n}")


def _variables(vars: Any, expr: MatExpr, shapes: Mapping[str, Any] | None) -> tuple[list[MatExpr], bool]:
    if isinstance(vars, str) and (" " in vars.strip() or "," in vars):
        vars = vars.replace(",", " ").split()
    if isinstance(vars, Sequence) and not isinstance(vars, str):
        return [resolve(v, expr, shapes) for v in vars], True
    return [resolve(vars, expr, shapes)], False


def gradient(
    expr: Any, vars: Any = None, *, shapes: Mapping[str, Any] | None = None, layout: str = "mixed"
) -> Any:
    """The gradient of a scalar expression: one derivative per variable (a list when several are given)."""
    e = as_matrix_expression(expr, shapes)
    if e.shape:
        raise ShapeError(f"the gradient is of a scalar, and {e} is {e.kind}; use jacobian()")
    variables, several = _variables(vars, e, shapes)
    out = [derivative(e, v, layout) for v in variables]
    return out if several else out[0]


def jacobian(
    expr: Any, vars: Any = None, *, shapes: Mapping[str, Any] | None = None, layout: str = "mixed"
) -> Any:
    """The derivative of an expression of any shape by each variable (a list when several are given)."""
    e = as_matrix_expression(expr, shapes)
    variables, several = _variables(vars, e, shapes)
    out = [derivative(e, v, layout) for v in variables]
    return out if several else out[0]


def vec_form(
    expr: Any, var: Any = None, *, shapes: Mapping[str, Any] | None = None, layout: str = "mixed"
) -> MatExpr | None:
    """``∂vec(F)/∂vec(X)`` in Kronecker form (rows: the entries of ``vec(F)``, columns stacked), transposed
    in the denominator layout; None where the derivative has no such form here.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.matrix.vec_form("A X B", "X", shapes={"A": "m,n", "X": "n,k", "B": "k,l"})
    kron(B', A)
    """
    e = as_matrix_expression(expr, shapes)
    return forms.vec_form(e, resolve(var, e, shapes), layout)


def hessian(
    expr: Any, var: Any = None, *, shapes: Mapping[str, Any] | None = None, layout: str = "mixed"
) -> MatExpr:
    """The Hessian of a scalar: the derivative (in ``layout``) of its gradient (the engine's definition,
    ``cr.hessian``): ``S_x + S_x`` mixed, ``S_x + reversed(S_x)`` in the other two layouts."""
    e = as_matrix_expression(expr, shapes)
    if e.shape:
        raise ShapeError(f"the Hessian is of a scalar, and {e} is {e.kind}")
    v = resolve(var, e, shapes)
    return derivative(derivative(e, v, "mixed"), v, layout)
