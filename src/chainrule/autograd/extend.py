"""HIPS autograd's API for new primitives: ``primitive`` then ``defvjp`` / ``defjvp`` and their variants.

In autograd a primitive is a function whose rules are attached after it is made. A chainrule
:class:`~chainrule.core.primitive.Primitive` is fixed once made, so ``primitive(f)`` returns a wrapper that
keeps the rules given so far and, when called on traced values, calls a chainrule Primitive built from
them (built again only after a rule is added). Autograd's rule signatures map one to one: a VJP maker
``maker(ans, *args, **kwargs)`` returns ``vjp(g)``; a JVP ``jvp(g, ans, *args, **kwargs)`` is chainrule's.
A traced argument without a rule raises when its derivative is taken, never gives a silent zero.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

from chainrule.autograd.vspaces import VSpace, vspace
from chainrule.core.primitive import Primitive, Traced, VarargRules
from chainrule.core.rules._util import concrete

__all__ = [
    "Box",
    "SparseObject",
    "VSpace",
    "def_linear",
    "defjvp",
    "defjvp_argnum",
    "defjvp_argnums",
    "defvjp",
    "defvjp_argnum",
    "defvjp_argnums",
    "notrace_primitive",
    "primitive",
    "register_notrace",
    "vspace",
]

Box = Traced
Maker = Callable[..., Any]


class SparseObject:
    """Accepted for compatibility: chainrule adds cotangents densely."""

    __slots__ = ("mut_add", "vs")

    def __init__(self, vs: Any, mut_add: Any) -> None:
        self.vs = vs
        self.mut_add = mut_add


def _substituted(args: tuple[Any, ...], argnum: int, value: Any) -> tuple[Any, ...]:
    new = list(args)
    new[argnum] = value
    return tuple(new)


class AutogradPrimitive:
    """A function whose derivative rules are given afterwards (autograd's ``primitive``)."""

    def __init__(self, fun: Callable[..., Any]) -> None:
        self.fun = fun
        self.vjps: dict[int, Maker] = {}
        self.vjp_argnum: Maker | None = None
        self.vjp_argnums: Maker | None = None
        self.jvps: dict[int, Maker] = {}
        self.jvp_argnum: Maker | None = None
        self.jvp_argnums: Maker | None = None
        self._built: Primitive | None = None
        functools.update_wrapper(self, fun)

    @property
    def name(self) -> str:
        return str(getattr(self.fun, "__name__", "primitive"))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not any(isinstance(a, Traced) for a in args):
            return self.fun(*args, **kwargs)
        return self._primitive()(*args, **kwargs)

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        # a primitive defined as a method binds like a function
        return self if instance is None else functools.partial(self, instance)

    def _changed(self) -> None:
        self._built = None

    def _primitive(self) -> Primitive:
        if self._built is None:
            has_vjp = bool(self.vjps) or self.vjp_argnum is not None or self.vjp_argnums is not None
            has_jvp = bool(self.jvps) or self.jvp_argnum is not None or self.jvp_argnums is not None
            self._built = Primitive(
                self.name,
                self._impl,
                vjp=VarargRules(self._vjp) if has_vjp else None,
                jvp=VarargRules(self._jvp) if has_jvp else None,
                rule="user-defined rule",
                declare=False,
            )
        return self._built

    def _impl(self, *args: Any, **kwargs: Any) -> Any:
        return self.fun(*args, **kwargs)

    def _vjp(self, argnum: int, g: Any, ans: Any, *args: Any, **kwargs: Any) -> Any:
        if argnum in self.vjps:
            return self.vjps[argnum](ans, *args, **kwargs)(g)
        if self.vjp_argnum is not None:
            return self.vjp_argnum(argnum, ans, args, kwargs)(g)
        if self.vjp_argnums is not None:
            return self.vjp_argnums((argnum,), ans, args, kwargs)(g)[0]
        raise NotImplementedError(f"VJP of {self.name} wrt argnum {argnum} not defined")

    def _jvp(self, argnum: int, g: Any, ans: Any, *args: Any, **kwargs: Any) -> Any:
        if argnum in self.jvps:
            return self.jvps[argnum](g, ans, *args, **kwargs)
        if self.jvp_argnum is not None:
            return self.jvp_argnum(argnum, g, ans, args, kwargs)
        if self.jvp_argnums is not None:
            return self.jvp_argnums((argnum,), (g,), ans, args, kwargs)
        raise NotImplementedError(f"JVP of {self.name} wrt argnum {argnum} not defined")

    # autograd's deprecated methods, kept so that old code runs (with a DeprecationWarning)
    def defgrad(self, vjpmaker: Maker, argnum: int = 0) -> None:
        warnings.warn("defgrad is deprecated; use defvjp(fun, vjpmaker)", DeprecationWarning, stacklevel=2)
        self.vjps[argnum] = vjpmaker
        self._changed()

    def defvjp(self, vjpfun: Maker, argnum: int = 0) -> None:
        warnings.warn("fun.defvjp is deprecated; use defvjp(fun, vjpmaker)", DeprecationWarning, stacklevel=2)

        def maker(ans: Any, *args: Any, **kwargs: Any) -> Any:
            return lambda g: vjpfun(g, ans, vspace(ans), vspace(args[argnum]), *args, **kwargs)

        self.vjps[argnum] = maker
        self._changed()

    def defvjp_is_zero(self, argnums: Any = (0,)) -> None:
        warnings.warn("defvjp_is_zero is deprecated; use defvjp(fun, None)", DeprecationWarning, stacklevel=2)
        for argnum in argnums:
            self.vjps[argnum] = _zero_vjp(argnum)
        self._changed()


def _as_primitive(fun: Any) -> AutogradPrimitive:
    if not isinstance(fun, AutogradPrimitive):
        raise TypeError(f"{fun!r} is not a primitive: make it with chainrule.autograd.extend.primitive first")
    return fun


def _zero_vjp(argnum: int) -> Maker:
    return lambda ans, *args, **kwargs: lambda g: vspace(args[argnum]).zeros()


def primitive(f_raw: Callable[..., Any]) -> AutogradPrimitive:
    """Wrap ``f_raw`` so that its derivative rules can be given with :func:`defvjp` and :func:`defjvp`.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.autograd import grad
    >>> from chainrule.autograd.extend import primitive, defvjp
    >>> @primitive
    ... def logsumexp(x):
    ...     m = np.max(x)
    ...     return m + np.log(np.sum(np.exp(x - m)))
    >>> defvjp(logsumexp, lambda ans, x: lambda g: g * np.exp(x - ans))
    >>> grad(logsumexp)(np.array([0.0, 0.0]))
    array([0.5, 0.5])
    """
    return AutogradPrimitive(f_raw)


def defvjp(fun: Any, *vjpmakers: Any, argnums: Any = None) -> None:
    """Give ``fun`` one VJP maker per argument (``None``: that argument's VJP is zero)."""
    prim = _as_primitive(fun)
    for argnum, maker in zip(
        argnums if argnums is not None else range(len(vjpmakers)), vjpmakers, strict=True
    ):
        prim.vjps[argnum] = _zero_vjp(argnum) if maker is None else maker
    prim._changed()


def defvjp_argnum(fun: Any, vjpmaker: Maker) -> None:
    """One maker for every argument: ``vjpmaker(argnum, ans, args, kwargs)`` returns ``vjp(g)``."""
    prim = _as_primitive(fun)
    prim.vjp_argnum = vjpmaker
    prim._changed()


def defvjp_argnums(fun: Any, vjpmaker: Maker) -> None:
    """``vjpmaker(argnums, ans, args, kwargs)`` returns ``vjp(g)`` giving one cotangent per argnum."""
    prim = _as_primitive(fun)
    prim.vjp_argnums = vjpmaker
    prim._changed()


def _jvp_rule(fun: AutogradPrimitive, argnum: int, jvpfun: Any) -> Maker:
    if jvpfun is None:
        return lambda g, ans, *args, **kwargs: vspace(ans).zeros()
    if jvpfun == "same":
        return lambda g, ans, *args, **kwargs: fun(*_substituted(args, argnum, g), **kwargs)
    rule: Maker = jvpfun
    return rule


def defjvp(fun: Any, *jvpfuns: Any, argnums: Any = None) -> None:
    """Give ``fun`` one JVP per argument, ``jvp(g, ans, *args, **kwargs)``; ``"same"`` for a function
    linear in that argument (its JVP is the function itself), ``None`` for a zero JVP."""
    prim = _as_primitive(fun)
    numbers = argnums if argnums is not None else range(len(jvpfuns))
    for argnum, jvpfun in zip(numbers, jvpfuns, strict=True):
        prim.jvps[argnum] = _jvp_rule(prim, argnum, jvpfun)
    prim._changed()


def defjvp_argnum(fun: Any, jvpmaker: Maker) -> None:
    """One JVP for every argument: ``jvpmaker(argnum, g, ans, args, kwargs)``."""
    prim = _as_primitive(fun)
    prim.jvp_argnum = jvpmaker
    prim._changed()


def defjvp_argnums(fun: Any, jvpmaker: Maker) -> None:
    """``jvpmaker(argnums, gs, ans, args, kwargs)``: the JVP with respect to several arguments at once."""
    prim = _as_primitive(fun)
    prim.jvp_argnums = jvpmaker
    prim._changed()


def def_linear(fun: Any) -> None:
    """``fun`` is linear in each argument: its JVP with respect to one is ``fun`` with the tangent there."""
    defjvp_argnum(fun, lambda argnum, g, ans, args, kwargs: fun(*_substituted(args, argnum, g), **kwargs))


def notrace_primitive(f_raw: Callable[..., Any]) -> Callable[..., Any]:
    """``f_raw`` applied to the plain values of its arguments: its result carries no derivative."""

    @functools.wraps(f_raw)
    def f_wrapped(*args: Any, **kwargs: Any) -> Any:
        return f_raw(*[concrete(a) for a in args], **kwargs)

    return f_wrapped


def register_notrace(trace_type: Any, primitive_fun: Any) -> None:
    """Accepted for compatibility; chainrule's traces need no registration."""
