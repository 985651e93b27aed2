"""NumPy idioms on traced values: assignment as a functional update, views, and conversions NumPy hides.

Assignment ``t[idx] = v`` is checked against finite differences in both modes to second order, against the
same function written without assignment, and (oracle) against JAX's ``.at[].set``.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.testing import check_grads

RNG = np.random.default_rng(0)


# ---------------------------------------------------------------- assignment into traced arrays


def fill_by_rows(x):
    y = np.zeros_like(x)
    for i in range(x.shape[0]):
        y[i] = np.sin(x[i]) * (i + 1.0)
    return y * x


def zero_picked(x):
    t = x * 1.0
    t[np.arange(x.shape[0]), [2, 0]] = 0.0
    return t**2


def augmented(x):
    t = np.exp(x)
    t[0, 1:] += 3.0 * x[1, :2]
    return t * x


def last_write_wins(x):
    t = np.zeros(4) * x[0]
    t[[0, 2, 0]] = x  # entry 0 is written twice: NumPy keeps the last value, x[2]
    return t * np.arange(1.0, 5.0)


@pytest.mark.parametrize("f", [fill_by_rows, zero_picked, augmented], ids=lambda f: f.__name__)
def test_assignment_differentiates_in_both_modes_to_second_order(f):
    check_grads(f, RNG.uniform(0.5, 1.5, (2, 3)))


def test_a_repeated_index_gives_its_gradient_to_the_last_write_only():
    x = np.array([1.0, 2.0, 3.0])
    check_grads(last_write_wins, x)
    jac = cr.jacobian(last_write_wins)(x)
    np.testing.assert_array_equal(jac[0], [0.0, 0.0, 1.0])  # t[0] is x[2]
    np.testing.assert_array_equal(jac[2], [0.0, 3.0, 0.0])  # t[2] is x[1], times 3


def test_assignment_matches_the_same_function_without_it():
    x = RNG.standard_normal((2, 3))
    without = lambda x: np.stack([np.sin(x[0]) * 1.0, np.sin(x[1]) * 2.0]) * x  # noqa: E731
    np.testing.assert_allclose(cr.jacobian(fill_by_rows)(x), cr.jacobian(without)(x))
    np.testing.assert_allclose(
        cr.hessian(lambda x: np.sum(fill_by_rows(x)))(x), cr.hessian(lambda x: np.sum(without(x)))(x)
    )


def test_operations_before_an_assignment_keep_the_old_values_and_their_gradients():
    def f(x):
        y = x * 2.0
        u = y * 3.0  # uses the old y, as in NumPy (u is a new array there too)
        y[0] += 5.0 * x[1]
        return np.sum(u) + np.sum(y**2)

    x = np.array([1.0, 2.0, 3.0])
    assert cr.grad(f)(x).tolist() == [54.0, 142.0, 30.0]
    check_grads(f, x)


def test_assigning_into_an_argument_being_differentiated():
    def f(x):
        x[0] = 0.0
        return np.sum(x**2)

    np.testing.assert_array_equal(cr.grad(f)(np.array([1.0, 2.0])), [0.0, 4.0])
    np.testing.assert_array_equal(cr.jvp(f, (np.array([1.0, 2.0]),), (np.ones(2),))[1], 4.0)


def test_returning_an_array_assigned_into():
    x = np.array([1.0, 2.0])

    def f(x):
        y = x * 1.0
        y[1] = 7.0
        return y

    out, vjp_fn = cr.vjp(f, x)
    np.testing.assert_array_equal(out, [1.0, 7.0])
    np.testing.assert_array_equal(vjp_fn(np.ones(2))[0], [1.0, 0.0])
    np.testing.assert_array_equal(cr.jacobian(f)(x), [[1.0, 0.0], [0.0, 0.0]])


def test_object_api_assignment_records_and_leaves_refuse_outside_no_grad():
    w = cr.Tensor([1.0, 2.0], requires_grad=True)
    y = cr.Tensor(np.zeros(3))
    y[1:] = w * 3.0
    y.sum().backward()
    np.testing.assert_array_equal(w.grad, [3.0, 3.0])
    with pytest.raises(cr.GraphError, match="leaf Tensor that requires grad"):
        w[0] = 5.0
    with cr.no_grad():
        w[0] = 5.0
    np.testing.assert_array_equal(w.data, [5.0, 2.0])
    assert w.is_leaf


def test_chained_indexing_writes_through_as_in_numpy():
    def f(x):
        y = np.zeros_like(x)
        y[1][2] = x[0, 0] * 3.0
        return y

    x = np.ones((2, 3))
    np.testing.assert_array_equal(f(np.ones((2, 3))), [[0, 0, 0], [0, 0, 3.0]])
    np.testing.assert_array_equal(cr.vjp(f, x)[0], [[0, 0, 0], [0, 0, 3.0]])
    grad = cr.grad(lambda x: np.sum(f(x)))(x)
    np.testing.assert_array_equal(grad, [[3.0, 0, 0], [0, 0, 0]])


# ---------------------------------------------------------------- views: the one difference from NumPy


def test_a_slice_taken_before_an_overlapping_assignment_refuses_to_be_used():
    def f(x):
        y = x * 1.0
        row = y[0]  # a view in NumPy: it would show the 7
        y[0, 1] = 7.0
        return np.sum(row)

    with pytest.raises(cr.GraphError, match="Take the slice again"):
        cr.grad(f)(np.ones((2, 3)))
    with pytest.raises(cr.GraphError, match="Take the slice again"):
        cr.jvp(f, (np.ones((2, 3)),), (np.ones((2, 3)),))


def test_a_slice_of_entries_not_assigned_stays_usable_and_right():
    def f(x):
        y = x * 1.0
        row = y[0]
        y[1, 1] = 7.0
        return np.sum(row) + np.sum(y)

    np.testing.assert_array_equal(cr.grad(f)(np.ones((2, 3))), [[2, 2, 2], [1, 0, 1]])


def test_a_slice_consumed_before_the_assignment_is_fine():
    def f(x):
        y = x * 1.0
        total = np.sum(y[0] * 2.0)
        y[0] = 0.0
        return total + np.sum(y)

    np.testing.assert_array_equal(cr.grad(f)(np.ones((2, 2))), [[2, 2], [1, 1]])


def test_views_of_views_and_transposes_are_covered():
    def nested(x):
        y = x * 1.0
        inner = y[0][0:2]
        y[0, 0] = 1.0
        return np.sum(inner)

    def transposed(x):
        y = x * 1.0
        t = y.T
        y[0, 0] = 1.0
        return np.sum(t)

    for f in (nested, transposed):
        with pytest.raises(cr.GraphError, match="Take the slice again"):
            cr.grad(f)(np.ones((2, 2)))


def test_assigning_into_a_reshaped_view_says_what_to_write():
    def f(x):
        y = x * 1.0
        flat = y.reshape(-1)
        flat[0] = 0.0
        return np.sum(flat)

    with pytest.raises(cr.GraphError, match="assign into the original array"):
        cr.grad(f)(np.ones((2, 2)))


def test_a_copy_is_not_a_view():
    def f(x):
        y = x * 1.0
        kept = np.copy(y[0])
        y[0] = 0.0
        return np.sum(kept) * 2.0 + np.sum(y)

    np.testing.assert_array_equal(cr.grad(f)(np.ones((2, 2))), [[2, 2], [1, 1]])


def test_recorded_backward_through_an_assigned_array_is_refused():
    x = cr.Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    z = np.sin(y)
    y[0] = 0.0
    with pytest.raises(cr.GraphError, match="create_graph"):
        (np.sum(z) + np.sum(y)).backward(create_graph=True)


@pytest.mark.oracle
def test_assignment_gradients_match_jax_at_set():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy

    def ours(x):
        t = np.exp(x)
        t[0, 1:] = 3.0 * x[1, :2]
        t[np.arange(2), [2, 0]] += x[:, 1]
        return np.sum(np.sin(t) * x)

    def theirs(x):
        t = jnp.exp(x)
        t = t.at[0, 1:].set(3.0 * x[1, :2])
        t = t.at[jnp.arange(2), jnp.array([2, 0])].add(x[:, 1])
        return jnp.sum(jnp.sin(t) * x)

    x = RNG.standard_normal((2, 3))
    np.testing.assert_allclose(cr.grad(ours)(x), np.asarray(jax.grad(theirs)(x)), rtol=1e-12)
    np.testing.assert_allclose(
        cr.hessian(ours)(x), np.asarray(jax.hessian(theirs)(x)), rtol=1e-10, atol=1e-12
    )


# ---------------------------------------------------------------- np.zeros_like and family


def test_zeros_like_of_a_traced_value_is_a_traced_constant():
    def f(x):
        z = np.zeros_like(x)
        assert isinstance(z, cr.Tensor)
        assert not z.requires_grad
        o = np.ones_like(x)
        e = np.empty_like(x)
        return np.sum((z + o + e) * x)

    np.testing.assert_array_equal(cr.grad(f)(np.array([1.0, 2.0])), [1.0, 1.0])
    assert isinstance(np.zeros_like(np.ones(2)), np.ndarray)  # plain in, plain out
    assert np.zeros_like(cr.Tensor([1.0]), dtype=int).dtype == np.int64  # integers carry no derivative


def test_full_like_with_a_traced_fill_value_carries_its_derivative():
    assert cr.grad(lambda v: np.sum(np.full_like(v * np.ones(3), v)))(2.0) == 3.0
    assert cr.grad(lambda x: np.sum(np.full_like(x, 2.0) * x))(np.ones(2)).tolist() == [2.0, 2.0]


# ---------------------------------------------------------------- what NumPy's protocols cannot see

T = cr.Tensor([1.0, 2.0], requires_grad=True)
X = np.ones((2, 2))


@pytest.mark.parametrize(
    ("call", "advice"),
    [
        (lambda: np.array([T[0], T[1]]), r"np\.stack"),
        (lambda: np.asarray([T[0], T[1]]), r"np\.concatenate"),
        (lambda: X.dot(T), r"np\.dot\(X, t\) or X @ t"),
        (lambda: np.mean([T, T]), r"np\.mean\(np\.stack"),
        (lambda: np.asarray(T), r"\.detach\(\)"),
    ],
    ids=["array", "asarray", "ndarray.dot", "list to a function", "asarray of one"],
)
def test_conversions_numpy_hides_name_what_to_write(call, advice):
    with pytest.raises(cr.GraphError, match=advice):
        call()


def test_filling_a_plain_array_says_to_start_from_zeros_like():
    def fill():
        y = np.zeros(2)
        y[0] = T[0]

    # NumPy reports its own ValueError; chainrule's error, naming the fix, is its cause
    with pytest.raises(ValueError, match="setting an array element") as info:
        fill()
    assert isinstance(info.value.__cause__, cr.GraphError)
    assert "np.zeros_like(x)" in str(info.value.__cause__)

    def inside(x):
        y = np.zeros(2)
        y[0] = x[0]
        return np.sum(y)

    with pytest.raises(ValueError, match="setting an array element") as info:
        cr.grad(inside)(np.ones(2))
    assert "np.zeros_like(x)" in str(info.value.__cause__)


def test_detached_values_convert_and_plain_floats_still_work():
    np.testing.assert_array_equal(np.array([T.detach()[0], 3.0]), [1.0, 3.0])
    assert float(T[0]) == 1.0  # the object API's float(), like PyTorch's .item()
