"""HIPS autograd's differential operators, on chainrule's engine.

Each takes ``fun`` and ``argnum`` (an int, or a tuple/list of ints: the operator then sees the tuple of those
arguments) and returns a function of ``fun``'s arguments, as in autograd.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.autograd.core import make_jvp as _make_jvp
from chainrule.autograd.core import make_vjp as _make_vjp
from chainrule.autograd.vspaces import vspace
from chainrule.autograd.wrap_util import unary_to_nary
from chainrule.core.transforms import grad as _grad

__all__ = [
    "checkpoint",
    "deriv",
    "elementwise_grad",
    "grad",
    "grad_and_aux",
    "grad_named",
    "hessian",
    "hessian_tensor_product",
    "hessian_vector_product",
    "holomorphic_grad",
    "jacobian",
    "make_ggnvp",
    "make_hvp",
    "make_jvp",
    "make_vjp",
    "multigrad_dict",
    "tensor_jacobian_product",
    "value_and_grad",
    "vector_jacobian_product",
]

_np: Any = np
Fun = Callable[..., Any]

make_vjp = unary_to_nary(_make_vjp)
make_jvp = unary_to_nary(_make_jvp)


def _scalar_only(ans: Any) -> None:
    if vspace(ans).size != 1:
        raise TypeError(
            "Grad only applies to real scalar-output functions. Try jacobian, elementwise_grad or "
            "holomorphic_grad."
        )


@unary_to_nary
def grad(fun: Fun, x: Any) -> Any:
    """
    Returns a function which computes the gradient of `fun` with respect to
    positional argument number `argnum`. The returned function takes the same
    arguments as `fun`, but returns the gradient instead. The function `fun`
    should be scalar-valued. The gradient has the same type as the argument."""
    vjp, ans = _make_vjp(fun, x)
    _scalar_only(ans)
    return vjp(vspace(ans).ones())


@unary_to_nary
def elementwise_grad(fun: Fun, x: Any) -> Any:
    """The sum of each column of the Jacobian of `fun` (its diagonal, for an elementwise function)."""
    vjp, ans = _make_vjp(fun, x)
    if vspace(ans).iscomplex:
        raise TypeError("Elementwise_grad only applies to real-output functions.")
    return vjp(vspace(ans).ones())


@unary_to_nary
def deriv(fun: Fun, x: Any) -> Any:
    """The derivative of `fun` along the all-ones direction (forward mode)."""
    return _make_jvp(fun, x)(vspace(x).ones())[1]


@unary_to_nary
def jacobian(fun: Fun, x: Any) -> Any:
    """All first derivatives: shape ``fun(x).shape + x.shape``, one reverse pass per output entry."""
    vjp, ans = _make_vjp(fun, x)
    ans_vspace = vspace(ans)
    shape = tuple(ans_vspace.shape) + tuple(vspace(x).shape)
    rows = [vjp(basis) for basis in ans_vspace.standard_basis()]
    return _np.reshape(_np.stack(rows), shape)


@unary_to_nary
def holomorphic_grad(fun: Fun, x: Any) -> Any:
    """The complex derivative of a holomorphic `fun`."""
    if not vspace(x).iscomplex:
        warnings.warn("Input to holomorphic_grad is not complex", stacklevel=2)
    return grad(lambda x: _np.real(fun(x)))(x)


def grad_named(fun: Fun, argname: str) -> Fun:
    """The gradient with respect to the argument called `argname`."""
    argnum = list(inspect.signature(fun).parameters).index(argname)
    return grad(fun, argnum)  # type: ignore[no-any-return]


@unary_to_nary
def hessian(fun: Fun, x: Any) -> Any:
    """The Jacobian of the Jacobian."""
    return jacobian(jacobian(fun))(x)


@unary_to_nary
def make_hvp(fun: Fun, x: Any) -> Any:
    """``(hvp, grad(fun)(x))``: ``hvp(v)`` is the Hessian-vector product at `x`."""
    return _make_vjp(grad(fun), x)


def hessian_tensor_product(fun: Fun, argnum: int = 0) -> Fun:
    """A function of `fun`'s arguments and a tensor `V`: the Hessian contracted with `V`."""
    fun_grad = grad(fun, argnum)

    def vector_dot_grad(*args: Any, **kwargs: Any) -> Any:
        args, vector = args[:-1], args[-1]
        return _np.tensordot(fun_grad(*args, **kwargs), vector, np.ndim(vector))

    return grad(vector_dot_grad, argnum)  # type: ignore[no-any-return]


hessian_vector_product = hessian_tensor_product


def tensor_jacobian_product(fun: Fun, argnum: int = 0) -> Fun:
    """A function of `fun`'s arguments and a tensor `V`: `V` contracted with the Jacobian of `fun`."""

    def vector_dot_fun(*args: Any, **kwargs: Any) -> Any:
        args, vector = args[:-1], args[-1]
        return _np.tensordot(vector, fun(*args, **kwargs), axes=np.ndim(vector))

    return jacobian(vector_dot_fun, argnum)  # type: ignore[no-any-return]


vector_jacobian_product = tensor_jacobian_product


def make_ggnvp(f: Fun, g: Fun | None = None, f_argnum: int = 0) -> Fun:
    """Generalized Gauss-Newton vector products of ``g(f(x))`` (``g`` by default half the squared norm)."""
    outer = g if g is not None else (lambda y: 0.5 * _np.sum(y**2, axis=-1))

    @unary_to_nary
    def _make_ggnvp(f: Fun, x: Any) -> Any:
        f_vjp, f_x = _make_vjp(f, x)
        g_hvp, grad_g_x = _make_vjp(grad(outer), f_x)
        f_jvp, _ = _make_vjp(f_vjp, vspace(grad_g_x).zeros())

        def ggnvp(v: Any) -> Any:
            return f_vjp(g_hvp(f_jvp(v)))

        return ggnvp

    return _make_ggnvp(f, f_argnum)  # type: ignore[no-any-return]


@unary_to_nary
def value_and_grad(fun: Fun, x: Any) -> Any:
    """``(fun(x), grad(fun)(x))`` in one pass."""
    vjp, ans = _make_vjp(fun, x)
    _scalar_only(ans)
    return ans, vjp(vspace(ans).ones())


@unary_to_nary
def grad_and_aux(fun: Fun, x: Any) -> Any:
    """For `fun` returning ``(output, aux)``: ``(grad of output, aux)``."""
    return _grad(fun, has_aux=True)(x)


def multigrad_dict(fun: Fun) -> Fun:
    """The gradients with respect to every argument, by name, in a dict."""
    names = list(inspect.signature(fun).parameters)

    def gradfun(*args: Any, **kwargs: Any) -> Any:
        bound = inspect.signature(fun).bind(*args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)

        def of_dict(d: dict[str, Any]) -> Any:
            return fun(**d)

        return grad(of_dict)({k: values[k] for k in names})

    return gradfun


def checkpoint(fun: Fun) -> Fun:
    """`fun` itself: chainrule keeps the graph rather than recomputing it (same values and gradients, none
    of autograd's memory saving)."""
    return fun
