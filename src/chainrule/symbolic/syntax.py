"""The syntax tree the parser reads, and the expression it means: built bottom-up, without recursion.

The parser (:mod:`.parser`) turns tokens into :class:`SyntaxNode` trees; :func:`build` turns a tree into an
:class:`~chainrule.symbolic.expr.Expr`, checking what only the whole tree tells: that conditions stand where a
piece is chosen and numbers everywhere else, and that no name is both a variable and an unknown function.
Every error is a :class:`~chainrule.symbolic.lexer.ParseError` at the position of the offending part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from chainrule.errors import ChainruleError, ChainruleValueError
from chainrule.symbolic.algebra import linear_combination, mul_all, neg, power, scale
from chainrule.symbolic.conditions import CONDITIONS, condition, is_condition
from chainrule.symbolic.elementary import function
from chainrule.symbolic.expr import ADD, MUL, NUM, PI, POW, ZERO, E, Expr, number, symbol
from chainrule.symbolic.lexer import ParseError
from chainrule.symbolic.unknowns import unknown

__all__ = ["CONSTANTS", "SyntaxNode", "build"]

CONSTANTS = {"pi": PI, "e": E}
_COMPARE = {"<": "less", "<=": "less_equal", ">": "greater", ">=": "greater_equal", "==": "equal"}
_COMPARE["!="] = "not_equal"
_CONNECT = {"and": "logical_and", "or": "logical_or"}


@dataclass
class SyntaxNode:
    """A node of the syntax tree; ``flags`` marks the subtracted terms of a sum, the divisors of a product.

    ``kind`` is num, name, sum, product, pow, neg, sqrt, call (``value`` the function's name), unknown
    (``value`` the name, ``primes`` the derivative's order), if, chain (comparisons, ``value`` their signs)
    or connect (``value`` "and"/"or"). ``grouped`` marks a node written in parentheses.
    """

    kind: str
    position: int
    value: Any = None
    children: list[SyntaxNode] = field(default_factory=list)
    flags: list[bool] = field(default_factory=list)
    primes: int = 0
    grouped: bool = False


def _typed_order(node: SyntaxNode, args: list[Expr], result: Expr, order: dict[Any, list[Any]]) -> None:
    """Record in which order the terms of a sum (or the factors of a product) were typed, for printers."""
    if node.kind == "sum" and result.op == ADD:
        position: dict[Any, int] = {}
        for k, a in enumerate(args):
            if a.op == ADD:
                keys: list[Any] = list(a.args) + ([None] if a.data[0] != 0 else [])
            elif a.op == NUM:
                keys = [None]
            else:
                keys = [a if a.op != MUL or a.data == 1 else scale(Fraction(1) / Fraction(a.data), a)]
            for key in keys:
                position.setdefault(key, k)
        items: list[Any] = [*result.args, None] if result.data[0] != 0 else list(result.args)
        order.setdefault(result, sorted(items, key=lambda t: position.get(t, len(args))))
    elif node.kind == "product" and result.op == MUL:
        rank: dict[Expr, int] = {}
        for k, a in enumerate(args):
            for f in a.args if a.op == MUL else (a,):
                rank.setdefault(f.args[0] if f.op == POW else f, k)
        factors = result.args
        key = {f: rank.get(f.args[0] if f.op == POW else f, len(args)) for f in factors}
        order.setdefault(factors, sorted(factors, key=key.__getitem__))


def build(root: SyntaxNode, text: str, order: dict[Any, list[Any]] | None = None) -> Expr:
    """The expression for a syntax tree, built bottom-up without recursion; ``order`` (if given) receives
    the typed order of its sums and products (see :class:`~chainrule.symbolic.printing.base.Printer`)."""
    done: dict[int, Expr] = {}
    stack: list[tuple[SyntaxNode, bool]] = [(root, False)]
    variables: dict[str, int] = {}
    functions: dict[str, int] = {}
    while stack:
        node, ready = stack.pop()
        if not ready:
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(node.children))
            continue
        args = [done.pop(id(c)) for c in node.children]
        _check_operands(node, args, text)
        if node.kind == "name" and node.value not in CONSTANTS:
            variables.setdefault(node.value, node.position)
        elif node.kind == "unknown":
            functions.setdefault(node.value, node.position)
        try:
            done[id(node)] = _make(node, args)
            if order is not None:
                _typed_order(node, args, done[id(node)], order)
        except ParseError:
            raise
        except ChainruleError as exc:
            raise ParseError(str(exc), text, node.position) from exc
    for name, position in functions.items():
        if name in variables:
            raise ParseError(
                f"{name} is used both as a function, {name}(...), and as a variable; rename one of them",
                text,
                max(position, variables[name]),
            )
    result = done[id(root)]
    if is_condition(result) and root.kind in ("chain", "connect"):
        raise ParseError(_misplaced(result), text, root.position)
    return result


def _misplaced(c: Expr) -> str:
    return (
        f"{c} is a condition, not a number: conditions choose the pieces of piecewise(x < 0, -x, x^2) or "
        "if x < 0 then -x else x^2"
    )


def _condition_slots(node: SyntaxNode) -> set[int]:
    """Which children of a node must be conditions (all others must be numbers)."""
    if node.kind == "if":
        return {0}
    if node.kind == "call" and node.value in ("piecewise", "where"):
        return set(range(0, len(node.children) - 1, 2))
    if node.kind == "connect":
        return {0, 1}
    return set()


def _check_operands(node: SyntaxNode, args: list[Expr], text: str) -> None:
    slots = _condition_slots(node)
    for k, (child, a) in enumerate(zip(node.children, args, strict=True)):
        is_cond = a.op in CONDITIONS or child.kind in ("chain", "connect")
        if k in slots and not is_cond:
            raise ParseError(f"expected a condition such as x < 0 here, not {a}", text, child.position)
        if k not in slots and is_cond:
            raise ParseError(_misplaced(a), text, child.position)


def _chain(signs: list[str], args: list[Expr]) -> Expr:
    """``a < b <= c`` is ``a < b and b <= c``."""
    result = condition(_COMPARE[signs[0]], args[0], args[1])
    for k in range(1, len(signs)):
        result = condition("logical_and", result, condition(_COMPARE[signs[k]], args[k], args[k + 1]))
    return result


def _product(node: SyntaxNode, args: list[Expr]) -> Expr:
    factors = [power(a, number(-1)) if div else a for div, a in zip(node.flags, args, strict=True)]
    product = mul_all(factors)
    if product is ZERO and any(_divides_by_zero(f) for f in factors):
        raise ChainruleValueError(
            "0/0 (zero times a division by zero) is undefined: NumPy gives nan, Python an error"
        )
    return product


def _divides_by_zero(factor: Expr) -> bool:
    """Whether a factor is, or contains as a factor, a negative power of 0 (1/0)."""
    for f in factor.args if factor.op == MUL else (factor,):
        if f.op == POW and f.args[0] is ZERO and f.args[1].op == NUM and f.args[1].data < 0:
            return True
    return False


def _make(node: SyntaxNode, args: list[Expr]) -> Expr:
    kind = node.kind
    if kind == "num":
        return number(node.value)
    if kind == "name":
        constant = CONSTANTS.get(node.value)
        return symbol(node.value) if constant is None else constant
    if kind == "sum":
        return linear_combination((-1 if minus else 1, a) for minus, a in zip(node.flags, args, strict=True))
    if kind == "product":
        return _product(node, args)
    if kind == "pow":
        return power(args[0], args[1])
    if kind == "neg":
        return neg(args[0])
    if kind == "sqrt":
        return function("sqrt")(args[0])
    if kind == "unknown":
        return unknown(node.value, args[0], node.primes)
    if kind == "if":
        return function("piecewise")(*args)
    if kind == "chain":
        return _chain(node.value, args)
    if kind == "connect":
        return condition(_CONNECT[node.value], args[0], args[1])
    return function(node.value)(*args)
