"""Generated source compiled into a function, shown in tracebacks for as long as the function lives.

:func:`~chainrule.symbolic.lambdify` (and the matrix version) compile their own source. Registering it in
:mod:`linecache` lets tracebacks through the function show its lines; removing the entry when the function
is collected keeps a long-running process that lambdifies again and again from holding every source forever.
"""

from __future__ import annotations

import itertools
import linecache
import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["compile_function"]

_COMPILED = itertools.count()  # numbers the sources: each its own linecache entry, freed with its function


def compile_function(source: str, namespace: dict[str, Any], kind: str = "lambdify") -> Callable[..., Any]:
    """The function ``_lambdified`` that ``source`` (our own generated code, no user text) defines, with
    ``namespace`` as its globals; its ``source`` attribute holds the code.

    Examples
    --------
    >>> f = compile_function("def _lambdified(x):\\n    return x + 1", {})
    >>> f(1), f.source.splitlines()[1]
    (2, '    return x + 1')
    """
    filename = f"<chainrule.{kind}-{next(_COMPILED)}>"
    exec(compile(source, filename, "exec"), namespace)  # our own generated source: no user text
    function: Callable[..., Any] = namespace["_lambdified"]
    function.source = source  # type: ignore[attr-defined]
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    weakref.finalize(function, linecache.cache.pop, filename, None)
    return function
