"""Paths that used to give a silent wrong answer now give the right number or a clear error."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.testing import check_grads

# ---------------------------------------------------------------- no number to differentiate


def forgot_return(x):
    np.sin(x)


@pytest.mark.parametrize(
    "transform",
    [cr.grad, cr.value_and_grad, cr.jacobian, cr.hessian, lambda f: lambda x: cr.jvp(f, (x,), (x,))],
    ids=["grad", "value_and_grad", "jacobian", "hessian", "jvp"],
)
def test_a_function_returning_none_is_an_error_naming_the_missing_return(transform):
    with pytest.raises(cr.ChainruleTypeError, match="forget a `return`"):
        transform(forgot_return)(np.array([1.0, 2.0]))


@pytest.mark.parametrize("value", ["loss", {"a": "b"}, object(), np.array(["x"])], ids=repr)
def test_a_non_numeric_output_is_an_error(value):
    with pytest.raises(cr.ChainruleTypeError, match="no derivative"):
        cr.grad(lambda x: value)(1.0)
    with pytest.raises(cr.ChainruleTypeError, match="no derivative"):
        cr.jacobian(lambda x: (x, value))(np.ones(2))


def test_numeric_outputs_that_do_not_depend_on_the_input_still_give_zeros():
    assert cr.grad(lambda x: 3.0)(1.0) == 0.0
    assert cr.grad(lambda x: x > 0)(1.0) == 0.0  # a comparison is a constant


def test_aux_values_come_back_as_values():
    g, aux = cr.grad(lambda x: (x**2, {"cube": x**3}), has_aux=True)(2.0)
    assert g == 4.0
    assert not isinstance(aux["cube"], cr.Tensor)
    assert aux["cube"] == 8.0
    np.testing.assert_array_equal(np.asarray(aux["cube"]), 8.0)


# ---------------------------------------------------------------- x ** 0 at 0


@pytest.mark.parametrize(
    "power", [lambda x: x**0, lambda x: np.power(x, 0.0), lambda x: np.float_power(x, 0)]
)
def test_the_derivative_of_x_to_the_zero_is_zero_at_zero_in_every_order(power):
    with np.errstate(all="raise"):  # no path may compute 0 * inf
        assert cr.grad(power)(0.0) == 0.0
        assert cr.grad(cr.grad(power))(0.0) == 0.0
        assert cr.grad(cr.grad(cr.grad(power)))(0.0) == 0.0
        assert cr.jvp(power, (0.0,), (1.0,))[1] == 0.0
        assert cr.jvp(cr.grad(power), (0.0,), (1.0,))[1] == 0.0


def test_powers_of_arrays_with_zero_exponents_and_bases():
    f = lambda x: np.sum(x ** np.array([0.0, 1.0, 2.0, 3.0]))  # noqa: E731
    x = np.zeros(4)
    np.testing.assert_array_equal(cr.grad(f)(x), [0.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(np.diag(cr.hessian(f)(x)), [0.0, 0.0, 2.0, 0.0])
    check_grads(f, np.array([0.5, 1.5, -0.7, 2.0]))
    t = cr.Tensor(0.0, requires_grad=True)
    (t**0).backward()
    assert t.grad == 0.0


# ---------------------------------------------------------------- .data inside a transform


def test_reading_data_of_a_value_being_differentiated_is_refused_naming_detach():
    with pytest.raises(cr.GraphError, match=r"\.detach\(\)"):
        cr.grad(lambda x: np.sum(x.data))(np.ones(2))
    with pytest.raises(cr.GraphError, match=r"\.detach\(\)"):
        cr.grad(lambda x: np.sum(x.numpy()))(np.ones(2))
    with pytest.raises(cr.GraphError, match=r"\.detach\(\)"):
        cr.jvp(lambda x: x.data, (np.ones(2),), (np.ones(2),))
    assert cr.grad(lambda x: np.sum(x.detach() * x))(np.array([2.0]))[0] == 2.0
    w = cr.Tensor([1.0, 2.0], requires_grad=True)
    np.testing.assert_array_equal(w.data, [1.0, 2.0])  # the object API reads its values


# ---------------------------------------------------------------- foreign wrappers (NEP 13)


def test_tensor_times_an_xarray_defers_to_xarray_and_keeps_the_derivative():
    xr = pytest.importorskip("xarray")
    w = cr.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    da = xr.DataArray(np.array([2.0, 3.0, 4.0]), dims="x")
    for product in (w * da, da * w, np.multiply(w, da)):
        assert isinstance(product, xr.DataArray)
        assert isinstance(product.data, cr.Tensor)
    (w * da).data.sum().backward()
    np.testing.assert_array_equal(w.grad, [2.0, 3.0, 4.0])


def test_xarray_wrapping_a_traced_value_inside_a_transform():
    xr = pytest.importorskip("xarray")

    def f(x):
        d = xr.DataArray(x, dims="x")
        return (d * 2.0 + np.sin(d)).sum().data

    x = np.array([0.0, 1.0])
    np.testing.assert_allclose(cr.grad(f)(x), 2.0 + np.cos(x))


def test_pandas_series_of_traced_values():
    pd = pytest.importorskip("pandas")
    a, b = cr.Tensor(1.0, requires_grad=True), cr.Tensor(2.0, requires_grad=True)
    w = cr.Tensor(3.0, requires_grad=True)
    series = pd.Series([a, b])
    for scaled in (w * series, series * w):
        assert isinstance(scaled, pd.Series)
        assert all(isinstance(v, cr.Tensor) for v in scaled)
    (w * series).sum().backward()
    assert (a.grad, b.grad, w.grad) == (3.0, 3.0, 3.0)


# ---------------------------------------------------------------- a zero cotangent of the right shape


def test_the_tie_rule_cotangents_keep_their_operands_shapes_at_second_order():
    def f(x):
        return np.maximum(np.stack([x, x]), np.ones((2, 2)) * x)

    out, vjp_fn = cr.vjp(lambda x, v: cr.jvp(f, (x,), (v,))[1], 1.0, 1.0)
    assert [np.shape(c) for c in vjp_fn(np.ones_like(out))] == [(), ()]


# ---------------------------------------------------------------- large logits, containers, p-norms below 1


def test_softmax_and_its_relatives_keep_their_accuracy_at_large_logits() -> None:
    x32 = np.array([1e4, 1e4 + 1, 1e4 - 1], np.float32)
    exact = np.exp([0.0, 1.0, -1.0]) / np.exp([0.0, 1.0, -1.0]).sum()
    np.testing.assert_allclose(cr.softmax(x32), exact, rtol=1e-6)
    big = np.full(3, 1e17)
    np.testing.assert_allclose(cr.log_softmax(big), np.full(3, -np.log(3.0)), rtol=1e-15)
    np.testing.assert_allclose(cr.grad(cr.logsumexp)(np.full(4, 1e17)), np.full(4, 0.25), rtol=1e-15)
    logits = (np.array([[1.0, 2.0, 0.5]]) + 1e5).astype(np.float32)
    want = np.log(np.exp([-1.0, 0.0, -1.5]).sum())  # -log softmax at the label 1, from the exact differences
    np.testing.assert_allclose(cr.nn.cross_entropy(logits, np.array([1])), want, rtol=1e-6)


def test_stop_gradient_of_a_container_stops_every_value() -> None:
    assert cr.grad(lambda p: p["a"] * cr.stop_gradient(p)["a"])({"a": 3.0}) == {"a": 3.0}
    assert cr.grad(lambda t: t[0] * cr.stop_gradient(t)[0])((3.0, 1.0)) == (3.0, 0.0)
    assert cr.grad(lambda t: t[1] * cr.stop_gradient(t)[1])([1.0, 2.0]) == [0.0, 2.0]


@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_a_p_norm_below_one_takes_the_subgradient_0_at_a_zero_entry(mode: str) -> None:
    for p in (0.5, 0.9):
        jac = cr.jacobian(lambda v, p=p: np.linalg.norm(v, p), mode=mode)
        np.testing.assert_array_equal(jac(np.zeros(2)), [0.0, 0.0])
        np.testing.assert_allclose(jac(np.array([0.0, 1.0])), [0.0, 1.0])
    with np.errstate(divide="ignore"):  # the value itself, 0 ** -1, warns in NumPy too
        assert np.all(np.isfinite(cr.grad(lambda v: np.linalg.norm(v, -1))(np.array([0.0, 2.0]))))


def test_relu_and_sigmoid_take_lists() -> None:
    np.testing.assert_array_equal(cr.relu([1.0, -2.0]), [1.0, 0.0])
    np.testing.assert_allclose(cr.sigmoid([0.0]), [0.5])
