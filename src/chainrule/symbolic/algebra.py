"""Sums, products and powers in canonical form, the automatic simplification every expression gets.

A sum is flattened and its like terms are collected (``x + 2x = 3x``); a product is flattened, its powers of
one base are merged (``x^2 * x^-1/2 = x^3/2``) and numbers are folded into one coefficient; a number times a
sum is distributed (``2(x + 1) = 2x + 2``), as is an integer power of a product. ``(x^a)^n = x^(an)`` only for
an integer ``n`` (``(x^2)^(1/2)`` is ``|x|``, not ``x``). These rules never make an expression larger.

Arguments are sorted by identity to build the hash-consing key: the key is canonical, and printers sort by
structure for a deterministic output.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any

from chainrule.symbolic.expr import (
    ADD,
    MUL,
    NUM,
    ONE,
    POW,
    ZERO,
    E,
    Expr,
    Value,
    as_float,
    cons,
    normalize,
    number,
    plus,
    times,
)
from chainrule.symbolic.functions import call

__all__ = [
    "add",
    "add_all",
    "base_index",
    "linear_combination",
    "mul",
    "mul_all",
    "mul_factors",
    "mul_replacing",
    "mul_without",
    "neg",
    "power",
    "scale",
]

# Exact powers are folded only while the result stays below this many bits (2^10^10 stays a power).
_MAX_BITS = 12_000


def _by_id(pair: tuple[Expr, Any]) -> int:
    return id(pair[0])


# ---------------------------------------------------------------------------------------- sums


def add(*terms: Expr) -> Expr:
    """The canonical sum of ``terms``."""
    if len(terms) == 2:
        a, b = terms
        if a.op is NUM and b.op is NUM:
            return number(plus(a.data, b.data))
        if b is ZERO:
            return a
        if a is ZERO:
            return b
    return add_all(terms)


def add_all(terms: Iterable[Expr]) -> Expr:
    """The canonical sum of any number of terms."""
    return linear_combination((1, t) for t in terms)


def linear_combination(pairs: Iterable[tuple[Value, Expr]]) -> Expr:
    """The canonical form of ``sum(c * t for c, t in pairs)``, without building the products ``c * t``."""
    items = pairs if type(pairs) is list else list(pairs)
    const: Value = 0
    coeffs: dict[Expr, Value] = {}
    get = coeffs.get
    try:
        for c, a in items:  # the hot path of differentiation: the operators themselves, inlined
            op = a.op
            if op is NUM:
                const += c * a.data
            elif op is ADD:
                c0, cs = a.data
                const += c * c0
                for t, ct in zip(a.args, cs, strict=True):
                    coeffs[t] = get(t, 0) + c * ct
            elif op is MUL and a.data != 1:
                t = _unit(a.args)
                coeffs[t] = get(t, 0) + c * a.data
            else:
                coeffs[a] = get(a, 0) + c
    except OverflowError:  # an exact number past float64 met a float: NumPy's arithmetic (inf), not Python's
        return _float_combination(items)
    return _make_add(const, coeffs)


def _float_combination(pairs: list[tuple[Value, Expr]]) -> Expr:
    """:func:`linear_combination` with :func:`~chainrule.symbolic.expr.plus` and ``times``."""
    const: Value = 0
    coeffs: dict[Expr, Value] = {}
    get = coeffs.get
    for c, a in pairs:
        op = a.op
        if op is NUM:
            const = plus(const, times(c, a.data))
        elif op is ADD:
            c0, cs = a.data
            const = plus(const, times(c, c0))
            for t, ct in zip(a.args, cs, strict=True):
                coeffs[t] = plus(get(t, 0), times(c, ct))
        elif op is MUL and a.data != 1:
            t = _unit(a.args)
            coeffs[t] = plus(get(t, 0), times(c, a.data))
        else:
            coeffs[a] = plus(get(a, 0), c)
    return _make_add(const, coeffs)


def _unit(factors: tuple[Expr, ...]) -> Expr:
    """The product of canonical ``factors`` with coefficient 1 (they are already sorted and merged)."""
    if len(factors) == 1:
        return factors[0]
    return cons(MUL, factors, 1, (MUL, 1, factors))


def _make_add(const: Value, coeffs: dict[Expr, Value]) -> Expr:
    items = [(t, c if type(c) is int else normalize(c)) for t, c in coeffs.items() if c != 0]
    const = normalize(const)
    if not items:
        return number(const)
    if len(items) == 1 and const == 0:
        t, c = items[0]
        return t if c == 1 else scale(c, t)
    items.sort(key=_by_id)
    terms = tuple(t for t, _ in items)
    cs = tuple(c for _, c in items)
    return cons(ADD, terms, (const, cs), (ADD, const, terms, cs))


def neg(a: Expr) -> Expr:
    """``-a``."""
    return scale(-1, a)


def scale(c: Value, a: Expr) -> Expr:
    """``c * a`` for a number ``c``."""
    try:
        return _scale(c, a, operator.mul)
    except OverflowError:  # an exact number past float64 met a float (see linear_combination)
        return _scale(c, a, times)


def _scale(c: Value, a: Expr, mul_: Callable[[Any, Any], Any]) -> Expr:
    if c == 1:
        return a
    op = a.op
    if op is NUM:
        return number(mul_(c, a.data))
    if c == 0:
        return ZERO
    if op is ADD:
        const, cs = a.data
        return _make_add(mul_(c, const), dict(zip(a.args, [mul_(c, k) for k in cs], strict=True)))
    if op is MUL:
        coeff = normalize(mul_(c, a.data))
        if coeff == 1:
            return _unit(a.args)
        return cons(MUL, a.args, coeff, (MUL, coeff, a.args))
    coeff = normalize(c)
    return cons(MUL, (a,), coeff, (MUL, coeff, (a,)))


# ---------------------------------------------------------------------------------------- products


def mul(*factors: Expr) -> Expr:
    """The canonical product of ``factors``."""
    if len(factors) == 2:
        a, b = factors
        if a.op is NUM:
            return scale(a.data, b)
        if b.op is NUM:
            return scale(b.data, a)
        # the commonest product, of two factors with distinct bases (a rule's ``g * cos(x)``): mul_all's
        # canonical form at once, without its table of powers
        if a.op is MUL:
            if b.op is not MUL:
                return _mul_one_more(a, b)
        elif b.op is MUL:
            return _mul_one_more(b, a)
        else:
            ba = a.args[0] if a.op is POW else a
            bb = b.args[0] if b.op is POW else b
            if ba is not bb and ba.op is not NUM and bb.op is not NUM:
                args = (a, b) if id(a) < id(b) else (b, a)
                return cons(MUL, args, 1, (MUL, 1, args))
    return mul_all(factors)


def _mul_one_more(product: Expr, f: Expr) -> Expr:
    """``product * f`` for a canonical product and a factor that is no product nor number: the factor is
    sorted in among the others when its base is new, else :func:`mul_all` merges the powers."""
    base = f.args[0] if f.op is POW else f
    if base.op is not NUM:
        for g in product.args:
            if (g.args[0] if g.op is POW else g) is base:
                break
        else:
            factors = [*product.args, f]
            factors.sort(key=id)
            args = tuple(factors)
            coeff = product.data
            return cons(MUL, args, coeff, (MUL, coeff, args))
    return mul_all((product, f))


def mul_all(factors: Iterable[Expr]) -> Expr:
    """The canonical product of any number of factors."""
    coeff: Value = 1
    # base -> (exponent, the factor itself while the base has appeared only once: it is canonical already)
    powers: dict[Expr, tuple[Expr, Expr | None]] = {}
    get = powers.get
    for a in factors:
        op = a.op
        if op is NUM:
            try:
                coeff *= a.data
            except OverflowError:  # (see linear_combination)
                coeff = times(coeff, a.data)
            continue
        if op is MUL:
            try:
                coeff *= a.data
            except OverflowError:
                coeff = times(coeff, a.data)
            parts: tuple[Expr, ...] = a.args
        else:
            parts = (a,)
        for f in parts:  # inlined (this loop is the hot path of differentiation)
            if f.op is POW:
                base, e = f.args
            else:
                base, e = f, ONE
            old = get(base)
            if old is None:
                powers[base] = (e, f)
            elif old[0].op is NUM and e.op is NUM:
                powers[base] = (number(old[0].data + e.data), None)
            else:
                powers[base] = (add(old[0], e), None)
    if coeff == 0:
        return ZERO
    return _make_mul(coeff, powers)


def mul_factors(factors: tuple[Expr, ...]) -> Expr:
    """The canonical product of factors that are each already a factor of a canonical product (no numbers,
    no products): the product rule's terms. Distinct bases need no merging, only sorting."""
    if len(factors) <= 1:
        return factors[0] if factors else ONE
    bases = {f.args[0] if f.op is POW else f for f in factors}
    if len(bases) < len(factors):
        return mul_all(factors)
    ordered = tuple(sorted(factors, key=id))
    return cons(MUL, ordered, 1, (MUL, 1, ordered))


