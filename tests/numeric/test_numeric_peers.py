"""The peers' own test cases, copied as data: numdifftools' analytic example functions and SciPy's cases.

Sources (both projects' test suites, read from the installed wheels):

- numdifftools 0.11.2, ``numdifftools/example_functions.py`` (``function_names``: cos … arctan and 1/x)
  used by ``tests/test_example_functions.py::test_high_order_derivative`` at x = 0.5, orders 1-10, and
  ``tests/test_numdifftools.py::test_derivative_of_cos_x`` (cos on [0, 10] with its ``@example`` points).
- SciPy 1.17, ``scipy/differentiate/tests/test_differentiate.py``: ``test_special_cases`` (2xⁿ at 1.5 with
  order max(1, n), x⁹⁹ − 1 at 7), ``test_preserve_shape`` (x, sin 3x, x + sin 10x, sin(20x)(x − 1)² at 0)
  and ``test_flags`` (exp(x)·U(0, 1), which has no derivative).

The true derivatives were computed with mpmath at 40 digits (``mpmath.diff``) and rounded to float64.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from chainrule.numeric import derivative

FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "cos": np.cos,
    "sin": np.sin,
    "tan": np.tan,
    "cosh": np.cosh,
    "sinh": np.sinh,
    "tanh": np.tanh,
    "arcsinh": np.arcsinh,
    "exp": np.exp,
    "expm1": np.expm1,
    "exp2": np.exp2,
    "sqrt": np.sqrt,
    "log": np.log,
    "log1p": np.log1p,
    "log10": np.log10,
    "log2": np.log2,
    "arccos": np.arccos,
    "arcsin": np.arcsin,
    "arctan": np.arctan,
    "inv": lambda x: 1.0 / x,
}

PEER_TRUTHS = {
    "cos": [
        -0.479425538604203,
        -0.8775825618903728,
        0.479425538604203,
        0.8775825618903728,
        -0.479425538604203,
        -0.8775825618903728,
        0.479425538604203,
        0.8775825618903728,
    ],
    "sin": [
        0.8775825618903728,
        -0.479425538604203,
        -0.8775825618903728,
        0.479425538604203,
        0.8775825618903728,
        -0.479425538604203,
        -0.8775825618903728,
        0.479425538604203,
    ],
    "tan": [
        1.2984464104095248,
        1.4186890138709114,
        4.9219928425941815,
        16.430343835093716,
        81.15549810889297,
        441.665654550312,
        2930.885595612555,
        21727.556572684665,
    ],
    "cosh": [
        0.5210953054937474,
        1.1276259652063807,
        0.5210953054937474,
        1.1276259652063807,
        0.5210953054937474,
        1.1276259652063807,
        0.5210953054937474,
        1.1276259652063807,
    ],
    "sinh": [
        1.1276259652063807,
        0.5210953054937474,
        1.1276259652063807,
        0.5210953054937474,
        1.1276259652063807,
        0.5210953054937474,
        1.1276259652063807,
        0.5210953054937474,
    ],
    "tanh": [
        0.7864477329659274,
        -0.7268619813835873,
        -0.5652092882597703,
        3.952219563724583,
        -3.2666864719713926,
        -36.279540291791626,
        144.15204759284634,
        322.85931812366823,
    ],
    "arcsinh": [
        0.8944271909999159,
        -0.35777087639996635,
        -0.2862167011199731,
        1.7173002067198384,
        -2.7476803307517415,
        -12.089793455307664,
        108.14869781838856,
        -214.18717714275977,
    ],
    "exp": [
        1.6487212707001282,
        1.6487212707001282,
        1.6487212707001282,
        1.6487212707001282,
        1.6487212707001282,
        1.6487212707001282,
        1.6487212707001282,
        1.6487212707001282,
    ],
    "expm1": [
        1.6487212707001282,
        1.6487212707001282,
        1.6487212707001282,
        1.6487212707001282,
        1.6487212707001282,
        1.6487212707001282,
        1.6487212707001282,
        1.6487212707001282,
    ],
    "exp2": [
        0.9802581434685472,
        0.6794631683661498,
        0.4709679794473242,
        0.32645012708792703,
        0.22627798518443246,
        0.15684394745337443,
        0.1087159399651987,
        0.07535614726880176,
    ],
    "sqrt": [
        0.7071067811865476,
        -0.7071067811865476,
        2.1213203435596424,
        -10.606601717798213,
        74.24621202458749,
        -668.2159082212875,
        7350.374990434161,
        -95554.8748756441,
    ],
    "log": [2.0, -4.0, 16.0, -96.0, 768.0, -7680.0, 92160.0, -1290240.0],
    "log1p": [
        0.6666666666666666,
        -0.4444444444444444,
        0.5925925925925926,
        -1.1851851851851851,
        3.1604938271604937,
        -10.534979423868313,
        42.13991769547325,
        -196.65294924554183,
    ],
    "log10": [
        0.8685889638065036,
        -1.7371779276130073,
        6.948711710452029,
        -41.69227026271218,
        333.5381621016974,
        -3335.381621016974,
        40024.57945220369,
        -560344.1123308516,
    ],
    "log2": [
        2.8853900817779268,
        -5.7707801635558535,
        23.083120654223414,
        -138.4987239253405,
        1107.989791402724,
        -11079.897914027239,
        132958.77496832688,
        -1861422.8495565762,
    ],
    "arccos": [
        -1.1547005383792515,
        -0.769800358919501,
        -3.079201435678004,
        -14.369606699830685,
        -104.00858182734592,
        -930.6031005604634,
        -10291.375465021596,
        -133860.8695237561,
    ],
    "arcsin": [
        1.1547005383792515,
        0.769800358919501,
        3.079201435678004,
        14.369606699830685,
        104.00858182734592,
        930.6031005604634,
        10291.375465021596,
        133860.8695237561,
    ],
    "arctan": [0.8, -0.64, -0.256, 3.6864, -9.33888, -21.62688, 327.942144, -1109.8128384],
    "inv": [-4.0, 16.0, -96.0, 768.0, -7680.0, 92160.0, -1290240.0, 20643840.0],
}
COS_TRUTHS = {
    0.0: [0.0, -1.0, 0.0, 1.0, 6.077163357286271e-64, -1.0, -1.0142360568285918e-69, 1.0],
    2.2204460492503134e-14: [
        -2.2204460492503134e-14,
        -1.0,
        2.2204460492503134e-14,
        1.0,
        -2.2204460492503134e-14,
        -1.0,
        2.2204460492503134e-14,
        1.0,
    ],
    1.0: [
        -0.8414709848078965,
        -0.5403023058681398,
        0.8414709848078965,
        0.5403023058681398,
        -0.8414709848078965,
        -0.5403023058681398,
        0.8414709848078965,
        0.5403023058681398,
    ],
    3.0: [
        -0.1411200080598672,
        0.9899924966004454,
        0.1411200080598672,
        -0.9899924966004454,
        -0.1411200080598672,
        0.9899924966004454,
        0.1411200080598672,
        -0.9899924966004454,
    ],
    5.5: [
        0.7055403255703919,
        -0.70866977429126,
        -0.7055403255703919,
        0.70866977429126,
        0.7055403255703919,
        -0.70866977429126,
        -0.7055403255703919,
        0.70866977429126,
    ],
    7.6564547238847105: [
        -0.9805549073306741,
        -0.19624493295301437,
        0.9805549073306741,
        0.19624493295301437,
        -0.9805549073306741,
        -0.19624493295301437,
        0.9805549073306741,
        0.19624493295301437,
    ],
    8.9428143931508: [
        -0.4635199587133994,
        0.8860864787786396,
        0.4635199587133994,
        -0.8860864787786396,
        -0.4635199587133994,
        0.8860864787786396,
        0.4635199587133994,
        -0.8860864787786396,
    ],
}


def _relative(value: float, truth: float) -> float:
    return abs(value - truth) / max(abs(truth), 1.0)


@pytest.mark.parametrize("order", range(1, 9))
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_high_orders_of_the_example_functions(name: str, order: int) -> None:
    """Issue 11's goal: ≤ 1e-9 relative for orders 1-8, with an honest bound and status 0."""
    truth = PEER_TRUTHS[name][order - 1]
    result = derivative(FUNCTIONS[name], 0.5, order=order)
    assert result.status == 0, result.message
    assert abs(result.value - truth) <= result.error
    assert _relative(result.value, truth) <= 1e-9


