"""Evaluation plans: expressions as a list of steps with every common subexpression computed once.

The DAG already shares equal subexpressions. A plan also shares common *sub-products*: canonical products
are flat (``2 x^3 e^(x^2) sin(x)`` is one node), so two products that have factors in common share no node.
:func:`plan` pulls the pair of factors that the most products have in common into a step of its own, again
and again (greedy pairing, as SymPy's ``cse`` does), so ``e^(x^2) sin(x)`` is computed once for all the
terms it appears in. :func:`lambdify` runs the plan; :func:`count_ops` counts its operations.

Steps are ordered by a structural digest of the nodes, not by memory addresses, so plans, generated code
and operation counts are the same in every run.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chainrule.symbolic.expr import ADD, CONST, MUL, NUM, POW, SYM, E, Expr
from chainrule.symbolic.traverse import postorder

__all__ = ["Plan", "Step", "count_ops", "digests", "plan"]


@dataclass
class Step:
    """One step of a plan: ``kind`` is symbol, number, constant, add, mul, pow or a function name.

    ``operands`` index earlier steps; ``data`` is the symbol name, the number, the constant's name, a sum's
    ``(constant, coefficients)`` or a product's coefficient.
    """

    kind: str
    operands: list[int]
    data: Any = None


@dataclass
class Plan:
    """Steps in evaluation order and the step that gives each output."""

    steps: list[Step]
    outputs: list[int]
    uses: list[int] = field(default_factory=list)

    def operations(self) -> int:
        """The number of arithmetic operations and function calls the plan performs."""
        return sum(_cost(s) for s, n in zip(self.steps, self.uses, strict=True) if n > 0)


def digests(roots: Sequence[Expr]) -> dict[Expr, bytes]:
    """A structural digest of every node, the same in every run (unlike ``id`` or ``hash`` of strings)."""
    out: dict[Expr, bytes] = {}
    for node in postorder(roots):
        h = hashlib.blake2b(digest_size=12)
        op = node.op
        if op is ADD:  # the terms of sums and factors of products are unordered: sort them
            const, coeffs = node.data
            h.update(f"add|{const!r}|".encode())
            for d, c in sorted((out[a], repr(c)) for a, c in zip(node.args, coeffs, strict=True)):
                h.update(d + c.encode())
        elif op is MUL:
            h.update(f"mul|{node.data!r}|".encode())
            for d in sorted(out[a] for a in node.args):
                h.update(d)
        else:
            h.update(f"{op}|{node.data!r}|".encode())
            for a in node.args:
                h.update(out[a])
        out[node] = h.digest()
    return out


def _cost(step: Step) -> int:
    kind = step.kind
    if kind in ("symbol", "number", "constant"):
        return 0
    if kind == "add":
        const, coeffs = step.data
        n = len(step.operands) + (const != 0) - 1
        return n + sum(1 for c in coeffs if c not in (1, -1)) + (all(c < 0 for c in coeffs) and const == 0)
    if kind == "mul":
        return len(step.operands) - 1 + (step.data != 1)
    return 1


def _leaf(node: Expr) -> Step | None:
    op = node.op
    if op is SYM:
        return Step("symbol", [], node.data)
    if op is NUM:
        return Step("number", [], node.data)
    if op is CONST:
        return Step("constant", [], node.data)
    if node is E:
        return Step("constant", [], "e")
    return None


def _operation(node: Expr, args: list[int]) -> Step:
    """The step for an operation node; operands of sums and products in step order (deterministic)."""
    op = node.op
    if op is ADD:
        const, coeffs = node.data
        pairs = sorted(zip(args, coeffs, strict=True))
        return Step(ADD, [a for a, _ in pairs], (const, tuple(c for _, c in pairs)))
    if op is MUL:
        return Step(MUL, sorted(args), node.data)
    return Step(op if op is POW else "call:" + op, args, node.data)


def _ordered(roots: Sequence[Expr]) -> list[Expr]:
    """Post-order with each node's arguments visited in digest order: the same order in every run."""
    keys = digests(roots)
    return postorder(roots, lambda node: sorted(node.args, key=keys.__getitem__))


