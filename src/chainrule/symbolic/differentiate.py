"""Symbolic derivatives from the autodiff engine's rule table: forward mode over the expression DAG.

Each node's derivative is its primitive's forward rule (``prim.jvp[i](tangent, ans, *operands)``) called on
expressions instead of arrays: the rules are written with NumPy calls and operators, which on an
:class:`Expr` build nodes, so ``sin_p``'s rule ``g * np.cos(x)`` yields the expression ``cos(x) * dx``. There
is one definition of each derivative in the library, kinks included (relu's rule and the tie rules of max and
min are written with core's step primitive, which formulas write as ``heaviside``); this module only walks the
DAG (each shared node is differentiated once) and adds the n-ary structure of sums and products:

- a sum ``c0 + c1 t1 + ...`` gives ``c1 dt1 + ...`` (the sum rule, linearity);
- a product ``f1 f2 ... fk`` gives ``sum df_i * (the other factors)``: multiply's rule ``d(f g) = df g``
  applied to each factor and its cofactor;
- a power calls ``sqrt``'s, ``reciprocal``'s, ``square``'s or ``power``'s rule, whichever names it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from chainrule.core.primitive import Primitive
from chainrule.core.rules import arithmetic as ar
from chainrule.core.rules._util import zero_rule
from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.symbolic.algebra import add_all, linear_combination, mul, mul_without
from chainrule.symbolic.conditions import CONDITIONS
from chainrule.symbolic.expr import ADD, HALF, MUL, NUM, ONE, POW, ZERO, Expr
from chainrule.symbolic.functions import primitive
from chainrule.symbolic.simplify import simplify
from chainrule.symbolic.traverse import postorder
from chainrule.symbolic.unknowns import APPLY, derivative_of
from chainrule.symbolic.variables import as_expression, as_variable, orders, ordinal, variable_list

__all__ = [
    "MAX_NODES",
    "MAX_ORDER",
    "as_expression",
    "as_variable",
    "derivative",
    "diff",
    "forward_rule",
    "gradient",
    "hessian",
    "jacobian",
    "power_primitive",
    "primitive_of",
    "repeated",
    "rule_result",
    "tangent",
]

Tangents = Sequence[Expr | None]
MAX_ORDER = 10_000
MAX_NODES = 200_000


def power_primitive(exponent: Expr) -> Primitive:
    """The primitive whose rule differentiates ``u ** exponent`` in ``u``: sqrt, reciprocal, square, power."""
    if exponent is HALF:
        return ar.sqrt_p
    if exponent.op is NUM and exponent.data == -1:
        return ar.reciprocal_p
    if exponent.op is NUM and exponent.data == 2:
        return ar.square_p
    return ar.power_p


def primitive_of(node: Expr) -> Primitive | None:
    """The primitive whose rules (and rule name, for explanations) a node uses; None for leaves."""
    op = node.op
    if op is ADD:
        return ar.subtract_p if any(c < 0 for c in node.data[1]) else ar.add_p
    if op is MUL:
        return ar.multiply_p
    if op is POW:
        return power_primitive(node.args[1])
    return primitive(op)


def forward_rule(prim: Primitive, operand: int) -> Callable[..., Expr] | None:
    """The forward rule of ``prim`` for one operand: ``rule(tangent, ans, *operands)``, or None."""
    rules = prim.jvp
    if rules is None:
        return None
    rule: Callable[..., Expr] | None = rules[operand]
    return rule


def rule_result(prim: Primitive, operand: int, *args: Expr) -> Expr:
    """``prim``'s forward rule for ``operand`` called on ``(tangent, ans, *operands)``."""
    rule = forward_rule(prim, operand)
    if rule is None:  # every primitive with a symbolic form has forward rules
        raise ChainruleValueError(f"{prim.name} has no forward rule for operand {operand}")
    return rule(*args)


def _power_rule(node: Expr, tangents: Tangents) -> list[Expr]:
    base, exponent = node.args
    tb, te = tangents
    parts = []
    if tb is not None:
        prim = power_primitive(exponent)
        operands = (base, exponent) if prim is ar.power_p else (base,)
        parts.append(rule_result(prim, 0, tb, node, *operands))
    if te is not None:
        parts.append(rule_result(ar.power_p, 1, te, node, base, exponent))
    return parts


