"""Numerical differentiation: chainrule.numeric against scipy.differentiate, numdifftools and plain NumPy.

Run ``python benchmarks/numeric_bench.py``. Each framework runs in its own process (this script with
``--framework NAME``, printing JSON); the parent computes the true errors and prints one table:

- easy cases (exp, sin, x^1.5, 1/(1+x²), atan at x ∈ {0.1, 1, 3, 10}): median and max relative error,
  NaNs, mean evaluations and µs per call of the default method;
- hard cases (√x at 1e-3, log x at 1e-6, sin x at 1e6, exp at 50, x·|x| at 0.7 by complex step,
  f' ≈ 0, a noisy f): relative error and whether the reported error bounds it;
- Rosenbrock, n = 10: gradient and Hessian, relative error (max over entries / max |entry|) and
  evaluations;
- coverage: in how many cases the reported error bounds the true error (a NaN never does);
- a ratio line against each peer, and chainrule's overhead per call over a hand-written central
  difference (2 evaluations, no error estimate).

A peer that is not installed is reported and skipped.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

FRAMEWORKS = ("chainrule", "scipy", "numdifftools", "numpy")
EASY_POINTS = (0.1, 1.0, 3.0, 10.0)


def _noise(x: Any) -> Any:
    """Deterministic pseudo-random noise in [-0.5, 0.5) from all the bits of x (splitmix64's
    finaliser); real input only, like a simulation's output."""
    z = np.asarray(x, dtype=np.float64).view(np.uint64)
    z = (z ^ (z >> np.uint64(33))) * np.uint64(0xFF51AFD7ED558CCD)
    z = (z ^ (z >> np.uint64(33))) * np.uint64(0xC4CEB9FE1A85EC53)
    z = z ^ (z >> np.uint64(33))
    return (z >> np.uint64(11)) / 2.0**53 - 0.5


def _noisy_sin(x: Any) -> Any:
    return np.sin(x) + 1e-10 * _noise(x)


def _x_abs_x(x: Any) -> Any:
    return x * abs(x)


def _power(x: Any) -> Any:
    return x**1.5


def _lorentz(x: Any) -> Any:
    return 1.0 / (1.0 + x * x)


EASY: dict[str, tuple[Callable[[Any], Any], Callable[[float], float]]] = {
    "exp": (np.exp, math.exp),
    "sin": (np.sin, math.cos),
    "x^1.5": (_power, lambda x: 1.5 * math.sqrt(x)),
    "1/(1+x^2)": (_lorentz, lambda x: -2.0 * x / (1.0 + x * x) ** 2),
    "atan": (np.arctan, lambda x: 1.0 / (1.0 + x * x)),
}

# name: (f, x, true derivative, asks for complex step)
HARD: dict[str, tuple[Callable[[Any], Any], float, float, bool]] = {
    "sqrt x at 1e-3": (np.sqrt, 1e-3, 0.5 / math.sqrt(1e-3), False),
    "log x at 1e-6": (np.log, 1e-6, 1e6, False),
    "sin x at 1e6": (np.sin, 1e6, math.cos(1e6), False),
    "exp x at 50": (np.exp, 50.0, math.exp(50.0), False),
    "x|x| at 0.7, complex": (_x_abs_x, 0.7, 1.4, True),
    "cos x at pi (f'~0)": (np.cos, math.pi, -math.sin(math.pi), False),
    "sin x + 1e-10 noise": (_noisy_sin, 1.0, math.cos(1.0), False),
}

ROSEN_N = 10


def rosenbrock(x: Any) -> Any:
    """Rosenbrock's function, summed over axis 0 (vectorised along trailing axes for scipy)."""
    x = np.asarray(x)
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2, axis=0)


def rosen_point() -> np.ndarray:
    return np.linspace(-1.2, 1.3, ROSEN_N)


def rosen_gradient(x: np.ndarray) -> np.ndarray:
    g = np.zeros_like(x)
    g[:-1] += -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    return g