def base_index(factors: tuple[Expr, ...]) -> dict[Expr, int]:
    """Where each base stands among a canonical product's factors (``x`` for ``x^3``)."""
    return {f.args[0] if f.op is POW else f: j for j, f in enumerate(factors)}


def mul_replacing(factors: tuple[Expr, ...], index: dict[Expr, int], i: int, extra: tuple[Expr, ...]) -> Expr:
    """The canonical product of a canonical product's ``factors`` with factor ``i`` replaced by the canonical
    factors ``extra`` (the product rule's terms): only ``extra``'s bases are looked up, in ``index``."""
    kept = list(factors)
    moved: set[Expr] | None = None  # (made when a merged power changes base: rarely)
    removed = True  # factor i is still to be taken out
    general = False
    get = index.get
    for f in extra:
        j = get(f.args[0] if f.op is POW else f)
        if j is None:
            kept.append(f)
        elif j == i:  # the base of the factor replaced: f takes its place
            kept[i] = f
            removed = False
        else:
            base, e = f.args if f.op is POW else (f, ONE)
            old = kept[j]
            e0 = old.args[1] if old.op is POW else ONE
            merged = power(base, number(e0.data + e.data) if e0.op is NUM and e.op is NUM else add(e0, e))
            kept[j] = merged
            if merged.op is NUM or merged.op is MUL:
                general = True
            elif (merged.args[0] if merged.op is POW else merged) is not base:
                moved = set() if moved is None else moved
                general = general or _rebased(merged, base, index, moved)
    if removed:
        del kept[i]
    if general:
        return mul_all(kept)
    if len(kept) <= 1:
        return kept[0] if kept else ONE
    kept.sort(key=id)
    ordered = tuple(kept)
    return cons(MUL, ordered, 1, (MUL, 1, ordered))


