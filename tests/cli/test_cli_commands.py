"""The ``chainrule`` command, run in-process through ``main`` and once as a subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chainrule.cli import main

symbolic = pytest.importorskip("chainrule.symbolic")
NEEDED = ("parse", "diff", "explain", "gradient", "jacobian", "lambdify", "to_latex", "ParseError")
if not all(hasattr(symbolic, name) for name in NEEDED):  # the symbolic package is still being written
    pytest.skip("chainrule.symbolic lacks the names the CLI needs", allow_module_level=True)


def run(capsys, *argv):
    status = main(["--plain", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_grad_three_ways_agree(capsys):
    status, out, _ = run(capsys, "grad", "sin(w1)*w2*(1-w2)", "--at", "w1=0.4,w2=0.3")
    assert status == 0
    assert "0.193422808741" in out
    assert "0.155767336923" in out
    spread = float(out.split("at most ")[1].split()[0].rstrip(","))
    assert spread < 1e-8


def test_grad_hessian(capsys):
    status, out, _ = run(capsys, "grad", "x^2*y", "--at", "x=1,y=2", "--hessian")
    assert status == 0
    assert "[[4., 2.],\n [2., 0.]]" in out


def test_vector_expression_gives_the_jacobian_in_either_layout(capsys):
    status, out, _ = run(capsys, "grad", "[x*y, x+2*y]", "--at", "x=3,y=5")
    assert status == 0
    assert "mixed layout" in out  # the default layout; for vectors it is numerator layout too
    assert "[[5., 3.],\n [1., 2.]]" in out
    status, out, _ = run(capsys, "grad", "[x*y, x+2*y]", "--at", "x=3,y=5", "--layout", "denominator")
    assert status == 0
    assert "[[5., 1.],\n [3., 2.]]" in out


def test_diff_steps_latex_and_values(capsys):
    status, out, _ = run(capsys, "diff", "log(sqrt(x))", "--at", "x=4", "--steps", "--latex")
    assert status == 0
    assert "f′ = 1/(2*x)" in out
    assert "chain rule" in out
    assert "\\frac{1}{2 x}" in out
    for method in ("symbolic", "automatic", "numerical"):
        assert any(line.startswith(method) and "0.125" in line for line in out.splitlines())


def test_diff_higher_order_with_another_variable(capsys):
    status, out, _ = run(capsys, "diff", "sin(x)*y", "--wrt", "x", "--order", "2", "--at", "x=1,y=2")
    assert status == 0
    assert "-y*sin(x)" in out
    assert "-1.6829419696" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diff", "sin(x"], "never closed"),
        (["grad", "x*y", "--at", "x=1,z=2"], "unknown variable 'z'"),
        (["grad", "x*y", "--at", "x=1"], "no value for y"),
        (["diff", "x*y"], "--wrt"),
        (["diff", "x", "--order", "0"], "--order"),
        (["grad", "[x*y, x+]", "--at", "x=1,y=2"], "^"),
        (["plot", "x^2", "-o", "out.gif"], ".png"),
        (["graph", "3", "--at", "x=1"], "no variables"),
        (["diff", "sin(x)", "--at", "x="], "no value after '='"),
        (["diff", "sin(x)", "--at", "x=y"], "must be a number"),
        (["plot", "log(x)", "--at", "0"], "where f is differentiable"),
        # f'(0) = 199! overflows (the engine's product rule gives inf * 0 = nan): not a kink, say so
        (["plot", "*".join(f"(x+{k})" for k in range(200)), "--at", "0"], "fit in a float64"),
        (["grad", "[x, y]", "--at", "x=1,y=2", "--hessian"], "scalar"),
    ],
)
def test_user_mistakes_exit_2_without_a_traceback(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert message in err
    assert "Traceback" not in err + out


def test_a_parse_error_in_a_vector_points_at_the_whole_text(capsys):
    _, _, err = run(capsys, "grad", "[x*y, x+]", "--at", "x=1,y=2")
    text_line, caret_line = err.splitlines()[-2:]
    assert text_line.strip() == "[x*y, x+]"
    assert caret_line.index("^") - text_line.index("[") in (7, 8)


def test_a_kink_explains_why_the_numerical_value_differs(capsys):
    status, out, _ = run(capsys, "diff", "relu(x)", "--at", "0")
    assert status == 0
    assert "kink" in out
    status, out, _ = run(capsys, "diff", "x^2", "--at", "1")
    assert "kink" not in out


def test_a_mistake_is_reported_before_any_output(capsys):
    status, out, _ = run(capsys, "diff", "sin(x)", "--at", "x=y")
    assert status == 2
    assert out == ""


def test_a_singularity_is_shown_not_warned_about(capsys):
    status, out, err = run(capsys, "diff", "x/0", "--at", "x=1")
    assert status == 0
    assert "cannot be judged" in out
    assert err == ""


def test_a_bad_option_exits_2(capsys):
    assert main(["grad", "x", "--layout", "sideways", "--at", "x=1"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_graph_writes_values_and_gradients(capsys, tmp_path):
    target = tmp_path / "graph.svg"
    status, out, _ = run(capsys, "graph", "(a*b + c)*f", "--at", "a=2,b=-3,c=10,f=-2", "-o", str(target))
    assert status == 0
    assert "= -8" in out
    svg = target.read_text()
    for value, grad in ((2, 6), (-3, -4), (10, -2), (-2, 4), (-8, 1)):
        assert f"value {value}" in svg
        assert f"grad {grad}" in svg


def test_plot_writes_the_pictures(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "plot.png"
    status, out, _ = run(capsys, "plot", "x^3 - 3x", "--at", "1", "--secants", "--error", "-o", str(target))
    assert status == 0
    for name in ("plot.png", "plot-secants.png", "plot-error.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")
        assert name in out


def test_plot_of_two_variables_draws_a_gradient_field(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    status, _, _ = run(capsys, "plot", "x^2 + 3y^2", "-o", str(tmp_path / "field.svg"))
    assert status == 0
    assert "<svg" in (tmp_path / "field.svg").read_text()


def test_train_learns_the_moons(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    status, out, _ = run(capsys, "train", "--steps", "150", "-o", str(tmp_path))
    assert status == 0
    assert "training 150/150" in out
    assert "training accuracy 100.0%" in out
    assert (tmp_path / "loss.png").exists()
    assert (tmp_path / "boundary.png").exists()


def test_rich_output_when_available(capsys):
    pytest.importorskip("rich")
    assert main(["diff", "x^3"]) == 0
    assert "3*x^2" in capsys.readouterr().out


def test_subprocess_run():
    done = subprocess.run(
        [sys.executable, "-m", "chainrule.cli", "--plain", "diff", "x^2", "--at", "x=3"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "f′ = 2*x" in done.stdout
    assert "6" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "chainrule.cli", "diff", "x^^2"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert "^" in bad.stderr
