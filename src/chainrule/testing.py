"""Checking derivative rules against finite differences.

:func:`check_grads` compares forward mode (``jvp``) and reverse mode (``vjp``) with a fourth-order central
difference along a random direction, then repeats the check on the derivative itself for higher orders, so a
rule that is right at first order but not differentiable again is caught too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.core.rules._util import concrete
from chainrule.core.transforms import jvp, vjp
from chainrule.errors import ChainruleValueError
from chainrule.tree import flatten, unflatten

__all__ = ["check_grads", "numerical_jvp"]


def _as_float64(tree: Any) -> Any:
    leaves, treedef = flatten(tree)
    return unflatten(treedef, [np.asarray(concrete(x), dtype=np.float64) for x in leaves])


def _random_like(tree: Any, rng: np.random.Generator) -> Any:
    leaves, treedef = flatten(tree)
    return unflatten(treedef, [rng.standard_normal(np.shape(x)) for x in leaves])


def _axpy(a: float, x: Any, y: Any) -> Any:
    xl, treedef = flatten(x)
    yl, _ = flatten(y)
    return unflatten(treedef, [yi + a * xi for xi, yi in zip(xl, yl, strict=True)])


def _inner(x: Any, y: Any) -> float:
    xl, _ = flatten(x)
    yl, _ = flatten(y)
    return float(sum(np.sum(np.asarray(a) * np.asarray(b)) for a, b in zip(xl, yl, strict=True)))


def numerical_jvp(
    f: Callable[..., Any], args: Sequence[Any], tangents: Sequence[Any], step: float = 1e-3
) -> list[np.ndarray[Any, Any]]:
    """The directional derivative of ``f`` at ``args`` along ``tangents`` by a 4th-order central stencil.

    Returns the flattened output leaves.
    """
    weights = {-2: 1.0, -1: -8.0, 1: 8.0, 2: -1.0}
    total: list[Any] | None = None
    for k, w in weights.items():
        shifted = [_axpy(k * step, t, a) for a, t in zip(args, tangents, strict=True)]
        leaves = [np.asarray(concrete(v), dtype=np.float64) for v in flatten(f(*shifted))[0]]
        total = (
            [w * v for v in leaves]
            if total is None
            else [s + w * v for s, v in zip(total, leaves, strict=True)]
        )
    assert total is not None
    return [s / (12.0 * step) for s in total]


def _close(name: str, got: Any, want: Any, atol: float, rtol: float) -> None:
    got_l = [np.asarray(concrete(g), dtype=np.float64) for g in flatten(got)[0]]
    want_l = [np.asarray(w, dtype=np.float64) for w in flatten(want)[0]]
    for g, w in zip(got_l, want_l, strict=True):
        if g.shape != w.shape or not np.allclose(g, w, atol=atol, rtol=rtol, equal_nan=False):
            raise AssertionError(f"{name}: derivative rule gives\n{g}\nbut finite differences give\n{w}")


def check_grads(
    f: Callable[..., Any],
    *args: Any,
    modes: Sequence[str] = ("fwd", "rev"),
    order: int = 2,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    step: float = 1e-3,
    seed: int = 0,
) -> None:
    """Raise ``AssertionError`` unless ``f``'s derivatives match finite differences up to ``order``.

    Parameters
    ----------
    f:
        A function of one or more arrays (or containers of arrays) returning arrays.
    modes:
        ``"fwd"`` checks :func:`chainrule.jvp`; ``"rev"`` checks :func:`chainrule.vjp`.
    order:
        1 checks first derivatives; 2 also checks the derivatives of the derivatives, and so on.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.testing import check_grads
    >>> check_grads(lambda x: np.sin(x) * np.exp(x), np.array([0.1, 0.7]))
    """
    unknown = set(modes) - {"fwd", "rev"}
    if unknown:
        raise ChainruleValueError(f"check_grads: unknown modes {sorted(unknown)}; use 'fwd' and/or 'rev'")
    rng = np.random.default_rng(seed)
    _check(f, [_as_float64(a) for a in args], tuple(modes), order, atol, rtol, step, rng, 1)


def _check(
    f: Callable[..., Any],
    args: list[Any],
    modes: tuple[str, ...],
    order: int,
    atol: float,
    rtol: float,
    step: float,
    rng: np.random.Generator,
    level: int,
) -> None:
    tangents = [_random_like(a, rng) for a in args]
    numeric = numerical_jvp(f, args, tangents, step)
    if "fwd" in modes:
        _, tangent_out = jvp(f, tuple(args), tuple(tangents))
        _close(f"forward mode, order {level}", tangent_out, numeric, atol, rtol)
    cotangent: Any = None
    if "rev" in modes:
        out, vjp_fn = vjp(f, *args)
        cotangent = _random_like(out, rng)
        cts = vjp_fn(cotangent)
        got = sum(_inner(c, t) for c, t in zip(cts, tangents, strict=True))
        want = _inner(cotangent, numeric)
        _close(f"reverse mode, order {level}", np.array(got), np.array(want), atol, rtol)
    if order <= 1:
        return
    if "fwd" in modes:
        _check(
            lambda *a: jvp(f, a, tuple(tangents))[1],
            args, modes, order - 1, atol, rtol, step, rng, level + 1,
        )  # fmt: skip
    if "rev" in modes:
        _check(
            lambda *a: vjp(f, *a)[1](cotangent),
            args, modes, order - 1, atol, rtol, step, rng, level + 1,
        )  # fmt: skip
