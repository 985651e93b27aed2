"""Evaluation plans: expressions as a list of instructions with every common subexpression computed once.

The DAG already shares equal subexpressions. A plan also shares common *sub-products*: canonical products
are flat (``2 x^3 e^(x^2) sin(x)`` is one node), so two products that have factors in common share no node.
:func:`plan` pulls the pair of factors that the most products have in common into an instruction of its
own, again and again (greedy pairing, as SymPy's ``cse`` does), so ``e^(x^2) sin(x)`` is computed once for
all the terms it appears in. :func:`lambdify` runs the plan; :func:`count_ops` counts its operations.

Instructions are ordered by a structural digest of the nodes, not by memory addresses, so plans, generated
code and operation counts are the same in every run.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chainrule.symbolic.expr import ADD, CONST, MUL, NUM, POW, SYM, E, Expr
from chainrule.symbolic.traverse import postorder

__all__ = ["Instruction", "Plan", "count_ops", "digests", "plan"]


@dataclass
class Instruction:
    """One instruction of a plan: ``kind`` is symbol, number, constant, add, mul, pow or a function name.

    ``operands`` index earlier instructions of the plan; ``data`` is the symbol name, the number, the
    constant's name, a sum's ``(constant, coefficients)`` or a product's coefficient.
    """

    kind: str
    operands: list[int]
    data: Any = None


@dataclass
class Plan:
    """Instructions (``steps``) in evaluation order and the index of the one that gives each output.

    ``uses`` counts, for each instruction, the outputs and the instructions needed for them that use it.
    """

    steps: list[Instruction]
    outputs: list[int]
    uses: list[int] = field(default_factory=list)

    def operations(self) -> int:
        """The number of arithmetic operations and function calls the plan performs."""
        return sum(_cost(s) for s, n in zip(self.steps, self.uses, strict=True) if n > 0)


def digests(roots: Sequence[Expr], nodes: Sequence[Expr] | None = None) -> dict[Expr, bytes]:
    """A structural digest of every node, the same in every run (unlike ``id`` or ``hash`` of strings);
    ``nodes``: ``postorder(roots)``, if the caller has it."""
    out: dict[Expr, bytes] = {}
    for node in postorder(roots) if nodes is None else nodes:
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


def _cost(step: Instruction) -> int:
    if step.kind in ("symbol", "number", "constant"):
        return 0
    return _operation_cost(step.kind, len(step.operands), step.data)


def _operation_cost(kind: str, operands: int, data: Any) -> int:
    """The operations of one sum, product, power or call of ``operands`` operands (see :func:`count_ops`)."""
    if kind == ADD:
        const, coeffs = data
        n = operands + int(const != 0) - 1
        negated = int(all(c < 0 for c in coeffs) and const == 0)
        return n + sum(1 for c in coeffs if c not in (1, -1)) + negated
    if kind == MUL:
        return operands - 1 + int(data != 1)
    return 1


def _leaf(node: Expr) -> Instruction | None:
    op = node.op
    if op is SYM:
        return Instruction("symbol", [], node.data)
    if op is NUM:
        return Instruction("number", [], node.data)
    if op is CONST:
        return Instruction("constant", [], node.data)
    if node is E:
        return Instruction("constant", [], "e")
    return None


def _operation(node: Expr, args: list[int]) -> Instruction:
    """The instruction for an operation node; operands of sums and products in plan order (deterministic)."""
    op = node.op
    if op is ADD:
        const, coeffs = node.data
        pairs = sorted(zip(args, coeffs, strict=True))
        return Instruction(ADD, [a for a, _ in pairs], (const, tuple(c for _, c in pairs)))
    if op is MUL:
        return Instruction(MUL, sorted(args), node.data)
    return Instruction(op if op is POW else "call:" + op, args, node.data)


def _ordered(roots: Sequence[Expr]) -> list[Expr]:
    """Post-order with each node's arguments visited in digest order: the same order in every run."""
    keys = digests(roots)
    return postorder(roots, lambda node: sorted(node.args, key=keys.__getitem__))


def plan(roots: Sequence[Expr], share_products: bool = True) -> Plan:
    """The evaluation plan of ``roots``; ``share_products`` also computes common sub-products once."""
    index: dict[Expr, int] = {}
    steps: list[Instruction] = []
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


