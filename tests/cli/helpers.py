"""Running the ``chainrule`` command in-process (through ``main``) and as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from chainrule.cli import main

Result = tuple[int, str, str]


def in_process(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    """Run ``chainrule --plain *argv`` in this process: (status, stdout, stderr)."""
    status = main(["--plain", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def command(*argv: str) -> list[str]:
    """The argument list that runs the command in a fresh Python with this checkout's sources first."""
    return [sys.executable, "-m", "chainrule.cli", *argv]


def environment() -> dict[str, str]:
    """The environment of a child command: the sources this test session imports, unbuffered output."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "PYTHONUNBUFFERED": "1"}


def run_command(*argv: str, timeout: float = 120, **options: Any) -> subprocess.CompletedProcess[str]:
    """Run the command in a subprocess and wait for it."""
    return subprocess.run(
        command(*argv),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=environment(),
        **options,
    )
