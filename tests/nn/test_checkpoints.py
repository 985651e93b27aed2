"""Checkpoints never lose data: atomic saves under injected faults, loads checked whole, clear refusals."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.errors import ChainruleValueError, ShapeError


def weights(model: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.copy() for k, v in model.state_dict().items()}


def assert_same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
        assert a[key].dtype == b[key].dtype


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def failing_write_array(monkeypatch: pytest.MonkeyPatch, after: int, error: BaseException) -> None:
    """Make NumPy's array writer write ``after`` arrays, then half of the next, then raise ``error``."""
    original = np.lib.format.write_array
    written = [0]

    def write_array(file: Any, array: np.ndarray, *args: Any, **kwargs: Any) -> None:
        if written[0] == after:
            file.write(array.tobytes()[: array.nbytes // 2])
            raise error
        written[0] += 1
        original(file, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_array)


# ---------------------------------------------------------------- saving


@pytest.mark.parametrize(
    "error", [OSError(28, "No space left on device"), KeyboardInterrupt(), RuntimeError("crash")]
)
def test_a_save_that_fails_midway_keeps_the_previous_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    path = tmp_path / "model.npz"
    good = nn.MLP(3, [50, 40, 2], seed=1)
    good.save(path)
    failing_write_array(monkeypatch, after=1, error=error)
    with pytest.raises(type(error)):
        nn.MLP(3, [50, 40, 2], seed=2).save(path)
    monkeypatch.undo()
    restored = nn.MLP(3, [50, 40, 2], seed=3)
    restored.load(path)
    assert_same(weights(restored), weights(good))
    assert leftovers(tmp_path, {"model.npz"}) == []  # the partial temporary file is gone


def test_a_first_save_that_fails_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failing_write_array(monkeypatch, after=0, error=OSError(28, "No space left on device"))
    with pytest.raises(OSError, match="No space"):
        nn.MLP(2, [3, 1]).save(tmp_path / "model.npz")
    assert leftovers(tmp_path, set()) == []


def test_the_data_is_synced_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        events.append("fsync")
        real_fsync(descriptor)

    def replace(source: Any, target: Any) -> None:
        events.append(f"replace {Path(target).name} from {Path(source).parent == tmp_path}")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    nn.MLP(2, [3, 1]).save(tmp_path / "model.npz")
    # the file's data first, then the rename from a temporary file in the same folder, then the folder
    assert events == ["fsync", "replace model.npz from True", "fsync"]


CHILD = textwrap.dedent(
    """
    import signal, sys
    import numpy as np
    from chainrule import nn

    path = sys.argv[1]
    nn.MLP(64, [512, 512, 10], seed=1).save(path)
    original = np.lib.format.write_array
    written = [0]

    def write_array(file, array, *args, **kwargs):
        if written[0] == 2:  # half of the third array is on disk when Ctrl-C arrives
            file.write(array.tobytes()[: array.nbytes // 2])
            signal.raise_signal(signal.SIGINT)
        written[0] += 1
        original(file, array, *args, **kwargs)

    np.lib.format.write_array = write_array
    nn.MLP(64, [512, 512, 10], seed=2).save(path)
    print("the save was not interrupted")
    """
)


def test_a_real_keyboard_interrupt_during_a_save_in_a_subprocess(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.returncode != 0
    assert "KeyboardInterrupt" in done.stderr
    assert "not interrupted" not in done.stdout
    restored = nn.MLP(64, [512, 512, 10], seed=3)
    restored.load(path)
    assert_same(weights(restored), weights(nn.MLP(64, [512, 512, 10], seed=1)))
    assert leftovers(tmp_path, {"model.npz"}) == []


def test_the_same_path_round_trips_without_a_suffix(tmp_path: Path) -> None:
    trained = nn.MLP(2, [4, 1], seed=1)
    written = trained.save(tmp_path / "weights")
    assert written == tmp_path / "weights.npz"
    fresh = nn.MLP(2, [4, 1], seed=2)
    fresh.load(tmp_path / "weights")
    assert_same(weights(fresh), weights(trained))
    fresh.load(str(tmp_path / "weights.npz"))  # the full name works too
    assert_same(weights(fresh), weights(trained))


def test_a_file_named_without_npz_by_someone_else_still_loads(tmp_path: Path) -> None:
    trained = nn.MLP(2, [4, 1], seed=1)
    trained.save(tmp_path / "weights.npz").rename(tmp_path / "weights.ckpt")
    fresh = nn.MLP(2, [4, 1], seed=2)
    fresh.load(tmp_path / "weights.ckpt")
    assert_same(weights(fresh), weights(trained))


def test_a_directory_target_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    with pytest.raises(ChainruleValueError, match="is a directory"):
        nn.MLP(2, [3, 1]).save(folder)
    assert leftovers(tmp_path, {"checkpoints"}) == []  # nothing written beside it
    assert leftovers(folder, set()) == []
    (tmp_path / "ckpt.npz").mkdir()
    with pytest.raises(ChainruleValueError, match="is a directory"):
        nn.MLP(2, [3, 1]).save(tmp_path / "ckpt")
    with pytest.raises(ChainruleValueError, match="is a directory"):
        nn.MLP(2, [3, 1]).load(folder)


def test_a_missing_folder_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no directory to save into") as caught:
        nn.MLP(2, [3, 1]).save(tmp_path / "missing" / "model.npz")
    assert caught.value.filename == str(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="no checkpoint file"):
        nn.MLP(2, [3, 1]).load(tmp_path / "nothing")


def test_the_permissions_of_the_old_file_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    nn.MLP(2, [3, 1]).save(path)
    path.chmod(0o640)
    nn.MLP(2, [3, 1], seed=5).save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.npz"
    nn.MLP(2, [3, 1]).save(fresh)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask  # as open() would make it, not 0o600


class Awkward(nn.Module):
    """Parameters whose names are np.savez's own keyword arguments."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        rng = np.random.default_rng(seed)
        self.file = cr.Tensor(rng.standard_normal(3), requires_grad=True)
        self.allow_pickle = cr.Tensor(rng.standard_normal((2, 2)), requires_grad=True)

    def forward(self, params: Any, x: Any) -> Any:
        return params["allow_pickle"] @ x + np.sum(params["file"])


def test_parameters_named_file_or_allow_pickle(tmp_path: Path) -> None:
    Awkward(1).save(tmp_path / "odd")
    fresh = Awkward(2)
    fresh.load(tmp_path / "odd")
    assert_same(weights(fresh), weights(Awkward(1)))
    with np.load(tmp_path / "odd.npz") as data:  # a plain NumPy archive
        assert sorted(data.files) == ["allow_pickle", "file"]


# ---------------------------------------------------------------- loading


def two_layers() -> nn.Module:
    return nn.MLP(2, [3, 2], seed=0)


def checkpoint_with(tmp_path: Path, **changes: Any) -> Path:
    state: dict[str, Any] = {**nn.MLP(2, [3, 2], seed=9).state_dict(), **changes}
    path = tmp_path / "edited.npz"
    np.savez(path, **state)
    return path


BAD_ENTRIES = [
    ({"2.weight": np.ones((2, 3))}, ShapeError, r"'2\.weight' has shape \(2, 3\)"),
    ({"2.bias": np.array(["a", "b"])}, ChainruleValueError, r"'2\.bias' holds <U1 values, not numbers"),
    ({"2.bias": np.array([True, False])}, ChainruleValueError, r"'2\.bias' holds true/false values"),
    ({"2.bias": np.array([1 + 2j, 3.0])}, ChainruleValueError, r"'2\.bias' holds complex numbers"),
    ({"2.bias": np.array([np.nan, 1.0])}, ChainruleValueError, r"'2\.bias' holds 1 NaN or infinite"),
]


@pytest.mark.parametrize(("change", "error", "message"), BAD_ENTRIES)
def test_a_refused_load_state_dict_changes_nothing(change: Any, error: type, message: str) -> None:
    model = two_layers()
    before = weights(model)
    with pytest.raises(error, match=message):
        model.load_state_dict({**nn.MLP(2, [3, 2], seed=9).state_dict(), **change})
    assert_same(weights(model), before)  # the first layer, checked fine, was not assigned either


@pytest.mark.parametrize(("change", "error", "message"), BAD_ENTRIES)
def test_a_refused_load_from_a_file_changes_nothing(
    tmp_path: Path, change: Any, error: type, message: str
) -> None:
    path = checkpoint_with(tmp_path, **change)
    model = two_layers()
    before = weights(model)
    with pytest.raises(error, match=message):
        model.load(path)
    assert_same(weights(model), before)


def test_a_value_that_overflows_float32_is_refused() -> None:
    model = nn.MLP(2, [3, 2], seed=0, dtype=np.float32)
    before = weights(model)
    state = {**nn.MLP(2, [3, 2], seed=9).state_dict(), "2.bias": np.array([1e300, 0.0])}
    with pytest.raises(ChainruleValueError, match=r"'2\.bias' holds values up to 1e\+300, beyond float32"):
        model.load_state_dict(state)
    assert_same(weights(model), before)
    model.load_state_dict({**state, "2.bias": np.array([3e38, 0.0])})  # large but representable
    assert model.state_dict()["2.bias"][0] == np.float32(3e38)


def test_an_object_array_is_refused_without_unpickling(tmp_path: Path) -> None:
    path = tmp_path / "pickled.npz"
    state: dict[str, Any] = dict(nn.MLP(2, [3, 2], seed=9).state_dict())
    state["2.bias"] = np.array([{"evil": 1}, None], dtype=object)
    np.savez(path, allow_pickle=True, **state)
    model = two_layers()
    before = weights(model)
    with pytest.raises(ChainruleValueError, match=r"'2\.bias'.*Python objects"):
        model.load(path)
    assert_same(weights(model), before)


def test_a_npy_file_gets_a_clear_message(tmp_path: Path) -> None:
    np.save(tmp_path / "weight.npy", np.ones((2, 3)))
    with pytest.raises(ChainruleValueError, match=r"\.npy file, which holds one array"):
        two_layers().load(tmp_path / "weight.npy")


def test_a_truncated_or_foreign_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    nn.MLP(2, [30, 2], seed=9).save(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    model = nn.MLP(2, [30, 2], seed=0)
    before = weights(model)
    with pytest.raises(ChainruleValueError, match=r"truncated or corrupt|not an \.npz archive"):
        model.load(path)
    assert_same(weights(model), before)
    (tmp_path / "notes.npz").write_text("not a checkpoint")
    with pytest.raises(ChainruleValueError, match=r"not an \.npz archive"):
        model.load(tmp_path / "notes.npz")


def test_missing_and_unexpected_entries_are_named(tmp_path: Path) -> None:
    state = nn.MLP(2, [3, 2], seed=9).state_dict()
    del state["0.bias"]
    np.savez(tmp_path / "partial.npz", extra=np.ones(1), **state)
    with pytest.raises(ChainruleValueError, match=r"missing keys \['0\.bias'\], unexpected keys \['extra'\]"):
        two_layers().load(tmp_path / "partial.npz")
