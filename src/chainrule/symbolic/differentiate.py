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
from chainrule.symbolic.algebra import (
    add_all,
    base_index,
    linear_combination,
    mul,
    mul_replacing,
    mul_without,
)
from chainrule.symbolic.chains import LONG, Chains
from chainrule.symbolic.conditions import CONDITIONS
from chainrule.symbolic.expr import ADD, HALF, MUL, NUM, ONE, POW, ZERO, Expr, symbol
from chainrule.symbolic.functions import call, primitive
from chainrule.symbolic.simplify import simplify
from chainrule.symbolic.unknowns import APPLY, derivative_of
from chainrule.symbolic.variables import as_expression, as_variable, orders, ordinal, variable_list

__all__ = [
    "FACTORS_PER_NODE",
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
    "matrix_calculus",
    "power_primitive",
    "primitive_of",
    "repeated",
    "rule_result",
    "tangent",
]

Tangents = Sequence[Expr | None]
MAX_ORDER = 10_000
MAX_NODES = 20_000  # a repeated derivative that grows past this (and past twice the first) stops
# A derivative whose product rule would write more factors than this many times max_nodes stops before it
# starts: a product of k factors that all vary has k terms of k factors each (the second derivative of a
# composition 5,000 deep would be 25 million), which no node count sees coming.
FACTORS_PER_NODE = 25
SHORT_PRODUCT = 16  # factors: products up to this long are not counted (see _depending_on)


class _TooLarge(Exception):
    """Raised by :func:`_derivative` before it starts, with the number of factors it would write."""

    def __init__(self, factors: int) -> None:
        super().__init__(factors)
        self.factors = factors


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
        parts.append(_in_each_piece(te, lambda t: rule_result(ar.power_p, 1, t, node, base, exponent)))
    return parts


def _in_each_piece(t: Expr, make: Callable[[Expr], Expr]) -> Expr:
    """``make(t)``, taken into the pieces of a piecewise ``t``: a piece whose derivative is 0 stays an
    exact 0. (``d/dx y^v = y^v log(y) v'``: where ``v`` is piecewise and constant in a piece, ``log(y)`` may
    be undefined there, as for a negative ``y``, while ``y^v`` is defined; ``log(y) * 0`` would be NaN.)"""
    if t.op == "piecewise":
        chosen, value, other = t.args
        return call("piecewise", chosen, _in_each_piece(value, make), _in_each_piece(other, make))
    return t if t is ZERO else make(t)


def _product_rule(node: Expr, tangents: Tangents) -> list[Expr]:
    rule = forward_rule(ar.multiply_p, 0)  # d(f g) = df g, for each factor f and its cofactor g
    if rule is None:
        raise ChainruleValueError("multiply has no forward rule")
    factors = node.args
    return [rule(t, node, factors[i], mul_without(node, i)) for i, t in enumerate(tangents) if t is not None]


_T, _F, _G = symbol("_t"), symbol("_f"), symbol("_g")
_bilinear: dict[Any, bool] = {}


def _is_bilinear(rule: Callable[..., Expr] | None) -> bool:
    """Whether multiply's rule is ``d(f g) = df g`` exactly (asked of the rule itself, once per rule)."""
    known = _bilinear.get(rule)
    if known is None:
        known = _bilinear[rule] = rule is not None and rule(_T, _F * _G, _F, _G) is mul(_T, _G)
    return known


def _product_tangent(node: Expr, tangents: Tangents) -> Expr:
    """The product rule for ``c f1 f2 ... fk``: ``sum c dfi (the other factors)``.

    When multiply's rule is ``df g`` (checked on the rule), each term is built at once as one product and
    all go into one sum, without the cofactors and scaled products the rule would build as nodes on the
    way; otherwise the rule is called for each factor and its cofactor.
    """
    if not _is_bilinear(forward_rule(ar.multiply_p, 0)):
        return add_all(_product_rule(node, tangents))
    return linear_combination(_product_terms(node, tangents))


