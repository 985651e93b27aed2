"""cr.vmap: axes, pytrees, errors, and composition with the other transforms in any order; the Jacobian and
Hessian built on it (chunks, modes, empty inputs, NaN kept to its own entries); repeated argnums refused."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule.core.primitive import Primitive

RNG = np.random.default_rng(0)
X = RNG.standard_normal((5, 3))
W = RNG.standard_normal((4, 3))


def _loop(f: Any, *args: Any) -> Any:
    return np.stack([f(*a) for a in zip(*args, strict=True)])


def test_in_axes_none_and_out_axes() -> None:
    got = cr.vmap(lambda w, x: np.tanh(w @ x), in_axes=(None, 0))(W, X)
    np.testing.assert_allclose(got, np.tanh(X @ W.T))
    got = cr.vmap(lambda x: np.outer(x, x), in_axes=1, out_axes=2)(X.T)
    np.testing.assert_allclose(got, np.moveaxis(_loop(lambda x: np.outer(x, x), X), 0, 2))
    got = cr.vmap(lambda x: x * 2.0, in_axes=-1)(X.T)
    np.testing.assert_allclose(got, X * 2.0)


def test_pytrees_in_and_out() -> None:
    params = {"w": W, "b": np.ones(4)}

    def f(p: Any, x: Any) -> Any:
        return {"y": p["w"] @ x + p["b"], "n": (np.sum(x),)}

    out = cr.vmap(f, in_axes=({"w": None, "b": None}, 0))(params, X)
    np.testing.assert_allclose(out["y"], X @ W.T + 1.0)
    np.testing.assert_allclose(out["n"][0], X.sum(axis=1))
    batched_b = cr.vmap(f, in_axes=({"w": None, "b": 0}, 0))({"w": W, "b": np.ones((5, 4))}, X)
    np.testing.assert_allclose(batched_b["y"], out["y"])


def test_an_output_the_same_for_every_example_is_repeated() -> None:
    np.testing.assert_allclose(cr.vmap(lambda x: np.ones(2))(X), np.ones((5, 2)))


def test_vmap_of_vmap() -> None:
    got = cr.vmap(cr.vmap(lambda a, b: np.dot(a, b), in_axes=(0, None)), in_axes=(None, 0))(X, W)
    np.testing.assert_allclose(got, W @ X.T)


def test_vmap_of_vmap_through_rules_that_read_values() -> None:
    # indexing and logsumexp look at their operands' numbers: batches of batches must resolve, not loop
    def f(w: Any, x: Any) -> Any:
        return cr.logsumexp(w @ x) - (w @ x)[0] + np.max(np.abs(x))

    got = cr.vmap(cr.vmap(f, in_axes=(None, 0)), in_axes=(0, None))(np.stack([W, 2 * W]), X)
    want = np.array([[f(w, x) for x in X] for w in (W, 2 * W)])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    grads = cr.vmap(cr.vmap(cr.grad(f), in_axes=(None, 0)), in_axes=(0, None))(np.stack([W, 2 * W]), X)
    np.testing.assert_allclose(grads[1, 2], cr.grad(f)(2 * W, X[2]), rtol=1e-12)


def test_batch_size_mismatch_and_no_batch_are_refused() -> None:
    with pytest.raises(cr.ShapeError, match="disagree on the batch size"):
        cr.vmap(lambda a, b: a + b)(X, W)
    with pytest.raises(cr.ChainruleValueError, match="no batch"):
        cr.vmap(lambda a: a, in_axes=None)(X)
    with pytest.raises(cr.ShapeError, match="axis 2"):
        cr.vmap(lambda a: a, in_axes=2)(X)


def test_errors_show_the_batch_axis() -> None:
    with pytest.raises(cr.ShapeError, match="batched over axis 0 of size 5"):
        cr.vmap(lambda x: x @ np.ones(4))(X)


def test_a_primitive_without_a_batching_rule_is_named_and_loop_is_explicit() -> None:
    double = Primitive("double_unbatched", lambda x: 2 * x, vjp=(lambda g, ans, x: 2 * g,), declare=False)
    with pytest.raises(cr.ChainruleError, match="double_unbatched has no batching rule"):
        cr.vmap(double)(X)
    np.testing.assert_allclose(cr.vmap(double, loop=True)(X), 2 * X)


def test_python_branches_on_a_batch() -> None:
    def f(x: Any) -> Any:
        return x if np.sum(x) > -100 else -x  # the same branch for every example: as a loop

    np.testing.assert_allclose(cr.vmap(f)(X), X)
    with pytest.raises(cr.GraphError, match="different branches"):
        cr.vmap(lambda x: x if np.sum(x) > 0 else -x)(X)
    np.testing.assert_allclose(
        cr.vmap(lambda x: x if np.sum(x) > 0 else -x, loop=True)(X),
        _loop(lambda x: x if x.sum() > 0 else -x, X),
    )


def _loss(w: Any, x: Any, y: Any) -> Any:
    return np.sum((np.tanh(w @ x) - y) ** 2)


Y = RNG.standard_normal((5, 4))


def test_per_example_gradients() -> None:
    got = cr.vmap(cr.grad(_loss), in_axes=(None, 0, 0))(W, X, Y)
    want = np.stack([cr.grad(_loss)(W, x, y) for x, y in zip(X, Y, strict=True)])
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_grad_of_vmap() -> None:
    def total(w: Any) -> Any:
        return np.sum(cr.vmap(_loss, in_axes=(None, 0, 0))(w, X, Y))

    want = cr.grad(lambda w: sum(_loss(w, x, y) for x, y in zip(X, Y, strict=True)))(W)
    np.testing.assert_allclose(cr.grad(total)(W), want, rtol=1e-12)


def test_jacobian_of_vmap_and_vmap_of_jacobian_and_hessian() -> None:
    f = lambda x: np.sin(x) * np.sum(x)  # noqa: E731
    per = np.stack([cr.jacobian(f)(x) for x in X])
    np.testing.assert_allclose(cr.vmap(cr.jacobian(f))(X), per, rtol=1e-12)
    full = cr.jacobian(cr.vmap(f))(X)  # (5, 3, 5, 3): block diagonal in the batch
    np.testing.assert_allclose(full[np.arange(5), :, np.arange(5), :], per, rtol=1e-12)
    g = lambda x: np.sum(np.exp(x) * x[0])  # noqa: E731
    np.testing.assert_allclose(
        cr.vmap(cr.hessian(g))(X), np.stack([cr.hessian(g, mode="rev")(x) for x in X]), rtol=1e-12
    )


def test_vmap_of_jvp_and_vjp() -> None:
    tangents = RNG.standard_normal((5, 3))
    x0 = X[0]
    out = cr.vmap(lambda t: cr.jvp(np.sin, (x0,), (t,))[1])(tangents)
    np.testing.assert_allclose(out, np.cos(x0) * tangents)
    _, vjp_fn = cr.vjp(lambda x: W @ x, x0)
    np.testing.assert_allclose(cr.vmap(lambda c: vjp_fn(c)[0])(Y), Y @ W, rtol=1e-12)


def test_selections_by_a_batched_condition_under_every_transform() -> None:
    # np.where's forward rule selects the tangents by the same batched condition inside np.where (refused as
    # a recursion before); np.select read its conditions as plain arrays (a GraphError under vmap before)
    ones = np.ones(4)
    for f in (
        lambda x: np.sum(np.where(x > 0, x**2, np.sin(x))),
        lambda x: np.sum(np.select([x < 0, x > 1], [x**3, x**2], np.cos(x))),
    ):
        for g in (
            f,
            cr.grad(f),
            cr.jacobian(f, mode="fwd"),
            cr.hessian(f),
            lambda x, f=f: cr.jvp(f, (x,), (ones,))[1],
        ):
            np.testing.assert_allclose(cr.vmap(g)(XS), np.stack([g(x) for x in XS]), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_an_integer_output_has_float_zeros_in_both_modes(dtype: Any) -> None:
    f = lambda x: (2 * x, np.arange(3), x > 0)  # noqa: E731
    x = np.ones(2, dtype=dtype)
    for mode in ("fwd", "rev"):
        blocks = cr.jacobian(f, mode=mode)(x)
        assert [(b.dtype, b.shape) for b in blocks] == [(dtype, (2, 2)), (dtype, (3, 2)), (dtype, (2, 2))]
        assert not blocks[1].any()
        assert not blocks[2].any()


def test_interp_of_batched_points() -> None:
    # np.interp read the points as a plain array to apply left= and right= even when neither was given
    for kwargs in ({}, {"left": -1.0, "right": 5.0}):
        f = lambda x, kw=kwargs: np.interp(x, [0.0, 1.0, 2.0], [1.0, 3.0, 2.0], **kw) * x  # noqa: E731
        np.testing.assert_allclose(cr.vmap(f)(XS), np.stack([f(x) for x in XS]), rtol=1e-15)
    knots = np.array([[0.0, 1.0, 2.0], [-1.0, 0.5, 1.0], [0.5, 1.5, 2.5]])  # batched knots: a call each
    g = lambda x, xp: np.interp(x, xp, [1.0, 3.0, 2.0], left=-1.0, right=5.0)  # noqa: E731
    np.testing.assert_allclose(cr.vmap(g)(XS, knots), np.stack([g(*a) for a in zip(XS, knots, strict=True)]))
    # its derivative looks each example's points up in the knots: the intervals are batched indices
    h = lambda x: np.sum(np.interp(x, [0.0, 1.0, 2.0], [1.0, 3.0, 2.0]) * x)  # noqa: E731
    loop = np.stack([cr.grad(h)(x) for x in XS])
    np.testing.assert_allclose(cr.vmap(cr.grad(h))(XS), loop, rtol=1e-15)
    np.testing.assert_allclose(cr.grad(lambda x: np.sum(cr.vmap(h)(x)))(XS), loop, rtol=1e-15)


XS = np.array([[1.0, -2.0, 3.0, 0.5], [-0.5, 0.2, 0.1, 4.0], [0.0, 2.0, -1.0, 1.5]])


@pytest.mark.parametrize("mode", ["fwd", "rev", "auto"])
def test_jacobian_modes_and_chunks_agree(mode: str) -> None:
    f = lambda x: np.tanh(W @ x)  # noqa: E731
    want = (1 - np.tanh(W @ X[0]) ** 2)[:, None] * W
    np.testing.assert_allclose(cr.jacobian(f, mode=mode)(X[0]), want, rtol=1e-12)
    np.testing.assert_allclose(cr.jacobian(f, mode=mode, chunk_size=2)(X[0]), want, rtol=1e-12)
    with pytest.raises(cr.ChainruleValueError, match="chunk_size"):
        cr.jacobian(f, chunk_size=0)


def test_hessian_chunks() -> None:
    f = lambda x: np.sum(x**3) * x[0]  # noqa: E731
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(cr.hessian(f, chunk_size=1)(x), cr.hessian(f)(x))


# ---------------------------------------------------------------- issue 16: engine edge cases


def test_repeated_argnums_are_refused() -> None:
    with pytest.raises(cr.ChainruleValueError, match="more than once"):
        cr.value_and_grad(lambda x, y: x * y, argnums=(0, 0))(2.0, 3.0)
    with pytest.raises(cr.ChainruleValueError, match="more than once"):
        cr.grad(lambda x, y: x * y, argnums=(0, -2))(2.0, 3.0)


@pytest.mark.parametrize("mode", ["fwd", "rev", "auto"])
def test_empty_inputs_give_empty_results(mode: str) -> None:
    assert cr.jacobian(np.sin, mode=mode)(np.zeros(0)).shape == (0, 0)
    assert cr.jacobian(lambda x: np.sum(x) * np.ones(2), mode=mode)(np.zeros((0, 3))).shape == (2, 0, 3)
    hmode = "rev" if mode == "rev" else "fwd"
    assert cr.hessian(lambda x: np.sum(x**2), mode=hmode)(np.zeros(0)).shape == (0, 0)
    assert cr.grad(np.prod)(np.zeros(0)).shape == (0,)
    assert cr.grad(lambda x: np.sum(np.prod(x, axis=1)))(np.zeros((2, 0))).shape == (2, 0)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_a_nan_stays_in_its_own_entries(mode: str) -> None:
    v = np.array([np.nan, 1.0, 2.0])
    np.testing.assert_array_equal(cr.jacobian(lambda v: np.sum(v**2), mode=mode)(v), [np.nan, 2.0, 4.0])
    jac = cr.jacobian(lambda v: v**2, mode=mode)(v)
    np.testing.assert_array_equal(jac, np.diag([np.nan, 2.0, 4.0]) + np.where(np.eye(3), 0, 0.0))
    jac = cr.jacobian(lambda v: W[:, :3] @ (v**2), mode=mode)(v)
    assert np.isnan(jac[:, 0]).all()
    assert np.isfinite(jac[:, 1:]).all()
    h = cr.hessian(lambda v: np.sum(np.sqrt(v)), mode=mode)(np.array([0.0, 4.0]))
    assert h[0, 1] == 0.0
    assert h[1, 0] == 0.0
    assert h[1, 1] == pytest.approx(-0.25 * 4.0**-1.5)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_a_nan_stays_in_its_own_argument_and_its_own_output(mode: str) -> None:
    # one block per argument (forward) or per output (reverse): the other arguments are held constant and
    # the other outputs left out, not given zeros that would meet their infinite local derivatives
    da, db = cr.jacobian(lambda a, b: a * b, argnums=(0, 1), mode=mode)(np.nan, 2.0)
    assert da == 2.0
    assert np.isnan(db)
    h = cr.hessian(lambda a, b: a * b * b, argnums=(0, 1), mode=mode)(np.nan, 2.0)
    assert (h[0][0], h[0][1], h[1][0]) == (0.0, 4.0, 4.0)
    assert np.isnan(h[1][1])
    jac = cr.jacobian(lambda x: {"double": 2.0 * x, "root": np.sqrt(x)}, mode=mode)(np.array([0.0, 1.0]))
    np.testing.assert_array_equal(jac["double"], 2.0 * np.eye(2))
    np.testing.assert_array_equal(jac["root"], np.diag([np.inf, 0.5]))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_nan_in_a_plain_vmap_is_not_hidden() -> None:
    # outside the Jacobians a batched 0 times NaN is NaN, as NumPy says
    got = cr.vmap(lambda a, b: a * b, in_axes=(0, None))(np.array([0.0, 1.0]), np.array(np.nan))
    assert np.isnan(got).all()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_the_batching_section_of_engine_md_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "engine.md").read_text()
    section = text[text.index("## Batching: `vmap`") : text.index("## How it works")]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) >= 5
    for block in blocks:
        exec(compile(block, "docs/engine.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "(8, 3, 2) (8, 3)" in printed
    assert "[nan  2.  4.]" in printed
    assert "GraphError" in printed


def test_a_function_of_one_number_is_differentiated_without_the_batching_layer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a batch of one basis vector of one entry is a plain jvp or vjp (the Hessian of a 5,000-op function
    # of x went from 0.31 s to 0.06 s); its results still get their batch axis
    import chainrule.core.jacobians as jacobians

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("batched")

    monkeypatch.setattr(jacobians, "batched_call", refuse)
    f = lambda x: np.sin(x) * x**3  # noqa: E731
    want = 6 * 0.7 * np.sin(0.7) + 6 * 0.7**2 * np.cos(0.7) - 0.7**3 * np.sin(0.7)
    for mode in ("fwd", "rev"):
        assert cr.hessian(f, mode=mode)(0.7) == pytest.approx(want)
        assert cr.jacobian(lambda x: x**2, mode=mode)(np.array([[3.0]])).shape == (1, 1, 1, 1)
    assert cr.jacobian(lambda x: np.stack([x, x**2]))(np.array([2.0])).tolist() == [[[1.0]], [[4.0]]]
    with pytest.raises(AssertionError, match="batched"):
        cr.jacobian(np.sin)(np.zeros(2))


# ---------------------------------------------------------------- indices that differ from example to example

_RNG = np.random.default_rng(7)
_X = _RNG.normal(size=(4, 3, 5, 2))  # four examples of shape (3, 5, 2)
_I = np.array([0, 2, 1, 2])  # one index per example, into an axis of length 3
_J = _RNG.integers(0, 5, size=(4, 2, 3))  # a (2, 3) array of indices per example, into the axis of length 5

# (name, f(x, i, j)): the batched parts sit first, later, side by side, apart, and next to slices and None
_BATCHED_INDICES = [
    ("x[i]", lambda x, i, j: x[i]),
    ("x[i, j]", lambda x, i, j: x[i, j]),
    ("x[:, j]", lambda x, i, j: x[:, j]),
    ("x[i, :, 1]", lambda x, i, j: x[i, :, 1]),
    ("x[i, j, 1]", lambda x, i, j: x[i, j, 1]),
    ("x[:, j, 0]", lambda x, i, j: x[:, j, 0]),
    ("x[i, :, [1, 0]]", lambda x, i, j: x[i, :, [1, 0]]),
    ("x[..., j[0, :2], :]", lambda x, i, j: x[..., j[0, :2], :]),
    ("x[None, i, 2:]", lambda x, i, j: x[None, i, 2:]),
    ("x[i][j]", lambda x, i, j: x[i][j]),
    ("take", lambda x, i, j: np.take(x, j, axis=1)),
    ("take_along_axis", lambda x, i, j: np.take_along_axis(x[0], j[:1].T[:, :1], axis=0)),
]


@pytest.mark.parametrize(("name", "f"), _BATCHED_INDICES, ids=[n for n, _ in _BATCHED_INDICES])
def test_indices_batched_with_the_values(name: str, f: Any) -> None:
    want = np.stack([f(x, i, j) for x, i, j in zip(_X, _I, _J, strict=True)])
    got = cr.vmap(f)(_X, _I, _J)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)

    def loss(x: Any, i: Any, j: Any) -> Any:
        return np.sum(np.sin(f(x, i, j)) * np.arange(f(x, i, j).size).reshape(f(x, i, j).shape))

    grads = np.stack([cr.grad(loss)(x, i, j) for x, i, j in zip(_X, _I, _J, strict=True)])
    np.testing.assert_allclose(cr.vmap(cr.grad(loss))(_X, _I, _J), grads, rtol=1e-13)
    np.testing.assert_allclose(cr.grad(lambda x: np.sum(cr.vmap(loss)(x, _I, _J)))(_X), grads, rtol=1e-13)


def test_per_example_gradients_with_integer_labels() -> None:
    rng = np.random.default_rng(3)
    W, xs, ys = rng.normal(size=(3, 4)), rng.normal(size=(6, 3)), rng.integers(0, 4, 6)

    def loss(W: Any, x: Any, y: Any) -> Any:  # one example; its label picks its log-probability
        logits = x @ W
        return cr.logsumexp(logits) - logits[y]

    per_example = cr.vmap(cr.grad(loss), in_axes=(None, 0, 0))(W, xs, ys)
    loop = np.stack([cr.grad(loss)(W, x, y) for x, y in zip(xs, ys, strict=True)])
    np.testing.assert_allclose(per_example, loop, rtol=1e-13)
    # a constant table indexed by each example's label, and the Jacobian through such a vmap
    table = rng.normal(size=(4, 3))
    picked = cr.vmap(lambda x, y: np.dot(cr.Tensor(table)[y], x))(xs, ys)
    assert type(picked) is np.ndarray
    np.testing.assert_allclose(picked, np.einsum("ij,ij->i", table[ys], xs), rtol=1e-13)
    with pytest.raises(cr.ChainruleError, match=r"cr.Tensor\(array\)\[index\]"):
        cr.vmap(lambda x, y: np.dot(table[y], x))(xs, ys)  # NumPy's own indexing cannot see the batch
    jac = cr.jacobian(lambda x: cr.vmap(lambda x, y: x[y] ** 2)(x, ys % 3))(xs)
    want = np.zeros((6, 6, 3))
    want[np.arange(6), np.arange(6), ys % 3] = 2 * xs[np.arange(6), ys % 3]
    np.testing.assert_allclose(jac, want)


def test_batched_masks_and_float_indices_are_refused() -> None:
    with pytest.raises(cr.ChainruleError, match=r"np\.where"):
        cr.vmap(lambda x: np.sum(x[x > 0]))(_X)
    with pytest.raises(IndexError, match="integers"):
        cr.vmap(lambda x, i: x[i])(_X, _I.astype(float))


@pytest.mark.parametrize(
    "f",
    [
        lambda x: np.argsort(x, axis=0),
        lambda x: np.argsort(x),
        lambda x: np.argmax(x),
        lambda x: np.argmin(x, axis=-1, keepdims=True),
        lambda x: np.argmax(x, keepdims=True),
        lambda x: x.argmax(axis=1),
        lambda x: np.sort(x, axis=1),
        lambda x: np.sort(x, axis=None),
        lambda x: np.isclose(x, 0.5, atol=0.4),
    ],
)
def test_orderings_of_each_example(f: Any) -> None:
    np.testing.assert_array_equal(cr.vmap(f)(_X), np.stack([f(x) for x in _X]))


def test_an_ordering_along_a_missing_axis_names_the_example_shape() -> None:
    with pytest.raises(cr.ShapeError, match=r"example of shape \(3, 5, 2\)"):
        cr.vmap(lambda x: np.argmax(x, axis=3))(_X)


def _assigned(x: Any) -> Any:
    y = np.zeros_like(x)  # a batch of zeros, assigned into with each example's values
    y[0] = x[1] ** 2
    y[1:, 2] = np.sin(x[1:, 0])
    return np.sum(y * x)


# rules that compute with plain numbers (orders, runs, counts, ranks): each example's own, under vmap
_READ_VALUES = {
    "median": lambda x: np.median(x),
    "quantile": lambda x: np.sum(np.quantile(x, 0.7, axis=0)),
    "nanmedian": lambda x: np.nanmedian(x),
    "nanmean": lambda x: np.nanmean(x),
    "nanmax": lambda x: np.nanmax(x),
    "nanstd": lambda x: np.nanstd(x),
    "nan_to_num": lambda x: np.sum(np.nan_to_num(x) ** 2),
    "cummax": lambda x: np.sum(np.maximum.accumulate(x, axis=1) ** 2),
    "interp": lambda x: np.sum(np.interp(x, [-1.0, 0.0, 1.0], [0.0, 2.0, 1.0]) * x),
    "lstsq": lambda x: np.sum(np.linalg.lstsq(x.T, np.ones(5), rcond=None)[0]),
    "assignment": _assigned,
}


@pytest.mark.parametrize("name", sorted(_READ_VALUES))
def test_rules_that_read_values_take_each_example_s_own(name: str) -> None:
    f = _READ_VALUES[name]
    xs = np.random.default_rng(2).normal(size=(4, 3, 5))
    xs[0, 0, :2] = 1.0  # ties in one example only
    if name.startswith("nan"):
        xs[1, 2, 3] = np.nan
    loop = np.stack([cr.grad(f)(x) for x in xs])
    np.testing.assert_allclose(cr.vmap(cr.grad(f))(xs), loop, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(cr.grad(lambda a: np.sum(cr.vmap(f)(a)))(xs), loop, rtol=1e-12, atol=1e-14)
