"""Stopping derivatives: ``stop_gradient(x)`` is ``x`` in value and a constant to every derivative.

Its rules are the zero rule in both modes, so it stops derivatives of every order and in nested transforms,
and formulas differentiate it to 0 the same way (the symbolic side skips the zero rule).
"""

from __future__ import annotations

from typing import Any

from chainrule.core.primitive import Formula
from chainrule.core.rules._util import zero_rule
from chainrule.core.rules.elementwise import unary

__all__ = ["stop_gradient_p"]


def _identity(x: Any) -> Any:
    return x


stop_gradient_p = unary(
    "stop_gradient",
    _identity,
    zero_rule,
    rule="constant rule",
    notation="stop_gradient'(x) = 0: its value is treated as a constant",
    formula=Formula("stop_gradient", latex=r"\operatorname{sg}", sympy="", meaning="x"),
    complex="holomorphic",
)
