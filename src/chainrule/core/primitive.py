"""Primitives: named operations with a NumPy implementation and their derivative rules.

A :class:`Primitive` is defined once and serves every mode. Calling it on plain arrays runs the NumPy
implementation; calling it on traced values (a reverse-mode :class:`~chainrule.core.tensor.Tensor` or a
forward-mode :class:`~chainrule.core.dual.Dual`) hands the call to the value with the highest *level*, which
records it. Levels are what make nested transforms (``grad(grad(f))``, ``jvp(grad(f))``) keep their
perturbations apart: every transform takes a fresh level from a counter, so there is no mutable trace state to
share between threads.

Rules are written with NumPy functions and operators. On arrays they run as plain NumPy; on traced values they
dispatch back to the primitives, so the rules themselves are differentiable and give higher derivatives.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["Primitive", "Traced", "apply", "bind", "new_level", "operation_error"]

# A process-wide counter is safe to share: each call hands out a distinct number and nothing else is stored.
_levels = itertools.count(1)


def new_level() -> int:
    """Return a fresh trace level, higher than every level handed out before."""
    return next(_levels)


Rule = Callable[..., Any]


class Traced:
    """Base of the values that record primitives (Tensor and Dual). Subclasses implement ``_lift``."""

    __slots__ = ()
    _level: int

    def _lift(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
        raise NotImplementedError


class VarargRules:
    """Per-argument rules for primitives with a variable number of operands (concatenate, einsum).

    ``rule(argnum, g, ans, *args, **params)`` is looked up as ``rules[argnum]``, like a tuple of rules.
    """

    __slots__ = ("rule",)

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    def __getitem__(self, argnum: int) -> Rule:
        rule = self.rule
        return lambda g, ans, *args, **params: rule(argnum, g, ans, *args, **params)


class Primitive:
    """A named operation, defined once, with its rules for both modes of differentiation.

    Parameters
    ----------
    name:
        Short name used in error messages, graph drawings and explanations.
    impl:
        The NumPy implementation; takes the operands positionally and parameters by keyword.
    vjp:
        One reverse rule per operand, ``vjp[i](g, ans, *args, **params)`` returning the cotangent of operand
        ``i`` given the output cotangent ``g`` and the output ``ans``; ``None`` for a non-differentiable
        operand. A :class:`VarargRules` for a variable number of operands.
    jvp:
        One forward rule per operand, ``jvp[i](t, ans, *args, **params)`` returning operand ``i``'s
        contribution to the output tangent given its tangent ``t``.
    rule:
        The calculus rule this primitive embodies ("power rule", "chain rule", ...), for explanations.
    notation:
        Its derivative in Lagrange notation, for explanations (``"sin'(x) = cos(x)"``).
    kink:
        What the rules do at points where the function is not differentiable, if there are any.
    """

    __slots__ = ("differentiable", "impl", "jvp", "kink", "name", "notation", "rule", "vjp")

    def __init__(
        self,
        name: str,
        impl: Callable[..., Any],
        *,
        vjp: Sequence[Rule | None] | VarargRules | None = None,
        jvp: Sequence[Rule | None] | VarargRules | None = None,
        rule: str = "",
        notation: str = "",
        kink: str | None = None,
    ) -> None:
        self.name = name
        self.impl = impl
        self.vjp = vjp
        self.jvp = jvp
        self.rule = rule
        self.notation = notation
        self.kink = kink
        self.differentiable = vjp is not None or jvp is not None

    def __call__(self, *args: Any, **params: Any) -> Any:
        return bind(self, args, params)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def operation_error(prim: Primitive, operands: Sequence[Any], exc: Exception) -> Exception:
    """A chainrule error naming the operation and its operands' shapes, for a NumPy error inside ``prim``."""
    from chainrule.errors import ChainruleValueError, ShapeError

    shapes = ", ".join(str(getattr(a, "shape", "scalar")) for a in operands)
    detail = str(exc).removeprefix(f"{prim.name}: ")
    message = f"{prim.name}: {detail} (operand shapes: {shapes})"
    lowered = str(exc).lower()
    if any(word in lowered for word in ("shape", "dimension", "broadcast", "size")):
        return ShapeError(message)
    return ChainruleValueError(message)


def apply(prim: Primitive, vals: Sequence[Any], params: dict[str, Any], traced: bool) -> Any:
    """``prim`` on operand values that were unwrapped one level: through :func:`bind` again when some are
    still traced (nested transforms), else the implementation; NumPy's errors come back naming the op."""
    from chainrule.errors import ChainruleError

    try:
        return bind(prim, vals, params) if traced else prim.impl(*vals, **params)
    except ChainruleError:
        raise
    except ValueError as exc:
        raise operation_error(prim, vals, exc) from exc


def bind(prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
    """Apply ``prim`` to ``args``: plain NumPy for plain values, recorded by the top-level traced value."""
    top: Traced | None = None
    level = -1
    for a in args:
        if isinstance(a, Traced) and a._level > level:
            top = a
            level = a._level
    if top is None:
        return prim.impl(*args, **params)
    return top._lift(prim, args, params)
