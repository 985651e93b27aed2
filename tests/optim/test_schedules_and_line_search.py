"""Learning-rate schedules and the Armijo line search."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim
from chainrule.errors import ChainruleValueError


def test_step_decay() -> None:
    schedule = optim.StepDecay(0.1, step_size=3, gamma=0.5)
    assert [schedule(k) for k in range(7)] == pytest.approx([0.1] * 3 + [0.05] * 3 + [0.025])


def test_exponential_decay() -> None:
    schedule = optim.ExponentialDecay(2.0, gamma=0.9)
    assert schedule(10) == pytest.approx(2.0 * 0.9**10)


def test_cosine_decay_ends_and_stays_at_min_lr() -> None:
    schedule = optim.CosineDecay(1.0, total_steps=10, min_lr=0.1)
    assert schedule(0) == 1.0
    assert schedule(5) == pytest.approx(0.55)
    assert schedule(10) == pytest.approx(0.1)
    assert schedule(1000) == pytest.approx(0.1)
    values = [schedule(k) for k in range(11)]
    assert all(a > b for a, b in itertools.pairwise(values))


@pytest.mark.parametrize(
    "make",
    [
        lambda: optim.StepDecay(0.1, step_size=0),
        lambda: optim.StepDecay(-0.1, step_size=2),
        lambda: optim.ExponentialDecay(0.1, gamma=0.0),
        lambda: optim.CosineDecay(0.1, total_steps=0),
        lambda: optim.CosineDecay(0.1, total_steps=True),
        lambda: optim.ExponentialDecay(math.inf, gamma=0.5),
    ],
)
def test_bad_schedules_raise(make: object) -> None:
    with pytest.raises(ChainruleValueError):
        make()  # type: ignore[operator]


@pytest.mark.parametrize("min_lr", [-0.1, 1.0, math.nan, math.inf])
def test_cosine_decay_min_lr_is_between_zero_and_lr(min_lr: float) -> None:
    # a negative rate fails mid-training, and a min_lr above lr would "decay" upward
    with pytest.raises(ChainruleValueError, match=r"min_lr must be a finite number between 0 and lr = 0\.1"):
        optim.CosineDecay(0.1, 100, min_lr=min_lr)


def test_cosine_decay_takes_numpy_integers_and_its_bounds() -> None:
    assert optim.CosineDecay(0.1, np.int64(10), min_lr=0.1)(5) == pytest.approx(0.1)  # min_lr = lr: constant
    assert optim.CosineDecay(0.1, 10, min_lr=0.0)(10) == 0.0
    assert optim.StepDecay(1.0, step_size=np.int64(2))(2) == 0.1


def quadratic(x: np.ndarray) -> Any:
    return np.sum(np.array([1.0, 25.0]) * x**2)


def test_armijo_step_satisfies_sufficient_decrease() -> None:
    x = np.array([1.0, 1.0])
    g = cr.grad(quadratic)(x)
    t, x_new, f_new = optim.armijo_step(quadratic, x, quadratic(x), g, lr=1.0, c=0.3)
    assert 0 < t < 1
    assert f_new == quadratic(x_new)
    assert f_new <= quadratic(x) - 0.3 * t * float(g @ g)
    # the step before it (twice as long) did not qualify
    assert quadratic(x - 2 * t * g) > quadratic(x) - 0.3 * 2 * t * float(g @ g)


def test_armijo_step_works_on_trees() -> None:
    def f(p: dict[str, np.ndarray]) -> Any:
        return np.sum(p["a"] ** 2) + np.sum(p["b"] ** 2)

    p = {"a": np.ones(2), "b": np.full(1, 3.0)}
    t, p_new, f_new = optim.armijo_step(f, p, f(p), cr.grad(f)(p))
    assert t == 0.5
    assert f_new == 0.0
    assert set(p_new) == {"a", "b"}


def test_armijo_step_at_a_minimum_returns_zero() -> None:
    x = np.zeros(2)
    t, x_new, f_new = optim.armijo_step(quadratic, x, 0.0, np.zeros(2))
    assert t == 1.0  # a zero gradient satisfies the condition at once, and the step does nothing
    # a gradient that points the wrong way can never satisfy it
    t, x_new, f_new = optim.armijo_step(quadratic, x, 0.0, np.array([1.0, 0.0]), max_trials=10)
    assert (t, f_new) == (0.0, 0.0)
    assert x_new is x


def test_armijo_step_rejects_bad_constants() -> None:
    with pytest.raises(ChainruleValueError):
        optim.armijo_step(quadratic, np.ones(2), 26.0, np.ones(2), c=1.5)
    with pytest.raises(ChainruleValueError):
        optim.armijo_step(quadratic, np.ones(2), 26.0, np.ones(2), lr=-1.0)
    assert math.isfinite(optim.armijo_step(quadratic, np.ones(2), 26.0, np.ones(2))[2])
