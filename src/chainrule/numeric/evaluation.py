"""Where ``f`` runs: in the caller, on a ``concurrent.futures`` executor, or on ``workers`` — with a timeout.

Every evaluation goes through one :class:`Evaluator`, so each runs where the user asked: with an executor
or workers, even a single point (the Hessian's centre, a derivative's first point) runs there, never in
the caller — an ``f`` that kills its process kills a worker, not the user's program.

``workers`` follows SciPy's convention: an int (a pool of that many processes, ``-1`` for one per CPU,
``1`` for the caller) or a map-like callable ``workers(func, iterable)`` such as ``multiprocessing.Pool.map``
or ``map`` itself. A pool chainrule starts is its own: it is shut down when the call returns and its
processes are killed when the call times out, so nothing is left behind.

An ``f`` that raises ``ValueError`` or an ``ArithmeticError`` (``math.sqrt(-1e-9)``, ``1/0``) at a real
point is treated as not finite there, exactly like a NaN: the steps shrink or turn one-sided. Any other
exception is a bug in ``f`` or in the call and propagates.
"""

from __future__ import annotations

import functools
import math
import os
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.errors import ChainruleError, ChainruleTypeError, ChainruleValueError

# imported where they are used: concurrent.futures and multiprocessing cost 15 ms at start-up
if TYPE_CHECKING:
    from concurrent.futures import Executor, Future, ProcessPoolExecutor

__all__ = [
    "NOT_FINITE_ERRORS",
    "Evaluator",
    "NumericTimeoutError",
    "Raised",
    "check_parallel",
]

#: Exceptions from f at a real point that mean "no value here", as a NaN does.
NOT_FINITE_ERRORS: tuple[type[BaseException], ...] = (ValueError, ArithmeticError)

Workers = int | Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]] | None


class NumericTimeoutError(ChainruleError, TimeoutError):
    """The evaluations of ``f`` did not finish within the call's ``timeout``."""


class Raised:
    """What a guarded call returns instead of raising: the exception, to be re-raised or read as NaN."""

    __slots__ = ("exception",)

    def __init__(self, exception: BaseException) -> None:
        self.exception = exception

    def __reduce__(self) -> tuple[Any, ...]:
        return (Raised, (self.exception,))


class Guarded:
    """``f`` that returns :class:`Raised` instead of raising (picklable when ``f`` is), so that one failing
    point does not abort a whole ``map`` and the exception reaches the caller from any worker. With
    ``complex_input``, a ``ComplexWarning`` (f discarding an imaginary part) is an error too, in
    whichever process f runs."""

    __slots__ = ("complex_input", "f")

    def __init__(self, f: Callable[[Any], Any], complex_input: bool = False) -> None:
        self.f = f
        self.complex_input = complex_input

    def __call__(self, point: Any) -> Any:
        try:
            if not self.complex_input:
                return self.f(point)
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("error", np.exceptions.ComplexWarning)
                return self.f(point)
        except Exception as exc:  # handed back; the caller decides (NaN, not complex-safe, or re-raise)
            return Raised(exc)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Guarded, (self.f, self.complex_input))


# The function a pool of chainrule's own runs, installed in each worker when it starts (with the fork
# start method it is inherited, so lambdas and closures work without pickling).
_INSTALLED: list[Callable[[Any], Any]] = []


def _install(f: Callable[[Any], Any]) -> None:
    _INSTALLED[:] = [Guarded(f), Guarded(f, complex_input=True)]


def _run_installed(points: list[Any], complex_input: bool) -> list[Any]:
    guarded = _INSTALLED[1 if complex_input else 0]
    return [guarded(point) for point in points]


def _run_guarded(guarded: Guarded, points: list[Any]) -> list[Any]:
    return [guarded(point) for point in points]


