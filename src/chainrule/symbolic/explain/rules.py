"""Working out a derivative the way a teacher does, one rule per step, from the engine's rule table.

:class:`Explainer` looks at an expression's outermost operation, names the rule that applies (the
primitive's ``rule`` and ``notation`` fields), works out the parts' derivatives as steps of their own, and
combines them with the same forward rules :func:`chainrule.symbolic.diff` uses. It sees structure as a
teacher does: a product with negative powers is a quotient, a product with constant factors a constant
multiple, a power with the variable in both base and exponent calls for logarithmic differentiation, and a
function of anything but the variable itself for the chain rule, with the substitution ``u = ...`` named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chainrule.core.primitive import Primitive
from chainrule.core.rules import arithmetic as ar
from chainrule.errors import ChainruleValueError
from chainrule.symbolic.algebra import mul_all, power
from chainrule.symbolic.differentiate import power_primitive, primitive_of, rule_result, tangent
from chainrule.symbolic.explain.formula import BoardFormula, Deriv, Product, Quotient, Square, Sum
from chainrule.symbolic.explain.kinks import kink_text
from chainrule.symbolic.explain.pieces import piecewise_step
from chainrule.symbolic.explain.steps import Step
from chainrule.symbolic.expr import ADD, MUL, NUM, ONE, POW, ZERO, Expr, number, symbol
from chainrule.symbolic.functions import call, primitive
from chainrule.symbolic.printing.text import TextPrinter
from chainrule.symbolic.traverse import substitute
from chainrule.symbolic.unknowns import APPLY, unknown, unknown_name

__all__ = ["Explainer"]

MAX_STEPS = 500


class Explainer:
    """Builds the steps for ``d/d(var)`` of an expression (one instance per explanation)."""

    def __init__(self, expr: Expr, var: Expr) -> None:
        self.var = var
        self.steps: list[Step | None] = []
        self.memo: dict[Expr, int] = {}
        taken = {s.name for s in expr.free_symbols}
        self.names = [n for n in ("u", "v", "w", "s", "r", "q") if n not in taken] or ["u_1"]
        self.chain_depth = 0
        self.printer = TextPrinter()  # for the reading order of terms and factors

    def show(self, e: Expr) -> str:
        """``e`` as text, in the order it was typed."""
        return self.printer.of(e)[0]

    def explain(self, node: Expr, depth: int = 0) -> int:
        """The number of the step that works out ``d/d(var) node`` (explaining it first if needed)."""
        known = self.memo.get(node)
        if known is not None:
            return known
        if len(self.steps) >= MAX_STEPS:
            raise ChainruleValueError(
                f"the explanation would take over {MAX_STEPS} steps; use diff() for the result alone"
            )
        index = len(self.steps)
        self.steps.append(None)  # reserved: a step is numbered before the steps for its parts
        step = self.make(node, index + 1, depth)
        self.steps[index] = step
        self.memo[node] = index + 1
        return index + 1

    def result(self, number_: int) -> Expr:
        step = self.steps[number_ - 1]
        if step is None:
            raise RuntimeError("a step referred to itself")  # cannot happen: expressions are acyclic
        return step.result

    def make(self, node: Expr, n: int, depth: int) -> Step:
        var = self.var
        if var not in node.free_symbols:
            what = f"{node} does not depend on {var}" if node.op != NUM else ""
            return Step(n, depth, "constant rule", "d/dx c = 0", node, var, ZERO, note=what)
        if node is var:
            return Step(n, depth, "identity rule", "d/dx x = 1", node, var, ONE)
        if node.op is ADD:
            return self.sum(node, n, depth)
        if node.op is MUL:
            return self.product(node, n, depth)
        if node.op is POW:
            return self.power(node, n, depth)
        return self.function(node, n, depth)

    # ---------------------------------------------------------------- sums and products

    def sum(self, node: Expr, n: int, depth: int) -> Step:
        var, prim = self.var, primitive_of(node)
        terms: list[tuple[bool, BoardFormula]] = []
        values: list[tuple[bool, BoardFormula]] = []
        found: dict[Expr, Expr] = {}
        parts: list[int] = []
        for c, t in self.printer.ordered_terms(node):
            if t is None or var not in t.free_symbols:
                continue
            part = self.explain(t, depth + 1)
            parts.append(part)
            found[t] = value = self.result(part)
            scale = number(abs(c))
            terms.append((c < 0, Deriv(t, var) if abs(c) == 1 else Product((scale, Deriv(t, var)))))
            values.append((c < 0, value if abs(c) == 1 else Product((scale, value))))
        rule = prim.rule if prim is not None else "sum rule"
        if any(abs(c) != 1 for c in node.data[1]):
            rule += " and constant multiple rule"
        statement = prim.notation if prim is not None else ""
        constants = node.data[0] != 0 or len(found) < len(node.args)
        note = f"terms without {var} are constants, with derivative 0" if constants else ""
        result = tangent(node, [found.get(t) for t in node.args])
        return Step(
            n,
            depth,
            rule,
            statement,
            node,
            var,
            result,
            Sum(tuple(terms)),
            Sum(tuple(values)),
            note=note,
            parts=tuple(parts),
        )

    def product(self, node: Expr, n: int, depth: int) -> Step:
        var = self.var
        constant = [f for f in node.args if var not in f.free_symbols]
        varying = [f for f in node.args if var in f.free_symbols]
        if constant or node.data != 1:
            return self.constant_multiple(node, mul_all([number(node.data), *constant]), varying, n, depth)
        below = [power(f.args[0], number(-f.args[1].data)) for f in varying if _negative_power(f)]
        above = [f for f in varying if not _negative_power(f)]
        if below and above:
            return self.quotient(node, mul_all(above), mul_all(below), n, depth)
        if below:
            return self.reciprocal(node, mul_all(below), n, depth)
        return self.product_rule(node, n, depth)

    def constant_multiple(self, node: Expr, k: Expr, varying: list[Expr], n: int, depth: int) -> Step:
        var, f = self.var, mul_all(varying)
        part = self.explain(f, depth + 1)
        df = self.result(part)
        result = rule_result(ar.multiply_p, 1, df, node, k, f)
        statement = "(c f)' = c f'" if k != -1 else ar.negative_p.notation
        return Step(
            n,
            depth,
            ar.negative_p.rule,
            statement,
            node,
            var,
            result,
            Product((k, Deriv(f, var))),
            Product((k, df)),
            parts=(part,),
        )

    def quotient(self, node: Expr, top: Expr, bottom: Expr, n: int, depth: int) -> Step:
        var, prim = self.var, ar.divide_p
        p_top, p_bottom = self.explain(top, depth + 1), self.explain(bottom, depth + 1)
        d_top, d_bottom = self.result(p_top), self.result(p_bottom)
        result = rule_result(prim, 0, d_top, node, top, bottom) + rule_result(
            prim, 1, d_bottom, node, top, bottom
        )
        formula = Quotient(
            Sum(((False, Product((Deriv(top, var), bottom))), (True, Product((top, Deriv(bottom, var)))))),
            Square(bottom),
        )
        values = Quotient(
            Sum(((False, Product((d_top, bottom))), (True, Product((top, d_bottom))))), Square(bottom)
        )
        return Step(
            n, depth, prim.rule, prim.notation, node, var, result, formula, values, parts=(p_top, p_bottom)
        )

    def reciprocal(self, node: Expr, bottom: Expr, n: int, depth: int) -> Step:
        var, prim = self.var, ar.reciprocal_p
        part = self.explain(bottom, depth + 1)
        d_bottom = self.result(part)
        result = rule_result(prim, 0, d_bottom, node, bottom)
        formula = Sum(((True, Quotient(Deriv(bottom, var), Square(bottom))),))
        values = Sum(((True, Quotient(d_bottom, Square(bottom))),))
        return Step(n, depth, prim.rule, prim.notation, node, var, result, formula, values, parts=(part,))

    def product_rule(self, node: Expr, n: int, depth: int) -> Step:
        var = self.var
        factors = self.printer.factor_order(node.args)
        parts = [self.explain(f, depth + 1) for f in factors]
        found = {f: self.result(p) for f, p in zip(factors, parts, strict=True)}

        def each(value: Callable[[Expr], BoardFormula]) -> Sum:
            return Sum(
                tuple((False, Product(tuple(value(g) if g is f else g for g in factors))) for f in factors)
            )

        prim = ar.multiply_p
        result = tangent(node, [found[f] for f in node.args])
        return Step(
            n,
            depth,
            prim.rule,
            prim.notation,
            node,
            var,
            result,
            each(lambda g: Deriv(g, var)),
            each(found.__getitem__),
            parts=tuple(dict.fromkeys(parts)),
        )

    # ---------------------------------------------------------------- powers and functions

    def power(self, node: Expr, n: int, depth: int) -> Step:
        base, exponent = node.args
        var = self.var
        if var in base.free_symbols and var in exponent.free_symbols:
            return self.logarithmic(node, n, depth)
        if var in base.free_symbols:
            prim = power_primitive(exponent)
            outer = _Outer.of(prim, prim.rule, lambda u: power(u, exponent), 0, named=False)
            return self.chain(node, base, outer, n, depth)
        outer = _Outer.of(ar.power_p, "exponential rule", lambda u: power(base, u), 1, named=False)
        return self.chain(node, exponent, outer, n, depth)

    def logarithmic(self, node: Expr, n: int, depth: int) -> Step:
        var, (f, g) = self.var, node.args
        p_f, p_g = self.explain(f, depth + 1), self.explain(g, depth + 1)
        df, dg = self.result(p_f), self.result(p_g)
        log_f = call("log", f)
        inside = Sum(
            ((False, Product((Deriv(g, var), log_f))), (False, Quotient(Product((g, Deriv(f, var))), f)))
        )
        values = Sum(((False, Product((dg, log_f))), (False, Quotient(Product((g, df)), f))))
        note = (
            f"with y = {node}: log(y) = {g * log_f}; differentiating both sides, y'/y = g' log(f) + g f'/f, "
            "so y' = f^g (g' log(f) + g f'/f)"
        )
        return Step(
            n,
            depth,
            "logarithmic differentiation",
            "(f^g)' = f^g (g' log(f) + g f'/f)",
            node,
            var,
            tangent(node, [df, dg]),
            Product((node, inside)),
            Product((node, values)),
            note=note,
            parts=tuple(dict.fromkeys((p_f, p_g))),
        )

    def function(self, node: Expr, n: int, depth: int) -> Step:
        if node.op == APPLY:
            name, order = node.data
            shown = unknown_name(node)
            outer = _Outer(
                "derivative of an unknown function",
                f"({shown}(x))' = {shown}'(x), the derivative of the unknown {name}",
                "",
                lambda u: unknown(name, u, order),
                0,
                shown,
            )
            return self.chain(node, node.args[0], outer, n, depth)
        if node.op == "piecewise":
            return piecewise_step(self, node, n, depth)
        prim = primitive(node.op)
        if prim is not None and prim.arity == 1:
            outer = _Outer.of(prim, prim.rule, lambda u: call(node.op, u), 0)
            return self.chain(node, node.args[0], outer, n, depth)
        return self.several(node, n, depth)

    def chain(self, node: Expr, inner: Expr, outer: _Outer, n: int, depth: int) -> Step:
        """A function of one varying argument: its own rule if that is the variable, else the chain rule."""
        var = self.var
        tangents: list[Expr | None] = [None, None] if node.op is POW else [None]
        if inner is var:
            tangents[outer.slot] = ONE
            note = kink_text(outer.kink, [var], var)
            return Step(n, depth, outer.rule, outer.notation, node, var, tangent(node, tangents), note=note)
        name = self.names[self.chain_depth % len(self.names)]
        note = kink_text(outer.kink, [inner], var, [name], self.show)
        u = symbol(name)
        self.chain_depth += 1
        part = self.explain(inner, depth + 1)
        self.chain_depth -= 1
        d_inner = self.result(part)
        outer_u = outer.build(u)
        unit = list(tangents)
        unit[outer.slot] = ONE
        d_outer_u = tangent(outer_u, unit)  # the outer function's derivative, in u
        tangents[outer.slot] = d_inner
        d_outer = Deriv(outer_u, u, outer=outer.name)
        return Step(
            n,
            depth,
            "chain rule",
            "(f(u))' = f'(u) u'",
            node,
            var,
            tangent(node, tangents),
            Product((d_outer, Deriv(inner, var, name=name))),
            Product((substitute(d_outer_u, {u: inner}), d_inner)),
            where=((name, inner),),
            facts=((d_outer, d_outer_u, f"{outer.rule}: {outer.notation}"),),
            note=note,
            parts=(part,),
        )

    def several(self, node: Expr, n: int, depth: int) -> Step:
        """A function of several arguments (max, min, atan2): a partial derivative times each one's."""
        var, prim = self.var, primitive(node.op)
        terms: list[tuple[bool, BoardFormula]] = []
        values: list[tuple[bool, BoardFormula]] = []
        tangents: list[Expr | None] = []
        parts: list[int] = []
        for i, a in enumerate(node.args):
            if var not in a.free_symbols:
                tangents.append(None)
                continue
            unit: list[Expr | None] = [None] * len(node.args)
            unit[i] = ONE
            partial = tangent(node, unit)
            part = self.explain(a, depth + 1)
            parts.append(part)
            tangents.append(self.result(part))
            terms.append((False, Product((partial, Deriv(a, var)))))
            values.append((False, Product((partial, self.result(part)))))
        rule = prim.rule if prim is not None else "step function"
        statement = prim.notation if prim is not None else "heaviside' = 0"
        note = kink_text(prim.kink or "", node.args, var, show=self.show) if prim is not None else ""
        return Step(
            n,
            depth,
            rule,
            statement,
            node,
            var,
            tangent(node, tangents),
            Sum(tuple(terms)),
            Sum(tuple(values)),
            note=note,
            parts=tuple(parts),
        )


@dataclass(frozen=True)
class _Outer:
    """The outer function of a chain rule: its rule's name, statement and kink, how to build it in ``u``,
    which operand ``u`` is, and its name for Lagrange's notation (``sin`` for sin'(u); None for powers)."""

    rule: str
    notation: str
    kink: str
    build: Callable[[Expr], Expr]
    slot: int
    name: str | None = None

    @classmethod
    def of(
        cls, prim: Primitive, rule: str, build: Callable[[Expr], Expr], slot: int, named: bool = True
    ) -> _Outer:
        name = prim.formula.name if named and prim.formula is not None and prim.formula.name else None
        return cls(rule, prim.notation, prim.kink or "", build, slot, name)


def _negative_power(f: Expr) -> bool:
    return f.op is POW and f.args[1].op is NUM and f.args[1].data < 0
