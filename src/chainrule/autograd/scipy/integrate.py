"""``chainrule.autograd.scipy.integrate``: ``odeint``, SciPy's, without derivatives yet.

HIPS autograd differentiates ``odeint(func, y0, t, args)`` in ``y0``, ``t`` and ``args`` with the adjoint
method (integrating an augmented system backwards in time with SciPy's integrator). chainrule has no such
rule yet, so ``odeint`` is SciPy's on plain numbers and raises
:class:`~chainrule.errors.UnsupportedOperationError` (a ``NotImplementedError``) on traced ones, rather than
drop their derivatives. To differentiate through an ODE solution, write the integrator's steps in NumPy (a
fixed-step Runge-Kutta scheme, say): chainrule differentiates those.

Examples
--------
>>> import numpy as np
>>> from chainrule.autograd.scipy.integrate import odeint
>>> y = odeint(lambda y, t: -y, 1.0, np.array([0.0, 1.0]))
>>> round(float(y[1, 0]), 6)  # exp(-1)
0.367879
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chainrule.autograd.scipy._scipy import integrate as _scipy_integrate
from chainrule.core.primitive import Traced
from chainrule.errors import UnsupportedOperationError

__all__ = ["odeint"]


def _traced(value: Any) -> bool:
    if isinstance(value, Traced):
        return True
    return isinstance(value, list | tuple) and any(_traced(v) for v in value)


def odeint(func: Callable[..., Any], y0: Any, t: Any, args: tuple[Any, ...] = (), **options: Any) -> Any:
    """``scipy.integrate.odeint(func, y0, t, args, ...)`` on plain numbers; an error on traced ones."""
    if _traced(y0) or _traced(t) or _traced(args):
        raise UnsupportedOperationError(
            "chainrule.autograd.scipy.integrate.odeint: derivatives through scipy.integrate.odeint "
            "(autograd's adjoint-method rule for y0, t and args) are not implemented in chainrule; write the "
            "integration steps in NumPy to differentiate them"
        )
    return _scipy_integrate.odeint(func, y0, t, args=tuple(args), **options)