def _product_terms(node: Expr, tangents: Tangents) -> list[tuple[Any, Expr]]:
    """The product rule's terms ``(coefficient, product)`` for ``c f1 ... fk`` (multiply's rule is
    bilinear)."""
    coeff = node.data
    factors = node.args
    index = base_index(factors)
    pairs: list[tuple[Any, Expr]] = []
    for i, t in enumerate(tangents):
        if t is None:
            continue
        op = t.op
        if op is NUM:
            pairs.append((coeff * t.data, mul_replacing(factors, index, i, ())))
        elif op is MUL:
            pairs.append((coeff * t.data, mul_replacing(factors, index, i, t.args)))
        else:
            pairs.append((coeff, mul_replacing(factors, index, i, (t,))))
    return pairs


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
        return _product_tangent(node, tangents)
    if op == APPLY:
        # an unknown function: nothing is known of it but the chain rule, (f(u))' = f'(u) u'
        t = tangents[0]
        return ZERO if t is None else mul(derivative_of(node), t)
    parts = _power_rule(node, tangents) if op is POW else _function_rule(node, tangents)
    return parts[0] if len(parts) == 1 else add_all(parts)


def _depending_on(
    expr: Expr, var: Expr, known: dict[Expr, Expr | None]
) -> tuple[list[Expr], dict[Expr, int], int]:
    """The nodes of ``expr`` that depend on ``var``, children first, how many users each product has among
    them, and how many factors the product rule will write for the long products among them (one term of about
    ``len(args)`` factors for each factor that depends on ``var``; products up to ``SHORT_PRODUCT`` factors
    write at most its square each, as many in all as the expression's size allows, and are not counted).

    Subtrees free of ``var`` are skipped, and so are conditions: a condition is constant wherever it is
    defined, so the choice of a piece has no derivative. (Written out rather than with ``postorder``: every
    derivative walks its expression once.) Nodes whose derivative is ``known`` are not walked into."""
    seen: set[Expr] = set()
    users: dict[Expr, int] = {}
    order: list[Expr] = []
    factors = 0
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        if node in known:
            continue
        args = node.args[1:] if node.op == "piecewise" else node.args
        for a in reversed(args):
            if var in a._free:
                if a.op is MUL:  # (the users of products alone are asked for, by _handed_to_sums)
                    users[a] = users.get(a, 0) + 1
                if a not in seen:
                    stack.append((a, False))
        if len(args) > SHORT_PRODUCT and node.op is MUL:  # (rare: a second pass costs less than a count)
            factors += len(args) * sum(1 for a in args if var in a._free)
    return order, users, factors


def derivative(expr: Expr, var: Expr) -> Expr:
    """The first derivative of ``expr`` in the symbol ``var``, in canonical form but not simplified."""
    return _derivative(expr, var)[0]


Terms = list[tuple[Any, Expr]]


def _derivative(
    expr: Expr,
    var: Expr,
    known: dict[Expr, Expr | None] | None = None,
    max_factors: int | None = None,
    products: dict[Expr, Terms] | None = None,
) -> tuple[Expr, int]:
    """The first derivative, and how many nodes of ``expr`` depend on ``var`` (the work it took).

    ``known`` holds derivatives by ``var`` found before (by the earlier derivatives of a repeated one, whose
    expressions share most of their factors) and receives the new ones. ``products`` does the same for the
    product rule's terms of the products handed to sums: a repeated derivative meets the same products in
    round after round (a sum holds its terms as products with coefficient 1, the numbers apart: ``x sin(x)``
    is a term of the 3rd derivative with 3, and of the 4th with 5). With ``max_factors``, raises
    :class:`_TooLarge` before any work if the product rule would write more factors than that.
    """
    if var not in expr.free_symbols:
        return ZERO, 0
    if expr.op in CONDITIONS:
        raise ChainruleTypeError(f"{expr} is a condition, not a number: it has no derivative")
    # node -> its derivative, None for 0 (as tangent() takes them); kept across the rounds of repeated()
    tangents: dict[Expr, Expr | None] = {} if known is None else known
    tangents[var] = ONE
    nodes, users, factors = _depending_on(expr, var, tangents)
    if max_factors is not None and factors > max_factors:
        raise _TooLarge(factors)
    handed = _handed_to_sums(nodes, users, expr)
    terms: dict[Expr, list[tuple[Any, Expr]]] = {}  # the product rule's terms of the products in handed
    chains = Chains(tangents, tangent)
    pending = chains.pending
    for node in nodes:
        if node in tangents:
            continue
        get = chains.get if pending else tangents.get  # (a dictionary's get while no chain is pending)
        if node in handed:
            terms[node] = _handed_terms(node, get, products)
            continue
        if node.op is ADD and terms:  # (products handed to the sum vary, though no derivative says so)
            t = _sum_tangent(node, chains, terms)
        elif pending:
            if chains.extend(node):
                continue
            t = tangent(node, [get(a) for a in node.args])
        else:
            given = [get(a) for a in node.args]
            if _starts_chain(given) and chains.extend(node):
                continue
            t = tangent(node, given)
        tangents[node] = None if t is ZERO else t
    result = chains.get(expr)
    return (ZERO if result is None else result), len(nodes)


