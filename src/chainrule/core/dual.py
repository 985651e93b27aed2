"""Dual: a value paired with its tangent, for forward-mode differentiation.

Each primitive applied to a Dual computes its output and, through its forward rule, the output's tangent:
the directional derivative travels alongside the value. No graph is kept.
"""

from __future__ import annotations

from typing import Any

from chainrule.core.arraylike import _PLAIN_TYPES, ArrayLike
from chainrule.core.assignment import STANDING_IN, stale_error
from chainrule.core.conversion import conversion_error
from chainrule.core.grad_mode import OPEN, recording_off
from chainrule.core.primitive import Primitive, Traced, apply, complex_error, involves_complex, missing_rule
from chainrule.core.rules._util import shape_of
from chainrule.errors import GraphError

__all__ = ["Dual"]


class Dual(ArrayLike):
    """A primal value and its tangent at one trace level (made by :func:`chainrule.jvp`).

    ``tangent`` is ``None`` when it is known to be zero, which lets rules skip work.
    """

    # _links: views and bases, for assignment (chainrule.core.assignment); set only when needed
    __slots__ = ("__weakref__", "_level", "_links", "primal", "tangent")

    def __init__(self, primal: Any, tangent: Any, level: int) -> None:
        self.primal = primal
        self.tangent = tangent
        self._level = level

    def _value(self) -> Any:
        return self.primal

    def _constant(self, value: Any) -> Dual:
        """A constant at this Dual's trace level (``np.zeros_like`` ...)."""
        return Dual(value, None, self._level)

    def _lift(self, prim: Primitive, args: Any, params: dict[str, Any]) -> Any:
        level = self._level
        vals = list(args)
        tangents: list[tuple[int, Any]] = []
        lower = False
        for i, a in enumerate(args):
            if isinstance(a, Traced):
                if type(a) in STANDING_IN:  # a stale view, or a Tensor assigned into
                    return prim(*[b._resolve() if type(b) in STANDING_IN else b for b in args], **params)
                if a._level == level and isinstance(a, Dual):
                    primal = vals[i] = a.primal
                    if isinstance(primal, Traced):
                        lower = True
                    if a.tangent is not None:
                        tangents.append((i, a.tangent))
                else:
                    lower = True
        out = apply(prim, vals, params, lower)
        if not tangents or (OPEN[0] and recording_off(level)):
            return Dual(out, None, level)
        rules = _forward_rules(prim, vals, out)
        tangent = None
        for i, t in tangents:
            rule = rules[i]
            if rule is None:
                continue
            contribution = rule(t, out, *vals, **params)
            tangent = contribution if tangent is None else tangent + contribution
        if tangent is not None and shape_of(tangent) != shape_of(out):
            import numpy as np

            tangent = np.broadcast_to(tangent, shape_of(out))
        return Dual(out, tangent, level)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        raise conversion_error()

    @property
    def data(self) -> Any:
        """Refused: the plain values of a value being differentiated would silently drop its derivative."""
        raise GraphError(
            ".data (or .numpy()) of a value being differentiated would silently drop its derivative; keep "
            "using the value itself in NumPy calls, or write .detach() if a constant is meant"
        )

    def numpy(self) -> Any:
        """Refused, as :attr:`data` is."""
        return self.data

    def detach(self) -> Dual:
        """The same values as a constant: no tangent at this level."""
        return Dual(self.primal, None, self._level)

    def _become(self, new: Any) -> bool:
        """Take the primal and tangent of ``new``, the result of assigning into this Dual (no graph)."""
        if not isinstance(new, Dual) or new._level != self._level:
            raise GraphError(
                "x[...] = v: v is traced by a transform that x is outside of; start from an array of that "
                "transform, e.g. x = np.zeros_like(v), and assign into it"
            )
        self.primal, self.tangent = new.primal, new.tangent
        return False

    def _poison(self) -> None:
        self.__class__ = _StaleDual

    def __repr__(self) -> str:
        return f"Dual(primal={self.primal!r}, tangent={self.tangent!r})"


def _forward_rules(prim: Primitive, vals: list[Any], out: Any) -> Any:
    """``prim``'s forward rules, or the error for a missing one (or a complex value without complex rules)."""
    if prim.jvp is None:
        raise missing_rule(prim, "forward")
    if prim.complex is None and involves_complex(vals, out):
        raise complex_error(prim)
    return prim.jvp


class _StaleDual(Dual):
    """A view of a Dual that was assigned into after the view was taken: every use raises."""

    __slots__ = ()

    def _lift(self, prim: Primitive, args: Any, params: dict[str, Any]) -> Any:
        raise stale_error()

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        raise stale_error()

    def __array_function__(self, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        raise stale_error()

    def _value(self) -> Any:
        raise stale_error()

    def __getitem__(self, index: Any) -> Any:
        raise stale_error()

    def __setitem__(self, index: Any, value: Any) -> None:
        raise stale_error()

    def _resolve(self) -> Any:
        raise stale_error()

    def __repr__(self) -> str:
        return "Dual(<a stale slice: its array was assigned into after it was taken>)"


STANDING_IN.add(_StaleDual)
_PLAIN_TYPES.add(Dual)  # a Dual operand never defers (see arraylike)
