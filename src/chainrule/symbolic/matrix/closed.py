"""Matrix forms read back from index terms: closed forms, and vec/Kronecker forms of 3- and 4-index results.

A term ``c Π A[..]`` is a small graph: labels are nodes, matrices edges, vectors hang on one label. When
each connected part is a tree (or a plain cycle, a trace), it is a matrix expression: the path between the
two free labels is a matrix product, vectors hanging on the way are ``diag(·)`` factors, a label several
things hang on is their elementwise product, a part without free labels a scalar (``aᵀ B c``, ``tr(A B)``),
and two free labels in different parts an outer product ``u vᵀ``. So ``x[p] A[p,k] + A[k,q] x[q]`` is
``Aᵀ x + A x``, and ``A[p,k] B[l,p]`` (free ``k, l``) is ``Aᵀ Bᵀ``.

For ``∂vec(Y)/∂vec(X)`` (columns stacked), a term whose parts separate into ``(Y rows, X rows)`` and
``(Y columns, X columns)`` is ``P ⊗ Q`` (``A[i,k] B[l,j]`` is ``Bᵀ ⊗ A``); one separating into ``(Y rows,
X columns)`` and ``(Y columns, X rows)`` is ``(P ⊗ Q) K`` with the commutation matrix; ``(Y)`` and ``(X)``
apart is ``vec(M) vec(N)ᵀ``; an elementwise product ``W ⊙ dX`` is ``diag(vec(W))``. Anything else has no
vec form here (its index form stands alone).
"""

from __future__ import annotations

from collections.abc import Sequence

from chainrule.symbolic.matrix import functions as fn
from chainrule.symbolic.matrix.algebra import (
    kron,
    linear,
    matmul_all,
    mul_all,
    number,
    ones,
    transpose,
    zeros,
)
from chainrule.symbolic.matrix.dims import Dim
from chainrule.symbolic.matrix.index import Factor, Labels, Term
from chainrule.symbolic.matrix.nodes import MatExpr

__all__ = ["closed_form", "vec_form"]


class _NoForm(Exception):
    """This term has no matrix form (a cycle that is not a trace, more than two free labels...)."""


def _column(e: MatExpr) -> MatExpr:
    return transpose(e) if e.ndim == 1 and e.row else e


def _merged(factors: list[Factor]) -> list[Factor]:
    """Matrices between the same two labels multiplied elementwise (``G[k,l] δ[k,l]`` is ``G ⊙ I``)."""
    edges: dict[frozenset[int], list[Factor]] = {}
    out: list[Factor] = []
    for f in factors:
        if len(f.labels) == 2:
            edges.setdefault(frozenset(f.labels), []).append(f)
        else:
            out.append(f)
    for group in edges.values():
        a, b = group[0].labels
        oriented = [f.expr if f.labels == (a, b) else transpose(f.expr) for f in group]
        out.append(Factor(mul_all(oriented), (a, b)))
    return out


