"""The command line's limits on derivatives: clear one-line refusals, never a hang or a MemoryError."""

from __future__ import annotations

import numpy as np
import pytest
from tests.cli.helpers import in_process

from chainrule.cli import calculus


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("diff", "x^x", "--order", "1000000000"), "--order must be at most 20"),
        (("diff", "x^x", "--order", "21"), "--order must be at most 20"),
        (("diff", "x^x", "--order", "9", "--at", "x=1.5"), "--order with --at must be at most 8"),
        (("diff", "x^x", "--order", "0"), "--order must be at least 1"),
        # these two ran for minutes (the first for over ten, in 600 MB): the product rule would write
        # millions of factors, which the limit on nodes did not see coming
        (
            ("diff", "√" * 4999 + "x", "--order", "2"),
            "would write 24,990,001 factors (the command line's limit; in Python, max_nodes=",
        ),
        (
            ("grad", "*".join(f"(x+{k})" for k in range(1200)), "--at", "x=0.5"),
            "would write 1,440,000 factors (the command line's limit; in Python, max_nodes=",
        ),
    ],
)
def test_order_limits_are_one_line_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    status, out, err = in_process(capsys, *argv)
    assert status == 2
    assert message in err
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1


def test_a_high_order_prints_with_shared_subexpressions(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "diff", "x^x", "--order", "20", "--latex")
    assert status == 0, err
    assert "\nwhere\n" in out
    assert "t₁ = " in out
    assert "\\text{where}" in out
    assert len(out) < 1_000_000


def test_a_derivative_that_grows_stops_with_a_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calculus, "MAX_NODES", 50)
    status, out, err = in_process(capsys, "diff", "x^x", "--order", "20")
    assert status == 2
    assert "grown past 50 nodes" in err
    assert "the command line's limit" in err
    assert "Traceback" not in out + err


def test_grad_prints_a_long_formula_below_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "grad", "√" * 300 + "x", "--at", "x=0.5")
    assert status == 0, err
    assert "characters: below" in out
    assert "\n∂f/∂x = " in out


def test_grad_of_many_variables_checks_numerically_along_one_direction(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 1,400 variables took a minute: a finite difference per variable, each evaluation as long as f
    names = [f"x{k}" for k in range(201)]
    at = ",".join(f"{n}={0.01 * k}" for k, n in enumerate(names))
    status, out, err = in_process(capsys, "grad", "+".join(f"{n}^2" for n in names), "--at", at)
    assert status == 0, err
    assert "about 2,412 evaluations of f for 201 variables" in out
    assert "checked instead along one random direction v" in out
    assert "agreement: the three differ by at most" in out
    assert "┃" not in out  # 201 rows: plain columns, not a rich table
    assert "∂f/∂x200  2*x200   4" in out
    few = names[:100]
    status, out, err = in_process(
        capsys, "grad", "+".join(f"{n}^2" for n in few), "--at", at.rsplit(",", 101)[0]
    )
    assert status == 0, err
    assert "random direction" not in out  # up to 100 variables, one finite difference each


def test_beyond_the_limit_automatic_and_symbolic_are_still_compared_entry_by_entry() -> None:
    # along one direction a wrong entry can cancel (here 1*2 + 0 == 1*3 - 1*1): the entries must be weighed
    from chainrule.cli.verdict import agreement

    automatic, exact = np.array([[2.0, 0.0]]), np.array([[3.0, -1.0]])
    along = (np.array([2.0]), np.array([2.0]), np.array([2.0]), np.array([1e-12]))
    assert agreement(*along).startswith("agreement")  # the direction alone would miss it
    weighed = calculus._weighed_along(automatic, exact, along)
    assert agreement(*weighed).startswith("disagreement: the automatic and symbolic values differ by 1.0e+00")
    assert agreement(*calculus._weighed_along(exact, exact, along)).startswith("agreement")
    nan = np.array([[np.nan, -1.0]])
    assert "NaN" in agreement(*calculus._weighed_along(nan, exact, along))
