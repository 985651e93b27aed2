"""What a derivative is taken by: symbols given by name or as expressions, with how many times each.

Only a symbol can be a variable. A number, a constant (``pi``, ``e``) or an expression (``"sin(x)"``) is
refused with a message saying what to write instead, rather than read as a symbol nobody uses (which would
give a silent 0). A symbol that does not occur in the expression is a variable like any other: the
derivative by it is an exact 0, as in SymPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.symbolic.elementary import lookup
from chainrule.symbolic.expr import CONST, NUM, SYM, E, Expr, as_expr, symbol
from chainrule.symbolic.names import valid_name
from chainrule.symbolic.parser import parse

__all__ = ["as_expression", "as_variable", "orders", "ordinal", "variable_list"]

_NOT_NAMES = frozenset({"e", "pi", "if", "then", "else", "and", "or"})


def ordinal(k: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``22nd`` ..."""
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def as_expression(expr: Any) -> Expr:
    """An expression from an :class:`Expr`, a number or text (parsed)."""
    if isinstance(expr, str):
        return parse(expr)
    return as_expr(expr)


def _refusal(var: Any, node: Expr | None) -> ChainruleValueError:
    shown = var if node is None else node
    if (node is not None and node.op is NUM) or isinstance(var, int | float):
        return ChainruleValueError(
            f"cannot differentiate with respect to the number {shown}: a variable must be a symbol "
            "(diff(expr, 'x', 3) is the third derivative in x)"
        )
    if node is not None and (node.op is CONST or node is E):
        return ChainruleValueError(
            f"cannot differentiate with respect to {shown}: it is a constant, not a variable"
        )
    if isinstance(var, str) and len(var.replace(",", " ").split()) > 1:
        return ChainruleValueError(
            f"differentiate by one symbol at a time: diff(expr, 'x', 'y') for a mixed partial, not {var!r}"
        )
    return ChainruleValueError(
        f"cannot differentiate with respect to the expression {shown}: a variable must be a symbol "
        "(to differentiate by an expression u, substitute a symbol for it first)"
    )


def as_variable(var: str | Expr | None, expr: Expr) -> Expr:
    """The symbol to differentiate by: given by name or symbol, or the only free symbol of ``expr``."""
    if var is None:
        free = expr.free_symbols
        if len(free) != 1:
            names = ", ".join(sorted(s.name for s in free)) or "none"
            raise ChainruleValueError(f"say which variable to differentiate {expr} by (its symbols: {names})")
        return next(iter(free))
    if isinstance(var, str):
        name = var.strip()
        if name.isidentifier() and name not in _NOT_NAMES and lookup(name) is None:
            return symbol(valid_name(name, "variable"))  # the common case, without the parser
        several = name.replace(",", " ").split()
        if len(several) > 1 and all(n.isidentifier() for n in several):
            raise _refusal(var, None)
        node = parse(var)
        if node.op is SYM:
            return node
        raise _refusal(var, node)
    if isinstance(var, Expr):
        if var.op is SYM:
            return var
        raise _refusal(var, var)
    if isinstance(var, int | float) and not isinstance(var, bool):
        raise _refusal(var, None)
    raise ChainruleTypeError(f"the variable must be a symbol or its name, not {var!r}")


def _count(value: Any, var: Expr) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ChainruleValueError(
            f"the number of derivatives in {var} must be a non-negative integer, got {value!r}"
        )
    return value


def orders(expr: Expr, variables: Sequence[Any], n: int = 1) -> list[tuple[Expr, int]]:
    """``(symbol, times)`` pairs from ``diff``'s arguments: ``"x", "y"``, ``("x", 3)``, ``"x", 3``.

    As in SymPy, an integer after a variable says how many times to differentiate by it; ``n`` applies to
    a single variable (or to the only symbol of ``expr`` when none is named).
    """
    out: list[tuple[Expr, int]] = []
    counted = True  # whether the last variable already has its count
    for item in variables:
        if isinstance(item, int) and not isinstance(item, bool):
            if counted:
                raise _refusal(item, None)
            out[-1] = (out[-1][0], _count(item, out[-1][0]))
            counted = True
        elif isinstance(item, tuple):
            if len(item) != 2:
                raise ChainruleValueError(f"a repeated variable is written (variable, times), got {item!r}")
            v = as_variable(item[0], expr)
            out.append((v, _count(item[1], v)))
            counted = True
        else:
            out.append((as_variable(item, expr), 1))
            counted = False
    if not out:
        out.append((as_variable(None, expr), 1))
    if n != 1:
        if len(out) != 1:
            raise ChainruleValueError(
                "n= repeats a single variable; for several, write diff(e, ('x', 2), 'y')"
            )
        v, times = out[0]
        out[0] = (v, times * _count(n, v))
    return out


def variable_list(vars: Any) -> list[Expr]:
    """Variables given as a string of names (``"x y"``) or a sequence of names or symbols."""
    if isinstance(vars, str):
        vars = vars.replace(",", " ").split()
    return [as_variable(v, as_expr(1)) for v in vars]
