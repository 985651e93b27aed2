"""Dual: a value paired with its tangent, for forward-mode differentiation.

Each primitive applied to a Dual computes its output and, through its forward rule, the output's tangent:
the directional derivative travels alongside the value. No graph is kept.
"""

from __future__ import annotations

from typing import Any

from chainrule.core.arraylike import ArrayLike
from chainrule.core.primitive import Primitive, Traced, apply, missing_rule
from chainrule.core.rules._util import shape_of
from chainrule.errors import GraphError

__all__ = ["Dual"]


class Dual(ArrayLike):
    """A primal value and its tangent at one trace level (made by :func:`chainrule.jvp`).

    ``tangent`` is ``None`` when it is known to be zero, which lets rules skip work.
    """

    __slots__ = ("_level", "primal", "tangent")

    def __init__(self, primal: Any, tangent: Any, level: int) -> None:
        self.primal = primal
        self.tangent = tangent
        self._level = level

    def _value(self) -> Any:
        return self.primal

    def _lift(self, prim: Primitive, args: Any, params: dict[str, Any]) -> Any:
        level = self._level
        vals = list(args)
        tangents: list[tuple[int, Any]] = []
        lower = False
        for i, a in enumerate(args):
            if isinstance(a, Traced):
                if a._level == level and isinstance(a, Dual):
                    primal = vals[i] = a.primal
                    if isinstance(primal, Traced):
                        lower = True
                    if a.tangent is not None:
                        tangents.append((i, a.tangent))
                else:
                    lower = True
        out = apply(prim, vals, params, lower)
        if not tangents:
            return Dual(out, None, level)
        if prim.jvp is None:
            raise missing_rule(prim, "forward")
        tangent = None
        for i, t in tangents:
            rule = prim.jvp[i]
            if rule is None:
                continue
            contribution = rule(t, out, *vals, **params)
            tangent = contribution if tangent is None else tangent + contribution
        if tangent is not None and shape_of(tangent) != shape_of(out):
            import numpy as np

            tangent = np.broadcast_to(tangent, shape_of(out))
        return Dual(out, tangent, level)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        raise GraphError(
            "a value inside cr.jvp/cr.jacobian was converted to a plain NumPy array (np.asarray, "
            "float(), ...), which would silently drop its derivative; keep it in NumPy calls instead"
        )

    def __repr__(self) -> str:
        return f"Dual(primal={self.primal!r}, tangent={self.tangent!r})"
