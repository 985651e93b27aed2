"""Optimizer state in checkpoints: a resumed run is the same run, saves are atomic, loads checked whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.nn.test_checkpoints import failing_write_array
from tests.optim.test_optimizers import FACTORIES, loss, start

import chainrule as cr
from chainrule import optim
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError


def tensors() -> dict[str, cr.Tensor]:
    return {k: cr.Tensor(v, requires_grad=True) for k, v in start().items()}


def steps(opt: optim.Optimizer, params: dict[str, cr.Tensor], n: int) -> None:
    for _ in range(n):
        opt.zero_grad()
        loss(params).backward()
        opt.step()


@pytest.mark.parametrize("name", list(FACTORIES))
def test_a_resumed_object_run_is_the_same_run(name: str, tmp_path: Path) -> None:
    straight = tensors()
    steps(FACTORIES[name](list(straight.values())), straight, 6)

    first = tensors()
    opt = FACTORIES[name](list(first.values()))
    steps(opt, first, 3)
    written = opt.save(tmp_path / "opt")
    assert written.name == "opt.npz"
    resumed = tensors()
    for key, t in resumed.items():
        t.data = first[key].data
    again = FACTORIES[name](list(resumed.values()))
    again.load(tmp_path / "opt")
    assert again.count == 3
    steps(again, resumed, 3)
    for key in straight:
        np.testing.assert_array_equal(resumed[key].data, straight[key].data)


@pytest.mark.parametrize("name", list(FACTORIES))
def test_a_functional_state_round_trips(name: str, tmp_path: Path) -> None:
    opt = FACTORIES[name]()
    params = start()
    state = opt.init(params)
    for _ in range(3):
        params, state = opt.update(cr.grad(loss)(params), state, params)
    opt.save(tmp_path / "state.npz", state)
    loaded = opt.load(tmp_path / "state.npz", opt.init(params))
    assert loaded is not None
    assert (loaded.count, loaded.skipped, loaded.treedef) == (state.count, state.skipped, state.treedef)
    for slot, kept in zip(loaded.slots, state.slots, strict=True):
        for a, b in zip(slot, kept, strict=True):
            np.testing.assert_array_equal(a, b)


def test_the_arrays_are_named_as_pytorch_names_them() -> None:
    w = cr.Tensor(np.ones(2), requires_grad=True)
    assert sorted(optim.Adam([w]).state_dict()) == ["0.exp_avg", "0.exp_avg_sq", "skipped", "step"]
    assert sorted(optim.SGD([w], momentum=0.9).state_dict()) == ["0.momentum_buffer", "skipped", "step"]
    assert sorted(optim.SGD([w]).state_dict()) == ["skipped", "step"]


def adam_state() -> tuple[optim.Adam, list[cr.Tensor], dict[str, np.ndarray]]:
    params = list(tensors().values())
    opt = optim.Adam(params, lr=0.1)
    steps(opt, dict(zip("ab", params, strict=True)), 2)
    return opt, params, opt.state_dict()


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"1.exp_avg": np.ones(3)}, ShapeError, r"'1\.exp_avg' has shape \(3,\), the target \(2,\)"),
        ({"1.exp_avg_sq": np.array([np.nan, 1.0])}, ChainruleValueError, "'1.exp_avg_sq' holds 1 NaN"),
        ({"1.exp_avg": np.array(["a", "b"])}, ChainruleValueError, "not numbers"),
        ({"step": np.array(-1)}, ChainruleValueError, "'step' must be a non-negative integer"),
        ({"step": np.array(2.5)}, ChainruleValueError, "'step' must be a non-negative integer"),
        ({"0.momentum_buffer": np.ones(3)}, ChainruleValueError, r"unexpected keys \['0\.momentum_buffer'\]"),
    ],
)
def test_a_refused_optimizer_load_changes_nothing(change: Any, error: type, message: str) -> None:
    opt, _, state = adam_state()
    before = (opt.count, [tuple(a.copy() for a in slot) for slot in opt.slots])
    with pytest.raises(error, match=message):
        opt.load_state_dict({**state, **change})
    assert opt.count == before[0]
    for slot, kept in zip(opt.slots, before[1], strict=True):
        for a, b in zip(slot, kept, strict=True):
            np.testing.assert_array_equal(a, b)


def test_a_missing_counter_is_named() -> None:
    opt, _, state = adam_state()
    del state["step"]
    with pytest.raises(ChainruleValueError, match=r"missing keys \['step'\]"):
        opt.load_state_dict(state)


def test_an_interrupted_optimizer_save_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opt, params, _ = adam_state()
    path = opt.save(tmp_path / "adam")
    saved = dict(np.load(path))
    steps(opt, dict(zip("ab", params, strict=True)), 1)
    failing_write_array(monkeypatch, after=2, error=KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        opt.save(tmp_path / "adam")
    monkeypatch.undo()
    with np.load(path) as data:
        assert sorted(data.files) == sorted(saved)
        for key in saved:
            np.testing.assert_array_equal(data[key], saved[key])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adam.npz"]


def test_an_unbound_optimizer_needs_a_functional_state() -> None:
    with pytest.raises(ChainruleValueError, match="without params"):
        optim.Adam(lr=0.1).state_dict()
    with pytest.raises(ChainruleTypeError, match="dtype"):
        optim.Adam(lr=0.1).init(np.array([True]))
