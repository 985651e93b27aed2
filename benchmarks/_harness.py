"""What every benchmark shares: one thread per worker, timeit-style timing, and the worker protocol.

Each framework runs in its own process, because PyTorch's thread pool and NumPy's BLAS threads fight when they
share one. The runner starts ``engine_bench.py --framework NAME --case CASE`` once per pair, with every thread
pool pinned to one thread, and reads back one line of JSON that starts with :data:`RESULT_PREFIX`.

This module imports only the standard library, so a worker can pin its threads before NumPy is imported.
"""

from __future__ import annotations

import gc
import importlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

__all__ = [
    "CLOCK",
    "FULL",
    "QUICK",
    "RESULT_PREFIX",
    "THREAD_ENV",
    "Budget",
    "NotInstalled",
    "all_cores_env",
    "emit",
    "goal",
    "max_rel_error",
    "measure",
    "pin_threads",
    "require",
    "row",
    "run_worker",
    "single_thread_env",
    "verdict",
]

# One thread for every pool a worker may use: OpenBLAS/MKL/Accelerate (NumPy, HIPS autograd, MyGrad,
# chainrule), OpenMP (PyTorch; workers also call torch.set_num_threads(1)) and XLA's CPU client (JAX).
THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "JAX_PLATFORMS": "cpu",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}

RESULT_PREFIX = "BENCH-RESULT "


def pin_threads() -> None:
    """Pin this process's thread pools to one thread; call it before NumPy or any framework is imported."""
    os.environ.update(THREAD_ENV)


def single_thread_env() -> dict[str, str]:
    """The current environment with :data:`THREAD_ENV` on top, for a worker process."""
    return {**os.environ, **THREAD_ENV}


# ------------------------------------------------------------------------------------------------ timing


@dataclass(frozen=True)
class Budget:
    """How long to time one measurement.

    First the call runs for ``warmup_time`` seconds (at least once): the first few hundred calls in a fresh
    process run up to a third slower while caches and allocators settle. Then the loop count grows (1, 2, 5,
    10, 20, ...) until one repeat lasts ``min_time``, like ``timeit``'s autorange, and ``repeats`` repeats
    are timed, but fewer (never below ``min_repeats``) when they would take more than ``max_total`` seconds
    together.
    """

    warmup_time: float
    min_time: float
    repeats: int
    min_repeats: int
    max_total: float

    def slow(self) -> Budget:
        """The budget for a case that takes a large fraction of a second per call: one call per repeat."""
        return replace(self, min_time=0.0, repeats=self.min_repeats)


FULL = Budget(warmup_time=0.5, min_time=0.2, repeats=7, min_repeats=3, max_total=3.0)
QUICK = Budget(warmup_time=0.1, min_time=0.03, repeats=3, min_repeats=2, max_total=0.5)


# the clock measure() uses unless told: wall time; a worker started with --cpu-time sets time.process_time
CLOCK: list[Callable[[], float]] = [time.perf_counter]


def _timed(fn: Callable[[], Any], number: int, gc_off: bool, clock: Callable[[], float]) -> float:
    # The garbage collector stays on by default (unlike timeit): the collections that a framework's many small
    # graph objects set off are part of what it costs. Each repeat starts from a clean heap instead.
    gc.collect()
    if gc_off:
        gc.disable()
    try:
        start = clock()
        for _ in range(number):
            fn()
        return clock() - start
    finally:
        gc.enable()


def _loop_counts() -> Iterator[int]:
    """1, 2, 5, 10, 20, 50, ... as in ``timeit.Timer.autorange``."""
    for power in itertools.count():
        for k in (1, 2, 5):
            yield k * 10**power