def _handed_terms(
    node: Expr, get: Callable[[Expr], Expr | None], products: dict[Expr, Terms] | None
) -> Terms:
    """The product rule's terms of a product handed to a sum, found in ``products`` when an earlier round
    met the same product (and kept there)."""
    unit = None if products is None else products.get(node)
    if unit is None:
        unit = _product_terms(node, [get(a) for a in node.args])
        if products is not None:
            products[node] = unit
    return unit


def _starts_chain(given: list[Expr | None]) -> bool:
    """Whether one argument's derivative alone is given, and it is a long product (see :mod:`.chains`)."""
    found = None
    for t in given:  # (a loop, no list: this runs at every node of every derivative)
        if t is not None:
            if found is not None:
                return False
            found = t
    return found is not None and found.op is MUL and len(found.args) >= LONG


def _handed_to_sums(nodes: list[Expr], users: dict[Expr, int], root: Expr) -> set[Expr]:
    """The products whose only user is a sum: their terms go straight into the sum's derivative, so their
    own derivative is never built as a node (the expanded polynomial, the terms of a high derivative)."""
    if not _is_bilinear(forward_rule(ar.multiply_p, 0)):
        return set()
    return {
        a
        for node in nodes
        if node.op is ADD
        for a in node.args
        if a.op is MUL and users.get(a) == 1 and a is not root
    }


def _sum_tangent(node: Expr, tangents: Chains, terms: dict[Expr, list[tuple[Any, Expr]]]) -> Expr:
    """The sum rule, with the terms handed over by products (see :func:`_handed_to_sums`)."""
    pairs: list[tuple[Any, Expr]] = []
    for c, a in zip(node.data[1], node.args, strict=True):
        handed = terms.pop(a, None)
        if handed is not None:
            pairs += [(c * k, u) for k, u in handed]
        else:
            t = tangents.get(a)
            if t is not None:
                pairs.append((c, t))
    return linear_combination(pairs)


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


def repeated(expr: Expr, var: Expr, times: int, max_order: int, max_nodes: int) -> Expr:
    """The ``times``-th derivative by ``var``, unsimplified: stops at 0, and where the derivatives repeat
    (``exp(x)`` at once, ``sin(x)`` every fourth) it reads the answer off the cycle."""
    seen: dict[Expr, int] = {expr: 0}
    history = [expr]
    first_size = 0
    known: dict[Expr, Expr | None] = {}  # derivatives of nodes met in earlier rounds (they share many)
    # and the product rule's terms of their products (a single derivative meets each product once)
    products: dict[Expr, Terms] | None = {} if times > 1 else None
    for k in range(1, times + 1):
        if k > max_order:
            raise ChainruleValueError(
                f"stopped at the {ordinal(max_order)} derivative in {var}: the derivatives of "
                f"{_short(history[0])} neither vanish nor repeat, and {times} exceeds the limit "
                f"max_order={max_order} (pass a larger max_order= to go on)"
            )
        try:
            expr, size = _derivative(expr, var, known, FACTORS_PER_NODE * max_nodes, products)
        except _TooLarge as big:
            raise _too_large(k, var, history[0], big, max_nodes) from None
        if k == 1:
            first_size = size
        elif size > max_nodes and size > 2 * first_size:  # grown, not merely large (an expanded polynomial)
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


def _too_large(k: int, var: Expr, expr: Expr, big: _TooLarge, max_nodes: int) -> ChainruleValueError:
    return ChainruleValueError(
        f"stopped before the {ordinal(k)} derivative in {var} of {_short(expr)}: the product rule would "
        f"write {big.factors:,} factors (the limit is {FACTORS_PER_NODE} per node of max_nodes={max_nodes}; "
        "pass a larger max_nodes= to go on)"
    )


