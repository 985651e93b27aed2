"""What the elementwise rows share: factories that turn one derivative into both rules.

Each elementwise row names its derivative once, as ``scale(g, ans, x)`` for one operand or ``d(ans, x, y)``
per operand for two; the factories turn it into a reverse rule ``g * derivative`` (summed back over broadcast
axes) and a forward rule ``t * derivative``. Derivatives are written with NumPy calls, so on traced values
they record and differentiate again. The rows themselves are in :mod:`.arithmetic`, :mod:`.elementary` and
:mod:`.piecewise`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chainrule.core.batch_rules import BatchRule, elementwise
from chainrule.core.primitive import Formula, NumPyDeclaration, Primitive
from chainrule.core.rules._util import unbroadcast_like, zero_rule

__all__ = ["binary", "piecewise_constant", "unary"]

Deriv = Callable[..., Any]


def unary(
    name: str,
    impl: Callable[..., Any],
    scale: Deriv,
    *,
    rule: str,
    notation: str,
    kink: str | None = None,
    numpy: NumPyDeclaration | None = None,
    formula: Formula | None = None,
    complex: str | None = None,
    batch: BatchRule = elementwise,
) -> Primitive:
    """A primitive of one operand; ``scale(g, ans, x)`` multiplies ``g`` by the derivative at ``x``.

    For an elementwise function the reverse rule (cotangent times derivative) and the forward rule (tangent
    times derivative) are the same product, so one function serves as both; for a holomorphic one
    (``complex="holomorphic"``) that stays true at complex operands, the convention having no conjugate.
    """
    return Primitive(
        name,
        impl,
        vjp=(scale,),
        jvp=(scale,),
        rule=rule,
        notation=notation,
        kink=kink,
        numpy=numpy,
        formula=formula,
        complex=complex,
        batch=batch,
    )


def binary(
    name: str,
    impl: Callable[..., Any],
    dx: Deriv,
    dy: Deriv,
    *,
    rule: str,
    notation: str,
    kink: str | None = None,
    numpy: NumPyDeclaration | None = None,
    formula: Formula | None = None,
    complex: str | None = None,
    batch: BatchRule = elementwise,
) -> Primitive:
    """A broadcasting primitive of two operands with partial derivatives ``dx`` and ``dy``."""
    return Primitive(
        name,
        impl,
        vjp=(
            lambda g, ans, x, y: unbroadcast_like(g * dx(ans, x, y), x),
            lambda g, ans, x, y: unbroadcast_like(g * dy(ans, x, y), y),
        ),
        jvp=(
            lambda t, ans, x, y: t * dx(ans, x, y),
            lambda t, ans, x, y: t * dy(ans, x, y),
        ),
        rule=rule,
        notation=notation,
        kink=kink,
        numpy=numpy,
        formula=formula,
        complex=complex,
        batch=batch,
    )


def piecewise_constant(
    name: str,
    impl: Callable[..., Any],
    *,
    kink: str,
    numpy: NumPyDeclaration | None = None,
    formula: Formula | None = None,
    batch: BatchRule = elementwise,
) -> Primitive:
    """A function that is constant between jumps (sign, floor): derivative zero wherever it exists."""
    return Primitive(
        name,
        impl,
        vjp=(zero_rule,),
        jvp=(zero_rule,),
        rule="constant rule",
        notation=f"{name}'(x) = 0",
        kink=kink,
        numpy=numpy,
        formula=formula,
        batch=batch,
    )