def rosen_hessian(x: np.ndarray) -> np.ndarray:
    n = len(x)
    h = np.zeros((n, n))
    for i in range(n - 1):
        h[i, i] += 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
        h[i + 1, i + 1] += 200.0
        h[i, i + 1] = h[i + 1, i] = -400.0 * x[i]
    return h


# -- the frameworks, each run in its own process ---------------------------------------------------
class Counted:
    """Counts evaluation points (array inputs count every element along the trailing axes)."""

    def __init__(self, f: Callable[[Any], Any], points_per_call: Callable[[Any], int]) -> None:
        self.f, self.points_per_call, self.count = f, points_per_call, 0

    def __call__(self, x: Any) -> Any:
        self.count += self.points_per_call(x)
        return self.f(x)


def _scalar_points(x: Any) -> int:
    return int(np.size(x))


def _vector_points(x: Any) -> int:
    shape = np.shape(x)
    return int(np.prod(shape[1:])) if len(shape) > 1 else 1


def _derivative_call(framework: str, complex_step: bool) -> Callable[[Any, float], tuple[Any, Any]]:
    """``call(f, x) -> (value, reported error or None)`` for a framework's default method."""
    if framework == "chainrule":
        from chainrule.numeric import derivative

        method = "complex" if complex_step else "auto"

        def call(f: Any, x: float) -> tuple[Any, Any]:
            r = derivative(f, x, method=method)
            return r.value, r.error

        return call
    if framework == "scipy":
        from scipy.differentiate import derivative as scipy_derivative

        def call(f: Any, x: float) -> tuple[Any, Any]:
            r = scipy_derivative(f, x)
            return float(r.df), float(r.error)

        return call
    if framework == "numdifftools":
        import numdifftools as nd

        kwargs = {"method": "complex"} if complex_step else {}

        def call(f: Any, x: float) -> tuple[Any, Any]:
            result = nd.Derivative(f, full_output=True, **kwargs)(x)
            return float(result.estimate), float(result.error_estimate)

        return call

    def call(f: Any, x: float) -> tuple[Any, Any]:
        h = np.cbrt(np.finfo(float).eps) * max(abs(x), 1.0)
        return (f(x + h) - f(x - h)) / (2.0 * h), None

    return call


def _time_call(call: Callable[[], Any], budget: float = 0.05) -> float:
    """Best µs per call over three rounds of about ``budget`` seconds."""
    start = time.perf_counter()
    call()
    once = max(time.perf_counter() - start, 1e-7)
    number = max(1, int(budget / once))
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(number):
            call()
        best = min(best, (time.perf_counter() - start) / number)
    return best * 1e6


def _measure(framework: str, f: Any, x: float, complex_step: bool) -> dict[str, Any]:
    call = _derivative_call(framework, complex_step)
    counted = Counted(f, _scalar_points)
    try:
        value, error = call(counted, x)
    except Exception as exc:  # a peer that fails outright on a case
        return {"value": None, "error": None, "n_evals": counted.count, "us": None, "fail": repr(exc)}
    us = _time_call(lambda: call(f, x))
    return {"value": value, "error": error, "n_evals": counted.count, "us": us}


Runner = Callable[[Any], tuple[Any, Any]]


def _multivariate_calls(framework: str, x: np.ndarray) -> tuple[Runner, Runner] | None:
    """``(gradient, hessian)`` runners ``f -> (value, reported error or None)`` of a framework."""
    if framework == "chainrule":
        from chainrule.numeric import gradient, hessian

        def ours(function: Any) -> Runner:
            return lambda f: (lambda r: (r.value, r.error))(function(f, x))

        return ours(gradient), ours(hessian)
    if framework == "scipy":
        from scipy.differentiate import hessian as scipy_hessian
        from scipy.differentiate import jacobian as scipy_jacobian

        def scipy_grad(f: Any) -> tuple[Any, Any]:
            result = scipy_jacobian(f, x)
            return result.df, result.error

        def scipy_hess(f: Any) -> tuple[Any, Any]:
            result = scipy_hessian(f, x)
            return result.ddf, result.error

        return scipy_grad, scipy_hess
    if framework == "numdifftools":
        import numdifftools as nd

        def nd_grad(f: Any) -> tuple[Any, Any]:
            result = nd.Gradient(f, full_output=True)(x)
            return result.estimate, np.ravel(result.error_estimate)

        def nd_hess(f: Any) -> tuple[Any, Any]:
            return nd.Hessian(f)(x), None

        return nd_grad, nd_hess
    return None


