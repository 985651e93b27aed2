"""A small neural-network toolkit on the autodiff engine: layers, losses, data sets, a training loop.

A :class:`Module` holds its parameters as Tensors and computes ``forward(params, x)``. Two ways to train:

- functional (fast): ``params = model.state_dict()``, gradients by ``cr.value_and_grad`` of a loss of
  ``model.apply(params, X)``, updates by an optimizer's ``update`` (or :func:`fit`, which does all that);
- object: ``loss = cross_entropy(model(X), y)``, ``loss.backward()``, ``opt.step()`` with
  ``opt = cr.optim.SGD(model.parameters(), lr=0.1)``.

Examples
--------
>>> import numpy as np, chainrule as cr
>>> from chainrule import nn, optim
>>> X, y = nn.make_blobs(90, centers=3, seed=0)
>>> model = nn.MLP(2, [8, 3], activation="relu", seed=0)
>>> opt = optim.SGD(model.parameters(), lr=0.1)
>>> for _ in range(50):
...     opt.zero_grad()
...     loss = nn.cross_entropy(model(X), y)
...     loss.backward()
...     opt.step()
>>> nn.accuracy(model(X), y)
1.0
"""

from __future__ import annotations

from chainrule.nn.data import (
    batches,
    load_digits,
    make_blobs,
    make_moons,
    make_regression,
    make_spirals,
    one_hot,
    train_test_split,
)
from chainrule.nn.init import glorot_normal, glorot_uniform, he_normal, he_uniform
from chainrule.nn.layers import ACTIVATIONS, GELU, MLP, Linear, ReLU, Sigmoid, Tanh, gelu
from chainrule.nn.losses import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    huber_loss,
    l2_penalty,
    mae_loss,
    mse_loss,
)
from chainrule.nn.module import Module, Sequential, subtree
from chainrule.nn.training import accuracy, fit

__all__ = [
    "ACTIVATIONS",
    "GELU",
    "MLP",
    "Linear",
    "Module",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "accuracy",
    "batches",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "fit",
    "gelu",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "hinge_loss",
    "huber_loss",
    "l2_penalty",
    "load_digits",
    "mae_loss",
    "make_blobs",
    "make_moons",
    "make_regression",
    "make_spirals",
    "mse_loss",
    "one_hot",
    "subtree",
    "train_test_split",
]
