"""The object API: Tensor construction, backward, accumulation, graphs, operators and NumPy interplay."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr


def test_micrograd_example_every_node_gradient() -> None:
    a, b, c, f = (cr.Tensor(v, requires_grad=True) for v in (2.0, -3.0, 10.0, -2.0))
    e = a * b
    d = e + c
    loss = d * f
    loss.backward()
    assert loss.item() == -8.0
    assert [a.grad, b.grad, c.grad, f.grad] == [6.0, -4.0, -2.0, 4.0]


def test_value_used_twice_accumulates() -> None:
    x = cr.Tensor(3.0, requires_grad=True)
    y = x * x + x
    y.backward()
    assert x.grad == 7.0


def test_grad_accumulates_across_backward_calls_and_zero_grad_resets() -> None:
    x = cr.Tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [5.0, 5.0])
    x.zero_grad()
    assert x.grad is None


def test_second_backward_on_freed_graph_raises_instead_of_doubling() -> None:
    x = cr.Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(cr.GraphError, match="retain_graph"):
        y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_retain_graph_allows_a_second_backward() -> None:
    x = cr.Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])


def test_create_graph_gives_differentiable_gradients() -> None:
    x = cr.Tensor(2.0, requires_grad=True)
    (x**3).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, cr.Tensor)
    assert first.item() == 12.0
    x.zero_grad()
    first.backward()
    assert x.grad == 12.0  # d/dx 3x^2 = 6x


def test_backward_of_non_scalar_needs_a_gradient() -> None:
    x = cr.Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    with pytest.raises(cr.ShapeError, match=r"shape \(2,\)"):
        y.backward()
    y.backward(np.array([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad, [3.0, 30.0])


def test_backward_without_requires_grad_is_an_error() -> None:
    with pytest.raises(cr.GraphError, match="requires_grad"):
        (cr.Tensor(1.0) * 2).backward()


def test_operators_and_reflected_forms() -> None:
    x = cr.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = (2 - x) * (3 / x) + x**2 - (-x) + 2**x + abs(x) + (x @ np.array([1.0, 1.0]))
    y.sum().backward()
    xv = np.array([1.0, 2.0])
    want = -3 / xv - (2 - xv) * 3 / xv**2 + 2 * xv + 1 + np.log(2) * 2**xv + 1 + 2
    np.testing.assert_allclose(x.grad, want)


def test_comparisons_return_plain_arrays() -> None:
    x = cr.Tensor([1.0, 3.0], requires_grad=True)
    assert isinstance(x > 2, np.ndarray)
    np.testing.assert_array_equal(x > 2, [False, True])
    np.testing.assert_array_equal(x == np.array([1.0, 0.0]), [True, False])


def test_indexing_scatter_adds_repeated_indices() -> None:
    x = cr.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x[np.array([0, 0, 2])] * np.array([1.0, 2.0, 3.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 3.0])


def test_len_iteration_and_attributes() -> None:
    x = cr.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert len(x) == 2
    assert x.shape == (2, 3)
    assert x.ndim == 2
    assert x.size == 6
    assert x.T.shape == (3, 2)
    rows = list(x)
    assert [r.shape for r in rows] == [(3,), (3,)]
    sum(r.sum() for r in rows).backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))


def test_zero_d_tensor_behaves_like_a_scalar() -> None:
    x = cr.Tensor(2.5)
    assert float(x) == 2.5
    assert x.item() == 2.5
    assert bool(x > 2)
    assert repr(x) == "Tensor(2.5)"


def test_dtypes_ints_become_float64_and_float32_stays() -> None:
    assert cr.Tensor([1, 2]).dtype == np.float64
    assert cr.Tensor(np.ones(2, np.float32)).dtype == np.float32
    x = cr.Tensor(np.ones(2, np.float32), requires_grad=True)
    (x * 1.5).sum().backward()
    assert x.grad.dtype == np.float32
    with pytest.raises(cr.ChainruleTypeError, match="numeric"):
        cr.Tensor(["a"])


def test_data_is_read_only_and_replaceable() -> None:
    x = cr.Tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    with pytest.raises(ValueError, match="read-only"):
        x.data[0] = 5.0
    with pytest.raises(cr.GraphError, match="in place"):
        np.add(y, 1.0, out=y)
    y[0] = 1.0  # recorded as a functional update (tests/core/test_idioms.py): y[0] no longer depends on x
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 4.0])
    x.data = x.data - 0.5 * x.grad  # the update step of gradient descent
    np.testing.assert_array_equal(x.data, [1.0, 0.0])
    with pytest.raises(cr.ShapeError):
        x.data = np.zeros(3)


def test_constructor_copies_so_later_edits_do_not_leak_in() -> None:
    source = np.array([1.0, 2.0])
    x = cr.Tensor(source, requires_grad=True)
    y = (x * x).sum()
    source[:] = 100.0
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_converting_a_recording_tensor_to_numpy_is_refused() -> None:
    x = cr.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(cr.GraphError, match="detach"):
        np.asarray(x * 2)
    np.testing.assert_array_equal(np.asarray(x.detach()), [1.0, 2.0])
    assert not x.detach().requires_grad


def test_graph_inspection_for_drawing() -> None:
    a = cr.Tensor(2.0, requires_grad=True)
    b = cr.Tensor(3.0, requires_grad=True)
    c = a * b + a
    assert c.op == "add"
    assert [p.op for p in c.parents] == ["multiply", ""]
    assert a.is_leaf
    assert not c.is_leaf


def test_mixing_tensors_and_arrays_broadcasts_and_unbroadcasts() -> None:
    b = cr.Tensor(np.zeros(3), requires_grad=True)
    w = cr.Tensor(np.ones((2, 3)), requires_grad=True)
    y = np.tanh(np.ones((4, 2)) @ w + b)
    y.sum().backward()
    assert b.grad.shape == (3,)
    assert w.grad.shape == (2, 3)
    np.testing.assert_allclose(b.grad, 4 * (1 - np.tanh(2.0) ** 2) * np.ones(3))


def test_notebook_display_shows_values_and_gradient() -> None:
    x = cr.Tensor([1.5, -2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    page = x._repr_html_()
    assert "value" in page
    assert "1.5" in page
    assert "grad" in page
    assert "-4." in page
    assert "made by sum" in y._repr_html_()
