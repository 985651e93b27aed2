"""Tensors across processes and copies: pickled leaves and deep-copied models work like the originals."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.errors import ChainruleTypeError, GraphError

X = np.linspace(-1.0, 1.0, 6).reshape(2, 3)


def _loss(model: nn.Module) -> Any:
    return np.sum(model(X) ** 2)


def _gradients(model: nn.Module) -> dict[str, np.ndarray]:
    for p in model.parameters():
        p.zero_grad()
    _loss(model).backward()
    return {name: np.asarray(p.grad) for name, p in model.named_parameters()}


def _make_model() -> nn.Module:
    # run in a fresh child: its parameters get that process's first creation numbers
    return nn.MLP(3, [4, 1])


def _train_step_in_child(model: nn.Module) -> tuple[dict[str, np.ndarray], nn.Module]:
    # run in another fresh child: the operations below get its first creation numbers too
    grads = _gradients(model)
    twin = copy.deepcopy(model)  # with the gradients just computed, which the next pass adds to
    (_loss(model) + 2 * _loss(twin)).backward()
    return grads, twin


def test_a_model_made_in_one_spawned_process_trains_in_another() -> None:
    context = multiprocessing.get_context("spawn")
    # one task per process: the model is made in one fresh process and differentiated in a second
    with context.Pool(1, maxtasksperchild=1) as pool:
        model = pool.apply(_make_model)
        grads, twin = pool.apply(_train_step_in_child, (model,))
    expected = _gradients(model)
    assert grads.keys() == expected.keys()
    for name, g in grads.items():
        np.testing.assert_allclose(g, expected[name], rtol=1e-12)
        # the twin was copied with the first gradients and took part in the second pass with weight 2
        np.testing.assert_allclose(dict(twin.named_parameters())[name].grad, 3 * expected[name], rtol=1e-12)
    # what came back is usable here, together with what lives here
    (_loss(model) + _loss(twin)).backward()


def test_a_deep_copied_model_is_used_together_with_the_original() -> None:
    model = nn.MLP(3, [4, 1])
    expected = _gradients(model)
    twin = copy.deepcopy(model)
    for p in (*model.parameters(), *twin.parameters()):
        p.zero_grad()
    (_loss(model) + 3 * _loss(twin)).backward()
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad, expected[name], rtol=1e-12)
        np.testing.assert_allclose(dict(twin.named_parameters())[name].grad, 3 * expected[name], rtol=1e-12)


@pytest.mark.parametrize("duplicate", [copy.deepcopy, lambda t: pickle.loads(pickle.dumps(t))])
def test_a_copied_leaf_is_a_new_leaf_with_the_same_values_and_grad(duplicate: Any) -> None:
    x = cr.Tensor([1.0, 2.0], requires_grad=True)
    (x * 5.0).sum().backward()
    y = duplicate(x)
    assert y is not x
    assert y.requires_grad
    assert y.is_leaf
    np.testing.assert_array_equal(y.grad, [5.0, 5.0])
    # the copy and the original in one graph: each gets its own gradient
    (x * y).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 7.0])
    np.testing.assert_array_equal(y.grad, [6.0, 7.0])
    y.data = [10.0, 20.0]
    np.testing.assert_array_equal(x.data, [1.0, 2.0])


def test_a_copied_constant_stays_a_constant() -> None:
    c = pickle.loads(pickle.dumps(cr.Tensor(np.float32(3.0))))
    assert not c.requires_grad
    assert c.grad is None
    assert c.dtype == np.float32


@pytest.mark.parametrize("duplicate", [copy.deepcopy, pickle.dumps])
def test_a_tensor_made_by_an_operation_cannot_be_pickled_or_copied(duplicate: Any) -> None:
    x = cr.Tensor([1.0, 2.0], requires_grad=True)
    y = np.sin(x)
    with pytest.raises(ChainruleTypeError, match=r"made by sin.*t\.detach\(\)"):
        duplicate(y)
    with pytest.raises(TypeError):  # the builtin that pickle users catch
        duplicate(y)
    z = pickle.loads(pickle.dumps(y.detach()))
    assert z.is_leaf
    assert not z.requires_grad
    np.testing.assert_array_equal(z.data, np.sin([1.0, 2.0]))


def test_a_value_being_differentiated_cannot_be_pickled() -> None:
    def f(x: Any) -> Any:
        pickle.dumps(x)
        return np.sum(x)

    with pytest.raises(ChainruleTypeError, match="traced by a transform"):
        cr.grad(f)(np.ones(2))


def test_a_stale_slice_cannot_be_pickled() -> None:
    x = cr.Tensor([1.0, 2.0, 3.0])
    w = cr.Tensor(5.0, requires_grad=True)
    view = x[:2]
    x[0] = w
    with pytest.raises(GraphError, match="assigned into"):
        pickle.dumps(view)
