"""Does ``status == 0`` mean what it says? chainrule.numeric on every case we could find, against the truth.

Run ``python benchmarks/numeric_coverage.py [--group NAME] [--show N]``. Needs mpmath (it comes with
SymPy) for the true derivatives: each is computed at 40 significant digits.

The cases come from three places:

- the analytic test functions of numdifftools (``numdifftools/example_functions.py``: cos ... arctan at
  x = 0.5, orders 1-8) and its tests (``tests/test_numdifftools.py``: cos on [0, 10], sinh backward at 0,
  log at 1e-3 central and forward, x³ ...);
- SciPy's tests of ``scipy.differentiate`` (``scipy/differentiate/tests/test_differentiate.py``: ndtr on
  [-0.05, 1.05] and at 0.6, 2xⁿ at 1.5, x⁹⁹ − 1 at 7, (x − 1)³ at 1, sin(20x)(x − 1)² ..., exp·U(0, 1)
  noise);
- functions as users meet them: additive and multiplicative noise, rounding to k digits, float32 and
  float16 code, kinks and jumps, domain edges, large arguments.

For every result it records whether the reported ``error`` bounds the true error. Where no derivative
exists (a kink, a jump, pure noise) the truth is ``None`` and a ``status == 0`` counts as a failure.
The figure that matters is the coverage among ``status == 0`` results: it must be ≥ 99.9 %.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

try:
    import mpmath as mp
except ImportError:  # pragma: no cover - reported by main()
    mp = None

mp_dps = 40


@dataclass
class Case:
    group: str
    name: str
    f: Callable[[Any], Any]
    x: float
    order: int = 1
    truth: float | None = math.nan  # NaN: to be computed with mpmath; None: no derivative exists
    method: str = "auto"
    kwargs: dict[str, Any] = field(default_factory=dict)
    mp_f: Callable[[Any], Any] | None = None


# -- functions: NumPy version (complex-safe where NumPy is) and mpmath version -------------------------
def _mp(name: str) -> Callable[[Any], Any]:
    return lambda x: getattr(mp, name)(x)


ANALYTIC: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "cos": (np.cos, _mp("cos")),
    "sin": (np.sin, _mp("sin")),
    "tan": (np.tan, _mp("tan")),
    "cosh": (np.cosh, _mp("cosh")),
    "sinh": (np.sinh, _mp("sinh")),
    "tanh": (np.tanh, _mp("tanh")),
    "arcsinh": (np.arcsinh, _mp("asinh")),
    "exp": (np.exp, _mp("exp")),
    "expm1": (np.expm1, _mp("expm1")),
    "exp2": (np.exp2, lambda x: mp.power(2, x)),
    "square": (np.square, lambda x: x * x),
    "sqrt": (np.sqrt, _mp("sqrt")),
    "log": (np.log, _mp("log")),
    "log1p": (np.log1p, _mp("log1p")),
    "log10": (np.log10, lambda x: mp.log(x, 10)),
    "log2": (np.log2, lambda x: mp.log(x, 2)),
    "arccos": (np.arccos, _mp("acos")),
    "arcsin": (np.arcsin, _mp("asin")),
    "arctan": (np.arctan, _mp("atan")),
    "inv": (lambda x: 1.0 / x, lambda x: 1 / x),
}


def _noise(x: Any) -> Any:
    """Deterministic noise in [-0.5, 0.5) from the bits of x (real input only, like a simulation)."""
    z = np.asarray(x, dtype=np.float64).view(np.uint64)
    z = (z ^ (z >> np.uint64(33))) * np.uint64(0xFF51AFD7ED558CCD)
    z = (z ^ (z >> np.uint64(33))) * np.uint64(0xC4CEB9FE1A85EC53)
    z = z ^ (z >> np.uint64(33))
    return (z >> np.uint64(11)) / 2.0**53 - 0.5


def _peer_cases() -> Iterator[Case]:
    # numdifftools/example_functions.py at x = 0.5 (test_example_functions.py), orders 1-8
    for name, (f, g) in ANALYTIC.items():
        for order in range(1, 9):
            for method in ("auto", "richardson", "central"):
                if method != "auto" and order > 6:
                    continue
                yield Case("peers: nd example functions", name, f, 0.5, order, method=method, mp_f=g)


def _numdifftools_cos_cases() -> Iterator[Case]:
    # numdifftools test_derivative_of_cos_x: x in [0, 10] and its @example points
    for x in (0.0, 2.2204460492503134e-14, 1.0, 2.2009289063, 3.0, 5.5, 7.6564547238847105, 8.9428143931508):
        for order in range(1, 9):
            yield Case("peers: nd cos on [0, 10]", "cos", np.cos, x, order, mp_f=_mp("cos"))
            if order <= 4:
                yield Case(
                    "peers: nd cos on [0, 10]", "cos", np.cos, x, order, method="forward", mp_f=_mp("cos")
                )
                yield Case(
                    "peers: nd cos on [0, 10]", "cos", np.cos, x, order, method="backward", mp_f=_mp("cos")
                )
    # numdifftools: sinh backward at 0; log at 1e-3, central and forward; exp at 0; sin on [0, 2π]
    yield Case("peers: nd misc", "sinh", np.sinh, 0.0, method="backward", mp_f=_mp("sinh"))
    for method in ("central", "forward", "auto"):
        yield Case("peers: nd misc", "log", np.log, 1e-3, method=method, mp_f=_mp("log"))
    for x in np.linspace(0, 2 * np.pi, 13):
        yield Case("peers: nd misc", "sin", np.sin, float(x), mp_f=_mp("sin"))


def _scipy_cases() -> Iterator[Case]:
    # scipy: ndtr on [-0.05, 1.05] and at 0.6 (test_basic, test_vectorization), orders 1 and 6
    from scipy import special

    ndtr_mp = lambda x: (1 + mp.erf(x / mp.sqrt(2))) / 2  # noqa: E731
    for x in [0.6, *np.linspace(-0.05, 1.05, 10)]:
        for order in (1, 2, 4, 6):
            yield Case("peers: scipy ndtr", "ndtr", special.ndtr, float(x), order, mp_f=ndtr_mp)
    # scipy test_special_cases: 2x^n at 1.5 with order max(1, n); x**99 - 1 at 7; (x-1)^3 at 1
    for n in range(6):
        yield Case(
            "peers: scipy polynomials",
            f"2x^{n}",
            lambda x, n=n: 2 * x**n,
            1.5,
            max(1, n),
            mp_f=lambda x, n=n: 2 * x**n,
        )
    yield Case("peers: scipy polynomials", "x^99-1", lambda x: x**99 - 1, 7.0, mp_f=lambda x: x**99 - 1)
    yield Case("peers: scipy polynomials", "(x-1)^3 at 1", lambda x: (x - 1) ** 3, 1.0, truth=0.0)
    # scipy test_preserve_shape: sin(3x), x + sin(10x), sin(20x)(x-1)^2 at 0
    yield Case("peers: scipy misc", "sin(3x)", lambda x: np.sin(3 * x), 0.0, truth=3.0)
    yield Case("peers: scipy misc", "x+sin(10x)", lambda x: x + np.sin(10 * x), 0.0, truth=11.0)
    yield Case(
        "peers: scipy misc", "sin(20x)(x-1)^2", lambda x: np.sin(20 * x) * (x - 1) ** 2, 0.0, truth=20.0
    )
    # scipy test_dtype: exp at 0.65 and 0.7, float32 and float64, orders 1-4
    for x in (0.65, 0.7):
        for order in (1, 2, 4):
            yield Case(
                "peers: scipy dtype",
                "exp f32",
                lambda x: np.exp(np.asarray(x, np.float32)),
                x,
                order,
                truth=math.exp(x),
            )


def _awkward_cases() -> Iterator[Case]:
    rng = np.random.default_rng(20240611)
    # additive noise (real input only), deterministic
    for sigma in (1e-14, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4):
        for x in (0.3, 1.0, 2.5):
            f = lambda x, s=sigma: np.sin(x) + s * _noise(x)  # noqa: E731
            yield Case("noise: additive", f"sin+{sigma:g}", f, x, truth=math.cos(x))
    # multiplicative noise, random per call, complex-safe (it scales the imaginary part too)
    for sigma in (1e-12, 1e-8, 1e-4, 1e-2):
        for x in (0.5, 1.0):
            f = lambda x, s=sigma: np.exp(x) * (1 + s * rng.standard_normal())  # noqa: E731
            yield Case("noise: multiplicative", f"exp*(1+{sigma:g}N)", f, x, truth=math.exp(x))
    for x in (0.5, 1.0, 2.0):  # scipy's test_flags: exp(x)*U(0, 1) has no derivative
        yield Case("noise: multiplicative", "exp*U(0,1)", lambda x: np.exp(x) * rng.random(), x, truth=None)


def _quantised_cases() -> Iterator[Case]:
    # quantised: rounded to k decimals
    for k in (3, 6, 9, 12):
        for x in (0.4, 1.0, 3.0):
            yield Case(
                "quantised: rounded",
                f"round(exp,{k})",
                lambda x, k=k: np.round(np.exp(x), k),
                x,
                truth=math.exp(x),
            )
            yield Case(
                "quantised: rounded",
                f"round(sin,{k})",
                lambda x, k=k: (
                    round(math.sin(float(np.real(x))), k) if np.isrealobj(x) else np.round(np.sin(x), k)
                ),
                x,
                truth=math.cos(x),
            )


def _precision_cases() -> Iterator[Case]:
    # reduced precision code
    for x in np.linspace(0.05, 6.2, 23):
        x = float(x)
        for method in ("auto", "central", "forward", "backward", "richardson"):
            yield Case(
                "precision: float32 sin",
                "sin(f32 x)",
                lambda x: np.sin(np.asarray(x, np.float32)),
                x,
                method=method,
                truth=math.cos(x),
            )
        yield Case(
            "precision: float32 sin", "f32(sin x)", lambda x: np.float32(np.sin(x)), x, truth=math.cos(x)
        )
        yield Case(
            "precision: float32 sin",
            "f64(f32 sin)",
            lambda x: float(np.sin(np.float32(x))),
            x,
            truth=math.cos(x),
        )
    for name, dtype in (("f32", np.float32), ("f16", np.float16)):
        for x in (0.3, 1.0, 2.0):
            for order in (1, 2):
                yield Case(
                    f"precision: {name}",
                    f"exp({name})",
                    lambda x, d=dtype: np.exp(np.asarray(x, d)),
                    x,
                    order,
                    truth=math.exp(x),
                )
                yield Case(
                    f"precision: {name}",
                    f"log({name})",
                    lambda x, d=dtype: np.log(np.asarray(x, d)),
                    x,
                    order,
                    truth=(1 / x if order == 1 else -1 / x**2),
                )


def _kink_cases() -> Iterator[Case]:
    # kinks and jumps: no derivative at the point
    # name: (f, x, right derivative or None where it does not exist either)
    none = {
        "abs at 0": (np.abs, 0.0, 1.0),
        "sqrt|x| at 0": (lambda x: np.sqrt(np.abs(x)), 0.0, None),
        "interp knot": (lambda x: np.interp(x, [0.0, 1.0, 2.0], [0.0, 1.0, 3.0]), 1.0, 2.0),
        "sign at 0": (np.sign, 0.0, None),
        "floor at 1": (np.floor, 1.0, 0.0),
        "relu at 0": (lambda x: np.maximum(x, 0.0), 0.0, 1.0),
        "heaviside at 0": (lambda x: np.heaviside(x, 0.5), 0.0, None),
        "|x-1| at 1": (lambda x: abs(x - 1.0), 1.0, 1.0),
        "cbrt at 0": (np.cbrt, 0.0, None),
    }
    for name, (f, x, right) in none.items():
        for method in ("auto", "richardson", "central"):
            yield Case("kinks: no derivative", name, f, x, method=method, truth=None)
        # forward differences estimate the right derivative, which may exist
        yield Case("kinks: no derivative", name, f, x, method="forward", truth=right)
    yield Case("kinks: no derivative", "x|x| order 2 at 0", lambda x: x * np.abs(x), 0.0, 2, truth=None)
    # near kinks: the derivative exists, steps may cross the kink
    for d in (1e-1, 1e-3, 1e-6, 1e-9):
        yield Case("kinks: near", f"abs at {d:g}", np.abs, d, truth=1.0)
        yield Case("kinks: near", f"relu at -{d:g}", lambda x: np.maximum(x, 0.0), -d, truth=0.0)
        yield Case("kinks: near", f"x|x| at {d:g}", lambda x: x * np.abs(x), d, truth=2 * d)
        yield Case("kinks: near", f"floor at 1+{d:g}", np.floor, 1 + d, truth=0.0)
        yield Case(
            "kinks: near",
            f"interp at 1-{d:g}",
            lambda x: np.interp(x, [0.0, 1.0, 2.0], [0.0, 1.0, 3.0]),
            1 - d,
            truth=1.0,
        )


def _domain_cases() -> Iterator[Case]:
    # domain edges
    for x in (1e-2, 1e-4, 1e-6, 1e-9):
        for order in (1, 2, 3):
            yield Case("domain edges", f"sqrt at {x:g}", np.sqrt, x, order, mp_f=_mp("sqrt"))
            yield Case("domain edges", f"log at {x:g}", np.log, x, order, mp_f=_mp("log"))
        yield Case("domain edges", f"x^1.5 at {x:g}", lambda x: x**1.5, x, mp_f=lambda x: x**1.5)
    for d in (1e-2, 1e-4, 1e-8):
        yield Case("domain edges", f"arcsin at 1-{d:g}", np.arcsin, 1 - d, mp_f=_mp("asin"))
        yield Case("domain edges", f"math.sqrt at {d:g}", lambda x: math.sqrt(x), d, mp_f=_mp("sqrt"))
    for lo, x in ((1.0, 1.0), (0.0, 1e-8)):
        yield Case(
            "domain edges",
            f"log with bounds at {x:g}",
            np.log,
            x,
            kwargs={"bounds": (lo, 2.0)},
            mp_f=_mp("log"),
        )
    # large arguments, oscillation
    for x in (1e3, 1e6, 1e10):
        yield Case("large x", f"sin at {x:g}", np.sin, x, mp_f=_mp("sin"))
    for x in (20.0, 50.0, 300.0):
        yield Case("large x", f"exp at {x:g}", np.exp, x, mp_f=_mp("exp"))
    for x in (0.05, 0.1, 0.3):
        yield Case("large x", f"sin(1/x) at {x:g}", lambda x: np.sin(1 / x), x, mp_f=lambda x: mp.sin(1 / x))


def _more_cases() -> Iterator[Case]:
    # every method on the peers' functions, orders 1-8
    methods = [("complex", {}), ("richardson", {}), ("central", {}), ("central", {"accuracy": 4})]
    methods += [("forward", {}), ("forward", {"accuracy": 2}), ("backward", {})]
    for name, (f, g) in ANALYTIC.items():
        for order in range(1, 9):
            for method, kwargs in methods:
                yield Case(
                    "peers: every method, orders 1-8",
                    name,
                    f,
                    0.5,
                    order,
                    method=method,
                    mp_f=g,
                    kwargs=kwargs,
                )
        for accuracy in (2, 4, 6):
            yield Case(
                "peers: single quotients",
                name,
                f,
                0.5,
                1,
                method="central",
                mp_f=g,
                kwargs={"accuracy": accuracy},
            )
    # statistical coverage: many noise draws
    for seed in range(40):
        rng = np.random.default_rng(seed)
        x = float(rng.uniform(0.2, 3.0))
        sigma = 10.0 ** rng.uniform(-15, -4)
        shift = rng.integers(0, 2**31)
        f = lambda x, s=sigma, k=shift: np.sin(x) + s * _noise(np.asarray(x) + k)  # noqa: E731
        yield Case("noise: additive, 40 draws", f"sin+{sigma:.0e}", f, x, truth=math.cos(x))
        level = 10.0 ** rng.uniform(-14, -3)
        draws = np.random.default_rng(seed + 1000)
        g = lambda x, s=level, r=draws: np.exp(x) * (1 + s * r.standard_normal())  # noqa: E731
        yield Case("noise: multiplicative, 40 draws", f"exp*(1+{level:.0e}N)", g, x, truth=math.exp(x))
        for order in (2, 3):
            yield Case(
                "noise: additive, 40 draws",
                f"sin+{sigma:.0e} order {order}",
                f,
                x,
                order,
                truth=(-math.sin(x) if order == 2 else -math.cos(x)),
            )
    # scipy.stats: the derivative of a distribution's cdf is its pdf (test_differentiate.test_accuracy)
    from scipy import stats

    for name, params in stats._distr_params.distcont[::3]:
        dist = getattr(stats, name)(*params)
        try:
            x = float(dist.median() + 0.1)
            truth = float(dist.pdf(x))
        except Exception:
            continue
        if math.isfinite(truth) and math.isfinite(x):
            yield Case("peers: scipy distributions", name, dist.cdf, x, truth=truth)


def cases(groups: list[str] | None = None) -> list[Case]:
    makers = (
        _peer_cases,
        _numdifftools_cos_cases,
        _scipy_cases,
        _awkward_cases,
        _quantised_cases,
        _precision_cases,
        _kink_cases,
        _domain_cases,
        _more_cases,
    )
    out = [case for make in makers for case in make()]
    if groups:
        out = [c for c in out if any(g in c.group for g in groups)]
    return out


@dataclass
class MultiCase:
    group: str
    name: str
    f: Callable[[Any], Any]
    x: np.ndarray
    kind: str  # gradient, jacobian, hessian, hessian_diag
    truth: np.ndarray
    method: str = "auto"


def _rosen(x: Any) -> Any:
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def multi_cases() -> list[MultiCase]:
    """SciPy's Jacobian examples (test_differentiate.py TestJacobian f1-f5, rosen) at seeded points,
    numdifftools' Hessian tests (cos(x - y) at 0, xyz + exp(x)·y at (3, 5, 7)) and gradients."""
    from scipy import optimize

    out: list[MultiCase] = []
    rng = np.random.default_rng(458912319542)
    examples = {
        "f1": (
            lambda z: np.array([z[0] ** 2 * z[1], 5 * z[0] + np.sin(z[1])]),
            lambda z: np.array([[2 * z[0] * z[1], z[0] ** 2], [5.0, np.cos(z[1])]]),
            2,
        ),
        "f2": (
            lambda z: np.array([z[0] * np.cos(z[1]), z[0] * np.sin(z[1])]),
            lambda z: np.array([[np.cos(z[1]), -z[0] * np.sin(z[1])], [np.sin(z[1]), z[0] * np.cos(z[1])]]),
            2,
        ),
        "f4": (
            lambda z: np.array([z[0], 5 * z[2], 4 * z[1] ** 2 - 2 * z[2], z[2] * np.sin(z[0])]),
            lambda z: np.array(
                [[1, 0, 0], [0, 0, 5], [0, 8 * z[1], -2], [z[2] * np.cos(z[0]), 0, np.sin(z[0])]], dtype=float
            ),
            3,
        ),
        "f5": (
            lambda z: np.array([5 * z[1], 4 * z[0] ** 2 - 2 * np.sin(z[1] * z[2]), z[1] * z[2]]),
            lambda z: np.array(
                [
                    [0, 5, 0],
                    [8 * z[0], -2 * z[2] * np.cos(z[1] * z[2]), -2 * z[1] * np.cos(z[1] * z[2])],
                    [0, z[2], z[1]],
                ]
            ),
            3,
        ),
    }
    for name, (f, df, m) in examples.items():
        for _ in range(4):
            x = rng.random(m)
            for method in ("auto", "richardson", "central", "forward"):
                out.append(MultiCase("multivariate: scipy jacobians", name, f, x, "jacobian", df(x), method))
    for _ in range(4):
        x = rng.random(5)
        for method in ("auto", "richardson", "central"):
            out.append(
                MultiCase(
                    "multivariate: rosen",
                    "rosen gradient",
                    _rosen,
                    x,
                    "gradient",
                    optimize.rosen_der(x),
                    method,
                )
            )
            if method != "richardson":
                out.append(
                    MultiCase(
                        "multivariate: rosen",
                        "rosen hessian",
                        _rosen,
                        x,
                        "hessian",
                        optimize.rosen_hess(x),
                        "auto" if method == "auto" else "central",
                    )
                )
        out.append(
            MultiCase(
                "multivariate: rosen",
                "rosen hessian_diag",
                _rosen,
                x,
                "hessian_diag",
                np.diag(optimize.rosen_hess(x)),
            )
        )
    xyz = np.array([3.0, 5.0, 7.0])
    out.append(
        MultiCase(
            "multivariate: nd hessians",
            "xyz+exp(x)y",
            lambda v: v[0] * v[1] * v[2] + np.exp(v[0]) * v[1],
            xyz,
            "hessian",
            np.array([[np.exp(3) * 5, np.exp(3) + 7, 5], [np.exp(3) + 7, 0, 3], [5, 3, 0]]),
        )
    )
    out.append(
        MultiCase(
            "multivariate: nd hessians",
            "cos(x-y)",
            lambda v: np.cos(v[0] - v[1]),
            np.zeros(2),
            "hessian",
            np.array([[-1.0, 1.0], [1.0, -1.0]]),
        )
    )
    return out


