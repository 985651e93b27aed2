"""Learning benchmarks: a training step through ``cr.nn`` and ``cr.optim``, and two small training runs.

``python benchmarks/learning_bench.py`` runs every case, each framework in its own single-threaded process
(``--case CASE --framework NAME`` is that worker), and prints the tables and the goals:

- ``mlp``: one SGD step of an MLP 784-256-10 (tanh, softmax cross-entropy, batch 128, float32): forward,
  gradients and the parameter update. chainrule's functional path (``cr.value_and_grad`` over
  ``model.apply`` and ``SGD.update``) and its object path (``loss.backward()``, ``opt.step()``) against the
  same step written by hand in NumPy (goal: at most 1.1 times its time), and PyTorch for reference.
- ``moons``: ``nn.fit`` of an MLP 2-16-16-1 on two moons (200 points, noise 0.1): accuracy >= 97 %.
- ``digits``: ``nn.fit`` of an MLP 64-64-10 on scikit-learn's digits: test accuracy >= 95 % (skipped when
  scikit-learn is not installed).

Each worker runs ``--rounds`` times (3), interleaved, and a ratio is the median of the rounds' ratios, so
that a burst of load from elsewhere on the machine does not decide a goal. Options: ``--quick`` (a shorter
smoke run, one round), ``--case``/``--framework`` (a subset), ``--json PATH``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import statistics
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _harness import (
    FULL,
    QUICK,
    Budget,
    NotInstalled,
    emit,
    goal,
    max_rel_error,
    measure,
    pin_threads,
    require,
    row,
    run_worker,
    verdict,
)

pin_threads()  # before NumPy loads its BLAS, so that a worker started by hand is single-threaded too

import numpy as np  # noqa: E402

from engine_mlp import numpy_loss_and_gradients  # noqa: E402

HERE = Path(__file__).resolve()
BATCH, N_IN, N_HIDDEN, N_OUT = 128, 784, 256, 10
LR = 0.01
STEP_TOLERANCE = 1e-5  # relative, float32

Params = list[np.ndarray]

# ------------------------------------------------------------------------------------------ case: mlp step


def mlp_problem() -> tuple[np.ndarray, np.ndarray, Params]:
    """Pixel-like inputs, labels and Glorot-initialised float32 parameters, the same in every worker."""
    rng = np.random.default_rng(0)
    X = rng.random((BATCH, N_IN), dtype=np.float32)
    Y = rng.integers(0, N_OUT, BATCH)
    limit1, limit2 = np.sqrt(6 / (N_IN + N_HIDDEN)), np.sqrt(6 / (N_HIDDEN + N_OUT))
    W1 = rng.uniform(-limit1, limit1, (N_IN, N_HIDDEN)).astype(np.float32)
    b1 = np.zeros(N_HIDDEN, dtype=np.float32)
    W2 = rng.uniform(-limit2, limit2, (N_HIDDEN, N_OUT)).astype(np.float32)
    b2 = np.zeros(N_OUT, dtype=np.float32)
    return X, Y, [W1, b1, W2, b2]


def numpy_step(X: np.ndarray, Y: np.ndarray, params: Params) -> Any:
    """The step written by hand: engine_mlp's hand-written forward and backward, then the SGD update in
    place. The baseline."""
    loss, grads = numpy_loss_and_gradients(X, Y, (params[0], params[1], params[2], params[3]))
    for p, g in zip(params, grads, strict=True):
        g *= LR  # in place: a freed temporary as large as W1 costs glibc a page-faulting round trip
        p -= g
    return loss


def reference_after_one_step() -> Params:
    X, Y, params = mlp_problem()
    numpy_step(X, Y, params)
    return params


def check_step(after_one_step: Params, what: str) -> dict[str, Any]:
    """The parameters after one step from the common start, against the hand-written step's."""
    got = [np.asarray(p) for p in after_one_step]
    if any(p.dtype != np.float32 for p in got):
        return verdict(float("inf"), STEP_TOLERANCE, f"parameters not float32: {[str(p.dtype) for p in got]}")
    return verdict(max_rel_error(got, reference_after_one_step()), STEP_TOLERANCE, what)


