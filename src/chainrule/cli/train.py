"""``chainrule train``: a small network learns the two-moons data by gradient descent.

400 points are drawn and split in two: the network trains on 200 and is judged on the 200 it never saw as
well. A run whose loss diverges (a step that would make the weights NaN or infinite, a loss that ends above
where it started) is stopped or refused with a message naming the learning rate, never reported as a result.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.cli.files import output_folder, wrote
from chainrule.cli.output import Output
from chainrule.cli.parsing import UsageError
from chainrule.errors import ChainruleValueError

__all__ = ["TrainingRun", "moons", "run_train", "train_moons"]

_DEFAULT_LR = {"adam": 0.05, "sgd": 0.5, "momentum": 0.1, "rmsprop": 0.01}
_POINTS = 200  # for training, and as many again held out


def _optimizer(name: str, lr: float) -> Any:
    from chainrule import optim

    # a non-finite update stops the run (with its reason) instead of being skipped quietly
    if name == "adam":
        return optim.Adam(lr=lr, on_nonfinite="raise")
    if name == "rmsprop":
        return optim.RMSprop(lr=lr, on_nonfinite="raise")
    return optim.SGD(lr=lr, momentum=0.9 if name == "momentum" else 0.0, on_nonfinite="raise")


@dataclass
class TrainingRun:
    """A trained model, its loss at each step, the data it saw and the data held out from it."""

    model: Any
    losses: list[float]
    X: np.ndarray
    y: np.ndarray
    X_held_out: np.ndarray
    y_held_out: np.ndarray
    diverged: str | None = None  # why the run counts as diverged, in words

    def accuracies(self) -> tuple[float, float]:
        """The accuracy on the training points and on the held-out ones."""
        from chainrule import nn

        return nn.accuracy(self.model(self.X), self.y), nn.accuracy(
            self.model(self.X_held_out), self.y_held_out
        )


def moons(seed: int) -> tuple[np.ndarray, ...]:
    """200 two-moons points to train on and 200 held out: ``X, X_held_out, y, y_held_out``."""
    from chainrule import nn

    X_all, y_all = nn.make_moons(2 * _POINTS, noise=0.1, seed=seed)
    return tuple(nn.train_test_split(X_all, y_all, test_fraction=0.5, seed=seed))


def train_moons(
    steps: int,
    optimizer: str,
    lr: float | None,
    seed: int,
    out: Output,
    data: tuple[np.ndarray, ...] | None = None,
) -> TrainingRun:
    """Train an MLP(2, [16, 16, 1]) on 200 moons with full-batch steps; 200 more are held out.

    ``data`` is :func:`moons` ``(seed)``, made here when not given.
    """
    import chainrule as cr
    from chainrule import nn

    if steps < 1:
        raise UsageError(f"--steps must be at least 1, got {steps}")
    X, X_held_out, y, y_held_out = moons(seed) if data is None else data
    model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=seed)
    opt = _optimizer(optimizer, _DEFAULT_LR[optimizer] if lr is None else lr)

    def objective(params: Any) -> Any:
        return nn.binary_cross_entropy_with_logits(model.apply(params, X)[:, 0], y)

    loss_and_grad = cr.value_and_grad(objective)
    params = model.state_dict()
    state = opt.init(params)
    run = TrainingRun(model, [], X, y, X_held_out, y_held_out)
    with out.progress(steps, "training") as advance:
        for step in range(1, steps + 1):
            value, grads = loss_and_grad(params)
            run.losses.append(float(value))
            if not np.isfinite(run.losses[-1]):
                run.diverged = f"the loss is {run.losses[-1]} at step {step}"
                break
            try:
                params, state = opt.update(grads, state, params)
            except ChainruleValueError as exc:  # the update would make the weights NaN or infinite
                run.diverged = f"step {step} would make the weights not finite ({exc})"
                break
            advance(f"loss {run.losses[-1]:.4f}")
    model.load_state_dict(params)  # the last finite weights
    if run.diverged is None and run.losses[-1] > run.losses[0]:
        run.diverged = f"the loss rose from {run.losses[0]:.4g} to {run.losses[-1]:.4g}"
    return run


def run_train(args: argparse.Namespace, out: Output) -> int:
    """Train, report the loss and both accuracies, and draw the loss curve and decision boundary."""
    folder = None if args.no_plots else output_folder(args.out, "-o/--out")
    # set up (which imports numpy.random) before saying that training starts: a Ctrl-C that lands inside
    # the initialisation of NumPy's random extension modules is lost there, not in chainrule
    data = moons(args.seed)
    out.heading(f"an MLP(2, [16, 16, 1]) learns the moons with {args.optimizer}")
    run = train_moons(args.steps, args.optimizer, args.lr, args.seed, out, data)
    out.line(f"loss {run.losses[0]:.4f} → {run.losses[-1]:.4f} in {len(run.losses)} steps")
    if run.diverged is not None:
        lr = _DEFAULT_LR[args.optimizer] if args.lr is None else args.lr
        raise UsageError(
            f"the loss diverged with --lr {lr:g}: {run.diverged}; try a smaller --lr (the default for "
            f"{args.optimizer} is {_DEFAULT_LR[args.optimizer]})"
        )
    training, held_out = run.accuracies()
    out.line(f"training accuracy {training:.1%} ({len(run.y)} points)")
    out.line(f"held-out accuracy {held_out:.1%} ({len(run.y_held_out)} points not trained on)")
    if folder is not None:
        for path, existed in save_training_plots(run, folder):
            out.line(wrote(path, existed))
    return 0


def save_training_plots(run: TrainingRun, folder: Path) -> list[tuple[Path, bool]]:
    """The loss curve and the decision boundary as PNG files in ``folder`` (made if missing, not its parents),
    each with whether it replaced a file."""
    from chainrule import viz

    folder.mkdir(exist_ok=True)
    targets = [folder / "loss.png", folder / "boundary.png"]
    existed = [path.exists() for path in targets]
    boundary = viz.decision_boundary(lambda P: np.asarray(run.model(P).data)[:, 0], run.X, run.y)
    written = [viz.save(viz.loss_curve(run.losses), targets[0]), viz.save(boundary, targets[1])]
    return list(zip(written, existed, strict=True))
