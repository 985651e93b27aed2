"""Function nodes: ``sin(x)``, ``max(x, y)`` ... each the primitive of ``chainrule.core``'s rule table that
declares that name in its :class:`~chainrule.core.primitive.Formula`.

A function node's ``op`` is the formula's name and its ``args`` are the primitive's operands, so the
primitive serves the node in every way: its forward rule differentiates it, its implementation evaluates it,
its ``rule``, ``notation`` and ``kink`` explain it, and its formula names it in each output format. Nothing
here restates a function: the names come from :data:`chainrule.core.registry.FORMULAS`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from chainrule.core.primitive import Primitive
from chainrule.core.registry import FORMULAS
from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.symbolic.conditions import CONDITIONS, condition, is_condition
from chainrule.symbolic.expr import MUL, NUM, PI, Expr, as_expr, as_float, function_node, number

__all__ = ["call", "function_names", "primitive"]


def primitive(op: str) -> Primitive | None:
    """The primitive behind function nodes named ``op`` (None for sums, products, powers and leaves)."""
    prim = FORMULAS.get(op)
    if prim is None or prim.formula is None or prim.formula.name != op:
        return None
    return prim


def function_names() -> list[str]:
    """The names of every function a formula may contain (aliases left out), sorted."""
    return sorted(name for name, prim in FORMULAS.items() if prim.formula and prim.formula.name == name)


def _numeric(prim: Primitive, args: tuple[Expr, ...]) -> Expr | None:
    """The value of a function of numbers when it is exact (sin(0) = 0) or an argument is a float."""
    formula = prim.formula
    if formula is None:
        return None
    values = [a.data for a in args]
    if len(values) == 1 and values[0] in formula.values:
        return number(formula.values[values[0]])
    if formula.exact is not None and all(type(v) is not float for v in values):
        return number(formula.exact(*values))
    if any(type(v) is float for v in values):
        with np.errstate(all="ignore"):
            result = float(prim.impl(*[as_float(v) for v in values]))
        if np.isfinite(result):
            return number(result)
    return None


# primitive -> its number of operands (a property computed from its rules; call() is hot). Primitives are
# fixed once made, so the number never changes; a primitive made again is another key.
_ARITIES: dict[Primitive, int | None] = {}


def call(name: str, *args: Any) -> Expr:
    """The node ``name(*args)``, with the simplifications every expression gets.

    ``exp(log(u)) = u``, ``log(exp(u)) = u``, functions of numbers at their exact values (``sin(0) = 0``),
    ``abs(abs(u)) = abs(u)``, ``max(u, u) = u``, ``sin``, ``cos`` and ``tan`` at the angles of the unit
    circle (``cos(pi/3) = 1/2``), a piece chosen by a decided condition
    (``piecewise(1, a, b) = a``) or two equal pieces (``piecewise(c, a, a) = a``). ``name`` may be an alias
    (``arcsin``) or a condition (``less``, see :mod:`.conditions`).

    Examples
    --------
    >>> from chainrule.symbolic.functions import call
    >>> from chainrule import symbolic as sym
    >>> x = sym.symbols("x")
    >>> call("sin", x), call("log", call("exp", x)), call("cos", 0), call("arcsin", x)
    (sin(x), x, 1, asin(x))
    """
    if name in CONDITIONS:
        return condition(name, *(as_expr(a) for a in args))
    prim = FORMULAS.get(name)
    if prim is None or prim.formula is None:
        raise ChainruleValueError(f"unknown function {name!r}")
    name = prim.formula.name
    arity = _ARITIES.get(prim)
    if arity is None:
        arity = _ARITIES[prim] = prim.arity
    if len(args) != arity:
        raise ChainruleTypeError(f"{name} takes {arity} argument(s), got {len(args)}")
    exprs = args if _all_exprs(args) else tuple(a if a.__class__ is Expr else as_expr(a) for a in args)
    if _all_numbers(exprs):
        folded = _numeric(prim, exprs)
        if folded is not None:
            return folded
    simpler = _identities(name, exprs)
    return function_node(name, exprs) if simpler is None else simpler


def _all_exprs(args: tuple[Any, ...]) -> bool:
    # (loops rather than all() over a generator: call() runs for every function node a rule builds)
    for a in args:  # noqa: SIM110  (a loop: all() over a generator is slower here)
        if a.__class__ is not Expr:
            return False
    return True


def _all_numbers(exprs: tuple[Expr, ...]) -> bool:
    for a in exprs:  # noqa: SIM110  (a loop: all() over a generator is slower here)
        if a.op is not NUM:
            return False
    return True


def _identities(name: str, exprs: tuple[Expr, ...]) -> Expr | None:
    """What ``name(*exprs)`` is when an identity makes it something simpler, else None."""
    first = exprs[0]
    if name in ("sin", "cos", "tan"):
        return _at_multiple_of_pi(name, first)
    if (name == "exp" and first.op == "log") or (name == "log" and first.op == "exp"):
        return first.args[0]
    if name in ("abs", "relu") and first.op == name:
        return first
    if name in ("max", "min") and exprs[0] is exprs[1]:
        return first
    if name == "piecewise":
        return _piecewise(*exprs)
    return None


# sin(q pi) for q in [0, 1/2] with denominator 1, 2, 3, 4 or 6: 0, 1/2, sqrt(2)/2, sqrt(3)/2, 1
_SINES: dict[Fraction, tuple[Fraction | int, int]] = {
    Fraction(0): (0, 1),
    Fraction(1, 6): (Fraction(1, 2), 1),
    Fraction(1, 4): (Fraction(1, 2), 2),
    Fraction(1, 3): (Fraction(1, 2), 3),
    Fraction(1, 2): (1, 1),
}


def _sine_at(q: Fraction) -> Expr | None:
    """sin(q pi) exactly for the angles of the unit circle a course uses, else None."""
    q %= 2
    sign = 1
    if q >= 1:
        q, sign = q - 1, -1
    if q > Fraction(1, 2):
        q = 1 - q
    found = _SINES.get(q)
    if found is None:
        return None
    coefficient, root = found
    value = number(sign * coefficient)
    return value if root == 1 else value * number(root) ** number(Fraction(1, 2))


def _at_multiple_of_pi(name: str, u: Expr) -> Expr | None:
    """``sin(pi) = 0``, ``cos(pi/3) = 1/2``, ``tan(pi/4) = 1`` ...: the exact values at rational multiples of
    pi with denominator 1, 2, 3, 4 or 6."""
    if u is PI:
        q = Fraction(1)
    elif u.op is MUL and u.args == (PI,) and type(u.data) in (int, Fraction):
        q = Fraction(u.data)
    else:
        return None
    if name == "sin":
        return _sine_at(q)
    if name == "cos":
        return _sine_at(q + Fraction(1, 2))
    sine, cosine = _sine_at(q), _sine_at(q + Fraction(1, 2))
    if sine is None or cosine is None or (cosine.op is NUM and cosine.data == 0):
        return None
    return sine / cosine


def _piecewise(chosen: Expr, a: Expr, b: Expr) -> Expr:
    if not is_condition(chosen):
        raise ChainruleTypeError(
            f"piecewise chooses by a condition such as x < 0 (a comparison), not by {chosen}"
        )
    if chosen.op is NUM:
        return a if chosen.data else b
    if a is b:
        return a
    return function_node("piecewise", (chosen, a, b))