def cr_model(params: Params) -> Any:
    nn = require("chainrule.nn")
    model = nn.MLP(N_IN, [N_HIDDEN, N_OUT], activation="tanh", dtype=np.float32)
    model.load_state_dict(dict(zip(["0.weight", "0.bias", "2.weight", "2.bias"], params, strict=True)))
    return model


def mlp_chainrule(budget: Budget) -> list[dict[str, Any]]:
    cr = require("chainrule")
    nn, optim = require("chainrule.nn"), require("chainrule.optim")
    X, Y, start = mlp_problem()

    def functional_path() -> tuple[Callable[[], Any], Callable[[], Params]]:
        model = cr_model(start)
        loss_and_grad = cr.value_and_grad(lambda p: nn.cross_entropy(model.apply(p, X), Y))
        opt = optim.SGD(lr=LR)
        params = model.state_dict()
        state = opt.init(params)

        def step() -> Any:
            nonlocal params, state
            loss, grads = loss_and_grad(params)
            params, state = opt.update(grads, state, params)
            return loss

        return step, lambda: [params[k] for k in ("0.weight", "0.bias", "2.weight", "2.bias")]

    def object_path() -> tuple[Callable[[], Any], Callable[[], Params]]:
        model = cr_model(start)
        opt = optim.SGD(model.parameters(), lr=LR)

        def step() -> Any:
            opt.zero_grad()
            loss = nn.cross_entropy(model(X), Y)
            loss.backward()
            opt.step()
            return loss

        return step, lambda: [p.data for p in model.parameters()]

    rows = []
    for label, make in (
        ("chainrule functional (value_and_grad + SGD.update)", functional_path),
        ("chainrule objects (backward + opt.step)", object_path),
    ):
        step, current = make()
        step()
        check = check_step(current(), "parameters after one step vs the hand-written step")
        rows.append(row(label, measure(step, budget), check))
    return rows


def mlp_numpy(budget: Budget) -> list[dict[str, Any]]:
    X, Y, params = mlp_problem()
    timing = measure(lambda: numpy_step(X, Y, params), budget)
    # the baseline's gradients are checked against chainrule's, which differentiates the forward code alone
    cr, nn = require("chainrule"), require("chainrule.nn")
    X, Y, start = mlp_problem()
    model = cr_model(start)
    grads = cr.grad(lambda p: nn.cross_entropy(model.apply(p, X), Y))(model.state_dict())
    want = [
        p - LR * grads[k] for p, k in zip(start, ("0.weight", "0.bias", "2.weight", "2.bias"), strict=True)
    ]
    check = verdict(max_rel_error(reference_after_one_step(), want), STEP_TOLERANCE, "step vs chainrule's")
    return [row(BASELINE, timing, check)]


def mlp_torch(budget: Budget) -> list[dict[str, Any]]:
    torch = require("torch")
    torch.set_num_threads(1)
    X, Y, start = mlp_problem()
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    first, second = torch.nn.Linear(N_IN, N_HIDDEN), torch.nn.Linear(N_HIDDEN, N_OUT)
    with torch.no_grad():
        for layer, (W, b) in ((first, start[:2]), (second, start[2:])):
            layer.weight.copy_(torch.from_numpy(W.T))
            layer.bias.copy_(torch.from_numpy(b))
    model = torch.nn.Sequential(first, torch.nn.Tanh(), second)
    opt = torch.optim.SGD(model.parameters(), lr=LR)

    def step() -> Any:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(Xt), Yt)
        loss.backward()
        opt.step()
        return loss

    step()
    after = [first.weight.detach().numpy().T, first.bias.detach().numpy()]
    after += [second.weight.detach().numpy().T, second.bias.detach().numpy()]
    check = check_step([p.copy() for p in after], "parameters after one step vs the hand-written step")
    return [row("PyTorch eager (nn.Linear, F.cross_entropy, optim.SGD)", measure(step, budget), check)]


REFERENCE = "chainrule functional (value_and_grad + SGD.update)"
BASELINE = "NumPy, hand-written forward + backward + update"


