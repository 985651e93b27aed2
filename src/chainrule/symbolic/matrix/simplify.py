"""Simplification of matrix expressions, never larger than the input.

Beyond the canonical forms every node has, :func:`simplify` applies, bottom-up:

- common factors of a sum taken out on the left or right: ``A x + Aᵀ x = (A + Aᵀ) x``,
  ``Xᵀ y - Xᵀ b = Xᵀ(y - b)`` (the factor shared by the most terms first);
- the inverse of a product of square matrices split, ``(A X B)⁻¹ = B⁻¹ X⁻¹ A⁻¹``, when that lets inverses
  cancel (``Aᵀ (A X B)⁻ᵀ Bᵀ = X⁻ᵀ``): kept only if the result is smaller;
- the logistic function: ``e^u / (1 + e^u) = σ(u)`` and ``1 / (1 + e^-u) = σ(u)``, elementwise too.

Examples
--------
>>> from chainrule.symbolic.matrix import parse
>>> s = {"x": "n", "A": "n,n", "X": "n,n", "B": "n,n", "u": "n"}
>>> simplify(parse("A x + A' x", s))
(A + A') x
>>> simplify(parse("det(A X B) A' inv(A X B)' B'", s))
det(A X B) X^-T
>>> simplify(parse("exp(u) ./ (1 + exp(u))", s))
sigmoid(u)
"""

from __future__ import annotations

from chainrule.symbolic.matrix.algebra import (
    eye,
    linear,
    math_shape,
    matmul_all,
    matrix_power,
    mul_all,
    number,
    power,
)
from chainrule.symbolic.matrix.elementwise import apply_function
from chainrule.symbolic.matrix.nodes import MatExpr
from chainrule.symbolic.matrix.rebuild import count_ops, transform

__all__ = ["simplify"]


def simplify(expr: MatExpr) -> MatExpr:
    """A simplified form of ``expr`` with no more operations than it."""
    result = transform(expr, _rewrite)
    return result if count_ops(result) <= count_ops(expr) else expr


def _rewrite(node: MatExpr) -> MatExpr:
    if node.op == "add":
        return _factor(node)
    if node.op == "mul":
        return _logistic(node)
    if node.op == "matmul":
        return _cancel_inverses(node)
    if node.op == "pow":
        return _logistic(mul_all([number(1), node])) if node.args[1].op == "num" else node
    return node


# ---------------------------------------------------------------------------------------- common factors


def _split(term: MatExpr) -> tuple[list[MatExpr], list[MatExpr]]:
    """``(scalars, chain)``: a term as scalar factors times a matrix product (maybe of one factor)."""
    if term.op == "matmul" and term.shape:
        return [], list(term.args)
    if term.op == "mul":
        arrays = [a for a in term.args if a.shape]
        if len(arrays) == 1:
            scalars = [number(term.data)] + [a for a in term.args if not a.shape]
            inner = arrays[0]
            return scalars, list(inner.args) if inner.op == "matmul" else [inner]
    return [], [term]


def _factor(node: MatExpr) -> MatExpr:
    if not node.shape or node.data[0] != 0 or len(node.args) < 2:
        return node
    split = [(c, *_split(t)) for c, t in zip(node.data[1], node.args, strict=True)]
    best: tuple[int, int, MatExpr] | None = None
    for side in (-1, 0):
        counts: dict[MatExpr, int] = {}
        for _, _, chain in split:
            counts[chain[side]] = counts.get(chain[side], 0) + 1
        for factor, count in counts.items():
            if count >= 2 and (best is None or count > best[0]):
                best = (count, side, factor)
    if best is None:
        return node
    _, side, factor = best
    grouped_chains = [chain for _, _, chain in split if chain[side] is factor]
    scalar_only = all(len(chain) == 1 for chain in grouped_chains)  # (s + t) F, not (s I + t I) F
    inner, rest = [], []
    for c, scalars, chain in split:
        if chain[side] is factor:
            remaining = chain[:-1] if side == -1 else chain[1:]
            rest_of = number(1) if scalar_only else _product(remaining, factor, side)
            inner.append((c, mul_all([*scalars, rest_of])))
        else:
            rest.append((c, mul_all([*scalars, matmul_all(chain)])))
    common = _common_scalars([scalars for c, scalars, chain in split if chain[side] is factor])
    if common:  # s A x + s A' x = s (A + A') x
        inner = [(c, mul_all([term, *(power(s, number(-1)) for s in common)])) for c, term in inner]
    grouped = _factor_again(linear(inner))
    combined = mul_all([*common, matmul_all([grouped, factor] if side == -1 else [factor, grouped])])
    result = linear([(1, combined), *rest])
    return result if count_ops(result) < count_ops(node) else node


