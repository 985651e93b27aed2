"""What the command says about its numbers is true: NaN is disagreement, domains and kinks are named only
where they apply, the numerical error bound is shown, the version is known, held-out accuracy is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli.helpers import in_process

import chainrule


def verdict(out: str) -> str:
    lines = [line for line in out.splitlines() if line.startswith(("agreement", "disagreement", "all three"))]
    assert len(lines) == 1, out
    return lines[0]


@pytest.mark.parametrize("command", ["grad", "diff"])
def test_a_nan_is_disagreement_and_the_domain_is_named(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    status, out, err = in_process(capsys, command, "log(x)", "--at", "x=-1")
    assert status == 0, err
    line = verdict(out)
    assert line.startswith("disagreement")
    assert "numerical value is NaN" in line
    assert "at most 0.0e+00" not in out
    assert "log(x) is not defined at x = -1" in out
    assert "outside the domain of log" in out


def test_the_domain_of_a_power_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = in_process(capsys, "grad", "x^0.5 + y", "--at", "x=-1,y=2")
    assert status == 0
    assert verdict(out).startswith("disagreement")
    assert "a negative number to a non-integer power" in out


def test_a_nan_deep_inside_is_traced_to_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = in_process(capsys, "diff", "exp(sin(log(x - 3)))", "--at", "x=1")
    assert status == 0
    assert "log(x - 3) is not defined at x - 3 = -2" in out


def test_a_singularity_is_not_agreement(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "diff", "sqrt(x)", "--at", "x=0")
    assert status == 0
    assert verdict(out).startswith("disagreement")
    assert "cannot be judged" in out
    assert "kink" not in out  # sqrt has no kink: the old note was wrong here
    assert err == ""


def test_all_three_infinite_is_said_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = in_process(capsys, "diff", "x/0", "--at", "x=1")
    assert status == 0
    assert "cannot be judged" in out
    assert err == ""


@pytest.mark.parametrize(
    ("command", "expression", "at", "function"),
    [
        ("diff", "relu(x)", "0", "relu(x)"),
        ("diff", "abs(x) + x^2", "x=0", "abs(x)"),  # the central difference agrees here, the kink is real
        ("grad", "max(x, y)", "x=1,y=1", "max(x, y)"),
        ("grad", "abs(x - y)*y", "x=2,y=2", "abs(x - y)"),
        ("diff", "sign(x)*x", "x=0", "sign(x)"),
    ],
)
def test_a_kink_note_names_the_function_at_its_kink(
    capsys: pytest.CaptureFixture[str], command: str, expression: str, at: str, function: str
) -> None:
    status, out, _ = in_process(capsys, command, expression, "--at", at)
    assert status == 0
    notes = [line for line in out.splitlines() if line.startswith("note:")]
    assert len(notes) == 1, out
    assert f"{function} is at its kink" in notes[0]
    assert "chainrule takes" in notes[0] or "chainrule splits" in notes[0] or "taken as 0" in notes[0]


@pytest.mark.parametrize(
    ("command", "expression", "at"),
    [
        ("diff", "x^2", "1"),
        ("diff", "sqrt(x)", "0"),
        ("diff", "relu(x)", "0.5"),
        ("grad", "abs(x)*y", "x=1,y=0"),
        ("grad", "max(x, y)", "x=1,y=2"),
    ],
)
def test_no_kink_note_away_from_kinks(
    capsys: pytest.CaptureFixture[str], command: str, expression: str, at: str
) -> None:
    status, out, _ = in_process(capsys, command, expression, "--at", at)
    assert status == 0
    assert "kink" not in out


def test_grad_shows_the_numerical_error_bound(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = in_process(capsys, "grad", "sin(w1)*w2*(1-w2)", "--at", "w1=0.4,w2=0.3")
    assert status == 0
    header = next(line for line in out.splitlines() if "numerical" in line)
    assert "± error" in header
    row = next(line for line in out.splitlines() if line.startswith("∂f/∂w1"))
    bound = float(row.split()[-1])
    assert 0 < bound < 1e-10
    assert "within the numerical error bound" in verdict(out)


def test_a_jacobian_shows_its_error_bounds_too(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = in_process(capsys, "grad", "[x*y, x+2*y]", "--at", "x=3,y=5")
    assert status == 0
    rows = [line for line in out.splitlines() if line.startswith("∂f")]
    assert len(rows) == 4
    assert all(float(row.split()[-1]) < 1e-10 for row in rows)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from chainrule.cli import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"chainrule {chainrule.__version__}"


def test_train_reports_held_out_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = in_process(capsys, "train", "--steps", "150", "--no-plots")
    assert status == 0
    training = next(line for line in out.splitlines() if line.startswith("training accuracy"))
    held_out = next(line for line in out.splitlines() if line.startswith("held-out accuracy"))
    assert "200 points" in training
    assert "200 points not trained on" in held_out
    assert float(held_out.split()[2].rstrip("%")) >= 95.0


def test_graph_names_the_domain_of_a_nan_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = in_process(capsys, "graph", "log(x)", "--at", "x=-1", "-o", str(tmp_path / "g.svg"))
    assert status == 0, err
    assert "forward: log(x) = nan" in out
    assert "note: log(x) is not defined at x = -1: -1 is outside the domain of log" in out
    status, out, _ = in_process(capsys, "graph", "log(x)", "--at", "x=2", "-o", str(tmp_path / "g.svg"))
    assert status == 0
    assert "note:" not in out


def test_a_kink_note_names_the_kink_of_the_argument(capsys: pytest.CaptureFixture[str]) -> None:
    # relu(x - 1) has its corner at x - 1 = 0, i.e. x = 1, not at the row's own "x = 0"
    status, out, _ = in_process(capsys, "diff", "relu(x - 1)", "--at", "x=1")
    assert status == 0
    assert "relu(x - 1) is at its kink here (x - 1 = 0): relu has a corner at x - 1 = 0," in out
    assert "corner at x = 0" not in out
