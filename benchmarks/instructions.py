"""Instructions per operation of the engine's hot paths, counted by valgrind (deterministic, unlike seconds).

Each case runs its workload once and ``REPEATS + 1`` times under ``valgrind --tool=callgrind``; the difference
divided by the number of operations is the cost of one operation, without interpreter start-up and imports.
Counts are repeatable for the same binary, inputs and environment, whatever else the machine is doing, so two
checkouts can be compared op for op:

    python benchmarks/instructions.py                      # this checkout
    python benchmarks/instructions.py --src ../other/src   # another checkout's package, same interpreter

Cases: ``chain`` (benchmark case 1: 200 x ``y = sin(y) * 1.01`` on 16 values, cr.grad), ``tensor`` (the same
with the Tensor API), ``numpy`` (case 1's baseline: the same in NumPy with the backward pass written by hand,
so ``chain / numpy`` is case 1's "x NumPy forward + hand-written backward" in instructions) and ``scalars`` (a
micrograd-style graph of 0-d Tensors: multiply, add, relu).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPEATS = 10

_SETUP = """
import numpy as np, chainrule as cr
x = np.random.default_rng(0).uniform(-1.5, 1.5, 16)

def chain_sum(y):
    for _ in range(200):
        y = np.sin(y) * 1.01
    return np.sum(y)

g = cr.grad(chain_sum)

def tensor():
    leaf = cr.Tensor(x, requires_grad=True)
    chain_sum(leaf).backward()

def numpy_by_hand():  # case 1's baseline: NumPy forward + hand-written backward
    inputs = []
    y = x
    for _ in range(200):
        inputs.append(y)
        y = np.sin(y) * 1.01
    g = np.ones_like(x)
    for y in reversed(inputs):
        g = g * (1.01 * np.cos(y))
    return g

def scalars():
    a = [cr.Tensor(float(v), requires_grad=True) for v in x[:4]]
    y = a[0]
    for i in range(100):
        y = cr.relu(y * a[i % 4] + a[(i + 1) % 4]) * 0.5
    y.backward()
"""

# case -> (statement run per repeat, operations per statement)
CASES = {
    "chain": ("g(x)", 400),  # 200 sines and 200 multiplications
    "tensor": ("tensor()", 400),
    "scalars": ("scalars()", 400),  # 100 x (multiply, add, relu, multiply)
    "numpy": ("numpy_by_hand()", 400),  # the same 400 operations as chain, differentiated by hand
}


def _count(python: str, env: dict[str, str], statement: str, repeats: int) -> int:
    program = f"{_SETUP}\n{statement}\nfor _ in range({repeats}):\n    {statement}\n"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", python, "-c", program],
            check=True,
            env=env,
            capture_output=True,
        )
        totals = re.search(r"^totals:\s+(\d+)", out.read_text(), re.MULTILINE) or re.search(
            r"^summary:\s+(\d+)", out.read_text(), re.MULTILINE
        )
        if totals is None:
            raise SystemExit("callgrind wrote no totals")
        return int(totals.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--src", help="the src/ folder of the chainrule to measure (default: this checkout's)"
    )
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="cases to run (default all)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt install valgrind)")
    src = Path(args.src or Path(__file__).resolve().parent.parent / "src").resolve()
    env = dict(os.environ, PYTHONPATH=str(src), OMP_NUM_THREADS="1", PYTHONHASHSEED="0")
    print(f"chainrule from {src}")
    for case in args.case or sorted(CASES):
        statement, ops = CASES[case]
        once = _count(sys.executable, env, statement, 0)
        more = _count(sys.executable, env, statement, REPEATS)
        print(f"{case:8s} {(more - once) / (REPEATS * ops) / 1000:8.2f}k instructions per op")


if __name__ == "__main__":
    main()
