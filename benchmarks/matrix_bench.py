"""Matrix calculus: the NumPy code chainrule.symbolic generates, against hand-written NumPy and the engine.

    python benchmarks/matrix_bench.py            # every case and worker: table, goals, JSON results
    python benchmarks/matrix_bench.py --quick    # fewer repeats
    python benchmarks/matrix_bench.py --worker generated --case hess_logistic   # one worker

Cases, at n = 1000 (the issue's goals):

- ``grad_quadratic`` / ``hess_quadratic``: the gradient ``(A + A') x`` and Hessian ``A + A'`` of ``x' A x``;
- ``grad_logistic`` / ``hess_logistic``: of the logistic loss ``sum(log(1 + exp(M w))) - y' M w`` with
  ``M`` 1000×1000: ``M' (sigmoid(M w) - y)`` and ``M' diag(sigmoid(M w) .* (1 - sigmoid(M w))) M``.

Workers, each in its own single-threaded process: ``generated`` (``lambdify`` of the symbolic derivative),
``numpy`` (the same formula written by hand), ``engine`` (``cr.grad`` / ``cr.hessian`` of the NumPy
function). Goals: generated within 1.5x of hand-written NumPy, and its Hessian at least 10x faster than the
engine's. The values of all three are compared.

The ``symbolic`` worker times ``diff`` of each row of the acceptance table (``tests/symbolic/matrix/
matrix_cases.py``), each repeat cold (the text parsed again, untimed, the previous result dropped): the goal
is at most 5 ms per row.
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
from pathlib import Path
from typing import Any

from _harness import FULL, QUICK, emit, max_rel_error, measure, pin_threads, run_worker

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
N = 1000
CASES = ("grad_quadratic", "hess_quadratic", "grad_logistic", "hess_logistic")
WORKERS = ("generated", "numpy", "engine")
RATIO_GOAL = 1.5  # generated / hand-written NumPy, at most
ENGINE_GOAL = 10.0  # engine Hessian / generated Hessian, at least
SYMBOLIC_GOAL = 5e-3  # seconds per acceptance row, at most
SHAPES = {
    "quadratic": {"x": "n", "A": "n,n"},
    "logistic": {"M": "n,n", "w": "n", "y": "n"},
}
FORMULAS = {"quadratic": ("x' A x", "x"), "logistic": ("sum(log(1 + exp(M w))) - y' M w", "w")}


def _arrays(family: str) -> dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng(0)
    if family == "quadratic":
        return {"x": rng.normal(size=N), "A": rng.normal(size=(N, N))}
    return {
        "M": rng.normal(size=(N, N)) / np.sqrt(N),
        "w": rng.normal(size=N),
        "y": (rng.random(N) > 0.5) * 1.0,
    }


def _numpy(case: str, v: dict[str, Any]) -> Callable[[], Any]:
    import numpy as np

    A, x, M, w, y = (v.get(k) for k in ("A", "x", "M", "w", "y"))
    if case == "grad_quadratic":
        return lambda: A @ x + A.T @ x
    if case == "hess_quadratic":
        return lambda: A + A.T

    def sigmoid() -> Any:
        return 1.0 / (1.0 + np.exp(-(M @ w)))

    if case == "grad_logistic":
        return lambda: M.T @ (sigmoid() - y)

    def hessian() -> Any:
        s = sigmoid()
        return (M.T * (s * (1.0 - s))) @ M

    return hessian


def _function(family: str, v: dict[str, Any]) -> tuple[Callable[[Any], Any], str]:
    """The loss as a NumPy function of its variable, for the engine."""
    import numpy as np

    if family == "quadratic":
        return (lambda x: x @ v["A"] @ x), "x"
    return (lambda w: np.sum(np.logaddexp(0.0, v["M"] @ w)) - v["y"] @ (v["M"] @ w)), "w"


def _generated(case: str, v: dict[str, Any]) -> tuple[Callable[[], Any], str]:
    from chainrule.symbolic import matrix as mx

    family = case.split("_")[1]
    text, var = FORMULAS[family]
    shapes = SHAPES[family]
    result = (
        mx.diff(text, var, shapes=shapes) if case.startswith("grad") else mx.hessian(text, var, shapes=shapes)
    )
    names = sorted(n for n in shapes if n in {w.name for w in result.variables})
    compiled = mx.lambdify(result, names)
    args = [v[n] for n in names]
    return (lambda: compiled(*args)), compiled.source


def _engine(case: str, v: dict[str, Any]) -> Callable[[], Any]:
    import chainrule as cr

    family = case.split("_")[1]
    f, var = _function(family, v)
    transform = cr.grad(f) if case.startswith("grad") else cr.hessian(f)
    return lambda: transform(v[var])


def worker(name: str, case: str, quick: bool) -> dict[str, Any]:
    import numpy as np

    v = _arrays(case.split("_")[1])
    extra: dict[str, Any] = {}
    if name == "generated":
        fn, extra["source"] = _generated(case, v)
    elif name == "numpy":
        fn = _numpy(case, v)
    else:
        fn = _engine(case, v)
    budget = QUICK if quick else FULL
    if name == "engine" and case.startswith("hess"):
        budget = budget.slow()
    timing = measure(fn, budget)
    value = np.asarray(fn())
    return {
        "status": "ok",
        **timing,
        "sample": value.ravel()[:: max(1, value.size // 2000)].tolist(),
        **extra,
    }


def symbolic_worker(quick: bool) -> dict[str, Any]:
    sys.path.insert(0, str(HERE.parent / "tests" / "symbolic" / "matrix"))
    from matrix_cases import ROWS

    from chainrule.symbolic import matrix as mx

    rows = []
    for case in ROWS:
        times = []
        for _ in range(3 if quick else 15):
            expr = mx.parse(case.text, case.shapes)
            gc.collect()
            start = time.perf_counter()
            result = mx.diff(expr, case.var)
            times.append(time.perf_counter() - start)
            del expr, result
        rows.append({"row": case.id, "median_s": statistics.median(times), "best_s": min(times)})
    return {"status": "ok", "rows": rows}


# ------------------------------------------------------------------------------------------------ runner


def _table(results: dict[str, dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    lines = [
        "| case | generated | hand-written NumPy | engine | generated / NumPy | engine / generated | agree |"
    ]
    lines.append("| --- | --- | --- | --- | --- | --- | --- |")
    goals = []
    for case in CASES:
        r = {w: results[f"{w}:{case}"] for w in WORKERS}
        if any(x.get("status") != "ok" for x in r.values()):
            lines.append(f"| {case} | " + " | ".join(x.get("status", "?") for x in r.values()) + " | | | |")
            continue
        g, h, e = (r[w]["median_s"] for w in WORKERS)
        error = max_rel_error([r["generated"]["sample"]] * 2, [r["numpy"]["sample"], r["engine"]["sample"]])
        lines.append(
            f"| {case} | {g * 1e3:.2f} ms | {h * 1e3:.2f} ms | {e * 1e3:.1f} ms | {g / h:.2f}x | "
            f"{e / g:.0f}x | "
            f"{error:.1e} |"
        )
        goals.append({"goal": f"{case}: generated <= {RATIO_GOAL}x NumPy", "passed": g / h <= RATIO_GOAL})
        if case.startswith("hess"):
            goals.append(
                {"goal": f"{case}: >= {ENGINE_GOAL}x faster than the engine", "passed": e / g >= ENGINE_GOAL}
            )
        goals.append({"goal": f"{case}: the three agree", "passed": error < 1e-8})
    return lines, goals


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", choices=(*WORKERS, "symbolic"))
    parser.add_argument("--case", choices=CASES)
    args = parser.parse_args()
    if args.worker:
        pin_threads()
        payload = (
            symbolic_worker(args.quick)
            if args.worker == "symbolic"
            else worker(args.worker, args.case, args.quick)
        )
        emit(payload)
        return 0
    extra = ["--quick"] if args.quick else []
    results = {
        f"{w}:{c}": run_worker(Path(__file__), ["--worker", w, "--case", c, *extra], timeout=900)
        for c in CASES
        for w in WORKERS
    }
    symbolic = run_worker(Path(__file__), ["--worker", "symbolic", *extra], timeout=900)
    lines, goals = _table(results)
    print("\n".join(lines))
    if symbolic.get("status") == "ok":
        times = [r["median_s"] for r in symbolic["rows"]]
        worst = max(symbolic["rows"], key=lambda r: r["median_s"])
        print(
            f"\nsymbolic diff of the {len(times)} acceptance rows: "
            f"median {statistics.median(times) * 1e3:.2f} ms, "
            f"slowest {worst['median_s'] * 1e3:.2f} ms ({worst['row']})"
        )
        goals.append(
            {
                "goal": f"every acceptance row in <= {SYMBOLIC_GOAL * 1e3:.0f} ms",
                "passed": max(times) <= SYMBOLIC_GOAL,
            }
        )
    else:
        print("symbolic worker:", symbolic)
    print("\ngoals:")
    for g in goals:
        print(f"  [{'ok' if g['passed'] else 'MISSED'}] {g['goal']}")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"matrix-{stamp}.json").write_text(
        json.dumps({"results": results, "symbolic": symbolic, "goals": goals}, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
