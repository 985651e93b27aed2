"""chainrule: derivatives done three ways - automatic, symbolic and numerical - checked against each other.

Examples
--------
>>> import numpy as np, chainrule as cr
>>> cr.grad(lambda x: np.log(np.sqrt(x)))(4.0)
0.125
"""

from __future__ import annotations

from chainrule import nn, numeric, optim, symbolic, tree, viz
from chainrule.core import (
    Dual,
    Formula,
    Primitive,
    Tensor,
    VarargRules,
    grad,
    hessian,
    hvp,
    jacobian,
    jvp,
    log_softmax,
    logsumexp,
    no_grad,
    relu,
    sigmoid,
    softmax,
    softplus,
    stop_gradient,
    value_and_grad,
    vjp,
    vmap,
)
from chainrule.errors import (
    ChainruleError,
    ChainruleTypeError,
    ChainruleValueError,
    GraphError,
    ShapeError,
    UnsupportedOperationError,
)
from chainrule.symbolic import (
    Expr,
    ParseError,
    diff,
    explain,
    explain_implicit,
    implicit_diff,
    lambdify,
    parse,
    symbols,
    tangent_line,
    taylor,
)
from chainrule.viz import draw_graph

__version__ = "0.1.0"

__all__ = [
    "ChainruleError",
    "ChainruleTypeError",
    "ChainruleValueError",
    "Dual",
    "Expr",
    "Formula",
    "GraphError",
    "ParseError",
    "Primitive",
    "ShapeError",
    "Tensor",
    "UnsupportedOperationError",
    "VarargRules",
    "diff",
    "draw_graph",
    "explain",
    "explain_implicit",
    "grad",
    "hessian",
    "hvp",
    "implicit_diff",
    "jacobian",
    "jvp",
    "lambdify",
    "log_softmax",
    "logsumexp",
    "nn",
    "no_grad",
    "numeric",
    "optim",
    "parse",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "stop_gradient",
    "symbolic",
    "symbols",
    "tangent_line",
    "taylor",
    "tree",
    "value_and_grad",
    "viz",
    "vjp",
    "vmap",
]
