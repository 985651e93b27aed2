"""The three layouts of a derivative's axes, one definition for the engine, the symbolic side and the CLI.

For ``y`` of shape ``S_y`` and ``x`` of shape ``S_x``, ``J[i..., j...] = d y[i...] / d x[j...]`` is laid out

- ``"mixed"`` (the default): ``S_y + S_x``. A gradient has its variable's shape and a Jacobian's rows are
  the outputs;
- ``"numerator"``: ``S_y + reversed(S_x)``. A scalar by a column vector is a row vector, a scalar by an
  ``n×k`` matrix is ``k×n``, an ``m``-vector by an ``n×k`` matrix is ``m×k×n``, as matrix-calculus lectures
  teach;
- ``"denominator"``: the full transpose of numerator, ``S_x + reversed(S_y)``.

Examples
--------
>>> layout_shape((2, 3), (4, 5), "numerator"), layout_shape((2, 3), (4, 5), "denominator")
((2, 3, 5, 4), (4, 5, 3, 2))
>>> layout_axes(1, 2, "numerator")    # where each axis of the numerator layout is in the mixed one
(0, 2, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chainrule.errors import ChainruleValueError

__all__ = ["LAYOUTS", "check_layout", "layout_axes", "layout_shape"]

LAYOUTS = ("mixed", "numerator", "denominator")


def check_layout(layout: Any, where: str) -> str:
    """``layout`` itself if it is one of :data:`LAYOUTS`, else a :class:`ChainruleValueError` naming them."""
    if layout not in LAYOUTS:
        raise ChainruleValueError(f"{where}: layout must be one of {LAYOUTS}, got {layout!r}")
    return str(layout)


def layout_axes(out_ndim: int, in_ndim: int, layout: str) -> tuple[int, ...]:
    """The axes of the mixed layout (``S_y + S_x``) in ``layout``'s order: a ``np.transpose`` argument."""
    outputs = tuple(range(out_ndim))
    inputs = tuple(range(out_ndim, out_ndim + in_ndim))
    if layout == "mixed":
        return outputs + inputs
    numerator = outputs + inputs[::-1]
    if layout == "numerator":
        return numerator
    check_layout(layout, "layout_axes")
    return numerator[::-1]


def layout_shape(out_shape: Sequence[Any], in_shape: Sequence[Any], layout: str) -> tuple[Any, ...]:
    """The shape of the derivative of an ``out_shape`` array by an ``in_shape`` array in ``layout``."""
    mixed = (*out_shape, *in_shape)
    return tuple(mixed[a] for a in layout_axes(len(out_shape), len(in_shape), layout))
