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
from concurrent.futures import Executor
from typing import Any

import numpy as np

from chainrule.errors import ShapeError
from chainrule.numeric.derivative import check_method, check_step
from chainrule.numeric.result import NumericResult
from chainrule.numeric.richardson import Formula, Ladder, LadderOutcome
from chainrule.numeric.sampling import PairSampler, as_point, check_callable
from chainrule.numeric.steps import RICHARDSON_STEP, balanced_step, dyadic, scale_of
from chainrule.numeric.strategies import FULL_RTOL, Problem, fixed_quotient, to_result

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
    point = np.asarray(as_point(x, "hessian"), dtype=float)
    flat = point.ravel()
    rows, cols = np.triu_indices(flat.size)
    pairs = np.stack([rows, cols], axis=1)
    sampler = PairSampler(f, point, pairs, executor)
    scales = np.asarray(scale_of(flat))
    scale = np.maximum(scales[rows], scales[cols])
    problem = Problem(
        sampler=sampler,
        x=np.zeros(len(pairs)),
        scale=scale,
        order=2,
        step=_pair_step(check_step(step, flat, "hessian"), rows, cols),
    )
    with np.errstate(all="ignore"):
        if kind == "central":
            sampler.base = _base(problem, dyadic(scale * balanced_step(1.0, 2, 2)))
            value, error, used_step, status, never = fixed_quotient(
                Ladder(sampler, _CROSS, rtol=0.0), 2, None
            )
            status = np.where(never, -2, status)
            outcome = LadderOutcome(value, error, used_step, status, None)
        else:
            sampler.base = _base(problem, dyadic(RICHARDSON_STEP[2] * scale))
            outcome = Ladder(sampler, _CROSS, rtol=FULL_RTOL[2]).run()
    if np.shape(outcome.value)[1:]:
        raise ShapeError(f"hessian: f must return a scalar, got shape {np.shape(outcome.value)[1:]}")
    result = to_result(problem, outcome, "richardson" if kind != "central" else "central", "")
    return _symmetric(result, point.shape, rows, cols)


def _pair_step(step: Any, rows: np.ndarray, cols: np.ndarray) -> Any:
    return None if step is None else np.maximum(step[rows], step[cols])


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
