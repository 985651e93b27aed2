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

import math
from collections.abc import Callable
from fractions import Fraction

from chainrule.symbolic.algebra import add, linear_combination, mul, mul_all, neg, power
from chainrule.symbolic.cse import count_ops
from chainrule.symbolic.expr import ADD, MUL, NUM, ONE, POW, SYM, Expr, Value, normalize, number
from chainrule.symbolic.functions import call
from chainrule.symbolic.traverse import rebuild, transform

__all__ = ["simplify"]

_ONE = ONE
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
    if not expr.args or not _may_apply_somewhere(expr):
        return expr
    candidate = transform([expr], _rewrite)[0]
    if candidate is expr:
        return expr
    for cse in (False, True):
        if count_ops([candidate], cse=cse) > count_ops([expr], cse=cse):
            return expr
    return candidate


_SQUARED = frozenset({"sin", "cos", "tan", "tanh", "sinh", "cosh", "abs"})


def _may_apply_somewhere(expr: Expr) -> bool:
    """Whether an identity might apply anywhere in ``expr``: a walk that stops at the first node it might
    apply to (most derivatives have none, and skip the pass)."""
    seen: set[Expr] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if _may_apply(node):
            return True
        for a in node.args:
            if a.args and a not in seen:
                seen.add(a)
                stack.append(a)
    return False


def _may_apply(node: Expr) -> bool:
    """Whether an identity might apply at ``node``: a quick test that lets most expressions skip the pass."""
    op = node.op
    if op is ADD:
        return (_any_base_shared(node.args) and _shared_bases(node) is not None) or sum(
            t.op == "piecewise" for t in node.args
        ) > 1
    if op is POW:
        base = node.args[0]
        return base.op in _SQUARED or base.op is POW
    if op is MUL:
        return _exponentials_or_sign(node.args)
    return op == "exp" and node.args[0].op is MUL


def _exponentials_or_sign(factors: tuple[Expr, ...]) -> bool:
    """Whether a product has two exponentials (or powers of one) or a sign factor (one loop, no calls)."""
    exponentials = 0
    for f in factors:
        op = f.op
        if op == "exp" or (op is POW and f.args[0].op == "exp"):
            exponentials += 1
        elif op == "sign":
            return True
    return exponentials > 1


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


def _sum(node: Expr) -> Expr | None:
    """The identities of sums, in turn: Pythagorean, pieces merged, common factors taken out."""
    result = _pythagorean(node)
    current = node if result is None else result
    for rule in (_merge_pieces, _factor):
        if current.op is not ADD:
            break
        found = rule(current)
        if found is not None:
            current = found
    return None if current is node else current


def _merge_pieces(node: Expr) -> Expr | None:
    """``a piecewise(c, p, q) + b piecewise(c, r, s) = piecewise(c, a p + b r, a q + b s)``: the derivative
    of a piecewise node comes one piece at a time (where's rules), and goes back together here."""
    merged: dict[Expr, tuple[list[tuple[Value, Expr]], list[tuple[Value, Expr]]]] = {}
    rest: list[tuple[Value, Expr]] = [(node.data[0], number(1))]
    for c, t in zip(node.data[1], node.args, strict=True):
        if t.op == "piecewise":
            chosen, p, q = t.args
            yes, no = merged.setdefault(chosen, ([], []))
            yes.append((c, p))
            no.append((c, q))
        else:
            rest.append((c, t))
    if all(len(yes) < 2 for yes, _ in merged.values()):
        return None
    for chosen, (yes, no) in merged.items():
        rest.append((1, call("piecewise", chosen, linear_combination(yes), linear_combination(no))))
    return linear_combination(rest)


def _term_powers(term: Expr) -> tuple[Value, dict[Expr, Expr]]:
    """A term as its coefficient and ``{base: exponent}``."""
    factors = term.args if term.op is MUL else (term,)
    coeff = term.data if term.op is MUL else 1
    return coeff, {f.args[0] if f.op is POW else f: f.args[1] if f.op is POW else _ONE for f in factors}


def _polynomial(base: Expr, exponent: Expr) -> bool:
    return base.op is SYM and exponent.op is NUM


def _any_base_shared(terms: tuple[Expr, ...]) -> bool:
    """Whether some base is a factor of every term: the quick test before :func:`_shared_bases`."""
    shared: set[Expr] | None = None
    for term in terms:
        bases = {f.args[0] if f.op is POW else f for f in (term.args if term.op is MUL else (term,))}
        shared = bases if shared is None else shared & bases
        if not shared:
            return False
    return True


def _shared_bases(node: Expr) -> set[Expr] | None:
    """The bases every term of a sum has, if one of them is more than a power of a symbol (else None):
    polynomials keep their expanded form, ``x^x + x^x log(x)`` does not."""
    if node.data[0] != 0 or len(node.args) < 2:
        return None
    shared: set[Expr] | None = None
    symbolic: set[Expr] = set()  # the shared symbols with an exponent that is not a number: x^x
    for term in node.args:
        bases = _term_powers(term)[1]
        shared = set(bases) if shared is None else shared & bases.keys()
        if not shared:
            return None
        symbolic.update(b for b, e in bases.items() if not _polynomial(b, e))
    if shared is None or all(b.op is SYM and b not in symbolic for b in shared):
        return None
    return shared


def _factor(node: Expr) -> Expr | None:
    """``a f g + b f h = f (a g + b h)`` for the factors ``f`` every term shares, and the coefficients'
    common divisor; a shared power is taken out to its least exponent: ``x^3 e^x + x e^x = x e^x (x^2 + 1)``.
    """
    shared = _shared_bases(node)
    if shared is None:
        return None
    terms = [_term_powers(t) for t in node.args]
    taken: dict[Expr, Expr] = {}
    for base in shared:
        exponents = [powers[base] for _, powers in terms]
        if all(e.op is NUM for e in exponents):
            taken[base] = number(min(e.data for e in exponents))
        elif all(e is exponents[0] for e in exponents):
            taken[base] = exponents[0]
    if all(_polynomial(b, e) for b, e in taken.items()):
        return None
    divisor = _common_divisor([c * k for c, k in zip(node.data[1], (c for c, _ in terms), strict=True)])
    inner = []
    for c, (k, powers) in zip(node.data[1], terms, strict=True):
        left = [power(b, e if b not in taken else add(e, neg(taken[b]))) for b, e in powers.items()]
        inner.append((normalize(c * k / divisor), mul_all(left)))
    common = [power(b, e) for b, e in taken.items()]
    return mul_all([number(divisor), *common, linear_combination(inner)])


def _common_divisor(coefficients: list[Value]) -> Value:
    """The greatest rational that divides every coefficient to an integer, negative when they all are (a
    sign taken from "the first" term would depend on the order of terms, which is by address)."""
    if any(type(c) is float for c in coefficients):
        return 1
    fractions = [Fraction(c) for c in coefficients]
    numerator = math.gcd(*(f.numerator for f in fractions))
    denominator = math.lcm(*(f.denominator for f in fractions))
    divisor = Fraction(numerator, denominator)
    return normalize(-divisor if all(f < 0 for f in fractions) else divisor)


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
    ADD: _sum,
    MUL: _products,
    POW: _powers,
    "exp": _exponential,
}