class _Graph:
    def __init__(self, factors: list[Factor], labels: Labels) -> None:
        self.factors = _merged(factors)
        self.dims = labels.dims
        self.incident: dict[int, list[int]] = {}
        for index, f in enumerate(self.factors):
            for lab in f.labels:
                self.incident.setdefault(lab, []).append(index)

    def other(self, index: int, label: int) -> int:
        a, b = self.factors[index].labels
        return b if a == label else a

    def oriented(self, index: int, start: int) -> MatExpr:
        """A matrix factor read from ``start`` to its other label."""
        f = self.factors[index]
        return f.expr if f.labels[0] == start else transpose(f.expr)

    def parts_at(self, label: int, exclude: set[int]) -> list[MatExpr]:
        """Column vectors over ``label``: everything hanging on it except the factors in ``exclude``."""
        parts = []
        for index in self.incident.get(label, []):
            if index in exclude:
                continue
            f = self.factors[index]
            if len(f.labels) == 1:
                parts.append(_column(f.expr))
            else:
                other = self.other(index, label)
                parts.append(matmul_all([self.oriented(index, label), self.branch(other, {index})]))
        return parts

    def branch(self, label: int, exclude: set[int]) -> MatExpr:
        parts = self.parts_at(label, exclude)
        return mul_all(parts) if parts else ones((self.dims[label],))

    def components(self) -> list[tuple[set[int], set[int]]]:
        """(labels, factor indices) of each connected part."""
        seen: set[int] = set()
        out = []
        for start in self.incident:
            if start in seen:
                continue
            labels, indices, stack = {start}, set(), [start]
            while stack:
                lab = stack.pop()
                for index in self.incident[lab]:
                    indices.add(index)
                    for other in self.factors[index].labels:
                        if other not in labels:
                            labels.add(other)
                            stack.append(other)
            seen |= labels
            out.append((labels, indices))
        return out

    def path(self, start: int, goal: int) -> list[int] | None:
        """The matrix factors on the path from ``start`` to ``goal`` (a tree has one), or None."""
        previous: dict[int, tuple[int, int] | None] = {start: None}
        stack = [start]
        while stack:
            lab = stack.pop()
            if lab == goal:
                break
            for index in self.incident.get(lab, []):
                if len(self.factors[index].labels) == 2:
                    other = self.other(index, lab)
                    if other not in previous:
                        previous[other] = (lab, index)
                        stack.append(other)
        if goal not in previous:
            return None
        edges, lab = [], goal
        while previous[lab] is not None:
            lab, index = previous[lab]  # type: ignore[misc]
            edges.append(index)
        return edges[::-1]

    def scalar(self, labels: set[int], indices: set[int]) -> MatExpr:
        """A part with no free label: ``vᵀ (...)``, ``sum(...)`` or, for a plain cycle, a trace."""
        edges = [i for i in indices if len(self.factors[i].labels) == 2]
        if len(edges) >= len(labels):
            return self.cycle(labels, edges)
        vectors = [i for i in indices if len(self.factors[i].labels) == 1]
        if vectors:
            v = vectors[0]
            label = self.factors[v].labels[0]
            return matmul_all([transpose(_column(self.factors[v].expr)), self.branch(label, {v})])
        return fn.total(self.branch(next(iter(labels)), set()))

    def cycle(self, labels: set[int], edges: list[int]) -> MatExpr:
        if len(edges) != len(labels) or any(len(self.incident[lab]) != 2 for lab in labels):
            raise _NoForm
        start = self.factors[edges[0]].labels[0]
        chain, lab, index = [], start, edges[0]
        for _ in edges:
            chain.append(self.oriented(index, lab))
            lab = self.other(index, lab)
            index = next(i for i in self.incident[lab] if i != index)
        return fn.trace(matmul_all(chain))

    def check_trees(self, free: set[int]) -> None:
        """Each part a tree, or a plain cycle of matrices with no free label (a trace)."""
        for labels, indices in self.components():
            edges = sum(1 for i in indices if len(self.factors[i].labels) == 2)
            pure = all(len(self.factors[i].labels) == 2 for i in indices)
            if edges >= len(labels) and (not pure or labels & free):
                raise _NoForm


def _term_form(term: Term, free: Sequence[int | None], labels: Labels) -> MatExpr:
    """The matrix (rows, columns = the two free labels; None where absent) of one term."""
    graph = _Graph(term.factors, labels)
    wanted = [f for f in free if f is not None]
    graph.check_trees(set(wanted))
    scalars: list[MatExpr] = [term.coeff]
    for part_labels, indices in graph.components():
        if not part_labels & set(wanted):
            scalars.append(graph.scalar(part_labels, indices))
    rows, cols = free if len(free) == 2 else (free[0], None)
    if rows is None and cols is None:
        return mul_all(scalars)
    if rows is None or cols is None:
        label = rows if rows is not None else cols
        vector = graph.branch(label, set())  # type: ignore[arg-type]
        return mul_all([*scalars, vector if rows is not None else transpose(vector)])
    return mul_all([*scalars, _matrix_between(graph, rows, cols)])


def _matrix_between(graph: _Graph, rows: int, cols: int) -> MatExpr:
    path = graph.path(rows, cols)
    if path is None:  # two parts: an outer product
        return matmul_all([graph.branch(rows, set()), transpose(graph.branch(cols, set()))])
    chain: list[MatExpr] = []
    label = rows
    previous: set[int] = set()
    for index in [*path, None]:
        here = previous | ({index} if index is not None else set())
        side = graph.parts_at(label, here)
        if side:
            chain.append(fn.diag(mul_all(side)))
        if index is None:
            break
        chain.append(graph.oriented(index, label))
        label = graph.other(index, label)
        previous = {index}
    if not chain:
        return fn.diag(ones((graph.dims[rows],)))
    return matmul_all(chain)


