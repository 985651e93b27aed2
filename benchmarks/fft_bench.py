"""``np.fft`` rules: chainrule's forward + backward time against NumPy's forward alone, per function.

    python benchmarks/fft_bench.py            # every function: table, goal, JSON results
    python benchmarks/fft_bench.py --quick    # fewer repeats (a smoke run, too noisy to quote)

Each function runs on a mid-size input (a batch of 64 signals of 1024 points for the one-axis transforms, a
256×256 image for the others; complex where the function takes complex input, real for ``rfft``/``ihfft``).
``forward + backward`` is ``out, vjp_fn = cr.vjp(f, x); vjp_fn(ct)`` with a random cotangent of the output's
shape and dtype: the recorded forward pass and the reverse rule. Goal (issue 10): at most 3× NumPy's forward
alone. Beside it, ``by hand`` is NumPy's forward followed by the reverse pass written out in NumPy with the
cheapest formula we know (:data:`HAND`): the floor for any engine, since it does the same array work with no
bookkeeping. Every gradient (chainrule's and the hand-written one) is checked first against the transpose
of the linear map, built column by column. The three are timed in alternating repeats with the same loop
count (load from other processes falls on all alike), by this process's CPU time (the goal's ratio: on a
shared machine it leaves out the waits for a core) and by the wall clock; the ratios are of the best
repeats. Each row also counts the minor page faults of one chainrule call: a forward and a reverse pass
keep two or more outputs of a megabyte alive at once, and glibc's allocator may hand such blocks back to the
system after each call (``M_TRIM_THRESHOLD``) and fault them in again on the next, which costs as much as
the transform itself; the count shows when a row's time is the allocator's.

Only NumPy and chainrule run here (both NumPy, so one process, pinned to one thread).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import resource
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
from chainrule.core.rules.fft import _hermitian_weights as _weights  # noqa: E402  (the half spectrum's counts)

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


# The reverse pass as a NumPy programmer writes it by hand for each case (ct: the output's cotangent, x: the
# input), the cheapest formula we know: this is the floor the goal's ratio is held against. Each is checked
# against chainrule's gradient before it is timed.
HAND: dict[str, Callable[[Any, Any], Any]] = {
    "fft": lambda ct, x: np.fft.fft(ct),  # the DFT's matrix is symmetric: its transpose is itself
    "fft (real input)": lambda ct, x: np.real(np.fft.fft(ct)),
    "ifft": lambda ct, x: np.fft.ifft(ct),
    "fft2": lambda ct, x: np.fft.fft2(ct),
    "ifft2": lambda ct, x: np.fft.ifft2(ct),
    "fftn": lambda ct, x: np.fft.fftn(ct),
    "ifftn": lambda ct, x: np.fft.ifftn(ct),
    "rfft": lambda ct, x: np.fft.irfft(np.conj(ct) / _weights(x.shape[-1]), x.shape[-1], norm="forward"),
    "irfft": lambda ct, x: np.conj(np.fft.rfft(ct, norm="forward")) * _weights(ct.shape[-1]),
    "rfft2": lambda ct, x: np.fft.irfft2(np.conj(ct) / _weights(x.shape[-1]), x.shape, norm="forward"),
    "irfft2": lambda ct, x: np.conj(np.fft.rfft2(ct, norm="forward")) * _weights(ct.shape[-1]),
    "rfftn": lambda ct, x: np.fft.irfftn(np.conj(ct) / _weights(x.shape[-1]), x.shape, (0, 1), "forward"),
    "irfftn": lambda ct, x: np.conj(np.fft.rfftn(ct, norm="forward")) * _weights(ct.shape[-1]),
    "hfft": lambda ct, x: np.fft.rfft(ct) * _weights(ct.shape[-1]),
    "ihfft": lambda ct, x: np.fft.irfft(ct / _weights(x.shape[-1]), x.shape[-1]),
    "fftshift": lambda ct, x: np.fft.ifftshift(ct),
    "ifftshift": lambda ct, x: np.fft.fftshift(ct),
    "fft n=1500, ortho": lambda ct, x: np.fft.fft(ct, norm="ortho")[..., : x.shape[-1]],
}


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


def check(label: str, func: Callable[..., Any], complex_input: bool) -> tuple[float, float]:
    """The gradient on a small input against the transpose written out by hand (chainrule's, and the
    hand-written reverse pass of :data:`HAND`)."""
    rng = np.random.default_rng(0)
    x = _input((3, 6), complex_input, rng)
    out = func(x)
    ct = _input(out.shape, np.iscomplexobj(out), rng)
    (got,) = cr.vjp(func, x)[1](ct)
    want = _transpose(func, x, ct)
    hand = HAND[label](ct, x)
    parts = lambda a: [np.real(a), np.imag(a)]  # noqa: E731
    return max_rel_error(parts(got), parts(want)), max_rel_error(parts(hand), parts(want))


def paired(calls: dict[str, Callable[[], Any]], budget: Any) -> dict[str, float]:
    """Time the calls (``forward``, ``hand``, ``both``) in alternating repeats of the same loop count, so
    that load from other processes falls on all alike. Each repeat is timed by the wall clock and by this
    process's CPU time (which leaves out the time the process waits for a core on a loaded machine; the
    worker is single-threaded), and its minor page faults are counted: the best of each, the median of the
    per-repeat ratios, and the faults per call."""
    number = measure(calls["both"], replace(budget, repeats=1, min_repeats=1))["number"]
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in calls}
    for _ in range(max(budget.repeats, 5)):
        for name, fn in calls.items():
            times[name].append(_loop(fn, number))
    out = {}
    for clock, i in (("wall", 0), ("cpu", 1)):
        for name in calls:
            out[f"{name}_{clock}_s"] = min(t[i] for t in times[name])
        f = [t[i] for t in times["forward"]]
        for name, key in (("both", "ratio"), ("hand", "hand_ratio")):
            b = [t[i] for t in times[name]]
            out[f"{key}_{clock}"] = min(b) / min(f)
            out[f"median_{key}_{clock}"] = statistics.median(y / x for y, x in zip(b, f, strict=True))
    for name in calls:
        out[f"{name}_faults"] = statistics.median(t[2] for t in times[name])
    return out


def _loop(fn: Callable[[], Any], number: int) -> tuple[float, float, float]:
    gc.collect()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(number):
        fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    return wall / number, cpu / number, faults / number


def _calls(label: str, func: Callable[..., Any], shape: tuple[int, ...], complex_input: bool) -> Any:
    """NumPy's forward call, NumPy's forward + the hand-written reverse pass, and chainrule's forward +
    backward, on the case's input."""
    rng = np.random.default_rng(1)
    x = _input(shape, complex_input, rng)
    out = func(x)
    ct = _input(out.shape, np.iscomplexobj(out), rng)
    reverse = HAND[label]

    def hand() -> Any:
        return func(x), reverse(ct, x)

    def both() -> Any:
        _, vjp_fn = cr.vjp(func, x)
        return vjp_fn(ct)

    return {"forward": lambda: func(x), "hand": hand, "both": both}


