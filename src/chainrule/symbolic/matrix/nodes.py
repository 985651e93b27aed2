"""The node of matrix expressions: a hash-consed DAG whose every node knows its shape.

A :class:`MatExpr` is built only through the constructors of :mod:`.algebra` and :mod:`.functions`, which
keep it in canonical form and check shapes. Like the scalar :class:`~chainrule.symbolic.Expr`, two equal
structures are one object (so equality is identity), nodes are held weakly, and shared subexpressions are
stored once.

========== ============================ ==========================================================
op         args                         data
========== ============================ ==========================================================
``var``    ``()``                       ``(name, symmetric)``
``dvar``   ``()``                       the name: the differential ``dX`` of the variable ``X``
``num``    ``()``                       a scalar number (``int``, ``Fraction``, ``float``)
``dim``    ``()``                       a dimension as a scalar (``tr(I_n) = n``)
``zero``   ``()``                       ``None``: the zero of the node's shape
``ones``   ``()``                       ``None``: all ones, of the node's shape
``eye``    ``()``                       ``None``: the identity of the node's (square) shape
``add``    the terms                    ``(constant, coefficients)``; the constant broadcasts
``mul``    the factors                  the numeric coefficient; scalars scale, arrays multiply
                                        elementwise (Hadamard)
``pow``    ``(base, exponent)``         ``None``: an elementwise power, the exponent a scalar
``fn``     the operands                 the formula name of an elementwise function (``tanh``)
``matmul`` the factors, in order        ``None``: the matrix product of arrays (no scalars)
``mpow``   ``(base,)``                  an integer ``k`` other than 0 and 1: ``X^k``, ``X^-1 = inv(X)``
``T``      ``(operand,)``               ``None``: a transpose that cannot be pushed further in
``tr`` ``det`` ``logdet`` ``sum`` ``norm2`` ``lse``   ``(operand,)``   ``None``: scalars of an array
``diagm`` ``diagv`` ``softmax`` ``vec``  ``(operand,)``  ``None``: vector to diagonal matrix, diagonal of
                                        a matrix, softmax of a vector, the stacked columns of a matrix
``kron``   ``(A, B)``                   ``None``: the Kronecker product
``comm``   ``()``                       ``(n, k)``: the commutation matrix, ``K vec(X) = vec(Xᵀ)``
``einsum`` the operands                 the subscripts, ``"ik,lj->ijkl"``
``d``      ``(operand, dX)``            ``None``: the differential of a subexpression in the direction
                                        ``dX``, as explanations write it (evaluated by the engine's ``jvp``)
========== ============================ ==========================================================

A vector is a column unless ``row`` is set; both have NumPy shape ``(n,)``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chainrule.errors import ChainruleTypeError
from chainrule.symbolic.matrix.dims import Shape, describe

__all__ = ["LEAVES", "MatExpr", "Operations", "connect", "cons", "postorder", "remember"]

VAR = "var"
DVAR = "dvar"
NUM = "num"
DIM = "dim"
ZERO = "zero"
ONES = "ones"
EYE = "eye"
LEAVES = frozenset({VAR, DVAR, NUM, DIM, ZERO, ONES, EYE, "comm"})


class MatExpr:
    """A matrix expression: a scalar, vector, matrix or (for derivatives) higher array, symbolically.

    Build them with :func:`chainrule.symbolic.vector`, :func:`~chainrule.symbolic.matrix`,
    :func:`~chainrule.symbolic.scalar`, operators (``+ - * / @ **``, ``.T``; ``*`` and ``**`` are NumPy's
    elementwise product and power, ``@`` the matrix product) and the functions of
    :mod:`chainrule.symbolic.matrix` (``tr``, ``det``, ``inv``, ``exp`` ...), or parse text with shapes.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule import symbolic as sym
    >>> x, A = sym.vector("x", "n"), sym.matrix("A", ("n", "n"))
    >>> f = x.T @ A @ x
    >>> f, f.shape
    (x' A x, ())
    >>> f.evaluate(x=np.array([1.0, 2.0]), A=np.eye(2))
    5.0
    """

    __slots__ = ("__weakref__", "_context", "_free", "_text", "args", "data", "op", "row", "shape")
    op: str
    args: tuple[MatExpr, ...]
    data: Any
    shape: Shape
    row: bool
    _free: frozenset[MatExpr]
    _text: str | None
    # the variables of the expressions this one is a derivative of: evaluate() binds dimensions from their
    # arrays too (d(X a)/dX = einsum(..., a, eye(m)) has no X to take m from); not part of the structure
    _context: frozenset[MatExpr]

    def __init__(self) -> None:
        raise ChainruleTypeError(
            "MatExpr nodes are not constructed directly; use vector(), matrix(), parse()"
        )

    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    def __bool__(self) -> bool:
        raise ChainruleTypeError(f"the truth value of the matrix expression {self} is undefined")

    def __str__(self) -> str:
        text = self._text
        if text is None:
            text = self._text = _ops.to_text(self)
        return text

    __repr__ = __str__

    def __reduce__(self) -> Any:
        return _ops.parse, (str(self), self.shapes)

    def _repr_latex_(self) -> str:
        return f"${self.latex()}$"

    # ---------------------------------------------------------------- inspection

    @property
    def ndim(self) -> int:
        """The number of axes: 0 for a scalar, 1 for a vector, 2 for a matrix."""
        return len(self.shape)

    @property
    def kind(self) -> str:
        """What the value is, in words (``"an n-vector"``, ``"an n×n matrix"``)."""
        return describe(self.shape, self.row)

    @property
    def name(self) -> str:
        """The name of a variable."""
        if self.op not in (VAR, DVAR):
            raise ChainruleTypeError(f"{self} is not a variable and has no name")
        return str(self.data[0] if self.op == VAR else self.data)

    @property
    def symmetric(self) -> bool:
        """True for a variable declared ``symmetric=True``."""
        return self.op == VAR and bool(self.data[1])

    @property
    def free_symbols(self) -> frozenset[MatExpr]:
        """The variables (and differentials) the expression depends on."""
        return self._free

    @property
    def variables(self) -> list[MatExpr]:
        """The variables the expression depends on, sorted by name."""
        return sorted((v for v in self._free if v.op == VAR), key=lambda v: v.name)

    @property
    def shapes(self) -> dict[str, Any]:
        """Each variable's shape, ``{"x": ("n",)}``: what :func:`parse` needs to read ``str(self)`` back."""
        return {v.name: v.shape for v in self.variables}

    @property
    def T(self) -> MatExpr:
        """The transpose."""
        return _ops.transpose(self)

    def latex(self) -> str:
        """LaTeX source (``^\\top``, ``\\odot``, ``\\otimes``, ``\\operatorname{tr}``)."""
        return _ops.to_latex(self)

    def evaluate(self, values: Mapping[str, Any] | None = None, **arrays: Any) -> Any:
        """The NumPy value for arrays given by variable name; arrays for names it does not use are ignored."""
        table: dict[str, Any] = dict(values or {})
        table.update(arrays)
        return _ops.evaluate(self, table)

    def diff(self, var: Any, layout: str = "mixed") -> MatExpr:
        """The derivative by ``var`` in ``layout`` (see :func:`chainrule.symbolic.matrix.diff`)."""
        return _ops.diff(self, var, layout=layout)

    def explain(self, var: Any, layout: str = "mixed") -> Any:
        """The derivative by differentials, step by step (:mod:`chainrule.symbolic.matrix.explanation`)."""
        return _ops.explain(self, var, layout=layout)

    def simplify(self) -> MatExpr:
        """A simplified form that is never larger."""
        return _ops.simplify(self)

    # ---------------------------------------------------------------- operators (NumPy's meanings)

    def __add__(self, other: Any) -> MatExpr:
        return _ops.add(self, other)

    def __radd__(self, other: Any) -> MatExpr:
        return _ops.add(other, self)

    def __sub__(self, other: Any) -> MatExpr:
        return _ops.subtract(self, other)

    def __rsub__(self, other: Any) -> MatExpr:
        return _ops.subtract(other, self)

    def __neg__(self) -> MatExpr:
        return _ops.multiply(-1, self)

    def __pos__(self) -> MatExpr:
        return self

    def __mul__(self, other: Any) -> MatExpr:
        return _ops.multiply(self, other)

    def __rmul__(self, other: Any) -> MatExpr:
        return _ops.multiply(other, self)

    def __truediv__(self, other: Any) -> MatExpr:
        return _ops.divide(self, other)

    def __rtruediv__(self, other: Any) -> MatExpr:
        return _ops.divide(other, self)

    def __matmul__(self, other: Any) -> MatExpr:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> MatExpr:
        return _ops.matmul(other, self)

    def __pow__(self, other: Any) -> MatExpr:
        return _ops.power(self, other)

    def __rpow__(self, other: Any) -> MatExpr:
        return _ops.power(other, self)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _ops.apply_ufunc(ufunc, method, inputs, kwargs)


# ---------------------------------------------------------------------------------------- hash-consing

_table: weakref.WeakValueDictionary[Any, MatExpr] = weakref.WeakValueDictionary()
_EMPTY: frozenset[MatExpr] = frozenset()


def cons(op: str, args: tuple[MatExpr, ...], data: Any, shape: Shape, row: bool = False) -> MatExpr:
    """The unique node with this structure (the existing one if alive). No checks: see :mod:`.algebra`."""
    key = (op, args, data, shape, row)
    node = _table.get(key)
    if node is not None:
        return node
    node = object.__new__(MatExpr)
    node.op = op
    node.args = args
    node.data = data
    node.shape = shape
    node.row = row
    node._text = None
    node._context = _EMPTY
    if op in (VAR, DVAR):
        node._free = frozenset((node,))
    elif not args:
        node._free = _EMPTY
    else:
        node._free = frozenset().union(*(a._free for a in args))
    return _table.setdefault(key, node)


def remember(result: MatExpr, variables: Iterable[MatExpr]) -> MatExpr:
    """``result``, knowing that it was derived from an expression of ``variables`` (for its dimensions)."""
    result._context = result._context | frozenset(variables)
    return result


def postorder(
    roots: Iterable[MatExpr], children: Callable[[MatExpr], Iterable[MatExpr]] | None = None
) -> list[MatExpr]:
    """Every node below ``roots`` once, children before parents, without recursion."""
    order: list[MatExpr] = []
    seen: set[MatExpr] = set()
    for root in roots:
        if root in seen:
            continue
        stack: list[tuple[MatExpr, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            kids = node.args if children is None else children(node)
            stack.extend((k, False) for k in reversed(tuple(kids)) if k not in seen)
    return order


# ---------------------------------------------------------------------------------------- operations


@dataclass(frozen=True)
class Operations:
    """What the operators and methods of :class:`MatExpr` do, given by the modules above this one."""

    add: Callable[[Any, Any], MatExpr]
    subtract: Callable[[Any, Any], MatExpr]
    multiply: Callable[[Any, Any], MatExpr]
    divide: Callable[[Any, Any], MatExpr]
    matmul: Callable[[Any, Any], MatExpr]
    power: Callable[[Any, Any], MatExpr]
    transpose: Callable[[MatExpr], MatExpr]
    apply_ufunc: Callable[..., Any]
    to_text: Callable[[MatExpr], str]
    to_latex: Callable[[MatExpr], str]
    parse: Callable[[str, Any], MatExpr]
    evaluate: Callable[[MatExpr, Mapping[str, Any]], Any]
    diff: Callable[..., MatExpr]
    explain: Callable[..., Any]
    simplify: Callable[[MatExpr], MatExpr]


_ops: Operations


def connect(operations: Operations) -> None:
    """Hand :class:`MatExpr` the functions its operators and methods call (done once by the package)."""
    global _ops
    _ops = operations
