"""Run every benchmark suite and print a summary: ``python benchmarks/run.py`` (``make bench``).

Each framework runs on each case in its own process (see ``engine_bench.py``), single-threaded. Times are the
median of several timeit-style repeats; the tables also show the best repeat. Results are written as JSON to
``benchmarks/results/``. ``--quick`` is a shorter smoke run; ``--case`` and ``--framework`` select a subset.
The numeric-differentiation suite, ``benchmarks/numeric_bench.py``, runs afterwards when it exists.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from _harness import FULL, QUICK, THREAD_ENV, all_cores_env, pin_threads, run_worker, single_thread_env
from engine_bench import CASES, load_case

HERE = Path(__file__).resolve().parent
WORKER = HERE / "engine_bench.py"
NUMERIC = HERE / "numeric_bench.py"
RESULTS = HERE / "results"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def engine_revision() -> str:
    """The commit being measured, and whether ``src/`` has changes not committed yet."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=HERE.parent, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" with uncommitted changes in src/" if dirty else "")


def number(x: float) -> str:
    """A time or ratio with three significant figures or so."""
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    if x >= 0.01:
        return f"{x:.3f}"
    return f"{x:.1e}"


def check_text(check: dict[str, Any] | None) -> str:
    if check is None:
        return "-"
    return f"{'ok' if check['ok'] else 'FAIL'} {check['error']:.1e}"


def run_case(
    name: str,
    frameworks: list[str] | None,
    quick: bool,
    timeout: float,
    all_cores: bool = False,
    cpu_time: bool = False,
) -> dict[str, Any]:
    case = load_case(name)
    outcomes = []
    for framework in case.FRAMEWORKS:
        if frameworks and framework not in frameworks:
            continue
        print(f"  {name}: {framework} ...", end="", flush=True)
        args = ["--case", name, "--framework", framework, *(["--quick"] if quick else [])]
        if all_cores:
            args.append("--all-cores")
        if cpu_time:
            args.append("--cpu-time")
        payload = run_worker(WORKER, args, timeout, env=all_cores_env() if all_cores else None)
        payload["framework"] = framework
        print(f" {payload['status']} ({payload.get('wall_s', 0.0):.1f} s)", flush=True)
        outcomes.append(payload)
    rows = [r for p in outcomes if p["status"] == "ok" for r in p["rows"]]
    by_label = {r["label"]: r for r in rows}
    return {
        "title": case.TITLE,
        "unit": case.UNIT,
        "reference": case.REFERENCE,
        "baseline": case.BASELINE,
        "rows": rows,
        "skipped": [
            {"framework": p["framework"], "status": p["status"], "error": p.get("error", "")}
            for p in outcomes
            if p["status"] != "ok"
        ],
        "versions": {k: v for p in outcomes for k, v in p.get("versions", {}).items()},
        "goals": case.goals(by_label),
    }


def print_table(index: int, case: ModuleType, result: dict[str, Any]) -> None:
    rows = result["rows"]
    by_label = {r["label"]: r for r in rows}
    reference, baseline = by_label.get(case.REFERENCE), by_label.get(case.BASELINE)
    unit = case.UNIT
    print(f"\nCase {index}: {case.TITLE}")
    print(f"  x chainrule = time / {case.REFERENCE};  x NumPy = time / {case.BASELINE};  above 1 is slower")
    header = ("framework", f"median {unit}", f"best {unit}", "x chainrule", "x NumPy", "repeats", "check")
    lines = [header]
    for r in rows:
        ratios = [
            number(r["median_s"] / other["median_s"]) if other else "-" for other in (reference, baseline)
        ]
        lines.append(
            (
                r["label"],
                number(r["median_s"] * case.SCALE),
                number(r["best_s"] * case.SCALE),
                *ratios,
                f"{r['repeats']}x{r['number']}",
                check_text(r["check"]),
            )
        )
    for s in result["skipped"]:
        first_line = s["error"].strip().splitlines()[-1] if s["error"].strip() else ""
        lines.append((s["framework"], s["status"], "", "", "", "", first_line[:60]))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        cells = [line[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(line[1:-1], widths[1:-1], strict=True)
        ]
        print("  " + "  ".join([*cells, line[-1]]).rstrip())
    for s in result["skipped"]:
        if s["status"] == "error":
            print(f"  {s['framework']} failed:\n    " + "\n    ".join(s["error"].strip().splitlines()[-6:]))


def run_numeric(quick: bool, timeout: float) -> dict[str, Any] | None:
    """Run ``numeric_bench.py`` (another suite, with its own output) if it exists."""
    if not NUMERIC.exists():
        return None
    # pass --quick along only to a script that knows the option
    args = ["--quick"] if quick and "--quick" in NUMERIC.read_text() else []
    print(f"\n=== numeric differentiation: {NUMERIC.name} {' '.join(args)}".rstrip(), flush=True)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(NUMERIC), *args], env=single_thread_env(), timeout=timeout, check=False
        )
        code: int | str = proc.returncode
    except subprocess.TimeoutExpired:
        code = "timeout"
    return {"returncode": code, "wall_s": time.perf_counter() - start, "args": args}


