"""A drop-in for code written against HIPS autograd, on chainrule's engine.

Replace ``autograd`` by ``chainrule.autograd`` in the imports::

    import chainrule.autograd.numpy as np
    from chainrule.autograd import grad, jacobian, hessian
    from chainrule.autograd.extend import primitive, defvjp

``chainrule.autograd.numpy`` is NumPy itself (chainrule traces NumPy through its protocols) with an
``array``/``asarray`` that accept traced values. The differences from autograd are listed in
docs/autograd.md.

Examples
--------
>>> import chainrule.autograd.numpy as np
>>> from chainrule.autograd import grad, elementwise_grad
>>> grad(lambda x: np.tanh(x))(1.0)
0.41997434161402614
>>> elementwise_grad(lambda x: x**2)(np.array([1.0, 2.0]))
array([2., 4.])
"""

from __future__ import annotations

from chainrule.autograd.builtins import dict, isinstance, list, tuple, type
from chainrule.autograd.differential_operators import (
    checkpoint,
    deriv,
    elementwise_grad,
    grad,
    grad_and_aux,
    grad_named,
    hessian,
    hessian_tensor_product,
    hessian_vector_product,
    holomorphic_grad,
    jacobian,
    make_ggnvp,
    make_hvp,
    make_jvp,
    make_vjp,
    multigrad_dict,
    tensor_jacobian_product,
    value_and_grad,
    vector_jacobian_product,
)
from chainrule.autograd.extend import primitive

__all__ = [
    "checkpoint",
    "deriv",
    "dict",
    "elementwise_grad",
    "grad",
    "grad_and_aux",
    "grad_named",
    "hessian",
    "hessian_tensor_product",
    "hessian_vector_product",
    "holomorphic_grad",
    "isinstance",
    "jacobian",
    "list",
    "make_ggnvp",
    "make_hvp",
    "make_jvp",
    "make_vjp",
    "multigrad_dict",
    "primitive",
    "tensor_jacobian_product",
    "tuple",
    "type",
    "value_and_grad",
    "vector_jacobian_product",
]