def _rebased(f: Expr, base: Expr, bases: Any, moved: set[Expr]) -> bool:
    """Whether the merged power ``f`` of ``base`` has another base that is among ``bases`` or ``moved``
    (then it must merge again); a new base of its own is added to ``moved``."""
    new = f.args[0] if f.op is POW else f
    if new is base:
        return False
    if new in bases or new in moved:
        return True
    moved.add(new)
    return False


def _make_mul(coeff: Value, powers: dict[Expr, tuple[Expr, Expr | None]]) -> Expr:
    factors: list[Expr] = []
    spill: list[Expr] = []  # merged powers that are products again, e.g. (x y)^(1/2) (x y)^(1/2) = x y
    moved: set[Expr] = set()  # the new bases of merged powers (sqrt(sqrt(x))^-2 = x^(-1/2): x)
    for base, (e, kept) in powers.items():
        if kept is not None and base.op is not NUM:
            factors.append(kept)
            continue
        f = power(base, e)
        op = f.op
        if op is NUM:
            coeff = times(coeff, f.data)
        elif op is MUL or _rebased(f, base, powers, moved):
            # a product again, or a power of another base that is a factor's already:
            # sqrt(sqrt(x))^-2 is x^(-1/2), to merge with an x^(-1/2) beside it
            spill.append(f)
        else:
            factors.append(f)
    if spill:
        return mul_all([number(coeff), *factors, *spill])
    coeff = normalize(coeff)
    if coeff == 0:
        return ZERO
    if not factors:
        return number(coeff)
    if len(factors) == 1:
        f = factors[0]
        if coeff == 1:
            return f
        if f.op is ADD:
            return scale(coeff, f)
        return cons(MUL, (f,), coeff, (MUL, coeff, (f,)))
    factors.sort(key=id)
    args = tuple(factors)
    return cons(MUL, args, coeff, (MUL, coeff, args))