def plan(roots: Sequence[Expr], share_products: bool = True) -> Plan:
    """The evaluation plan of ``roots``; ``share_products`` also computes common sub-products once."""
    index: dict[Expr, int] = {}
    steps: list[Step] = []
    for node in _ordered(roots):
        leaf = _leaf(node)
        if leaf is None:
            leaf = _operation(node, [index[a] for a in node.args])
        index[node] = len(steps)
        steps.append(leaf)
    result = Plan(steps, [index[r] for r in roots])
    if share_products:
        _share_products(result)
    _count_uses(result)
    return result


def _count_uses(p: Plan) -> None:
    uses = [0] * len(p.steps)
    for i in p.outputs:
        uses[i] += 1
    for i in range(len(p.steps) - 1, -1, -1):
        if uses[i]:
            for j in p.steps[i].operands:
                uses[j] += 1
    p.uses = uses


def _share_products(p: Plan) -> None:
    """Greedy pairing: give the most frequent pair of factors among products a step of its own, repeat."""
    factors: dict[int, set[int]] = {
        i: set(s.operands) for i, s in enumerate(p.steps) if s.kind == MUL and len(s.operands) >= 2
    }
    holders: dict[tuple[int, int], set[int]] = {}
    for i, fs in factors.items():
        for pair in itertools.combinations(sorted(fs), 2):
            holders.setdefault(pair, set()).add(i)
    heap = [(-len(h), pair) for pair, h in holders.items() if len(h) >= 2]
    heapq.heapify(heap)
    new_steps: list[Step] = []
    while heap:
        count, pair = heapq.heappop(heap)
        current = holders.get(pair, ())
        if len(current) < 2:
            continue
        if -count != len(current):
            heapq.heappush(heap, (-len(current), pair))
            continue
        new = len(p.steps) + len(new_steps)
        new_steps.append(Step(MUL, list(pair), 1))
        for i in sorted(current):
            _replace_pair(factors[i], pair, new, i, holders, heap)
        holders.pop(pair, None)
    _splice(p, factors, new_steps)


def _replace_pair(
    fs: set[int],
    pair: tuple[int, int],
    new: int,
    owner: int,
    holders: dict[tuple[int, int], set[int]],
    heap: list[tuple[int, tuple[int, int]]],
) -> None:
    a, b = pair
    for f in fs:
        for gone in (a, b):
            if f != gone:
                holders.get((min(f, gone), max(f, gone)), set()).discard(owner)
    fs.discard(a)
    fs.discard(b)
    for f in fs:
        key = (f, new)
        bucket = holders.setdefault(key, set())
        bucket.add(owner)
        if len(bucket) >= 2:
            heapq.heappush(heap, (-len(bucket), key))
    fs.add(new)


def _splice(p: Plan, factors: dict[int, set[int]], new_steps: list[Step]) -> None:
    """Put the pair steps before their first user and renumber (pairs only refer to earlier steps)."""
    if not new_steps:
        return
    for i, fs in factors.items():
        p.steps[i].operands = sorted(fs)
    steps = p.steps + new_steps
    order: list[int] = []
    placed: set[int] = set()
    for root in range(len(p.steps)):
        stack = [root]
        while stack:
            i = stack[-1]
            if i in placed:
                stack.pop()
                continue
            pending = [j for j in steps[i].operands if j not in placed]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            placed.add(i)
            order.append(i)
    renumber = {old: new for new, old in enumerate(order)}
    p.steps = [Step(steps[i].kind, [renumber[j] for j in steps[i].operands], steps[i].data) for i in order]
    p.outputs = [renumber[i] for i in p.outputs]


def count_ops(roots: Sequence[Expr], cse: bool = True) -> int:
    """The number of operations to evaluate ``roots``, each shared subexpression counted once.

    A sum of ``n`` terms counts ``n - 1`` additions, a product of ``n`` factors ``n - 1`` multiplications,
    a numeric coefficient other than 1 one more, and each power and function call one - SymPy's
    ``count_ops`` conventions. With ``cse`` (the default) common sub-products are shared too, as in the code
    :func:`chainrule.symbolic.lambdify` generates, which makes the count comparable with SymPy's after
    ``sympy.cse``; without it, each node of the DAG counts once.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> e = sym.parse("2*x*y*sin(z) + 3*x*y*cos(z)")
    >>> count_ops([e], cse=False), count_ops([e])
    (9, 8)
    """
    return plan(roots, share_products=cse).operations()
