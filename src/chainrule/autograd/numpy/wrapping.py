"""NumPy's functions, taking lists of traced values as autograd's do.

``np.mean([x, x + 2])`` hands NumPy a list, which its protocols cannot see into; NumPy then converts the
traced entries and chainrule refuses (that would drop the derivative). autograd's functions accept such
lists, so the ones in ``chainrule.autograd.numpy`` call NumPy's function and, when it refuses a list of
traced values, call it again with that list made into one traced array (``np.stack``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chainrule.autograd.numpy.construction import array
from chainrule.core.primitive import Traced
from chainrule.errors import GraphError

__all__ = ["accepting_lists", "wrap_namespace"]


def _traced_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and any(isinstance(v, Traced) or _traced_list(v) for v in value)


def accepting_lists(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` that also takes lists (and tuples) of traced values where NumPy takes an array."""

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GraphError:
            if not any(_traced_list(a) for a in (*args, *kwargs.values())):
                raise
        args = tuple(array(a) if _traced_list(a) else a for a in args)
        kwargs = {k: array(v) if _traced_list(v) else v for k, v in kwargs.items()}
        return func(*args, **kwargs)

    return wrapped


def wrap_namespace(source: dict[str, Any], target: dict[str, Any], keep: set[str]) -> None:
    """Put :func:`accepting_lists` versions of ``source``'s Python functions into ``target``."""
    for name, obj in source.items():
        if name.startswith("_") or name in keep:
            continue
        if callable(obj) and type(obj).__name__ in ("function", "_ArrayFunctionDispatcher"):
            target[name] = accepting_lists(obj)