# ---------------------------------------------------------------------------------------- powers


def power(base: Expr, exponent: Expr) -> Expr:
    """The canonical ``base ** exponent``."""
    if exponent.op is NUM:
        v = exponent.data
        if v == 0:
            return ONE
        if v == 1:
            return base
        op = base.op
        if op is NUM:
            return _number_power(base, v)
        integral = type(v) is int
        if op is POW and integral:
            inner_base, inner_exp = base.args
            return power(inner_base, mul(inner_exp, exponent))
        if op is MUL and integral:
            parts = [power(f, exponent) for f in base.args]
            return mul_all([_number_power(number(base.data), v), *parts])
    elif base.op is NUM and base.data == 1:
        return ONE
    if base is E:
        return call("exp", exponent)
    return cons(POW, (base, exponent), None, (POW, base, exponent))


def _number_power(base: Expr, v: Value) -> Expr:
    """``base ** v`` for numbers, exact when it can be; left as a power when inexact or too large."""
    b = base.data
    if type(b) is float or type(v) is float:
        if b < 0 and not as_float(v).is_integer():
            return _raw_power(base, v)  # not a real number: NumPy gives nan, so it stays a power
        try:
            return number(float(b) ** float(v))
        except (OverflowError, ZeroDivisionError):
            return _raw_power(base, v)
    if b == 0:
        return ZERO if v > 0 else _raw_power(base, v)
    exact = Fraction(b)
    if type(v) is int:
        bits = max(abs(exact.numerator).bit_length(), exact.denominator.bit_length())
        if bits * abs(v) > _MAX_BITS:
            return _raw_power(base, v)
        return number(exact**v)
    v = Fraction(v)
    root = _exact_root(exact, v.denominator) if b > 0 else None
    if root is None:
        return _raw_power(base, v)
    return _number_power(number(root), v.numerator)


def _raw_power(base: Expr, v: Value) -> Expr:
    exponent = number(v)
    return cons(POW, (base, exponent), None, (POW, base, exponent))


def _exact_root(b: Fraction, n: int) -> Fraction | None:
    """The exact positive ``n``-th root of ``b`` if it is rational and small enough, else None."""
    if n > 64 or max(b.numerator.bit_length(), b.denominator.bit_length()) > _MAX_BITS:
        return None
    num = _integer_root(b.numerator, n)
    den = _integer_root(b.denominator, n)
    if num is None or den is None:
        return None
    return Fraction(num, den)


def _integer_root(m: int, n: int) -> int | None:
    """The integer ``r`` with ``r**n == m``, or None (Newton's method on integers)."""
    if m < 2:
        return m
    r = 1 << -(-m.bit_length() // n)  # an upper bound for the root
    while True:
        s = ((n - 1) * r + m // r ** (n - 1)) // n
        if s >= r:
            break
        r = s
    return r if r**n == m else None


def mul_without(node: Expr, index: int) -> Expr:
    """The product ``node`` without its factor number ``index`` (coefficient kept): the cofactor."""
    coeff = node.data
    rest = node.args[:index] + node.args[index + 1 :]
    if not rest:
        return number(coeff)
    if len(rest) == 1:
        f = rest[0]
        if coeff == 1:
            return f
        if f.op is ADD:
            return scale(coeff, f)
        return cons(MUL, rest, coeff, (MUL, coeff, rest))
    return cons(MUL, rest, coeff, (MUL, coeff, rest))
