"""Differentiation time against depth: chains of roots and exponentials, parsed from text (issue 16).

    python benchmarks/symbolic_depth.py          # the table and the goals
    python benchmarks/symbolic_depth.py --quick  # one repeat

Cases: ``√√…√x`` and ``e^e^…^x``, 1,000 to 4,999 levels (the longest fits parse's 10,000 characters). Only
``diff`` is timed (best of the repeats, cold: each repeat parses a fresh expression after dropping the last).
Goals: the deepest ≤ 1 s, and time linear in depth: t(4999)/t(1000) at most 7.5 (5 is exactly linear;
before, nested roots 5,000 deep took a minute, quadratic in depth).
"""

from __future__ import annotations

import argparse
import gc
import time

DEPTHS = (1000, 2000, 4999)
CASES = {"sqrt": lambda n: "√" * n + "x", "exp": lambda n: "e^" * n + "x"}
GOAL_SECONDS = 1.0
GOAL_RATIO = 7.5


def _time(text: str, repeats: int) -> float:
    from chainrule import symbolic as sym

    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        e = sym.parse(text)
        start = time.perf_counter()
        sym.diff(e, "x")
        best = min(best, time.perf_counter() - start)
        del e
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    failed = False
    print(f"{'case':6} " + " ".join(f"{n:>9}" for n in DEPTHS) + "   ratio  goal")
    for name, make in CASES.items():
        times = [_time(make(n), repeats) for n in DEPTHS]
        ratio = times[-1] / times[0]
        ok = times[-1] <= GOAL_SECONDS and ratio <= GOAL_RATIO
        failed |= not ok
        cells = " ".join(f"{t:8.3f}s" for t in times)
        print(f"{name:6} {cells}   {ratio:5.1f}  {'met' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
