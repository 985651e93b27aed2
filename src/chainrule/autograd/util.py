"""HIPS autograd's helpers (``subvals``, ``subval``, ``func``) and the deprecated ``quick_grad_check``."""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["func", "quick_grad_check", "subval", "subvals"]


def subvals(x: Any, ivs: Any) -> tuple[Any, ...]:
    """``x`` as a tuple with each ``(i, v)`` of ``ivs`` put in place ``i``."""
    new = list(x)
    for i, v in ivs:
        new[i] = v
    return tuple(new)


def subval(x: Any, i: int, v: Any) -> tuple[Any, ...]:
    return subvals(x, [(i, v)])


def func(f: Any) -> Any:
    return f


def quick_grad_check(
    fun: Any, arg0: Any, extra_args: Any = (), kwargs: Any = None, verbose: bool = True, **_: Any
) -> None:
    """Deprecated: ``check_grads(fun)(arg0, *extra_args)``."""
    from chainrule.autograd.test_util import check_grads

    warnings.warn("quick_grad_check is deprecated; use check_grads", DeprecationWarning, stacklevel=2)
    check_grads(lambda x: fun(x, *extra_args, **(kwargs or {})), modes=["rev"])(arg0)