def _rosenbrock(framework: str) -> dict[str, Any]:
    x = rosen_point()
    out: dict[str, Any] = {}
    calls = _multivariate_calls(framework, x)
    if calls is None:
        return out
    grad, hess = calls
    for name, run in (("gradient", grad), ("hessian", hess)):
        counted = Counted(rosenbrock, _vector_points)
        value, error = run(counted)
        out[name] = {
            "value": np.asarray(value).tolist(),
            "error": None if error is None else np.asarray(error).tolist(),
            "n_evals": counted.count,
            "us": _time_call(lambda run=run: run(rosenbrock), budget=0.2),
        }
    return out


def run_framework(framework: str) -> dict[str, Any]:
    """Every case for one framework (called in the child process)."""
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    easy = {
        f"{name} at {x:g}": _measure(framework, f, x, False)
        for name, (f, _) in EASY.items()
        for x in EASY_POINTS
    }
    hard = {name: _measure(framework, f, x, cs) for name, (f, x, _, cs) in HARD.items()}
    return {"easy": easy, "hard": hard, "rosenbrock": _rosenbrock(framework)}


# -- the parent: spawn, score, print ---------------------------------------------------------------
def _spawn(framework: str) -> dict[str, Any] | str:
    env = dict(os.environ)
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--framework", framework],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return f"skipped: {last}"
    return json.loads(proc.stdout)


def _relative(value: Any, truth: Any) -> float:
    if value is None:
        return math.nan
    value, truth = np.asarray(value, dtype=float), np.asarray(truth, dtype=float)
    if np.any(~np.isfinite(value)):
        return math.nan
    return float(np.max(np.abs(value - truth)) / np.max(np.abs(truth)))


def _covered(entry: dict[str, Any], truth: Any) -> bool | None:
    if entry.get("error") is None:
        return None
    if entry["value"] is None:
        return False
    value, error = np.asarray(entry["value"], float), np.asarray(entry["error"], float)
    if np.any(~np.isfinite(value)):
        return False
    return bool(np.all(error >= np.abs(value - np.asarray(truth, float))))


def score(data: dict[str, Any]) -> dict[str, Any]:
    """Errors, evaluations, times and coverage of one framework's raw results."""
    truths = {f"{n} at {x:g}": d(x) for n, (_, d) in EASY.items() for x in EASY_POINTS}
    easy_errors = [_relative(data["easy"][k]["value"], t) for k, t in truths.items()]
    finite = [e for e in easy_errors if not math.isnan(e)]
    covered: list[bool] = []
    for group, cases in (("easy", truths), ("hard", {k: v[2] for k, v in HARD.items()})):
        for key, truth in cases.items():
            flag = _covered(data[group][key], truth)
            if flag is not None:
                covered.append(flag)
    hard = {
        k: (_relative(data["hard"][k]["value"], v[2]), _covered(data["hard"][k], v[2]))
        for k, v in HARD.items()
    }
    rosen = {}
    x = rosen_point()
    for name, truth in (("gradient", rosen_gradient(x)), ("hessian", rosen_hessian(x))):
        entry = data["rosenbrock"].get(name)
        if entry:
            rosen[name] = (_relative(entry["value"], truth), entry["n_evals"], entry["us"])
            flag = _covered(entry, truth)
            if flag is not None:
                covered.append(flag)
    easy_entries = list(data["easy"].values())
    times = [e["us"] for e in easy_entries if e["us"] is not None]
    return {
        "median": float(np.median(finite)) if finite else math.nan,
        "max": max(finite) if finite else math.nan,
        "nans": len(easy_errors) - len(finite),
        "evals": float(np.mean([e["n_evals"] for e in easy_entries])),
        "us": float(np.mean(times)) if times else math.nan,
        "coverage": (100.0 * sum(covered) / len(covered)) if covered else None,
        "covered": f"{sum(covered)}/{len(covered)}",
        "hard": hard,
        "rosen": rosen,
    }


