"""What every printer shares: an iterative walk with a method per kind of node, and the layout decisions.

A printer maps each node to ``(text, precedence)``. :class:`Printer` walks the DAG without recursion and
calls ``print_<op>`` for each node (``print_function`` for function nodes without a method of their own), so
every node always prints. The layout helpers decide, once for all formats, in which order terms and factors
appear and which factors go below a fraction bar; the formats only spell the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

from chainrule.symbolic.algebra import power
from chainrule.symbolic.conditions import CONDITIONS
from chainrule.symbolic.cse import digests
from chainrule.symbolic.expr import ADD, CONST, MUL, NUM, POW, SYM, E, Expr, Value, as_float, number
from chainrule.symbolic.traverse import postorder
from chainrule.symbolic.unknowns import APPLY

__all__ = [
    "ATOM",
    "PREC_ADD",
    "PREC_MUL",
    "PREC_POW",
    "SHARE_LIMIT",
    "Printer",
    "ProductLayout",
    "names_and_depth",
    "pieces",
    "shared_subexpressions",
]

# conditions bind loosest: x + 1 < 2 and 0 < x  (their own precedences are in conditions.CONDITIONS)
PREC_ADD = 10
PREC_MUL = 20
PREC_POW = 30
ATOM = 40

Printed = tuple[str, int]

# Past this many nodes printed as a tree, outputs name their shared subexpressions (t₁ = ...), see
# shared_subexpressions; any text the parser accepts prints far below it, so it reads back.
SHARE_LIMIT = 50_000
_SHARED_AT_LEAST = 4  # nodes: x + 1 is repeated, not named
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

# Factors print in this order: numbers and constants, symbols, functions, sums (2 x sin(x) (x + 1)).
_RANKS = {NUM: 0, CONST: 0, SYM: 1, ADD: 3}


@dataclass
class ProductLayout:
    """A product laid out for printing: sign, coefficient split over the fraction bar, and its factors."""

    negative: bool
    numerator_coeff: Value
    denominator_coeff: int
    numerator: list[Expr]
    denominator: list[Expr]  # the positive powers that go below the bar


class Printer:
    """Base of the printers: memoized, iterative, one method per node kind."""

    def __init__(self) -> None:
        self.memo: dict[Expr, Printed] = {}
        self._degrees: dict[Expr, float] = {}
        # unknown functions written without their argument, as a course writes y and y' for y(x):
        # name -> its variable (for the Leibniz form dy/dx); see bare()
        self.bare_functions: dict[str, str] = {}
        self.leibniz = False
        # the order in which sums (by node) and products (by their factors) were typed, if known
        self.order: dict[Any, list[Any]] = {}
        self.printing = False  # inside a call on a whole output

    def bare(self, functions: dict[str, str], leibniz: bool = False) -> Printer:
        """Write the unknown functions ``{name: variable}`` without their argument (``y``, ``y'`` or
        ``dy/dx``): the notation of implicit differentiation."""
        self.bare_functions = dict(functions)
        self.leibniz = leibniz
        self.memo.clear()
        return self

    def bare_name(self, node: Expr) -> str | None:
        """``y``, ``y'`` (or ``dy/dx``) for a bare unknown function applied to its variable, else None."""
        name, order = node.data
        var: str | None = self.bare_functions.get(name)
        if var is None or node.args[0].op is not SYM or node.args[0].data != var:
            return None
        if order == 0:
            return str(name)
        if self.leibniz:
            times = "" if order == 1 else f"^{order}"
            return f"d{times}{name}/d{var}{times}"
        return str(name) + "'" * int(order)

    def __call__(self, expr: Expr, named: list[Expr] | None = None) -> str:
        """The text of ``expr``; ``named``: its :func:`shared_subexpressions`, if already known."""
        if self.printing:  # a part, from a print_* method
            return self.of(expr)[0]
        self.printing = True
        try:
            return self.whole(expr, named)
        finally:
            self.printing = False

    def whole(self, expr: Expr, named: list[Expr] | None = None) -> str:
        """The text of a whole output, naming shared subexpressions when it is large."""
        if named is None:
            named = shared_subexpressions(expr)
        if not named:
            return self.of(expr)[0]
        definitions: list[tuple[str, str]] = []
        for k, node in enumerate(named, 1):
            name = self.subexpression_name(k)
            definitions.append((name, self.of(node)[0]))
            self.memo[node] = (name, ATOM)
        try:
            return self.with_definitions(self.of(expr)[0], definitions)
        finally:
            self.memo.clear()  # the names mean something only in this output

    def subexpression_name(self, k: int) -> str:
        """The name of the ``k``-th shared subexpression of a large output (``t₁``)."""
        return "t" + str(k).translate(_SUBSCRIPTS)

    def with_definitions(self, main: str, definitions: list[tuple[str, str]]) -> str:
        """A large output: ``main``, then ``where`` and the named subexpressions it uses."""
        lines = "\n".join(f"  {name} = {text}" for name, text in definitions)
        return f"{main}\nwhere\n{lines}"

    def of(self, root: Expr) -> Printed:
        """``(text, precedence)`` of ``root``, printing its unprinted descendants first (no recursion)."""
        memo = self.memo
        found = memo.get(root)
        if found is not None:
            return found
        stack = [root]
        while stack:
            node = stack[-1]
            if node in memo:
                stack.pop()
                continue
            pending = [a for a in node.args if a not in memo]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            memo[node] = self.dispatch(node)
        return memo[root]

    def dispatch(self, node: Expr) -> Printed:
        op = node.op
        if op is NUM:
            return self.print_number(node.data)
        if op is SYM:
            return self.print_symbol(node.data)
        if op is CONST:
            return self.print_constant(node.data)
        if op is ADD:
            return self.print_add(node)
        if op is MUL:
            return self.print_mul(node)
        if op is POW:
            return self.print_pow(node)
        if node is E:
            return self.print_constant("e")
        if op in CONDITIONS:
            return self.print_condition(node)
        if op == APPLY:
            return self.print_unknown(node)
        method = getattr(self, f"print_{op}", None)
        if method is not None:
            return cast(Printed, method(node))
        return self.print_function(node)

    def print_number(self, value: Value) -> Printed:
        raise NotImplementedError

    def print_symbol(self, name: str) -> Printed:
        return name, ATOM

    def print_constant(self, name: str) -> Printed:
        return name, ATOM

    def print_add(self, node: Expr) -> Printed:
        raise NotImplementedError

    def print_mul(self, node: Expr) -> Printed:
        raise NotImplementedError

    def print_pow(self, node: Expr) -> Printed:
        raise NotImplementedError

    def print_function(self, node: Expr) -> Printed:
        raise NotImplementedError

    def print_condition(self, node: Expr) -> Printed:
        raise NotImplementedError

    def print_unknown(self, node: Expr) -> Printed:
        raise NotImplementedError

    def condition_sides(self, node: Expr) -> tuple[str, str, str, int]:
        """``(left, sign, right, precedence)`` of a condition, its sides in parentheses where needed."""
        row = CONDITIONS[node.op]
        left, right = (self.wrap(a, row.precedence) for a in node.args)
        return left, row.text, right, row.precedence

    # ---------------------------------------------------------------- layout

    def wrap(self, node: Expr, above: int) -> str:
        """The text of ``node``, in parentheses unless its precedence is above ``above``."""
        text, prec = self.of(node)
        return text if prec > above else self.parens(text)

    def parens(self, text: str) -> str:
        return f"({text})"

    def degree(self, node: Expr) -> float:
        """The polynomial degree of a term, for ordering sums as x^2 + 2x + 1 (0 for non-polynomials)."""
        found = self._degrees.get(node)
        if found is not None:
            return found
        op = node.op
        if op is SYM:
            d = 1.0
        elif op is POW and node.args[1].op is NUM and node.args[0].op is SYM:
            d = as_float(node.args[1].data)
        elif op is MUL:
            d = sum(self.degree(f) for f in node.args)
        else:
            d = 0.0
        self._degrees[node] = d
        return d

    def ordered_terms(self, node: Expr) -> list[tuple[Value, Expr | None]]:
        """A sum's ``(coefficient, term)`` pairs in reading order, the constant last as ``(c, None)``.

        Highest degree first, then alphabetical; a positive constant goes first when the leading term is
        negative (``1 - x^2``, not ``-x^2 + 1``).
        """
        const = node.data[0]
        typed = self.order.get(node)
        if typed is not None:  # the order in which the sum was typed
            coefficients = dict(zip(node.args, node.data[1], strict=True))
            return [(const, None) if t is None else (coefficients[t], t) for t in typed]
        pairs: list[tuple[Value, Expr | None]] = list(zip(node.data[1], node.args, strict=True))
        pairs.sort(key=lambda p: (-self.degree(p[1]), self.of(p[1])[0]))  # type: ignore[arg-type]
        if const > 0 and pairs[0][0] < 0:
            pairs.insert(0, (const, None))
        elif const != 0:
            pairs.append((const, None))
        return pairs

    def join_terms(self, parts: list[tuple[bool, str]]) -> str:
        """``a + b - c`` from ``(negative, text)`` pairs."""
        out = ("-" if parts[0][0] else "") + parts[0][1]
        for negative, text in parts[1:]:
            out += (" - " if negative else " + ") + text
        return out

    def factor_rank(self, node: Expr) -> int:
        base = node.args[0] if node.op is POW else node
        return _RANKS.get(base.op, 2)

    def factor_order(self, factors: tuple[Expr, ...]) -> list[Expr]:
        """The factors of a product in the order they print (the typed order, if known)."""
        typed = self.order.get(factors)
        if typed is not None:
            return [f for f in typed if f in factors] + [f for f in factors if f not in typed]
        return sorted(factors, key=lambda f: (self.factor_rank(f), self.of(f)[0]))

    def product(self, coeff: Value, factors: tuple[Expr, ...] | list[Expr]) -> ProductLayout:
        """Lay out ``coeff * factors``: negative powers with numeric exponents go below the bar."""
        typed = self.order.get(tuple(factors))
        rank: dict[Expr, int] = {f: k for k, f in enumerate(typed)} if typed is not None else {}
        numerator: list[tuple[Any, Expr]] = []
        denominator: list[tuple[Any, Expr]] = []
        several = len(factors) > 1  # (a single factor needs no key: it may be the node being printed)
        for f in factors:
            key = (
                (rank[f],)
                if f in rank
                else (len(rank), self.factor_rank(f), self.of(f)[0])
                if several
                else ()
            )
            if (
                f.op is POW
                and f.args[1].op is NUM
                and f.args[1].data < 0
                and _below_the_bar(f, coeff, factors)
            ):
                denominator.append((key, power(f.args[0], number(-f.args[1].data))))
            else:
                numerator.append((key, f))
        numerator.sort(key=lambda pair: pair[0])
        denominator.sort(key=lambda pair: pair[0])
        negative = coeff < 0
        magnitude = -coeff if negative else coeff
        top, bottom = [f for _, f in numerator], [f for _, f in denominator]
        if type(magnitude) is Fraction:
            return ProductLayout(negative, magnitude.numerator, magnitude.denominator, top, bottom)
        return ProductLayout(negative, magnitude, 1, top, bottom)