def run(quick: bool) -> list[dict[str, Any]]:
    budget = QUICK if quick else FULL
    calls = [_calls(label, func, shape, complex_input) for label, func, shape, complex_input in CASES]
    for case in calls * 3:  # every case once before any is timed: the process's first large
        for fn in case.values():  # allocations (page faults) would otherwise fall on the first case alone
            fn()
    rows = []
    for (label, func, shape, complex_input), case in zip(CASES, calls, strict=True):
        t = paired(case, budget)
        error, hand_error = check(label, func, complex_input)
        rows.append(
            {
                "function": label,
                "shape": list(shape),
                **t,
                "goal_met": t["ratio_cpu"] <= GOAL,
                "check_rel_error": error,
                "hand_check_rel_error": hand_error,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    rows = run(args.quick)
    print(
        "| function | input | NumPy fwd ms | by hand: fwd + bwd ms | chainrule: fwd + bwd ms "
        "| chainrule / fwd | by hand / fwd | chainrule / by hand | page faults a call | check |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        shape = "x".join(map(str, r["shape"]))
        verdict = "" if r["goal_met"] else " over"
        forward, hand, both = (r[f"{k}_cpu_s"] * 1e3 for k in ("forward", "hand", "both"))
        print(
            f"| {r['function']} | {shape} | {forward:.3f} | {hand:.3f} | {both:.3f} "
            f"| {r['ratio_cpu']:.2f}{verdict} "
            f"| {r['hand_ratio_cpu']:.2f} | {both / hand:.2f} | {r['both_faults']:.0f} "
            f"| {max(r['check_rel_error'], r['hand_check_rel_error']):.1e} |"
        )
    failed = [r["function"] for r in rows if not r["goal_met"]]
    print(
        f"goal: {len(rows) - len(failed)}/{len(rows)} within {GOAL:g}x"
        + (f"; over: {failed}" if failed else "")
    )
    floor = [r["function"] for r in rows if r["hand_ratio_cpu"] > GOAL]
    print(f"written by hand in NumPy, over {GOAL:g}x too: {floor}")
    print("times: best repeat, CPU time of this process; page faults: minor faults per chainrule call")
    bad = [r["function"] for r in rows if max(r["check_rel_error"], r["hand_check_rel_error"]) > 1e-10]
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