@pytest.mark.parametrize("order", range(1, 9))
@pytest.mark.parametrize("x", sorted(COS_TRUTHS))
def test_cos_on_zero_to_ten(x: float, order: int) -> None:
    truth = COS_TRUTHS[x][order - 1]
    result = derivative(np.cos, x, order=order)
    assert result.status == 0, result.message
    assert abs(result.value - truth) <= result.error
    assert abs(result.value - truth) <= 1e-9 * max(abs(truth), 1.0)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("method", ["richardson", "central", "forward", "backward"])
@pytest.mark.parametrize("name", ["exp", "sin", "log", "arctan", "sqrt", "tanh"])
def test_real_methods_are_honest(name: str, method: str, order: int) -> None:
    """Whatever the method, status 0 means the bound holds."""
    truth = PEER_TRUTHS[name][order - 1]
    result = derivative(FUNCTIONS[name], 0.5, order=order, method=method)
    if result.status == 0:
        assert abs(result.value - truth) <= result.error


@pytest.mark.parametrize("n", range(6))
def test_scipy_polynomials(n: int) -> None:
    result = derivative(lambda x: 2 * x**n, 1.5, order=max(1, n))
    truth = 2 * math.factorial(n) / math.factorial(n - max(1, n)) * 1.5 ** (n - max(1, n)) if n else 0.0
    assert result.status == 0
    assert abs(result.value - truth) <= result.error <= 1e-9 * max(abs(truth), 1.0)


def test_scipy_high_power() -> None:
    truth = 99 * 7.0**98
    result = derivative(lambda x: x**99 - 1, 7.0)
    assert result.status == 0
    assert abs(result.value - truth) <= result.error <= 1e-10 * truth


@pytest.mark.parametrize(
    ("f", "truth"),
    [
        (lambda x: x, 1.0),
        (lambda x: np.sin(3 * x), 3.0),
        (lambda x: x + np.sin(10 * x), 11.0),
        (lambda x: np.sin(20 * x) * (x - 1) ** 2, 20.0),
    ],
)
def test_scipy_preserve_shape_functions(f: Any, truth: float) -> None:
    result = derivative(f, 0.0)
    assert result.status == 0
    assert abs(result.value - truth) <= result.error <= 1e-12 * abs(truth)


@pytest.mark.parametrize("x", [0.5, 1.0, 2.0])
def test_scipy_pure_noise_is_no_success(x: float) -> None:
    """SciPy's test_flags: exp(x)·U(0, 1) changes from call to call; there is no derivative."""
    rng = np.random.default_rng(5651219684984213)
    result = derivative(lambda v: np.exp(v) * rng.random(), x)
    assert result.status != 0
    assert not result.success
