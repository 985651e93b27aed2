"""The plots render with Agg, are not blank, and show what they should (labels, slopes, optimal steps)."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from chainrule import viz  # noqa: E402


def _texts(fig: object) -> str:
    """Every string drawn on the figure: titles, labels, annotations, legend entries."""
    from matplotlib.text import Text

    return "\n".join(t.get_text() for t in fig.findobj(Text))  # type: ignore[attr-defined]


def _not_blank(fig: object) -> None:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)  # type: ignore[attr-defined]
    from matplotlib.image import imread

    buffer.seek(0)
    pixels = imread(buffer)
    assert pixels.std() > 0.05  # a blank canvas has one colour


def cubic(x):
    return x**3 - 3 * x


def test_tangent_plot_shows_slope_and_shading():
    fig = viz.tangent_plot(cubic, 1.5)
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "f(x)")
    text = _texts(fig)
    assert "slope f′(1.5) = 3.75" in text  # 3x² − 3 at 1.5
    assert "f′ > 0" in text
    assert "f′ < 0" in text
    tangent = next(line for line in ax.get_lines() if line.get_label() == "tangent")
    xs, ys = tangent.get_data()
    assert np.allclose(np.diff(ys) / np.diff(xs), 3.75)
    _not_blank(fig)


def test_tangent_plot_accepts_unvectorised_functions():
    fig = viz.tangent_plot(lambda x: float(np.sin(x)) if isinstance(x, float) else np.sin(x), 0.0)
    assert "slope f′(0) = 1" in _texts(fig)


def test_secant_slopes_approach_the_tangent():
    fig = viz.secant_plot(lambda x: x**2, 1.0, steps=[1.0, 0.1, 0.01])
    text = _texts(fig)
    for expected in ("h = 1: slope 3", "h = 0.1: slope 2.1", "h = 0.01: slope 2.01", "tangent: slope 2"):
        assert expected in text
    _not_blank(fig)


def test_error_vs_step_marks_the_optimal_steps():
    fig = viz.error_vs_step(np.exp, 1.0)
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("step h", "absolute error")
    text = _texts(fig)
    for scheme in ("forward", "central"):
        assert f"{scheme}: theory, h ≈" in text
        assert f"{scheme}: measured best, h =" in text
    assert "truncation" in text
    assert "round-off" in text
    _not_blank(fig)


def rosen(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def test_gradient_field_arrows_are_the_gradient():
    fig = viz.gradient_field(lambda p: p[0] ** 2 + 3 * p[1] ** 2, (-1, 1), (-1, 1), arrows=5)
    quiver = next(c for c in fig.axes[0].collections if type(c).__name__ == "Quiver")
    assert np.allclose(quiver.U, 2 * quiver.X)
    assert np.allclose(quiver.V, 6 * quiver.Y)
    _not_blank(fig)


def test_gradient_field_draws_the_arrows_perpendicular_to_the_contours():
    fig = viz.gradient_field(lambda p: p[0] ** 2 + 3 * p[1] ** 2, (-2, 2), (-1, 1))
    assert fig.axes[0].get_aspect() == 1.0  # one scale for x and y: right angles look right
    assert "different scales" not in _texts(fig)
    strip = viz.gradient_field(lambda p: p[0] ** 2 + 3 * p[1] ** 2, (-10, 10), (-1, 1))
    assert strip.axes[0].get_aspect() == "auto"  # equal scales would make a thin strip: said under the axes
    assert "x and y are drawn to different scales (x spans 20, y spans 2)" in _texts(strip)


def test_gradient_field_of_a_function_of_one_point_at_a_time():
    def one_point(p):  # refuses a grid: the field falls back to one gradient per point
        if np.ndim(p) != 1:
            raise TypeError("one point at a time")
        return p[0] * p[1]

    fig = viz.gradient_field(one_point, (-1, 1), (-1, 1), arrows=3)
    quiver = next(c for c in fig.axes[0].collections if type(c).__name__ == "Quiver")
    assert np.allclose(quiver.U, quiver.Y)
    assert np.allclose(quiver.V, quiver.X)


def test_descent_path_draws_the_iterates():
    import chainrule as cr

    result = cr.optim.minimize(rosen, np.array([-1.2, 1.0]), method="nesterov", lr=1e-3, steps=200)
    fig = viz.descent_path(rosen, result.path, label="nesterov")
    path_line = next(line for line in fig.axes[0].get_lines() if line.get_label() == "nesterov")
    assert np.allclose(np.column_stack(path_line.get_data()), result.path)
    assert fig.axes[0].get_title() == "Descent path: 200 steps"
    _not_blank(fig)


def test_jacobian_heatmap_writes_the_entries():
    fig = viz.jacobian_heatmap([[1.0, -2.5], [0.25, 0.0]], ["f", "g"], ["x", "y"])
    text = _texts(fig)
    assert all(v in text for v in ("-2.5", "0.25"))
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["x", "y"]
    _not_blank(fig)


def test_jacobian_heatmap_text_contrasts_with_its_cell():
    # the polar Jacobian of the tour: its largest entry sits on the darkest red, where black is unreadable
    J = [[0.878, -0.959], [0.479, 1.755]]
    fig = viz.jacobian_heatmap(J, ["x", "y"], ["r", "t"])
    colours = {t.get_text(): t.get_color() for t in fig.axes[0].texts}
    assert colours == {"0.878": "black", "-0.959": "black", "0.479": "black", "1.75": "white"}
    dark = viz.jacobian_heatmap([[-1.0, 0.05]])
    assert [t.get_color() for t in dark.axes[0].texts] == ["white", "black"]  # dark blue, near-white


def test_jacobian_heatmap_title_uses_the_functions_names():
    title = viz.jacobian_heatmap([[1.0, 0.0], [0.0, 1.0]], ["x", "y"], ["r", "t"]).axes[0].get_title()
    assert title.startswith("Jacobian ∂(x, y)/∂(r, t)")
    assert "xⱼ" not in title  # an index named x would clash with the output named x
    assert "∂fᵢ/∂xⱼ" in viz.jacobian_heatmap([[1.0]]).axes[0].get_title()


def test_learning_plots():
    assert viz.loss_curve([1.0, 0.3, 0.1]).axes[0].get_yscale() == "log"
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.2, 0.9]])
    fig = viz.decision_boundary(lambda P: P[:, 0] - 0.5, X, np.array([0, 1, 0]))
    assert "class 1" in _texts(fig)


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_save_writes_the_format(tmp_path, suffix):
    path = viz.save(viz.tangent_plot(np.sin, 0.5), tmp_path / f"t{suffix}")
    head = path.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in path.read_bytes()


def test_save_refuses_an_unknown_format(tmp_path):
    with pytest.raises(ValueError, match=r"\.png"):
        viz.save(viz.tangent_plot(np.sin, 0.5), tmp_path / "t.jpg2")


def test_bad_windows_are_refused():
    with pytest.raises(ValueError, match="increasing"):
        viz.tangent_plot(np.sin, 0.0, xlim=(1, -1))
    with pytest.raises(ValueError, match="shape"):
        viz.descent_path(rosen, [1.0, 2.0, 3.0])


def test_secants_use_a_sequential_palette_and_visible_points():
    from matplotlib.colors import to_rgb

    steps = [0.5, 2.0, 0.1, 1.0]  # in any order: the palette follows |h|
    fig = viz.secant_plot(lambda x: x**2, 1.0, steps=steps)
    ax = fig.axes[0]
    secants = {line.get_label(): line for line in ax.get_lines() if line.get_label().startswith("h = ")}
    marked = [line for line in ax.get_lines() if line.get_marker() == "o"]
    points = [line for line in marked if line.get_xdata()[0] != 1.0]  # not the point of tangency
    assert sorted(p.get_xdata()[0] for p in points) == sorted(1.0 + h for h in steps)
    for p in points:
        assert p.get_markersize() >= 6
        assert np.isclose(p.get_ydata()[0], p.get_xdata()[0] ** 2)  # on the curve

    def luminance(line):
        r, g, b = to_rgb(line.get_color())
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    by_size = [secants[f"h = {h:g}: slope {2 + h:.4g}"] for h in sorted(steps, reverse=True)]
    shades = [luminance(line) for line in by_size]
    assert all(a > b + 0.05 for a, b in itertools.pairwise(shades)), shades  # light to dark, distinct


def test_descent_path_legend_leaves_the_end_visible():
    path = np.array([[-1.2, 1.0], [0.0, 0.0], [0.99, 0.98], [1.0, 1.0]])  # ends in the upper right
    fig = viz.descent_path(rosen, path, label="nesterov")
    fig.draw_without_rendering()
    ax = fig.axes[0]
    end = ax.transData.transform(path[-1])
    for legend in (*fig.legends, ax.get_legend()):
        if legend is not None:
            box = legend.get_window_extent()
            assert not (box.x0 <= end[0] <= box.x1 and box.y0 <= end[1] <= box.y1)
