"""Case 3: micrograd's own demo, one training step, scalar by scalar.

micrograd's ``demo.ipynb``: an MLP(2, [16, 16, 1]) of scalar ``Value`` s on 100 two-moons points, the hinge
loss ``mean(relu(1 - y * score)) + 1e-4 * sum(p * p)``, then backward and an SGD update. chainrule runs the
same code with each weight a 0-d ``cr.Tensor(requires_grad=True)``: neurons, layers and the MLP mirror
``micrograd.nn`` line for line. That is the worst case for an array engine (one NumPy call per scalar
operation), which is the point: this is how people first meet backpropagation. Every framework starts from the
same weights; the rows also show the same step vectorized (one array per layer), for scale.

Both engines build a graph of about 65,000 nodes per step, and with the garbage collector on, its collections
(set off by the many small objects a graph is made of) cost more than the arithmetic: this case is therefore
also timed with the collector off, as ``timeit`` does by default.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from _harness import Budget, goal, max_rel_error, measure, require, row, verdict

TITLE = "micrograd demo: MLP(2, [16, 16, 1]) on 100 points, hinge loss, one SGD step (fwd + bwd + update)"
UNIT = "ms"
SCALE = 1e3
REFERENCE = "chainrule (0-d Tensors, micrograd's code)"
BASELINE = "NumPy vectorized, hand-written backward"
N_POINTS = 100
SIZES = (2, 16, 16, 1)
ALPHA = 1e-4
LEARNING_RATE = 0.1
TOLERANCE = 1e-10

Layers = list[tuple[np.ndarray, np.ndarray]]  # (weights of shape (n_out, n_in), biases) per layer


def make_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, like ``sklearn.datasets.make_moons``; labels are -1 and 1."""
    n_outer = n // 2
    t_outer = np.linspace(0, np.pi, n_outer)
    t_inner = np.linspace(0, np.pi, n - n_outer)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = np.column_stack([1 - np.cos(t_inner), 0.5 - np.sin(t_inner)])
    X = np.vstack([outer, inner]) + rng.normal(scale=noise, size=(n, 2))
    y = np.concatenate([-np.ones(n_outer), np.ones(n - n_outer)])
    return X, y


def problem() -> tuple[np.ndarray, np.ndarray, Layers]:
    """The data and the initial weights (uniform in [-1, 1], biases 0, as micrograd draws them)."""
    rng = np.random.default_rng(1337)
    X, y = make_moons(N_POINTS, 0.1, rng)
    layers = [
        (rng.uniform(-1, 1, (n_out, n_in)), np.zeros(n_out)) for n_in, n_out in itertools.pairwise(SIZES)
    ]
    return X, y, layers


def flat(layers: Layers) -> np.ndarray:
    """All parameters in micrograd's order: per layer, per neuron, its weights and then its bias."""
    return np.concatenate([np.column_stack([W, b]).ravel() for W, b in layers])


def numpy_gradients(X: np.ndarray, y: np.ndarray, layers: Layers) -> tuple[float, Layers]:
    """The loss and its gradient with the backward pass written by hand, one array per layer."""
    inputs, pre = [], []
    a = X
    for i, (W, b) in enumerate(layers):
        inputs.append(a)
        z = a @ W.T + b
        pre.append(z)
        a = np.maximum(z, 0.0) if i < len(layers) - 1 else z
    margin = 1 - y * a[:, 0]
    reg = sum(np.sum(W * W) + np.sum(b * b) for W, b in layers)
    loss = float(np.mean(np.maximum(margin, 0.0)) + ALPHA * reg)
    d = ((margin > 0) * -y / len(X))[:, None]  # d loss / d score; relu'(0) = 0 as in micrograd
    grads: Layers = []
    for i in reversed(range(len(layers))):
        W, b = layers[i]
        if i < len(layers) - 1:
            d = d * (pre[i] > 0)
        grads.append((d.T @ inputs[i] + 2 * ALPHA * W, d.sum(axis=0) + 2 * ALPHA * b))
        d = d @ W
    return loss, grads[::-1]


def _check(got: np.ndarray) -> dict[str, Any]:
    X, y, layers = problem()
    _, want = numpy_gradients(X, y, layers)
    return verdict(max_rel_error([got], [flat(want)]), TOLERANCE, "first-step gradient vs hand-written NumPy")


# ------------------------------------------------------------------ micrograd's code, chainrule's values


class Neuron:
    def __init__(self, cr: Any, w: np.ndarray, b: float, nonlin: bool) -> None:
        self.cr = cr
        self.w = [cr.Tensor(wi, requires_grad=True) for wi in w]
        self.b = cr.Tensor(b, requires_grad=True)
        self.nonlin = nonlin

    def __call__(self, x: list[Any]) -> Any:
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return self.cr.relu(act) if self.nonlin else act

    def parameters(self) -> list[Any]:
        return [*self.w, self.b]


class Layer:
    def __init__(self, cr: Any, W: np.ndarray, b: np.ndarray, nonlin: bool) -> None:
        self.neurons = [Neuron(cr, wi, bi, nonlin) for wi, bi in zip(W, b, strict=True)]

    def __call__(self, x: list[Any]) -> Any:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Any]:
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, cr: Any, layers: Layers) -> None:
        self.layers = [Layer(cr, W, b, nonlin=i != len(layers) - 1) for i, (W, b) in enumerate(layers)]

    def __call__(self, x: list[Any]) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for p in layer.parameters()]


