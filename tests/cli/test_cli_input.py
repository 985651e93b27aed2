"""The command never answers a different question and never shows a traceback for a user's mistake.

Each case of issue 17's list, in-process: exit status 2, one line on stderr naming the problem, nothing
computed before it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli.helpers import Result, in_process


def refused(result: Result, message: str) -> None:
    status, out, err = result
    assert status == 2, (out, err)
    assert message in err, err
    assert "Traceback" not in out + err
    assert out == ""  # refused before any output


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("x=1,5", "x is given twice (x=1 and 5)"),
        ("x=1,x=2", "x is given twice (x=1 and x=2)"),
        ("x=0x10", "'0x10' is not a decimal number"),
        ("x=1e", "'1e' is not a decimal number"),
        ("x=1_000", "'1_000' is not a decimal number"),
        ("x=2j", "'2j' is not a decimal number"),
        ("x=10^400", "too large for a float64"),
        ("x=1e400", "too large for a float64"),
        ("x=1" + "0" * 309, "too large for a float64"),
        ("x", "give x a value, e.g. --at x=1"),
        ("x=", "no value after '='"),
        ("x=2⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹", "too large"),
    ],
)
def test_a_point_that_would_be_misread_is_refused(
    capsys: pytest.CaptureFixture[str], at: str, message: str
) -> None:
    refused(in_process(capsys, "grad", "x", "--at", at), message)
    refused(in_process(capsys, "diff", "x^2", "--at", at), message)


def test_a_bare_value_still_names_the_only_variable(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = in_process(capsys, "diff", "x^2", "--at", "1.5")
    assert status == 0
    assert "at x=1.5" in out
    # spaces, exponents and constants
    status, out, _ = in_process(capsys, "grad", "x*y", "--at", "x=2e-1, y=pi/4")
    assert status == 0
    assert "x=0.2, y=0.785398" in out


def test_no_echo_of_x_equals_x(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = in_process(capsys, "diff", "x^2", "--at", "x")
    assert "x=x" not in err
    assert status == 2


@pytest.mark.parametrize("expression", ["x^" + "⁹" * 5000, "x" + "⁹" * 5000])
def test_huge_numbers_in_the_expression_are_a_clear_error(
    capsys: pytest.CaptureFixture[str], expression: str
) -> None:
    for argv in (("grad", expression, "--at", "x=1"), ("diff", expression, "--at", "x=1")):
        status, out, err = in_process(capsys, *argv)
        assert status == 2, (out, err)
        assert "Traceback" not in out + err
        assert len(err.strip().splitlines()) <= 3  # one line (a caret under it for a parse error)
        assert "too long" in err
        assert "digits" in err


@pytest.mark.parametrize("expression", ["x*2^10000", "x*pi^pi^pi^pi", "x*10^400", "x*9^9^9"])
def test_huge_constants_in_the_expression_are_float64_infinities(
    capsys: pytest.CaptureFixture[str], expression: str
) -> None:
    # constants are computed as float64 values, as NumPy would: inf, shown as inf, in no time
    for argv in (("grad", expression, "--at", "x=1"), ("diff", expression, "--at", "x=1")):
        status, out, err = in_process(capsys, *argv)
        assert status == 0, (out, err)
        assert "Traceback" not in out + err
        assert "inf" in out


def test_plot_into_a_missing_directory_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "p.png"
    refused(in_process(capsys, "plot", "x^2", "-o", str(target)), "no directory")
    assert not (tmp_path / "missing").exists()  # not created


@pytest.mark.parametrize("command", [["plot", "x^2"], ["graph", "x*y", "--at", "x=1,y=2"]])
def test_an_existing_directory_as_the_output_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    folder = tmp_path / "out.svg"
    folder.mkdir()
    refused(in_process(capsys, *command, "-o", str(folder)), "is a directory")


def test_plot_checks_every_file_it_will_write_before_drawing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "p-error.png").mkdir()
    refused(in_process(capsys, "plot", "x^2", "--error", "-o", str(tmp_path / "p.png")), "p-error.png")
    assert not (tmp_path / "p.png").exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, unwritable even for root")
def test_an_unwritable_place_is_an_error_before_any_work(capsys: pytest.CaptureFixture[str]) -> None:
    refused(in_process(capsys, "plot", "x^2", "-o", "/proc/p.png"), "cannot write in /proc")
    refused(
        in_process(capsys, "graph", "x*y", "--at", "x=1,y=2", "-o", "/proc/g.svg"), "cannot write in /proc"
    )
    refused(in_process(capsys, "train", "--steps", "5", "-o", "/proc/run"), "cannot write in /proc")
    refused(in_process(capsys, "tour", "--out", "/proc/tour"), "cannot write in /proc")


@pytest.mark.parametrize(("command", "option"), [("train", "-o"), ("tour", "--out")])
def test_an_existing_file_as_the_output_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, option: str
) -> None:
    existing = tmp_path / "report"
    existing.write_text("keep me")
    refused(in_process(capsys, command, option, str(existing)), "is a file, not a directory")
    assert existing.read_text() == "keep me"


def test_a_missing_parent_of_the_output_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    refused(in_process(capsys, "train", "--steps", "5", "-o", str(tmp_path / "a" / "b")), "no directory")
    refused(in_process(capsys, "tour", "--out", str(tmp_path / "a" / "b")), "no directory")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--seed", "-1"], "--seed: must be a non-negative integer, got '-1'"),
        (["train", "--steps", "0"], "--steps: must be a positive integer, got '0'"),
        (["train", "--lr", "inf"], "--lr: must be a positive finite number, got 'inf'"),
        (["train", "--lr", "nan"], "--lr: must be a positive finite number, got 'nan'"),
        (["train", "--lr", "-0.1"], "--lr: must be a positive finite number"),
        (["train", "--lr", "1e999"], "--lr: must be a positive finite number"),
    ],
)
def test_bad_training_options_exit_2_with_the_usage_of_train(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = in_process(capsys, *argv)
    assert status == 2
    assert message in err
    assert "usage: chainrule train" in err
    assert "Traceback" not in out + err


def test_an_unknown_flag_after_a_command_shows_that_commands_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = in_process(capsys, "diff", "x", "--bogus")
    assert status == 2
    assert "usage: chainrule diff" in err
    assert "unrecognized arguments: --bogus" in err
    status, _, err = in_process(capsys, "--bogus", "diff", "x")
    assert status == 2
    assert "usage: chainrule [-h]" in err


@pytest.mark.parametrize("lr", ["1e308", "1e30"])
def test_a_diverging_training_run_is_refused_clearly(
    capsys: pytest.CaptureFixture[str], lr: str, tmp_path: Path
) -> None:
    status, out, err = in_process(
        capsys, "train", "--steps", "20", "--optimizer", "sgd", "--lr", lr, "-o", str(tmp_path)
    )
    assert status == 2
    assert "diverged" in err
    assert "smaller --lr" in err
    assert "Traceback" not in out + err
    assert "accuracy" not in out
    assert list(tmp_path.iterdir()) == []  # no pictures of a failed run


def test_a_run_whose_loss_rises_is_called_diverged(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = in_process(
        capsys, "train", "--steps", "30", "--optimizer", "sgd", "--lr", "60", "--no-plots"
    )
    assert status == 2
    assert "diverged" in err


def test_help_says_what_is_overwritten(capsys: pytest.CaptureFixture[str]) -> None:
    from chainrule.cli import main

    for command, words in (
        ("plot", "replaced"),
        ("graph", "replaced"),
        ("train", "loss.png and boundary.png"),
        ("tour", "index.html"),
    ):
        assert main([command, "--help"]) == 0
        text = " ".join(capsys.readouterr().out.split())
        assert words in text, command
        assert "replaced" in text, command


@pytest.mark.parametrize(
    "argv",
    [
        ("diff", "[x, x^2]"),
        ("diff", "[x, x^2]", "--at", "1"),
        ("graph", "[x*y, x+y]", "--at", "x=1,y=2"),
        ("plot", "[x, x^2]", "--at", "1"),
    ],
)
def test_a_vector_is_refused_where_one_expression_is_expected(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    # never cut to its first entry, which answered for a different function
    refused(in_process(capsys, *argv), "takes one expression, not a vector of 2")


def caret_at(err: str, position: int) -> None:
    """The message names ``position`` and its last line has the caret under it."""
    assert f"(at position {position})" in err, err
    assert err.rstrip("\n").splitlines()[-1].index("^") - 2 == position, err


@pytest.mark.parametrize(
    ("expression", "message", "position"),
    [
        ("[x*y, x+y", "'[' is never closed", 0),
        ("  [x*y, x+y", "'[' is never closed", 2),
        ("x*y, x+y]", "']' without a matching '['", 8),
    ],
)
def test_an_unclosed_vector_is_named_as_such(
    capsys: pytest.CaptureFixture[str], expression: str, message: str, position: int
) -> None:
    result = in_process(capsys, "grad", expression, "--at", "x=1,y=2")
    refused(result, message)
    assert "use parentheses" not in result[2]
    caret_at(result[2], position)


@pytest.mark.parametrize(
    ("expression", "suggestion", "position"),
    [("|x|", "abs(x)", 0), ("sin^2(x)", "sin(x)^2", 0), ("x!", "gamma(x + 1)", 1)],
)
def test_book_notation_gets_what_to_write(
    capsys: pytest.CaptureFixture[str], expression: str, suggestion: str, position: int
) -> None:
    result = in_process(capsys, "diff", expression)
    refused(result, f"write {suggestion}")
    caret_at(result[2], position)


def test_matrix_notation_in_diff_names_the_shapes_option(capsys: pytest.CaptureFixture[str]) -> None:
    result = in_process(capsys, "diff", "x' A x", "--shapes", "x=n")
    refused(result, "unknown variable 'A': give its shape in --shapes, e.g. --shapes x=n,A=n,n (A= for a")
    assert "shapes=" not in result[2]
    caret_at(result[2], 3)
    result = in_process(capsys, "diff", "x' A x")
    refused(result, 'add --shapes, e.g. chainrule diff "x\' A x" --wrt x --shapes x=n,A=n,n')
    assert "shapes=" not in result[2]


@pytest.mark.parametrize("command", [["grad", "--at", "x=1"], ["graph", "--at", "x=1"], ["plot"]])
def test_matrix_notation_elsewhere_says_what_to_run(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    name, *options = command
    result = in_process(capsys, name, "x' A x", *options)
    suggested = 'chainrule diff "x\' A x" --wrt x --shapes x=n,A=n,n'
    refused(result, f"which {name} does not take: run {suggested}")
    assert "shapes=" not in result[2]
    # and what it says to run runs
    status, out, err = in_process(capsys, "diff", "x' A x", "--wrt", "x", "--shapes", "x=n,A=n,n")
    assert status == 0, err
    assert "(A + A') x" in out


@pytest.mark.parametrize("shapes", ["x=n,,", "x=n,", "x=n,,,A=n,n", "x=n,A=n,,n"])
def test_an_empty_dimension_in_shapes_is_refused(capsys: pytest.CaptureFixture[str], shapes: str) -> None:
    refused(in_process(capsys, "diff", "x' A x", "--wrt", "x", "--shapes", shapes), "an empty dimension for")


def test_wrt_a_variable_the_formula_does_not_use(capsys: pytest.CaptureFixture[str]) -> None:
    refused(
        in_process(capsys, "diff", "x' A x", "--shapes", "x=n,A=n,n", "--wrt", "z"),
        "--wrt z: not a variable of x' A x (its variables: A, x); give it a shape in --shapes",
    )
    # with a shape it is a variable like any other: its derivative is an exact zero, checked like any other
    status, out, err = in_process(capsys, "diff", "x' A x", "--shapes", "x=n,A=n,n,z=m", "--wrt", "z")
    assert status == 0, err
    assert "∂f/∂z = zeros(m)" in out
    assert "differ by at most 0.0e+00" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diff", "x*y", "--wrt", "x", "--wrt", "y"], "--wrt is given twice (x and y); give it once: diff"),
        (["grad", "x*y", "--at", "x=1", "--at", "y=2"], "--at is given twice (x=1 and y=2)"),
        (["diff", "x^3", "--order", "2", "--order", "3"], "--order is given twice (2 and 3)"),
        (["diff", "x' x", "--shapes", "x=n", "--shapes", "x=m"], "--shapes is given twice"),
    ],
)
def test_an_option_given_twice_is_refused(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    # argparse would keep the last one silently: d/dy for --wrt x --wrt y
    refused(in_process(capsys, *argv), message)


def test_an_over_long_expression_names_the_command_lines_limit(capsys: pytest.CaptureFixture[str]) -> None:
    from chainrule.symbolic.lexer import MAX_LENGTH

    result = in_process(capsys, "diff", "x+" * MAX_LENGTH + "x")
    refused(result, f"the limit is {MAX_LENGTH} on the command line")
    assert f"(at position {MAX_LENGTH})" in result[2]
    assert result[2].splitlines()[-1].strip() == "^"  # under the snippet where the limit falls
