"""chainrule: derivatives done three ways - automatic, symbolic and numerical - checked against each other.

Examples
--------
>>> import numpy as np, chainrule as cr
>>> cr.grad(lambda x: np.log(np.sqrt(x)))(4.0)
0.125
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from chainrule import numeric, symbolic, tree
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
    ChainruleIndexError,
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

if TYPE_CHECKING:
    from chainrule import nn, optim, viz
    from chainrule.viz import draw_graph

__version__ = "0.1.0"

__all__ = [
    "ChainruleError",
    "ChainruleIndexError",
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

# Imported when first used (a tenth of a second that the command line and scripts without them need not wait)
_LAZY_MODULES = ("nn", "optim", "viz")


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        return importlib.import_module(f"chainrule.{name}")  # (the import also sets it on this package)
    if name == "draw_graph":
        return importlib.import_module("chainrule.viz").draw_graph
    raise AttributeError(f"module 'chainrule' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
