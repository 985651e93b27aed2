"""Symbolic differentiation: exact derivatives, explained step by step, and fast NumPy code from them.

Expressions (:class:`Expr`) are hash-consed DAGs. They come from :func:`symbols` and operators, from text
(:func:`parse`, a safe parser) or from Python functions (:func:`trace`). :func:`diff`, :func:`gradient`,
:func:`jacobian` and :func:`hessian` differentiate them with the autodiff engine's rule table;
:func:`explain` shows the rules at work; :func:`lambdify` turns them into NumPy functions.

The functions an expression may contain are the primitives of the rule table that declare a formula name,
and the composites of :mod:`.elementary`: ``sym.sin``, ``sym.arcsin``, ``sym.sec``, ``sym.maximum`` ...
(see :func:`chainrule.symbolic.functions.function_names`); pieces chosen by conditions
(``piecewise(x < 0, -x, x^2)``, :mod:`.conditions`); and unknown functions ``f(x)``, ``y(x)`` with their
derivatives ``f'(x)`` (:mod:`.unknowns`). :func:`implicit_diff`, :func:`tangent_line` and :func:`taylor`
build on :func:`diff`.

Examples
--------
>>> from chainrule import symbolic as sym
>>> sym.diff("log(sqrt(x))", "x")
1/(2*x)
>>> x, y = sym.symbols("x y")
>>> sym.gradient(sym.sin(x * y), [x, y])
[y*cos(x*y), x*cos(x*y)]
>>> sym.diff("f(g(x))", "x"), sym.diff("piecewise(x < 0, -x, x^2)", "x")
(f'(g(x))*g'(x), piecewise(x < 0, -1, 2*x))
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chainrule.symbolic import algebra, elementary, expr, forms, functions
from chainrule.symbolic.bridge import from_sympy, to_sympy
from chainrule.symbolic.calculus import TangentLine, tangent_line, taylor
from chainrule.symbolic.constants import exact_constant
from chainrule.symbolic.cse import count_ops
from chainrule.symbolic.differentiate import diff, gradient, hessian, jacobian
from chainrule.symbolic.evaluate import evaluate
from chainrule.symbolic.expand import expand
from chainrule.symbolic.explain import Explanation, Step, explain
from chainrule.symbolic.expr import PI, E, Expr, symbols
from chainrule.symbolic.implicit import explain_implicit, implicit_diff
from chainrule.symbolic.lambdify import lambdify
from chainrule.symbolic.lexer import ParseError
from chainrule.symbolic.parser import parse
from chainrule.symbolic.printing.latex import to_latex
from chainrule.symbolic.printing.python import to_python
from chainrule.symbolic.printing.text import to_text
from chainrule.symbolic.simplify import simplify
from chainrule.symbolic.substitution import substitute_all
from chainrule.symbolic.trace import trace

pi = PI
e = E
# matrix calculus: sym.vector("x", "n"), sym.matrix("A", ("m", "n")) (the package, callable), sym.scalar("s"),
# imported when first asked for (see __getattr__): scalar formulas do not wait for it
if TYPE_CHECKING:
    from chainrule.symbolic import matrix

    vector = matrix.vector
    scalar = matrix.scalar
    tr, det, logdet, inv = matrix.trace, matrix.det, matrix.logdet, matrix.inverse
_MATRIX_NAMES = {
    "vector": "vector",
    "scalar": "scalar",
    "tr": "trace",
    "det": "det",
    "logdet": "logdet",
    "inv": "inverse",
}


def _subs(node: Expr, mapping: Mapping[Any, Any]) -> Expr:
    """``Expr.subs``: values may be text (parsed), and functions for unknown functions (``f=sym.sin``)."""
    return substitute_all(node, mapping)


expr.connect(
    expr.Operations(
        add=algebra.add,
        mul=algebra.mul,
        power=algebra.power,
        neg=algebra.neg,
        call=functions.call,
        apply_primitive=forms.apply_primitive,
        apply_ufunc=forms.apply_ufunc,
        apply_array_function=forms.apply_array_function,
        to_text=to_text,
        to_latex=to_latex,
        parse=parse,
        evaluate=evaluate,
        subs=_subs,
        count_ops=count_ops,
        diff=diff,
        explain=explain,
        simplify=simplify,
        exact_constant=exact_constant,
    )
)


def __getattr__(name: str) -> Any:
    # sym.sin, sym.arcsin, sym.sec, sym.maximum ...: the functions of the rule table, looked up when asked
    # for (see chainrule.symbolic.elementary), so that a primitive made later is a function here too
    if name.startswith("__"):
        raise AttributeError(name)
    if name == "matrix":
        return importlib.import_module("chainrule.symbolic.matrix")
    if name in _MATRIX_NAMES:
        return getattr(importlib.import_module("chainrule.symbolic.matrix"), _MATRIX_NAMES[name])
    try:
        return elementary.function(name)
    except AttributeError:
        raise AttributeError(f"module 'chainrule.symbolic' has no attribute {name!r}") from None


def __dir__() -> list[str]:
    names = set(globals()) | set(functions.function_names()) | set(elementary.COMPOSITES)
    return sorted(names | {"matrix", *_MATRIX_NAMES})


__all__ = [
    "PI",
    "E",
    "Explanation",
    "Expr",
    "ParseError",
    "Step",
    "TangentLine",
    "count_ops",
    "diff",
    "e",
    "expand",
    "explain",
    "explain_implicit",
    "from_sympy",
    "gradient",
    "hessian",
    "implicit_diff",
    "jacobian",
    "lambdify",
    "matrix",
    "parse",
    "pi",
    "scalar",
    "simplify",
    "symbols",
    "tangent_line",
    "taylor",
    "to_latex",
    "to_python",
    "to_sympy",
    "to_text",
    "trace",
    "vector",
]
