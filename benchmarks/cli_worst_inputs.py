"""The ``chainrule`` command on the hardest inputs the parser accepts: wall time per command (issue 16).

    python benchmarks/cli_worst_inputs.py          # best of 3 per cell, about a minute
    python benchmarks/cli_worst_inputs.py --quick  # one run per cell

Each cell starts the command as a fresh process (``python -m chainrule.cli --plain ...``, with bytecode
caching allowed so start-up is what a user sees) and reports the best wall time. Inputs: a power tower
``x^x^…^x`` 3,000 deep, ``√√…√x`` and ``e^e^…^x`` 4,999 deep (the longest that fit parse's 10,000
characters), a sum of 900 sines, and three constant towers that once hung code generation. Goal: every command
ends within 1 s, with status 0 or with a one-line ``chainrule`` error (status 2) and no traceback.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = {
    "x^x^…^x ×3000": "^".join(["x"] * 3000),
    "√…√x ×4999": "√" * 4999 + "x",
    "e^…^x ×4999": "e^" * 4999 + "x",
    "900 sines": "+".join(f"sin({k}*x)" for k in range(1, 901)),
    "x*9^9^9": "x*9^9^9",
    "pi^pi^pi^pi*x": "pi^pi^pi^pi*x",
    "2^10000*x + 0^-1": "2^10000*x + 0^-1",
}
COMMANDS = {
    "grad --hessian": ["grad", "{e}", "--at", "x=0.5", "--hessian"],
    "diff": ["diff", "{e}"],
    "diff --steps": ["diff", "{e}", "--steps", "--at", "x=0.5"],
    "diff --latex": ["diff", "{e}", "--latex"],
    "graph": ["graph", "{e}", "--at", "x=0.5", "-o", "{out}/graph.svg"],
    "plot": ["plot", "{e}", "--at", "x=0.5", "-o", "{out}/plot.png"],
}
GOAL_SECONDS = 1.0


def _run(argv: list[str], repeats: int) -> tuple[float, int, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    src = str(Path(__file__).parent.parent / "src")
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    best, status, err = float("inf"), 0, ""
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "chainrule.cli", "--plain", *argv],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        best = min(best, time.perf_counter() - start)
        status, err = done.returncode, done.stderr
    return best, status, err


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run per cell")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    missed: list[str] = []
    with tempfile.TemporaryDirectory() as out:
        _run(["diff", "x^2"], 1)  # writes the bytecode caches before anything is timed
        print(f"{'input':18} " + " ".join(f"{name:>15}" for name in COMMANDS))
        for case, text in CASES.items():
            cells = []
            for name, template in COMMANDS.items():
                argv = [part.format(e=text, out=out) for part in template]
                seconds, status, err = _run(argv, repeats)
                one_line = err.count("\n") == 1 and err.startswith("chainrule ") and "Traceback" not in err
                clean = status == 0 or (status == 2 and one_line)
                ok = seconds <= GOAL_SECONDS and clean
                if not ok:
                    missed.append(f"{case} / {name}: {seconds:.2f} s, status {status}: {err.strip()[-300:]}")
                mark = "" if status == 0 else " err"
                cells.append(f"{seconds:6.2f} s{mark:4}{'' if ok else ' !'}")
            print(f"{case:18} " + " ".join(f"{c:>15}" for c in cells))
    print("\n'err' = a one-line chainrule error (status 2); '!' = the goal is missed")
    for line in missed:
        print("MISSED", line)
    print(f"goal: every cell ≤ {GOAL_SECONDS:.0f} s and no traceback: {'met' if not missed else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
