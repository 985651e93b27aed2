"""The code blocks of README.md and docs/*.md, found and run as a reader would run them.

The test suite (``tests/test_doc_code.py``) and the documentation site's build (``tools/mkdocs_hooks.py``,
``make docs``) both run the blocks through this module, so both hold the pages to one convention:

- A fenced block whose info string is ``python`` is code to run. The blocks of one file run in order in
  one namespace, as a reader pasting them one after another into a Python session would (a later block
  may use a name an earlier one defined); each file starts afresh, in a Python process of its own
  (``run_file_apart``), so what one page registers (engine.md's custom primitive) is not seen by the
  next. The namespace is a module registered in ``sys.modules``, so a function defined at its top level
  pickles by reference, as in a script (the process pools of ``chainrule.numeric``).
- In a block whose info string is ``sh``, each line that starts with ``chainrule`` is a use of the
  ``chainrule`` command: it is run (in-process, through ``chainrule.cli.main``) and must exit with 0.
  ``chainrule tour`` is the exception (15 s; ``tests/cli`` runs it); the block's other lines (``make``,
  ``pip install``) are not run.
- A block with any other info string (``text``, none for printed output, ``pycon``) is not run: that is
  how a page marks an example that is not to run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_COMMANDS = ("tour",)
_FENCE = re.compile(r"^(`{3,})\s*([\w+-]*)")


@dataclass(frozen=True)
class Block:
    """One fenced block of a Markdown file: where it starts, its info string and its text."""

    path: Path
    line: int  # the line of the opening fence, counted from 1
    lang: str
    source: str
    end: int = 0  # the line of the closing fence

    @property
    def where(self) -> str:
        """``file:line`` of the block's first line of code."""
        path = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{path}:{self.line + 1}"


def documented_files() -> list[Path]:
    """The Markdown files whose blocks must run: README.md and docs/*.md."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks(path: Path, text: str | None = None) -> list[Block]:
    """The fenced blocks of a Markdown file (fences at the start of a line), in order."""
    lines = (path.read_text() if text is None else text).splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence, lang = opening.groups()
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == fence), len(lines))
        found.append(Block(path, i + 1, lang, "\n".join(lines[i + 1 : end]) + "\n", end + 1))
        i = end + 1
    return found


def fresh_namespace(path: Path) -> dict[str, object]:
    """A new module for one file's blocks, registered in ``sys.modules`` so its functions pickle."""
    name = "chainrule_docs_" + re.sub(r"\W", "_", path.stem)
    module = types.ModuleType(name)
    sys.modules[name] = module
    return module.__dict__


def run_python(block: Block, namespace: dict[str, object]) -> str:
    """Run one ``python`` block in ``namespace``; return what it printed.

    A failure is raised as it happened, with a traceback whose lines are those of the Markdown file.
    """
    code = compile("\n" * block.line + block.source, str(block.path), "exec")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, namespace)
    return printed.getvalue()


def commands(block: Block) -> Iterator[list[str]]:
    """The arguments of each ``chainrule`` command in an ``sh`` block (``chainrule tour`` left out)."""
    for line in block.source.splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["chainrule"] and not set(words[1:2]) & set(SKIPPED_COMMANDS):
            yield words[1:]


def run_command(argv: list[str]) -> tuple[int, str]:
    """Run ``chainrule *argv`` in this process, as plain text: its exit status and what it printed."""
    from chainrule.cli import main

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        try:
            status = main(["--plain", *argv])
        except SystemExit as exit_:  # argparse's own exits (--version, --help)
            status = exit_.code if isinstance(exit_.code, int) else 1
    return status, printed.getvalue()


def run_file(path: Path, workdir: Path, text: str | None = None) -> dict[Block, str]:
    """Run every block of ``path`` (or of ``text``, read from it) that is to run, in ``workdir``.

    Returns what each ``python`` block printed.

    Raises the first failure: a Python exception as it happened, a command's non-zero exit status as
    a ``RuntimeError`` naming the command and what it printed.
    """
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace = fresh_namespace(path)
    printed: dict[Block, str] = {}
    with contextlib.chdir(workdir):
        for block in blocks(path, text):
            if block.lang == "python":
                printed[block] = run_python(block, namespace)
            elif block.lang == "sh":
                _run_commands(block)
    return printed


def _run_commands(block: Block) -> None:
    for argv in commands(block):
        status, out = run_command(argv)
        if status != 0:
            command = f"chainrule {shlex.join(argv)}"
            raise RuntimeError(f"the block at {block.where}: {command} exited {status}:\n{out}")


def run_file_apart(path: Path, workdir: Path, timeout: float = 600) -> dict[int, str]:
    """:func:`run_file` in a fresh Python process: what each ``python`` block printed, by its fence's line.

    Raises ``RuntimeError`` with the child's traceback (lines of the Markdown file) when a block fails.
    """
    with tempfile.TemporaryDirectory(prefix="chainrule-doc-code-") as scratch:
        result = Path(scratch) / "printed.json"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        child = subprocess.run(
            [sys.executable, __file__, str(path), str(workdir), str(result)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
        if child.returncode != 0:
            raise RuntimeError(f"the code of {path.name} failed:\n{child.stderr}{child.stdout}")
        return {int(line): out for line, out in json.loads(result.read_text()).items()}


if __name__ == "__main__":  # python tools/doc_code.py FILE WORKDIR RESULT.json (what run_file_apart runs)
    printed = run_file(Path(sys.argv[1]), Path(sys.argv[2]))
    Path(sys.argv[3]).write_text(json.dumps({block.line: out for block, out in printed.items()}))
