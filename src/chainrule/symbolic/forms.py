"""Primitives applied to expressions: the node of a primitive with a formula name, or its rewrite.

This is where a primitive called on symbolic operands arrives (``Expr._lift``, by ``core.primitive.bind``):
from the engine's rules running on expressions (``sin_p``'s rule ``g * np.cos(x)``), from NumPy calls in
traced code (``np.sin(x)``), and from the functions of :mod:`.elementary`. What a primitive becomes is read
off its row's :class:`~chainrule.core.primitive.Formula`: a node named ``formula.name``, or the formula
``formula.rewrite`` in its operands (``x^(1/2)`` for sqrt), parsed once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.deferred import resolve
from chainrule.core.primitive import Primitive, Traced, bind
from chainrule.core.registry import COMPARISONS, FUNCTIONS, UFUNCS, function_name
from chainrule.errors import ChainruleTypeError, UnsupportedOperationError
from chainrule.symbolic.conditions import CONDITIONS
from chainrule.symbolic.expr import Expr, as_expr, symbol
from chainrule.symbolic.functions import call
from chainrule.symbolic.parser import parse
from chainrule.symbolic.traverse import substitute

__all__ = ["apply_array_function", "apply_primitive", "apply_ufunc"]

_OPERANDS = (symbol("x"), symbol("y"), symbol("z"))
_CONDITIONS = {row.numpy: name for name, row in CONDITIONS.items()}  # np.less -> "less"
_templates: dict[str, Expr] = {}  # rewrite text -> its parsed formula (texts are the rows' own constants)


def _rewrite(text: str, args: list[Expr]) -> Expr:
    template = _templates.get(text)
    if template is None:
        template = _templates[text] = parse(text)
    return substitute(template, dict(zip(_OPERANDS, args, strict=False)))


def apply_primitive(prim: Primitive, args: list[Expr], params: dict[str, Any]) -> Expr:
    """The expression for primitive ``prim`` applied to symbolic operands."""
    formula = prim.formula
    if formula is None or params:
        raise UnsupportedOperationError(
            f"{prim.name} has no symbolic form in chainrule.symbolic (symbolic expressions are scalars; "
            "the functions they may contain are listed by chainrule.symbolic.functions.function_names())"
        )
    if formula.rewrite:
        return _rewrite(formula.rewrite, args)
    return call(formula.name, *args)


def _plain(inputs: tuple[Any, ...]) -> bool:
    """Whether every input is an expression or no traced value at all (a loop: this runs for every rule's
    ufunc call on an expression)."""
    for a in inputs:  # noqa: SIM110  (a loop: all() over a generator is slower here)
        if a.__class__ is not Expr and isinstance(a, Traced):
            return False
    return True


def apply_ufunc(ufunc: np.ufunc, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Expr:
    """A NumPy ufunc called on expressions: through the registry's primitive to a node."""
    if method != "__call__" or (kwargs and any(kwargs.get(k) is not None for k in ("out", "where"))):
        raise UnsupportedOperationError(f"np.{ufunc.__name__}.{method} is not supported on expressions")
    prim = UFUNCS.get(ufunc)
    if prim is None and resolve(ufunc):  # a SciPy ufunc declared by name, met here first
        prim = UFUNCS.get(ufunc)
    if prim is not None:
        if _plain(inputs):
            # only expressions and plain numbers (every rule's np.cos(x) on an expression): the node at
            # once, as bind() would make it through Expr._lift
            return apply_primitive(prim, [as_expr(a) for a in inputs], {})
        result: Expr = bind(prim, inputs, {})
        return result
    handler = FUNCTIONS.get(ufunc)
    if handler is not None:
        return as_expr(handler(*inputs))
    name = _CONDITIONS.get(ufunc)
    if name is not None and len(inputs) == 2:
        return call(name, *(as_expr(a) for a in inputs))
    if ufunc in COMPARISONS:
        raise ChainruleTypeError(
            f"np.{ufunc.__name__} of symbolic values has no symbolic form; traced code cannot branch on them"
        )
    raise UnsupportedOperationError(f"{function_name(ufunc)} has no symbolic form in chainrule.symbolic")


def apply_array_function(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Expr:
    """A NumPy function called on expressions: ``np.where`` on a plain condition, the registry's others."""
    if func is np.where and len(args) == 3 and not kwargs:
        condition, x, y = args
        if isinstance(condition, Expr):  # a piecewise node, through the where row's formula
            return call("piecewise", condition, as_expr(x), as_expr(y))
        if np.ndim(condition) != 0:
            raise UnsupportedOperationError("np.where on an array of conditions has no symbolic form")
        return as_expr(x if condition else y)
    handler = FUNCTIONS.get(func)
    try:
        if handler is None:
            raise UnsupportedOperationError("it has no rule")
        return as_expr(handler(*args, **kwargs))
    except UnsupportedOperationError as exc:
        raise UnsupportedOperationError(
            f"{function_name(func)} has no symbolic form in chainrule.symbolic ({exc}); symbolic expressions "
            "are scalars, and the functions they may contain are listed by "
            "chainrule.symbolic.functions.function_names()"
        ) from exc
