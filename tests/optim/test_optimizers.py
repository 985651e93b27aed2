"""The optimizers: first steps by hand, both interfaces giving one trajectory, purity, dtypes, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError

FACTORIES: dict[str, Callable[..., optim.Optimizer]] = {
    "sgd": lambda p=None: optim.SGD(p, lr=0.1),
    "momentum": lambda p=None: optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01),
    "nesterov": lambda p=None: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "adagrad": lambda p=None: optim.Adagrad(p, lr=0.3, lr_decay=0.01),
    "rmsprop": lambda p=None: optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
    "adam": lambda p=None: optim.Adam(p, lr=0.05, weight_decay=0.01),
    "adamw": lambda p=None: optim.AdamW(p, lr=0.05),
}


def loss(p: Any) -> Any:
    """A coupled, non-quadratic loss of two parameter arrays."""
    return np.sum((p["a"] - 1.0) ** 2) + np.sum(np.cosh(p["b"])) + np.sum(p["a"][:2] * p["b"])


def start() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {"a": rng.standard_normal(3), "b": rng.standard_normal(2)}


def functional_path(opt: optim.Optimizer, steps: int) -> dict[str, np.ndarray]:
    params = start()
    state = opt.init(params)
    for _ in range(steps):
        params, state = opt.update(cr.grad(loss)(params), state, params)
    return params


def object_path(opt_factory: Callable[..., optim.Optimizer], steps: int) -> dict[str, np.ndarray]:
    tensors = {k: cr.Tensor(v, requires_grad=True) for k, v in start().items()}
    opt = opt_factory(list(tensors.values()))
    for _ in range(steps):
        opt.zero_grad()
        loss(tensors).backward()
        opt.step()
    return {k: np.array(t.data) for k, t in tensors.items()}


@pytest.mark.parametrize("name", list(FACTORIES))
def test_both_interfaces_follow_one_trajectory(name: str) -> None:
    functional = functional_path(FACTORIES[name](), 25)
    objects = object_path(FACTORIES[name], 25)
    for key in functional:
        np.testing.assert_allclose(objects[key], functional[key], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", list(FACTORIES))
def test_each_optimizer_decreases_the_loss(name: str) -> None:
    assert loss(functional_path(FACTORIES[name](), 200)) < 0.9 * loss(start())


@pytest.mark.parametrize("name", list(FACTORIES))
def test_update_leaves_its_inputs_alone(name: str) -> None:
    opt = FACTORIES[name]()
    params = start()
    state = opt.init(params)
    params, state = opt.update(cr.grad(loss)(params), state, params)
    kept_params = {k: v.copy() for k, v in params.items()}
    kept_slots = [tuple(a.copy() for a in slot) for slot in state.slots]
    grads = cr.grad(loss)(params)
    opt.update(grads, state, params)
    for key in params:
        np.testing.assert_array_equal(params[key], kept_params[key])
    for slot, kept in zip(state.slots, kept_slots, strict=True):
        for a, b in zip(slot, kept, strict=True):
            np.testing.assert_array_equal(a, b)
    assert state.count == 1


@pytest.mark.parametrize("name", list(FACTORIES))
def test_float32_stays_float32(name: str) -> None:
    opt = FACTORIES[name]()
    params = {k: v.astype(np.float32) for k, v in start().items()}
    state = opt.init(params)
    for _ in range(3):
        params, state = opt.update(cr.grad(loss)(params), state, params)
    assert all(v.dtype == np.float32 for v in params.values())
    assert all(a.dtype == np.float32 for slot in state.slots for a in slot)


def test_first_steps_by_hand() -> None:
    g = np.array([2.0, -0.5])
    p = np.array([1.0, 1.0])

    def one_step(opt: optim.Optimizer) -> np.ndarray:
        new, _ = opt.update(g, opt.init(p), p)
        return new

    np.testing.assert_allclose(one_step(optim.SGD(lr=0.1)), p - 0.1 * g)
    np.testing.assert_allclose(one_step(optim.SGD(lr=0.1, weight_decay=0.5)), p - 0.1 * (g + 0.5 * p))
    # Nesterov's first step goes along g + mu * g
    np.testing.assert_allclose(one_step(optim.SGD(lr=0.1, momentum=0.9, nesterov=True)), p - 0.1 * 1.9 * g)
    # Adam's, RMSprop's (alpha=0) and Adagrad's first steps are lr * sign(g), up to eps
    np.testing.assert_allclose(one_step(optim.Adam(lr=0.1)), p - 0.1 * np.sign(g), rtol=1e-7)
    np.testing.assert_allclose(one_step(optim.RMSprop(lr=0.1, alpha=0.0)), p - 0.1 * np.sign(g), rtol=1e-7)
    np.testing.assert_allclose(one_step(optim.Adagrad(lr=0.1)), p - 0.1 * np.sign(g), rtol=1e-7)
    # AdamW shrinks first: (1 - lr * wd) p, then the Adam step
    np.testing.assert_allclose(
        one_step(optim.AdamW(lr=0.1, weight_decay=0.5)), 0.95 * p - 0.1 * np.sign(g), rtol=1e-7
    )


def test_momentum_accumulates_velocity() -> None:
    opt = optim.SGD(lr=1.0, momentum=0.5)
    p = np.zeros(1)
    state = opt.init(p)
    positions = []
    for _ in range(3):
        p, state = opt.update(np.ones(1), state, p)
        positions.append(float(p[0]))
    assert positions == [-1.0, -2.5, -4.25]  # velocities 1, 1.5, 1.75


def test_structures_are_kept() -> None:
    opt = optim.Adam(lr=0.1)
    for params in (np.ones(2), (np.ones(2), np.ones(3)), [np.ones(1)], {"w": {"x": np.ones(2)}}):
        state = opt.init(params)
        new, state = opt.update(params, state, params)
        assert type(new) is type(params)
        assert [np.shape(a) for a in _leaves(new)] == [np.shape(a) for a in _leaves(params)]


def _leaves(tree: Any) -> list[Any]:
    if isinstance(tree, dict):
        return [leaf for k in sorted(tree) for leaf in _leaves(tree[k])]
    if isinstance(tree, tuple | list):
        return [leaf for t in tree for leaf in _leaves(t)]
    return [tree]


def test_schedule_sets_each_step() -> None:
    opt = optim.SGD(lr=optim.StepDecay(1.0, step_size=1, gamma=0.5))
    p = np.zeros(1)
    state = opt.init(p)
    for _ in range(3):
        p, state = opt.update(np.ones(1), state, p)
    assert float(p[0]) == -(1.0 + 0.5 + 0.25)
    w = cr.Tensor([0.0], requires_grad=True)
    opt = optim.SGD([w], lr=lambda count: 10.0**-count)
    for _ in range(3):
        opt.zero_grad()
        np.sum(w).backward()
        opt.step()
    assert opt.count == 3
    np.testing.assert_allclose(w.data, [-1.11])


def test_step_skips_parameters_without_gradient() -> None:
    used = cr.Tensor([1.0], requires_grad=True)
    unused = cr.Tensor([1.0], requires_grad=True)
    opt = optim.Adam([used, unused], lr=0.1)
    opt.zero_grad()
    np.sum(used**2).backward()
    opt.step()
    assert unused.data[0] == 1.0
    assert used.data[0] == pytest.approx(0.9)


def test_zero_grad_clears_gradients() -> None:
    w = cr.Tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    np.sum(w**2).backward()
    assert w.grad is not None
    opt.zero_grad()
    assert w.grad is None


def test_step_accepts_a_gradient_recorded_with_create_graph() -> None:
    w = cr.Tensor([3.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    np.sum(w**2).backward(create_graph=True)
    assert isinstance(w.grad, cr.Tensor)
    opt.step()
    np.testing.assert_allclose(w.data, [2.4])


def test_repr_names_the_hyperparameters() -> None:
    assert (
        repr(optim.SGD(lr=0.1, momentum=0.9)) == "SGD(lr=0.1, momentum=0.9, nesterov=False, weight_decay=0.0)"
    )
    assert "betas=(0.9, 0.999)" in repr(optim.AdamW())


@pytest.mark.parametrize(
    "make",
    [
        lambda: optim.SGD(lr=-1.0),
        lambda: optim.SGD(lr=0.0),
        lambda: optim.SGD(lr=True),
        lambda: optim.SGD(lr=0.1, momentum=1.0),
        lambda: optim.SGD(lr=0.1, nesterov=True),
        lambda: optim.Adam(betas=(0.9,)),
        lambda: optim.Adam(betas=(1.0, 0.9)),
        lambda: optim.Adam(eps=-1.0),
        lambda: optim.RMSprop(alpha=1.5),
        lambda: optim.Adagrad(lr_decay=-0.1),
    ],
)
def test_bad_hyperparameters_raise(make: Callable[[], Any]) -> None:
    with pytest.raises(ChainruleValueError):
        make()


def test_bad_params_raise() -> None:
    w = cr.Tensor([1.0], requires_grad=True)
    with pytest.raises(ChainruleTypeError, match="iterable of Tensors"):
        optim.SGD(w, lr=0.1)  # a single Tensor, not a list
    with pytest.raises(ChainruleTypeError, match="iterable of Tensors"):
        optim.SGD(0.1)  # lr given positionally
    with pytest.raises(ChainruleTypeError, match="requires_grad=True"):
        optim.SGD([cr.Tensor([1.0])], lr=0.1)
    with pytest.raises(ChainruleTypeError, match="requires_grad=True"):
        optim.SGD([np.ones(2)], lr=0.1)
    with pytest.raises(ChainruleValueError, match="without params"):
        optim.SGD(lr=0.1).step()
    with pytest.raises(ChainruleValueError, match="without params"):
        optim.SGD(lr=0.1).zero_grad()


def test_functional_form_checks_its_arguments() -> None:
    opt = optim.SGD(lr=0.1)
    params = {"a": np.ones(2), "b": np.ones(3)}
    state = opt.init(params)
    with pytest.raises(ShapeError, match="structure"):
        opt.update({"a": np.ones(2)}, state, params)
    with pytest.raises(ShapeError, match="the state was made for"):
        opt.update({"a": np.ones(2)}, state, {"a": np.ones(2)})
    with pytest.raises(ShapeError, match="shape"):
        opt.update({"a": np.ones(3), "b": np.ones(3)}, state, params)
    with pytest.raises(ChainruleTypeError, match="init"):
        opt.update(params, {"count": 0}, params)  # type: ignore[arg-type]
    with pytest.raises(ChainruleTypeError, match="Tensor"):
        opt.init(cr.Tensor([1.0], requires_grad=True))
    with pytest.raises(ChainruleTypeError, match="dtype"):
        opt.init(np.array(["a"]))


def test_integer_params_become_float() -> None:
    opt = optim.SGD(lr=0.5)
    p = np.array([1, 2])
    new, _ = opt.update(np.array([1, 1]), opt.init(p), p)
    np.testing.assert_array_equal(new, [0.5, 1.5])


def test_each_parameter_keeps_its_own_count_of_updates() -> None:
    # Adam's first update of a parameter moves it by lr against its gradient's sign, whenever it comes
    # (PyTorch keeps a step count per parameter); a step with no gradient at all is no update.
    a = cr.Tensor([1.0, 2.0], requires_grad=True)
    b = cr.Tensor([0.5], requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    opt.step()  # no gradients yet
    assert opt.count == 0
    np.testing.assert_array_equal(a.data, [1.0, 2.0])
    for k in range(3):
        opt.zero_grad()
        loss = np.sum(a**2) + (np.sum(b**3) if k == 2 else 0.0)
        loss.backward()
        opt.step()
    assert (opt.count, opt.updates) == (3, [3, 1])
    np.testing.assert_allclose(b.data, [0.4], rtol=1e-7)  # its first update (eps aside), at the third step
    # the per-parameter counts survive saving and loading
    saved = opt.state_dict()
    np.testing.assert_array_equal(saved["1.step"], 1)
    fresh = optim.Adam([cr.Tensor([1.0, 2.0], requires_grad=True), cr.Tensor([0.5], requires_grad=True)])
    fresh.load_state_dict(saved)
    assert (fresh.count, fresh.updates) == (3, [3, 1])
