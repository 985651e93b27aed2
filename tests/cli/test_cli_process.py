"""The command as a real process: Ctrl-C, a closed pipe, a full disk, --version; no traceback in any."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest
from tests.cli.helpers import command, environment, run_command


def test_version_in_a_subprocess() -> None:
    import chainrule

    done = run_command("--version")
    assert done.returncode == 0
    assert done.stdout == f"chainrule {chainrule.__version__}\n"


def test_ctrl_c_exits_130_with_one_line() -> None:
    child = subprocess.Popen(
        command("--plain", "train", "--steps", "10000000", "--no-plots"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    try:
        assert child.stdout is not None
        assert "learns the moons" in child.stdout.readline() + child.stdout.readline()  # training has begun
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 130
    assert err == "chainrule train: interrupted\n"


@pytest.mark.parametrize("argv", [["tour", "--out", "{tmp}"], ["--help"], ["diff", "x^3", "--steps"]])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, argv: list[str]) -> None:
    pytest.importorskip("matplotlib")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    # `chainrule ... | head -1`: the reader goes away after one line
    done = subprocess.run(
        ["sh", "-c", '"$@" | head -n 1', "sh", *command("--plain", *argv)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=environment(),
    )
    assert done.stderr == ""
    assert len(done.stdout.splitlines()) == 1


def test_a_closed_pipe_ends_with_status_141() -> None:
    child = subprocess.Popen(
        command("--plain", "diff", "sin(x)^2*exp(x)", "--steps"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    assert child.stdout is not None
    child.stdout.close()  # nobody reads: the first write fails with a broken pipe
    _, err = child.communicate(timeout=120)
    assert child.returncode == 141
    assert err == b""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_full_stdout_is_one_line_not_a_traceback() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            command("--plain", "diff", "x^2", "--at", "x=3"),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
            env=environment(),
        )
    assert done.returncode == 1
    assert done.stderr == "chainrule diff: error: cannot write to standard output: No space left on device\n"


def test_a_user_mistake_in_a_subprocess_is_one_line() -> None:
    for argv in (
        ["grad", "x", "--at", "x=10^400"],
        ["train", "--seed", "-1"],
        ["diff", "x^x", "--order", "1000000000"],
    ):
        done = run_command("--plain", *argv)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.strip().splitlines()[-1].startswith("chainrule")  # a usage, then one line


def test_a_one_line_gradient_imports_no_process_pool_and_no_masked_arrays() -> None:
    # The command starts in about 0.15 s; multiprocessing, concurrent.futures (with logging) and numpy.ma
    # were 25 ms of it and are needed only with workers= or not at all.
    script = (
        "import sys\n"
        "from chainrule.cli import main\n"
        "main(['--plain', 'grad', 'x^2*sin(y)', '--at', 'x=0.5,y=1', '--hessian'])\n"
        "heavy = ('multiprocessing', 'concurrent.futures', 'logging', 'numpy.ma')\n"
        "print('loaded:', [name for name in heavy if name in sys.modules])\n"
    )
    done = subprocess.run(
        [command()[0], "-c", script], capture_output=True, text=True, timeout=120, env=environment()
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "loaded: []"
