"""Symbolic differentiation: exact derivatives, explained step by step, and fast NumPy code from them.

Expressions (:class:`Expr`) are hash-consed DAGs. They come from :func:`symbols` and operators, from text
(:func:`parse`, a safe parser) or from Python functions (:func:`trace`). :func:`diff`, :func:`gradient`,
:func:`jacobian` and :func:`hessian` differentiate them with the autodiff engine's rule table;
:func:`explain` shows the rules at work; :func:`lambdify` turns them into NumPy functions.

Examples
--------
>>> from chainrule import symbolic as sym
>>> sym.diff("log(sqrt(x))", "x")
1/(2*x)
>>> x, y = sym.symbols("x y")
>>> sym.gradient(sym.sin(x * y), [x, y])
[y*cos(x*y), x*cos(x*y)]
"""

from __future__ import annotations

from chainrule.symbolic.bridge import from_sympy, to_sympy
from chainrule.symbolic.cse import count_ops
from chainrule.symbolic.differentiate import diff, gradient, hessian, jacobian
from chainrule.symbolic.elementary import (
    absolute,
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    cos,
    cosh,
    cot,
    csc,
    exp,
    heaviside,
    log,
    maximum,
    minimum,
    relu,
    sec,
    sigmoid,
    sign,
    sin,
    sinh,
    softplus,
    sqrt,
    tan,
    tanh,
)
from chainrule.symbolic.expand import expand
from chainrule.symbolic.explain import Explanation, Step, explain
from chainrule.symbolic.expr import Expr, symbols
from chainrule.symbolic.functions import PI, E
from chainrule.symbolic.lambdify import lambdify
from chainrule.symbolic.lexer import ParseError
from chainrule.symbolic.parser import parse
from chainrule.symbolic.printing.latex import to_latex
from chainrule.symbolic.printing.python import to_python
from chainrule.symbolic.printing.text import to_text
from chainrule.symbolic.simplify import simplify
from chainrule.symbolic.trace import trace

pi = PI
e = E

__all__ = [
    "PI",
    "E",
    "Explanation",
    "Expr",
    "ParseError",
    "Step",
    "absolute",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "cos",
    "cosh",
    "cot",
    "count_ops",
    "csc",
    "diff",
    "e",
    "exp",
    "expand",
    "explain",
    "from_sympy",
    "gradient",
    "heaviside",
    "hessian",
    "jacobian",
    "lambdify",
    "log",
    "maximum",
    "minimum",
    "parse",
    "pi",
    "relu",
    "sec",
    "sigmoid",
    "sign",
    "simplify",
    "sin",
    "sinh",
    "softplus",
    "sqrt",
    "symbols",
    "tan",
    "tanh",
    "to_latex",
    "to_python",
    "to_sympy",
    "to_text",
    "trace",
]
