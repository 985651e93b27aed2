"""Rebuilding nodes from new operands through the canonical constructors: substitution and rewriting.

Examples
--------
>>> from chainrule.symbolic.matrix import parse
>>> s = {"x": "n", "A": "n,n", "B": "n,n"}
>>> substitute(parse("x' A x", s), {parse("A", s): parse("B'", s)})  # a scalar is its own transpose
x' B x
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from chainrule.symbolic.matrix import functions as fn
from chainrule.symbolic.matrix.algebra import (
    kron,
    linear,
    matmul_all,
    matrix_power,
    mul_all,
    number,
    power,
    transpose,
)
from chainrule.symbolic.matrix.elementwise import function_node_of
from chainrule.symbolic.matrix.nodes import MatExpr, cons, postorder

__all__ = ["count_ops", "rebuild", "substitute", "transform"]

_UNARY: dict[str, Callable[[MatExpr], MatExpr]] = {
    "T": transpose,
    "tr": fn.trace,
    "det": fn.det,
    "logdet": fn.logdet,
    "sum": fn.total,
    "diagm": fn.diag,
    "diagv": fn.diag,
    "norm2": fn.norm2,
    "softmax": fn.softmax,
    "lse": fn.logsumexp,
    "vec": fn.vec,
}


def rebuild(node: MatExpr, args: list[MatExpr]) -> MatExpr:
    """``node``'s operation applied to new ``args``, in canonical form."""
    if all(a is b for a, b in zip(args, node.args, strict=True)):
        return node
    op = node.op
    if op == "add":
        return linear(list(zip(node.data[1], args, strict=True)), node.data[0])
    if op == "mul":
        return mul_all([number(node.data), *args])
    if op == "pow":
        return power(args[0], args[1])
    if op == "fn":
        return function_node_of(node.data, args)
    if op == "matmul":
        return matmul_all(args)
    if op == "mpow":
        return matrix_power(args[0], node.data)
    if op == "kron":
        return kron(args[0], args[1])
    if op == "einsum":
        return fn.einsum(node.data, *args)
    if op == "d":
        return cons("d", tuple(args), None, args[0].shape, args[0].row)
    return _UNARY[op](args[0])


def transform(expr: MatExpr, rewrite: Callable[[MatExpr], MatExpr]) -> MatExpr:
    """Rebuild ``expr`` bottom-up, applying ``rewrite`` to each rebuilt node."""
    done: dict[MatExpr, MatExpr] = {}
    for node in postorder([expr]):
        new = rebuild(node, [done[a] for a in node.args]) if node.args else node
        done[node] = rewrite(new)
    return done[expr]


def substitute(expr: MatExpr, mapping: Mapping[MatExpr, MatExpr]) -> MatExpr:
    """``expr`` with the nodes in ``mapping`` replaced (shapes must fit)."""
    done: dict[MatExpr, MatExpr] = {}
    for node in postorder([expr], lambda n: [] if n in mapping else n.args):
        found = mapping.get(node)
        if found is not None:
            done[node] = found
        else:
            done[node] = rebuild(node, [done[a] for a in node.args]) if node.args else node
    return done[expr]


def count_ops(expr: MatExpr) -> int:
    """Operations to evaluate ``expr``, each shared node once (an n-ary sum or product counts n - 1)."""
    total = 0
    for node in postorder([expr]):
        if not node.args:
            continue
        n = len(node.args)
        if node.op == "add":
            total += n - 1 + int(node.data[0] != 0) + sum(1 for c in node.data[1] if c not in (1, -1))
        elif node.op in ("mul", "matmul"):
            total += n - 1 + int(node.op == "mul" and node.data != 1)
        elif node.op == "mpow":
            total += abs(node.data)
        else:
            total += 1
    return total
