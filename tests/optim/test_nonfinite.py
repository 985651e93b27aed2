"""Optimizers never lose the weights silently: NaN/inf gradients, overflowing steps, duplicates, bad grads."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from tests.optim.test_optimizers import FACTORIES, loss, start

import chainrule as cr
from chainrule import nn, optim
from chainrule.errors import ChainruleValueError, ShapeError


def grads_at(params: dict[str, np.ndarray], bad: float | None = None) -> dict[str, np.ndarray]:
    g = cr.grad(loss)(params)
    if bad is not None:
        g["a"] = g["a"].copy()
        g["a"][1] = bad
    return g


def functional_run(opt: optim.Optimizer, bad_steps: set[int], bad: float, steps: int = 8) -> Any:
    params = start()
    state = opt.init(params)
    for k in range(steps):
        params, state = opt.update(grads_at(params, bad if k in bad_steps else None), state, params)
    return params, state


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("name", list(FACTORIES))
def test_a_nonfinite_gradient_skips_the_functional_update(name: str, bad: float) -> None:
    opt = FACTORIES[name]()
    params = start()
    state = opt.init(params)
    params, state = opt.update(grads_at(params), state, params)
    with pytest.warns(optim.NonFiniteStepWarning, match=r"gradient of params\['a'\] has"):
        new_params, new_state = opt.update(grads_at(params, bad), state, params)
    for key in params:
        np.testing.assert_array_equal(new_params[key], params[key])
    assert (new_state.count, new_state.skipped) == (1, 1)
    for slot, kept in zip(new_state.slots, state.slots, strict=True):
        for a, b in zip(slot, kept, strict=True):
            np.testing.assert_array_equal(a, b)  # Adam's moments are not poisoned


@pytest.mark.parametrize("name", list(FACTORIES))
def test_a_skipped_update_is_exactly_no_update(name: str) -> None:
    clean, clean_state = functional_run(FACTORIES[name](), set(), np.nan, steps=6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optim.NonFiniteStepWarning)
        skipped, skipped_state = functional_run(FACTORIES[name](), {2, 5}, np.nan, steps=8)
    for key in clean:
        np.testing.assert_array_equal(skipped[key], clean[key])
        assert np.all(np.isfinite(skipped[key]))
    assert (skipped_state.count, skipped_state.skipped) == (6, 2)
    assert clean_state.skipped == 0


def object_run(make: Callable[..., optim.Optimizer], bad_steps: set[int], steps: int) -> Any:
    tensors = {k: cr.Tensor(v, requires_grad=True) for k, v in start().items()}
    opt = make(list(tensors.values()))
    for k in range(steps):
        opt.zero_grad()
        (loss(tensors) * (np.nan if k in bad_steps else 1.0)).backward()
        opt.step()
    return {k: np.array(t.data) for k, t in tensors.items()}, opt


@pytest.mark.parametrize("name", list(FACTORIES))
def test_a_nonfinite_gradient_skips_the_object_step(name: str) -> None:
    clean, _ = object_run(FACTORIES[name], set(), 5)
    with pytest.warns(optim.NonFiniteStepWarning, match=r"parameter 0 \(shape \(3,\)\)"):
        skipped, opt = object_run(FACTORIES[name], {0, 3}, 7)
    for key in clean:
        np.testing.assert_array_equal(skipped[key], clean[key])
    assert (opt.count, opt.skipped) == (5, 2)
    assert all(np.all(np.isfinite(a)) for slot in opt.slots for a in slot)


def test_one_bad_parameter_leaves_every_parameter_unchanged() -> None:
    good = cr.Tensor([1.0, 2.0], requires_grad=True)
    bad = cr.Tensor([1.0], requires_grad=True)
    opt = optim.Adam([good, bad], lr=0.1)
    good.grad, bad.grad = np.array([1.0, 1.0]), np.array([np.nan])
    with pytest.warns(optim.NonFiniteStepWarning, match=r"parameter 1 .* 1 NaN and 0 infinite"):
        opt.step()
    np.testing.assert_array_equal(good.data, [1.0, 2.0])  # the good one is not stepped alone
    assert opt.slots[0][0].tolist() == [0.0, 0.0]


@pytest.mark.parametrize("name", list(FACTORIES))
def test_raise_instead_of_skip(name: str) -> None:
    opt = FACTORIES[name]()
    opt.on_nonfinite = "raise"
    params = start()
    state = opt.init(params)
    with pytest.raises(ChainruleValueError, match=r"gradient of params\['a'\] has 1 NaN.*unchanged"):
        opt.update(grads_at(params, np.nan), state, params)
    w = cr.Tensor([1.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1, on_nonfinite="raise")
    w.grad = np.array([np.inf])
    with pytest.raises(ChainruleValueError, match="0 NaN and 1 infinite"):
        opt.step()
    assert w.data.tolist() == [1.0]
    assert (opt.count, opt.skipped) == (0, 0)
    with pytest.raises(ChainruleValueError, match="on_nonfinite"):
        optim.Adam(lr=0.1, on_nonfinite="ignore")


def test_an_overflowing_update_is_skipped_with_the_reason() -> None:
    opt = optim.SGD(lr=1e308)
    p = np.array([1.0, 2.0])
    with pytest.warns(optim.NonFiniteStepWarning, match="overflows .*learning rate may be too large"):
        new, state = opt.update(np.array([10.0, 1.0]), opt.init(p), p)
    np.testing.assert_array_equal(new, p)
    assert state.skipped == 1


def test_a_finite_gradient_that_overflows_adams_moments_in_float32_is_skipped() -> None:
    # g = 1e20 is finite in float32, but g² is not: v would become inf and stall the coordinate for good
    opt = optim.Adam(lr=0.1)
    p = np.zeros(2, dtype=np.float32)
    state = opt.init(p)
    with pytest.warns(optim.NonFiniteStepWarning):
        _, state = opt.update(np.array([1e20, 1.0], dtype=np.float32), state, p)
    assert state.skipped == 1
    assert all(np.all(np.isfinite(a)) for a in state.slots[0])


def test_a_parameter_that_is_already_nonfinite_is_named() -> None:
    opt = optim.SGD(lr=0.1)
    p = np.array([np.nan, 1.0])
    with pytest.warns(optim.NonFiniteStepWarning, match=r"params itself has 1 NaN"):
        opt.update(np.ones(2), opt.init(p), p)


@pytest.mark.parametrize("lr", [np.inf, np.nan, -np.inf, float("nan")])
def test_a_nonfinite_learning_rate_is_refused(lr: float) -> None:
    with pytest.raises(ChainruleValueError, match="positive finite number"):
        optim.Adam(lr=lr)


def test_a_schedule_giving_a_nonfinite_rate_is_refused() -> None:
    opt = optim.SGD(lr=lambda k: np.inf if k == 1 else 0.1)
    p = np.ones(1)
    p, state = opt.update(np.ones(1), opt.init(p), p)
    with pytest.raises(ChainruleValueError, match="schedule gives inf after 1 updates"):
        opt.update(np.ones(1), state, p)


def test_the_same_parameter_twice_is_refused() -> None:
    w = cr.Tensor([1.0], requires_grad=True)
    b = cr.Tensor([0.0], requires_grad=True)
    with pytest.raises(ChainruleValueError, match="parameters 0 and 2 are the same Tensor"):
        optim.SGD([w, b, w], lr=0.1)


def test_tied_weights_are_listed_once_and_stepped_once() -> None:
    shared = nn.Linear(2, 2, bias=False, seed=0)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "2.weight"]
    assert len(model.parameters()) == 1
    opt = optim.SGD(model.parameters(), lr=0.1)
    before = np.array(shared.weight.data)
    opt.zero_grad()
    np.sum(model(np.ones((1, 2)))).backward()
    expected = before - 0.1 * np.asarray(shared.weight.grad)
    opt.step()
    np.testing.assert_allclose(shared.weight.data, expected)


def test_a_hand_assigned_gradient_of_the_wrong_shape() -> None:
    w = cr.Tensor([1.0, 2.0], requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    w.grad = np.ones(3)
    with pytest.raises(ShapeError, match=r"parameter 0 has shape \(2,\) but its grad has shape \(3,\)"):
        opt.step()
    w.grad = np.ones((2, 1))
    with pytest.raises(ShapeError, match=r"grad has shape \(2, 1\)"):
        opt.step()
    assert w.data.tolist() == [1.0, 2.0]


# ---------------------------------------------------------------- minimize


def test_minimize_on_a_nan_loss_keeps_the_last_finite_iterate() -> None:
    with np.errstate(all="ignore"):
        result = optim.minimize(np.log, 1.0, lr=1.0, steps=10)  # x = 1 - 1/1 = 0: log(0) = -inf
    assert not result.converged
    assert result.x == 1.0
    assert result.fun == 0.0
    assert result.steps == 0
    assert "not finite at step 1" in result.message
    assert np.all(np.isfinite(result.losses))


def test_minimize_with_a_nan_loss_at_the_start_says_so() -> None:
    result = optim.minimize(lambda x: x**2 * np.nan, 1.0, steps=10)
    assert not result.converged
    assert "not finite at x0" in result.message
    assert "reached steps" not in result.message


def test_minimize_whose_update_overflows_stops_at_once(recwarn: pytest.WarningsRecorder) -> None:
    result = optim.minimize(lambda x: x**2, 1.0, lr=1e308, steps=10)
    assert not result.converged
    assert result.steps == 0
    assert "would not be finite" in result.message
    assert not [w for w in recwarn if issubclass(w.category, optim.NonFiniteStepWarning)]


# ---------------------------------------------------------------- fit and losses


def bce(out: Any, t: Any) -> Any:
    return nn.binary_cross_entropy_with_logits(out[:, 0], t)


def squared(out: Any, t: Any) -> Any:
    return nn.mse_loss(out[:, 0], t)


def test_fit_with_a_nan_sample_keeps_the_good_weights() -> None:
    X, y = nn.make_moons(64, seed=0)
    X[17, 0] = np.nan
    model = nn.MLP(2, [8, 1], activation="tanh", seed=0)
    before = model.state_dict()
    with pytest.warns(optim.NonFiniteStepWarning, match="fit: 5 of 5 updates were skipped"):
        history = nn.fit(model, squared, X, y.astype(float), optim.Adam(lr=0.05), epochs=5)
    assert np.isnan(history).all()  # the loss is reported as it is
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_fit_in_mini_batches_skips_only_the_bad_batch() -> None:
    X, y = nn.make_moons(256, noise=0.1, seed=0)
    X[17, 0] = np.nan
    model = nn.MLP(2, [16, 1], activation="tanh", seed=0)
    with pytest.warns(optim.NonFiniteStepWarning, match="fit: 40 of 320 updates were skipped"):
        nn.fit(model, squared, X, y.astype(float), optim.Adam(lr=0.02), epochs=40, batch_size=32)
    assert all(np.all(np.isfinite(v)) for v in model.state_dict().values())
    clean = np.isfinite(X).all(axis=1)
    assert nn.accuracy(model(X[clean]) - 0.5, y[clean]) > 0.85  # it learned from the other batches


class Interrupting:
    """A loss that raises on its ``n``-th call, as a Ctrl-C or a bug in the middle of a run would."""

    def __init__(self, n: int, error: BaseException) -> None:
        self.calls, self.n, self.error = 0, n, error

    def __call__(self, out: Any, t: Any) -> Any:
        self.calls += 1
        if self.calls == self.n:
            raise self.error
        return bce(out, t)


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("a bug")])
def test_fit_stopped_midway_keeps_the_weights_of_the_last_update(error: BaseException) -> None:
    X, y = nn.make_moons(40, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    with pytest.raises(type(error)):
        nn.fit(model, Interrupting(4, error), X, y, optim.Adam(lr=0.05), epochs=10)
    three = nn.MLP(2, [4, 1], seed=0)
    nn.fit(three, bce, X, y, optim.Adam(lr=0.05), epochs=3)
    for key, value in three.state_dict().items():
        np.testing.assert_array_equal(model.state_dict()[key], value)


def test_fit_with_raise_stops_and_keeps_the_last_finite_weights() -> None:
    X, y = nn.make_moons(64, seed=0)
    X[5] = np.inf
    model = nn.MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ChainruleValueError, match="NaN"):
        nn.fit(model, squared, X, y.astype(float), optim.SGD(lr=0.1, on_nonfinite="raise"), epochs=3)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_fit_refuses_a_model_that_is_already_nonfinite() -> None:
    model = nn.Linear(2, 1)
    model.bias.data = np.array([np.nan])
    with pytest.raises(ChainruleValueError, match="'bias' holds NaN"):
        nn.fit(model, squared, np.ones((4, 2)), np.ones(4), optim.SGD(lr=0.1))


@pytest.mark.parametrize("target", [[0.0, 2.0], [-1.0, 1.0], [np.nan, 1.0]])
def test_binary_cross_entropy_refuses_targets_outside_0_1(target: list[float]) -> None:
    with pytest.raises(ChainruleValueError, match=r"probabilities in \[0, 1\]"):
        nn.binary_cross_entropy_with_logits(np.zeros(2), np.array(target))
    with pytest.raises(ChainruleValueError, match=r"probabilities in \[0, 1\]"):
        nn.binary_cross_entropy_with_logits(cr.Tensor(np.zeros(2), requires_grad=True), np.array(target))


def test_binary_cross_entropy_takes_soft_targets_and_traced_ones() -> None:
    value = nn.binary_cross_entropy_with_logits(np.zeros(3), np.array([0.0, 0.3, 1.0]))
    assert float(value) == pytest.approx(np.log(2.0))
    logits = np.array([1.0, -2.0])
    dt = cr.grad(lambda t: nn.binary_cross_entropy_with_logits(logits, t))(np.array([0.2, 0.9]))
    np.testing.assert_allclose(dt, -np.array([1.0, -2.0]) / 2)  # d/dt (softplus(z) - t z) / n
