"""NumPy 2's array-API names (np.linalg.matmul, np.vecdot, np.cumulative_sum ...) and the NumPy functions that
pick entries (np.insert, np.choose ...) on traced values: NumPy's values in both modes, derivatives that match
finite differences in both modes to second order, and, under cr.vmap, the values of a loop over the examples.

Each case is ``(function, argument makers)``, as in ``test_coverage_numpy``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from test_coverage_numpy import Maker, _leaves, normal

import chainrule as cr
from chainrule.testing import check_grads


def well_conditioned(n: int, *lead: int) -> Maker:
    return lambda r: 2.0 * np.eye(n) + 0.3 * r.standard_normal((*lead, n, n))


def angles(*shape: int) -> Maker:
    """Phases wrapped into (-pi, pi] from a walk with jumps, so np.unwrap has corrections to add."""
    return lambda r: np.angle(np.exp(1j * np.cumsum(r.uniform(-2.5, 2.5, shape), axis=-1)))


def _put(x: Any, v: Any) -> Any:
    y = x * 1.0
    np.put_along_axis(y, np.array([[0, 1, 0, 1], [0, 0, 0, 2]]), v * np.array([[1.0], [2.0]]), axis=0)
    return y


CHOICE = np.array([[0, 1, 2, 0], [2, 2, 1, 0], [1, 0, 0, 2]])
MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, False]])

CASES: dict[str, list[tuple[Callable[..., Any], list[Maker]]]] = {
    "linalg.matmul": [
        (np.linalg.matmul, [normal(3, 4), normal(4, 2)]),
        (np.linalg.matmul, [normal(2, 3, 4), normal(4)]),
    ],
    "vecdot": [
        (np.vecdot, [normal(3, 4), normal(4)]),
        (lambda a, b: np.vecdot(a, b, axis=0), [normal(4, 3), normal(4, 1)]),
        (lambda a, b: np.linalg.vecdot(a, b, axis=-2), [normal(2, 4, 3), normal(4, 3)]),
    ],
    "matrix_transpose": [
        (np.matrix_transpose, [normal(2, 3, 4)]),
        (np.linalg.matrix_transpose, [normal(3, 4)]),
    ],
    "linalg.trace": [
        (np.linalg.trace, [normal(2, 3, 3)]),
        (lambda x: np.linalg.trace(x, offset=1), [normal(3, 4)]),
    ],
    "linalg.diagonal": [(lambda x: np.linalg.diagonal(x, offset=-1), [normal(2, 4, 3)])],
    "linalg.outer": [(np.linalg.outer, [normal(3), normal(4)])],
    "linalg.tensordot": [
        (lambda a, b: np.linalg.tensordot(a, b, axes=1), [normal(2, 3), normal(3, 4)]),
        (lambda a, b: np.linalg.tensordot(a, b, axes=([0, 1], [1, 0])), [normal(2, 3), normal(3, 2)]),
    ],
    "cumulative_sum": [
        (np.cumulative_sum, [normal(5)]),
        (lambda x: np.cumulative_sum(x, axis=0, include_initial=True), [normal(3, 2)]),
        (lambda x: np.cumulative_sum(x, axis=-1, include_initial=True), [normal(2, 3)]),
    ],
    "cumulative_prod": [
        (lambda x: np.cumulative_prod(x, include_initial=True), [normal(4)]),
        (lambda x: np.cumulative_prod(x, axis=1), [normal(3, 2)]),
    ],
    "unstack": [(lambda x: np.unstack(x, axis=1), [normal(2, 3, 2)]), (np.unstack, [normal(3)])],
    "astype": [
        (lambda x: np.astype(x, np.float64) * x, [normal(3)]),
        (lambda x: np.real(np.astype(x, np.complex128) * (1 + 2j)), [normal(2)]),
    ],
    "block": [
        (lambda a, b, c: np.block([[a, b], [c]]), [normal(2, 2), normal(2, 3), normal(5)]),
        (lambda a, b: np.block([a, 2.0, b]), [normal(3), normal(1)]),
        (lambda a, b: np.block([[[a]], [[b]]]), [normal(2, 2), normal(2, 2)]),
    ],
    "insert": [
        (lambda x, v: np.insert(x, 1, v, axis=0), [normal(3, 4), normal(4)]),
        (lambda x, v: np.insert(x, [0, 2, 2, -1], v, axis=1), [normal(3, 4), normal(4)]),
        (lambda x, v: np.insert(x, 5, v), [normal(3, 4), normal()]),
        (lambda x, v: np.insert(x, [1], v, axis=1), [normal(3, 4), normal(3, 1)]),
    ],
    "delete": [
        (lambda x: np.delete(x, [0, 2], axis=1), [normal(3, 4)]),
        (lambda x: np.delete(x, slice(1, None, 3)), [normal(3, 4)]),
    ],
    "resize": [(lambda x: np.resize(x, (5, 5)), [normal(3, 4)]), (lambda x: np.resize(x, 2), [normal(3)])],
    "choose": [
        (lambda x, v: np.choose(CHOICE, [x, v, np.sin(x)]), [normal(3, 4), normal(4)]),
        (lambda x: np.choose(np.array([0, 3, 1, 0]), [x, 2.0], mode="clip"), [normal(4)]),
    ],
    "compress": [
        (lambda x: np.compress([True, False, True], x, axis=0), [normal(3, 4)]),
        (lambda x: np.compress([0, 1, 1], x), [normal(3, 4)]),
    ],
    "extract": [(lambda x: np.extract(MASK, x), [normal(3, 4)])],
    "put_along_axis": [(_put, [normal(3, 4), normal(4)])],
    "ldexp": [
        (lambda x: np.ldexp(x, np.array([2, -1, 0])), [normal(3)]),
        (lambda x: np.ldexp(x, 1000) * 2.0**-1000, [normal(2)]),
        (lambda x: np.ldexp.outer(x, np.array([1, 2, 3])), [normal(2)]),
    ],
    "unwrap": [
        (np.unwrap, [angles(3, 12)]),
        (lambda p: np.unwrap(p, axis=0), [angles(12, 2)]),
        (lambda p: np.unwrap(p, discont=4.0), [angles(12)]),
        (lambda p: np.unwrap(p, period=3.0), [angles(12)]),
    ],
    "linalg.tensorinv": [
        (lambda a: np.linalg.tensorinv(np.reshape(a, (6, 2, 3)), ind=1), [well_conditioned(6)]),
        (lambda a: np.linalg.tensorinv(np.reshape(a, (2, 2, 4))), [well_conditioned(4)]),
    ],
    "linalg.tensorsolve": [
        (lambda a, b: np.linalg.tensorsolve(np.reshape(a, (6, 2, 3)), b), [well_conditioned(6), normal(6)]),
        (
            lambda a, b: np.linalg.tensorsolve(np.reshape(a, (2, 3, 6)), b, axes=(2,)),
            [well_conditioned(6), normal(2, 3)],
        ),
    ],
    "linalg.cond": [
        (lambda x, p=p: np.linalg.cond(x, p), [well_conditioned(3)])
        for p in (None, 2, -2, 1, -1, np.inf, -np.inf, "fro", "nuc")
    ] + [(np.linalg.cond, [well_conditioned(3, 2)])],
}  # fmt: skip

PARAMS = [pytest.param(name, k, id=f"{name}-{k}") for name in CASES for k in range(len(CASES[name]))]


def _arguments(name: str, case: int) -> tuple[Callable[..., Any], list[Any]]:
    f, makers = CASES[name][case]
    rng = np.random.default_rng(zlib.crc32(f"{name}/{case}".encode()))
    return f, [m(rng) for m in makers]


@pytest.mark.parametrize(("name", "case"), PARAMS)
def test_values(name: str, case: int) -> None:
    f, args = _arguments(name, case)
    want = _leaves(f(*args))
    reverse = _leaves(cr.vjp(f, *args)[0])
    forward = _leaves(cr.jvp(f, tuple(args), tuple(np.zeros_like(a) for a in args))[0])
    for got in (reverse, forward):
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert g.shape == w.shape
            assert g.dtype == w.dtype
            np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize(("name", "case"), PARAMS)
def test_derivatives(name: str, case: int) -> None:
    f, args = _arguments(name, case)
    check_grads(f, *args, modes=("fwd", "rev"), order=2)


@pytest.mark.parametrize(("name", "case"), PARAMS)
def test_under_vmap(name: str, case: int) -> None:
    """Batched over the first argument (three examples), the values of a loop over the examples."""
    f, args = _arguments(name, case)
    batch = np.stack([args[0], 2.0 * args[0] + 0.1, -args[0]])
    if name in ("linalg.tensorinv", "linalg.tensorsolve", "linalg.cond"):
        batch = np.stack([args[0], np.swapaxes(args[0], -1, -2), 2.0 * args[0]])  # still well-conditioned
    got = _leaves(cr.vmap(lambda x: f(x, *args[1:]))(batch))
    want = [np.stack(leaves) for leaves in zip(*[_leaves(f(x, *args[1:])) for x in batch], strict=True)]
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)


def test_matrix_rank_is_a_plain_integer_also_under_vmap() -> None:
    a = np.array([[1.0, 2.0], [2.0, 4.0]])
    rank = np.linalg.matrix_rank(cr.Tensor(a, requires_grad=True))
    assert rank == 1
    assert not isinstance(rank, cr.Tensor)
    np.testing.assert_array_equal(cr.vmap(np.linalg.matrix_rank)(np.stack([a, np.eye(2)])), [1, 2])
    assert cr.grad(lambda x: np.linalg.matrix_rank(x) * np.sum(x))(a).tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_put_along_axis_keeps_numpys_last_write_and_refuses_a_plain_target() -> None:
    v = np.arange(4.0)
    g = cr.grad(lambda v: np.sum(_put(np.zeros_like(v, shape=(3, 4)), v) * np.arange(12.0).reshape(3, 4)))(v)
    # columns 0 and 2 write row 0 twice: the second write (2 v) wins, so only it gets a gradient; columns
    # 1 and 3 write v into one row and 2 v into another, and both count
    np.testing.assert_allclose(g, [2 * 0, 5 + 2 * 1, 2 * 2, 7 + 2 * 11])
    with pytest.raises(cr.GraphError, match="plain NumPy array arr"):
        cr.grad(lambda v: np.sum(np.put_along_axis(np.zeros((3, 4)), np.array([[0]]), v, axis=1)))(1.0)


def test_refusals_say_what_to_write() -> None:
    with pytest.raises(cr.ChainruleTypeError, match=r"x \* 2.0\*\*n"):
        cr.grad(lambda x: np.sum(np.ldexp(x, 2.0)))(np.ones(2))
    with pytest.raises(cr.ChainruleValueError, match="give axis="):
        cr.grad(lambda x: np.sum(np.cumulative_sum(x)))(np.ones((2, 2)))
    with pytest.raises(cr.ChainruleValueError, match="1-D"):
        cr.grad(lambda x: np.sum(np.linalg.outer(x, x)))(np.ones((2, 2)))
    with pytest.raises(cr.ChainruleValueError, match="different depths"):
        cr.grad(lambda x: np.sum(np.block([x, [x]])))(np.ones(2))


def test_dtypes_follow_numpy() -> None:
    x = cr.Tensor(np.ones((2, 3)), requires_grad=True)
    assert np.cumulative_sum(x, axis=1, dtype=np.float32).dtype == np.float32
    assert np.astype(x, np.float32).dtype == np.float32
    assert isinstance(np.astype(x, np.int64), np.ndarray)  # integers carry no derivative
    assert np.astype(x, np.float64) is not x
    assert np.astype(x, np.float64, copy=False) is x
    assert np.ldexp(cr.Tensor(np.float32(1.5)), 3).dtype == np.float32


def test_piecewise_calls_each_function_on_its_own_entries() -> None:
    # sqrt is not defined where x < 0: NumPy never calls it there, nor does the derivative
    f = lambda x: np.piecewise(x, [x < 0, x >= 0], [lambda v: -(v**3), lambda v: np.sqrt(v) + v])  # noqa: E731
    x = np.array([-2.0, -0.5, 0.3, 2.0])
    with np.errstate(invalid="raise"):
        np.testing.assert_allclose(
            cr.grad(lambda x: np.sum(f(x)))(x), [-12.0, -0.75, 0.5 / np.sqrt(0.3) + 1, 0.5 / np.sqrt(2) + 1]
        )
    check_grads(f, x, modes=("fwd", "rev"), order=2)
    # one function more than conditions is the otherwise; constants and extra arguments; a 0-d x
    g = lambda x: np.piecewise(x, [x < 0], [lambda v, k: k * v**2, 5.0], 3.0)  # noqa: E731
    np.testing.assert_allclose(cr.grad(lambda x: np.sum(g(x)))(x), [-12.0, -3.0, 0.0, 0.0])
    assert cr.grad(lambda s: np.piecewise(s, [s < 1], [lambda v: v**2, 5.0]))(0.5) == 1.0
    with pytest.raises(cr.ChainruleError, match="2 conditions and 1 functions"):
        cr.grad(lambda x: np.sum(np.piecewise(x, [x < 0, x > 0], [1.0])))(x)
