"""Where a function of one variable has a corner: its one-sided slopes, and what chainrule returns there.

At a corner (``|x|`` at 0, ``relu`` at 0, ``abs(x − 1) + x²`` at 1) there is no tangent. The slopes of the
two sides bound the *subdifferential* ``[min(f′₋, f′₊), max(f′₋, f′₊)]`` (for a convex ``f``, every line
through the point with such a slope stays below the graph), and chainrule's derivative there is one
member of it, chosen by the rule row of the function at its kink (``abs'(0) = 0``, ``relu'(0) = 0``,
ties of ``maximum`` split ½ ½). Nothing here restates those choices: the one-sided slopes and the value
come from :func:`chainrule.grad` itself, and the words from each row's ``kink=`` text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.viz.trace import _parents_first

__all__ = ["Jump", "Kink", "find_jump", "find_kink"]

# Steps beside the point, relative to max(1, |x|): the one-sided slopes are taken this close, and again
# 16 times closer; a corner keeps its gap between them, a smooth function's gap shrinks 16-fold.
_STEP = 1e-6
_SHRINK = 16.0


@dataclass(frozen=True)
class Kink:
    """A corner of ``f`` at ``x``.

    Attributes
    ----------
    x : float
        The point.
    left, right : float
        The one-sided slopes ``f′(x−)`` and ``f′(x+)``.
    chosen : float
        ``chainrule.grad(f)(x)``: the member of the interval chainrule returns.
    notes : tuple of str
        The ``kink=`` text of each rule row that is at its kink here (its policy, in its own words).
    """

    x: float
    left: float
    right: float
    chosen: float
    notes: tuple[str, ...]

    @property
    def interval(self) -> tuple[float, float]:
        """The subdifferential ``[low, high]``: every slope between the two one-sided ones."""
        return min(self.left, self.right), max(self.left, self.right)


def _slope(f: Callable[..., Any], x: float) -> float:
    from chainrule.core import grad

    with np.errstate(all="ignore"):
        return float(grad(f)(x))


def _differ(a: float, b: float) -> bool:
    return bool(abs(a - b) > 1e-6 * (1.0 + abs(a) + abs(b)))


def find_kink(f: Callable[..., Any], x: float) -> Kink | None:
    """The corner of ``f`` at ``x``, or ``None`` where ``f`` is differentiable (or not finite).

    Examples
    --------
    >>> import numpy as np
    >>> kink = find_kink(np.abs, 0.0)
    >>> kink.interval, kink.chosen
    ((-1.0, 1.0), 0.0)
    >>> find_kink(np.sin, 0.0) is None
    True
    """
    x = float(x)
    h = _STEP * max(1.0, abs(x))
    left, right = _slope(f, x - h), _slope(f, x + h)
    if not (np.isfinite(left) and np.isfinite(right)) or not _differ(left, right):
        return None
    closer_left, closer_right = _slope(f, x - h / _SHRINK), _slope(f, x + h / _SHRINK)
    gap, closer_gap = right - left, closer_right - closer_left
    if abs(closer_gap) < 0.5 * abs(gap):  # the gap shrinks with the step: a steep smooth function
        return None
    # the slope at x ∓ t is the one-sided slope plus O(t): extrapolate the two steps to t = 0
    one_left = closer_left + (closer_left - left) / (_SHRINK - 1)
    one_right = closer_right + (closer_right - right) / (_SHRINK - 1)
    return Kink(x, one_left, one_right, _slope(f, x), _notes(f, x, h))


def _trace(f: Callable[..., Any], x: float) -> list[Any]:
    from chainrule.core import Tensor

    with np.errstate(all="ignore"):
        out = f(Tensor(x, requires_grad=True))
    return _parents_first(out) if hasattr(out, "parents") else []


def _notes(f: Callable[..., Any], x: float, h: float) -> tuple[str, ...]:
    """The ``kink=`` text of the rows whose own value has a corner at ``x``: traced at ``x`` and beside it,
    a node at a corner has a second difference proportional to the step, a smooth one to its square."""
    from chainrule.core.registry import primitives

    kinks = {p.name: p.kink for p in primitives() if p.kink}
    traces = [_trace(f, x + t) for t in (-h, 0.0, h, -h / _SHRINK, h / _SHRINK)]
    shape = [node.op for node in traces[1]]
    if any([node.op for node in trace] != shape for trace in traces):
        return ()  # the function took another path beside the point: no node-by-node comparison
    notes: list[str] = []
    for k, op in enumerate(shape):
        text = kinks.get(op)
        if text is None or text in notes:
            continue
        centre = np.asarray(traces[1][k].data)
        far = np.abs(traces[0][k].data + traces[2][k].data - 2 * centre)
        near = np.abs(traces[3][k].data + traces[4][k].data - 2 * centre)
        # a corner: far ≈ h·gap and near ≈ far/16; smooth: far ≈ h²·f″ and near ≈ far/256
        with np.errstate(all="ignore"):
            corner = (far > 1e-4 * h) & (near > 0.5 * far / _SHRINK)
            sides = [np.asarray(traces[i][k].data) for i in (0, 2, 3, 4)]
            jump = _jumps(sides[0], sides[1], sides[2], sides[3], centre)
        if np.any(corner | jump):
            notes.append(text)
    return tuple(notes)


def _jumps(far_left: Any, far_right: Any, near_left: Any, near_right: Any, centre: Any) -> Any:
    """Where the values on the two sides stay apart as the step shrinks 16-fold (a continuous function's
    gap shrinks with it)."""
    far, near = np.abs(far_right - far_left), np.abs(near_right - near_left)
    return (near > 1e-9 * (1.0 + np.abs(centre))) & (near > 0.5 * far)


@dataclass(frozen=True)
class Jump:
    """A jump of ``f`` at ``x``: the limits from each side, the slope chainrule returns, the rows' words."""

    x: float
    left: float
    right: float
    chosen: float
    notes: tuple[str, ...]


def find_jump(f: Callable[..., Any], x: float) -> Jump | None:
    """The jump of ``f`` at ``x`` (``sign`` at 0, ``floor`` at an integer), or ``None`` where ``f`` is
    continuous there.

    Examples
    --------
    >>> import numpy as np
    >>> jump = find_jump(np.sign, 0.0)
    >>> jump.left, jump.right, jump.chosen
    (-1.0, 1.0, 0.0)
    >>> find_jump(np.abs, 0.0) is None
    True
    """
    from chainrule.viz._deps import values_of

    x = float(x)
    h = _STEP * max(1.0, abs(x))
    offsets = np.array([-h, h, -h / _SHRINK, h / _SHRINK])
    far_left, far_right, near_left, near_right = values_of(f, x + offsets)
    centre = values_of(f, np.array([x]))[0]
    if not np.all(np.isfinite([far_left, far_right, near_left, near_right])):
        return None
    if not _jumps(far_left, far_right, near_left, near_right, centre):
        return None
    return Jump(x, float(near_left), float(near_right), _slope(f, x), _notes(f, x, h))
