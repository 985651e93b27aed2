"""``Expr.subs``: symbols replaced by values or expressions, and unknown functions by known ones.

``e.subs(x=2, y="z + 1")`` replaces symbols (text is parsed); ``e.subs(f=sym.sin)`` or
``e.subs(f=lambda u: u**2)`` gives the unknown function ``f`` a definition, so ``f'(g(x))`` becomes the
derivative of that definition at ``g(x)``: the chain rule worked with unknowns, then made concrete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chainrule.errors import ChainruleTypeError
from chainrule.symbolic.differentiate import repeated
from chainrule.symbolic.elementary import function
from chainrule.symbolic.expr import Expr, as_expr, symbol
from chainrule.symbolic.parser import parse
from chainrule.symbolic.traverse import postorder, substitute, transform
from chainrule.symbolic.unknowns import APPLY

__all__ = ["substitute_all", "substitute_functions"]

_PLACEHOLDER = symbol("_u")


def _definitions(functions: Mapping[str, Any]) -> dict[str, Callable[[Expr], Any]]:
    out: dict[str, Callable[[Expr], Any]] = {}
    for name, value in functions.items():
        if isinstance(value, str):
            value = function(value)  # subs(f="sin")
        if not callable(value):
            raise ChainruleTypeError(f"{name} is an unknown function: give it a function, not {value!r}")
        out[name] = value
    return out


def substitute_functions(expr: Expr, functions: Mapping[str, Any]) -> Expr:
    """``expr`` with each unknown function named in ``functions`` replaced by its definition.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> d = sym.diff("f(g(x))", "x")
    >>> substitute_functions(d, {"f": sym.sin, "g": lambda u: u**2})
    2*x*cos(x^2)
    """
    definitions = _definitions(functions)
    bodies: dict[tuple[str, int], Expr] = {}

    def body(name: str, order: int) -> Expr:
        found = bodies.get((name, order))
        if found is None:
            base = as_expr(definitions[name](_PLACEHOLDER))
            found = bodies[name, order] = repeated(base, _PLACEHOLDER, order, order, 10**9)
        return found

    def visit(node: Expr, args: list[Expr]) -> Expr | None:
        if node.op == APPLY and node.data[0] in definitions:
            return substitute(body(*node.data), {_PLACEHOLDER: args[0]})
        return None

    return transform([expr], visit)[0]


def substitute_all(expr: Expr, mapping: Mapping[Any, Any]) -> Expr:
    """``Expr.subs``: unknown functions first (``f=sym.sin``), then symbols (values may be text)."""
    applied = {n.data[0] for n in postorder([expr]) if n.op == APPLY}
    functions = {k: v for k, v in mapping.items() if isinstance(k, str) and k in applied}
    values = {k: parse(v) if isinstance(v, str) else v for k, v in mapping.items() if k not in functions}
    for key, value in values.items():
        if callable(value) and not isinstance(value, Expr):
            raise ChainruleTypeError(
                f"subs: {key} is not an unknown function of this expression, so it takes a value or an "
                f"expression, not the function {value!r}"
            )
    if functions:
        expr = substitute_functions(expr, functions)
    return substitute(expr, values) if values else expr
