"""Derivatives along chains, multiplied out once: linear time for ``sqrt(sqrt(...(x)))`` and ``e^e^...^x``.

The chain rule makes the derivative of ``f(g(h(x)))`` the product ``f'(g) g'(h) h'(x)``. Built one level at
a time, each level's derivative is a new flat product one factor longer than the last: for a chain n deep,
n products of 1, 2, ..., n factors, quadratic work (a 5,000-deep root took a minute). Here a node whose
derivative is its one varying argument's derivative times a factor, ``c g t``, keeps that as a link to its
argument's pending product; the factors are multiplied into one product only when something other than
the next link of a chain needs them (a sum, a product of two varying factors, the result).

A node's factor is found once, by its own derivative rule applied to a placeholder tangent: the rules are
linear in the tangent, so the rule's result is ``c g ⟨t⟩`` exactly when the node continues a chain.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chainrule.symbolic.algebra import mul_all
from chainrule.symbolic.expr import MUL, ONE, Expr, number, symbol

__all__ = ["LONG", "Chains"]

_TANGENT = symbol("⟨tangent⟩")  # stands for the varying argument's derivative; no parsed name looks so

LONG = 8  # factors: a derivative this long starts a chain

Tangent = Callable[[Expr, Sequence[Expr | None]], Expr]


@dataclass(frozen=True)
class _Link:
    """A pending product: ``coefficient`` times ``factor`` times the rest of the chain (or ``end``)."""

    coefficient: Any
    factor: Expr
    rest: _Link | None


class Chains:
    """The pending products of a derivative being taken (see the module); ``tangents`` holds the finished
    derivatives (None for 0), as :func:`~chainrule.symbolic.differentiate.tangent` takes them."""

    def __init__(self, tangents: dict[Expr, Expr | None], tangent: Tangent) -> None:
        self.tangents = tangents
        self.tangent = tangent
        self.pending: dict[Expr, _Link] = {}

    def get(self, node: Expr) -> Expr | None:
        """The derivative of ``node`` (None for 0), multiplying out its chain if it is pending."""
        link = self.pending.pop(node, None)
        if link is None:
            return self.tangents.get(node)
        coefficient, factors = 1, []
        while link is not None:
            coefficient *= link.coefficient
            if link.factor is not ONE:
                factors.append(link.factor)
            link = link.rest
        result = mul_all([number(coefficient), *factors])
        self.tangents[node] = result
        return result

    def extend(self, node: Expr) -> bool:
        """Record ``node``'s derivative as a link of a chain, if it is one (else False, nothing done)."""
        pending, tangents = self.pending, self.tangents
        child: Expr | None = None
        for a in node.args:  # (the hot path of every derivative: no calls)
            if a in pending or tangents.get(a) is not None:
                if child is not None:
                    return False  # two arguments vary: the product or sum rule, not a chain
                child = a
        if child is None:
            return False
        rest = pending.get(child)
        if rest is None:
            done = tangents.get(child)
            # a chain starts where multiplying out would cost: at a long product (short ones are cheaper
            # multiplied at once, which keeps small derivatives as fast as before)
            if done is None or done.op is not MUL or len(done.args) < LONG:
                return False
            rest = _Link(1, done, None)
        found = self._factor(node, node.args.index(child))
        if found is None:
            return False
        coefficient, factor = found
        pending[node] = _Link(coefficient, factor, rest)
        return True

    def _factor(self, node: Expr, k: int) -> tuple[Any, Expr] | None:
        """``(c, g)`` when ``node``'s derivative is ``c g t`` for its ``k``-th argument's derivative t."""
        placeholders: list[Expr | None] = [None] * len(node.args)
        placeholders[k] = _TANGENT
        t = self.tangent(node, placeholders)
        if t is _TANGENT:
            return 1, ONE
        if t.op is not MUL or _TANGENT not in t.args:
            return None
        others = [f for f in t.args if f is not _TANGENT]
        return t.data, mul_all(others) if others else ONE
