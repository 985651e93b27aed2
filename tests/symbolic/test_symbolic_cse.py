"""Evaluation plans: common sub-products shared by greedy pairing, in work that grows linearly."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import numpy as np
import pytest

from chainrule import symbolic as sym
from chainrule.symbolic.cse import Instruction, Plan, plan


def _calls(function: Callable[[], Any]) -> int:
    """How many Python and C functions ``function()`` calls: a measure of work that is the same everywhere.

    Unlike a time, it does not depend on the machine or on its load, so a test can compare it exactly.
    """
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        function()
    finally:
        sys.setprofile(previous)
    return count


def _products_with_long_tails(n: int) -> sym.Expr:
    """Four products sharing ``x*y``, each with ``n/4`` factors of its own, and one of ``n`` such factors.

    The last is the shape of the derivative of an ``n``-fold composition: one product of ``n`` factors that
    occur nowhere else.
    """
    alone = sym.parse("*".join(f"a{k}" for k in range(n)))
    shared = [sym.parse("x*y*" + "*".join(f"b{j}_{k}" for k in range(n // 4))) for j in range(4)]
    return sum(shared, alone)


def _symbol_index(p: Plan, name: str) -> int:
    return next(i for i, s in enumerate(p.steps) if s.kind == "symbol" and s.data == name)


def _is_pair(p: Plan, instruction: Instruction, names: set[str]) -> bool:
    operands = {p.steps[i].data for i in instruction.operands if p.steps[i].kind == "symbol"}
    return instruction.kind == "mul" and len(instruction.operands) == 2 and operands == names


def test_a_pair_of_factors_common_to_products_is_computed_once() -> None:
    p = plan([_products_with_long_tails(40)])
    pairs = [s for s in p.steps if _is_pair(p, s, {"x", "y"})]
    assert len(pairs) == 1
    x, y = _symbol_index(p, "x"), _symbol_index(p, "y")
    # only the new product uses x and y, and every product that had both now has it instead
    assert p.uses[x] == p.uses[y] == 1
    assert p.uses[p.steps.index(pairs[0])] == 4


def test_many_factors_common_to_two_products_take_one_multiplication_each() -> None:
    e = sym.parse("a b c d e f g h p + 2 a b c d e f g h q")
    # 7 multiplications for a*b*...*h, one more for each product and its coefficient, and the addition
    assert e.count_ops(cse=False) == 2 * 8 + 1 + 1
    assert e.count_ops() == 7 + 2 + 1 + 1


def test_plans_of_overlapping_products_compute_the_expression() -> None:
    rng = np.random.default_rng(0)
    names = [f"q{k}" for k in range(10)]
    values = rng.uniform(0.5, 1.5, size=len(names))
    for _ in range(30):
        terms, want = [], 0.0
        for _ in range(int(rng.integers(2, 25))):
            picks = rng.choice(len(names), size=int(rng.integers(1, 8)), replace=False)
            coefficient = int(rng.integers(1, 4))
            terms.append(f"{coefficient}*" + "*".join(names[k] for k in picks))
            want += coefficient * float(np.prod(values[picks]))
        e = sym.parse(" + ".join(terms))
        p = plan([e])
        assert all(j < i for i, s in enumerate(p.steps) for j in s.operands)  # evaluation order
        assert float(sym.lambdify(e, names)(*values)) == pytest.approx(want, rel=1e-13)


def test_sharing_products_takes_work_linear_in_the_factors_found_once() -> None:
    # pairing every factor of a product with every other one is quadratic: a product of 3000 factors took
    # 11 s; four times the factors must take about four times the calls, not sixteen times
    small = _products_with_long_tails(250)
    large = _products_with_long_tails(1000)
    ratio = _calls(lambda: plan([large])) / _calls(lambda: plan([small]))
    assert 3 < ratio < 6


def _terms_sharing_most_factors(n: int) -> sym.Expr:
    """``n`` products of ``n`` factors each, any two sharing all but two: the shape of the second derivative
    of an ``n``-fold composition, where greedy pairing would take work of the order of ``n**3``."""
    names = [f"q{k}" for k in range(n)]
    text = " + ".join("*".join([*names[:k], f"r{k}", *names[k + 1 :]]) for k in range(n))
    return sym.parse(text, max_length=len(text))


def test_pairing_stops_at_its_budget_and_the_plan_still_computes_the_expression(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chainrule.symbolic import cse

    e = _terms_sharing_most_factors(40)
    shared = plan([e]).operations()
    monkeypatch.setattr(cse, "PAIRING_WORK", 40_000)  # the pairs are counted (29,640), a few rounds run
    partly = plan([e]).operations()
    monkeypatch.setattr(cse, "PAIRING_WORK", 10)  # not even the pairs can be counted: none shared
    unshared = plan([e]).operations()
    assert shared < partly < unshared == e.count_ops(cse=False)
    names = [f"q{k}" for k in range(40)] + [f"r{k}" for k in range(40)]
    values = np.random.default_rng(1).uniform(0.9, 1.1, size=len(names))
    want = float(e.evaluate(dict(zip(names, values, strict=True))))
    for budget in (10, 40_000):
        monkeypatch.setattr(cse, "PAIRING_WORK", budget)
        assert float(sym.lambdify(e, names)(*values)) == pytest.approx(want, rel=1e-12)


def test_pairing_products_that_share_most_factors_stays_within_its_budget() -> None:
    # 200 products of 200 factors (3.9 million pairs: not even counted), and 120 of 120 (850,000 pairs, then
    # rounds until the budget is spent): pairing to the end would take minutes, and 5.2 million calls
    for n, most in ((200, 500_000), (120, 3_000_000)):
        e = _terms_sharing_most_factors(n)
        assert _calls(lambda e=e: plan([e])) < most


@pytest.mark.parametrize(
    "text",
    [
        "x^x^x",
        "2*x*y*sin(z) + 3*x*y*cos(z)",
        "e^x + e - pi*x^2",
        "-x - y",
        "-(x + y)*3 + 1",
        "sqrt(x^2 + 1)/(x - 1) + log(x, 2) + abs(x)",
        "sin(x)^2*cos(x) - 4*tanh(x*y)^3/exp(x)",
    ],
)
def test_the_count_without_sharing_products_is_the_plans(text: str) -> None:
    # count_ops(cse=False) reads the costs off the DAG without building a plan; it must count as the plan
    from chainrule.symbolic.cse import count_ops

    e = sym.parse(text)
    for expr in (e, sym.diff(e, "x"), sym.diff(e, "x", 2)):
        assert count_ops([expr], cse=False) == plan([expr], share_products=False).operations()
    both = [e, sym.diff(e, "x")]
    assert count_ops(both, cse=False) == plan(both, share_products=False).operations()
