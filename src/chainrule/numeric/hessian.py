"""The Hessian of a black-box scalar function from true two-dimensional stencils.

Entry ``(i, j)`` is the mixed difference
``[f(x + hᵢ + hⱼ) − f(x + hᵢ − hⱼ) − f(x − hᵢ + hⱼ) + f(x − hᵢ − hⱼ)] / (4 h²)``, whose error expansion
holds only even powers of ``h``, Richardson-extrapolated like any other quotient; on the diagonal the same
stencil is the second difference with step ``2h`` (the two middle points coincide at ``x``, evaluated
once for all). Only ``i ≤ j`` is computed; the Hessian is symmetric. No nested Jacobians: each entry
costs four evaluations per level, not a Jacobian of Jacobians.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.errors import ShapeError
from chainrule.numeric.derivative import check_method, check_step
from chainrule.numeric.evaluation import Evaluator, Workers, check_parallel
from chainrule.numeric.outcome import to_result
from chainrule.numeric.result import NumericResult
from chainrule.numeric.richardson import Formula, Ladder, LadderOutcome
from chainrule.numeric.sampling import PairSampler, as_point, check_callable
from chainrule.numeric.steps import balanced_step, dyadic, ladder_step, scale_of, snap_step
from chainrule.numeric.strategies import FULL_RTOL, Problem, fixed_quotient

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = ["HESSIAN_METHODS", "hessian"]

HESSIAN_METHODS = ("auto", "richardson", "central")

_CROSS = Formula(
    offsets=((1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)),
    weights=(0.25, -0.25, -0.25, 0.25),
    order=2,
    exponents=(2, 4, 6, 8),
)


def hessian(
    f: Callable[..., Any],
    x: Any,
    method: str = "auto",
    step: Any = None,
    executor: Executor | None = None,
    *,
    workers: Workers = None,
    timeout: float | None = None,
) -> NumericResult:
    """The Hessian of a scalar ``f`` at ``x``: ``value.shape == x.shape + x.shape``.

    Parameters
    ----------
    f : callable
        ``f(x)`` returning a number.
    x : array_like
        Where to differentiate; real and finite.
    method : {"auto", "richardson", "central"}
        ``"auto"`` and ``"richardson"`` extrapolate each entry over a ladder of steps; ``"central"``
        is a single 2-D stencil with an error estimate from twice the step.
    step : float or array_like, optional
        Absolute step per coordinate (broadcast to ``x``); an entry ``(i, j)`` uses the larger.
    executor : concurrent.futures.Executor, optional
        Evaluate the points of each level in parallel.
    workers : int or callable, optional
        Processes (``-1``: one per CPU) or a map-like ``workers(func, iterable)``; identical results.
    timeout : float, optional
        Seconds this call may take (see :func:`~chainrule.numeric.derivative`).

    Returns
    -------
    NumericResult
        Symmetric ``value`` and ``error``; ``n_evals`` counts calls of ``f``.

    Examples
    --------
    >>> import numpy as np
    >>> r = hessian(lambda v: v[0] ** 2 * v[1] + np.exp(v[1]), [1.0, 0.0])
    >>> np.round(r.value, 9).tolist()
    [[0.0, 2.0], [2.0, 1.0]]
    """
    check_callable(f, "hessian")
    kind = check_method(method, HESSIAN_METHODS, "hessian")
    check_parallel(executor, workers, timeout, "hessian")
    point = np.asarray(as_point(x, "hessian"), dtype=float)
    flat = point.ravel()
    rows, cols = np.triu_indices(flat.size)
    pairs = np.stack([rows, cols], axis=1)
    user_step = check_step(step, flat, "hessian")
    with Evaluator(f, executor, workers, timeout) as evaluator:
        sampler = PairSampler(f, point, pairs, evaluator)
        if np.shape(sampler.centre()):
            raise ShapeError(f"hessian: f must return a scalar, got shape {np.shape(sampler.centre())}")
        if flat.size == 0:
            return _symmetric(_empty(sampler), point.shape, rows, cols)
        scales = np.asarray(scale_of(flat))
        scale = np.maximum(scales[rows], scales[cols])
        size = np.maximum(np.abs(flat)[rows], np.abs(flat)[cols])
        problem = Problem(
            sampler=sampler,
            x=np.zeros(len(pairs)),
            scale=scale,
            order=2,
            step=_pair_step(user_step, rows, cols, size),
            x_size=size,
        )
        outcome = _solve(problem, sampler, kind, scale)
        result = to_result(sampler, 2, outcome, "richardson" if kind != "central" else "central", [])
    return _symmetric(result, point.shape, rows, cols)


def _solve(problem: Problem, sampler: PairSampler, kind: str, scale: np.ndarray) -> LadderOutcome:
    with np.errstate(all="ignore"):
        if kind == "central":
            sampler.base = _base(problem, dyadic(scale * balanced_step(1.0, 2, 2, sampler.eps)))
            outcome, never = fixed_quotient(Ladder(sampler, _CROSS, rtol=0.0, x_size=problem.x_size), 2, None)
            outcome.status = np.where(never, -2, outcome.status)
            return outcome
        sampler.base = _base(problem, dyadic(ladder_step(2, sampler.eps) * scale))
        return Ladder(sampler, _CROSS, rtol=FULL_RTOL[2], x_size=problem.x_size, scale=scale).run()


def _empty(sampler: PairSampler) -> NumericResult:
    return NumericResult(
        value=np.zeros(0),
        error=np.zeros(0),
        n_evals=sampler.n_evals,
        method="none",
        step=np.zeros(0),
        message="x is empty: nothing to differentiate",
        order=2,
    )


def _pair_step(step: Any, rows: np.ndarray, cols: np.ndarray, size: np.ndarray) -> Any:
    """An entry's step: the larger of its coordinates', on the grid of the larger coordinate."""
    return None if step is None else snap_step(np.maximum(step[rows], step[cols]), size)


def _base(problem: Problem, default: Any) -> Any:
    return default if problem.step is None else problem.step


def _symmetric(
    result: NumericResult, shape: tuple[int, ...], rows: np.ndarray, cols: np.ndarray
) -> NumericResult:
    n = int(np.prod(shape)) if shape else 1

    def fill(lanes: Any) -> np.ndarray:
        matrix = np.empty((n, n))
        matrix[rows, cols] = lanes
        matrix[cols, rows] = lanes
        return matrix.reshape(shape + shape)

    return NumericResult(
        value=fill(result.value),
        error=fill(result.error),
        n_evals=result.n_evals,
        method=result.method,
        step=fill(result.step),
        status=result.status,
        message=result.message,
        order=2,
        table_source=result.table_source,
    )
