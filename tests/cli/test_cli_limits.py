"""The command line's limits on derivatives: clear one-line refusals, never a hang or a MemoryError."""

from __future__ import annotations

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


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("diff", "√" * 4999 + "x", "--order", "2"), "2nd derivative in x of √√√"),
        (("grad", "*".join(f"(x+{k})" for k in range(1200)), "--at", "x=0.5"), "1,440,000 factors"),
    ],
)
def test_a_product_rule_too_large_to_write_is_refused_at_once(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    # both ran for minutes (the first for over ten, in 600 MB): the product rule would write millions of
    # factors, which the command line's limit on nodes did not see coming
    status, _, err = in_process(capsys, *argv)
    assert status == 2
    assert message in err
    assert "the command line's limit" in err
    assert "max_nodes=" in err
    assert len(err.strip().splitlines()) == 1


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
