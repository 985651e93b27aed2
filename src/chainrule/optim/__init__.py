"""Gradient descent and its refinements, over arrays (functional) or Tensors (PyTorch style).

Every optimizer offers two interfaces over one implementation:

- functional: ``state = opt.init(params)``, then ``params, state = opt.update(grads, state, params)``, where
  ``params`` is an array or a dict/tuple/list of arrays and ``grads`` has the same structure (as
  :func:`chainrule.grad` returns it);
- object: ``opt = Adam(model.parameters(), lr=1e-3)``, then ``opt.zero_grad()``, ``loss.backward()``,
  ``opt.step()``.

:func:`minimize` runs one on a function and keeps the loss history and the path of iterates.

Examples
--------
>>> import numpy as np, chainrule as cr
>>> result = cr.optim.minimize(lambda x: np.sum((x - 1.0) ** 2), np.zeros(2), method="adam", lr=0.1)
>>> np.round(result.x, 4)
array([1., 1.])
"""

from __future__ import annotations

from chainrule.optim.base import LearningRate, NonFiniteStepWarning, Optimizer, OptState, Schedule
from chainrule.optim.line_search import armijo_step
from chainrule.optim.minimize import METHODS, MinimizeResult, minimize
from chainrule.optim.optimizers import SGD, Adagrad, Adam, AdamW, RMSprop
from chainrule.optim.schedules import CosineDecay, ExponentialDecay, StepDecay

__all__ = [
    "METHODS",
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "CosineDecay",
    "ExponentialDecay",
    "LearningRate",
    "MinimizeResult",
    "NonFiniteStepWarning",
    "OptState",
    "Optimizer",
    "RMSprop",
    "Schedule",
    "StepDecay",
    "armijo_step",
    "minimize",
]
