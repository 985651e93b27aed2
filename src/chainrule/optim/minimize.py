"""``minimize``: run an optimizer on a function, keeping the loss history and the path of iterates."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.core import value_and_grad
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.optim.base import NonFiniteStepWarning, Optimizer
from chainrule.optim.line_search import armijo_step
from chainrule.optim.optimizers import SGD, Adagrad, Adam, AdamW, RMSprop
from chainrule.tree import flatten, unflatten

__all__ = ["METHODS", "MinimizeResult", "minimize"]

# method name -> the optimizer it runs (with lr and any extra options from minimize's keywords)
METHODS: dict[str, Callable[..., Optimizer]] = {
    "gd": SGD,
    "momentum": lambda **o: SGD(**{"momentum": 0.9, **o}),
    "nesterov": lambda **o: SGD(**{"momentum": 0.9, "nesterov": True, **o}),
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adam": Adam,
    "adamw": AdamW,
}


@dataclass
class MinimizeResult:
    """What :func:`minimize` returns.

    Attributes
    ----------
    x:
        The last iterate, in the structure of ``x0`` (a float for a float).
    fun:
        The loss at ``x``.
    losses:
        The loss at every iterate, ``x0`` first: an array of ``steps + 1`` values.
    path:
        Every iterate, ``x0`` first: an array of shape ``(steps + 1, *x0.shape)`` when ``x0`` is one array
        (ready to plot), else a list of trees.
    steps:
        How many updates were made.
    converged:
        Whether the gradient norm fell to ``tol`` (never when the run stopped early).
    grad_norm:
        The gradient's Euclidean norm at ``x`` (over all leaves).
    message:
        Why the run stopped.
    """

    x: Any
    fun: float
    losses: np.ndarray = field(repr=False)
    path: Any = field(repr=False)
    steps: int
    converged: bool
    grad_norm: float
    message: str


def _optimizer(method: Any, lr: float | None, options: dict[str, Any]) -> Optimizer:
    if isinstance(method, Optimizer):
        if lr is not None or options:
            raise ChainruleValueError("minimize: give lr and options to the optimizer, not to minimize")
        return method
    if method not in METHODS:
        raise ChainruleValueError(
            f"minimize: unknown method {method!r}; use one of {sorted(METHODS)} or an Optimizer instance"
        )
    if lr is not None:
        options = {"lr": lr, **options}
    return METHODS[method](**options)


def _norm(tree: Any) -> float:
    return math.sqrt(sum(float(np.sum(np.abs(g) ** 2)) for g in flatten(tree)[0]))


def _as_float_tree(x0: Any) -> tuple[Any, bool]:
    leaves, treedef = flatten(x0)
    if not leaves:
        raise ChainruleValueError("minimize: x0 has no arrays in it")
    arrays = []
    for leaf in leaves:
        try:
            a = np.array(leaf, copy=True)
        except (TypeError, ValueError) as exc:
            raise ChainruleTypeError(f"minimize: x0 must hold numbers, got {type(leaf).__name__}") from exc
        if a.dtype.kind not in "fciub":
            raise ChainruleTypeError(f"minimize: x0 must hold numbers, got an array of dtype {a.dtype}")
        arrays.append(a.astype(np.float64) if a.dtype.kind in "biu" else a)
    scalar = isinstance(x0, int | float | np.number)
    return unflatten(treedef, arrays), scalar


def _scalar_loss(value: Any) -> float:
    if np.size(value) != 1:
        raise ShapeError(f"minimize: f must return a scalar, got shape {np.shape(value)}")
    return float(np.real(np.reshape(value, ())))


def minimize(
    f: Callable[[Any], Any],
    x0: Any,
    method: str | Optimizer = "gd",
    *,
    lr: float | None = None,
    steps: int = 1000,
    tol: float = 1e-6,
    line_search: str | None = None,
    callback: Callable[[int, Any, float], Any] | None = None,
    **options: Any,
) -> MinimizeResult:
    """Minimize a scalar function by a first-order method, recording every step.

    Parameters
    ----------
    f:
        ``f(x) -> scalar``, ordinary NumPy code; its gradient comes from :func:`chainrule.value_and_grad`.
    x0:
        The starting point: a number, an array, or a dict/tuple/list of arrays (model parameters).
    method:
        ``"gd"`` (fixed-rate gradient descent), ``"momentum"``, ``"nesterov"`` (momentum 0.9),
        ``"adagrad"``, ``"rmsprop"``, ``"adam"``, ``"adamw"``, or an :class:`Optimizer` instance.
    lr:
        The step size; by default the optimizer's own (SGD 0.01, Adam 0.001, ...). With
        ``line_search="armijo"`` it is the first step tried at each iteration (default 1).
    steps:
        The most updates to make.
    tol:
        Stop when the gradient's Euclidean norm is at most ``tol`` (a number >= 0; 0 stops only at a zero
        gradient).
    line_search:
        ``"armijo"`` for gradient descent with backtracking (only with ``method="gd"``): no rate to tune.
    callback:
        ``callback(step, x, loss)`` after each update; returning True stops the run.
    **options:
        More hyperparameters for the method (``momentum=0.5``, ``betas=(0.9, 0.99)``, ...).

    Returns
    -------
    MinimizeResult
        The solution ``x``, the loss history ``losses`` and the iterates ``path``, with ``converged`` etc.
        A run whose loss or gradient becomes NaN or infinite stops there and returns the last iterate
        where both were finite, with ``converged=False`` and a message that says so; so does a run whose
        next update would not be finite.

    Examples
    --------
    Gradient descent on ``(x - 3)²`` with rate 0.25 halves the distance to the minimum at every step:

    >>> import numpy as np, chainrule as cr
    >>> result = cr.optim.minimize(lambda x: (x - 3.0) ** 2, 0.0, method="gd", lr=0.25, tol=1e-6)
    >>> result.path[:4].tolist(), result.steps, result.converged
    ([0.0, 1.5, 2.25, 2.625], 23, True)

    A badly scaled bowl, with a line search instead of a tuned rate:

    >>> f = lambda p: p[0] ** 2 + 10 * p[1] ** 2
    >>> result = cr.optim.minimize(f, np.array([1.0, 1.0]), line_search="armijo", tol=1e-10)
    >>> bool(np.all(np.abs(result.x) < 1e-9)), result.converged, result.steps
    (True, True, 95)
    """
    if not callable(f):
        raise ChainruleTypeError(f"minimize: f must be a function, got {type(f).__name__}")
    steps, tol = _steps(steps), _tolerance(tol)
    x, scalar = _as_float_tree(x0)
    stepper = _stepper(f, method, lr, line_search, options, x)
    result = _descend(value_and_grad(f), stepper, x, steps, tol, callback)
    if scalar:
        result.x = float(result.x)
    return result


def _steps(steps: Any) -> int:
    # bool is an int to Python, but steps=True is a mistake, not one step
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ChainruleValueError(
            f"minimize: steps must be a non-negative integer (the most updates to make), got {steps!r}; "
            "write e.g. steps=1000"
        )
    return int(steps)


def _tolerance(tol: Any) -> float:
    if isinstance(tol, bool) or not isinstance(tol, int | float | np.integer | np.floating):
        raise ChainruleTypeError(f"minimize: tol must be a number, e.g. tol=1e-6, got {type(tol).__name__}")
    if not tol >= 0:  # NaN too: no gradient norm is ever <= NaN, so the run could never converge
        raise ChainruleValueError(
            f"minimize: tol must be a non-negative number (the gradient norm to stop at), got {tol!r}; "
            "write e.g. tol=1e-6, or tol=0 to stop only at a zero gradient"
        )
    return float(tol)


# (x, loss, gradient) -> the next iterate, or a sentence saying why no step can be made
Stepper = Callable[[Any, float, Any], Any]


def _stepper(
    f: Callable[[Any], Any],
    method: str | Optimizer,
    lr: float | None,
    line_search: str | None,
    options: dict[str, Any],
    x: Any,
) -> Stepper:
    if line_search is None:
        optimizer = _optimizer(method, lr, options)
        state = optimizer.init(x)

        def update(x: Any, loss: float, g: Any) -> Any:
            nonlocal state
            with warnings.catch_warnings():  # minimize's message says it, once
                warnings.simplefilter("ignore", NonFiniteStepWarning)
                x_new, new_state = optimizer.update(g, state, x)
            if new_state.skipped > state.skipped:
                return "the next update would not be finite (the step size may be too large)"
            state = new_state
            return x_new

        return update
    if line_search != "armijo":
        raise ChainruleValueError(f"minimize: line_search must be None or 'armijo', got {line_search!r}")
    if method != "gd" or options:
        raise ChainruleValueError(
            f"minimize: line_search='armijo' is gradient descent (method='gd', no options), got "
            f"method={method!r} and options {sorted(options)}"
        )
    first_trial = 1.0 if lr is None else lr

    def search(x: Any, loss: float, g: Any) -> Any:
        t, x_new, _ = armijo_step(f, x, loss, g, lr=first_trial)
        return "the line search found no step that decreases the loss" if t == 0.0 else x_new

    return search


def _evaluate(loss_and_grad: Callable[[Any], Any], x: Any) -> tuple[float, Any, float]:
    value, g = loss_and_grad(x)
    return _scalar_loss(value), g, _norm(g)


def _descend(
    loss_and_grad: Callable[[Any], Any],
    stepper: Stepper,
    x: Any,
    steps: int,
    tol: float,
    callback: Callable[[int, Any, float], Any] | None,
) -> MinimizeResult:
    loss, g, grad_norm = _evaluate(loss_and_grad, x)
    losses, path = [loss], [x]
    stop = None  # why the run stopped early, if it did
    if not (math.isfinite(loss) and math.isfinite(grad_norm)):
        stop = f"the loss is not finite at x0 (loss {loss}, gradient norm {grad_norm}): no step made"
    k = 0
    while stop is None and grad_norm > tol and k < steps:
        x_new = stepper(x, loss, g)
        if isinstance(x_new, str):
            stop = f"{x_new}; stopped at step {k}"
            break
        new_loss, new_g, new_norm = _evaluate(loss_and_grad, x_new)
        if not (math.isfinite(new_loss) and math.isfinite(new_norm)):
            # the iterate is not kept: x stays the last one with a finite loss and gradient
            stop = (
                f"the loss is not finite at step {k + 1} (loss {new_loss}, gradient norm {new_norm}); "
                f"stopped and kept step {k}, the last with a finite loss and gradient (the step size may "
                "be too large)"
            )
            break
        x, k, loss, g, grad_norm = x_new, k + 1, new_loss, new_g, new_norm
        losses.append(loss)
        path.append(x)
        if callback is not None and callback(k, x, loss) is True:
            stop = f"callback stopped the run at step {k}"
    converged = stop is None and grad_norm <= tol
    if converged:
        message = f"gradient norm {grad_norm:.3g} <= tol={tol:g}"
    else:
        message = stop or f"reached steps={steps}"
    single_array = flatten(x)[1].kind is None
    return MinimizeResult(
        x=x,
        fun=loss,
        losses=np.array(losses),
        path=np.stack([np.asarray(p) for p in path]) if single_array else path,
        steps=k,
        converged=converged,
        grad_norm=grad_norm,
        message=message,
    )