def closed_form(
    terms: list[Term], labels: Labels, free: Sequence[int | None], shape: Sequence[Dim]
) -> MatExpr | None:
    """The sum of the terms as a matrix expression over at most two free labels, or None if a term has none.

    ``free`` is ``(label,)`` for a column vector, ``(rows, cols)`` for a matrix (None where a vector has no
    such axis), ``()`` for a scalar.
    """
    try:
        parts = [_term_form(t, free, labels) for t in terms]
    except _NoForm:
        return None
    if not parts:
        return zeros(tuple(shape))
    return linear([(1, p) for p in parts])


# ---------------------------------------------------------------------------------------- vec forms


def _separated(graph: _Graph, groups: tuple[set[int], set[int]]) -> bool:
    for part_labels, _ in graph.components():
        free = part_labels & (groups[0] | groups[1])
        if free and not (free <= groups[0] or free <= groups[1]):
            return False
    return True


def present(*labels: int | None) -> set[int]:
    """The labels that are there (a vector has no second axis)."""
    return {lab for lab in labels if lab is not None}


def _sub_term(graph: _Graph, group: set[int], coeff: MatExpr) -> Term:
    chosen = [graph.factors[i] for labels, indices in graph.components() if labels & group for i in indices]
    return Term(coeff, chosen)


def _vec_term(
    term: Term,
    y: tuple[int | None, int | None],
    x: tuple[int | None, int | None],
    x_shape: Sequence[Dim],
    labels: Labels,
) -> MatExpr:
    (i, j), (k, l) = y, x
    graph = _Graph(term.factors, labels)
    diagonal = _hadamard(term, (i, j), (k, l), labels)
    if diagonal is not None:
        return diagonal
    graph.check_trees(present(i, j, k, l))
    scalars = [graph.scalar(p, ind) for p, ind in graph.components() if not p & present(i, j, k, l)]
    coeff = mul_all([term.coeff, *scalars])
    for (a, b), (c, d), commuted in (((i, k), (j, l), False), ((i, l), (j, k), True)):
        if _separated(graph, (present(a, b), present(c, d))):
            q = _term_form(_sub_term(graph, present(a, b), number(1)), (a, b), labels)
            p = _term_form(_sub_term(graph, present(c, d), number(1)), (c, d), labels)
            form = kron(p, q)
            if commuted and len(x_shape) == 2:
                form = matmul_all([form, fn.commutation(x_shape[0], x_shape[1])])
            return mul_all([coeff, form])
    if _separated(graph, (present(i, j), present(k, l))):
        m = _term_form(_sub_term(graph, present(i, j), number(1)), (i, j), labels)
        n = _term_form(_sub_term(graph, present(k, l), number(1)), (k, l), labels)
        return mul_all([coeff, matmul_all([fn.vec(m), transpose(fn.vec(n))])])
    raise _NoForm


def _hadamard(
    term: Term, y: tuple[int | None, int | None], x: tuple[int | None, int | None], labels: Labels
) -> MatExpr | None:
    """``W ⊙ dX`` (deltas between Y's and X's rows and columns, the rest over Y's): ``diag(vec(W))``."""
    (i, j), (k, l) = y, x
    if None in (i, j, k, l):
        return None
    deltas = [f for f in term.factors if f.expr.op == "eye" and set(f.labels) in ({i, k}, {j, l})]
    if len(deltas) != 2 or {frozenset(d.labels) for d in deltas} != {frozenset((i, k)), frozenset((j, l))}:
        return None
    rest = [f for f in term.factors if f not in deltas]
    if any(lab in (k, l) for f in rest for lab in f.labels):
        return None
    try:
        weights = _term_form(Term(term.coeff, rest), (i, j), labels)
    except _NoForm:
        return None
    return fn.diag(fn.vec(weights))


def vec_form(
    terms: list[Term], labels: Labels, y_axes: Sequence[int], x_axes: Sequence[int], x_shape: Sequence[Dim]
) -> MatExpr | None:
    """``∂vec(Y)/∂vec(X)`` (rows: the entries of ``vec(Y)``) as Kronecker products, or None."""
    y = [*y_axes, None, None][:2]
    x = [*x_axes, None, None][:2]
    try:
        parts = [_vec_term(t, (y[0], y[1]), (x[0], x[1]), x_shape, labels) for t in terms]
    except _NoForm:
        return None
    if not parts:
        return None
    return linear([(1, p) for p in parts])