def _below_the_bar(f: Expr, coeff: Value, factors: tuple[Expr, ...] | list[Expr]) -> bool:
    """Whether the power ``f`` (a negative exponent) prints as a divisor; not a power of a number (0^-2
    as 1/0^2 reads back as 1/0, 0^-1/2 as 1/(2*0), 1/(0*log(0)) too) unless it is the only divisor (1/0)."""
    if f.args[0].op is not NUM:
        return True
    if f.args[1].data != -1 or coeff not in (1, -1):
        return False
    return not any(g is not f and g.op is POW and g.args[1].op is NUM and g.args[1].data < 0 for g in factors)


def shared_subexpressions(root: Expr, limit: int = SHARE_LIMIT) -> list[Expr]:
    """The subexpressions to print by name, children first, when ``root`` printed as a tree would have
    more than ``limit`` nodes (none otherwise).

    A DAG of n nodes can print as a tree of 2^n (the 20th derivative of ``x^x`` has 1,614 nodes and prints
    as billions of characters). Past the limit, a subexpression used more than once gets a name when it
    is not tiny, and so does any that alone would print longer than the limit; the output then grows with
    the DAG, not the tree.
    """
    return names_and_depth(root, limit)[0]


def names_and_depth(root: Expr, limit: int = SHARE_LIMIT) -> tuple[list[Expr], int]:
    """:func:`shared_subexpressions` of ``root``, and how many nodes deep the deepest line of its text goes
    (the root's line and each named subexpression's; a name counts as one node where it is used)."""
    nodes = postorder([root])
    size: dict[Expr, int] = {}
    depth: dict[Expr, int] = {}
    for node in nodes:
        args = node.args
        if args:
            size[node] = min(1 + sum([size[a] for a in args]), limit + 1)
            depth[node] = 1 + max([depth[a] for a in args])
        else:
            size[node] = depth[node] = 1
    if size[root] <= limit:
        return [], depth[root]
    # the names are numbered in this walk's order: children by structural digest, the same in every run
    # (a sum's terms and a product's factors are stored in memory-address order)
    keys = digests([root], nodes)
    nodes = postorder([root], lambda node: sorted(node.args, key=keys.__getitem__))
    uses: dict[Expr, int] = dict.fromkeys(nodes, 0)
    for node in nodes:
        for a in node.args:
            uses[a] += 1
    named: list[Expr] = []
    deepest = 1
    for node in nodes:
        own = 1 + sum(size[a] for a in node.args)
        lines = 1 + max((depth[a] for a in node.args), default=0)  # (a named one's is 1: its name)
        if node is not root and ((uses[node] > 1 and own >= _SHARED_AT_LEAST) or own > limit // 10):
            named.append(node)
            deepest = max(deepest, lines)
            own = lines = 1
        size[node], depth[node] = min(own, limit + 1), lines
    return named, max(deepest, depth[root])


def pieces(node: Expr) -> tuple[list[tuple[Expr, Expr]], Expr]:
    """A piecewise node as ``[(condition, value), ...]`` and the value otherwise (nested ones flattened)."""
    out: list[tuple[Expr, Expr]] = []
    while node.op == "piecewise":
        chosen, value, node = node.args
        out.append((chosen, value))
    return out, node