def mlp_goals(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    base = rows.get(BASELINE)
    out = []
    for label, text in (
        (REFERENCE, "MLP step through cr.nn + cr.optim (functional) <= 1.1x hand-written NumPy"),
        ("chainrule objects (backward + opt.step)", "MLP step through Tensors + opt.step() <= 1.1x NumPy"),
    ):
        mine = rows.get(label)
        if mine is None or base is None:
            out.append(goal(text, None, "missing a result"))
            continue
        # paired by round: both ran minutes apart at most, under the same load
        pairs = zip(mine["round_medians_s"], base["round_medians_s"], strict=True)
        ratio = statistics.median(m / b for m, b in pairs)
        detail = (
            f"{ratio:.2f}x, median of {len(mine['round_medians_s'])} rounds' ratios "
            f"({mine['median_s'] * 1e3:.2f} vs {base['median_s'] * 1e3:.2f} ms)"
        )
        out.append(goal(text, ratio <= 1.1, detail))
    return out


# ------------------------------------------------------------------------------------------ training cases


def train_moons(budget: Budget) -> list[dict[str, Any]]:
    nn, optim = require("chainrule.nn"), require("chainrule.optim")
    X, y = nn.make_moons(200, noise=0.1, seed=0)

    def train() -> Any:
        model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)
        bce = lambda out, t: nn.binary_cross_entropy_with_logits(out[:, 0], t)  # noqa: E731
        nn.fit(model, bce, X, y, optim.Adam(lr=0.05), epochs=200)
        return model

    accuracy = nn.accuracy(train()(X), y)
    label = "chainrule nn.fit: MLP 2-16-16-1 tanh, Adam 0.05, 200 full-batch steps"
    check = verdict(1 - accuracy, 0.03, "training accuracy >= 97 %")
    return [row(label, measure(train, budget.slow()), check, accuracy=accuracy)]


def train_digits(budget: Budget) -> list[dict[str, Any]]:
    nn, optim = require("chainrule.nn"), require("chainrule.optim")
    require("sklearn")
    X, y = nn.load_digits()
    X_train, X_test, y_train, y_test = nn.train_test_split(X, y, test_fraction=0.25, seed=0)

    def train() -> Any:
        model = nn.MLP(64, [64, 10], activation="relu", seed=0)
        nn.fit(model, nn.cross_entropy, X_train, y_train, optim.Adam(lr=0.01), epochs=20, batch_size=64)
        return model

    accuracy = nn.accuracy(train()(X_test), y_test)
    label = "chainrule nn.fit: MLP 64-64-10 relu, Adam 0.01, 20 epochs of batches of 64"
    check = verdict(1 - accuracy, 0.05, "test accuracy >= 95 % (450 held-out images)")
    return [row(label, measure(train, budget.slow()), check, accuracy=accuracy)]


