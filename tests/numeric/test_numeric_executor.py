"""Stencil points evaluated in parallel: threads, processes, and a local Dask cluster."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

from chainrule.numeric import derivative, gradient, hessian, jacobian


def _simulation(x: np.ndarray) -> float:
    """Module level, so a process pool can pickle it."""
    return float(np.sum(np.sin(x) * np.arange(1, x.size + 1)) + x[0] * x[-1])


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
