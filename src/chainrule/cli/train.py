"""``chainrule train``: a small network learns the two-moons data by gradient descent."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.cli.output import Output
from chainrule.cli.parsing import UsageError

__all__ = ["run_train", "train_moons"]

_DEFAULT_LR = {"adam": 0.05, "sgd": 0.5, "momentum": 0.1, "rmsprop": 0.01}


def _optimizer(name: str, lr: float | None) -> Any:
    from chainrule import optim

    rate = _DEFAULT_LR[name] if lr is None else lr
    if rate <= 0:
        raise UsageError(f"--lr must be positive, got {rate}")
    if name == "adam":
        return optim.Adam(lr=rate)
    if name == "rmsprop":
        return optim.RMSprop(lr=rate)
    return optim.SGD(lr=rate, momentum=0.9 if name == "momentum" else 0.0)


def train_moons(
    steps: int, optimizer: str, lr: float | None, seed: int, out: Output
) -> tuple[Any, list[float]]:
    """Train an MLP(2, [16, 16, 1]) on 200 moons with full-batch steps; returns the model and the losses."""
    import chainrule as cr
    from chainrule import nn

    if steps < 1:
        raise UsageError(f"--steps must be at least 1, got {steps}")
    X, y = nn.make_moons(200, noise=0.1, seed=seed)
    model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=seed)
    opt = _optimizer(optimizer, lr)

    def objective(params: Any) -> Any:
        return nn.binary_cross_entropy_with_logits(model.apply(params, X)[:, 0], y)

    loss_and_grad = cr.value_and_grad(objective)
    params = model.state_dict()
    state = opt.init(params)
    losses = []
    with out.progress(steps, "training") as advance:
        for _ in range(steps):
            value, grads = loss_and_grad(params)
            params, state = opt.update(grads, state, params)
            losses.append(float(value))
            advance(f"loss {losses[-1]:.4f}")
    model.load_state_dict(params)
    return model, losses


def run_train(args: argparse.Namespace, out: Output) -> int:
    """Train, report the loss and accuracy, and draw the loss curve and decision boundary."""
    from chainrule import nn

    out.heading(f"an MLP(2, [16, 16, 1]) learns the moons with {args.optimizer}")
    model, losses = train_moons(args.steps, args.optimizer, args.lr, args.seed, out)
    X, y = nn.make_moons(200, noise=0.1, seed=args.seed)
    out.line(f"loss {losses[0]:.4f} → {losses[-1]:.4f} in {len(losses)} steps")
    out.line(f"training accuracy {nn.accuracy(model(X), y):.1%}")
    if not args.no_plots:
        for path in save_training_plots(model, losses, X, y, Path(args.out)):
            out.line(f"wrote {path}")
    return 0


def save_training_plots(
    model: Any, losses: list[float], X: np.ndarray, y: np.ndarray, folder: Path
) -> list[Path]:
    """The loss curve and the decision boundary, as PNG files in ``folder``."""
    from chainrule import viz

    folder.mkdir(parents=True, exist_ok=True)
    boundary = viz.decision_boundary(lambda P: np.asarray(model(P).data)[:, 0], X, y)
    return [
        viz.save(viz.loss_curve(losses), folder / "loss.png"),
        viz.save(boundary, folder / "boundary.png"),
    ]
