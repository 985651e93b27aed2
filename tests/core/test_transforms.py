"""The functional API: grad, value_and_grad, vjp, jvp, jacobian, hessian, hvp, and their structures."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr


def test_course_examples() -> None:
    assert cr.grad(lambda x: 3 * x**2 - 4 * x + 5)(3.0) == 14.0
    x = 0.7
    assert cr.grad(lambda x: np.sin(x**2))(x) == pytest.approx(2 * x * np.cos(x**2), rel=1e-15)
    assert cr.grad(lambda x: np.log(np.sqrt(x)))(4.0) == pytest.approx(1 / 8, rel=1e-15)
    np.testing.assert_array_equal(cr.grad(lambda x: x[0] ** 2 + 2 * x[1] ** 2)(np.array([1.0, 1.0])), [2, 4])
    w1, w2 = 0.4, 0.3
    g1, g2 = cr.grad(lambda a, b: np.sin(a) * b * (1 - b), argnums=(0, 1))(w1, w2)
    assert g1 == pytest.approx(np.cos(w1) * w2 * (1 - w2))
    assert g2 == pytest.approx(np.sin(w1) * (1 - 2 * w2))
    A = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(cr.jacobian(lambda x: A @ x)(np.ones(2)), A)


def test_gradient_has_the_input_structure_and_dtype() -> None:
    params = {"w": np.ones((2, 3), np.float32), "b": [np.zeros(3), 1.0]}

    def loss(p: dict) -> object:
        return np.sum(p["w"] ** 2) + np.sum(p["b"][0] * 2) + p["b"][1] ** 3

    g = cr.grad(loss)(params)
    assert set(g) == {"w", "b"}
    assert g["w"].dtype == np.float32
    np.testing.assert_array_equal(g["w"], 2 * np.ones((2, 3)))
    np.testing.assert_array_equal(g["b"][0], [2.0, 2.0, 2.0])
    assert g["b"][1] == 3.0
    assert isinstance(g["b"], list)


def test_unused_argument_gets_zero_gradient() -> None:
    gx, gy = cr.grad(lambda x, y: x * 2.0, argnums=(0, 1))(1.0, np.ones(2))
    assert gx == 2.0
    np.testing.assert_array_equal(gy, [0.0, 0.0])


def test_value_and_grad_and_has_aux() -> None:
    value, g = cr.value_and_grad(lambda x: np.sum(x**2))(np.array([1.0, 2.0]))
    assert value == 5.0
    np.testing.assert_array_equal(g, [2.0, 4.0])
    g, aux = cr.grad(lambda x: (x**2, "note"), has_aux=True)(3.0)
    assert (g, aux) == (6.0, "note")


def test_grad_of_non_scalar_output_explains_what_to_do() -> None:
    with pytest.raises(cr.ShapeError, match="jacobian"):
        cr.grad(lambda x: x * 2)(np.ones(3))


def test_argnums_out_of_range() -> None:
    with pytest.raises(cr.ChainruleValueError, match="argnums"):
        cr.grad(lambda x: x, argnums=2)(1.0)


def test_higher_order_derivatives() -> None:
    d3 = cr.grad(cr.grad(cr.grad(lambda x: x**4)))
    assert d3(2.0) == pytest.approx(48.0)
    d2 = cr.grad(cr.grad(lambda x: np.exp(np.sin(x))))
    x = 0.3
    want = np.exp(np.sin(x)) * (np.cos(x) ** 2 - np.sin(x))
    assert d2(x) == pytest.approx(want, rel=1e-13)


def test_vjp_can_be_called_repeatedly_and_checks_shapes() -> None:
    out, vjp_fn = cr.vjp(lambda x, y: x * y, np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    np.testing.assert_array_equal(out, [3.0, 8.0])
    for _ in range(2):
        gx, gy = vjp_fn(np.array([1.0, 1.0]))
        np.testing.assert_array_equal(gx, [3.0, 4.0])
        np.testing.assert_array_equal(gy, [1.0, 2.0])
    with pytest.raises(cr.ShapeError, match=r"\(3,\)"):
        vjp_fn(np.ones(3))


def test_jvp_is_forward_mode_and_checks_its_arguments() -> None:
    _, tangent = cr.jvp(lambda x: np.sin(x) * x, (np.array([0.5, 1.0]),), (np.array([1.0, 0.0]),))
    np.testing.assert_allclose(tangent, [np.cos(0.5) * 0.5 + np.sin(0.5), 0.0])
    with pytest.raises(cr.ShapeError, match=r"\(3,\).*\(2,\)"):
        cr.jvp(np.sin, (np.ones(2),), (np.ones(3),))
    with pytest.raises(cr.ChainruleTypeError, match="tuples"):
        cr.jvp(np.sin, np.ones(2), np.ones(2))  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["fwd", "rev", "auto"])
def test_jacobian_modes_agree_and_layouts_transpose(mode: str) -> None:
    def f(x: np.ndarray) -> object:
        return np.stack([np.sin(x[0]) * x[1], x[0] ** 2, np.exp(x[1])])

    x = np.array([0.3, -0.4])
    want = np.array(
        [[np.cos(0.3) * -0.4, np.sin(0.3)], [0.6, 0.0], [0.0, np.exp(-0.4)]],
    )
    J = cr.jacobian(f, mode=mode)(x)
    np.testing.assert_allclose(J, want, rtol=1e-14)
    np.testing.assert_allclose(cr.jacobian(f, mode=mode, layout="denominator")(x), want.T, rtol=1e-14)


def test_jacobian_shapes_for_matrices_and_tuples() -> None:
    W = np.arange(6.0).reshape(2, 3)
    J = cr.jacobian(lambda W: W @ np.ones(3))(W)
    assert J.shape == (2, 2, 3)
    Ja, Jb = cr.jacobian(lambda a, b: a * b, argnums=(0, 1))(np.ones(2), np.full(2, 3.0))
    np.testing.assert_array_equal(Ja, 3 * np.eye(2))
    np.testing.assert_array_equal(Jb, np.eye(2))


def test_jacobian_rejects_bad_options() -> None:
    with pytest.raises(cr.ChainruleValueError, match="layout"):
        cr.jacobian(np.sin, layout="row")
    with pytest.raises(cr.ChainruleValueError, match="mode"):
        cr.jacobian(np.sin, mode="sideways")


def test_hessian_and_hvp() -> None:
    def f(x: np.ndarray) -> object:
        return x[0] ** 2 * x[1] + np.sin(x[1]) * x[0]

    x = np.array([0.5, 0.2])
    H = cr.hessian(f)(x)
    want = np.array([[2 * x[1], 2 * x[0] + np.cos(x[1])], [2 * x[0] + np.cos(x[1]), -np.sin(x[1]) * x[0]]])
    np.testing.assert_allclose(H, want, rtol=1e-14)
    v = np.array([1.0, -2.0])
    np.testing.assert_allclose(cr.hvp(f)(x, v), want @ v, rtol=1e-14)


def test_hessian_of_a_logistic_regression_loss_matches_closed_form() -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 5))
    y = (rng.random(40) > 0.5).astype(float)
    w = rng.standard_normal(5) * 0.3

    def loss(w: np.ndarray) -> object:
        z = X @ w
        return np.mean(cr.softplus(z) - y * z)

    s = 1 / (1 + np.exp(-(X @ w)))
    want = X.T @ (X * (s * (1 - s))[:, None]) / len(y)
    np.testing.assert_allclose(cr.hessian(loss)(w), want, rtol=1e-12)
    np.testing.assert_allclose(cr.hessian(loss, mode="rev")(w), want, rtol=1e-12)
    with pytest.raises(cr.ChainruleValueError, match="mode"):
        cr.hessian(loss, mode="auto")


def test_non_callable_is_refused() -> None:
    for transform in (cr.grad, cr.value_and_grad, cr.jacobian, cr.hessian, cr.hvp):
        with pytest.raises(cr.ChainruleTypeError, match="function"):
            transform(3)  # type: ignore[arg-type]


def test_unsupported_numpy_function_is_named() -> None:
    with pytest.raises(cr.UnsupportedOperationError, match=r"np\.polyfit"):
        cr.grad(lambda x: np.sum(np.polyfit(x, x, 1)))(np.arange(3.0))
    with pytest.raises(cr.UnsupportedOperationError, match=r"np\.trim_zeros"):
        cr.grad(lambda x: np.sum(np.trim_zeros(x)))(np.ones(3))
    with pytest.raises(NotImplementedError):  # the built-in base still catches it
        cr.grad(lambda x: np.sum(np.polyfit(x, x, 1)))(np.arange(3.0))


def test_shape_mismatch_names_the_operation_and_shapes() -> None:
    with pytest.raises(cr.ShapeError, match=r"matmul.*\(3,\), \(4,\)"):
        cr.grad(lambda x: x @ np.ones(4))(np.ones(3))


def test_integer_inputs_become_float64() -> None:
    g = cr.grad(lambda x: np.sum(x**2))(np.array([1, 2]))
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, [2.0, 4.0])
    assert cr.grad(lambda x: x**2)(3) == 6.0


def test_float32_stays_float32() -> None:
    g = cr.grad(lambda x: np.sum(np.tanh(x) * 2.0))(np.ones(3, np.float32))
    assert g.dtype == np.float32


def test_complex_holomorphic_derivative() -> None:
    z = 0.3 + 0.4j
    _, t = cr.jvp(lambda z: z**2 * np.exp(z), (z,), (1.0 + 0j,))
    assert t == pytest.approx(2 * z * np.exp(z) + z**2 * np.exp(z))


def test_object_api_constants_inside_a_transform_give_plain_gradients() -> None:
    weights = cr.Tensor([1.0, 2.0])  # does not require grad: a constant
    g = cr.grad(lambda v: np.sum(v * weights))(np.array([3.0, 4.0]))
    assert type(g) is np.ndarray
    np.testing.assert_array_equal(g, [1.0, 2.0])


def test_jacobian_and_hessian_of_containers() -> None:
    def f(p: dict) -> dict:
        return {"s": np.sin(p["a"]) * p["b"], "t": p["a"].sum()}

    J = cr.jacobian(f)({"a": np.ones(2), "b": 2.0})
    assert J["s"]["a"].shape == (2, 2)
    assert J["s"]["b"].shape == (2,)
    assert J["t"]["b"].shape == ()
    np.testing.assert_allclose(J["s"]["a"], 2 * np.cos(1.0) * np.eye(2))
    H = cr.hessian(lambda p: np.sum(p["a"] ** 2) * p["b"])({"a": np.ones(2), "b": 2.0})
    np.testing.assert_allclose(H["a"]["a"], 4 * np.eye(2))
    np.testing.assert_allclose(H["a"]["b"], [2.0, 2.0])


def test_converting_to_a_python_number_inside_a_transform_is_refused() -> None:
    with pytest.raises(cr.GraphError, match="silently drop"):
        cr.grad(lambda x: float(np.sum(x**2)))(np.array([1.0, 2.0]))
    with pytest.raises(cr.GraphError, match="silently drop"):
        cr.grad(lambda x: np.sum(x**2).item())(np.array([1.0, 2.0]))
    with pytest.raises(cr.GraphError):
        cr.jvp(lambda x: float(x) * 2.0, (1.0,), (1.0,))
    assert float(cr.Tensor(2.0, requires_grad=True) * 3) == 6.0  # the object API converts, like .item()
