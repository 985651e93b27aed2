"""The autodiff engine: primitives and their rules, Tensor and the graph, and the transforms."""

from __future__ import annotations

from chainrule.core.dual import Dual
from chainrule.core.functions import log_softmax, logsumexp, relu, sigmoid, softmax, softplus
from chainrule.core.grad_mode import no_grad, stop_gradient
from chainrule.core.jacobians import hessian, hvp, jacobian
from chainrule.core.primitive import Formula, Primitive, VarargRules
from chainrule.core.tensor import Tensor
from chainrule.core.transforms import grad, jvp, value_and_grad, vjp
from chainrule.core.vmap import vmap

__all__ = [
    "Dual",
    "Formula",
    "Primitive",
    "Tensor",
    "VarargRules",
    "grad",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "log_softmax",
    "logsumexp",
    "no_grad",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "stop_gradient",
    "value_and_grad",
    "vjp",
    "vmap",
]