def _fmt(value: Any, spec: str = ".1e") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NaN"
    return format(value, spec)


def report(scores: dict[str, dict[str, Any]], skipped: dict[str, str]) -> str:
    """The comparison table, the ratio lines and the skipped peers."""
    names = list(scores)
    lines = ["numeric differentiation benchmark (relative errors; default method of each framework)", ""]
    lines.append("".ljust(36) + "".join(n.rjust(15) for n in names))
    for label, cells in _table_rows(scores, names):
        lines.append(label.ljust(36) + "".join(c.rjust(15) for c in cells))
    lines.append("  (ok / !!: the reported error does / does not bound the true error; NaN never does)")
    lines += _ratio_lines(scores, names)
    lines += [f"{name}: {why}" for name, why in skipped.items()]
    return "\n".join(lines)


def _table_rows(scores: dict[str, dict[str, Any]], names: list[str]) -> list[tuple[str, list[str]]]:
    rows = [
        ("easy: median rel. error", [_fmt(scores[n]["median"]) for n in names]),
        ("easy: max rel. error", [_fmt(scores[n]["max"]) for n in names]),
        ("easy: NaNs", [str(scores[n]["nans"]) for n in names]),
        ("easy: mean evaluations", [_fmt(scores[n]["evals"], ".1f") for n in names]),
        ("easy: µs per call", [_fmt(scores[n]["us"], ".1f") for n in names]),
    ]
    marks = {True: " ok", False: " !!", None: "   "}
    for case in HARD:
        cells = [_fmt(scores[n]["hard"][case][0]) + marks[scores[n]["hard"][case][1]] for n in names]
        rows.append((f"hard: {case}", cells))
    for name in ("gradient", "hessian"):
        entries = [scores[n]["rosen"].get(name) for n in names]
        rows.append((f"Rosenbrock n={ROSEN_N} {name}: error", [_fmt(e[0]) if e else "-" for e in entries]))
        rows.append((f"Rosenbrock n={ROSEN_N} {name}: evals", [str(e[1]) if e else "-" for e in entries]))
        rows.append(
            (f"Rosenbrock n={ROSEN_N} {name}: µs", [_fmt(e[2], ".0f") if e else "-" for e in entries])
        )
    coverage = [
        "n/a" if scores[n]["coverage"] is None else f"{scores[n]['coverage']:.0f}% {scores[n]['covered']}"
        for n in names
    ]
    rows.append(("error bound covers true error", coverage))
    return rows


def _ratio_lines(scores: dict[str, dict[str, Any]], names: list[str]) -> list[str]:
    if "chainrule" not in scores:
        return []
    ours, lines = scores["chainrule"], []
    for peer in names:
        if peer in ("chainrule", "numpy"):
            continue
        theirs = scores[peer]
        lines.append(
            f"ratio chainrule/{peer}: easy max error {ours['max'] / theirs['max']:.2g}, "
            f"evaluations {ours['evals'] / theirs['evals']:.2g}, time {ours['us'] / theirs['us']:.2g}"
        )
    if "numpy" in scores:
        overhead = ours["us"] - scores["numpy"]["us"]
        lines.append(f"chainrule overhead over a hand-written central difference: {overhead:.1f} µs per call")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=FRAMEWORKS, help="run one framework, print JSON")
    parser.add_argument("--only", nargs="*", choices=FRAMEWORKS, default=list(FRAMEWORKS))
    args = parser.parse_args(argv)
    if args.framework:
        json.dump(run_framework(args.framework), sys.stdout)
        return 0
    scores, skipped = {}, {}
    for name in args.only:
        data = _spawn(name)
        if isinstance(data, str):
            skipped[name] = data
        else:
            scores[name] = score(data)
    print(report(scores, skipped))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
