"""Checkpoint files: named arrays in NumPy's ``.npz`` format, written atomically, read and checked whole.

Models (:meth:`chainrule.nn.Module.save`) and optimizers (:meth:`chainrule.optim.Optimizer.save`) keep their
state in these files. Three promises:

- **A save never destroys the previous checkpoint.** The archive is written to a temporary file in the
  target's folder, flushed and synced to disk, then renamed over the target in one step. An interrupted save
  (Ctrl-C, a full disk, a crash) leaves the old file as it was and no temporary file behind (except after a
  hard kill, which leaves a ``.<name>.*.tmp`` file beside it and the old checkpoint intact).
- **The same path round-trips.** ``save("weights")`` writes ``weights.npz``, as :func:`numpy.savez` does,
  and ``load("weights")`` reads it.
- **A load is checked whole before anything is assigned**: names, shapes and dtypes of every entry; no
  strings, booleans or complex numbers where real numbers belong, no value that would overflow the target
  dtype, no NaN or infinity. A failed load changes nothing.

Entries are plain ``.npy`` arrays in a zip archive, readable with ``np.load`` (no pickling, ever).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from chainrule.core import Tensor
from chainrule.errors import ChainruleValueError, ShapeError

__all__ = ["check_arrays", "checkpoint_path", "read_arrays", "write_arrays"]

_NPY_MAGIC = b"\x93NUMPY"


def checkpoint_path(path: str | os.PathLike[str]) -> Path:
    """The file a checkpoint named ``path`` lives in: ``path`` itself if it ends in ``.npz``, else with
    ``.npz`` appended (NumPy's rule for :func:`numpy.savez`).

    Examples
    --------
    >>> from chainrule.optim.checkpoint import checkpoint_path
    >>> checkpoint_path("weights").name, checkpoint_path("run/model.npz").name
    ('weights.npz', 'model.npz')
    """
    target = Path(os.fspath(path))
    return target if target.suffix == ".npz" else target.with_name(target.name + ".npz")


def write_arrays(path: str | os.PathLike[str], arrays: Mapping[str, np.ndarray], owner: str) -> Path:
    """Write ``arrays`` as an ``.npz`` archive at :func:`checkpoint_path` ``(path)``, atomically.

    Returns the path written. A directory as ``path``, or a folder that does not exist, is refused before
    anything is written.
    """
    given = Path(os.fspath(path))
    target = checkpoint_path(given)
    for candidate in (given, target):
        if candidate.is_dir():
            raise ChainruleValueError(
                f"{owner}: {str(candidate)!r} is a directory; give a file name in it, e.g. "
                f"{str(candidate / 'checkpoint.npz')!r}"
            )
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"{owner}: no directory to save into", str(folder))
    mode = _file_mode(target)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as file:
            _write_npz(file, arrays)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)  # atomic: readers see the old file or the new one, never a mixture
    except BaseException:  # KeyboardInterrupt included: the old checkpoint stays, the partial file goes
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(folder)
    return target


def _write_npz(file: BinaryIO, arrays: Mapping[str, np.ndarray]) -> None:
    # np.savez takes the names as keyword arguments, so a parameter named "file" or "allow_pickle" clashes
    # with its own; this is the same archive, written entry by entry
    with zipfile.ZipFile(file, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, value in arrays.items():
            with archive.open(f"{name}.npy", mode="w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(value), allow_pickle=False)


def _file_mode(target: Path) -> int:
    """The permissions the new file gets: the old checkpoint's, else what ``open()`` would give."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_directory(folder: Path) -> None:
    """Make the rename durable (POSIX); a platform that cannot open directories skips it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_arrays(path: str | os.PathLike[str], owner: str) -> dict[str, np.ndarray]:
    """Every entry of the ``.npz`` archive at ``path`` (resolved as :func:`write_arrays` resolves it).

    Raises a clear error for a missing file, a directory, a ``.npy`` file, a file that is not an archive,
    a truncated or corrupt archive, and an entry holding Python objects.
    """
    given = Path(os.fspath(path))
    target = checkpoint_path(given)
    if not target.exists() and given.exists():
        target = given
    if target.is_dir():
        raise ChainruleValueError(f"{owner}: {str(target)!r} is a directory, not a checkpoint file")
    if not target.exists():
        tried = str(target) if target == given else f"{str(target)!r} or {str(given)!r}"
        raise FileNotFoundError(errno.ENOENT, f"{owner}: no checkpoint file {tried}", str(target))
    with open(target, "rb") as file:
        head = file.read(len(_NPY_MAGIC))
    if head == _NPY_MAGIC:
        raise ChainruleValueError(
            f"{owner}: {str(target)!r} is a .npy file, which holds one array; a checkpoint is an .npz "
            "archive of named arrays, as save() writes it"
        )
    if not zipfile.is_zipfile(target):
        raise ChainruleValueError(f"{owner}: {str(target)!r} is not an .npz archive (as save() writes it)")
    try:
        with np.load(target, allow_pickle=False) as archive:
            return {name: _entry(archive, name, target, owner) for name in archive.files}
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ChainruleValueError(
            f"{owner}: cannot read {str(target)!r} ({exc}); the file is truncated or corrupt"
        ) from exc


def _entry(archive: Any, name: str, target: Path, owner: str) -> np.ndarray:
    try:
        return np.asarray(archive[name])
    except ValueError as exc:
        if "pickle" in str(exc):  # an object array, which only pickling could read
            reason = "holds Python objects, which are read only by unpickling (never done here)"
        else:
            reason = f"is not a NumPy array ({exc})"
        raise ChainruleValueError(f"{owner}: entry {name!r} of {str(target)!r} {reason}") from exc


def check_arrays(
    owner: str, expected: Mapping[str, tuple[tuple[int, ...], np.dtype[Any]]], given: Mapping[str, Any]
) -> dict[str, np.ndarray]:
    """``given`` converted to the ``(shape, dtype)`` of each expected entry, after checking all of them.

    Raises before returning anything when a name is missing or unexpected, or an entry has the wrong shape,
    is not made of real numbers (strings, booleans, objects; complex numbers for a real target), holds NaN
    or infinity, or would overflow the target dtype. The message names the entry.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.optim.checkpoint import check_arrays
    >>> check_arrays("load", {"w": ((2,), np.dtype(np.float32))}, {"w": np.array([1, 2])})
    {'w': array([1., 2.], dtype=float32)}
    >>> too_big = {"w": np.array([1e300])}
    >>> check_arrays("load", {"w": ((1,), np.dtype(np.float32))}, too_big)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chainrule.errors.ChainruleValueError: load: 'w' holds values up to 1e+300, beyond float32's largest, ...
    """
    missing, unexpected = sorted(set(expected) - set(given)), sorted(set(given) - set(expected))
    if missing or unexpected:
        raise ChainruleValueError(f"{owner}: missing keys {missing}, unexpected keys {unexpected}")
    return {name: _checked(owner, name, given[name], *expected[name]) for name in expected}


def _checked(owner: str, name: str, value: Any, shape: tuple[int, ...], dtype: np.dtype[Any]) -> np.ndarray:
    array = np.asarray(value.detach().numpy() if isinstance(value, Tensor) else value)
    kind = array.dtype.kind
    if kind == "c" and dtype.kind != "c":
        raise ChainruleValueError(
            f"{owner}: {name!r} holds complex numbers; the target is real ({dtype}) and would lose their "
            "imaginary parts"
        )
    if kind not in "iufc":
        what = "true/false values" if kind == "b" else f"{array.dtype} values"
        raise ChainruleValueError(f"{owner}: {name!r} holds {what}, not numbers")
    if array.shape != shape:
        raise ShapeError(f"{owner}: {name!r} has shape {array.shape}, the target {shape}")
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ChainruleValueError(f"{owner}: {name!r} holds {bad} NaN or infinite value(s)")
    with np.errstate(over="ignore"):
        converted = array.astype(dtype, copy=True)
    if not np.all(np.isfinite(converted)):
        raise ChainruleValueError(
            f"{owner}: {name!r} holds values up to {float(np.max(np.abs(array))):.3g}, beyond {dtype}'s "
            f"largest, {float(np.finfo(dtype).max):.2g}"
        )
    return converted
