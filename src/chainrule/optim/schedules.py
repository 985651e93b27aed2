"""Learning-rate schedules: the step size as a function of the number of updates already made.

A schedule is any callable ``schedule(count) -> float``; pass it as ``lr=`` to an optimizer. These three
have the closed forms of PyTorch's ``StepLR``, ``ExponentialLR`` and ``CosineAnnealingLR`` (stepped once per
update).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from chainrule.errors import ChainruleValueError

__all__ = ["CosineDecay", "ExponentialDecay", "StepDecay"]


def _positive(name: str, value: float) -> None:
    if not value > 0:
        raise ChainruleValueError(f"{name} must be positive, got {value!r}")


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
        if not isinstance(self.step_size, int) or self.step_size < 1:
            raise ChainruleValueError(
                f"StepDecay: step_size must be a positive integer, got {self.step_size!r}"
            )

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

    ``min_lr + (lr - min_lr) * (1 + cos(pi * count / total_steps)) / 2``.

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
        if not isinstance(self.total_steps, int) or self.total_steps < 1:
            raise ChainruleValueError(
                f"CosineDecay: total_steps must be a positive integer, got {self.total_steps!r}"
            )

    def __call__(self, count: int) -> float:
        progress = min(count, self.total_steps) / self.total_steps
        return self.min_lr + (self.lr - self.min_lr) * (1.0 + math.cos(math.pi * progress)) / 2.0
