"""The files a command writes, checked before any work: a mistake in ``-o`` is found in a second, not after
a whole training run.

The rules: a file is written into a directory that exists (none is created on the way); a folder named by
``--out`` may be created, but not its parents; an existing file of the same name is replaced, and the
command says so.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from chainrule.cli.parsing import UsageError

__all__ = ["output_file", "output_folder", "wrote"]


def _writable(folder: Path, option: str, text: str) -> None:
    try:  # the one reliable test: write something there (access() says yes to root on a read-only disk)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise UsageError(f"{option} {text}: cannot write in {folder} ({exc.strerror})") from None


def output_file(text: str, option: str, suffixes: tuple[str, ...], *also: Path) -> Path:
    """``text`` as the path of a file to write, in an existing, writable directory, with one of ``suffixes``.

    ``also`` are further files the command will write beside it (``plot-secants.png``): each is checked too.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> output_file(f"{folder}/p.png", "-o", (".png",)).name
    'p.png'
    >>> output_file(f"{folder}/missing/p.png", "-o", (".png",))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chainrule.cli.parsing.UsageError: -o .../missing/p.png: no directory .../missing (chainrule does not ...
    """
    target = Path(text)
    if target.suffix.lower() not in suffixes:
        raise UsageError(f"{option} {text}: use a name ending in {', '.join(suffixes)}")
    for path in (target, *also):
        if path.is_dir():
            raise UsageError(
                f"{option} {text}: {path} is a directory; name a file in it, e.g. {path / target.name}"
            )
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"{option} {text}: no directory {folder} (chainrule does not create it)")
    _writable(folder, option, text)
    return target


def output_folder(text: str, option: str) -> Path:
    """``text`` as a folder to write into: an existing writable directory, or one whose parent is."""
    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{option} {text}: is a file, not a directory; name a directory for the output")
    if folder.is_dir():
        _writable(folder, option, text)
        return folder
    parent = folder.parent
    if not parent.is_dir():
        raise UsageError(
            f"{option} {text}: no directory {parent} to make it in (chainrule makes only {folder.name})"
        )
    _writable(parent, option, text)
    return folder


def wrote(path: Path, existed: bool) -> str:
    """The line that reports a written file, saying when it replaced one."""
    return f"wrote {path} (replaced the earlier file)" if existed else f"wrote {path}"