def _split_factors(p: Plan) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Per product, the factors found in another product too (the only ones a shared pair can be made of)
    and the rest (never rewritten). What a round puts in the place of a pair is in two products or more,
    so it is shareable too."""
    products = {i: set(s.operands) for i, s in enumerate(p.steps) if s.kind == MUL and len(s.operands) >= 2}
    occurrences = Counter(f for fs in products.values() for f in fs)
    shareable: dict[int, set[int]] = {}
    alone: dict[int, set[int]] = {}
    for i, fs in products.items():
        common = {f for f in fs if occurrences[f] >= 2}
        if len(common) >= 2:
            shareable[i] = common
            alone[i] = fs - common
    return shareable, alone


# The most steps the pairing of sub-products takes for one plan (about a third of a second in pure Python).
PAIRING_WORK = 1_000_000


def _share_products(p: Plan) -> None:
    """Greedy pairing: give the pair of factors most products hold an instruction of its own, and repeat.

    Each round takes the pair held by the most products (ties: the smallest pair of instruction indices),
    appends the product of the two as a new instruction and puts it in their place in every product that
    holds both. Pair counts are kept up to date incrementally: ``holders`` maps each pair to the products
    holding it, a round updates only the products it rewrites, and a heap with lazy deletion finds the next
    pair.

    Only factors that occur in two products or more are paired: a pair with a factor that occurs once is
    held by one product at most, so it is never shared. The work is then of the order of the sum of ``s**2``
    over the products, times a logarithm for the heap, where ``s`` counts the factors of a product that
    occur in other products too. That is linear in the size of the plan for a product of thousands of
    factors found nowhere else (the derivative of a deep composition) and for a long sum of products that
    each share a few factors; pairing every factor with every other would be quadratic in the first case.

    Where many long products share most of their factors (the second derivative of a deep composition: ``n``
    terms of ``n`` factors each), that order is ``n**3``. The pairing therefore stops once it has done
    :data:`PAIRING_WORK` steps (a pair counted, or a factor of a product a round rewrites): the pairs found
    until then are shared, the rest of each product is multiplied out as it is. The plan stays right and the
    same in every run; it only shares less than it might.
    """
    shareable, alone = _split_factors(p)
    work = sum(len(fs) * (len(fs) - 1) // 2 for fs in shareable.values())
    if work > PAIRING_WORK:
        return  # counting the pairs alone would overrun the budget: no sub-product is shared
    holders: dict[tuple[int, int], set[int]] = {}
    for i, fs in shareable.items():
        for pair in itertools.combinations(sorted(fs), 2):
            holders.setdefault(pair, set()).add(i)
    # A heap entry's count is never below its pair's current count (a pair's count only falls once all of
    # its holders are known), so an entry whose count is out of date is pushed back with the current one,
    # and the first entry popped with an up-to-date count is the pair held by the most products.
    heap = [(-len(h), pair) for pair, h in holders.items() if len(h) >= 2]
    heapq.heapify(heap)
    pairs: list[Instruction] = []
    while heap:
        count, pair = heapq.heappop(heap)
        owners = holders.get(pair)
        if owners is None or len(owners) < 2:
            continue
        if len(owners) != -count:
            heapq.heappush(heap, (-len(owners), pair))
            continue
        work += sum(len(shareable[i]) for i in owners)
        if work > PAIRING_WORK:
            break
        new = len(p.steps) + len(pairs)  # above every index so far, so (f, new) is a sorted pair
        pairs.append(Instruction(MUL, list(pair), 1))
        del holders[pair]  # no product holds both of its factors any more
        # the new pairs now have all their holders: one heap entry each, with its final count
        for f in _replace_pair(pair, new, owners, shareable, holders):
            n = len(holders[(f, new)])
            if n >= 2:
                heapq.heappush(heap, (-n, (f, new)))
    if pairs:
        _splice(p, {i: sorted(alone[i] | fs) for i, fs in shareable.items()}, pairs)


def _replace_pair(
    pair: tuple[int, int],
    new: int,
    owners: set[int],
    shareable: dict[int, set[int]],
    holders: dict[tuple[int, int], set[int]],
) -> set[int]:
    """Put ``new`` in the place of both factors of ``pair`` in every product that ``owners`` names, keeping
    ``holders`` up to date; the factors that now stand beside ``new`` in some product."""
    a, b = pair
    partners: set[int] = set()
    for i in owners:  # in any order: the heap is only updated once the round is done
        fs = shareable[i]
        fs.discard(a)
        fs.discard(b)
        for f in fs:
            holders[(f, a) if f < a else (a, f)].discard(i)
            holders[(f, b) if f < b else (b, f)].discard(i)
            holders.setdefault((f, new), set()).add(i)
        partners |= fs
        fs.add(new)
    return partners


def _splice(p: Plan, factors: dict[int, list[int]], pairs: list[Instruction]) -> None:
    """Give the products their new ``factors``, put each pair before its first user, and renumber.

    The pairs are appended at the end of the plan and refer to earlier instructions and earlier pairs.
    """
    for i, fs in factors.items():
        p.steps[i].operands = fs
    steps = p.steps + pairs
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
    p.steps = [
        Instruction(steps[i].kind, [renumber[j] for j in steps[i].operands], steps[i].data) for i in order
    ]
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
    if not cse:  # each node once, in any order: no plan needed (simplify counts both ways)
        return _dag_operations(roots)
    return plan(roots, share_products=cse).operations()


def _dag_operations(roots: Sequence[Expr]) -> int:
    """``plan(roots, share_products=False).operations()`` without building the plan: the same costs, read
    off every node of the DAG once."""
    seen: set[Expr] = set()
    stack = list(roots)
    total = 0
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        op = node.op
        if node is E or op is SYM or op is NUM or op is CONST:  # (the plan's leaves: E is a constant there)
            continue
        total += _operation_cost(op, len(node.args), node.data)
        stack.extend(node.args)
    return total