def bench_chainrule(budget: Budget) -> list[dict[str, Any]]:
    cr = require("chainrule")
    X, y, layers = problem()
    rows, labels = X.tolist(), y.tolist()
    model = MLP(cr, layers)
    params = model.parameters()

    def step() -> None:
        inputs = [[cr.Tensor(v) for v in xrow] for xrow in rows]
        scores = list(map(model, inputs))
        losses = [cr.relu(1 + -yi * si) for yi, si in zip(labels, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in params)
        total_loss = data_loss + reg_loss
        for p in params:
            p.zero_grad()
        total_loss.backward()
        for p in params:
            p.data = p.data - LEARNING_RATE * p.grad

    step()
    check = _check(np.array([float(p.grad) for p in params]))
    scalar_rows = [
        row(REFERENCE, measure(step, budget.slow()), check),
        row(f"{REFERENCE}, gc off", measure(step, budget.slow(), gc_off=True), check),
    ]

    # The same step as chainrule is meant to be used: NumPy code on arrays, differentiated by cr.grad.
    def loss(layers: Layers) -> Any:
        a = X
        for i, (W, b) in enumerate(layers):
            a = a @ W.T + b
            if i < len(layers) - 1:
                a = cr.relu(a)
        reg = sum(np.sum(W * W) + np.sum(b * b) for W, b in layers)
        return np.mean(cr.relu(1 - y * a[:, 0])) + ALPHA * reg

    grad_f = cr.grad(loss)
    state = list(layers)

    def vectorized_step() -> None:
        grads = grad_f(state)
        state[:] = [
            (W - LEARNING_RATE * gW, b - LEARNING_RATE * gb)
            for (W, b), (gW, gb) in zip(state, grads, strict=True)
        ]

    first = grad_f(layers)
    vector_row = row(
        "chainrule vectorized (cr.grad on arrays)", measure(vectorized_step, budget), _check(flat(first))
    )
    return [*scalar_rows, vector_row]


def bench_micrograd(budget: Budget) -> list[dict[str, Any]]:
    engine = require("micrograd.engine")
    nn = require("micrograd.nn")
    X, y, layers = problem()
    model = nn.MLP(SIZES[0], list(SIZES[1:]))
    params = model.parameters()
    for p, value in zip(params, flat(layers).tolist(), strict=True):
        p.data = value

    def step() -> None:  # the demo's loss() and training loop body, without the accuracy
        inputs = [list(map(engine.Value, xrow)) for xrow in X.tolist()]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y.tolist(), scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in params)
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        for p in params:
            p.data -= LEARNING_RATE * p.grad

    step()
    check = _check(np.array([p.grad for p in params]))
    return [
        row("micrograd", measure(step, budget.slow()), check),
        row("micrograd, gc off", measure(step, budget.slow(), gc_off=True), check),
    ]


def bench_numpy(budget: Budget) -> list[dict[str, Any]]:
    X, y, layers = problem()
    state = list(layers)

    def step() -> None:
        _, grads = numpy_gradients(X, y, state)
        for (W, b), (gW, gb) in zip(state, grads, strict=True):
            W -= LEARNING_RATE * gW
            b -= LEARNING_RATE * gb

    # checked against chainrule's cr.grad, which sees only the forward code
    cr = require("chainrule")
    loss_value, first = numpy_gradients(X, y, layers)

    def loss(params: np.ndarray) -> Any:
        a, start = X, 0
        for i, (n_in, n_out) in enumerate(itertools.pairwise(SIZES)):
            block = params[start : start + n_out * (n_in + 1)].reshape(n_out, n_in + 1)
            start += n_out * (n_in + 1)
            a = a @ block[:, :-1].T + block[:, -1]
            if i < len(SIZES) - 2:
                a = cr.relu(a)
        return np.mean(cr.relu(1 - y * a[:, 0])) + ALPHA * np.sum(params * params)

    value, want = cr.value_and_grad(loss)(flat(layers))
    error = max(max_rel_error([flat(first)], [want]), max_rel_error([loss_value], [value]))
    check = verdict(error, TOLERANCE, "loss and gradient vs chainrule")
    return [row(BASELINE, measure(step, budget), check)]


FRAMEWORKS: dict[str, Callable[[Budget], list[dict[str, Any]]]] = {
    "chainrule": bench_chainrule,
    "micrograd": bench_micrograd,
    "numpy": bench_numpy,
}


def goals(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """chainrule's scalar step at least 5x as fast as micrograd's, with the garbage collector on and off."""
    out = []
    for suffix, gc_state in (("", "gc on"), (", gc off", "gc off, as timeit")):
        mine, theirs = rows.get(REFERENCE + suffix), rows.get("micrograd" + suffix)
        text = f"chainrule (0-d Tensors) >= 5x micrograd's speed ({gc_state})"
        if mine is None or theirs is None:
            out.append(goal(text, None, "missing a result (is micrograd installed?)"))
            continue
        speedup = theirs["median_s"] / mine["median_s"]
        detail = (
            f"{speedup:.2f}x ({mine['median_s'] * 1e3:.1f} vs {theirs['median_s'] * 1e3:.1f} ms per step)"
        )
        out.append(goal(text, speedup >= 5.0, detail))
    return out
