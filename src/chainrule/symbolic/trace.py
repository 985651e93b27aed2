"""Python functions as expressions: call them on symbols and record what the NumPy calls build."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.symbolic.expr import Expr, as_expr, symbol
from chainrule.symbolic.names import valid_name

__all__ = ["trace"]


def _parameter_names(f: Callable[..., Any]) -> list[str]:
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError) as exc:
        raise ChainruleValueError(f"cannot read the arguments of {f!r}; pass their names") from exc
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in parameters if p.kind in kinds and p.default is inspect.Parameter.empty]
    if not names:
        raise ChainruleValueError(f"{getattr(f, '__name__', f)} takes no arguments to make symbols of")
    return names


def trace(f: Callable[..., Any], variables: Sequence[str] | str | None = None) -> Any:
    """The expression a Python function computes, found by calling it on symbols.

    The function is written with NumPy (``np.sin``, ``np.exp``, operators, ``cr.relu`` ...) on scalars:
    each call goes through the same primitive table as the autodiff engine and builds a node. ``variables``
    names the arguments (by default the function's own parameter names). A function returning a list or
    tuple gives a list of expressions.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule import symbolic as sym
    >>> sym.trace(lambda x, y: np.log(np.sqrt(x)) * y + np.maximum(x, 0.5))
    y*log(sqrt(x)) + max(x, 1/2)
    >>> sym.diff(sym.trace(lambda x: np.log(np.sqrt(x))), "x")
    1/(2*x)
    """
    if not callable(f):
        raise ChainruleTypeError(f"trace() needs a function, got {type(f).__name__}")
    if isinstance(variables, str):
        variables = variables.replace(",", " ").split()
    names = list(variables) if variables is not None else _parameter_names(f)
    result = f(*[symbol(valid_name(n, "trace")) for n in names])
    if isinstance(result, list | tuple):
        return [as_expr(r) for r in result]
    if isinstance(result, Expr):
        return result
    return as_expr(result)
