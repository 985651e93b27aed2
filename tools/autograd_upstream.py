"""Run HIPS autograd's own test files through ``chainrule.autograd``, and through autograd itself.

The test files are not part of chainrule (they are autograd's); copy them, unmodified, into a local folder
(``scratch/autograd_tests/original/`` by default, which git ignores), e.g. the ``tests/`` folder of autograd's
source distribution (``pip download autograd==1.9.1 --no-deps --no-binary :all:``). This script fetches
nothing. It writes
a copy of each file with only the import lines changed (``autograd`` -> ``chainrule.autograd``) into
``scratch/autograd_tests/chainrule/`` and runs pytest on both copies in subprocesses, so that the pass rate
through chainrule is measured against the tests that pass with autograd itself (the installed version):

    python tools/autograd_upstream.py                   # both runs, then the summary
    python tools/autograd_upstream.py --folder DIR      # autograd's tests/ folder elsewhere

SciPy's test files (``test_scipy*.py``) are left out of both runs' counts, as chainrule.autograd has no
``scipy`` module.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "scratch" / "autograd_tests" / "original"
_IMPORT = re.compile(r"^(\s*)(from|import)(\s+)autograd(?=[\s.])", re.MULTILINE)

# A pytest plugin, written next to the copies, that records each test's outcome as JSON.
_PLUGIN = """
import json, os
_OUT = {}
def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        _OUT.setdefault(report.nodeid, report.outcome)
        if report.outcome != "passed":
            _OUT[report.nodeid] = report.outcome
def pytest_sessionfinish(session):
    with open(os.environ["OUTCOMES"], "w") as f:
        json.dump(_OUT, f)
"""


def rewrite(text: str) -> str:
    """``text`` with ``import autograd...`` / ``from autograd...`` lines importing chainrule.autograd."""
    return _IMPORT.sub(r"\1\2\3chainrule.autograd", text)


def copy_rewritten(source: Path, target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted(source.glob("*.py")):
        if path.name.startswith("test_scipy"):
            continue
        out = target / path.name
        out.write_text(rewrite(path.read_text()))
        copied.append(out)
    (target / "_outcomes_plugin.py").write_text(_PLUGIN)
    return copied


def run(folder: Path, src: Path | None) -> dict[str, str]:
    """pytest on ``folder`` in a subprocess; the outcome of each test by node id."""
    (folder / "_outcomes_plugin.py").write_text(_PLUGIN)
    with tempfile.NamedTemporaryFile(suffix=".json") as outcomes:
        env = {"OUTCOMES": outcomes.name, "PYTHONPATH": f"{folder}{':' + str(src) if src else ''}"}
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(folder),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "_outcomes_plugin",
            "-o",
            "addopts=",
            "--continue-on-collection-errors",
            "--rootdir",
            str(folder),
            "-W",
            "ignore",
        ]
        subprocess.run(command, env={**_base_env(), **env}, capture_output=True, check=False, cwd=folder)
        text = Path(outcomes.name).read_text()
    result: dict[str, str] = json.loads(text) if text else {}
    return result


def _base_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def measure(folder: Path) -> tuple[list[str], list[str], dict[str, str]]:
    """Run both copies: the tests autograd itself passes, those of them chainrule.autograd fails, and
    every outcome through chainrule.autograd."""
    rewritten = folder.parent / "chainrule"
    copy_rewritten(folder, rewritten)
    upstream = run(folder, None)
    ours = run(rewritten, ROOT / "src")
    # only the files that were copied (SciPy's are not): the SciPy tests autograd passes are not counted
    copied = {path.name for path in rewritten.glob("test_*.py")}
    baseline = sorted(t for t, o in upstream.items() if o == "passed" and t.split("::")[0] in copied)
    return baseline, [t for t in baseline if ours.get(t) != "passed"], ours


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folder", type=Path, default=DEFAULT, help="autograd's test files (unmodified)")
    parser.add_argument("--json", type=Path, help="also write the outcomes here")
    args = parser.parse_args()
    if not args.folder.is_dir() or not any(args.folder.glob("test_*.py")):
        raise SystemExit(f"no autograd test files in {args.folder}; copy autograd's tests/ folder there")
    baseline, failed, ours = measure(args.folder)
    for t in failed:
        print(f"differs: {t} ({ours.get(t, 'not run')})")
    collected = len([p for p in args.folder.glob("test_*.py") if not p.name.startswith("test_scipy")])
    print(f"\nautograd itself passes {len(baseline)} tests of its {collected} test files here")
    rate = 100.0 * (len(baseline) - len(failed)) / max(len(baseline), 1)
    print(f"chainrule.autograd passes {len(baseline) - len(failed)} of those {len(baseline)} ({rate:.1f} %)")
    if args.json:
        args.json.write_text(json.dumps({"baseline": baseline, "chainrule": ours}, indent=1))


if __name__ == "__main__":
    main()
