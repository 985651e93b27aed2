"""``chainrule.autograd.scipy.signal``: HIPS autograd's generalized ``convolve``.

``convolve(A, B, axes=None, dot_axes=((), ()), mode="full")`` convolves ``A``'s axes ``axes[0]`` with
``B``'s axes ``axes[1]`` (all axes, pairwise, when ``axes`` is None, as ``scipy.signal.convolve``), sums
over the pairs of axes ``dot_axes`` (a tensor dot), and keeps every other axis: the result's axes are
``A``'s other axes, then ``B``'s, then the convolved ones. ``mode`` is SciPy's: ``"full"`` (length
``m + n - 1``), ``"valid"`` (``|m - n| + 1``; one array must be at least as long as the other along every
convolved axis) or ``"same"`` (``A``'s length, centred on the full result).

It is written with ``np.einsum`` and ``np.pad``: one tensor product for each position of the operand with
fewer convolved entries (a kernel), shifted into place and summed, so both modes and every order of
derivative come from those primitives' rules.

Examples
--------
>>> import numpy as np
>>> from chainrule.autograd import grad
>>> from chainrule.autograd.scipy.signal import convolve
>>> convolve(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5]))
array([0. , 1. , 2.5, 4. , 1.5])
>>> grad(lambda a: np.sum(convolve(a, np.array([1.0, -1.0]), mode="valid") ** 2))(np.array([1.0, 3.0, 2.0]))
array([-4.,  6., -2.])
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from chainrule.errors import ChainruleValueError, ShapeError

__all__ = ["convolve"]

_numpy: Any = np
_MODES = ("full", "valid", "same")


def _axes_pair(pair: Any, ndims: tuple[int, int], what: str) -> tuple[list[int], list[int]]:
    if len(pair) != 2:
        raise ChainruleValueError(f"convolve: {what} must be a pair (axes of A, axes of B), not {pair!r}")
    first, second = ([int(a) % n for a in axes] for axes, n in zip(pair, ndims, strict=True))
    if len(first) != len(second):
        raise ShapeError(f"convolve: {what} pairs {len(first)} axes of A with {len(second)} of B")
    return first, second


def _crop(full: int, m: int, n: int, mode: str) -> slice:
    """The part of a full convolution of lengths ``m`` (A) and ``n`` (B) that ``mode`` keeps."""
    if mode == "full":
        return slice(0, full)
    if mode == "same":
        start = (n - 1) // 2
        return slice(start, start + m)
    start = min(m, n) - 1
    return slice(start, start + abs(m - n) + 1)


def convolve(
    A: Any,
    B: Any,
    axes: Sequence[Sequence[int]] | None = None,
    dot_axes: Sequence[Sequence[int]] = ((), ()),
    mode: str = "full",
) -> Any:
    """The convolution of ``A`` and ``B`` along ``axes``, contracted along ``dot_axes`` (see the module)."""
    if mode not in _MODES:
        raise ChainruleValueError(f"convolve: mode must be one of {', '.join(_MODES)}, not {mode!r}")
    ndims = (np.ndim(A), np.ndim(B))
    shape_a, shape_b = np.shape(A), np.shape(B)
    if axes is None:
        if ndims[0] != ndims[1]:
            raise ShapeError(f"convolve: A and B must have as many axes, not shapes {shape_a} and {shape_b}")
        axes = (range(ndims[0]), range(ndims[1]))
    conv_a, conv_b = _axes_pair(axes, ndims, "axes")
    dot_a, dot_b = _axes_pair(dot_axes, ndims, "dot_axes")
    if len(set(conv_a + dot_a)) != len(conv_a) + len(dot_a) or len(set(conv_b + dot_b)) != len(conv_b) + len(
        dot_b
    ):
        raise ChainruleValueError("convolve: an axis appears twice in axes and dot_axes")
    for i, j in zip(dot_a, dot_b, strict=True):
        if shape_a[i] != shape_b[j]:
            raise ShapeError(f"convolve: dot axes of lengths {shape_a[i]} (A) and {shape_b[j]} (B) differ")
    m = [shape_a[i] for i in conv_a]
    n = [shape_b[j] for j in conv_b]
    pairs = list(zip(m, n, strict=True))
    if mode == "valid" and not (all(p >= q for p, q in pairs) or all(p <= q for p, q in pairs)):
        raise ShapeError(
            f"convolve: for 'valid' mode, one array must be at least as large as the other along every "
            f"convolved axis, not {m} and {n}"
        )

    letters = iter(string.ascii_letters)
    sub_a = [next(letters) for _ in range(ndims[0])]
    sub_b = [next(letters) for _ in range(ndims[1])]
    for i, j in zip(dot_a, dot_b, strict=True):
        sub_b[j] = sub_a[i]
    other_a = [sub_a[i] for i in range(ndims[0]) if i not in conv_a + dot_a]
    other_b = [sub_b[j] for j in range(ndims[1]) if j not in conv_b + dot_b]
    n_other = len(other_a) + len(other_b)

    # one term per position of the operand with fewer convolved entries, shifted to that position
    loop_over_b = int(np.prod(n)) <= int(np.prod(m))
    fixed, moving, fixed_sub, moving_sub, moving_conv, moving_shape = (
        (A, B, sub_a, sub_b, conv_b, n) if loop_over_b else (B, A, sub_b, sub_a, conv_a, m)
    )
    fixed_conv = conv_a if loop_over_b else conv_b
    spec = (
        "".join(fixed_sub)
        + ","
        + "".join(s for k, s in enumerate(moving_sub) if k not in moving_conv)
        + "->"
        + "".join(other_a + other_b)
        + "".join(fixed_sub[i] for i in fixed_conv)
    )
    full = None
    for position in itertools.product(*(range(q) for q in moving_shape)):
        index: list[Any] = [slice(None)] * np.ndim(moving)
        for axis, p in zip(moving_conv, position, strict=True):
            index[axis] = p
        term = _numpy.einsum(spec, fixed, moving[tuple(index)])
        widths = [(0, 0)] * n_other + [(p, q - 1 - p) for p, q in zip(position, moving_shape, strict=True)]
        term = _numpy.pad(term, widths)
        full = term if full is None else full + term
    if full is None:
        raise ShapeError("convolve: an axis to convolve has no entries")
    crops = [_crop(p + q - 1, p, q, mode) for p, q in zip(m, n, strict=True)]
    return full[(slice(None),) * n_other + tuple(crops)] if mode != "full" else full