def run_multi(case_list: list[MultiCase]) -> list[dict[str, Any]]:
    from chainrule import numeric

    rows = []
    for case in case_list:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            r = getattr(numeric, case.kind)(case.f, case.x, method=case.method)
        gap = np.abs(np.asarray(r.value) - case.truth)
        covered = bool(np.all(gap <= np.asarray(r.error) + 4e-16 * np.abs(case.truth)))
        rows.append({"case": case, "status": r.status, "covered": covered, "n_evals": r.n_evals})
    return rows


def truth_of(case: Case) -> float | None:
    if case.truth is None or not math.isnan(case.truth):
        return case.truth
    if case.mp_f is None:
        raise ValueError(f"{case.name}: no truth")
    with mp.workdps(mp_dps):
        return float(mp.diff(case.mp_f, mp.mpf(case.x), case.order))


def run(case_list: list[Case]) -> list[dict[str, Any]]:
    from chainrule.numeric import derivative

    rows = []
    for case in case_list:
        truth = truth_of(case)
        start = time.perf_counter()
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                r = derivative(case.f, case.x, order=case.order, method=case.method, **case.kwargs)
            except Exception as exc:  # a crash is a finding too
                rows.append({"case": case, "crash": repr(exc), "truth": truth})
                continue
        seconds = time.perf_counter() - start
        value, error = float(np.asarray(r.value)), float(np.asarray(r.error))
        if truth is None:
            covered = r.status != 0
        else:
            # the truth itself is good to a few ulps (40 digits, or a float formula; SciPy's pdf to 1e-13)
            rel = 1e-13 if case.group == "peers: scipy distributions" else 4 * np.finfo(float).eps
            slack = rel * abs(truth)
            covered = bool(np.isfinite(value) and abs(value - truth) <= error + slack)
        rows.append(
            {
                "case": case,
                "truth": truth,
                "value": value,
                "error": error,
                "status": r.status,
                "covered": covered,
                "n_evals": r.n_evals,
                "method": r.method,
                "message": r.message,
                "seconds": seconds,
            }
        )
    return rows


