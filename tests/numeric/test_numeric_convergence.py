"""The teaching table: the V of truncation against round-off, and result display."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.numeric import NumericResult, convergence, derivative


def test_v_shape_of_forward_and_central_differences() -> None:
    table = convergence(np.sin, 1.0)
    for scheme, best in (("forward", 1e-8), ("central", 1e-5)):
        errors = table.errors[scheme]
        bottom = int(np.nanargmin(errors))
        # truncation falls towards the bottom, round-off rises after it
        assert errors[0] > 100 * errors[bottom]
        assert np.nanmax(errors[bottom:]) > 100 * errors[bottom]
        assert best / 1000 <= table.best_step(scheme) <= best * 1000
    assert table.errors["complex"][-1] < 1e-15  # the complex step has no round-off branch
    assert table.reference.method == "complex"
    text = str(table)
    assert "forward error" in text
    assert "<table>" in table._repr_html_()


def test_complex_column_is_nan_when_f_is_not_complex_safe() -> None:
    table = convergence(lambda x: math.exp(x), 0.5, steps=[1e-2, 1e-4])
    assert np.all(np.isnan(table.estimates["complex"]))
    assert math.isnan(table.best_step("complex"))
    assert table.errors["central"][1] < 1e-8


def test_steps_below_the_spacing_of_floats_give_nan() -> None:
    table = convergence(np.exp, 1e8, steps=[1e-12])
    assert math.isnan(table.estimates["forward"][0])


def test_convergence_argument_checks() -> None:
    with pytest.raises(ChainruleTypeError, match="scalar"):
        convergence(np.sin, [1.0, 2.0])
    with pytest.raises(ChainruleValueError, match="steps"):
        convergence(np.sin, 1.0, steps=[-1.0])
    with pytest.raises(ChainruleTypeError, match="real scalar"):
        convergence(lambda x: np.array([x, x]) if np.isrealobj(x) else x, 1.0)


def test_result_display() -> None:
    result = derivative(np.log, 2.0, method="richardson")
    text = repr(result)
    assert text.startswith("NumericResult(value=0.49999")
    assert "status=0" in text
    assert "<caption>NumericResult</caption>" in result._repr_html_()
    failed = NumericResult(value=1.0, error=2.0, n_evals=3, method="central", step=0.1, status=-1)
    assert "message=" in repr(failed)
    assert not failed.success
    array = derivative(np.exp, np.array([0.0, 1.0]))
    assert "error=[" in repr(array)