def _product_rule(node: Expr, tangents: Tangents) -> list[Expr]:
    rule = forward_rule(ar.multiply_p, 0)  # d(f g) = df g, for each factor f and its cofactor g
    if rule is None:
        raise ChainruleValueError("multiply has no forward rule")
    factors = node.args
    return [rule(t, node, factors[i], mul_without(node, i)) for i, t in enumerate(tangents) if t is not None]


def _function_rule(node: Expr, tangents: Tangents) -> list[Expr]:
    prim = primitive(node.op)
    if prim is None:
        raise ChainruleValueError(f"{node.op} is not a function of the rule table")
    parts = []
    for i, t in enumerate(tangents):
        if t is None:
            continue
        rule = forward_rule(prim, i)
        if rule is None:
            raise ChainruleValueError(
                f"{prim.name} has no forward rule for operand {i}: its derivative is unknown"
            )
        if rule is not zero_rule:
            parts.append(rule(t, node, *node.args))
    return parts


def tangent(node: Expr, tangents: Tangents) -> Expr:
    """The derivative of ``node`` given its arguments' derivatives (None where an argument's is zero)."""
    op = node.op
    if op is ADD:
        # the sum rule: sum's forward rule passes each term's tangent through, times the term's coefficient
        return linear_combination(
            (c, t) for c, t in zip(node.data[1], tangents, strict=True) if t is not None
        )
    if op is MUL:
        parts = _product_rule(node, tangents)
    elif op == APPLY:
        # an unknown function: nothing is known of it but the chain rule, (f(u))' = f'(u) u'
        t = tangents[0]
        return ZERO if t is None else mul(derivative_of(node), t)
    elif op is POW:
        parts = _power_rule(node, tangents)
    else:
        parts = _function_rule(node, tangents)
    return parts[0] if len(parts) == 1 else add_all(parts)


def _depending_on(expr: Expr, var: Expr) -> list[Expr]:
    """The nodes of ``expr`` that depend on ``var``, children first (subtrees free of it are skipped, and so
    are conditions: a condition is constant wherever it is defined, so a piece's choice has no derivative)."""
    return postorder(
        [expr], lambda node: [a for a in node.args if var in a.free_symbols and a.op not in CONDITIONS]
    )


def derivative(expr: Expr, var: Expr) -> Expr:
    """The first derivative of ``expr`` in the symbol ``var``, in canonical form but not simplified."""
    return _derivative(expr, var)[0]


def _derivative(expr: Expr, var: Expr) -> tuple[Expr, int]:
    """The first derivative, and how many nodes of ``expr`` depend on ``var`` (the work it took)."""
    if var not in expr.free_symbols:
        return ZERO, 0
    if expr.op in CONDITIONS:
        raise ChainruleTypeError(f"{expr} is a condition, not a number: it has no derivative")
    tangents: dict[Expr, Expr] = {var: ONE}
    nodes = _depending_on(expr, var)
    for node in nodes:
        if not node.args:
            continue
        ts = [tangents.get(a) for a in node.args]
        t = tangent(node, ts)
        if t is not ZERO:
            tangents[node] = t
    return tangents.get(expr, ZERO), len(nodes)


def repeated(expr: Expr, var: Expr, times: int, max_order: int, max_nodes: int) -> Expr:
    """The ``times``-th derivative by ``var``, unsimplified: stops at 0, and where the derivatives repeat
    (``exp(x)`` at once, ``sin(x)`` every fourth) it reads the answer off the cycle."""
    seen: dict[Expr, int] = {expr: 0}
    history = [expr]
    for k in range(1, times + 1):
        if k > max_order:
            raise ChainruleValueError(
                f"stopped at the {ordinal(max_order)} derivative in {var}: the derivatives of "
                f"{_short(history[0])} neither vanish nor repeat, and {times} exceeds the limit "
                f"max_order={max_order} (pass a larger max_order= to go on)"
            )
        expr, size = _derivative(expr, var)
        if size > max_nodes:
            raise ChainruleValueError(
                f"stopped at the {ordinal(k)} derivative in {var} of {_short(history[0])}: the expression "
                f"has grown past {max_nodes} nodes (the limit max_nodes={max_nodes}; pass a larger one to "
                "go on)"
            )
        if expr is ZERO:
            return ZERO
        first = seen.get(expr)
        if first is not None:
            return history[first + (times - k) % (k - first)]
        seen[expr] = k
        history.append(expr)
    return expr


