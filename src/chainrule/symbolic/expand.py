"""Polynomial expansion: products of sums multiplied out, positive integer powers of sums expanded."""

from __future__ import annotations

from chainrule.errors import ChainruleValueError
from chainrule.symbolic.algebra import linear_combination, mul
from chainrule.symbolic.expr import ADD, MUL, NUM, ONE, POW, Expr, Value
from chainrule.symbolic.traverse import rebuild, transform

__all__ = ["expand"]

MAX_TERMS = 200_000


def _terms(e: Expr) -> list[tuple[Value, Expr]]:
    """A sum as ``(coefficient, term)`` pairs, its constant as ``(c, 1)``; anything else as one term."""
    if e.op is not ADD:
        return [(1, e)]
    const, coeffs = e.data
    pairs = list(zip(coeffs, e.args, strict=True))
    return [*pairs, (const, ONE)] if const != 0 else pairs


def _times(a: list[tuple[Value, Expr]], b: list[tuple[Value, Expr]]) -> list[tuple[Value, Expr]]:
    if len(a) * len(b) > MAX_TERMS:
        raise ChainruleValueError(f"expand: the result would have over {MAX_TERMS} terms")
    product = linear_combination((ca * cb, mul(ta, tb)) for ca, ta in a for cb, tb in b)
    return _terms(product)


def _expand_node(node: Expr, args: list[Expr]) -> Expr | None:
    node = rebuild(node, args) if any(n is not o for n, o in zip(args, node.args, strict=True)) else node
    if node.op is MUL and any(f.op is ADD for f in node.args):
        result: list[tuple[Value, Expr]] = [(node.data, ONE)]
        for f in node.args:
            result = _times(result, _terms(f))
        return linear_combination(result)
    if node.op is POW and node.args[0].op is ADD and node.args[1].op is NUM:
        n = node.args[1].data
        if type(n) is int and n > 1:
            base = _terms(node.args[0])
            result = base
            for _ in range(n - 1):
                result = _times(result, base)
            return linear_combination(result)
    return node


def expand(expr: Expr) -> Expr:
    """``expr`` with products of sums multiplied out and positive integer powers of sums expanded.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.expand(sym.parse("(x + 1)^3 - x (x - 1)"))
    x^3 + 2*x^2 + 4*x + 1
    """
    return transform([expr], _expand_node)[0]