def _common_scalars(groups: list[list[MatExpr]]) -> list[MatExpr]:
    """The scalar factors (not numbers) every term has."""
    first = [s for s in groups[0] if s.op != "num"]
    return [s for s in first if all(any(t is s for t in g) for g in groups[1:])]


def _factor_again(node: MatExpr) -> MatExpr:
    return _factor(node) if node.op == "add" else node


def _product(remaining: list[MatExpr], factor: MatExpr, side: int) -> MatExpr:
    if remaining:
        return matmul_all(remaining)
    rows, cols = math_shape(factor)
    dim = rows if side == -1 else cols
    return number(1) if dim is None else eye(dim)


# ---------------------------------------------------------------------------------------- inverses


def _square_chain(e: MatExpr) -> bool:
    return e.op == "matmul" and all(f.ndim == 2 and f.shape[0] == f.shape[1] for f in e.args)


def _cancel_inverses(node: MatExpr) -> MatExpr:
    factors = list(node.args)
    for i, f in enumerate(factors):
        if f.op == "mpow" and f.data < 0 and _square_chain(f.args[0]):
            inverses = [matrix_power(g, -1) for g in reversed(f.args[0].args)]
            split = [matrix_power(matmul_all(inverses), -f.data)] if f.data != -1 else inverses
            candidate = matmul_all([*factors[:i], *split, *factors[i + 1 :]])
            if count_ops(candidate) < count_ops(node):
                return _cancel_inverses(candidate) if candidate.op == "matmul" else candidate
    return node


# ------------------------------------------------------------------------------------- the logistic function


def _one_plus_exp(e: MatExpr) -> MatExpr | None:
    """``u`` if ``e`` is ``1 + exp(u)``."""
    if e.op == "add" and e.data[0] == 1 and len(e.args) == 1 and e.data[1][0] == 1:
        term = e.args[0]
        if term.op == "fn" and term.data == "exp":
            return term.args[0]
    return None


def _negated(u: MatExpr) -> MatExpr:
    return mul_all([number(-1), u])


def _logistic(node: MatExpr) -> MatExpr:
    factors = list(node.args) if node.op == "mul" else [node]
    coefficient = number(node.data) if node.op == "mul" else number(1)
    for i, f in enumerate(factors):  # e^u σ(-u) = e^u / (1 + e^u) = σ(u)
        if f.op == "fn" and f.data == "sigmoid":
            u = _negated(f.args[0])
            j = next(
                (j for j, g in enumerate(factors) if g.op == "fn" and g.data == "exp" and g.args[0] is u),
                None,
            )
            if j is not None:
                rest = [g for k, g in enumerate(factors) if k not in (i, j)]
                return mul_all([coefficient, *rest, apply_function("sigmoid", [u])])
    for i, f in enumerate(factors):
        if not (f.op == "pow" and f.args[1].op == "num" and f.args[1].data == -1):
            continue
        base = _one_plus_exp(f.args[0])
        if base is None:
            continue
        u = base
        numerator = next(
            (j for j, g in enumerate(factors) if g.op == "fn" and g.data == "exp" and g.args[0] is u), None
        )
        if numerator is not None:  # e^u / (1 + e^u)
            rest = [g for j, g in enumerate(factors) if j not in (i, numerator)]
            return mul_all([coefficient, *rest, apply_function("sigmoid", [u])])
        rest = [g for j, g in enumerate(factors) if j != i]  # 1 / (1 + e^-u)
        return mul_all([coefficient, *rest, apply_function("sigmoid", [_negated(u)])])
    return node
