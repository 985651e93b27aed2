"""autograd's ``const_graph``: here a plain call, as chainrule does not replay recorded graphs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

__all__ = ["const_graph"]


def const_graph(fun: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., Any]:
    """``fun`` with ``args`` and ``kwargs`` bound first. autograd records ``fun``'s graph once and replays
    it; chainrule runs ``fun`` again on each call (the same values, no saving)."""
    bound = functools.partial(fun, *args, **kwargs)
    return functools.wraps(fun)(lambda *more, **more_kwargs: bound(*more, **more_kwargs))
