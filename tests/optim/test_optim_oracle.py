"""Oracle: 100 steps of each optimizer against ``torch.optim``, same weights and data (``make oracle``).

A tanh MLP on three spirals, float64, full batch, cross-entropy. chainrule is run both ways (functional over
``state_dict()`` arrays, and objects over the module's Tensors); the loss at every step must match
PyTorch's to 1e-6 relative, and so must the final weights.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, optim

torch = pytest.importorskip("torch")
torch.set_num_threads(1)  # tiny tensors: more threads only contend with the test runner

pytestmark = pytest.mark.oracle

STEPS = 100
RTOL = 1e-6

# name -> (chainrule optimizer factory, torch optimizer factory), same hyperparameters
CONFIGS: dict[str, tuple[Callable[..., optim.Optimizer], Callable[..., Any]]] = {
    "sgd-momentum": (
        lambda p=None: optim.SGD(p, lr=0.1, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    ),
    "sgd-nesterov-decay": (
        lambda p=None: optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=1e-3),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=1e-3),
    ),
    "adam": (
        lambda p=None: optim.Adam(p, lr=0.01),
        lambda p: torch.optim.Adam(p, lr=0.01),
    ),
    "adam-l2": (
        lambda p=None: optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=1e-2),
        lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=1e-2),
    ),
    "adamw": (
        lambda p=None: optim.AdamW(p, lr=0.01, weight_decay=0.1),
        lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1),
    ),
    "rmsprop": (
        lambda p=None: optim.RMSprop(p, lr=0.005),
        lambda p: torch.optim.RMSprop(p, lr=0.005),
    ),
    "rmsprop-centered-momentum": (
        lambda p=None: optim.RMSprop(p, lr=0.002, alpha=0.9, momentum=0.5, centered=True, weight_decay=1e-3),
        lambda p: torch.optim.RMSprop(p, lr=0.002, alpha=0.9, momentum=0.5, centered=True, weight_decay=1e-3),
    ),
    "adagrad": (
        lambda p=None: optim.Adagrad(p, lr=0.1, lr_decay=1e-3, initial_accumulator_value=0.1),
        lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=1e-3, initial_accumulator_value=0.1),
    ),
}


@pytest.fixture(scope="module")
def problem() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    X, y = nn.make_spirals(150, classes=3, noise=0.1, seed=0)
    return X, y, nn.MLP(2, [16, 3], activation="tanh", seed=0).state_dict()


def torch_losses(
    X: np.ndarray, y: np.ndarray, init: dict[str, np.ndarray], make_opt: Any, make_scheduler: Any = None
) -> tuple[Any, ...]:
    layers = [torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3)]
    model = torch.nn.Sequential(*layers).double()
    with torch.no_grad():
        for i in (0, 2):
            layers[i].weight.copy_(torch.from_numpy(init[f"{i}.weight"].T))
            layers[i].bias.copy_(torch.from_numpy(init[f"{i}.bias"]))
    opt = make_opt(model.parameters())
    scheduler = None if make_scheduler is None else make_scheduler(opt)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(Xt), yt)
        loss.backward()
        opt.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.item())
    weights = {f"{i}.weight": layers[i].weight.detach().numpy().T for i in (0, 2)}
    return np.array(losses), weights


def functional_losses(X: np.ndarray, y: np.ndarray, init: dict[str, np.ndarray], opt: Any) -> tuple[Any, ...]:
    model = nn.MLP(2, [16, 3], activation="tanh", seed=0)
    loss_and_grad = cr.value_and_grad(lambda p: nn.cross_entropy(model.apply(p, X), y))
    params = dict(init)
    state = opt.init(params)
    losses = []
    for _ in range(STEPS):
        loss, grads = loss_and_grad(params)
        params, state = opt.update(grads, state, params)
        losses.append(float(loss))
    return np.array(losses), params


def object_losses(
    X: np.ndarray, y: np.ndarray, init: dict[str, np.ndarray], make_opt: Any
) -> tuple[Any, ...]:
    model = nn.MLP(2, [16, 3], activation="tanh", seed=1)
    model.load_state_dict(init)
    opt = make_opt(model.parameters())
    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = nn.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
        losses.append(float(loss))
    return np.array(losses), model.state_dict()


@pytest.mark.parametrize("name", list(CONFIGS))
def test_loss_curve_matches_torch(name: str, problem: Any) -> None:
    X, y, init = problem
    ours, theirs = CONFIGS[name]
    want_losses, want_weights = torch_losses(X, y, init, theirs)
    assert (
        want_losses[-1] < 0.9 * want_losses[0]
    )  # the run learns something, so the comparison means something
    for got_losses, got_params in (
        functional_losses(X, y, init, ours()),
        object_losses(X, y, init, ours),
    ):
        np.testing.assert_allclose(got_losses, want_losses, rtol=RTOL, atol=0)
        for key, w in want_weights.items():
            np.testing.assert_allclose(got_params[key], w, rtol=RTOL, atol=RTOL * np.abs(w).max())


SCHEDULES = {
    "step": (
        lambda: optim.StepDecay(0.05, step_size=30, gamma=0.5),
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=30, gamma=0.5),
    ),
    "exponential": (
        lambda: optim.ExponentialDecay(0.05, gamma=0.98),
        lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.98),
    ),
    "cosine": (
        lambda: optim.CosineDecay(0.05, total_steps=STEPS, min_lr=0.001),
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=STEPS, eta_min=0.001),
    ),
}


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_scheduled_adam_matches_torch(name: str, problem: Any) -> None:
    X, y, init = problem
    ours, theirs = SCHEDULES[name]
    want, _ = torch_losses(X, y, init, lambda p: torch.optim.Adam(p, lr=0.05), theirs)
    got, _ = functional_losses(X, y, init, optim.Adam(lr=ours()))
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=0)
