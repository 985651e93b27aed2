"""What every traced value (Tensor, Dual, Batched) shares from ArrayLike: formatting and round() of a 0-d
value, and the ndarray methods that dispatch to NumPy's functions (their rules give the derivatives)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule.testing import check_grads

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 3))
V = np.array([3.0, -1.0, 2.0, 0.5])


# ---------------------------------------------------------------- format and round


def test_a_0d_tensor_formats_and_rounds_as_its_number() -> None:
    loss = cr.Tensor(2.0, requires_grad=True) * 3
    assert f"{loss:.4f}" == "6.0000"  # torch and NumPy scalars give the same
    assert f"{loss:>9.2e}|{loss:g}" == " 6.00e+00|6"
    assert f"{loss}" == str(loss)  # no spec: the Tensor's own text
    rounded = round(cr.Tensor(2.567, requires_grad=True), 2)
    assert rounded == pytest.approx(2.57)
    assert not isinstance(rounded, cr.Tensor)
    assert round(cr.Tensor(2.5)) == 2
    assert isinstance(round(cr.Tensor(2.5)), int)  # as round(np.float64(2.5))


def test_formatting_and_rounding_work_inside_transforms() -> None:
    seen: list[str] = []

    def f(x: Any) -> Any:
        seen.append(f"{np.sum(x):.3f}")
        return np.sum(x**2) + round(np.sum(x), 1)  # round() is a plain number: no derivative

    np.testing.assert_allclose(cr.grad(f)(np.array([1.0, 2.0])), [2.0, 4.0])
    np.testing.assert_allclose(cr.jvp(f, (np.array([1.0, 2.0]),), (np.ones(2),))[1], 6.0)
    assert seen == ["3.000", "3.000"]


def test_arrays_take_no_format_spec_and_batches_have_no_one_value() -> None:
    with pytest.raises(TypeError, match=r"shape \(2,\)"):
        f"{cr.Tensor([1.0, 2.0]):.2f}"
    with pytest.raises(TypeError, match=r"np.round\(t, decimals\)"):
        round(cr.Tensor([1.0, 2.0]), 1)
    with pytest.raises(cr.GraphError, match=r"batched by cr\.vmap"):
        cr.vmap(lambda x: f"{np.sum(x):.2f}" and x)(X)
    with pytest.raises(cr.GraphError, match=r"batched by cr\.vmap"):
        cr.vmap(lambda x: round(np.sum(x)) * x)(X)


# ---------------------------------------------------------------- ndarray methods


METHODS = {
    "take": lambda x: x.take([0, 2, 2]) * x.take([1], axis=0)[0, 0],
    "repeat": lambda x: x.repeat(2, axis=1) ** 2,
    "trace": lambda x: x.trace(offset=1) * x,
    "diagonal": lambda x: x.diagonal(-1) ** 3,
    "sort": lambda x: _sorted(x, axis=0) * np.arange(9.0).reshape(3, 3),
    "fill": lambda x: _filled(x, x[0, 1]) * x,
}


def _sorted(x: Any, axis: int) -> Any:
    y = x * 1.0
    assert y.sort(axis=axis) is None  # in place, as ndarray.sort
    return y


def _filled(x: Any, value: Any) -> Any:
    y = np.zeros_like(x)
    assert y.fill(value) is None
    return y


@pytest.mark.parametrize("name", METHODS)
def test_methods_have_numpys_values_and_derivatives(name: str) -> None:
    f = METHODS[name]
    np.testing.assert_allclose(np.asarray(f(cr.Tensor(X)).data), f(X.copy()), rtol=1e-14)
    check_grads(f, X, modes=("fwd", "rev"), order=2)


def test_methods_on_the_object_api() -> None:
    x = cr.Tensor(V, requires_grad=True)
    y = x * 1.0
    y.sort()
    (y[0] * 10 + y[-1] + x.take([1]).sum() * x.repeat(2)[1]).backward()
    # sorted: [-1, 0.5, 2, 3], so y[0] is x[1] and y[-1] is x[0]; x.take([1]) * x.repeat(2)[1] is x0 * x1
    np.testing.assert_allclose(x.grad, [1.0 + V[1], 10.0 + V[0], 0.0, 0.0])
    np.testing.assert_allclose(y.data, np.sort(V))


def test_methods_with_plain_results() -> None:
    x = cr.Tensor(V, requires_grad=True)
    np.testing.assert_array_equal(x.argsort(), np.argsort(V))
    assert x.all()
    assert not (x > 2.5).all()
    assert (x > 2.5).any()
    assert isinstance(x.any(), np.bool_)
    np.testing.assert_array_equal(x.nonzero()[0], [0, 1, 2, 3])
    np.testing.assert_array_equal(x.round(), np.round(V))
    assert not isinstance(x.round(1), cr.Tensor)
    np.testing.assert_array_equal(
        cr.vmap(lambda v: v.argsort())(np.stack([V, -V])), [np.argsort(V), np.argsort(-V)]
    )


def test_in_place_methods_follow_assignment_rules() -> None:
    leaf = cr.Tensor(V, requires_grad=True)
    with pytest.raises(cr.GraphError, match="leaf Tensor"):
        leaf.sort()
    with pytest.raises(cr.ChainruleValueError, match="single number"):
        cr.Tensor(V).fill(np.ones(2))
    with pytest.raises(TypeError, match=r"np\.sort"):
        (leaf * 1.0).sort(axis=None)
    constant = cr.Tensor(V)
    constant.fill(7.0)  # a constant takes the new values, as an ndarray
    np.testing.assert_array_equal(constant.data, np.full(4, 7.0))
    g = cr.grad(lambda c: np.sum(_filled(np.zeros_like(c, shape=(2, 2)), c) * np.arange(4.0).reshape(2, 2)))(
        1.0
    )
    assert g == 6.0  # the fill value gets the sum of the entries' gradients
    out = cr.vmap(lambda v: _sorted(v, axis=0))(np.stack([V, -V]))
    np.testing.assert_array_equal(out, np.sort(np.stack([V, -V]), axis=1))


@pytest.mark.oracle
def test_methods_against_torch() -> None:
    torch = pytest.importorskip("torch")

    def loss(x: Any, take: Any, repeat: Any) -> Any:
        return (take(x) * repeat(x)[:4]).sum() + x.trace() * x.diagonal(1).sum()

    m = RNG.standard_normal((4, 4))
    x = cr.Tensor(m, requires_grad=True)
    loss(x, lambda t: t.take([0, 5, 5, 15]), lambda t: t.repeat(2)).backward()
    t = torch.tensor(m, requires_grad=True)
    index = torch.tensor([0, 5, 5, 15])
    loss(t, lambda a: a.take(index), lambda a: a.flatten().repeat_interleave(2)).backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-12)
    assert f"{cr.Tensor(m[0, 0]) * 3:.4f}" == f"{torch.tensor(m[0, 0]) * 3:.4f}"


# ---------------------------------------------------------------- a Tensor as an index


def test_a_tensor_of_whole_numbers_indexes_as_integers() -> None:
    # cr.Tensor([0, 2]) holds float64 (integer data always becomes floats); PyTorch indexes with such a tensor
    x = cr.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x[cr.Tensor([0, 2])]
    np.testing.assert_array_equal(y.data, [1.0, 3.0])
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 6.0])
    assert float(x[cr.Tensor(1)]) == 2.0
    np.testing.assert_array_equal(x[[cr.Tensor(2.0), 0]].data, [3.0, 1.0])
    np.testing.assert_array_equal(cr.grad(lambda v: np.sum(v[cr.Tensor([2, 2])] ** 2))(V), [0, 0, 8.0, 0])
    np.testing.assert_array_equal(
        cr.vmap(lambda v: v[cr.Tensor([3, 0])])(np.stack([V, -V])), [[0.5, 3], [-0.5, -3]]
    )
    np.testing.assert_array_equal(x.take(cr.Tensor([2])).data, [3.0])


def test_an_index_of_other_values_says_what_to_write() -> None:
    with pytest.raises(IndexError, match=r"np.round\(t\).astype\(int\)"):
        cr.Tensor(V)[cr.Tensor([0.5, 1.0])]
    with pytest.raises(cr.ChainruleIndexError, match="not whole numbers"):
        cr.grad(lambda v: v[v])(V)
    with pytest.raises(IndexError):  # a plain float array is NumPy's to refuse, as it does
        cr.Tensor(V)[np.array([0.0, 1.0])]
