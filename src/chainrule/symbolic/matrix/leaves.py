"""The leaves of matrix expressions: variables, their differentials, numbers, dimensions, constant arrays.

Examples
--------
>>> variable("A", ("m", "n")).kind, eye(3).shape, zeros(("n",), row=True).kind
('an m×n matrix', (3, 3), 'a row n-vector (1×n)')
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.symbolic.expr import normalize
from chainrule.symbolic.matrix.dims import Dim, Shape, as_dim, as_shape, describe, dim_product
from chainrule.symbolic.matrix.nodes import MatExpr, cons

__all__ = [
    "as_mat",
    "differential_of",
    "dimension",
    "eye",
    "is_number",
    "number",
    "ones",
    "size_of",
    "variable",
    "zeros",
]


def variable(name: str, shape: Any, symmetric: bool = False) -> MatExpr:
    """The variable ``name`` of ``shape``; ``symmetric=True`` for a square matrix equal to its transpose."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ChainruleValueError(f"{name!r} is not a valid variable name (letters, digits and _)")
    dims = as_shape(shape)
    if len(dims) > 2:
        raise ShapeError(f"{name}: variables are scalars, vectors or matrices, not shape {dims}")
    if symmetric and (len(dims) != 2 or dims[0] != dims[1]):
        raise ShapeError(f"{name} is declared symmetric, so it must be a square matrix, not {describe(dims)}")
    return cons("var", (), (name, bool(symmetric)), dims)


def differential_of(var: MatExpr) -> MatExpr:
    """The differential ``dX`` of the variable ``X``: a leaf of its shape (never symmetric, see
    :mod:`.derivative` for the convention of symmetric variables)."""
    return cons("dvar", (), var.name, var.shape)


def number(value: Any) -> MatExpr:
    """A scalar number, exact where it can be (``0.5`` is ``1/2``)."""
    return cons("num", (), normalize(value), ())


def is_number(e: MatExpr, value: Any = None) -> bool:
    """True for a number node (equal to ``value`` when given)."""
    return e.op == "num" and (value is None or e.data == value)


def dimension(d: Dim) -> MatExpr:
    """A dimension as a scalar: a number, or a node that is bound when the expression is evaluated."""
    d = as_dim(d)
    return number(d) if isinstance(d, int) else cons("dim", (), d, ())


def zeros(shape: Shape, row: bool = False) -> MatExpr:
    """The exact zero of a shape (the number 0 for a scalar)."""
    return number(0) if not shape else cons("zero", (), None, tuple(shape), row and len(shape) == 1)


def ones(shape: Shape, row: bool = False) -> MatExpr:
    """All ones, of a shape (the number 1 for a scalar)."""
    return number(1) if not shape else cons("ones", (), None, tuple(shape), row and len(shape) == 1)


def eye(n: Dim) -> MatExpr:
    """The ``n×n`` identity matrix."""
    n = as_dim(n)
    return cons("eye", (), None, (n, n))


def as_mat(value: Any) -> MatExpr:
    """``value`` as a matrix expression: expressions unchanged, real numbers as number nodes."""
    if isinstance(value, MatExpr):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool | int | float | Fraction | np.number) and not isinstance(value, complex):
        return number(value)
    if isinstance(value, np.ndarray):
        raise ChainruleTypeError(
            f"a NumPy array of shape {value.shape} cannot be part of a matrix expression: declare a "
            "variable for it and give the array to .evaluate()"
        )
    raise ChainruleTypeError(f"{value!r} is not a matrix expression or a number")


def size_of(shape: Shape) -> Dim:
    """The number of entries of a shape, as a dimension."""
    return dim_product(*shape) if shape else 1
