"""What three values of a derivative at a point amount to, in words that are true.

- :func:`agreement`: NaN is disagreement, never agreement; infinite values cannot be compared; finite ones
  agree when the automatic and symbolic values match to rounding and the numerical one is within its own
  error bound.
- :func:`domain_note`: where a value is NaN, the sub-expression that first turns NaN from finite parts
  (``log(x)`` at ``x = -1``), and why.
- :func:`kink_notes`: a note for each function with a kink (the rows whose ``kink=`` text says so) that is at
  its kink at the point, with that text; none for smooth functions (``sqrt`` at 0 has no kink).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["agreement", "domain_note", "kink_notes"]

# Beyond this many nodes the notes are not worth evaluating every sub-expression for.
_MAX_NODES = 2000


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def agreement(automatic: Any, symbolic: Any, numerical: Any, error: Any) -> str:
    """One line: whether the three values agree, and how closely.

    Examples
    --------
    >>> agreement(0.5, 0.5, 0.5000000001, 1e-9)
    'agreement: the three differ by at most 1.0e-10, within the numerical error bound'
    >>> agreement(-1.0, -1.0, float("nan"), float("inf"))
    'disagreement: the numerical value is NaN (not a number), so the three cannot agree'
    """
    values = {
        "automatic": np.asarray(automatic, dtype=float),
        "symbolic": np.asarray(symbolic, dtype=float),
        "numerical": np.asarray(numerical, dtype=float),
    }
    nan = [name for name, v in values.items() if np.isnan(v).any()]
    infinite = [name for name, v in values.items() if np.isinf(v).any()]
    if nan:
        text = f"disagreement: the {_names(nan)} value{'s are' if len(nan) > 1 else ' is'} NaN (not a number)"
        if not infinite:
            return f"{text}, so the three cannot agree"
        plural = "s are" if len(infinite) > 1 else " is"
        return f"{text} and the {_names(infinite)} value{plural} infinite: how far apart cannot be judged"
    a, s, n = values.values()
    if infinite:
        if len(infinite) == 3 and np.array_equal(a, s) and np.array_equal(s, n):
            return (
                "all three are infinite here: how far apart they are cannot be judged (a vertical tangent "
                "or a pole)"
            )
        plural = "s are" if len(infinite) > 1 else " is"
        return (
            f"disagreement: the {_names(infinite)} value{plural} infinite, so how far apart they are "
            "cannot be judged (a vertical tangent or a pole?)"
        )
    return _finite_agreement(a, s, n, np.asarray(error, dtype=float))


def _finite_agreement(a: np.ndarray, s: np.ndarray, n: np.ndarray, bound: np.ndarray) -> str:
    scale = max(1.0, float(np.max(np.abs(s), initial=0.0)))
    automatic_gap = float(np.max(np.abs(a - s), initial=0.0))
    numerical_gap = np.abs(n - s)
    rounding = 16 * np.finfo(float).eps * scale  # the symbolic value is itself evaluated in floats
    problems = []
    if automatic_gap > 1e-9 * scale:
        problems.append(f"the automatic and symbolic values differ by {automatic_gap:.1e}")
    if np.any(numerical_gap > bound + rounding):
        worst = int(np.argmax(numerical_gap - bound))
        problems.append(
            f"the numerical value is {numerical_gap.flat[worst]:.1e} from the symbolic one, more than its "
            f"error bound {bound.flat[worst]:.1e}"
        )
    if problems:
        return "disagreement: " + "; ".join(problems)
    spread = max(automatic_gap, float(np.max(numerical_gap, initial=0.0)))
    return f"agreement: the three differ by at most {spread:.1e}, within the numerical error bound"


def _values(nodes: Sequence[Any], point: Mapping[str, float]) -> dict[Any, float]:
    """The value of every node at the point (each evaluated on its own: nodes are few)."""
    values: dict[Any, float] = {}
    with np.errstate(all="ignore"):
        for node in nodes:
            try:
                values[node] = float(np.real_if_close(node.evaluate(dict(point))))
            except (ArithmeticError, ValueError, TypeError):
                values[node] = float("nan")
    return values


def _nodes(roots: Sequence[Any]) -> list[Any]:
    from chainrule.symbolic.traverse import postorder

    nodes = postorder(roots)
    return nodes if len(nodes) <= _MAX_NODES else []


def _where(args: Sequence[Any], values: Mapping[Any, float]) -> str:
    return ", ".join(f"{a} = {values[a]:g}" for a in args)


def domain_note(roots: Sequence[Any], point: Mapping[str, float]) -> str | None:
    """Where one of ``roots`` is NaN at ``point``: the innermost sub-expression that is NaN although its
    parts are finite, and why (None when none is).

    Examples
    --------
    >>> from chainrule import symbolic
    >>> domain_note([symbolic.parse("sin(log(x - 3))*2")], {"x": 1.0})
    'note: log(x - 3) is not defined at x - 3 = -2: -2 is outside the domain of log'
    """
    nodes = _nodes(roots)
    values = _values(nodes, point)
    for node in nodes:
        if not np.isnan(values[node]) or not node.args or not all(np.isfinite(values[a]) for a in node.args):
            continue
        where = _where(node.args, values)
        if node.op == "pow":
            return (
                f"note: {node} is not defined at {_where(node.args[:1], values)}: a negative number to a "
                f"non-integer power ({values[node.args[1]]:g}) is not a real number"
            )
        if node.op in ("add", "mul"):
            return f"note: {node} is NaN at this point ({where}): an inf - inf or a 0 × inf"
        inside = f"{values[node.args[0]]:g}" if len(node.args) == 1 else f"({where})"
        return f"note: {node} is not defined at {where}: {inside} is outside the domain of {node.op}"
    return None


def _differ(a: float, b: float) -> bool:
    return bool(np.isfinite(a) and np.isfinite(b) and abs(a - b) > 1e-3 * (1 + abs(a) + abs(b)))


def _at_a_kink(impl: Any, values: list[float]) -> bool:
    """Whether ``impl`` is not differentiable at ``values`` along some argument: its one-sided slopes
    differ (a corner), or a slope grows as the step shrinks (a jump)."""
    with np.errstate(all="ignore"):
        for i, v in enumerate(values):

            def at(t: float, i: int = i) -> float:
                return float(impl(*values[:i], t, *values[i + 1 :]))

            h = 1e-6 * max(1.0, abs(v))
            right, left = (at(v + h) - at(v)) / h, (at(v) - at(v - h)) / h
            finer = (at(v + h / 16) - at(v)) / (h / 16)
            if _differ(right, left) or _differ(right, finer):
                return True
    return False


def kink_notes(roots: Sequence[Any], point: Mapping[str, float]) -> list[str]:
    """A note for each function in ``roots`` that has a kink (its rule row says so) and is at it at the point.

    Examples
    --------
    >>> from chainrule import symbolic
    >>> for note in kink_notes([symbolic.parse("relu(x - 1) + sqrt(x)")], {"x": 1.0}):
    ...     print(note)  # doctest: +ELLIPSIS
    note: relu(x - 1) is at its kink here (x - 1 = 0): relu has a corner at x - 1 = 0, where every slope ...
    >>> kink_notes([symbolic.parse("relu(x - 1) + sqrt(x)")], {"x": 2.0})
    []
    """
    from chainrule.symbolic.explain.kinks import kink_text
    from chainrule.symbolic.functions import primitive

    nodes = _nodes(roots)
    notes = []
    for node in nodes:
        prim = primitive(node.op)
        if prim is None or not prim.kink:
            continue
        values = _values(node.args, point)
        if all(np.isfinite(list(values.values()))) and _at_a_kink(prim.impl, [values[a] for a in node.args]):
            notes.append(
                f"note: {node} is at its kink here ({_where(node.args, values)}): "
                f"{kink_text(prim.kink, node.args)}. A difference "
                "quotient straddles the kink, so the numerical value may differ from the other two"
            )
    return notes
