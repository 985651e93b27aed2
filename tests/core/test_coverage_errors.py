"""Bad input to issue 10's functions gets a clear chainrule error naming the function, never a crash deep in
NumPy; and the NaN functions warn and give NaN where NumPy does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr

V = np.array([0.3, -1.2, 2.5, 0.7])
M = np.arange(6.0).reshape(2, 3)

# (function of a traced vector or matrix, its input, the error, a pattern its message matches)
CASES: dict[str, tuple[Callable[[Any], Any], Any, type[Exception], str]] = {
    "quantile beyond 1": (lambda x: np.quantile(x, 1.5), V, cr.ChainruleValueError,
                          r"np\.quantile.*\[0, 1\]"),
    "percentile beyond 100": (lambda x: np.percentile(x, 101), V, cr.ChainruleValueError, r"\[0, 100\]"),
    "traced q": (lambda x: np.quantile(V, x[0] * 0 + 0.5), V, cr.UnsupportedOperationError, "respect to q"),
    "unknown method": (lambda x: np.median(x) + np.quantile(x, 0.5, method="mean"), V, cr.ChainruleValueError,
                       "unknown method 'mean'"),
    "median out=": (lambda x: np.median(x, out=np.empty(())), V, cr.UnsupportedOperationError, "out="),
    "quantile weights=": (lambda x: np.quantile(x, 0.5, method="inverted_cdf", weights=np.ones(4)), V,
                          cr.UnsupportedOperationError, "weights="),
    "interp lengths": (lambda x: np.interp(x, [0.0, 1.0], [1.0, 2.0, 3.0]), V, cr.ShapeError, r"np\.interp"),
    "interp no knots": (lambda x: np.interp(x, [], []), V, cr.ChainruleValueError, "empty"),
    "interp period 0": (lambda x: np.interp(x, [0.0, 1.0], [1.0, 2.0], period=0), V, cr.ChainruleValueError,
                        "period"),
    "convolve empty": (lambda x: np.convolve(x, []), V, cr.ChainruleValueError, "cannot be empty"),
    "convolve 2-D": (lambda x: np.convolve(x, M), V, cr.ShapeError, "must be 1-D"),
    "convolve mode": (lambda x: np.convolve(x, x, "middle"), V, cr.ChainruleValueError, "mode"),
    "gradient too short": (lambda x: np.gradient(x[:2], edge_order=2), V, cr.ChainruleValueError,
                           "too small"),
    "gradient edge order": (lambda x: np.gradient(x, edge_order=3), V, cr.ChainruleValueError, "edge_order"),
    "gradient spacings": (lambda x: np.gradient(x, 1.0, 2.0), V, cr.ChainruleValueError, "spacings"),
    "gradient coordinates": (lambda x: np.gradient(x, [0.0, 1.0]), V, cr.ShapeError, "coordinates"),
    "split unequal": (lambda x: np.split(x, 3), V, cr.ChainruleValueError, "array_split"),
    "vsplit of a vector": (lambda x: np.vsplit(x, 2), V, cr.ChainruleValueError, r"np\.vsplit.*2 or more"),
    "cov of 3-D": (lambda x: np.cov(np.reshape(x, (1, 2, 2))), V, cr.ShapeError, r"np\.cov"),
    "cov fweights": (lambda x: np.cov(x, fweights=[1, 2.5, 1, 1]), V, cr.ChainruleValueError, "integers"),
    "average shapes": (lambda x: np.average(x, weights=np.ones(3)), V, cr.ChainruleTypeError, "axis"),
    "average along axis": (lambda x: np.average(np.reshape(x, (2, 2)), axis=1, weights=np.ones(3)), V,
                           cr.ShapeError, "weights"),
    "average zero weights": (lambda x: np.average(x, weights=np.zeros(4)), V, ZeroDivisionError,
                             "sum to zero"),
    "diff of a scalar": (lambda x: np.diff(x[0]), V, cr.ChainruleValueError, "at least one dimensional"),
    "diff order": (lambda x: np.diff(x, n=-1), V, cr.ChainruleValueError, "non-negative"),
    "linspace samples": (lambda x: np.linspace(x[0], x[1], -2), V, cr.ChainruleValueError, "non-negative"),
    "geomspace zero": (lambda x: np.geomspace(x[0] * 0.0, x[1], 3), V, cr.ChainruleValueError, "zero"),
    "rot90 axes": (lambda x: np.rot90(np.reshape(x, (2, 2)), axes=(0, 0)), V, cr.ChainruleValueError, "axes"),
    "fliplr of a vector": (np.fliplr, V, cr.ChainruleValueError, "2-d"),
    "rollaxis start": (lambda x: np.rollaxis(np.reshape(x, (2, 2)), 0, 5), V, cr.ChainruleValueError,
                       "start"),
    "select lengths": (lambda x: np.select([x > 0], [x, x]), V, cr.ChainruleValueError, "same length"),
    "einsum sublist": (lambda x: np.einsum(x, ["i"]), V, cr.ChainruleValueError, "sublist"),
    "meshgrid indexing": (lambda x: np.meshgrid(x, x, indexing="xz"), V, cr.ChainruleValueError, "indexing"),
    "cov of complex": (lambda x: np.cov(x * 1j), V, cr.UnsupportedOperationError, "complex"),
    "nan_to_num of complex": (lambda x: np.nan_to_num(x * 1j), V, cr.UnsupportedOperationError, "complex"),
    "accumulate a scalar": (lambda x: np.maximum.accumulate(x[0]), V, cr.ChainruleValueError, "scalar"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_a_clear_error(name: str, mode: str) -> None:
    f, x, error, pattern = CASES[name]
    differentiate = (lambda: cr.vjp(f, x)) if mode == "rev" else (lambda: cr.jvp(f, (x,), (np.ones_like(x),)))
    with pytest.raises(error, match=pattern):
        differentiate()


def test_the_nan_functions_warn_and_give_nan_as_numpy() -> None:
    x = np.array([[np.nan, np.nan], [1.0, 2.0]])
    for f, warning in [
        (lambda v: np.nanmean(v, axis=1), "Mean of empty slice"),
        (lambda v: np.nanmax(v, axis=1), "All-NaN slice"),
        (lambda v: np.nanvar(v, axis=1), "Degrees of freedom"),
        (lambda v: np.nanstd(v, axis=1, ddof=1), "Degrees of freedom"),
    ]:
        with pytest.warns(RuntimeWarning, match=warning):
            value, back = cr.vjp(f, x)
        with pytest.warns(RuntimeWarning):
            np.testing.assert_array_equal(value, f(x))
        np.testing.assert_array_equal(back(np.ones(2))[0][0], [0.0, 0.0])  # the empty slice: no gradient
    np.testing.assert_array_equal(cr.grad(lambda v: np.sum(np.nansum(v, axis=1)))(x), [[0, 0], [1, 1]])


def test_a_nan_value_has_a_nan_derivative_not_a_number() -> None:
    x = np.array([1.0, 3.0, np.nan, 2.0])
    for mode in ("rev", "fwd"):
        assert np.all(np.isnan(cr.jacobian(np.median, mode=mode)(x)))
        running = cr.jacobian(np.maximum.accumulate, mode=mode)(x)
        np.testing.assert_array_equal(running[:2], np.eye(4)[:2])  # the outputs before the NaN
        np.testing.assert_array_equal(np.isnan(running[2:]), np.eye(4, dtype=bool)[2:])  # the NaN outputs
    np.testing.assert_array_equal(cr.grad(np.nanmedian)(x), [0.0, 0.0, 0.0, 1.0])
