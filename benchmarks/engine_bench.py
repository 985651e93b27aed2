"""Engine benchmarks: chainrule against PyTorch, JAX, HIPS autograd, MyGrad, micrograd and hand-written NumPy.

``python benchmarks/run.py`` runs them all and prints the tables. This file is the worker it starts: one
framework on one case, in this process, with every thread pool pinned to one thread, printing its result as
one line of JSON::

    python benchmarks/engine_bench.py --case chain --framework torch
    python benchmarks/engine_bench.py --list

The cases live in ``engine_chain.py``, ``engine_mlp.py``, ``engine_micrograd.py``, ``engine_hessian.py``
and ``engine_growth.py``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import platform
import sys
import time
import traceback
from types import ModuleType
from typing import Any

from _harness import CLOCK, FULL, QUICK, NotInstalled, emit, pin_threads

CASES = {
    "chain": "engine_chain",
    "mlp": "engine_mlp",
    "micrograd": "engine_micrograd",
    "hessian": "engine_hessian",
    "growth": "engine_growth",
    "per_example": "vmap_per_example",
    "jacobian": "vmap_jacobian",
}

# distribution names of the modules whose versions a result reports
_DISTRIBUTIONS = {
    "numpy": "numpy",
    "chainrule": "chainrule",
    "torch": "torch",
    "jax": "jax",
    "jaxlib": "jaxlib",
    "autograd": "autograd",
    "mygrad": "mygrad",
    "micrograd": "micrograd",
}


def load_case(name: str) -> ModuleType:
    """The module of case ``name`` (its TITLE, UNIT, FRAMEWORKS, goals ...)."""
    return importlib.import_module(CASES[name])


def loaded_versions() -> dict[str, str]:
    versions = {}
    for module, distribution in _DISTRIBUTIONS.items():
        if module in sys.modules:
            try:
                versions[module] = importlib.metadata.version(distribution)
            except importlib.metadata.PackageNotFoundError:
                versions[module] = "unknown"
    return versions


def run(case_name: str, framework: str, quick: bool) -> dict[str, Any]:
    case = load_case(case_name)
    bench = case.FRAMEWORKS.get(framework)
    if bench is None:
        return {"status": "error", "error": f"case {case_name} has no framework {framework!r}"}
    try:
        rows = bench(QUICK if quick else FULL)
    except NotInstalled as exc:
        return {"status": "not installed", "error": f"{exc} is not installed"}
    except Exception:
        return {"status": "error", "error": traceback.format_exc()}
    for r in rows:
        r["framework"] = framework
    return {"status": "ok", "rows": rows, "versions": loaded_versions(), "python": platform.python_version()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--framework")
    parser.add_argument("--quick", action="store_true", help="shorter timing loops, fewer repeats")
    parser.add_argument("--list", action="store_true", help="print the cases and their frameworks")
    parser.add_argument(
        "--all-cores", action="store_true", help="leave NumPy's BLAS its own thread count (not pinned to 1)"
    )
    parser.add_argument(
        "--cpu-time", action="store_true", help="time this process's CPU time instead of wall time"
    )
    args = parser.parse_args(argv)
    if args.cpu_time:
        CLOCK[0] = time.process_time
    if not args.all_cores:
        pin_threads()  # before NumPy, PyTorch or JAX is imported, by the case modules below
    if args.list:
        for name in CASES:
            print(f"{name}: {', '.join(load_case(name).FRAMEWORKS)}")
        return 0
    if args.case is None or args.framework is None:
        parser.error("--case and --framework are required (or --list)")
    emit(run(args.case, args.framework, args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
