"""Module, Sequential, Linear, MLP: parameters, both forward paths, state dicts and files, initialisation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.testing import check_grads


class Affine(nn.Module):
    """A user-defined module with a parameter of its own and a child."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = cr.Tensor(np.array([2.0, 3.0]), requires_grad=True)
        self.inner = nn.Linear(2, 2, seed=5)

    def forward(self, params: Any, x: Any) -> Any:
        return params["scale"] * self.inner.forward(nn.subtree(params, "inner"), x)


def test_parameters_are_named_by_dotted_paths_in_order() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), Affine())
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.scale", "2.inner.weight", "2.inner.bias"]
    assert [p.shape for p in model.parameters()] == [(3, 4), (4,), (2,), (2, 2), (2,)]
    assert all(isinstance(p, cr.Tensor) and p.requires_grad for p in model.parameters())


def test_call_and_apply_agree() -> None:
    model = nn.MLP(3, [5, 2], activation="gelu", seed=3)
    x = np.random.default_rng(0).standard_normal((4, 3))
    through_tensors = model(x)
    assert isinstance(through_tensors, cr.Tensor)
    np.testing.assert_allclose(through_tensors.detach().numpy(), model.apply(model.state_dict(), x))


def test_both_paths_give_the_same_gradients() -> None:
    model = nn.Sequential(nn.Linear(3, 2, seed=1), nn.Sigmoid(), Affine())
    x = np.random.default_rng(1).standard_normal((6, 3))
    target = np.random.default_rng(2).standard_normal((6, 2))
    grads = cr.grad(lambda p: nn.mse_loss(model.apply(p, x), target))(model.state_dict())
    nn.mse_loss(model(x), target).backward()
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad, grads[name], rtol=1e-12)
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_linear_computes_x_at_w_plus_b() -> None:
    layer = nn.Linear(3, 2, seed=0)
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(layer.apply(layer.state_dict(), x), x @ layer.weight.data + layer.bias.data)
    no_bias = nn.Linear(3, 2, bias=False)
    assert list(no_bias.state_dict()) == ["weight"]
    np.testing.assert_allclose(no_bias.apply(no_bias.state_dict(), x), x @ no_bias.weight.data)
    assert repr(no_bias) == "Linear(3, 2, bias=False)"


def test_activations() -> None:
    x = np.array([-2.0, 0.0, 1.5])
    np.testing.assert_allclose(nn.ReLU()(x), [0.0, 0.0, 1.5])
    np.testing.assert_allclose(nn.Tanh()(x), np.tanh(x))
    np.testing.assert_allclose(nn.Sigmoid()(x), 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(nn.GELU()(x), nn.gelu(x))
    assert nn.ReLU().parameters() == []


def test_gelu_is_close_to_x_times_the_normal_cdf() -> None:
    from math import erf

    x = np.linspace(-5, 5, 101)
    exact = np.array([0.5 * v * (1 + erf(v / np.sqrt(2))) for v in x])
    assert np.max(np.abs(nn.gelu(x) - exact)) < 1e-3
    check_grads(nn.gelu, x, order=2)


def test_float32_model() -> None:
    model = nn.MLP(4, [8, 3], dtype=np.float32)
    assert all(v.dtype == np.float32 for v in model.state_dict().values())
    x = np.ones((2, 4), dtype=np.float32)
    assert model.apply(model.state_dict(), x).dtype == np.float32
    grads = cr.grad(lambda p: nn.cross_entropy(model.apply(p, x), np.array([0, 2])))(model.state_dict())
    assert all(g.dtype == np.float32 for g in grads.values())


def test_mlp_structure_and_default_initialisation() -> None:
    relu_net = nn.MLP(10, [20, 30, 5], activation="relu")
    assert [type(layer).__name__ for layer in relu_net] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert len(relu_net) == 5
    assert isinstance(relu_net[-1], nn.Linear)
    assert relu_net[0].init == "he"
    assert nn.MLP(10, [20, 5], activation="tanh")[0].init == "xavier"
    assert nn.MLP(10, [20, 5], init="he_uniform")[2].init == "he_uniform"


def test_seeding_is_reproducible() -> None:
    a = nn.MLP(3, [4, 2], seed=7).state_dict()
    b = nn.MLP(3, [4, 2], seed=7).state_dict()
    c = nn.MLP(3, [4, 2], seed=8).state_dict()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["0.weight"], c["0.weight"])
    # one generator feeds the layers in turn, so two layers of one net differ
    d = nn.MLP(4, [4, 4], seed=7).state_dict()
    assert not np.array_equal(d["0.weight"], d["2.weight"])


