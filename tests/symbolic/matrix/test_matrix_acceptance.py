"""Issue 13's acceptance table: every row in all three layouts equals the engine's ``cr.jacobian`` of the same
function written by hand in NumPy, at random shapes and values; its closed (or vec/Kronecker) form is the
one the books give; and its explanation's every step is an equality, checked at random values."""

from __future__ import annotations

import numpy as np
import pytest
from matrix_cases import HESSIANS, JACOBIANS, ROWS, SCALARS, Case, arrays_for, numpy_function

import chainrule as cr
from chainrule.layouts import LAYOUTS, layout_shape
from chainrule.symbolic import matrix as mx

# a second set of sizes, so that no result passes because of one lucky choice of dimensions
OTHER_DIMS = {"n": 4, "m": 2, "k": 5, "l": 3}


def _engine(case: Case, arrays: dict, layout: str, mode: str) -> np.ndarray:
    x = np.asarray(arrays[case.var], dtype=float)
    return np.asarray(cr.jacobian(numpy_function(case, arrays), layout=layout, mode=mode)(x))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("case", ROWS, ids=lambda c: c.id)
def test_each_row_equals_the_engine_in_each_layout(case: Case, layout: str) -> None:
    result = mx.diff(case.text, case.var, shapes=case.shapes, layout=layout)
    for seed, dims in ((0, None), (1, OTHER_DIMS)):
        arrays = arrays_for(case.shapes, seed, dims)
        value = np.asarray(result.evaluate(arrays))
        for mode in ("rev", "fwd"):
            engine = _engine(case, arrays, layout, mode)
            assert value.shape == engine.shape
            np.testing.assert_allclose(value, engine, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("case", ROWS, ids=lambda c: c.id)
def test_each_row_has_the_textbook_form(case: Case) -> None:
    expr = mx.parse(case.text, case.shapes)
    result = mx.diff(expr, case.var)
    shown = mx.vec_form(expr, case.var) if result.ndim > 2 else result
    assert str(shown) == case.mixed


@pytest.mark.parametrize(
    "case", [c for c in JACOBIANS if c.text in ("X a", "A X B", "X^-1", "X' X")], ids=lambda c: c.id
)
def test_vec_forms_equal_the_engine_reshaped(case: Case) -> None:
    expr = mx.parse(case.text, case.shapes)
    arrays = arrays_for(case.shapes, 2)
    engine = _engine(case, arrays, "mixed", "rev")  # axes: Y's, then X's
    out_ndim = expr.ndim
    # vec stacks columns: the row index of vec(Y) is i + m j, so reverse each group of axes before reshaping
    y_axes = list(range(out_ndim))[::-1]
    x_axes = list(range(out_ndim, engine.ndim))[::-1]
    rows = int(np.prod(engine.shape[:out_ndim]))
    want = np.transpose(engine, y_axes + x_axes).reshape(rows, -1)
    for layout, expected in (("mixed", want), ("numerator", want), ("denominator", want.T)):
        got = np.asarray(mx.vec_form(expr, case.var, layout=layout).evaluate(arrays))
        np.testing.assert_allclose(got.reshape(expected.shape), expected, rtol=1e-9, atol=1e-11)


def test_three_and_four_index_results_are_einsums_of_the_layout_shape() -> None:
    shapes = {"A": "m,n", "X": "n,k", "B": "k,l"}
    for layout in LAYOUTS:
        result = mx.diff("A X B", "X", shapes=shapes, layout=layout)
        assert result.op == "einsum"
        assert result.shape == layout_shape(("m", "l"), ("n", "k"), layout)
    assert str(mx.diff("A X B", "X", shapes=shapes)) == 'einsum("ik,lj->ijkl", A, B)'


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("case", ROWS, ids=lambda c: c.id)
def test_every_step_of_each_explanation_is_an_equality(case: Case, layout: str) -> None:
    explanation = mx.explain(case.text, case.var, shapes=case.shapes, layout=layout)
    assert explanation.result is mx.diff(case.text, case.var, shapes=case.shapes, layout=layout)
    pairs = explanation.equalities()
    assert pairs
    differential = explanation.steps[0].lhs  # d(f), evaluated by the engine's jvp
    var = mx.parse(case.var, case.shapes)
    mixed = mx.diff(case.text, case.var, shapes=case.shapes)
    for seed in (3, 4):
        arrays = arrays_for(case.shapes, seed)
        direction = arrays_for({f"d{case.var}": case.shapes[case.var]}, seed + 10)
        arrays.update(direction)  # the direction dX of the differentials
        for left, right in pairs:
            (
                np.testing.assert_allclose(
                    np.asarray(left.evaluate(arrays)),
                    np.asarray(right.evaluate(arrays)),
                    rtol=1e-9,
                    atol=1e-10,
                ),
                f"{left} = {right}",
            )
        # the explanation ends at diff's result: d(f) = Σ (∂f/∂X) ⊙ dX over X's axes, in the mixed layout
        assert differential is not None
        paired = np.tensordot(
            np.asarray(mixed.evaluate(arrays)), np.asarray(arrays[f"d{case.var}"]), var.ndim
        )
        np.testing.assert_allclose(paired, np.asarray(differential.evaluate(arrays)), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("case", SCALARS[:3], ids=lambda c: c.id)
def test_an_explanation_would_fail_its_check_if_a_step_were_wrong(case: Case) -> None:
    # the check above is not vacuous: the engine's differential differs from a wrong formula
    explanation = mx.explain(case.text, case.var, shapes=case.shapes)
    lhs = explanation.steps[0].lhs
    arrays = arrays_for(case.shapes, 5) | arrays_for({f"d{case.var}": case.shapes[case.var]}, 6)
    wrong = 2 * explanation.steps[0].chain[-1]
    assert not np.allclose(lhs.evaluate(arrays), wrong.evaluate(arrays))


def test_the_explanation_names_the_rules_of_the_lecture() -> None:
    text = str(mx.explain("tr(A X B)", "X", shapes={"A": "n,n", "X": "n,n", "B": "n,n"}))
    for part in ("linearity of the differential", "product rule", "trace cyclicity", "tr(B A dX)", "(B A)'"):
        assert part in text
    rules = [s.rule for s in mx.explain("log det(X) + det(X)", "X", shapes={"X": "n,n"}).steps]
    assert "Jacobi's formula" in rules
    assert "log-determinant rule" in rules
    steps = mx.explain("tanh(A x)", "x", shapes={"A": "n,n", "x": "n"}).steps
    assert steps[0].rule.startswith("elementwise chain rule")
    assert "1 - tanh" in steps[0].statement
    inverse = mx.explain("a' X^-1 b", "X", shapes={"a": "n", "X": "n,n", "b": "n"}).steps
    assert any(s.rule == "inverse rule" for s in inverse)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("case", HESSIANS, ids=lambda c: c.id)
def test_hessians_equal_the_engine(case: Case, layout: str) -> None:
    hessian = mx.hessian(case.text, case.var, shapes=case.shapes, layout=layout)
    if case.mixed and layout == "mixed":
        assert str(hessian) == case.mixed
    arrays = arrays_for(case.shapes, 7)
    x = np.asarray(arrays[case.var], dtype=float)
    engine = cr.hessian(numpy_function(case, arrays), layout=layout)(x)
    np.testing.assert_allclose(np.asarray(hessian.evaluate(arrays)), engine, rtol=1e-8, atol=1e-10)


def test_results_round_trip_through_text() -> None:
    for case in ROWS + HESSIANS:
        for layout in LAYOUTS:
            result = mx.diff(case.text, case.var, shapes=case.shapes, layout=layout)
            assert mx.parse(str(result), result.shapes | case.shapes) is result, str(result)
