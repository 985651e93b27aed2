"""``workers=``: a gradient of an expensive f, serial against two worker processes.

Run ``python benchmarks/numeric_workers.py [--kind cpu|sleep] [--n 100] [--ms 10] [--workers 2]``.

``f`` costs about ``--ms`` milliseconds per call: ``cpu`` spins the processor (a simulation), ``sleep``
waits (an external program, a remote service — it measures the machinery alone, whatever else the machine
is doing). The gradient of ``f`` at a point of ``--n`` coordinates is taken serially and with
``workers=N``; the two results must be bitwise identical, and the speed-up is serial time / parallel time
(pool start included). Goal (issue 11): ≥ 1.7× with 2 workers, n = 100, a 10 ms f.

On a machine shared with other work, the ``cpu`` figure depends on how many cores are free: report the
load with it (printed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

import numpy as np

MS = 10.0
KIND = "cpu"


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def expensive(x: Any) -> Any:
    """A smooth f that takes about MS milliseconds (module level: picklable for any start method)."""
    if KIND == "cpu":
        _spin(MS / 1000.0)
    else:
        time.sleep(MS / 1000.0)
    v = np.asarray(x)
    return np.sum(np.sin(v) * np.arange(1, v.size + 1)) + v[0] * v[-1]


def main(argv: list[str] | None = None) -> int:
    global KIND, MS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("cpu", "sleep"), default="cpu")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--ms", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    KIND, MS = args.kind, args.ms
    from chainrule.numeric import gradient

    x = np.linspace(-1.0, 1.0, args.n)
    start = time.perf_counter()
    serial = gradient(expensive, x)
    t_serial = time.perf_counter() - start
    start = time.perf_counter()
    parallel = gradient(expensive, x, workers=args.workers)
    t_parallel = time.perf_counter() - start
    same = bool(np.array_equal(serial.value, parallel.value) and np.array_equal(serial.error, parallel.error))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"gradient, n = {args.n}, f = {args.ms:g} ms ({args.kind}), {serial.n_evals} evaluations "
        f"(method {serial.method})\n"
        f"  serial            {t_serial:8.2f} s\n"
        f"  workers={args.workers:<9d} {t_parallel:8.2f} s   speed-up {t_serial / t_parallel:.2f}x   "
        f"bitwise identical: {same}\n"
        f"  machine: {os.cpu_count()} cores, load average {load:.1f} at the end"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