def _short(expr: Expr) -> str:
    text = str(expr) if len(expr.free_symbols) < 50 else "the expression"
    return text if len(text) <= 60 else text[:57] + "..."


def diff(
    expr: Expr | str,
    *variables: Any,
    n: int = 1,
    max_order: int = MAX_ORDER,
    max_nodes: int = MAX_NODES,
    shapes: Any = None,
    layout: str = "mixed",
) -> Any:
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
        Limits for repeated derivatives that neither vanish nor repeat: at most ``max_order`` of them
        (10,000), and none taken of a derivative that has grown past ``max_nodes`` nodes (20,000) and
        twice the size of the first (``x^x`` grows so at its 50th). A derivative that becomes 0 stops at
        once (``diff("x", "x", n=10**8)`` is 0), and so does one that repeats (``exp(x)``, ``sin(x)``).

    Notes
    -----
    With ``shapes=`` (``{"x": "n", "A": ("n", "n")}``), or for a matrix expression, the variables are
    vectors and matrices and the derivative is laid out in ``layout`` ("mixed", "numerator",
    "denominator"); see :mod:`chainrule.symbolic.matrix`.

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
    >>> sym.diff("x' A x", "x", shapes={"x": "n", "A": ("n", "n")})
    (A + A') x
    """
    matrix = matrix_calculus(shapes, expr, *variables)
    if matrix is not None:
        var = variables[0] if len(variables) == 1 else variables
        return matrix.diff(expr, var if variables else None, shapes=shapes, layout=layout, n=n)
    e = as_expression(expr)
    if not variables and not e.free_symbols:
        return e if n == 0 else ZERO  # the derivative of a constant
    for v, times in orders(e, variables, n):
        e = repeated(e, v, times, max_order, max_nodes)
        if e is ZERO:
            return ZERO
    return simplify(e)


def _first(e: Expr, v: Expr, max_nodes: int) -> Expr:
    if v not in e.free_symbols:
        return ZERO
    try:
        return simplify(_derivative(e, v, None, FACTORS_PER_NODE * max_nodes)[0])
    except _TooLarge as big:
        raise _too_large(1, v, e, big, max_nodes) from None


def gradient(
    expr: Expr | str, vars: Any, *, shapes: Any = None, layout: str = "mixed", max_nodes: int = MAX_NODES
) -> Any:
    """The partial derivatives of a scalar expression, one per variable (of matrix expressions, with
    ``shapes=``: see :mod:`chainrule.symbolic.matrix`).

    ``max_nodes`` bounds the work as in :func:`diff`: a product rule that would write more than
    ``FACTORS_PER_NODE * max_nodes`` factors raises instead of running for minutes.

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
    return [_first(e, v, max_nodes) for v in variable_list(vars)]


def jacobian(
    exprs: Any, vars: Any, layout: str = "mixed", *, shapes: Any = None, max_nodes: int = MAX_NODES
) -> Any:
    """The matrix of first derivatives: row ``i`` is the gradient of ``exprs[i]`` (mixed layout, which for
    scalars is numerator layout too).

    ``layout="denominator"`` gives the transpose, one row per variable (DESIGN.md's layouts). A matrix
    expression, or text with ``shapes=``, is differentiated by :mod:`chainrule.symbolic.matrix`.
    ``max_nodes`` bounds the work as in :func:`gradient`.

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
    variables = variable_list(vars)
    rows = [[_first(e, v, max_nodes) for v in variables] for e in (as_expression(x) for x in exprs)]
    if layout == "denominator":
        return [list(column) for column in zip(*rows, strict=True)] if rows else []
    return rows


def hessian(
    expr: Expr | str, vars: Any, *, shapes: Any = None, layout: str = "mixed", max_nodes: int = MAX_NODES
) -> Any:
    """The matrix of second derivatives of a scalar expression (of a matrix expression, with ``shapes=``:
    the derivative of its gradient, see :mod:`chainrule.symbolic.matrix`). ``max_nodes`` bounds the work
    as in :func:`gradient`.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.hessian("x^2 y", "x y")
    [[2*y, 2*x], [2*x, 0]]
    """
    matrix = matrix_calculus(shapes, expr, vars)
    if matrix is not None:
        return matrix.hessian(expr, vars, shapes=shapes, layout=layout)
    variables = variable_list(vars)
    return jacobian(gradient(expr, variables, max_nodes=max_nodes), variables, max_nodes=max_nodes)
