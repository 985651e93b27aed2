"""Elementwise functions of matrix expressions, taken from the core rule table through the scalar side.

A function applied elementwise (``tanh(x)``, ``sigmoid(a' x)``, ``sqrt(X)``) is the scalar formula of that
name (:data:`chainrule.core.registry.FORMULAS` and the composites of
:mod:`chainrule.symbolic.elementary`) on placeholders, translated into matrix nodes: ``tanh`` is one node,
``sqrt(x)`` the power ``x.^(1/2)``, ``log10(x)`` is ``log(x)/log(10)``, exactly as formulas write them. Its
derivative is its primitive's forward rule run on scalar expressions, translated the same way
(``tanh' = 1 - tanh^2`` gives ``1 - tanh(x).^2``), so there is no second table of functions or derivatives.

Examples
--------
>>> from chainrule.symbolic.matrix.algebra import variable
>>> x = variable("x", ("n",))
>>> apply_function("tanh", [x]), apply_function("sqrt", [x]), apply_function("log10", [x])
(tanh(x), sqrt(x), log(x)/log(10))
>>> [str(d) for d in derivative_formulas("tanh", 1)]
['1 - tanh(⟨0⟩)^2']
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from chainrule.core.rules._util import zero_rule
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.symbolic.elementary import function, lookup
from chainrule.symbolic.expr import ADD, CONST, MUL, NUM, ONE, POW, SYM, Expr, function_node, symbol
from chainrule.symbolic.functions import call as scalar_call
from chainrule.symbolic.functions import primitive
from chainrule.symbolic.matrix.algebra import linear, mul_all, number, power
from chainrule.symbolic.matrix.nodes import MatExpr, cons
from chainrule.symbolic.traverse import postorder

__all__ = [
    "apply_function",
    "derivative_formulas",
    "from_scalar",
    "function_node_of",
    "is_function",
    "statement_of",
]

# names no one can type: the placeholders of scalar templates
_PLACEHOLDERS = tuple(symbol(f"⟨{i}⟩") for i in range(4))


def is_function(name: str) -> bool:
    """True if ``name`` is an elementwise function formulas know (a rule-table name, alias or composite)."""
    return lookup(name) is not None


@functools.lru_cache(maxsize=256)
def _template(name: str, arity: int) -> Expr:
    return function(name)(*_PLACEHOLDERS[:arity])


def apply_function(name: str, args: Sequence[MatExpr]) -> MatExpr:
    """The function ``name`` applied elementwise to ``args`` (arrays of one shape; scalars broadcast)."""
    found = lookup(name)
    if found is None:
        raise ChainruleValueError(f"unknown function {name!r}")
    _, low, high = found
    if len(args) < low or (high is not None and len(args) > high):
        wanted = f"{low}" if low == high else f"{low} to {high}" if high else f"at least {low}"
        raise ChainruleTypeError(f"{name} takes {wanted} argument(s), got {len(args)}")
    if len(args) > len(_PLACEHOLDERS):
        raise ChainruleTypeError(f"{name} of more than {len(_PLACEHOLDERS)} arguments is not supported")
    return from_scalar(_template(name, len(args)), args)


def function_node_of(name: str, args: Sequence[MatExpr]) -> MatExpr:
    """The node ``name(*args)`` for a function of the rule table, with what every expression gets:
    numbers folded where exact, ``exp(log(u)) = u``, ``log(exp(u)) = u``, ``abs(abs(u)) = abs(u)``."""
    first = next((a for a in args if a.shape), None)
    for a in args:
        if a.shape and first is not None and (a.shape != first.shape or a.row != first.row):
            raise ShapeError(
                f"{name}: the arguments {first} ({first.kind}) and {a} ({a.kind}) differ in shape"
            )
    if all(a.op == "num" for a in args):
        folded = scalar_call(name, *[a.data for a in args])
        if folded.op is NUM:
            return number(folded.data)
    u = args[0]
    if (name == "exp" and u.op == "fn" and u.data == "log") or (
        name == "log" and u.op == "fn" and u.data == "exp"
    ):
        return u.args[0]
    if name in ("abs", "relu") and u.op == "fn" and u.data == name:
        return u
    shape, row = (first.shape, first.row) if first is not None else ((), False)
    return cons("fn", tuple(args), name, shape, row)


def from_scalar(expr: Expr, operands: Sequence[MatExpr]) -> MatExpr:
    """The scalar formula ``expr`` in the placeholders, as an elementwise expression of ``operands``."""
    table = dict(zip(_PLACEHOLDERS, operands, strict=False))
    done: dict[Expr, MatExpr] = {}
    for node in postorder([expr]):
        done[node] = _translate(node, [done[a] for a in node.args], table)
    return done[expr]


def _translate(node: Expr, args: list[MatExpr], table: dict[Expr, MatExpr]) -> MatExpr:
    op = node.op
    if op is SYM:
        found = table.get(node)
        if found is None:
            raise ChainruleValueError(f"the formula {node} has a symbol that is not an operand")
        return found
    if op is NUM:
        return number(node.data)
    if op is CONST:
        return number(float(getattr(math, str(node.data))))
    if op is ADD:
        const, coeffs = node.data
        return linear(list(zip(coeffs, args, strict=True)), const)
    if op is MUL:
        return mul_all([number(node.data), *args])
    if op is POW:
        return power(args[0], args[1])
    return function_node_of(op, args)


@functools.lru_cache(maxsize=256)
def derivative_formulas(name: str, arity: int) -> tuple[Expr | None, ...]:
    """The partial derivatives of the rule-table function ``name`` in each operand, as scalar formulas in
    the placeholders (None where the rule is zero): its primitive's forward rules, run on expressions."""
    prim = primitive(name)
    if prim is None or prim.jvp is None:
        raise ChainruleValueError(f"{name} is not a function of the rule table with derivative rules")
    node = function_node(name, _PLACEHOLDERS[:arity])
    out: list[Expr | None] = []
    for i in range(arity):
        rule = prim.jvp[i]
        if rule is None:
            raise ChainruleValueError(
                f"{name} has no forward rule for operand {i}: its derivative is unknown"
            )
        out.append(None if rule is zero_rule else rule(ONE, node, *_PLACEHOLDERS[:arity]))
    return tuple(out)


def statement_of(name: str) -> tuple[str, str]:
    """The rule's name and notation for the function ``name``, from its row (for explanations)."""
    prim = primitive(name)
    if prim is None:
        return "elementwise function", ""
    return prim.rule or "elementwise function", prim.notation or ""
