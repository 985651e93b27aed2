"""Numerical differentiation of black-box functions: accurate, honest about its error, and cheap.

See ``docs/numeric.md``. Needs only NumPy; independent of the autodiff engine.

Examples
--------
>>> import numpy as np
>>> from chainrule import numeric
>>> r = numeric.derivative(np.sin, 1.0)
>>> r.method, bool(abs(r.value - np.cos(1.0)) <= r.error)
('complex', True)
"""

from __future__ import annotations

from chainrule.numeric.convergence import Convergence, convergence
from chainrule.numeric.derivative import derivative
from chainrule.numeric.evaluation import NumericTimeoutError
from chainrule.numeric.hessian import hessian
from chainrule.numeric.multivariate import (
    directional_derivative,
    gradient,
    hessian_diag,
    jacobian,
)
from chainrule.numeric.result import STATUS_MESSAGES, NumericResult, RichardsonTable
from chainrule.numeric.stencils import fornberg_weights, stencil

__all__ = [
    "STATUS_MESSAGES",
    "Convergence",
    "NumericResult",
    "NumericTimeoutError",
    "RichardsonTable",
    "convergence",
    "derivative",
    "directional_derivative",
    "fornberg_weights",
    "gradient",
    "hessian",
    "hessian_diag",
    "jacobian",
    "stencil",
]
