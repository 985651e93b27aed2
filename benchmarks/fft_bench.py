"""``np.fft`` rules: chainrule's forward + backward time against NumPy's forward alone, per function.

    python benchmarks/fft_bench.py            # every function: table, goal, JSON results
    python benchmarks/fft_bench.py --quick    # fewer repeats (a smoke run, too noisy to quote)

Each function runs on a mid-size input (a batch of 64 signals of 1024 points for the one-axis transforms, a
256×256 image for the others; complex where the function takes complex input, real for ``rfft``/``ihfft``).
``forward + backward`` is ``out, vjp_fn = cr.vjp(f, x); vjp_fn(ct)`` with a random cotangent of the output's
shape and dtype: the recorded forward pass and the reverse rule. Goal (issue 10): at most 3× NumPy's forward
alone. Every gradient is checked first against the transpose written out with NumPy by hand. The two are
timed in alternating repeats with the same loop count (load from other processes falls on both alike), by
this process's CPU time (the goal's ratio: on a shared machine it leaves out the waits for a core) and by
the wall clock; the ratios are of the best repeats.

Only NumPy and chainrule run here (both NumPy, so one process, pinned to one thread).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from _harness import FULL, QUICK, max_rel_error, measure, pin_threads

pin_threads()

import numpy as np  # noqa: E402  (after pinning the threads)

import chainrule as cr  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
GOAL = 3.0
ONE, TWO = (64, 1024), (256, 256)


def _transpose(func: Callable[..., Any], x: Any, ct: Any) -> Any:
    """The reverse rule written out: the matrix of the (real-)linear map, transposed, applied to ``ct``."""
    flat = x.reshape(-1)
    basis = [func(e.reshape(x.shape)) for e in np.eye(flat.size, dtype=flat.dtype)]
    if np.iscomplexobj(x):
        basis_im = [func((1j * e).reshape(x.shape)) for e in np.eye(flat.size)]
        re = [np.sum(np.real(ct * b)) for b in basis]
        im = [np.sum(np.real(ct * b)) for b in basis_im]
        return (np.array(re) - 1j * np.array(im)).reshape(x.shape)
    return np.array([np.sum(np.real(ct * b)) for b in basis]).reshape(x.shape)


CASES: list[tuple[str, Callable[..., Any], tuple[int, ...], bool]] = [
    ("fft", np.fft.fft, ONE, True),
    ("fft (real input)", np.fft.fft, ONE, False),
    ("ifft", np.fft.ifft, ONE, True),
    ("fft2", np.fft.fft2, TWO, True),
    ("ifft2", np.fft.ifft2, TWO, True),
    ("fftn", np.fft.fftn, TWO, True),
    ("ifftn", np.fft.ifftn, TWO, True),
    ("rfft", np.fft.rfft, ONE, False),
    ("irfft", np.fft.irfft, (64, 513), True),
    ("rfft2", np.fft.rfft2, TWO, False),
    ("irfft2", np.fft.irfft2, (256, 129), True),
    ("rfftn", np.fft.rfftn, TWO, False),
    ("irfftn", np.fft.irfftn, (256, 129), True),
    ("hfft", np.fft.hfft, (64, 513), True),
    ("ihfft", np.fft.ihfft, ONE, False),
    ("fftshift", np.fft.fftshift, TWO, True),
    ("ifftshift", np.fft.ifftshift, TWO, True),
    ("fft n=1500, ortho", lambda x: np.fft.fft(x, n=1500, norm="ortho"), ONE, True),
]


def _input(shape: tuple[int, ...], complex_input: bool, rng: np.random.Generator) -> Any:
    x = rng.standard_normal(shape)
    return x + 1j * rng.standard_normal(shape) if complex_input else x


def check(func: Callable[..., Any], complex_input: bool) -> float:
    """The gradient on a small input against the transpose written out by hand."""
    rng = np.random.default_rng(0)
    x = _input((3, 6), complex_input, rng)
    out = func(x)
    ct = _input(out.shape, np.iscomplexobj(out), rng)
    (got,) = cr.vjp(func, x)[1](ct)
    want = _transpose(func, x, ct)
    return max_rel_error([np.real(got), np.imag(got)], [np.real(want), np.imag(want)])


def paired(forward: Callable[[], Any], both: Callable[[], Any], budget: Any) -> dict[str, float]:
    """Time the two calls in alternating repeats of the same loop count, so that load from other processes
    falls on both alike. Each repeat is timed by the wall clock and by this process's CPU time (which leaves
    out the time the process waits for a core on a loaded machine; the worker is single-threaded): the best
    of each, and the median of the per-repeat ratios."""
    number = measure(both, replace(budget, repeats=1, min_repeats=1))["number"]
    fwd, bwd = [], []
    for _ in range(max(budget.repeats, 5)):
        fwd.append(_loop(forward, number))
        bwd.append(_loop(both, number))
    out = {}
    for clock, i in (("wall", 0), ("cpu", 1)):
        f = [t[i] for t in fwd]
        b = [t[i] for t in bwd]
        out[f"forward_{clock}_s"] = min(f)
        out[f"both_{clock}_s"] = min(b)
        out[f"ratio_{clock}"] = min(b) / min(f)
        out[f"median_ratio_{clock}"] = statistics.median(y / x for y, x in zip(b, f, strict=True))
    return out


def _loop(fn: Callable[[], Any], number: int) -> tuple[float, float]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(number):
        fn()
    return (time.perf_counter() - wall) / number, (time.process_time() - cpu) / number


def _calls(func: Callable[..., Any], shape: tuple[int, ...], complex_input: bool) -> tuple[Any, Any]:
    """NumPy's forward call, and chainrule's forward + backward, on the case's input."""
    rng = np.random.default_rng(1)
    x = _input(shape, complex_input, rng)
    out = func(x)
    ct = _input(out.shape, np.iscomplexobj(out), rng)

    def both() -> Any:
        _, vjp_fn = cr.vjp(func, x)
        return vjp_fn(ct)

    return (lambda: func(x)), both


