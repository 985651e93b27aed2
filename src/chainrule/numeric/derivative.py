"""``derivative``: the derivative of a black-box function of one variable, with an honest error bound.

The strategies themselves live in :mod:`chainrule.numeric.strategies`; this module checks arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import numpy as np

from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.numeric.result import NumericResult
from chainrule.numeric.sampling import ElementwiseSampler, as_point, check_callable
from chainrule.numeric.steps import scale_of
from chainrule.numeric.strategies import Problem, solve

__all__ = ["METHODS", "check_method", "check_order", "check_step", "derivative"]

METHODS = ("auto", "complex", "richardson", "central", "forward", "backward")
MAX_ORDER = 8


def check_order(order: object, caller: str) -> int:
    """The derivative order as an int in ``[1, MAX_ORDER]``."""
    if isinstance(order, bool) or not isinstance(order, int | np.integer):
        raise ChainruleTypeError(f"{caller}: order must be an integer, got {order!r}")
    if not 1 <= order <= MAX_ORDER:
        raise ChainruleValueError(f"{caller}: order must be between 1 and {MAX_ORDER}, got {order}")
    return int(order)


def check_method(method: object, allowed: tuple[str, ...], caller: str) -> str:
    """``method`` if it is one of ``allowed``."""
    if method not in allowed:
        raise ChainruleValueError(f"{caller}: method must be one of {allowed}, got {method!r}")
    return str(method)


def derivative(
    f: Callable[..., Any],
    x: Any,
    order: int = 1,
    method: str = "auto",
    step: Any = None,
    bounds: tuple[Any, Any] | None = None,
    executor: Executor | None = None,
    *,
    accuracy: int | None = None,
) -> NumericResult:
    """The derivative of order ``order`` of ``f`` at ``x``, with an error bound.

    Parameters
    ----------
    f : callable
        A black box ``f(x)``. For a scalar ``x`` it may return a scalar or an array; for an array ``x``
        it must be elementwise (``f(x)[i]`` depends on ``x[i]`` only) and is called on whole arrays.
    x : float or array_like
        Where to differentiate; real and finite.
    order : int, default 1
        Derivative order, 1 to 8.
    method : {"auto", "complex", "richardson", "central", "forward", "backward"}
        ``"auto"`` uses the complex step where ``f`` is complex-safe and analytic at ``x`` (checked
        against real differences), else Richardson extrapolation. ``"complex"`` does the same but says
        in ``message`` when it had to fall back. ``"central"``, ``"forward"`` and ``"backward"`` are
        single difference quotients of the given ``accuracy``.
    step : float or array_like, optional
        Absolute step: the step of a single quotient, or the first (largest) step of a ladder.
        Default: scaled with ``max(|x|, 1)``; see :mod:`chainrule.numeric.steps`.
    bounds : (lo, hi), optional
        Every real evaluation point stays within ``[lo, hi]``.
    executor : concurrent.futures.Executor, optional
        Evaluate the points of each stencil in parallel (threads, processes, Dask).
    accuracy : int, optional
        Accuracy order of ``"central"`` (even, default 2), ``"forward"``/``"backward"`` (default 1).

    Returns
    -------
    NumericResult
        ``value``, ``error`` (a bound on ``|value − f⁽ⁿ⁾(x)|``), ``n_evals``, ``method``, ``step``,
        ``status`` (0 when converged) and ``message``.

    Examples
    --------
    >>> import numpy as np
    >>> r = derivative(np.exp, 1.0)
    >>> r.method, bool(abs(r.value - np.e) <= r.error <= 1e-14)
    ('complex', True)
    >>> r = derivative(lambda x: x * abs(x), 0.7, method="complex")  # not analytic: falls back
    >>> r.method, round(r.value, 10)
    ('richardson', 1.4)
    >>> r = derivative(np.sin, 0.0, order=2)
    >>> bool(abs(r.value) <= r.error < 1e-12)
    True
    """
    check_callable(f, "derivative")
    point = as_point(x, "derivative")
    problem = Problem(
        sampler=ElementwiseSampler(f, point, executor),
        x=point,
        scale=scale_of(point),
        order=check_order(order, "derivative"),
        step=check_step(step, point, "derivative"),
        room=_room(point, bounds),
        accuracy=accuracy,
    )
    return solve(problem, check_method(method, METHODS, "derivative"))


def check_step(step: Any, lanes: Any, caller: str) -> Any:
    """A user step as a positive float (scalar lanes) or an array shaped like ``lanes``."""
    if step is None:
        return None
    try:
        array = np.asarray(step, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ChainruleTypeError(f"{caller}: step must be a positive number: {exc}") from exc
    if not np.all(np.isfinite(array)) or not np.all(array > 0):
        raise ChainruleValueError(f"{caller}: step must be positive and finite, got {step!r}")
    if isinstance(lanes, float):
        if array.ndim:
            raise ChainruleValueError(f"{caller}: step must be a scalar for a scalar x")
        return float(array)
    try:
        return np.broadcast_to(array, np.shape(lanes)).copy()
    except ValueError as exc:
        raise ChainruleValueError(
            f"{caller}: step of shape {array.shape} does not fit x of shape {np.shape(lanes)}"
        ) from exc


def _room(x: Any, bounds: tuple[Any, Any] | None) -> tuple[Any, Any] | None:
    if bounds is None:
        return None
    try:
        lo, hi = (np.asarray(b, dtype=float) for b in bounds)
    except (TypeError, ValueError) as exc:
        raise ChainruleTypeError(f"derivative: bounds must be a pair (lo, hi): {exc}") from exc
    if np.any(lo >= hi) or np.any(x < lo) or np.any(x > hi):
        raise ChainruleValueError(
            f"derivative: bounds {bounds!r} must satisfy lo < hi and lo <= x <= hi (x = {x!r:.60})"
        )
    below, above = x - lo, hi - x
    if isinstance(x, float):
        return float(below), float(above)
    return below, above