def print_summary(results: dict[str, Any], numeric: dict[str, Any] | None) -> bool:
    """Print the goals, the checks and what was skipped; return False if a check failed or a worker broke.

    A goal that is not met is reported but is not a failure of the run: the goals are targets for the engine.
    """
    print("\n=== goals (each in the same run as what it is compared with; medians)")
    for case in results["cases"].values():
        for g in case["goals"]:
            status = {True: "PASS", False: "FAIL", None: "n/a "}[g["passed"]]
            print(f"  {status}  {g['goal']}: {g['detail']}")
    checks = [(name, r) for name, c in results["cases"].items() for r in c["rows"] if r["check"] is not None]
    failed = [(name, r) for name, r in checks if not r["check"]["ok"]]
    print(f"\n=== checks: {len(checks) - len(failed)} of {len(checks)} results agree with their reference")
    for name, r in failed:
        c = r["check"]
        print(f"  FAIL  {name}: {r['label']}: {c['what']}: {c['error']:.2e} > {c['tolerance']:.0e}")
    skipped = [(name, s) for name, c in results["cases"].items() for s in c["skipped"]]
    for name, s in skipped:
        print(f"  skipped  {name}: {s['framework']} ({s['status']})")
    versions = {k: v for c in results["cases"].values() for k, v in c["versions"].items()}
    print("\n=== versions: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    if numeric is not None:
        print(f"=== numeric_bench.py exited with {numeric['returncode']} after {numeric['wall_s']:.0f} s")
    broken = any(s["status"] in ("error", "timeout") for _, s in skipped)
    return not failed and not broken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: short loops, fewer repeats")
    parser.add_argument(
        "--case", action="append", choices=sorted(CASES), help="run only this case (repeatable)"
    )
    parser.add_argument("--framework", action="append", help="run only this framework (repeatable)")
    parser.add_argument("--no-numeric", action="store_true", help="skip numeric_bench.py")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per worker")
    parser.add_argument(
        "--all-cores",
        action="store_true",
        help="do not pin the workers to one thread: NumPy's BLAS uses every core (torch workers still pin)",
    )
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time each worker's CPU time (time.process_time), steadier than wall time on a loaded machine",
    )
    args = parser.parse_args(argv)
    if not args.all_cores:
        pin_threads()

    known = {framework for name in CASES for framework in load_case(name).FRAMEWORKS}
    unknown = sorted(set(args.framework or ()) - known)
    if unknown:
        parser.error(f"unknown framework(s) {', '.join(unknown)}; choose from {', '.join(sorted(known))}")
    budget = QUICK if args.quick else FULL
    started = datetime.datetime.now(datetime.UTC)
    print(f"chainrule engine benchmarks{' (quick)' if args.quick else ''}, {started:%Y-%m-%d %H:%M} UTC")
    revision = engine_revision()
    print(f"{cpu_model()}, {platform.system()} {platform.machine()}, Python {platform.python_version()}")
    print(f"chainrule at {revision}")
    if args.all_cores:
        print("each framework in its own process, NumPy's BLAS on every core (threads not pinned)")
    else:
        print(
            "each framework in its own process, one thread everywhere (torch.set_num_threads(1); "
            + ", ".join(f"{k}={v}" for k, v in THREAD_ENV.items() if k.endswith("THREADS"))
            + ")"
        )
    print(
        f"time ({'process CPU time' if args.cpu_time else 'wall'}) = median of {budget.min_repeats}-"
        f"{budget.repeats} repeats, each looping the call until it "
        f"lasts >= {budget.min_time} s; garbage collector on unless a row says otherwise\n"
    )
    results: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "revision": revision,
        "machine": {"cpu": cpu_model(), "platform": platform.platform(), "python": platform.python_version()},
        "threads": "all cores" if args.all_cores else THREAD_ENV,
        "statistic": "median of repeats (best also recorded); seconds per call",
        "clock": "cpu" if args.cpu_time else "wall",
        "budget": dataclasses.asdict(budget),
        "cases": {},
    }
    for index, name in enumerate(CASES, start=1):
        if args.case and name not in args.case:
            continue
        results["cases"][name] = run_case(
            name, args.framework, args.quick, args.timeout, args.all_cores, args.cpu_time
        )
        print_table(index, load_case(name), results["cases"][name])

    numeric = None if args.no_numeric else run_numeric(args.quick, 2 * args.timeout)
    results["numeric_bench"] = numeric
    results["wall_s"] = (datetime.datetime.now(datetime.UTC) - started).total_seconds()
    ok = print_summary(results, numeric)

    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"engine-{stamp}{'-quick' if args.quick else ''}.json"
    text = json.dumps(results, indent=1)
    path.write_text(text)
    (RESULTS / "engine-latest.json").write_text(text)
    print(f"=== results: {path.relative_to(HERE.parent)} ({results['wall_s']:.0f} s in all)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