def _rel(row: dict[str, Any]) -> float:
    truth = row["truth"]
    return abs(row["value"] - truth) / max(abs(truth), 1.0)


def _accuracy(rows: list[dict[str, Any]]) -> list[str]:
    """Worst relative error and mean evaluations of the default method, by order, on the peers' analytic
    functions (numdifftools' example functions at 0.5 and cos on [0, 10])."""
    out = ["default method on the peers' analytic functions (status 0 results):"]
    for order in range(1, 9):
        chosen = [
            r
            for r in rows
            if "crash" not in r
            and r["case"].group.startswith("peers: nd")
            and r["case"].method == "auto"
            and r["case"].order == order
            and r["status"] == 0
            and r["truth"] is not None
        ]
        total = sum(
            1
            for r in rows
            if "crash" not in r
            and r["case"].group.startswith("peers: nd")
            and r["case"].method == "auto"
            and r["case"].order == order
        )
        if chosen:
            worst = max(chosen, key=_rel)
            evals = np.mean([r["n_evals"] for r in chosen])
            out.append(
                f"  order {order}: {len(chosen)}/{total} converged, worst rel. error {_rel(worst):.1e} "
                f"({worst['case'].name} at {worst['case'].x:g}, {worst['method']}), {evals:.0f} evals"
            )
    return out


