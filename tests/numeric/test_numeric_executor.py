"""Where f runs: threads, processes, a local Dask cluster, ``workers=``; and the timeout that stops it."""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np
import pytest

from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.numeric import NumericTimeoutError, derivative, gradient, hessian, jacobian

CALLER = os.getpid()


def _simulation(x: np.ndarray) -> float:
    """Module level, so a process pool can pickle it."""
    return float(np.sum(np.sin(x) * np.arange(1, x.size + 1)) + x[0] * x[-1])


def _analytic(x: Any) -> Any:
    return np.sum(np.sin(x) * np.arange(1, np.size(x) + 1)) + np.ravel(x)[0] * np.ravel(x)[-1]


def _elsewhere(x: Any) -> Any:
    """Refuses to run in the caller's process (the test's): every evaluation must go to a worker."""
    if os.getpid() == CALLER:
        raise RuntimeError("evaluated in the caller")
    return _analytic(x)


def _hang(x: Any) -> Any:
    time.sleep(60)
    return 0.0


def _die(x: Any) -> Any:
    os._exit(3)


def _check_against_serial(executor: Executor) -> None:
    x = np.array([0.3, -1.2, 2.0])
    for function in (gradient, hessian, jacobian):
        serial = function(_simulation, x)
        parallel = function(_simulation, x, executor=executor)
        np.testing.assert_array_equal(parallel.value, serial.value)
        assert parallel.n_evals == serial.n_evals
    scalar = derivative(np.sin, 1.0, executor=executor)
    assert abs(scalar.value - np.cos(1.0)) <= scalar.error


# The complex-step probe turns ComplexWarning into an error while it runs; a worker thread may still
# print one, since warning filters are not thread-local.
@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
def test_thread_pool() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        _check_against_serial(pool)


def test_process_pool() -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        _check_against_serial(pool)


@pytest.fixture
def dask_executor() -> Iterator[Executor]:
    if importlib.util.find_spec("distributed") is None:
        pytest.skip("distributed is not installed")
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        yield client.get_executor()


def test_dask_local_cluster(dask_executor: Executor) -> None:
    _check_against_serial(dask_executor)


@pytest.mark.parametrize("function", [gradient, hessian, jacobian], ids=["gradient", "hessian", "jacobian"])
def test_workers_are_bitwise_identical_to_serial(function: Any) -> None:
    x = np.array([0.3, -1.2, 2.0, 0.7])
    serial = function(_analytic, x)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool_map = function(_analytic, x, workers=pool.map)
    for parallel in (function(_analytic, x, workers=2), function(_analytic, x, workers=map), pool_map):
        np.testing.assert_array_equal(parallel.value, serial.value)
        np.testing.assert_array_equal(parallel.error, serial.error)
        assert parallel.n_evals == serial.n_evals
        assert parallel.method == serial.method


def test_workers_take_lambdas() -> None:
    """chainrule's own pool inherits f (fork), so f need not be picklable."""
    result = gradient(lambda v: np.sum(v**2), np.array([1.0, 2.0]), workers=2)
    np.testing.assert_allclose(result.value, [2.0, 4.0], rtol=1e-14)


def test_every_evaluation_runs_where_asked() -> None:
    """The Hessian's centre and a derivative's first point run in the workers too."""
    x = np.array([0.3, -1.2])
    with ProcessPoolExecutor(max_workers=2) as pool:
        for function in (gradient, hessian, jacobian):
            function(_elsewhere, x, executor=pool)
        derivative(_elsewhere, 0.4, executor=pool)
        derivative(_elsewhere, 0.4, order=3, executor=pool)
    hessian(_elsewhere, x, workers=2)
    derivative(_elsewhere, 0.4, workers=2, method="richardson")


def test_a_dying_worker_does_not_kill_the_caller() -> None:
    with ProcessPoolExecutor(max_workers=2) as pool, pytest.raises(BrokenProcessPool):
        derivative(_die, 1.0, executor=pool)
    with pytest.raises(BrokenProcessPool):
        hessian(_die, np.ones(2), workers=2)


def test_timeout_stops_a_hanging_worker_and_leaves_no_process() -> None:
    with pytest.raises(NumericTimeoutError, match="stopped"):
        gradient(_hang, np.ones(3), workers=2, timeout=0.5)
    assert multiprocessing.active_children() == []
    with pytest.raises(TimeoutError):  # also a built-in TimeoutError
        derivative(_hang, 1.0, timeout=0.5)  # serial: f runs in one worker process, to be stoppable
    assert multiprocessing.active_children() == []


def test_timeout_with_your_process_pool_breaks_it_cleanly() -> None:
    with (
        ProcessPoolExecutor(max_workers=2) as pool,
        pytest.raises(NumericTimeoutError, match="make a new one"),
    ):
        hessian(_hang, np.ones(2), executor=pool, timeout=0.5)
    # leaving the with block did not wait for the hanging workers: they are gone
    assert multiprocessing.active_children() == []


def test_a_timeout_that_is_not_reached_changes_nothing() -> None:
    x = np.array([0.3, -1.2])
    np.testing.assert_array_equal(gradient(_analytic, x, timeout=60).value, gradient(_analytic, x).value)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"workers": 0}, ChainruleValueError, "positive"),
        ({"workers": -2}, ChainruleValueError, "positive"),
        ({"workers": "two"}, ChainruleTypeError, "map-like"),
        ({"workers": True}, ChainruleTypeError, "map-like"),
        ({"workers": 2, "executor": ThreadPoolExecutor(1)}, ChainruleValueError, "not both"),
        ({"executor": "pool"}, ChainruleTypeError, "Executor"),
        ({"timeout": -1.0}, ChainruleValueError, "positive"),
        ({"timeout": "soon"}, ChainruleTypeError, "seconds"),
        ({"timeout": 1.0, "workers": map}, ChainruleValueError, "cannot stop"),
    ],
)
def test_bad_parallel_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        gradient(_analytic, np.ones(2), **kwargs)
