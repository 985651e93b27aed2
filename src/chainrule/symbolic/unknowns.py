"""Unknown functions: ``f(x)``, ``g(x)``, ``y(x)`` and their derivatives ``f'(u)``, ``f''(u)`` ...

A course writes the chain rule for functions it does not name: ``(f(g(x)))' = f'(g(x)) g'(x)``. Such a
function is a node of its own kind (``op`` is :data:`APPLY`, ``data`` is ``(name, order)``, the one argument
in ``args``): ``f(x)`` has order 0, ``f'(x)`` order 1. Nothing is known about it but the chain rule, so its
derivative is ``f^(k+1)(u) du`` (:mod:`.differentiate`); it has no value until a function is given for it
(``expr.evaluate(x=1.0, f=np.sin)``) or substituted (``expr.subs(f=sym.sin)``).

Which names are unknown functions when text is read is the parser's decision (see
:func:`chainrule.symbolic.parse`): names declared with ``functions=``, and by default ``f``, ``g``, ``h``
directly followed by ``(``, and any single letter directly followed by one name in parentheses (``y(x)``).

Examples
--------
>>> from chainrule import symbolic as sym
>>> sym.diff("f(g(x))", "x")
f'(g(x))*g'(x)
"""

from __future__ import annotations

from chainrule.errors import ChainruleValueError
from chainrule.symbolic.expr import Expr, cons
from chainrule.symbolic.names import name_problem

__all__ = ["APPLY", "MAX_ORDER", "derivative_of", "unknown", "unknown_name"]

APPLY = "apply"
MAX_ORDER = 1_000  # f with this many primes: far beyond any course, and bounded so printing stays finite


def unknown(name: str, argument: Expr, order: int = 0) -> Expr:
    """The node ``name^(order)(argument)``: an unknown function, or its ``order``-th derivative."""
    problem = name_problem(name) if isinstance(name, str) else (0, "a name must be a string")
    if problem is not None:
        raise ChainruleValueError(f"{name!r} is not a valid function name: {problem[1]}")
    if order > MAX_ORDER:
        raise ChainruleValueError(f"the {order}th derivative of {name} is beyond the limit ({MAX_ORDER})")
    data = (name, order)
    return cons(APPLY, (argument,), data, (APPLY, data, argument))


def unknown_name(node: Expr) -> str:
    """The name of an unknown function's node, with one ``'`` per derivative: ``f''``."""
    name, order = node.data
    return str(name) + "'" * int(order)


def derivative_of(node: Expr) -> Expr:
    """``f^(k+1)(u)`` for the node ``f^(k)(u)``: the outer derivative of the chain rule."""
    name, order = node.data
    return unknown(name, node.args[0], order + 1)