def _chunks(points: Sequence[Any], count: int) -> list[list[Any]]:
    """About four chunks per worker, in order: fewer round trips than one point each, and still a
    balanced load."""
    size = max(1, -(-len(points) // (4 * max(count, 1))))
    return [list(points[i : i + size]) for i in range(0, len(points), size)]


def check_parallel(executor: object, workers: object, timeout: object, caller: str) -> None:
    """Validate ``executor``, ``workers`` and ``timeout`` (clear errors before any evaluation)."""
    if executor is None and workers is None and timeout is None:
        return
    from concurrent.futures import Executor

    if executor is not None and not isinstance(executor, Executor):
        raise ChainruleTypeError(
            f"{caller}: executor must be a concurrent.futures.Executor, got {type(executor).__name__}"
        )
    if workers is not None and executor is not None:
        raise ChainruleValueError(f"{caller}: pass executor= or workers=, not both")
    if isinstance(workers, bool) or not (workers is None or isinstance(workers, int) or callable(workers)):
        raise ChainruleTypeError(
            f"{caller}: workers must be an int (processes; -1 for one per CPU) or a map-like callable "
            f"workers(func, iterable), got {workers!r:.60}"
        )
    if isinstance(workers, int) and (workers == 0 or workers < -1):
        raise ChainruleValueError(f"{caller}: workers must be a positive int or -1, got {workers}")
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ChainruleTypeError(f"{caller}: timeout must be a number of seconds, got {timeout!r:.60}")
    if not timeout > 0 or math.isinf(timeout):
        raise ChainruleValueError(f"{caller}: timeout must be positive and finite, got {timeout}")
    if callable(workers):
        raise ChainruleValueError(
            f"{caller}: timeout= cannot stop a map-like workers callable; pass workers=N (a pool chainrule "
            "starts and can stop) or an executor"
        )


class Evaluator:
    """Runs batches of evaluations of ``f`` where the user asked, within the call's deadline.

    Use as a context manager: a pool it started is shut down on exit (and killed on a timeout).
    """

    def __init__(
        self,
        f: Callable[[Any], Any],
        executor: Executor | None = None,
        workers: Workers = None,
        timeout: float | None = None,
    ) -> None:
        self.f = f
        self.executor = executor
        self.mapper: Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]] | None = None
        self.own_pool: ProcessPoolExecutor | None = None
        self.timeout = timeout
        self.deadline = math.inf if timeout is None else time.monotonic() + timeout
        #: How many evaluations run at once (for chunking the points).
        self.workers = int(getattr(executor, "_max_workers", 0) or _cpus())
        if callable(workers):
            self.mapper = workers
        elif executor is None and ((isinstance(workers, int) and workers != 1) or timeout is not None):
            # A timeout needs a process chainrule can stop: f runs in a pool of its own.
            count = 1 if workers is None or workers == 1 else workers
            self.workers = count if count > 0 else _cpus()
            self.own_pool = _start_pool(f, self.workers)
            self.executor = self.own_pool

    @property
    def parallel(self) -> bool:
        """Whether evaluations leave the caller (then even single points go to the workers)."""
        return self.executor is not None or self.mapper is not None

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.own_pool is not None:
            self.own_pool.shutdown(wait=True, cancel_futures=True)
            self.own_pool = None

    def map(self, points: Sequence[Any], complex_input: bool = False) -> list[Any]:
        """``f`` at each point, in order; a point where ``f`` raised holds a :class:`Raised` (in the caller,
        only for the exceptions that mean "not finite", unless ``complex_input``: then for any)."""
        if not points:
            return []
        if self.mapper is not None:
            return list(self.mapper(Guarded(self.f, complex_input), list(points)))
        if self.executor is None:
            if complex_input:
                guarded = Guarded(self.f, complex_input=True)
                return [guarded(p) for p in points]
            return [_guarded_call(self.f, p) for p in points]
        return self._submit(points, complex_input)

    def _submit(self, points: Sequence[Any], complex_input: bool) -> list[Any]:
        from concurrent.futures import wait

        assert self.executor is not None
        chunks = _chunks(points, self.workers)
        if self.own_pool is not None:
            futures: list[Future[Any]] = [
                self.executor.submit(_run_installed, c, complex_input) for c in chunks
            ]
        else:
            guarded = Guarded(self.f, complex_input)
            futures = [self.executor.submit(_run_guarded, guarded, c) for c in chunks]
        remaining = None if math.isinf(self.deadline) else max(self.deadline - time.monotonic(), 0.0)
        _, pending = wait(futures, timeout=remaining)
        if pending:
            self._abandon(futures)
        return [value for future in futures for value in future.result()]

    def _abandon(self, futures: list[Future[Any]]) -> None:
        """Stop the workers that hang (a process pool's) or cancel what has not started (another
        executor's), then raise the timeout."""
        own = self.own_pool is not None
        stopped = _kill_workers(self.executor)
        if not stopped:
            for future in futures:
                future.cancel()
        if own:
            self.close()
            note = "chainrule's worker processes were stopped"
        elif stopped:
            note = (
                "the worker processes of the ProcessPoolExecutor you passed were stopped, which breaks "
                "it: make a new one"
            )
        else:
            note = (
                "evaluations already running on the executor you passed could not be stopped "
                "(threads and remote workers cannot be killed); pass workers=N to let chainrule stop them"
            )
        raise NumericTimeoutError(f"evaluating f did not finish within timeout={self.timeout} s; {note}")


def _guarded_call(f: Callable[[Any], Any], point: Any) -> Any:
    try:
        return f(point)
    except NOT_FINITE_ERRORS as exc:
        return Raised(exc)


def _start_pool(f: Callable[[Any], Any], count: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    # fork: the workers inherit f, so lambdas and closures work; elsewhere f must be picklable.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_install, initargs=(f,))


def _kill_workers(executor: Executor | None) -> bool:
    """Kill the processes of a process pool (none of another executor); whether any were killed."""
    from concurrent.futures import ProcessPoolExecutor

    if not isinstance(executor, ProcessPoolExecutor):
        return False
    processes = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        if process.is_alive():
            process.kill()
    for process in list(processes.values()):
        process.join(timeout=5.0)
    return True


@functools.cache
def _cpus() -> int:
    """The machine's processors, asked once (os.cpu_count() reads /proc each time: 10 µs a derivative)."""
    return os.cpu_count() or 1
