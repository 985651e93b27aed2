"""Derivatives of matrix expressions in the three layouts: closed forms, index forms, vec/Kronecker forms.

The derivative of ``F`` by ``X`` starts from the differential ``dF = L(dX)`` (:mod:`.differential`):

- for a scalar ``X`` it is ``L`` with ``dX = 1``;
- otherwise ``L`` is put in index form (:mod:`.index`), and a result with at most two axes is read back as
  a matrix expression (:mod:`.closed`: ``(A + Aᵀ) x``, ``det(X) X⁻ᵀ``, ``diag(1 - tanh(x).^2)``); a 3- or
  4-index result is a sum of einsums, with its vec/Kronecker form from :func:`vec_form`;
- then the layout (:mod:`chainrule.layouts`, the engine's own definition) orders the axes, and the
  result is simplified.

A symmetric ``X`` follows the Matrix Cookbook: ``X_ij`` and ``X_ji`` are one variable, so the derivative is
``G + Gᵀ - G ⊙ I`` of the unconstrained one ``G`` (for Jacobians, the same on the axes of ``X``).

Examples
--------
>>> from chainrule.symbolic.matrix import parse
>>> s = {"x": "n", "A": "n,n", "X": "n,k", "B": "k,k"}
>>> f = parse("x' A x", s)
>>> derivative(f, parse("x", s)), derivative(f, parse("x", s), "numerator")
((A + A') x, x' (A + A'))
>>> derivative(parse("tr(X B X')", s), parse("X", s))
X (B + B')
>>> J = derivative(parse("A X B", {"A": "m,n", "X": "n,k", "B": "k,l"}), parse("X", {"X": "n,k"}))
>>> J, J.shape
(einsum("ik,lj->ijkl", A, B), ('m', 'l', 'n', 'k'))
"""

from __future__ import annotations

from chainrule.errors import ChainruleValueError, ShapeError
from chainrule.layouts import check_layout, layout_axes, layout_shape
from chainrule.symbolic.matrix.algebra import differential_of, eye, mul_all, number, transpose, zeros
from chainrule.symbolic.matrix.closed import closed_form
from chainrule.symbolic.matrix.closed import vec_form as _vec_form
from chainrule.symbolic.matrix.differential import differential
from chainrule.symbolic.matrix.index import Factor, Labels, Term, index_terms, tensor
from chainrule.symbolic.matrix.nodes import MatExpr, remember
from chainrule.symbolic.matrix.rebuild import substitute
from chainrule.symbolic.matrix.simplify import simplify

__all__ = ["derivative", "mixed_terms", "vec_form"]


def mixed_terms(expr: MatExpr, var: MatExpr) -> tuple[list[Term], Labels]:
    """The index terms of ``d expr / d var`` in the mixed layout (free labels: ``expr``'s axes, then
    ``var``'s), with the symmetric convention applied for a symmetric ``var``."""
    terms, labels = index_terms(differential(expr, var), var, expr.shape)
    if var.symmetric:
        terms = _symmetrized(terms, labels, expr.ndim)
    return terms, labels


def _symmetrized(terms: list[Term], labels: Labels, out_ndim: int) -> list[Term]:
    k, l = out_ndim, out_ndim + 1
    swapped = [
        Term(t.coeff, [Factor(f.expr, tuple({k: l, l: k}.get(a, a) for a in f.labels)) for f in t.factors])
        for t in terms
    ]
    diagonal = [
        Term(mul_all([number(-1), t.coeff]), [*t.factors, Factor(eye(labels.dims[k]), (k, l))]) for t in terms
    ]
    return terms + swapped + diagonal


def _orient(result: MatExpr, out_ndim: int, in_ndim: int, layout: str) -> MatExpr:
    """A mixed-layout result of at most two axes in ``layout``: transposed, or a vector made a row."""
    if result.ndim == 2:
        return transpose(result) if layout_axes(out_ndim, in_ndim, layout) == (1, 0) else result
    if result.ndim == 1:
        row = (layout == "numerator" and in_ndim == 1) or (layout == "denominator" and out_ndim == 1)
        column = transpose(result) if result.row else result
        return transpose(column) if row else column
    return result


def derivative(expr: MatExpr, var: MatExpr, layout: str = "mixed") -> MatExpr:
    """``d expr / d var`` in ``layout``: a closed form where one exists, else (and for 3- and 4-index
    results always) a sum of einsums; an exact zero of the right shape if ``expr`` does not depend on it."""
    return remember(_derivative(expr, var, layout), {var, *expr.variables, *expr._context})


def _derivative(expr: MatExpr, var: MatExpr, layout: str = "mixed") -> MatExpr:
    check_layout(layout, "derivative")
    if var.op != "var":
        raise ChainruleValueError(f"differentiate by a variable, not by {var}")
    if expr.ndim > 2 or (expr.ndim + var.ndim > 4):
        raise ShapeError(f"the derivative of {expr.kind} by {var.kind} has more than four axes")
    no, ni = expr.ndim, var.ndim
    if var not in expr.free_symbols:
        shape = layout_shape(expr.shape, var.shape, layout)
        return zeros(shape, (layout == "numerator" and ni == 1) or (layout == "denominator" and no == 1))
    if ni == 0:
        mixed = substitute(differential(expr, var), {differential_of(var): number(1)})
        return _orient(simplify(mixed), no, ni, layout)
    terms, labels = mixed_terms(expr, var)
    if no + ni <= 2:
        free = tuple(range(no + ni))
        closed = closed_form(terms, labels, free, expr.shape + var.shape)
        if closed is not None:
            return _orient(simplify(closed), no, ni, layout)
    order = tuple(layout_axes(no, ni, layout))
    return simplify(tensor((terms, labels), no + ni, order))


def vec_form(expr: MatExpr, var: MatExpr, layout: str = "mixed") -> MatExpr | None:
    """``∂vec(expr)/∂vec(var)`` as Kronecker products (rows: the entries of ``vec(expr)``, stacked columns),
    transposed for the denominator layout; None where the derivative has no such form here.

    Examples
    --------
    >>> from chainrule.symbolic.matrix import parse
    >>> s = {"A": "m,n", "X": "n,k", "B": "k,l"}
    >>> vec_form(parse("A X B", s), parse("X", s)), vec_form(parse("X' X", s), parse("X", s))
    (kron(B', A), kron(X', eye(k)) commutation(n, k) + kron(eye(k), X'))
    """
    check_layout(layout, "vec_form")
    if var.op != "var" or expr.ndim > 2:
        return None
    terms, labels = mixed_terms(expr, var)
    no = expr.ndim
    found = _vec_form(terms, labels, tuple(range(no)), tuple(range(no, no + var.ndim)), var.shape)
    if found is None:
        return None
    found = simplify(found)
    return remember(transpose(found) if layout == "denominator" else found, {var, *expr.variables})