def measure(
    fn: Callable[[], Any],
    budget: Budget,
    gc_off: bool = False,
    clock: Callable[[], float] | None = None,
) -> dict[str, Any]:
    """Time ``fn()``: seconds per call, as the median and the best of several repeats.

    The last autorange round is kept as the first repeat, so a slow case is not run once more for nothing.
    ``gc_off`` turns the garbage collector off while timing, as ``timeit`` does. ``clock`` is :data:`CLOCK`
    by default (wall time unless the worker was given ``--cpu-time``); ``time.process_time`` counts only
    this process's CPU time, steadier on a loaded machine (and the sum over threads, if there are several).
    """
    clock = CLOCK[0] if clock is None else clock
    warm_until = time.perf_counter() + budget.warmup_time
    fn()
    while time.perf_counter() < warm_until:
        fn()
    for number in _loop_counts():
        elapsed = _timed(fn, number, gc_off, clock)
        if elapsed >= budget.min_time:
            break
    repeats = max(budget.min_repeats, min(budget.repeats, int(budget.max_total / max(elapsed, 1e-9))))
    times = [elapsed / number] + [_timed(fn, number, gc_off, clock) / number for _ in range(repeats - 1)]
    return {
        "median_s": statistics.median(times),
        "best_s": min(times),
        "times_s": times,
        "number": number,
        "repeats": repeats,
        "gc": "off" if gc_off else "on",
        "clock": "cpu" if clock is time.process_time else "wall",
    }


# ------------------------------------------------------------------------------------------------ checks


def max_rel_error(got: Sequence[Any], want: Sequence[Any]) -> float:
    """The largest ``max|got - want| / max|want|`` over pairs of arrays (a relative error per array)."""
    import numpy as np

    worst = 0.0
    for g, w in zip(got, want, strict=True):
        g = np.asarray(g, dtype=np.float64)
        w = np.asarray(w, dtype=np.float64)
        if g.shape != w.shape:
            raise ValueError(f"shapes differ: {g.shape} vs {w.shape}")
        scale = max(float(np.max(np.abs(w))), 1e-300)
        worst = max(worst, float(np.max(np.abs(g - w))) / scale)
    return worst


def verdict(error: float, tolerance: float, what: str) -> dict[str, Any]:
    """A check result for the tables: whether ``error <= tolerance``, with a short description."""
    return {"ok": bool(error <= tolerance), "error": error, "tolerance": tolerance, "what": what}


def goal(text: str, passed: bool | None, detail: str) -> dict[str, Any]:
    """One line of the goals section; ``passed`` is None when the goal could not be evaluated."""
    return {"goal": text, "passed": passed, "detail": detail}


def row(
    label: str, timing: dict[str, Any], check: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """One line of a result table."""
    return {"label": label, **timing, "check": check, **extra}


# ------------------------------------------------------------------------------------------------ workers


class NotInstalled(Exception):
    """A framework a worker needs is not importable."""


def require(name: str) -> Any:
    """Import ``name``, raising :class:`NotInstalled` when it (not something it imports) is missing."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.split(".")[0] == exc.name.split(".")[0]:
            raise NotInstalled(name) from exc
        raise


def emit(payload: dict[str, Any]) -> None:
    """Write a worker's result as the one line the runner looks for."""
    sys.stdout.write(RESULT_PREFIX + json.dumps(payload) + "\n")
    sys.stdout.flush()


def all_cores_env() -> dict[str, str]:
    """The current environment without :data:`THREAD_ENV`: every library picks its own thread count."""
    return {k: v for k, v in os.environ.items() if k not in THREAD_ENV}


def run_worker(
    script: Path, args: Sequence[str], timeout: float, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run ``python script *args`` in a fresh process (single-threaded unless ``env`` says otherwise) and
    return its result payload."""
    command = [sys.executable, str(script), *args]
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            command,
            env=single_thread_env() if env is None else env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "error": f"no result after {timeout:.0f} s"}
    wall = time.perf_counter() - start
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if not lines:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
        return {
            "status": "error",
            "error": f"exit code {proc.returncode}, no result:\n{tail}",
            "wall_s": wall,
        }
    payload: dict[str, Any] = json.loads(lines[-1][len(RESULT_PREFIX) :])
    payload["wall_s"] = wall
    return payload
