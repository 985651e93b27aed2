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
from chainrule.symbolic.algebra import add_all, linear_combination, mul_without
from chainrule.symbolic.expr import ADD, HALF, MUL, NUM, ONE, POW, SYM, ZERO, Expr, as_expr, symbol
from chainrule.symbolic.functions import primitive
from chainrule.symbolic.parser import parse
from chainrule.symbolic.simplify import simplify
from chainrule.symbolic.traverse import postorder

__all__ = [
    "derivative",
    "diff",
    "forward_rule",
    "gradient",
    "hessian",
    "jacobian",
    "matrix_calculus",
    "power_primitive",
    "primitive_of",
    "rule_result",
    "tangent",
]

Tangents = Sequence[Expr | None]


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
    elif op is POW:
        parts = _power_rule(node, tangents)
    else:
        parts = _function_rule(node, tangents)
    return parts[0] if len(parts) == 1 else add_all(parts)


def _depending_on(expr: Expr, var: Expr) -> list[Expr]:
    """The nodes of ``expr`` that depend on ``var``, children first (subtrees free of it are skipped)."""
    return postorder([expr], lambda node: [a for a in node.args if var in a.free_symbols])


def derivative(expr: Expr, var: Expr) -> Expr:
    """The first derivative of ``expr`` in the symbol ``var``, in canonical form but not simplified."""
    if var not in expr.free_symbols:
        return ZERO
    tangents: dict[Expr, Expr] = {var: ONE}
    for node in _depending_on(expr, var):
        if not node.args:
            continue
        ts = [tangents.get(a) for a in node.args]
        t = tangent(node, ts)
        if t is not ZERO:
            tangents[node] = t
    return tangents.get(expr, ZERO)


def as_variable(var: str | Expr | None, expr: Expr) -> Expr:
    """The symbol to differentiate by: given by name or symbol, or the only free symbol of ``expr``."""
    if var is None:
        free = expr.free_symbols
        if len(free) != 1:
            names = ", ".join(sorted(s.name for s in free)) or "none"
            raise ChainruleValueError(f"say which variable to differentiate {expr} by (its symbols: {names})")
        return next(iter(free))
    if isinstance(var, str):
        return symbol(var.strip())
    if isinstance(var, Expr) and var.op is SYM:
        return var
    raise ChainruleTypeError(f"the variable must be a symbol or its name, not {var!r}")


def as_expression(expr: Any) -> Expr:
    """An expression from an :class:`Expr`, a number or text (parsed)."""
    if isinstance(expr, str):
        return parse(expr)
    return as_expr(expr)


def _is_matrix(value: Any) -> bool:
    kind = type(value)
    if kind is list or kind is tuple:
        return any(type(v).__name__ == "MatExpr" for v in value)
    return kind.__name__ == "MatExpr"


def matrix_calculus(shapes: Any, *values: Any) -> Any:
    """The functions of :mod:`chainrule.symbolic.matrix` when ``shapes=`` is given or a value is (or holds)
    a matrix expression, else None: the one hook from scalar to matrix calculus."""
    if shapes is None:
        for v in values:
            if _is_matrix(v):
                break
        else:
            return None
    from chainrule.symbolic.matrix import api

    return api


def diff(
    expr: Expr | str, var: str | Expr | None = None, n: int = 1, *, shapes: Any = None, layout: str = "mixed"
) -> Any:
    """The exact ``n``-th derivative of ``expr`` (an :class:`Expr` or text) by ``var``, simplified.

    With ``shapes=`` (``{"x": "n", "A": ("n", "n")}``), or for a matrix expression, the variables are
    vectors and matrices and the derivative is laid out in ``layout`` ("mixed", "numerator",
    "denominator"); see :mod:`chainrule.symbolic.matrix`.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.diff("log(sqrt(x))", "x")
    1/(2*x)
    >>> sym.diff("x^x", "x")
    x^x + x^x*log(x)
    >>> sym.diff("sin(x)", "x", n=3)
    -cos(x)
    >>> sym.diff("abs(x)"), sym.diff("relu(x)"), sym.diff("max(x, y)", "x")
    (sign(x), heaviside(x, 0), heaviside(x - y, 1/2))
    >>> sym.diff("x' A x", "x", shapes={"x": "n", "A": ("n", "n")})
    (A + A') x
    """
    matrix = matrix_calculus(shapes, expr, var)
    if matrix is not None:
        return matrix.diff(expr, var, shapes=shapes, layout=layout, n=n)
    e = as_expression(expr)
    v = as_variable(var, e)
    if not isinstance(n, int) or n < 0:
        raise ChainruleValueError(f"the order of the derivative must be a non-negative integer, got {n!r}")
    for _ in range(n):
        e = derivative(e, v)
    return simplify(e)


def _variables(vars: Any) -> list[Expr]:
    if isinstance(vars, str):
        vars = vars.replace(",", " ").split()
    return [as_variable(v, ONE) for v in vars]


def gradient(expr: Expr | str, vars: Any, *, shapes: Any = None, layout: str = "mixed") -> Any:
    """The partial derivatives of a scalar expression, one per variable (of matrix expressions, with
    ``shapes=``: see :mod:`chainrule.symbolic.matrix`).

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.gradient("x^2 y + y", "x y")
    [2*x*y, x^2 + 1]
    """
    matrix = matrix_calculus(shapes, expr, vars)
    if matrix is not None:
        return matrix.gradient(expr, vars, shapes=shapes, layout=layout)
    e = as_expression(expr)
    return [diff(e, v) for v in _variables(vars)]


def jacobian(exprs: Any, vars: Any, layout: str = "mixed", *, shapes: Any = None) -> Any:
    """The matrix of first derivatives: row ``i`` is the gradient of ``exprs[i]`` (mixed layout, which for
    scalars is numerator layout too).

    ``layout="denominator"`` gives the transpose, one row per variable (DESIGN.md's layouts). A matrix
    expression, or text with ``shapes=``, is differentiated by :mod:`chainrule.symbolic.matrix`.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.jacobian(["x*y", "x + y"], "x y")
    [[y, x], [1, 1]]
    """
    matrix = matrix_calculus(shapes, exprs, vars)
    if matrix is not None:
        return matrix.jacobian(exprs, vars, shapes=shapes, layout=layout)
    if layout not in ("mixed", "numerator", "denominator"):
        raise ChainruleValueError(f"layout must be 'mixed', 'numerator' or 'denominator', got {layout!r}")
    variables = _variables(vars)
    rows = []
    for e in (as_expression(x) for x in exprs):
        free = e.free_symbols  # most entries of a large Jacobian are zero: skip them without a call
        rows.append([diff(e, v) if v in free else ZERO for v in variables])
    if layout == "denominator":
        return [list(column) for column in zip(*rows, strict=True)] if rows else []
    return rows


def hessian(expr: Expr | str, vars: Any, *, shapes: Any = None, layout: str = "mixed") -> Any:
    """The matrix of second derivatives of a scalar expression (of a matrix expression, with ``shapes=``:
    the derivative of its gradient, see :mod:`chainrule.symbolic.matrix`).

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.hessian("x^2 y", "x y")
    [[2*y, 2*x], [2*x, 0]]
    """
    matrix = matrix_calculus(shapes, expr, vars)
    if matrix is not None:
        return matrix.hessian(expr, vars, shapes=shapes, layout=layout)
    variables = _variables(vars)
    return jacobian(gradient(expr, variables), variables)
