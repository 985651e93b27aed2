"""The kink policy of DESIGN.md, identical in reverse and forward mode and in the object API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import chainrule as cr

# (function, point, gradient the policy prescribes)
POLICY: dict[str, tuple[Callable[..., Any], Any, Any]] = {
    "abs'(0) = 0": (np.abs, 0.0, 0.0),
    "relu'(0) = 0": (cr.relu, 0.0, 0.0),
    "maximum tie splits 1/2, 1/2": (lambda v: np.maximum(v[0], v[1]), np.array([1.0, 1.0]), [0.5, 0.5]),
    "minimum tie splits 1/2, 1/2": (lambda v: np.minimum(v[0], v[1]), np.array([1.0, 1.0]), [0.5, 0.5]),
    "fmax tie splits 1/2, 1/2": (lambda v: np.fmax(v[0], v[1]), np.array([2.0, 2.0]), [0.5, 0.5]),
    "max reduction splits evenly": (np.max, np.array([1.0, 3.0, 3.0, 3.0]), [0.0, 1 / 3, 1 / 3, 1 / 3]),
    "min reduction splits evenly": (np.min, np.array([0.0, 0.0, 3.0]), [0.5, 0.5, 0.0]),
    "norm'(0) = 0": (np.linalg.norm, np.zeros(3), [0.0, 0.0, 0.0]),
    "hypot'(0, 0) = 0": (lambda v: np.hypot(v[0], v[1]), np.zeros(2), [0.0, 0.0]),
    "clip at a bound is a max/min tie": (lambda x: np.clip(x, 0.0, 1.0), 1.0, 0.5),
    "sign'(x) = 0": (np.sign, 0.0, 0.0),
    "p-norm'(0) = 0": (lambda x: np.linalg.norm(x, 3), np.zeros(3), [0.0, 0.0, 0.0]),
    "nuclear norm'(0) = 0": (lambda x: np.linalg.norm(x, "nuc"), np.zeros((2, 2)), np.zeros((2, 2))),
    "spectral norm'(0) = 0": (lambda x: np.linalg.norm(x, 2), np.zeros((2, 2)), np.zeros((2, 2))),
    "std of a constant has gradient 0": (np.std, np.full(3, 2.0), [0.0, 0.0, 0.0]),
    # the tie rule compares its operands, so a tie of infinities is a tie (inf - inf would be NaN)
    "maximum(inf, inf) splits 1/2, 1/2": (
        lambda v: np.maximum(v[0], v[1]),
        np.array([np.inf, np.inf]),
        [0.5, 0.5],
    ),
    "minimum(-inf, -inf) splits 1/2, 1/2": (
        lambda v: np.minimum(v[0], v[1]),
        np.array([-np.inf, -np.inf]),
        [0.5, 0.5],
    ),
}


@pytest.mark.parametrize("name", sorted(POLICY))
def test_reverse_mode_follows_the_policy(name: str) -> None:
    f, x, want = POLICY[name]
    np.testing.assert_allclose(cr.grad(f)(x), want)


@pytest.mark.parametrize("name", sorted(POLICY))
def test_forward_mode_agrees_with_reverse_mode(name: str) -> None:
    f, x, want = POLICY[name]
    J = cr.jacobian(f, mode="fwd")(x)
    np.testing.assert_allclose(J, want)


@pytest.mark.parametrize("name", sorted(POLICY))
def test_object_api_follows_the_policy(name: str) -> None:
    f, x, want = POLICY[name]
    t = cr.Tensor(x, requires_grad=True)
    f(t).backward()
    np.testing.assert_allclose(t.grad, want)


def test_every_kink_primitive_documents_its_convention() -> None:
    from chainrule.core.rules import norms, piecewise, reductions, special

    for prim in (
        piecewise.absolute_p,
        special.relu_p,
        piecewise.maximum_p,
        piecewise.minimum_p,
        reductions.amax_p,
        reductions.amin_p,
        norms.norm2_p,
        norms.pnorm_p,
        norms.svdvals_p,
    ):
        assert prim.kink, f"{prim.name} does not say what it does at its kink"
