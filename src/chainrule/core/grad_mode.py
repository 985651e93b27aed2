"""``no_grad()``: a block inside which operations record nothing, and ``stop_gradient``.

The block applies to the trace levels that exist when it opens: the object API (level 0) and any transform
already running. A transform started inside the block takes a higher level and differentiates as usual, as
PyTorch's ``torch.func`` does with ``no_grad``. Each thread (and each asyncio task) has its own blocks: the
innermost block's level lives in a context variable. The recording hot path reads only ``OPEN[0]``, the
number of blocks open in any thread, and looks at the context variable only when that is not zero.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any, TypeVar

from chainrule.core.primitive import new_level
from chainrule.core.pytree import flatten, unflatten
from chainrule.core.rules.stopping import stop_gradient_p

__all__ = ["OPEN", "no_grad", "recording_off", "stop_gradient"]

# How many no_grad blocks are open, in all threads together: a fast filter for the recording hot path.
OPEN = [0]
_open_lock = threading.Lock()
# The level of this thread's (or task's) innermost open block: operations at levels up to it record nothing.
_ceiling: ContextVar[int] = ContextVar("chainrule_no_grad_ceiling", default=-1)

F = TypeVar("F", bound=Callable[..., Any])


def recording_off(level: int) -> bool:
    """True when an open ``no_grad`` block of this thread covers trace ``level``."""
    return _ceiling.get() >= level


class no_grad:
    """A context manager (or decorator) inside which operations on traced values record nothing.

    For inference with the object API: results inside the block are constants (``requires_grad`` False), so
    no graph is kept. Thread-safe: a block affects only the thread (or asyncio task) that opened it. A
    transform started inside the block (``cr.grad(f)(x)``) still differentiates ``f``; a transform running
    when the block opens treats the values computed inside as constants, like :func:`stop_gradient`.

    Examples
    --------
    >>> import chainrule as cr
    >>> w = cr.Tensor([1.0, 2.0], requires_grad=True)
    >>> with cr.no_grad():
    ...     y = w * 3
    >>> y.requires_grad
    False
    >>> (w * 3).requires_grad
    True
    """

    def __init__(self) -> None:
        self._tokens: list[Token[int]] = []

    def __enter__(self) -> no_grad:
        # a fresh level is above every level handed out so far, and below every later transform's
        self._tokens.append(_ceiling.set(new_level()))
        with _open_lock:
            OPEN[0] += 1
        return self

    def __exit__(self, *exc: object) -> None:
        _ceiling.reset(self._tokens.pop())
        with _open_lock:
            OPEN[0] -= 1

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def without_recording(*args: Any, **kwargs: Any) -> Any:
            with no_grad():
                return func(*args, **kwargs)

        return without_recording  # type: ignore[return-value]


def stop_gradient(x: Any) -> Any:
    """``x`` itself in value, but a constant to every derivative (both modes, every order, formulas).

    Examples
    --------
    >>> import chainrule as cr
    >>> cr.grad(lambda x: x * cr.stop_gradient(x))(3.0)   # d/dx (x * c) with c = 3
    3.0
    >>> cr.grad(lambda p: p["a"] * cr.stop_gradient(p)["a"])({"a": 3.0})   # containers: every value
    {'a': 3.0}
    >>> cr.diff("x * stop_gradient(x)", "x")
    stop_gradient(x)
    """
    if isinstance(x, dict | list | tuple):  # a container of values (parameters): each of them
        leaves, tree = flatten(x)
        return unflatten(tree, [stop_gradient(leaf) for leaf in leaves])
    return stop_gradient_p(x)
