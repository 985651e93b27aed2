"""Functions of optional packages that rows declare by name, without importing the package.

SciPy's special functions are NumPy ufuncs, so ``scipy.special.erf(x)`` on a traced ``x`` reaches
``__array_ufunc__`` like ``np.sin(x)`` does. SciPy stays optional, and importing chainrule must not import it,
so a row cannot hold ``scipy.special.erf`` itself. It declares ``Deferred("scipy.special", "erf")`` instead:
the registry files that name under the row like any NumPy function (the docs list it as
``scipy.special.erf``), and the first time a ufunc misses in the registry, :func:`resolve` looks for a
declaration naming it in a package that is already imported (a ufunc of SciPy's can only be met once SciPy
is), and files the ufunc itself under the same row.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import numpy as np

from chainrule.core.primitive import FUNCTIONS, OWNERS, UFUNCS

__all__ = ["Deferred", "resolve"]


class Deferred:
    """A function ``module.name`` of an optional package, named on a row without importing the package.

    ``target`` is where the object itself lives when that differs from the public name: the ufunc behind
    ``scipy.special.zeta(s, q)`` is ``scipy.special._ufuncs._zeta``.

    Examples
    --------
    >>> from chainrule.core.registry import function_name
    >>> function_name(Deferred("scipy.special", "erf"))
    'scipy.special.erf'
    """

    def __init__(self, module: str, name: str, target: str = "") -> None:
        # function_name() reads these two, as on any NumPy function
        self.__module__ = module
        self.__name__ = name
        self.target = target or f"{module}.{name}"

    def names(self, func: Any) -> bool:
        """True when ``func`` is the function this declaration names (its package already imported)."""
        module_name, _, attribute = self.target.rpartition(".")
        module = sys.modules.get(module_name)
        return module is not None and getattr(module, attribute, None) is func

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the function itself (importing its package): a declaration stands for it."""
        module_name, _, attribute = self.target.rpartition(".")
        return getattr(importlib.import_module(module_name), attribute)(*args, **kwargs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Deferred) and other.target == self.target and other.__name__ == self.__name__

    def __hash__(self) -> int:
        return hash((Deferred, self.target, self.__name__))

    def __repr__(self) -> str:
        return f"Deferred({self.__module__!r}, {self.__name__!r})"


def resolve(func: Any) -> bool:
    """File ``func`` under the row that declared it by name; False when no row did.

    Called when ``func`` misses in the registry (on its first call with traced operands): afterwards it is
    found directly, as a NumPy ufunc is.
    """
    if func in OWNERS:
        return True
    for key, owner in list(OWNERS.items()):
        if isinstance(key, Deferred) and key.names(func):
            handler: Any = FUNCTIONS[key]
            if handler is owner and isinstance(func, np.ufunc):
                UFUNCS[func] = owner
            else:
                FUNCTIONS[func] = handler
            OWNERS[func] = owner
            return True
    return False
