"""np.linalg's rules: forward + backward time against the forward alone, on mid-size inputs.

    python benchmarks/linalg_bench.py              # every case: a table, the goal, JSON results
    python benchmarks/linalg_bench.py --quick      # fewer repeats (a smoke run, too noisy to quote)
    python benchmarks/linalg_bench.py --case svd   # some cases only

For each case ``f`` and seeded weights ``w`` of ``f``'s outputs, the scalar ``g(x) = sum(w * f(x))`` is timed
twice in one single-threaded process: plain NumPy on arrays (the forward alone), and ``cr.value_and_grad(g)``
(forward + backward through chainrule's rules). The ratio of the medians is the cost of the derivative; the
goal is at most 3x. Matrices are 100x100 (tall ones 200x100), as a mid-size problem in a course or a small
model; the gradient is checked against central differences along one random direction first.
"""

from __future__ import annotations

import argparse
import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _harness import FULL, QUICK, measure, pin_threads

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
GOAL = 3.0
N = 100


def _cases() -> dict[str, tuple[Callable[..., Any], Callable[[Any], list[Any]]]]:
    """name: (f of the inputs, inputs from a generator)."""
    import numpy as np

    def square(r: Any) -> list[Any]:
        return [r.standard_normal((N, N))]

    def tall(r: Any) -> list[Any]:
        return [r.standard_normal((2 * N, N))]

    def real_eigenvalues(r: Any) -> list[Any]:
        q = r.standard_normal((N, N)) + N**0.5 * np.eye(N)
        return [q @ (np.arange(1.0, N + 1) * np.eye(N)) @ np.linalg.inv(q)]

    def symmetric(r: Any) -> list[Any]:
        a = r.standard_normal((N, N))
        return [a + a.T]

    c = np.random.default_rng(1).standard_normal(N)

    def spread(w: Any, v: Any) -> Any:
        """sum_i sin(w_i) (c . v_i)^2: the same for any order of the eigenpairs and any sign of a vector."""
        return np.sum(np.sin(w) * (c @ v) ** 2)

    return {
        "svd": (lambda a: np.linalg.svd(a, full_matrices=False), tall),
        "svd compute_uv=False": (lambda a: np.linalg.svd(a, compute_uv=False), tall),
        "eig": (lambda a: spread(*np.linalg.eig(a)), real_eigenvalues),
        "eigvals": (lambda a: np.sum(np.sin(np.linalg.eigvals(a))), real_eigenvalues),
        "eigh": (lambda a: spread(*np.linalg.eigh(a)), symmetric),
        "eigh UPLO=U": (lambda a: spread(*np.linalg.eigh(a, UPLO="U")), square),
        "eigvalsh": (np.linalg.eigvalsh, symmetric),
        "qr": (np.linalg.qr, tall),
        "pinv": (np.linalg.pinv, tall),
        "lstsq": (lambda a, b: np.linalg.lstsq(a, b)[0], lambda r: [*tall(r), r.normal(size=(2 * N, 5))]),
        "matrix_power 5": (lambda a: np.linalg.matrix_power(a / N**0.5, 5), square),
        "multi_dot": (lambda *abc: np.linalg.multi_dot(abc), lambda r: tall(r) + square(r) + square(r)),
        "matrix_norm nuc": (lambda a: np.linalg.matrix_norm(a, ord="nuc"), tall),
        "matrix_norm 2": (lambda a: np.linalg.matrix_norm(a, ord=2), tall),
        "vector_norm 3": (lambda x: np.linalg.vector_norm(x, ord=3, axis=1), tall),
        "cross": (np.cross, lambda r: [r.standard_normal((10 * N * N // 3, 3)) for _ in range(2)]),
    }  # fmt: skip


def _scalar(f: Callable[..., Any], weights: list[Any]) -> Callable[..., Any]:
    import numpy as np

    def g(*args: Any) -> Any:
        out = f(*args)
        parts = out if isinstance(out, tuple) else (out,)
        return sum(np.sum(w * p) for w, p in zip(weights, parts, strict=True))

    return g


def _check(g: Callable[..., Any], args: list[Any], grads: Any, rng: Any) -> float:
    """Relative difference of the gradient from central differences along one random direction."""
    import numpy as np

    directions = [rng.standard_normal(np.shape(a)) for a in args]
    h = 1e-6
    plus = g(*[a + h * d for a, d in zip(args, directions, strict=True)])
    minus = g(*[a - h * d for a, d in zip(args, directions, strict=True)])
    numeric = (plus - minus) / (2 * h)
    analytic = sum(float(np.sum(gr * d)) for gr, d in zip(grads, directions, strict=True))
    return abs(analytic - numeric) / max(abs(numeric), 1e-12)


def run_case(name: str, quick: bool) -> dict[str, Any]:
    import numpy as np

    import chainrule as cr

    f, make = _cases()[name]
    rng = np.random.default_rng(0)
    args = make(rng)
    out = f(*args)
    weights = [rng.standard_normal(np.shape(p)) for p in (out if isinstance(out, tuple) else (out,))]
    g = _scalar(f, weights)
    value_and_grad = cr.value_and_grad(g, argnums=tuple(range(len(args))))
    _, grads = value_and_grad(*args)
    error = _check(g, args, grads, rng)
    budget = QUICK if quick else FULL
    forward = measure(lambda: g(*args), budget)
    both = measure(lambda: value_and_grad(*args), budget)
    ratio = both["median_s"] / forward["median_s"]
    shapes = " ".join("x".join(map(str, np.shape(a))) for a in args)
    return {
        "case": name,
        "shapes": shapes,
        "forward_s": forward["median_s"],
        "forward_backward_s": both["median_s"],
        "ratio": ratio,
        "check_rel_error": error,
        "goal_met": ratio <= GOAL,
    }


def main() -> None:
    pin_threads()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--case", action="append", help="a case name (repeatable); default: all")
    options = parser.parse_args()
    names = options.case or list(_cases())
    rows = [run_case(name, options.quick) for name in names]
    print(f"{'case':22} {'inputs':24} {'forward':>10} {'fwd+bwd':>10} {'ratio':>6}  check")
    for r in rows:
        fwd, both = r["forward_s"] * 1e3, r["forward_backward_s"] * 1e3
        ratio, error = r["ratio"], r["check_rel_error"]
        print(f"{r['case']:22} {r['shapes']:24} {fwd:8.2f}ms {both:8.2f}ms {ratio:5.2f}x  {error:.1e}")
    met = sum(r["goal_met"] for r in rows)
    print(f"\ngoal fwd+bwd <= {GOAL}x forward: {met} of {len(rows)} cases")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps({"rows": rows, "quick": options.quick, "goal": GOAL}, indent=1)
    (RESULTS / f"linalg-{stamp}.json").write_text(text)
    (RESULTS / "linalg-latest.json").write_text(text)


if __name__ == "__main__":
    main()