def summarise(rows: list[dict[str, Any]], show: int, unconverged: bool = False) -> str:
    lines = []
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["case"].group, []).append(row)
    head = (
        f"{'group':34s}{'cases':>7s}{'status 0':>10s}{'covered':>9s}{'all cov.':>10s}{'crash':>7s}{'ms':>8s}"
    )
    lines.append(head)
    total_ok = total_zero = 0
    failures = []
    for group, items in groups.items():
        done = [r for r in items if "crash" not in r]
        zero = [r for r in done if r["status"] == 0]
        ok = [r for r in zero if r["covered"]]
        covered_all = [r for r in done if r["covered"]]
        total_ok += len(ok)
        total_zero += len(zero)
        failures += [r for r in zero if not r["covered"]] + [r for r in items if "crash" in r]
        ms = 1e3 * np.mean([r["seconds"] for r in done]) if done else math.nan
        lines.append(
            f"{group:34s}{len(items):7d}{len(zero):10d}{len(ok):9d}{len(covered_all):10d}"
            f"{len(items) - len(done):7d}{ms:8.2f}"
        )
    share = 100.0 * total_ok / total_zero if total_zero else math.nan
    lines.append(f"coverage among status 0: {total_ok}/{total_zero} = {share:.2f} %  ({len(rows)} cases)")
    lines += _accuracy(rows)
    if unconverged:
        lines.append("unconverged where a derivative exists:")
        for row in [r for r in rows if "crash" not in r and r["truth"] is not None and r["status"] != 0][
            :show
        ]:
            c = row["case"]
            lines.append(
                f"  {row['status']:2d} {c.group} | {c.name} x={c.x:g} n={c.order} {c.method}: rel. error "
                f"{_rel(row):.1e}, bound {row['error']:.2g} [{row['method']}, {row['n_evals']}] "
                f"{row['message'][:80]}"
            )
    for row in failures[:show]:
        c = row["case"]
        if "crash" in row:
            lines.append(f"  CRASH {c.group} | {c.name} x={c.x:g} n={c.order} {c.method}: {row['crash']}")
            continue
        lines.append(
            f"  FAIL {c.group} | {c.name} x={c.x:g} n={c.order} {c.method}: value {row['value']:.10g} truth "
            f"{row['truth']} error {row['error']:.2g} [{row['method']}, {row['n_evals']} evals] "
            f"{row['message'][:90]}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", nargs="*", help="only groups whose name contains one of these")
    parser.add_argument("--show", type=int, default=40, help="how many failures to list")
    parser.add_argument("--unconverged", action="store_true", help="list results with status != 0 too")
    args = parser.parse_args(argv)
    if mp is None:
        print("needs mpmath (pip install mpmath, or sympy)")
        return 1
    rows = run(cases(args.group))
    print(summarise(rows, args.show, args.unconverged))
    if not args.group or any("multivariate" in g for g in args.group):
        multi = run_multi(multi_cases())
        zero = [r for r in multi if r["status"] == 0]
        good = [r for r in zero if r["covered"]]
        print(f"multivariate (every entry bounded): {len(good)}/{len(zero)} of status 0 ({len(multi)} cases)")
        for r in [r for r in zero if not r["covered"]][: args.show]:
            c = r["case"]
            print(f"  FAIL {c.group} | {c.name} {c.kind} {c.method} at {np.round(c.x, 3)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
