"""The differential ``d f`` of a matrix expression: a linear expression in ``dX``, rule by rule.

Each kind of node has one rule, written once here and used both by :func:`differential` (which fills in
the parts' differentials) and by the explanations (which show the rule with ``d(U)`` for the parts):

- linearity: ``d(U + V) = dU + dV``, ``d(Uᵀ) = dUᵀ``, ``d tr U = tr dU``, ``d sum U = sum dU``, diag, vec;
- the product rule: ``d(U V) = dU V + U dV`` for matrix, elementwise, scaling and Kronecker products;
- ``d(U⁻¹) = -U⁻¹ dU U⁻¹``, ``d(Uᵏ) = Σ Uⁱ dU Uᵏ⁻¹⁻ⁱ``, Jacobi's ``d det U = det U tr(U⁻¹ dU)``,
  ``d log|det U| = tr(U⁻¹ dU)``, ``d‖u‖ = uᵀ du / ‖u‖``, softmax and logsumexp;
- the elementwise chain rule ``d f(U) = f′(U) ⊙ dU``, with ``f′`` the forward rule of ``f``'s row in the
  core rule table (:mod:`.elementwise`), the power rule included (``power``'s row).

Examples
--------
>>> from chainrule.symbolic.matrix import parse
>>> shapes = {"x": "n", "A": "n,n", "X": "n,n", "B": "n,n"}
>>> x, X = parse("x", shapes), parse("X", shapes)
>>> differential(parse("x' A x", shapes), x)
x' A dx + x' A' dx
>>> differential(parse("tr(A X B)", shapes), X)
tr(A dX B)
>>> differential(parse("tanh(A x)", shapes), x)
(1 - tanh(A x).^2) .* (A dx)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chainrule.core.rules import arithmetic as ar
from chainrule.errors import ChainruleValueError
from chainrule.symbolic.expr import ONE
from chainrule.symbolic.matrix import functions as fn
from chainrule.symbolic.matrix.algebra import (
    differential_of,
    kron,
    linear,
    matmul_all,
    matrix_power,
    mul_all,
    number,
    power,
    transpose,
    zeros,
)
from chainrule.symbolic.matrix.elementwise import (
    _PLACEHOLDERS,
    apply_function,
    derivative_formulas,
    from_scalar,
    statement_of,
)
from chainrule.symbolic.matrix.nodes import MatExpr, postorder

__all__ = ["Rule", "apply_rule", "differential", "differentials", "rule_of"]

Differentials = Callable[[int], MatExpr | None]


@dataclass(frozen=True)
class Rule:
    """A rule of differentials: its name and general statement, for explanations."""

    name: str
    statement: str


def _sum(parts: list[MatExpr]) -> MatExpr | None:
    return linear([(1, p) for p in parts]) if parts else None


def _add(node: MatExpr, d: Differentials) -> MatExpr | None:
    pairs = [(c, d(i)) for i, c in enumerate(node.data[1])]
    return _sum([mul_all([number(c), t]) for c, t in pairs if t is not None])


def _mul(node: MatExpr, d: Differentials) -> MatExpr | None:
    parts = []
    for i in range(len(node.args)):
        di = d(i)
        if di is not None:
            others = [a for j, a in enumerate(node.args) if j != i]
            parts.append(mul_all([number(node.data), *others, di]))
    return _sum(parts)


def _matmul(node: MatExpr, d: Differentials) -> MatExpr | None:
    parts = []
    for i in range(len(node.args)):
        di = d(i)
        if di is not None:
            parts.append(matmul_all([*node.args[:i], di, *node.args[i + 1 :]]))
    return _sum(parts)


def _mpow(node: MatExpr, d: Differentials) -> MatExpr | None:
    dx = d(0)
    if dx is None:
        return None
    base, k = node.args[0], node.data
    if k < 0:  # U^k = (U^-1)^|k| and d(U^-1) = -U^-1 dU U^-1
        inverse = matrix_power(base, -1)
        dx = mul_all([number(-1), matmul_all([inverse, dx, inverse])])
        base, k = inverse, -k
    return _sum([matmul_all([matrix_power(base, i), dx, matrix_power(base, k - 1 - i)]) for i in range(k)])


def _pow(node: MatExpr, d: Differentials) -> MatExpr | None:
    placeholders = _PLACEHOLDERS[:2]
    template = placeholders[0] ** placeholders[1]
    parts = []
    for i in range(2):
        di = d(i)
        rule = ar.power_p.jvp[i] if ar.power_p.jvp is not None else None
        if di is not None and rule is not None:
            derivative = from_scalar(rule(ONE, template, *placeholders), node.args)
            parts.append(mul_all([derivative, di]))
    return _sum(parts)


def _function(node: MatExpr, d: Differentials) -> MatExpr | None:
    formulas = derivative_formulas(node.data, len(node.args))
    parts = []
    for i, formula in enumerate(formulas):
        di = d(i)
        if di is not None and formula is not None:
            parts.append(mul_all([from_scalar(formula, node.args), di]))
    if not parts and any(d(i) is not None for i in range(len(node.args))):
        return zeros(node.shape, node.row)  # sign, heaviside: derivative 0 (away from the jump)
    return _sum(parts)


def _unary(make: Callable[[MatExpr, MatExpr], MatExpr]) -> Callable[[MatExpr, Differentials], MatExpr | None]:
    def rule(node: MatExpr, d: Differentials) -> MatExpr | None:
        du = d(0)
        return None if du is None else make(node.args[0], du)

    return rule


def _norm(u: MatExpr, du: MatExpr) -> MatExpr:
    inner = matmul_all([transpose(u), du]) if u.ndim == 1 else fn.trace(matmul_all([transpose(u), du]))
    return mul_all([inner, power(fn.norm2(u), number(-1))])


def _softmax(u: MatExpr, du: MatExpr) -> MatExpr:
    s = fn.softmax(u)
    return linear([(1, mul_all([s, du])), (-1, matmul_all([s, transpose(s), du]))])


def _logsumexp(u: MatExpr, du: MatExpr) -> MatExpr:
    if u.ndim == 1:
        return matmul_all([transpose(fn.softmax(u)), du])
    weights = mul_all(
        [apply_function("exp", [u]), apply_function("exp", [mul_all([number(-1), fn.logsumexp(u)])])]
    )
    return fn.total(mul_all([weights, du]))


def _kron(node: MatExpr, d: Differentials) -> MatExpr | None:
    a, b = node.args
    da, db = d(0), d(1)
    return _sum(([kron(da, b)] if da is not None else []) + ([kron(a, db)] if db is not None else []))


def _einsum(node: MatExpr, d: Differentials) -> MatExpr | None:
    parts = []
    for i in range(len(node.args)):
        di = d(i)
        if di is not None:
            parts.append(fn.einsum(node.data, *node.args[:i], di, *node.args[i + 1 :]))
    return _sum(parts)


_RULES: dict[str, tuple[Callable[[MatExpr, Differentials], MatExpr | None], Rule]] = {
    "add": (_add, Rule("linearity of the differential", "d(U + V) = dU + dV, d(c U) = c dU")),
    "mul": (_mul, Rule("product rule", "d(U ⊙ V) = dU ⊙ V + U ⊙ dV; d(s U) = ds U + s dU")),
    "matmul": (_matmul, Rule("product rule", "d(U V) = dU V + U dV")),
    "mpow": (_mpow, Rule("inverse rule", "d(U⁻¹) = -U⁻¹ dU U⁻¹")),
    "pow": (_pow, Rule("power rule, elementwise", "d(U.^p) = p U.^(p-1) ⊙ dU")),
    "fn": (_function, Rule("elementwise chain rule", "d f(U) = f′(U) ⊙ dU")),
    "T": (_unary(lambda u, du: transpose(du)), Rule("linearity of the differential", "d(Uᵀ) = (dU)ᵀ")),
    "tr": (_unary(lambda u, du: fn.trace(du)), Rule("linearity of the differential", "d tr(U) = tr(dU)")),
    "sum": (_unary(lambda u, du: fn.total(du)), Rule("linearity of the differential", "d sum(U) = sum(dU)")),
    "diagm": (
        _unary(lambda u, du: fn.diag(du)),
        Rule("linearity of the differential", "d diag(u) = diag(du)"),
    ),
    "diagv": (
        _unary(lambda u, du: fn.diag(du)),
        Rule("linearity of the differential", "d diag(U) = diag(dU)"),
    ),
    "vec": (_unary(lambda u, du: fn.vec(du)), Rule("linearity of the differential", "d vec(U) = vec(dU)")),
    "det": (
        _unary(lambda u, du: mul_all([fn.det(u), fn.trace(matmul_all([fn.inverse(u), du]))])),
        Rule("Jacobi's formula", "d det(U) = det(U) tr(U⁻¹ dU)"),
    ),
    "logdet": (
        _unary(lambda u, du: fn.trace(matmul_all([fn.inverse(u), du]))),
        Rule("log-determinant rule", "d log|det(U)| = tr(U⁻¹ dU)"),
    ),
    "norm2": (_unary(_norm), Rule("norm rule", "d‖u‖ = uᵀ du / ‖u‖; d‖U‖_F = tr(Uᵀ dU) / ‖U‖_F")),
    "softmax": (_unary(_softmax), Rule("softmax rule", "d s = s ⊙ du - s (sᵀ du), s = softmax(u)")),
    "lse": (_unary(_logsumexp), Rule("logsumexp rule", "d logsumexp(u) = softmax(u)ᵀ du")),
    "kron": (_kron, Rule("product rule", "d(U ⊗ V) = dU ⊗ V + U ⊗ dV")),
    "einsum": (_einsum, Rule("product rule", "an einsum is linear in each operand")),
}
_POWER = Rule("power rule, matrix", "d(Uᵏ) = Σᵢ Uⁱ dU Uᵏ⁻¹⁻ⁱ")


def rule_of(node: MatExpr) -> Rule:
    """The rule that differentiates ``node`` (its name from the row for elementwise functions)."""
    if node.op == "mpow" and node.data > 0:
        return _POWER
    if node.op == "fn":
        name, notation = statement_of(node.data)
        statement = "d f(U) = f′(U) ⊙ dU" + (f", where {notation}" if notation else "")
        return Rule(f"elementwise chain rule ({name})", statement)
    if node.op == "pow":
        prim = ar.power_p
        return Rule("power rule, elementwise", f"d(U.^p) = p U.^(p-1) ⊙ dU [{prim.notation}]")
    return _RULES[node.op][1]


def apply_rule(node: MatExpr, d: Differentials) -> MatExpr | None:
    """``d(node)`` from the differentials of its operands (``d(i)``, None where an operand is constant)."""
    found = _RULES.get(node.op)
    if found is None:
        raise ChainruleValueError(f"{node} ({node.op}) has no differential rule")
    return found[0](node, d)


def differential(expr: MatExpr, var: MatExpr) -> MatExpr:
    """``d expr``, linear in ``d var`` (the exact zero of ``expr``'s shape if it is constant)."""
    return differentials(expr, var).get(expr, zeros(expr.shape, expr.row))


def differentials(expr: MatExpr, var: MatExpr) -> dict[MatExpr, MatExpr]:
    """The differential of every node of ``expr`` that depends on ``var`` (nonzero ones only)."""
    dvar = differential_of(var)
    done: dict[MatExpr, MatExpr] = {var: dvar}

    def children(node: MatExpr) -> list[MatExpr]:
        return [a for a in node.args if var in a.free_symbols]

    for node in postorder([expr], children):
        if node is var or var not in node.free_symbols:
            continue
        found = apply_rule(node, lambda i, node=node: done.get(node.args[i]))  # type: ignore[misc]
        if found is not None and found.op != "zero" and not (found.op == "num" and found.data == 0):
            done[node] = found
    return done
