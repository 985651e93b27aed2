"""HIPS autograd's derivative checks: ``check_grads(fun)(*args)`` and ``combo_check``.

Both modes are compared with a central difference along random directions of each value's space (real or
complex, see :mod:`chainrule.autograd.vspaces`), to second order by default; the reverse mode check compares
``<v, vjp(u)>`` with ``<u, jvp(v)>``, so it holds for complex values in autograd's (and JAX's) convention.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product
from typing import Any

from chainrule.autograd.core import make_jvp, make_vjp
from chainrule.autograd.vspaces import vspace
from chainrule.autograd.wrap_util import get_name, unary_to_nary

__all__ = ["check_equivalent", "check_grads", "check_jvp", "check_vjp", "combo_check", "scalar_close"]

TOL = 1e-6
RTOL = 1e-6
EPS = 1e-6


def scalar_close(a: Any, b: Any) -> bool:
    return bool(abs(a - b) < TOL or abs(a - b) / abs(a + b) < RTOL)


def make_numerical_jvp(f: Callable[[Any], Any], x: Any) -> Callable[[Any], Any]:
    """The central difference of ``f`` at ``x`` along a direction, in ``f(x)``'s space."""
    y = f(x)
    x_vs, y_vs = vspace(x), vspace(y)

    def jvp(v: Any) -> Any:
        plus = f(x_vs.add(x, x_vs.scalar_mul(v, EPS / 2)))
        minus = f(x_vs.add(x, x_vs.scalar_mul(v, -EPS / 2)))
        return y_vs.scalar_mul(y_vs.add(plus, y_vs.scalar_mul(minus, -1.0)), 1.0 / EPS)

    return jvp


def check_vjp(f: Callable[[Any], Any], x: Any) -> None:
    vjp, y = make_vjp(f, x)
    jvp = make_numerical_jvp(f, x)
    x_vs, y_vs = vspace(x), vspace(y)
    x_v, y_v = x_vs.randn(), y_vs.randn()
    vjp_y = x_vs.covector(vjp(y_vs.covector(y_v)))
    assert vspace(vjp_y) == x_vs, f"VJP of {get_name(f)} is in {vspace(vjp_y)}, not in {x_vs}"
    exact = x_vs.inner_prod(x_v, vjp_y)
    numeric = y_vs.inner_prod(y_v, jvp(x_v))
    assert scalar_close(numeric, exact), (
        f"Derivative (VJP) check of {get_name(f)} failed with arg {x}:\n"
        f"analytic: {exact}\nnumeric:  {numeric}"
    )


def check_jvp(f: Callable[[Any], Any], x: Any) -> None:
    jvp = make_jvp(f, x)
    numeric = make_numerical_jvp(f, x)
    x_v = vspace(x).randn()
    check_equivalent(jvp(x_v)[1], numeric(x_v))


def check_equivalent(x: Any, y: Any) -> None:
    """Assert that ``x`` and ``y`` are in the same space and equal (along a random direction)."""
    x_vs, y_vs = vspace(x), vspace(y)
    assert x_vs == y_vs, f"VSpace mismatch:\nx: {x_vs}\ny: {y_vs}"
    v = x_vs.randn()
    assert scalar_close(x_vs.inner_prod(x, v), x_vs.inner_prod(y, v)), f"Value mismatch:\nx: {x}\ny: {y}"


def _check_grads(f: Callable[[Any], Any], x: Any, modes: Any = ("fwd", "rev"), order: int = 2) -> None:
    """Raise AssertionError unless both modes of ``f`` match finite differences up to ``order``."""
    if not all(m in ("fwd", "rev") for m in modes):
        raise ValueError(f"check_grads: modes must be 'fwd' and/or 'rev', got {modes!r}")
    if "fwd" in modes:
        check_jvp(f, x)
        if order > 1:

            def jvp_f(x: Any, v: Any) -> Any:
                return make_jvp(f, x)(v)[1]

            jvp_f.__name__ = f"jvp_{get_name(f)}"
            check_grads(jvp_f, (0, 1), modes, order=order - 1)(x, vspace(x).randn())
    if "rev" in modes:
        check_vjp(f, x)
        if order > 1:

            def vjp_f(x: Any, v: Any) -> Any:
                return make_vjp(f, x)[0](v)

            vjp_f.__name__ = f"vjp_{get_name(f)}"
            check_grads(vjp_f, (0, 1), modes, order=order - 1)(x, vspace(f(x)).randn())


_check_grads.__name__ = "check_grads"
check_grads = unary_to_nary(_check_grads)


def combo_check(fun: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., None]:
    """``combo_check(fun, argnums)(args lists, option=lists)`` checks every combination of them."""

    def _combo_check(*arg_lists: Any, **option_lists: Any) -> None:
        options = [[(k, v) for v in values] for k, values in option_lists.items()]
        for chosen_args in product(*arg_lists):
            for chosen in product(*options):
                check_grads(fun, *args, **kwargs)(*chosen_args, **dict(chosen))

    return _combo_check
