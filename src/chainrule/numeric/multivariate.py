"""Derivatives of black-box functions of a vector: gradient, Jacobian, Hessian diagonal, directional.

Each coordinate of ``x`` is a *lane* of the same machinery as :func:`~chainrule.numeric.derivative`:
the complex step per coordinate (one evaluation each), cross-checked per coordinate by Richardson
ladders, which take over wherever ``f`` is not analytic. Layout follows chainrule's convention: the
Jacobian is in the mixed layout by default, ``value.shape == f(x).shape + x.shape``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.errors import ChainruleValueError, ShapeError
from chainrule.layouts import check_layout, layout_axes
from chainrule.numeric.derivative import METHODS, check_method, check_step
from chainrule.numeric.evaluation import Evaluator, Workers, check_parallel
from chainrule.numeric.result import NumericResult
from chainrule.numeric.sampling import AxisSampler, as_point, check_callable
from chainrule.numeric.steps import scale_of
from chainrule.numeric.strategies import Problem, solve

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = ["directional_derivative", "gradient", "hessian_diag", "jacobian"]


def _partials(
    f: Callable[..., Any],
    x: Any,
    order: int,
    method: str,
    step: Any,
    parallel: tuple[Executor | None, Workers, float | None],
    caller: str,
) -> tuple[NumericResult, tuple[int, ...]]:
    """Derivatives of ``order`` along every coordinate: value of shape ``(x.size,) + f(x).shape``."""
    check_callable(f, caller)
    point = np.atleast_1d(np.asarray(as_point(x, caller), dtype=float))
    shape = np.shape(as_point(x, caller))
    kind = check_method(method, METHODS, caller)
    executor, workers, timeout = parallel
    check_parallel(executor, workers, timeout, caller)
    flat = point.ravel()
    complex_step = check_step(step, flat, caller, snap=False) if kind == "complex" else None
    real_step = None if kind == "complex" else check_step(step, flat, caller)
    with Evaluator(f, executor, workers, timeout) as evaluator:
        sampler = AxisSampler(f, point.reshape(shape), evaluator)
        sampler.caller = caller
        if flat.size == 0:
            return _empty(sampler, order), shape
        problem = Problem(
            sampler=sampler,
            x=flat,
            scale=scale_of(flat),
            order=order,
            step=real_step,
            x_size=np.abs(flat),
            complex_step=complex_step,
        )
        return solve(problem, kind), shape


def _empty(sampler: AxisSampler, order: int) -> NumericResult:
    """No coordinates: ``f(x)`` once, for its shape; the value is an empty ``(0,) + f(x).shape``."""
    tail = np.shape(sampler.centre())
    empty = np.zeros((0, *tail))
    return NumericResult(
        value=empty,
        error=empty.copy(),
        n_evals=sampler.n_evals,
        method="none",
        step=np.zeros(0),
        message="x is empty: nothing to differentiate",
        order=order,
    )


def _reshape(result: NumericResult, x_shape: tuple[int, ...], layout: str) -> NumericResult:
    """Lane-major ``(n,) + tail`` arrays to ``tail + x_shape`` (the mixed layout), then to ``layout``."""

    def arrange(array: Any) -> Any:
        array = np.asarray(array)
        tail = array.shape[1:]
        out = np.moveaxis(
            array.reshape(x_shape + tail), tuple(range(len(x_shape))), tuple(range(-len(x_shape), 0))
        )
        out = np.transpose(out, layout_axes(len(tail), len(x_shape), layout))
        return out[()] if out.ndim == 0 else out

    step = np.asarray(result.step).reshape(x_shape)
    return replace(
        result,
        value=arrange(result.value),
        error=arrange(result.error),
        step=step[()] if step.ndim == 0 else step,
    )


def jacobian(
    f: Callable[..., Any],
    x: Any,
    method: str = "auto",
    step: Any = None,
    executor: Executor | None = None,
    *,
    layout: str = "mixed",
    workers: Workers = None,
    timeout: float | None = None,
) -> NumericResult:
    """The Jacobian of ``f`` at ``x``, with an error bound per entry.

    Parameters
    ----------
    f : callable
        ``f(x)`` for ``x`` shaped like the argument; returns a number or an array of fixed shape.
    x : array_like
        Where to differentiate; real and finite.
    method : {"auto", "complex", "richardson", "central", "forward", "backward"}
        As for :func:`~chainrule.numeric.derivative`, per coordinate.
    step : float or array_like, optional
        Absolute step per coordinate (broadcast to ``x``).
    executor : concurrent.futures.Executor, optional
        Evaluate the points of each level in parallel.
    layout : {"mixed", "numerator", "denominator"}
        As everywhere in chainrule (:mod:`chainrule.layouts`): ``"mixed"``, ``value.shape == f(x).shape +
        x.shape``; ``"numerator"``, ``f(x).shape + reversed(x.shape)``; ``"denominator"``, the full transpose
        of numerator.

    Returns
    -------
    NumericResult
        ``n_evals`` counts calls of ``f``, one point each.

    Examples
    --------
    >>> import numpy as np
    >>> r = jacobian(lambda v: np.array([v[0] * v[1], np.sin(v[0])]), [1.0, 2.0])
    >>> np.round(r.value, 12).tolist()
    [[2.0, 1.0], [0.540302305868, 0.0]]
    >>> jacobian(lambda v: np.array([v[0] * v[1], np.sin(v[0])]), [1.0, 2.0],
    ...          layout="denominator").value.shape
    (2, 2)
    """
    check_layout(layout, "numeric.jacobian")
    result, shape = _partials(f, x, 1, method, step, (executor, workers, timeout), "jacobian")
    return _reshape(result, shape, layout)


def gradient(
    f: Callable[..., Any],
    x: Any,
    method: str = "auto",
    step: Any = None,
    executor: Executor | None = None,
    *,
    workers: Workers = None,
    timeout: float | None = None,
) -> NumericResult:
    """The gradient of a scalar ``f`` at ``x``: ``value.shape == x.shape``.

    Examples
    --------
    >>> import numpy as np
    >>> r = gradient(lambda v: np.sum(v**3), np.array([1.0, -2.0]))
    >>> r.value.tolist(), r.method, bool(np.all(r.error < 1e-13))
    ([3.0, 12.0], 'complex', True)
    """
    result, shape = _partials(f, x, 1, method, step, (executor, workers, timeout), "gradient")
    _require_scalar(result, shape, "gradient")
    return _reshape(result, shape, "mixed")


def hessian_diag(
    f: Callable[..., Any],
    x: Any,
    method: str = "auto",
    step: Any = None,
    executor: Executor | None = None,
    *,
    workers: Workers = None,
    timeout: float | None = None,
) -> NumericResult:
    """The diagonal of the Hessian of a scalar ``f``: ``∂²f/∂x_i²``, shaped like ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> r = hessian_diag(lambda v: v[0] ** 3 + np.exp(v[1]), [1.0, 0.0])
    >>> np.round(r.value, 9).tolist()
    [6.0, 1.0]
    """
    result, shape = _partials(f, x, 2, method, step, (executor, workers, timeout), "hessian_diag")
    _require_scalar(result, shape, "hessian_diag")
    return _reshape(result, shape, "mixed")


def directional_derivative(
    f: Callable[..., Any],
    x: Any,
    direction: Any,
    method: str = "auto",
    step: Any = None,
    executor: Executor | None = None,
    *,
    workers: Workers = None,
    timeout: float | None = None,
) -> NumericResult:
    """``d/dt f(x + t·direction)`` at ``t = 0`` (the direction is not normalised).

    Examples
    --------
    >>> import numpy as np
    >>> r = directional_derivative(lambda v: v[0] ** 2 + 3 * v[1], [1.0, 1.0], [1.0, 1.0])
    >>> round(float(r.value), 12)
    5.0
    """
    caller = "directional_derivative"
    check_callable(f, caller)
    point = np.asarray(as_point(x, caller), dtype=float)
    vector = np.asarray(as_point(direction, caller), dtype=float)
    if vector.shape != point.shape:
        raise ShapeError(f"{caller}: direction has shape {vector.shape} but x has shape {point.shape}")
    norm = float(np.max(np.abs(vector))) if vector.size else 0.0
    if norm == 0.0:
        raise ChainruleValueError(f"{caller}: direction must not be zero")
    kind = check_method(method, METHODS, caller)
    check_parallel(executor, workers, timeout, caller)
    complex_step = check_step(step, np.zeros(1), caller, snap=False) if kind == "complex" else None
    real_step = None if kind == "complex" else check_step(step, np.zeros(1), caller)
    size = float(np.max(scale_of(point.ravel())))
    with Evaluator(f, executor, workers, timeout) as evaluator:
        sampler = AxisSampler(f, point, evaluator, directions=vector[np.newaxis])
        sampler.caller = caller
        problem = Problem(
            sampler=sampler,
            x=np.zeros(1),
            scale=np.array([size / norm]),
            order=1,
            step=real_step,
            x_size=np.array([float(np.max(np.abs(point)))]),
            complex_step=complex_step,
        )
        result = solve(problem, kind)
    value, error = np.asarray(result.value)[0], np.asarray(result.error)[0]
    return replace(
        result,
        value=value[()] if value.ndim == 0 else value,
        error=error[()] if error.ndim == 0 else error,
        step=float(np.asarray(result.step)[0]),
    )


def _require_scalar(result: NumericResult, shape: tuple[int, ...], caller: str) -> None:
    tail = np.shape(result.value)[1:]
    if tail:
        raise ShapeError(
            f"{caller}: f must return a scalar, got shape {tail}; use jacobian for vector outputs"
        )
