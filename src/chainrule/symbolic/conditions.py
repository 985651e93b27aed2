"""Conditions: the comparisons and connectives that choose a piece of ``piecewise(x < 0, -x, x^2)``.

A condition is a node like any other: ``less(x, 0)`` prints ``x < 0``, ``logical_and(0 <= x, x < 1)`` prints
``0 <= x and x < 1``. Its value is 1 where it holds and 0 where it does not; it has no derivative (it is
constant wherever it is defined), so it only ever appears where a piece is chosen: the first argument of
core's ``where`` primitive, whose formula name is ``piecewise``. Each condition is one row of
:data:`CONDITIONS`, and every output format reads it there: the text and LaTeX signs, the NumPy ufunc that
evaluates it (one of :data:`chainrule.core.registry.COMPARISONS`) and SymPy's class.

Examples
--------
>>> from chainrule import symbolic as sym
>>> c = condition("less", sym.parse("x"), sym.parse("0"))
>>> c, c.evaluate(x=-1.0), sym.parse("piecewise(x < 0, -x, x^2)")
(x < 0, 1.0, piecewise(x < 0, -x, x^2))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainrule.errors import ChainruleTypeError
from chainrule.symbolic.expr import NUM, ONE, ZERO, Expr, function_node

__all__ = ["CONDITIONS", "Condition", "boundary", "condition", "is_condition", "negated"]


@dataclass(frozen=True)
class Condition:
    """One comparison or connective: its sign in text and LaTeX, its NumPy ufunc, its SymPy class."""

    text: str
    latex: str
    numpy: np.ufunc
    sympy: str
    precedence: int  # in text: comparisons bind tighter than ``and``, which binds tighter than ``or``
    opposite: str = ""  # the comparison that holds exactly where this one does not


CONDITIONS: dict[str, Condition] = {
    "less": Condition("<", "<", np.less, "StrictLessThan", 5, "greater_equal"),
    "less_equal": Condition("<=", r"\le", np.less_equal, "LessThan", 5, "greater"),
    "greater": Condition(">", ">", np.greater, "StrictGreaterThan", 5, "less_equal"),
    "greater_equal": Condition(">=", r"\ge", np.greater_equal, "GreaterThan", 5, "less"),
    "equal": Condition("==", "=", np.equal, "Equality", 5, "not_equal"),
    "not_equal": Condition("!=", r"\ne", np.not_equal, "Unequality", 5, "equal"),
    "logical_and": Condition("and", r"\text{ and }", np.logical_and, "And", 3),
    "logical_or": Condition("or", r"\text{ or }", np.logical_or, "Or", 2),
}
COMPARISONS = frozenset(name for name, c in CONDITIONS.items() if c.opposite)


def is_condition(node: Expr) -> bool:
    """True for a comparison or a connective of them (and for the numbers 0 and 1, conditions decided)."""
    return node.op in CONDITIONS or (node.op is NUM and node.data in (0, 1))


def condition(name: str, a: Expr, b: Expr) -> Expr:
    """The condition ``a <name> b``; decided at once (1 or 0) when both sides are numbers.

    A connective (``logical_and``, ``logical_or``) takes conditions and drops decided ones:
    ``1 and c`` is ``c``, ``0 and c`` is ``0``.
    """
    row = CONDITIONS[name]
    if name in COMPARISONS:
        if a.op is NUM and b.op is NUM:
            return ONE if bool(row.numpy(a.data, b.data)) else ZERO
        return function_node(name, (a, b))
    for side in (a, b):
        if not is_condition(side):
            raise ChainruleTypeError(f"'{row.text}' joins conditions such as x < 1, not {side}")
    decided = [side for side in (a, b) if side.op is NUM]
    if decided:
        absorbing = ZERO if name == "logical_and" else ONE
        if any(side is absorbing for side in decided):
            return absorbing
        rest = [side for side in (a, b) if side.op is not NUM]
        return rest[0] if rest else decided[0]
    if a is b:
        return a
    return function_node(name, (a, b))


def negated(node: Expr) -> Expr | None:
    """The comparison that holds exactly where ``node`` does not (None for a connective)."""
    row = CONDITIONS.get(node.op)
    if row is None or not row.opposite:
        return None
    return condition(row.opposite, *node.args)


def boundary(node: Expr) -> list[tuple[Expr, Expr]]:
    """Where a condition can change: ``(lhs, rhs)`` for each comparison in it (``x = 0`` for ``x < 0``)."""
    if node.op in COMPARISONS:
        return [(node.args[0], node.args[1])]
    if node.op in CONDITIONS:
        return [pair for side in node.args for pair in boundary(side)]
    return []
