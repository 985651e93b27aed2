"""A rule's kink text said of the operands at hand, so that it names the point where the kink is.

The rule table states each kink once, of the function's own operands named as its row names them (``x``,
and ``y`` for a second one): "relu has a corner at x = 0". Quoted under ``relu(x - 1)`` that names the wrong
point. :func:`kink_text` puts the operands into the text (a symbol's or number's own text; a compound
operand's name, such as the chain rule's ``u``, or else the operand itself) and, where the kink is at 0 of
an operand linear in the variable, the point in the variable too: "relu has a corner at u = 0, i.e. x = 1".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from chainrule.symbolic.expr import NUM, SYM, Expr

__all__ = ["kink_text"]

# how the rows' kink texts name a function's first and second operands
_PLACEHOLDERS = ("x", "y")
_PLACEHOLDER = re.compile(r"\b[xy]\b")
_AT_ZERO = re.compile(r"\bat 0\b(?![.\d])")


def kink_text(
    kink: str,
    operands: Sequence[Expr],
    var: Expr | None = None,
    names: Sequence[str | None] = (),
    show: Callable[[Expr], str] = str,
) -> str:
    """``kink`` (a row's text) said of ``operands``, the point located in ``var`` where that can be exact.

    ``names[i]``, where given, is what the text calls a compound operand ``i`` (the chain rule's ``u``);
    other compound operands are written out with ``show``. Operands that are the row's own placeholders
    leave the text as the row has it.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> x = sym.symbols("x")
    >>> relu = "relu has a corner at x = 0, where every slope in [0, 1] is a subderivative"
    >>> kink_text(relu, [x - 1], x, ["u"])
    'relu has a corner at u = 0, i.e. x = 1, where every slope in [0, 1] is a subderivative'
    >>> kink_text("sign jumps at 0; its derivative is taken as 0", [2 * x + 1], x)
    'sign jumps at 2*x + 1 = 0, i.e. x = -1/2; its derivative is taken as 0'
    >>> kink_text(relu, [x], x) == relu
    True
    """
    if not kink:
        return ""
    shown: dict[str, str] = {}
    for k, (placeholder, operand) in enumerate(zip(_PLACEHOLDERS, operands, strict=False)):
        name = names[k] if k < len(names) else None
        if operand.op is SYM or operand.op is NUM:
            shown[placeholder] = show(operand)
        else:
            shown[placeholder] = name or show(operand)
    if all(shown[p] == p for p in shown):
        return kink
    first = shown["x"]
    text = kink if first == "x" else _AT_ZERO.sub("at x = 0", kink, count=1)  # 0 of the first operand
    text = _PLACEHOLDER.sub(lambda m: shown.get(m.group(), m.group()), text)
    root = _root(operands[0], var) if var is not None and operands[0] is not var else None
    if var is not None and root is not None:
        at = f"at {first} = 0"
        text = text.replace(at, f"{at}, i.e. {show(var)} = {show(root)}", 1)
    return text


def _root(operand: Expr, var: Expr) -> Expr | None:
    """Where ``operand = 0``, if it is ``a var + b`` with ``a`` a nonzero number and ``b`` free of ``var``."""
    from chainrule.symbolic.differentiate import diff

    if operand.op is NUM or var not in operand.free_symbols:
        return None
    slope = diff(operand, var)
    if slope.op is not NUM or slope.data == 0:
        return None
    rest: Expr = operand - slope * var
    if var in rest.free_symbols:
        return None
    root: Expr = -rest / slope
    return root
