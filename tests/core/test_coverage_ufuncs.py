"""The methods of NumPy's binary ufuncs on traced values: ``outer``, ``reduce``, ``accumulate``, with NumPy's
values and options, derivatives checked to second order, and NumPy's own errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule.core import registry
from chainrule.testing import check_grads

RNG = np.random.default_rng(7)
POSITIVE = RNG.uniform(0.5, 1.5, (3, 4))
DISTINCT = (RNG.permutation(12) * 0.5 - 2.5 + RNG.uniform(0, 0.1, 12)).reshape(3, 4)

LATER_NAN = (DISTINCT > 1) & (np.arange(3)[:, None] > 0)  # NaN entries, none in the first row

CASES: dict[str, tuple[Callable[..., Any], list[Any]]] = {
    "add.reduce": (lambda x: np.add.reduce(x, axis=1), [POSITIVE]),
    "multiply.reduce": (lambda x: np.multiply.reduce(x), [POSITIVE]),
    "maximum.accumulate": (lambda x: np.maximum.accumulate(x, axis=1), [DISTINCT]),
    "minimum.accumulate": (lambda x: np.minimum.accumulate(x, axis=0), [DISTINCT]),
    "multiply.outer": (np.multiply.outer, [POSITIVE[0], POSITIVE[1:]]),
    "subtract.outer": (np.subtract.outer, [POSITIVE, POSITIVE[0]]),
    "power.outer": (np.power.outer, [POSITIVE[0], POSITIVE[1]]),
    "logaddexp.reduce": (lambda x: np.logaddexp.reduce(x, axis=0), [DISTINCT]),
    "logaddexp.reduce all": (lambda x: np.logaddexp.reduce(x, axis=None, keepdims=True), [DISTINCT]),
    "logaddexp2.reduce": (lambda x: np.logaddexp2.reduce(x, axis=1), [DISTINCT]),
    "logaddexp.accumulate": (lambda x: np.logaddexp.accumulate(x, axis=1), [DISTINCT]),
    "subtract.reduce": (lambda x: np.subtract.reduce(x, axis=1, keepdims=True), [POSITIVE]),
    "divide.reduce": (lambda x: np.divide.reduce(x), [POSITIVE]),
    "divide.accumulate": (lambda x: np.divide.accumulate(x, axis=1), [POSITIVE]),
    "hypot.reduce": (lambda x: np.hypot.reduce(x, axis=(0, 1)), [DISTINCT]),
    "arctan2.accumulate": (lambda x: np.arctan2.accumulate(x), [POSITIVE]),
    "subtract.reduce initial": (lambda x: np.subtract.reduce(x, initial=2.0), [POSITIVE]),
    "fmax.reduce": (lambda x: np.fmax.reduce(np.where(DISTINCT > 1, np.nan, x), axis=1), [DISTINCT]),
    "fmin.accumulate": (lambda x: np.fmin.accumulate(np.where(LATER_NAN, np.nan, x), axis=0), [DISTINCT]),
    "maximum.reduce dtype": (lambda x: np.maximum.reduce(x, axis=1, dtype=np.float64), [DISTINCT]),
    "divmod": (lambda x, y: np.divmod(x, y)[1] * x, [np.array([2.3, -2.3, 5.6]), np.array([0.9, 0.9, -1.3])]),
}  # fmt: skip


def _plain(value: Any) -> Any:
    return [np.asarray(getattr(v, "data", v)) for v in value] if isinstance(value, tuple) else value


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.filterwarnings("ignore:All-NaN slice:RuntimeWarning")
def test_values_are_numpys(name: str) -> None:
    f, args = CASES[name]
    np.testing.assert_allclose(_plain(cr.vjp(f, *args)[0]), _plain(f(*args)), rtol=1e-13)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.filterwarnings("ignore:All-NaN slice:RuntimeWarning")
def test_derivatives(name: str) -> None:
    f, args = CASES[name]
    check_grads(f, *args)


def test_every_elementwise_binary_ufunc_with_a_rule_has_its_methods() -> None:
    numpy_ufuncs = [u for u in registry.UFUNCS if getattr(np, u.__name__, None) is u]  # SciPy's: no methods
    binary = [u for u in numpy_ufuncs if u.nin == 2 and u.nout == 1 and u.signature is None]
    assert len(binary) > 15
    for ufunc in binary:
        for method in ("outer", "reduce", "accumulate"):
            assert (ufunc, method) in registry.UFUNC_METHODS, f"{ufunc.__name__}.{method}"


def test_numpys_own_errors() -> None:
    x = cr.Tensor(POSITIVE, requires_grad=True)
    with pytest.raises(ValueError, match="reorderable"):  # power cannot reduce over two axes at once
        np.power.reduce(x, axis=(0, 1))
    with pytest.raises(ValueError, match="identity"):
        np.maximum.reduce(cr.Tensor(np.zeros((0, 2))), axis=0)
    with pytest.raises(cr.UnsupportedOperationError, match="where="):
        np.subtract.reduce(x, where=np.ones(4, dtype=bool))
    with pytest.raises(cr.UnsupportedOperationError, match=r"np\.add\.reduceat"):
        np.add.reduceat(x, [0, 2])


@pytest.mark.parametrize("ufunc", [np.power, np.arctan2])
def test_reduce_is_the_left_fold(ufunc: np.ufunc) -> None:
    # NumPy 2.4's float power.reduce and arctan2.reduce return x[0] op x[-1] (its accumulate is right);
    # chainrule computes the fold NumPy documents, ((x0 op x1) op x2) ..., the last entry of accumulate
    def fold(x: Any) -> Any:
        out = x[:, 0]
        for i in range(1, x.shape[1]):
            out = ufunc(out, x[:, i])
        return out

    value = cr.vjp(lambda x: ufunc.reduce(x, axis=1), POSITIVE)[0]
    np.testing.assert_allclose(value, ufunc.accumulate(POSITIVE, axis=1)[:, -1], rtol=1e-14)
    np.testing.assert_allclose(value, fold(POSITIVE), rtol=1e-14)
    for mode in ("fwd", "rev"):
        jacobian = cr.jacobian(lambda x: ufunc.reduce(x, axis=1), mode=mode)(POSITIVE)
        np.testing.assert_allclose(jacobian, cr.jacobian(fold)(POSITIVE), rtol=1e-13)
    check_grads(fold, POSITIVE)


def test_an_empty_reduction_is_the_identity() -> None:
    empty = np.zeros((0, 3))
    value, back = cr.vjp(lambda x: np.multiply.reduce(x, axis=0), empty)
    np.testing.assert_array_equal(value, np.ones(3))
    assert back(np.ones(3))[0].shape == (0, 3)


def test_the_percent_operator_and_divmod_on_tensors() -> None:
    x = cr.Tensor(np.array([2.3, -1.1]), requires_grad=True)
    y = cr.Tensor(np.array([0.9, 0.7]), requires_grad=True)
    q, r = divmod(x, y)
    (np.sum(x % y + 3.0 % y + r * q) + np.sum(x // y)).backward()
    n = np.floor_divide(x.data, y.data)
    np.testing.assert_allclose(x.grad, 1.0 + n)
    np.testing.assert_allclose(y.grad, -n - np.floor_divide(3.0, y.data) - n * n)