def run(quick: bool) -> list[dict[str, Any]]:
    budget = QUICK if quick else FULL
    calls = [_calls(func, shape, complex_input) for _, func, shape, complex_input in CASES]
    for forward, both in calls * 3:  # every case once before any is timed: the process's first large
        forward()  # allocations (page faults) would otherwise fall on the first case alone
        both()
    rows = []
    for (label, func, shape, complex_input), (forward, both) in zip(CASES, calls, strict=True):
        t = paired(forward, both, budget)
        rows.append(
            {
                "function": label,
                "shape": list(shape),
                **t,
                "goal_met": t["ratio_cpu"] <= GOAL,
                "check_rel_error": check(func, complex_input),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    rows = run(args.quick)
    print("| function | input | NumPy fwd ms (CPU) | fwd + bwd ms (CPU) | ratio, CPU | ratio, wall | check |")
    print("|---|---|---:|---:|---:|---:|---|")
    for r in rows:
        shape = "x".join(map(str, r["shape"]))
        verdict = "" if r["goal_met"] else " over"
        forward, both = r["forward_cpu_s"] * 1e3, r["both_cpu_s"] * 1e3
        print(
            f"| {r['function']} | {shape} | {forward:.3f} | {both:.3f} | {r['ratio_cpu']:.2f}{verdict} "
            f"| {r['ratio_wall']:.2f} | {r['check_rel_error']:.1e} |"
        )
    failed = [r["function"] for r in rows if not r["goal_met"]]
    print(
        f"goal: {len(rows) - len(failed)}/{len(rows)} within {GOAL:g}x"
        + (f"; over: {failed}" if failed else "")
    )
    bad = [r["function"] for r in rows if r["check_rel_error"] > 1e-10]
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = json.dumps({"numpy": np.__version__, "rows": rows, "quick": args.quick}, indent=1)
    (RESULTS / f"fft-{stamp}.json").write_text(payload)
    (RESULTS / "fft-latest.json").write_text(payload)
    if bad:
        print(f"checks failed: {bad}")
        sys.exit(1)


if __name__ == "__main__":
    main()
