"""Learning-rate schedules: the step size as a function of the number of updates already made.

A schedule is any callable ``schedule(count) -> float``; pass it as ``lr=`` to an optimizer. ``StepDecay``
and ``ExponentialDecay`` have the closed forms of PyTorch's ``StepLR`` and ``ExponentialLR`` (stepped once
per update); ``CosineDecay`` has that of ``CosineAnnealingLR`` for its first ``total_steps`` updates and then
stays at ``min_lr``, where PyTorch's rate rises again (its cosine has period ``2 * T_max``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from chainrule.errors import ChainruleValueError

__all__ = ["CosineDecay", "ExponentialDecay", "StepDecay"]


def _positive(name: str, value: float) -> None:
    if not (value > 0 and math.isfinite(value)):
        raise ChainruleValueError(f"{name} must be a positive finite number, got {value!r}")


def _count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ChainruleValueError(f"{name} must be a positive integer, e.g. 100, got {value!r}")


@dataclass(frozen=True)
class StepDecay:
    """``lr * gamma ** (count // step_size)``: the rate drops by ``gamma`` every ``step_size`` updates.

    Examples
    --------
    >>> from chainrule.optim import StepDecay
    >>> schedule = StepDecay(1.0, step_size=2, gamma=0.5)
    >>> [schedule(k) for k in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    lr: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        _positive("StepDecay: lr", self.lr)
        _count("StepDecay: step_size", self.step_size)

    def __call__(self, count: int) -> float:
        return self.lr * self.gamma ** (count // self.step_size)


@dataclass(frozen=True)
class ExponentialDecay:
    """``lr * gamma ** count``: the rate shrinks by the factor ``gamma`` at every update.

    Examples
    --------
    >>> from chainrule.optim import ExponentialDecay
    >>> [ExponentialDecay(1.0, gamma=0.5)(k) for k in range(3)]
    [1.0, 0.5, 0.25]
    """

    lr: float
    gamma: float

    def __post_init__(self) -> None:
        _positive("ExponentialDecay: lr", self.lr)
        _positive("ExponentialDecay: gamma", self.gamma)

    def __call__(self, count: int) -> float:
        return self.lr * self.gamma**count


@dataclass(frozen=True)
class CosineDecay:
    """Half a cosine from ``lr`` down to ``min_lr`` over ``total_steps`` updates, then ``min_lr``.

    ``min_lr + (lr - min_lr) * (1 + cos(pi * min(count, total_steps) / total_steps)) / 2``, with
    ``0 <= min_lr <= lr``. Up to ``total_steps`` this is PyTorch's ``CosineAnnealingLR`` (``T_max =
    total_steps``, ``eta_min = min_lr``); after it the rate stays at ``min_lr``, where PyTorch's rises back
    towards ``lr``.

    Examples
    --------
    >>> from chainrule.optim import CosineDecay
    >>> [round(CosineDecay(1.0, total_steps=4)(k), 3) for k in range(6)]
    [1.0, 0.854, 0.5, 0.146, 0.0, 0.0]
    """

    lr: float
    total_steps: int
    min_lr: float = 0.0

    def __post_init__(self) -> None:
        _positive("CosineDecay: lr", self.lr)
        _count("CosineDecay: total_steps", self.total_steps)
        if not (math.isfinite(self.min_lr) and 0 <= self.min_lr <= self.lr):
            # a negative rate would step uphill, and a min_lr above lr would make the "decay" rise
            raise ChainruleValueError(
                f"CosineDecay: min_lr must be a finite number between 0 and lr = {self.lr!r}, the rate it "
                f"decays to, got {self.min_lr!r}; write e.g. min_lr=0.0 or min_lr={self.lr / 100:g}"
            )

    def __call__(self, count: int) -> float:
        progress = min(count, self.total_steps) / self.total_steps
        return self.min_lr + (self.lr - self.min_lr) * (1.0 + math.cos(math.pi * progress)) / 2.0