@pytest.mark.parametrize(
    ("init", "variance"),
    [
        ("xavier", 2.0 / (400 + 600)),
        ("xavier_normal", 2.0 / (400 + 600)),
        ("he", 2.0 / 400),
        ("he_uniform", 2.0 / 400),
    ],
)
def test_initialisation_variances(init: str, variance: float) -> None:
    w = nn.Linear(400, 600, init=init, seed=0).weight.data
    assert w.var() == pytest.approx(variance, rel=0.02)
    assert abs(w.mean()) < 0.01
    assert np.all(nn.Linear(400, 600, init=init, seed=0).bias.data == 0)


def test_state_dict_is_a_copy_and_load_state_dict_sets_values() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    state = model.state_dict()
    state["0.weight"][:] = 0.0
    assert not np.all(model.state_dict()["0.weight"] == 0.0)
    model.load_state_dict(state)
    assert np.all(model.state_dict()["0.weight"] == 0.0)
    # values are cast to the parameter's dtype
    model32 = nn.MLP(2, [3, 1], dtype=np.float32)
    model32.load_state_dict(nn.MLP(2, [3, 1], seed=1).state_dict())
    assert model32.parameters()[0].dtype == np.float32


def test_load_state_dict_errors() -> None:
    model = nn.MLP(2, [3, 1])
    state = model.state_dict()
    with pytest.raises(ChainruleValueError, match=r"missing keys \['2.bias'\]"):
        model.load_state_dict({k: v for k, v in state.items() if k != "2.bias"})
    with pytest.raises(ChainruleValueError, match=r"unexpected keys \['extra'\]"):
        model.load_state_dict({**state, "extra": np.ones(1)})
    with pytest.raises(ShapeError, match=r"'0\.weight'"):
        model.load_state_dict({**state, "0.weight": np.ones((3, 2))})


def test_save_and_load_a_file(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    trained = nn.MLP(2, [4, 3], seed=1)
    trained.save(path)
    with np.load(path) as data:
        assert sorted(data.files) == sorted(trained.state_dict())
    fresh = nn.MLP(2, [4, 3], seed=2)
    fresh.load(path)
    x = np.ones((1, 2))
    np.testing.assert_array_equal(fresh.apply(fresh.state_dict(), x), trained.apply(trained.state_dict(), x))


def test_apply_names_a_missing_parameter() -> None:
    model = nn.MLP(2, [3, 1])
    params = model.state_dict()
    del params["2.bias"]
    with pytest.raises(ChainruleValueError, match=r"'2\.bias'"):
        model.apply(params, np.ones(2))


def test_module_misuse_raises() -> None:
    class Forgetful(nn.Module):
        def __init__(self) -> None:
            self.w = cr.Tensor(1.0, requires_grad=True)

    with pytest.raises(ChainruleTypeError, match="super"):
        Forgetful()

    class Constant(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.c = cr.Tensor(1.0)

    with pytest.raises(ChainruleValueError, match="requires_grad"):
        Constant()
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(np.ones(1))
    with pytest.raises(ChainruleTypeError, match="layer 1"):
        nn.Sequential(nn.ReLU(), np.tanh)  # type: ignore[arg-type]


def test_reassigning_an_attribute_replaces_the_parameter() -> None:
    m = Affine()
    m.scale = cr.Tensor(np.ones(2), requires_grad=True)
    assert [n for n, _ in m.named_parameters()].count("scale") == 1
    m.inner = None  # type: ignore[assignment]
    assert [n for n, _ in m.named_parameters()] == ["scale"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Linear(0, 2),
        lambda: nn.Linear(2, 2.5),
        lambda: nn.Linear(2, 2, init="orthogonal"),
        lambda: nn.MLP(2, [3], activation="swish"),
        lambda: nn.MLP(2, []),
        lambda: nn.MLP(2, 3),
    ],
)
def test_bad_layer_arguments_raise(make: Any) -> None:
    with pytest.raises(ChainruleValueError):
        make()


def test_integer_dtype_is_refused() -> None:
    with pytest.raises(ChainruleTypeError, match="float"):
        nn.Linear(2, 2, dtype=np.int64)


def test_repr_shows_the_tree() -> None:
    text = repr(nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU())))
    assert text == "Sequential(\n  (0): Linear(2, 3, bias=True)\n  (1): Sequential(\n    (0): ReLU()\n  )\n)"