def _short(expr: Expr) -> str:
    text = str(expr) if len(expr.free_symbols) < 50 else "the expression"
    return text if len(text) <= 60 else text[:57] + "..."


def diff(
    expr: Expr | str,
    *variables: Any,
    n: int = 1,
    max_order: int = MAX_ORDER,
    max_nodes: int = MAX_NODES,
) -> Expr:
    """The exact derivative of ``expr`` (an :class:`Expr` or text), simplified.

    Parameters
    ----------
    expr:
        The expression, or text for :func:`~chainrule.symbolic.parse`.
    variables:
        What to differentiate by, in order: symbols or their names, each optionally followed by how many
        times (``diff(e, "x", 3)``, as in SymPy) or given as ``("x", 3)``; ``diff(e, "x", "y")`` is the mixed
        partial ``d/dy d/dx e``. None: the only symbol of ``expr``. A symbol ``expr`` does not contain gives
        an exact 0; a number, a constant or an expression raises.
    n:
        How many times to differentiate by a single variable.
    max_order, max_nodes:
        Limits for repeated derivatives that neither vanish nor repeat: at most ``max_order`` of them, and
        none of an expression with more than ``max_nodes`` nodes. A derivative that becomes 0 stops at
        once (``diff("x", "x", n=10**8)`` is 0), and so does one that repeats (``exp(x)``, ``sin(x)``).

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.diff("log(sqrt(x))", "x")
    1/(2*x)
    >>> sym.diff("x^x", "x")
    x^x*(log(x) + 1)
    >>> sym.diff("sin(x)", "x", n=3), sym.diff("sin(x)", "x", 10**9)
    (-cos(x), sin(x))
    >>> sym.diff("x^3 y^2", "x", "y"), sym.diff("x^3 y^2", ("x", 2), "y")
    (6*x^2*y, 12*x*y)
    >>> sym.diff("abs(x)"), sym.diff("relu(x)"), sym.diff("max(x, y)", "x")
    (sign(x), heaviside(x, 0), heaviside(x - y, 1/2))
    """
    e = as_expression(expr)
    if not variables and not e.free_symbols:
        return e if n == 0 else ZERO  # the derivative of a constant
    for v, times in orders(e, variables, n):
        e = repeated(e, v, times, max_order, max_nodes)
        if e is ZERO:
            return ZERO
    return simplify(e)


def _first(e: Expr, v: Expr) -> Expr:
    return simplify(derivative(e, v)) if v in e.free_symbols else ZERO


def gradient(expr: Expr | str, vars: Any) -> list[Expr]:
    """The partial derivatives of a scalar expression, one per variable.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.gradient("x^2 y + y", "x y")
    [2*x*y, x^2 + 1]
    """
    e = as_expression(expr)
    return [_first(e, v) for v in variable_list(vars)]


def jacobian(exprs: Sequence[Expr | str], vars: Any, layout: str = "numerator") -> list[list[Expr]]:
    """The matrix of first derivatives: row ``i`` is the gradient of ``exprs[i]`` (numerator layout).

    ``layout="denominator"`` gives the transpose, one row per variable (DESIGN.md's layouts).

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.jacobian(["x*y", "x + y"], "x y")
    [[y, x], [1, 1]]
    """
    if layout not in ("numerator", "denominator"):
        raise ChainruleValueError(f"layout must be 'numerator' or 'denominator', got {layout!r}")
    variables = variable_list(vars)
    rows = [[_first(e, v) for v in variables] for e in (as_expression(x) for x in exprs)]
    if layout == "denominator":
        return [list(column) for column in zip(*rows, strict=True)] if rows else []
    return rows


def hessian(expr: Expr | str, vars: Any) -> list[list[Expr]]:
    """The matrix of second derivatives of a scalar expression.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.hessian("x^2 y", "x y")
    [[2*y, 2*x], [2*x, 0]]
    """
    variables = variable_list(vars)
    return jacobian(gradient(expr, variables), variables)