def accuracy_goals(text: str) -> Callable[[dict[str, dict[str, Any]]], list[dict[str, Any]]]:
    def goals(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        if not rows:
            return [goal(text, None, "not run")]
        r = next(iter(rows.values()))
        detail = f"{r['accuracy']:.1%} in {r['median_s']:.2f} s"
        return [goal(text, r["check"]["ok"], detail)]

    return goals


CASES: dict[str, dict[str, Any]] = {
    "mlp": {
        "title": "one SGD step, MLP 784-256-10 (tanh, softmax cross-entropy), batch 128, float32",
        "unit": ("ms", 1e3),
        "frameworks": {"chainrule": mlp_chainrule, "numpy": mlp_numpy, "torch": mlp_torch},
        "goals": mlp_goals,
    },
    "moons": {
        "title": "training on two moons (200 points, noise 0.1)",
        "unit": ("s", 1.0),
        "frameworks": {"chainrule": train_moons},
        "goals": accuracy_goals("two moons: training accuracy >= 97 %"),
    },
    "digits": {
        "title": "training on scikit-learn's digits (1347 train / 450 test images)",
        "unit": ("s", 1.0),
        "frameworks": {"chainrule": train_digits},
        "goals": accuracy_goals("digits: test accuracy >= 95 %"),
    },
}

# ------------------------------------------------------------------------------------------ worker and runner


def work(case: str, framework: str, quick: bool) -> dict[str, Any]:
    bench = CASES[case]["frameworks"].get(framework)
    if bench is None:
        return {"status": "error", "error": f"case {case} has no framework {framework!r}"}
    try:
        rows = bench(QUICK if quick else FULL)
    except NotInstalled as exc:
        return {"status": "not installed", "error": f"{exc} is not installed"}
    except Exception:
        return {"status": "error", "error": traceback.format_exc()}
    return {"status": "ok", "rows": rows, "python": platform.python_version()}


def print_case(name: str, result: dict[str, Any]) -> None:
    unit, scale = CASES[name]["unit"]
    print(f"\n{name}: {CASES[name]['title']}")
    base = {r["label"]: r for r in result["rows"]}.get(BASELINE)
    for r in result["rows"]:
        ratio = f"  {r['median_s'] / base['median_s']:.2f}x NumPy" if base else ""
        check = r["check"]
        status = f"{'ok' if check['ok'] else 'FAIL'} {check['error']:.1e}" if check else "-"
        print(
            f"  {r['label']:<72} median {r['median_s'] * scale:8.3f} {unit}  best {r['best_s'] * scale:8.3f}"
            f" {unit}{ratio}  ({r['repeats']}x{r['number']})  check {status}"
        )
    for s in result["skipped"]:
        print(
            f"  {s['framework']}: {s['status']}: {s['error'].strip().splitlines()[-1] if s['error'] else ''}"
        )


def merge_rounds(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One row from the same measurement in several rounds: the median of the rounds' medians."""
    merged = dict(rounds[-1])
    merged["round_medians_s"] = [r["median_s"] for r in rounds]
    merged["median_s"] = statistics.median(merged["round_medians_s"])
    merged["best_s"] = min(r["best_s"] for r in rounds)
    merged["repeats"] = sum(r["repeats"] for r in rounds)
    return merged


def run_all(cases: list[str], frameworks: list[str] | None, quick: bool, rounds: int) -> dict[str, Any]:
    """Each case's workers in turn, ``rounds`` times over, so that a burst of load on the machine hits
    every framework alike; ratios are then taken round by round."""
    results: dict[str, Any] = {}
    for name in cases:
        by_label: dict[str, list[dict[str, Any]]] = {}
        skipped: dict[str, dict[str, Any]] = {}
        for _ in range(rounds):
            for framework in CASES[name]["frameworks"]:
                if (frameworks and framework not in frameworks) or framework in skipped:
                    continue
                args = ["--case", name, "--framework", framework, *(["--quick"] if quick else [])]
                payload = run_worker(HERE, args, timeout=600)
                if payload["status"] != "ok":
                    skipped[framework] = {"framework": framework, **payload}
                    continue
                for r in payload["rows"]:
                    by_label.setdefault(r["label"], []).append(r)
        rows = [merge_rounds(measured) for measured in by_label.values()]
        results[name] = {"rows": rows, "skipped": list(skipped.values()), "rounds": rounds}
        results[name]["goals"] = CASES[name]["goals"]({r["label"]: r for r in rows})
        print_case(name, results[name])
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    parser.add_argument("--framework", action="append")
    parser.add_argument("--quick", action="store_true", help="shorter timing loops, fewer repeats")
    parser.add_argument("--rounds", type=int, help="run every worker this many times (default 3, quick 1)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    if args.case and args.framework and len(args.case) == 1 and len(args.framework) == 1:
        emit(work(args.case[0], args.framework[0], args.quick))  # a worker
        return 0
    started = datetime.datetime.now().isoformat(timespec="seconds")
    rounds = args.rounds or (1 if args.quick else 3)
    results = run_all(args.case or list(CASES), args.framework, args.quick, rounds)
    print("\ngoals (medians, each against its baseline in the same run):")
    for case in results.values():
        for g in case["goals"]:
            print(
                f"  {({True: 'PASS', False: 'FAIL', None: 'n/a '})[g['passed']]}  {g['goal']}: {g['detail']}"
            )
    if args.json:
        args.json.write_text(
            json.dumps({"started": started, "quick": args.quick, "cases": results}, indent=1)
        )
    broken = [r for c in results.values() for r in c["rows"] if r["check"] and not r["check"]["ok"]]
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
