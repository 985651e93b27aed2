"""Simplification that never returns a larger expression.

Every expression is already in canonical form (flattened, like terms collected, powers merged, numbers
folded: :mod:`chainrule.symbolic.algebra`). :func:`simplify` adds identities, applied bottom-up in one pass:

- ``sin²u + cos²u = 1``, ``1 + tan²u = 1/cos²u``, ``1 - tanh²u = 1/cosh²u``, ``cosh²u - sinh²u = 1``, also
  with a common factor (``x sin²u + x cos²u = x``);
- ``e^a e^b = e^(a+b)``, ``e^(n log u) = u^n``;
- ``sign(u) |u| = u``, ``sqrt(u²) = |u|``, ``|u|^(2k) = u^(2k)``.

All of them hold for every real value where the original is defined. The result is kept only if it has no
more operations than the input (:func:`~chainrule.symbolic.cse.count_ops`, with and without sharing), so
simplification never grows an expression.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from chainrule.symbolic.algebra import linear_combination, mul, mul_all, power
from chainrule.symbolic.cse import count_ops
from chainrule.symbolic.expr import ADD, MUL, NUM, POW, Expr, Value, number
from chainrule.symbolic.functions import call
from chainrule.symbolic.traverse import postorder, rebuild, transform

__all__ = ["simplify"]

_TWO = number(2)
_MINUS_TWO = number(-2)


def simplify(expr: Expr) -> Expr:
    """A form of ``expr`` with no more operations, using identities valid for all real arguments.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> simplify(sym.parse("3 sin(x)^2 + 3 cos(x)^2"))
    3
    >>> simplify(sym.parse("exp(x) * exp(2y) * (1 + tan(x)^2)"))
    exp(x + 2*y)/cos(x)^2
    >>> simplify(sym.parse("sqrt(x^2) * sign(x) + exp(3 log(x))"))
    x^3 + x
    """
    if not expr.args or not any(_may_apply(node) for node in postorder([expr])):
        return expr
    candidate = transform([expr], _rewrite)[0]
    if candidate is expr:
        return expr
    for cse in (False, True):
        if count_ops([candidate], cse=cse) > count_ops([expr], cse=cse):
            return expr
    return candidate


_SQUARED = frozenset({"sin", "cos", "tan", "tanh", "sinh", "cosh", "abs"})


def _may_apply(node: Expr) -> bool:
    """Whether an identity might apply at ``node``: a quick test that lets most expressions skip the pass."""
    op = node.op
    if op is POW:
        base = node.args[0]
        return base.op in _SQUARED or base.op is POW
    if op is MUL:
        return sum(f.op == "exp" or (f.op is POW and f.args[0].op == "exp") for f in node.args) > 1 or any(
            f.op == "sign" for f in node.args
        )
    return op == "exp" and node.args[0].op is MUL


def _rewrite(node: Expr, args: list[Expr]) -> Expr | None:
    if any(new is not old for new, old in zip(args, node.args, strict=True)):
        node = rebuild(node, args)
    rule = _RULES.get(node.op)
    result = rule(node) if rule is not None else None
    return node if result is None else result


# ---------------------------------------------------------------------------------------- sums


def _squares(term: Expr) -> list[tuple[str, Expr, Expr]]:
    """``(function, argument, cofactor)`` for each factor ``f(u)^n`` (n >= 2) of a term: term = f(u)^2 R."""
    factors = term.args if term.op is MUL else (term,)
    out = []
    for f in factors:
        if f.op is POW and f.args[1].op is NUM and f.args[1].data >= 2:
            inner = f.args[0]
            if inner.op in _PARTNERS:
                out.append((inner.op, inner.args[0], mul(term, power(inner, _MINUS_TWO))))
    return out


def _sin_cos(u: Expr, rest: Expr, c: Value, coeffs: dict[Expr, Value]) -> tuple[Expr, Value, Expr] | None:
    partner = mul(rest, power(call("cos", u), _TWO))
    return (partner, c, rest) if coeffs.get(partner) == c else None


def _cos_sin(u: Expr, rest: Expr, c: Value, coeffs: dict[Expr, Value]) -> tuple[Expr, Value, Expr] | None:
    partner = mul(rest, power(call("sin", u), _TWO))
    return (partner, c, rest) if coeffs.get(partner) == c else None


def _cosh(u: Expr, rest: Expr, c: Value, coeffs: dict[Expr, Value]) -> tuple[Expr, Value, Expr] | None:
    partner = mul(rest, power(call("sinh", u), _TWO))
    return (partner, c, rest) if coeffs.get(partner) == -c else None


def _tan(u: Expr, rest: Expr, c: Value, coeffs: dict[Expr, Value]) -> tuple[Expr, Value, Expr] | None:
    return (rest, c, mul(rest, power(call("cos", u), _MINUS_TWO))) if coeffs.get(rest) == c else None


def _tanh(u: Expr, rest: Expr, c: Value, coeffs: dict[Expr, Value]) -> tuple[Expr, Value, Expr] | None:
    return (rest, -c, mul(rest, power(call("cosh", u), _MINUS_TWO))) if coeffs.get(rest) == -c else None


def _sinh(u: Expr, rest: Expr, c: Value, coeffs: dict[Expr, Value]) -> tuple[Expr, Value, Expr] | None:
    partner = mul(rest, power(call("cosh", u), _TWO))
    return (partner, -c, rest) if coeffs.get(partner) == -c else None


# For a term c R f(u)^2: the partner term that completes an identity, and what the pair becomes.
_PARTNERS: dict[str, Callable[[Expr, Expr, Value, dict[Expr, Value]], tuple[Expr, Value, Expr] | None]] = {
    "sin": _sin_cos,
    "cos": _cos_sin,
    "tan": _tan,
    "cosh": _cosh,
    "tanh": _tanh,
    "sinh": _sinh,
}


def _pythagorean(node: Expr) -> Expr | None:
    const, cs = node.data
    coeffs: dict[Expr, Value] = dict(zip(node.args, cs, strict=True))
    if const != 0:
        coeffs[number(1)] = const
    changed = False
    for term in list(coeffs):
        c = coeffs.get(term)
        if c is None:
            continue
        for name, u, rest in _squares(term):
            match = _PARTNERS[name](u, rest, c, coeffs)
            if match is not None and match[0] is not term:
                partner, kept, result = match
                del coeffs[term], coeffs[partner]
                coeffs[result] = coeffs.get(result, 0) + kept
                changed = True
                break
    return linear_combination((c, t) for t, c in coeffs.items()) if changed else None


# ---------------------------------------------------------------------------------------- products


def _products(node: Expr) -> Expr | None:
    exponents: list[Expr] = []
    others: list[Expr] = []
    signs: set[Expr] = set()
    for f in node.args:
        base, n = (f.args[0], f.args[1]) if f.op is POW else (f, number(1))
        if base.op == "exp" and n.op is NUM and type(n.data) is int:
            exponents.append(mul(n, base.args[0]))
        else:
            others.append(f)
        if f.op == "sign":
            signs.add(f.args[0])
    if len(exponents) >= 2:
        return mul_all(
            [number(node.data), call("exp", linear_combination((1, e) for e in exponents)), *others]
        )
    absolute = [f for f in node.args if f.op == "abs" and f.args[0] in signs]
    if absolute:
        u = absolute[0].args[0]
        rest = [f for f in node.args if f is not absolute[0] and not (f.op == "sign" and f.args[0] is u)]
        return mul_all([number(node.data), u, *rest])
    return None


def _powers(node: Expr) -> Expr | None:
    base, exponent = node.args
    if exponent.op is not NUM:
        return None
    n = exponent.data
    if base.op is POW and base.args[1] is _TWO and type(n) is Fraction and n.denominator == 2:
        return power(call("abs", base.args[0]), number(2 * n))  # sqrt(u^2) = |u|
    if base.op == "abs" and type(n) is int and n % 2 == 0:
        return power(base.args[0], exponent)
    return None


def _exponential(node: Expr) -> Expr | None:
    u = node.args[0]
    if u.op is MUL and len(u.args) == 1 and u.args[0].op == "log":
        return power(u.args[0].args[0], number(u.data))  # e^(n log v) = v^n
    return None


_RULES: dict[str, Callable[[Expr], Expr | None]] = {
    ADD: _pythagorean,
    MUL: _products,
    POW: _powers,
    "exp": _exponential,
}
