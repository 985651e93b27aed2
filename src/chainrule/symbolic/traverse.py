"""Walking expression DAGs without recursion: post-order, free symbols, substitution, rebuilding.

Every walk here is iterative, so an expression nested thousands of levels deep (``x^x^x^...``) never meets
Python's recursion limit, and each shared node is visited once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from chainrule.errors import ChainruleTypeError
from chainrule.symbolic.algebra import linear_combination, mul_all, power
from chainrule.symbolic.expr import ADD, MUL, POW, Expr, as_expr, number, symbol
from chainrule.symbolic.functions import call
from chainrule.symbolic.unknowns import APPLY, unknown

__all__ = ["depth", "free_symbols", "postorder", "rebuild", "substitute", "transform"]


def postorder(roots: Iterable[Expr], children: Callable[[Expr], Iterable[Expr]] | None = None) -> list[Expr]:
    """Every node reachable from ``roots``, each once, children before parents.

    ``children(node)`` gives the nodes to walk into, first visited first (default: all of ``node.args``);
    a narrower function prunes the walk.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> [str(n) for n in postorder([sym.parse("sin(x)^2")])]
    ['x', 'sin(x)', '2', 'sin(x)^2']
    """
    seen: set[Expr] = set()
    order: list[Expr] = []
    stack: list[tuple[Expr, bool]] = [(r, False) for r in reversed(list(roots))]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        for a in reversed(list(node.args if children is None else children(node))):
            if a not in seen:
                stack.append((a, False))
    return order


def free_symbols(expr: Expr) -> frozenset[Expr]:
    """The symbols ``expr`` depends on (every node records its own when it is built)."""
    return expr._free


def depth(expr: Expr) -> int:
    """The length of the longest path from ``expr`` down to a leaf (a leaf has depth 0)."""
    levels: dict[Expr, int] = {}
    for node in postorder([expr]):
        levels[node] = 1 + max((levels[a] for a in node.args), default=-1)
    return levels[expr]


def rebuild(node: Expr, args: list[Expr]) -> Expr:
    """A node of the same kind as ``node`` with new arguments, in canonical form."""
    op = node.op
    if op is ADD:
        const, coeffs = node.data
        return linear_combination([(1, number(const)), *zip(coeffs, args, strict=True)])
    if op is MUL:
        return mul_all([number(node.data), *args])
    if op is POW:
        return power(args[0], args[1])
    if not args:
        return node
    if op == APPLY:
        return unknown(node.data[0], args[0], node.data[1])
    return call(op, *args)


def transform(roots: list[Expr], visit: Callable[[Expr, list[Expr]], Expr | None]) -> list[Expr]:
    """Rebuild ``roots`` bottom-up; ``visit(node, new_args)`` may return a replacement (None keeps it)."""
    done: dict[Expr, Expr] = {}
    for node in postorder(roots):
        args = [done[a] for a in node.args]
        replaced = visit(node, args)
        if replaced is None:
            changed = any(new is not old for new, old in zip(args, node.args, strict=True))
            replaced = rebuild(node, args) if changed else node
        done[node] = replaced
    return [done[r] for r in roots]


def _as_key(key: str | Expr) -> Expr:
    if isinstance(key, str):
        return symbol(key)
    if isinstance(key, Expr):
        return key
    raise ChainruleTypeError(f"substitution keys are symbol names or expressions, not {key!r}")


def substitute(expr: Expr, mapping: Mapping[Any, Any]) -> Expr:
    """``expr`` with each key (a symbol name, a symbol or any subexpression) replaced by its value.

    Values are expressions or numbers (``Expr.subs`` also reads text). Replacements happen simultaneously:
    ``subs(x=y, y=x)`` swaps.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> x, y = sym.symbols("x y")
    >>> substitute(sym.parse("x*y + sin(x)"), {"x": y, "y": x})
    x*y + sin(y)
    """
    table = {_as_key(k): as_expr(v) for k, v in mapping.items()}
    if not table:
        return expr
    return transform([expr], lambda node, args: table.get(node))[0]
