"""``derivative``: the derivative of a black-box function of one variable, with an honest error bound.

The strategies themselves live in :mod:`chainrule.numeric.strategies`; this module checks arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.numeric.evaluation import Evaluator, Workers, check_parallel
from chainrule.numeric.result import NumericResult
from chainrule.numeric.sampling import ElementwiseSampler, Sampler, as_point, check_callable
from chainrule.numeric.steps import scale_of, snap_step
from chainrule.numeric.strategies import Problem, solve

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = ["METHODS", "check_method", "check_order", "check_step", "derivative", "empty_result"]

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
    workers: Workers = None,
    timeout: float | None = None,
) -> NumericResult:
    """The derivative of order ``order`` of ``f`` at ``x``, with an error bound.

    Parameters
    ----------
    f : callable
        A black box ``f(x)``. For a scalar ``x`` it may return a scalar or an array; for an array ``x``
        it must be elementwise (``f(x)[i]`` depends on ``x[i]`` only) and is called on whole arrays.
        Where it raises ``ValueError`` or an ``ArithmeticError`` (``math.sqrt`` of a negative number),
        the point counts as not finite, like a NaN.
    x : float or array_like
        Where to differentiate; real and finite.
    order : int, default 1
        Derivative order, 1 to 8.
    method : {"auto", "complex", "richardson", "central", "forward", "backward"}
        ``"auto"`` uses the complex step (order 1) or Cauchy circles (orders ≥ 2) where ``f`` is
        complex-safe and analytic at ``x`` (checked against real differences), else Richardson
        extrapolation. ``"complex"`` does the same but says in ``message`` when it had to fall back.
        ``"central"``, ``"forward"`` and ``"backward"`` are single difference quotients of the given
        ``accuracy``; forward and backward estimate the one-sided derivative.
    step : float or array_like, optional
        Absolute step: the step of a single quotient, or the first (largest) step of a ladder (with
        ``"auto"``, of the real differences). With ``"complex"``: the imaginary step (order 1) or the
        circle's radius (orders ≥ 2). A real step is rounded to a multiple of ``4·spacing(x)`` (so that
        every point is exact); a step below that, or one that overflows ``x + step``, is refused.
        Default: scaled with ``max(|x|, 1)`` and f's precision; see :mod:`chainrule.numeric.steps`.
    bounds : (lo, hi), optional
        Every real evaluation point stays within ``[lo, hi]`` (arrays broadcast against ``x``).
    executor : concurrent.futures.Executor, optional
        Evaluate the points of each stencil in parallel (threads, processes, Dask).
    accuracy : int, optional
        Accuracy order of ``"central"`` (even, default 2), ``"forward"``/``"backward"`` (default 1).
    workers : int or callable, optional
        SciPy's convention: a number of processes (``-1``: one per CPU) or a map-like
        ``workers(func, iterable)``. Results are identical to serial evaluation.
    timeout : float, optional
        Seconds this call may take; then it raises :class:`~chainrule.numeric.NumericTimeoutError` and
        stops its worker processes (with no workers or executor, ``f`` runs in one worker process).

    Returns
    -------
    NumericResult
        ``value``, ``error`` (a bound on ``|value − f⁽ⁿ⁾(x)|`` when ``status == 0``), ``n_evals``,
        ``method``, ``step``, ``status`` (0 converged, −1 not converged, −2 not finite, −3 not
        differentiable) and ``message``.

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
    >>> r = derivative(np.abs, 0.0)  # no derivative here
    >>> r.status, r.message.split(" (")[0]
    (-3, 'not differentiable here: one-sided derivatives -1 and 1')
    """
    check_callable(f, "derivative")
    point = as_point(x, "derivative")
    kind = check_method(method, METHODS, "derivative")
    order = check_order(order, "derivative")
    check_parallel(executor, workers, timeout, "derivative")
    room = _room(point, bounds)
    complex_step = check_step(step, point, "derivative", snap=False) if kind == "complex" else None
    real_step = None if kind == "complex" else check_step(step, point, "derivative")
    with Evaluator(f, executor, workers, timeout) as evaluator:
        sampler = ElementwiseSampler(f, point, evaluator)
        if isinstance(point, np.ndarray) and point.size == 0:
            return empty_result(sampler, order, point.shape)
        problem = Problem(
            sampler=sampler,
            x=point,
            scale=scale_of(point),
            order=order,
            step=real_step,
            room=room,
            accuracy=accuracy,
            x_size=abs(point) if type(point) is float else np.abs(point),
            complex_step=complex_step,
        )
        return solve(problem, kind)


def empty_result(sampler: Sampler, order: int, shape: tuple[int, ...]) -> NumericResult:
    """The derivative at no point at all: ``f(x)`` is called once (to check what it returns)."""
    sampler.centre()
    empty = np.zeros(shape)
    return NumericResult(
        value=empty,
        error=empty.copy(),
        n_evals=sampler.n_evals,
        method="none",
        step=empty.copy(),
        message="x is empty: nothing to differentiate",
        order=order,
    )


def check_step(step: Any, lanes: Any, caller: str, *, snap: bool = True, reach: float = 8.0) -> Any:
    """A user step as a positive float (scalar lanes) or an array shaped like ``lanes``.

    With ``snap`` (real steps) it is rounded to a multiple of ``4·spacing(x)`` and refused where it is
    smaller than that or where ``x ± reach·step`` overflows.
    """
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
        value: Any = float(array)
    else:
        try:
            value = np.broadcast_to(array, np.shape(lanes)).copy()
        except ValueError as exc:
            raise ChainruleValueError(
                f"{caller}: step of shape {array.shape} does not fit x of shape {np.shape(lanes)}"
            ) from exc
    if not snap:
        return value
    _refuse_unusable(value, lanes, caller, reach)
    return snap_step(value, lanes)


def _refuse_unusable(step: Any, x: Any, caller: str, reach: float) -> None:
    quantum = 4.0 * np.spacing(np.abs(np.asarray(x, dtype=float)))
    small = np.asarray(step) < quantum
    if np.any(small):
        worst = float(np.max(np.where(small, quantum, 0.0)))
        raise ChainruleValueError(
            f"{caller}: step {step!r:.40} is below 4 times the spacing of floating-point numbers at x "
            f"(x + step would barely move): use a step of at least {worst:.3g}"
        )
    with np.errstate(over="ignore"):
        far = np.abs(np.asarray(x, dtype=float)) + reach * np.asarray(step)
    if not np.all(np.isfinite(far)):
        raise ChainruleValueError(f"{caller}: step {step!r:.40} is so large that x + step overflows")


def _room(x: Any, bounds: tuple[Any, Any] | None) -> tuple[Any, Any] | None:
    if bounds is None:
        return None
    try:
        lo, hi = (np.asarray(b, dtype=float) for b in bounds)
    except (TypeError, ValueError) as exc:
        raise ChainruleTypeError(f"derivative: bounds must be a pair (lo, hi) of numbers: {exc}") from exc
    if np.any(np.isnan(lo)) or np.any(np.isnan(hi)):
        raise ChainruleValueError(f"derivative: bounds must be numbers (±inf allowed), got {bounds!r}")
    try:
        lo, hi = (np.broadcast_to(b, np.shape(x)) for b in (lo, hi))
    except ValueError as exc:
        raise ChainruleValueError(
            f"derivative: bounds of shapes {np.shape(lo)} and {np.shape(hi)} do not fit x of shape "
            f"{np.shape(x)}"
        ) from exc
    if np.any(lo >= hi) or np.any(x < lo) or np.any(x > hi):
        raise ChainruleValueError(
            f"derivative: bounds {bounds!r} must satisfy lo < hi and lo <= x <= hi (x = {x!r:.60})"
        )
    below, above = x - lo, hi - x
    if isinstance(x, float):
        return float(below), float(above)
    return np.asarray(below, dtype=float), np.asarray(above, dtype=float)
