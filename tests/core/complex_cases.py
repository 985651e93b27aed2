"""Complex test cases, one table for every primitive that declares complex rules (``complex=`` on its row).

Each case is written once as ``fn(xp, *z)`` over a NumPy-like module (NumPy for chainrule, ``jax.numpy`` for
the oracle tests in ``test_complex_oracle.py``), with makers for its complex operands. Inputs stay away from
branch cuts and kinks, where a derivative does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Maker = Callable[[np.random.Generator], Any]
Case = tuple[Callable[..., Any], list[Maker]]


def cnormal(*shape: int) -> Maker:
    """Standard complex normal entries."""
    return lambda r: r.standard_normal(shape) + 1j * r.standard_normal(shape)


def right(*shape: int) -> Maker:
    """Entries in the right half-plane, away from the branch cuts of log, sqrt and powers."""
    return lambda r: r.uniform(0.5, 1.5, shape) + 1j * r.uniform(-1.0, 1.0, shape)


def small(*shape: int) -> Maker:
    """Entries near 0 (|z| < 0.7), inside the region where the inverse functions are analytic."""
    return lambda r: r.uniform(-0.45, 0.45, shape) + 1j * r.uniform(-0.45, 0.45, shape)


def real(*shape: int) -> Maker:
    """Real entries, to mix real and complex operands."""
    return lambda r: r.standard_normal(shape)


def _put(xp: Any, z: Any, v: Any) -> Any:
    if xp is np:
        y = np.zeros_like(z)
        y[1:3] = v
        return y * z
    return xp.zeros_like(z).at[1:3].set(v) * z


def _reduceat(xp: Any, z: Any) -> Any:
    # the primitive under sums of segments (the cotangent of a repeated index); JAX has no counterpart, so
    # its oracle is the same sums written with slices
    if xp is np:
        from chainrule.core.rules import reshaping

        return reshaping.reduceat_p(z, starts=np.array([0, 2]), counts=np.array([2, 3]), axis=0) ** 2
    return xp.stack([xp.sum(z[0:2]), xp.sum(z[2:5])]) ** 2


V3, M23 = cnormal(3), cnormal(2, 3)
CASES: dict[str, list[Case]] = {
    "add": [(lambda xp, z, w: z + w, [M23, V3]), (lambda xp, z, x: z + x, [V3, real(3)])],
    "subtract": [(lambda xp, z, w: z - w, [V3, M23])],
    "multiply": [(lambda xp, z, w: z * w, [M23, V3]), (lambda xp, x, z: x * z, [real(3), V3])],
    "divide": [(lambda xp, z, w: z / w, [V3, right(2, 3)]), (lambda xp, x, z: x / z, [real(3), right(3)])],
    "negative": [(lambda xp, z: -z, [V3])],
    "positive": [(lambda xp, z: +z * z, [V3])],
    "reciprocal": [(lambda xp, z: xp.reciprocal(z), [right(3)])],
    "power": [
        (lambda xp, z: z**3, [V3]),
        (lambda xp, z: z**2.5, [right(3)]),
        (lambda xp, z, w: z**w, [right(3), small(3)]),
    ],
    "float_power": [(lambda xp, z, w: xp.float_power(z, w), [right(3), small(3)])],
    "square": [(lambda xp, z: xp.square(z), [V3])],
    "sqrt": [(lambda xp, z: xp.sqrt(z), [right(3)])],
    "exp": [(lambda xp, z: xp.exp(z), [V3])],
    "exp2": [(lambda xp, z: xp.exp2(z), [V3])],
    "expm1": [(lambda xp, z: xp.expm1(z), [V3])],
    "log": [(lambda xp, z: xp.log(z), [right(3)])],
    "log2": [(lambda xp, z: xp.log2(z), [right(3)])],
    "log10": [(lambda xp, z: xp.log10(z), [right(3)])],
    "log1p": [(lambda xp, z: xp.log1p(z), [small(3)])],
    "sin": [(lambda xp, z: xp.sin(z), [V3])],
    "cos": [(lambda xp, z: xp.cos(z), [V3])],
    "tan": [(lambda xp, z: xp.tan(z), [small(3)])],
    "arcsin": [(lambda xp, z: xp.arcsin(z), [small(3)])],
    "arccos": [(lambda xp, z: xp.arccos(z), [small(3)])],
    "arctan": [(lambda xp, z: xp.arctan(z), [small(3)])],
    "sinh": [(lambda xp, z: xp.sinh(z), [V3])],
    "cosh": [(lambda xp, z: xp.cosh(z), [V3])],
    "tanh": [(lambda xp, z: xp.tanh(z), [small(3)])],
    "arcsinh": [(lambda xp, z: xp.arcsinh(z), [small(3)])],
    "arccosh": [(lambda xp, z: xp.arccosh(z + 2.0), [small(3)])],
    "arctanh": [(lambda xp, z: xp.arctanh(z), [small(3)])],
    "sinc": [(lambda xp, z: xp.sinc(z), [V3]), (lambda xp, z: xp.sinc(z * 0.1), [small(3)])],
    "absolute": [(lambda xp, z: xp.abs(z), [V3]), (lambda xp, z: xp.abs(1j * z) ** 2, [M23])],
    "real": [(lambda xp, z: xp.real(z) * z, [V3]), (lambda xp, z: xp.real(z**2), [V3])],
    "imag": [(lambda xp, z: xp.imag(z) * z, [V3]), (lambda xp, z: xp.imag(z**2), [V3])],
    "conjugate": [(lambda xp, z: xp.conj(z) * z**2, [V3]), (lambda xp, z: z.conjugate() + z, [V3])],
    "angle": [(lambda xp, z: xp.angle(z), [V3]), (lambda xp, z: xp.angle(z * z, deg=True), [V3])],
    "astype": [(lambda xp, x, z: x.astype(np.complex128) * z, [real(3), V3])],
    "sum": [(lambda xp, z: xp.sum(z * z, axis=0), [M23]), (lambda xp, z: xp.mean(z**2), [M23])],
    "prod": [(lambda xp, z: xp.prod(z, axis=1), [M23])],
    "cumsum": [(lambda xp, z: xp.cumsum(z * z, axis=1), [M23])],
    "cumprod": [(lambda xp, z: xp.cumprod(z, axis=1), [M23])],
    "reshape": [(lambda xp, z: xp.reshape(z, (3, 2)) ** 2, [M23])],
    "transpose": [(lambda xp, z: xp.transpose(z) ** 2, [M23])],
    "broadcast_to": [(lambda xp, z: xp.broadcast_to(z, (2, 3)) ** 2, [V3])],
    "flip": [(lambda xp, z: xp.flip(z, axis=1) * z, [M23])],
    "roll": [(lambda xp, z: xp.roll(z, 1, axis=1) * z, [M23])],
    "tile": [(lambda xp, z: xp.tile(z, 2) ** 2, [V3])],
    "repeat": [(lambda xp, z: xp.repeat(z, 2) ** 2, [V3])],
    "reduceat": [(_reduceat, [cnormal(5)])],
    "pad": [(lambda xp, z: xp.pad(z, 1) ** 2, [V3])],
    "concatenate": [(lambda xp, z, w: xp.concatenate([z, w * z]), [V3, V3])],
    "stack": [(lambda xp, z, w: xp.stack([z, w * z]), [V3, V3])],
    "getitem": [
        (lambda xp, z: z[1:, ::2] ** 2, [cnormal(3, 4)]),
        (lambda xp, z: z[xp.array([0, 0, 2])], [V3]),
    ],
    "scatter_add": [(lambda xp, z: z[xp.array([0, 0, 2])] ** 2, [V3])],
    "take_along_axis": [
        (lambda xp, z: xp.take_along_axis(z, xp.array([[2, 0], [1, 1]]), axis=1) ** 2, [M23])
    ],
    "diagonal": [(lambda xp, z: xp.diagonal(z) ** 2, [cnormal(3, 3)])],
    "diag": [(lambda xp, z: xp.diag(z) ** 2, [V3])],
    "triu": [(lambda xp, z: xp.triu(z) ** 2, [cnormal(3, 3)])],
    "tril": [(lambda xp, z: xp.tril(z, -1) ** 2, [cnormal(3, 3)])],
    "index_update": [(_put, [cnormal(4), cnormal(2)])],
    "fftn": [
        (lambda xp, z: xp.fft.fft(z, n=5, axis=0, norm="ortho"), [cnormal(4, 3)]),
        (lambda xp, z: xp.fft.fft2(z * z), [cnormal(3, 4)]),
        (lambda xp, x: xp.fft.fftn(x, s=(2, 5), axes=(1, 0), norm="forward"), [real(3, 4)]),
    ],
    "ifftn": [
        (lambda xp, z: xp.fft.ifft(z, n=3), [cnormal(2, 4)]),
        (lambda xp, z: xp.fft.ifftn(z * z, axes=(0, 1), norm="ortho"), [cnormal(3, 4)]),
    ],
    "rfftn": [
        (lambda xp, x: xp.fft.rfft(x * x, n=7), [real(2, 6)]),
        (lambda xp, x: xp.fft.rfftn(x, s=(3, 4), axes=(0, 1), norm="ortho"), [real(3, 5)]),
    ],
    "irfftn": [
        (lambda xp, z: xp.fft.irfft(z * z), [cnormal(2, 4)]),
        (lambda xp, z: xp.fft.irfft(z, n=7, axis=0, norm="forward"), [cnormal(3, 2)]),
        (lambda xp, z: xp.fft.irfft2(z, s=(3, 6)), [cnormal(4, 3)]),
        (lambda xp, x: xp.fft.irfftn(x, axes=(0, 1)), [real(3, 4)]),
    ],
    "convolve": [
        (lambda xp, z, w: xp.convolve(z, w), [cnormal(5), cnormal(3)]),
        (lambda xp, z, x: xp.convolve(z, x, mode="same"), [cnormal(4), real(3)]),
    ],
    "where": [(lambda xp, z, w: xp.where(xp.array([True, False, True]), z, w) ** 2, [V3, V3])],
}


# the 2-norm's row (core/rules/norms.py): real-valued, with the conjugate direction; np.std of a complex
# array is the 2-norm of its complex deviations
CASES.update(
    {
        "norm": [(lambda xp, z: xp.std(z), [cnormal(4)]), (lambda xp, z: xp.std(z, axis=1), [M23])],
    }
)
# NumPy functions written through the rows above, where a dropped conjugate would give a wrong value
COMPOSITES: dict[str, list[Case]] = {
    "np.vdot": [(lambda xp, z, w: xp.vdot(z, w), [V3, V3]), (lambda xp, z: xp.vdot(z, z), [M23])],
    "np.mean": [(lambda xp, z: xp.mean(z * z, axis=1), [M23])],
    "np.outer": [(lambda xp, z, w: xp.outer(z, w), [V3, V3])],
    "np.diff": [(lambda xp, z: xp.diff(z * z), [cnormal(4)])],
    "np.linalg.norm, ord=1": [(lambda xp, z: xp.linalg.norm(z, 1), [V3])],
    "np.fft.hfft": [
        (lambda xp, z: xp.fft.hfft(z, n=7), [cnormal(2, 4)]),
        (lambda xp, z: xp.fft.hfft(z * z), [V3]),
    ],
    "np.fft.ihfft": [(lambda xp, x: xp.fft.ihfft(x * x, norm="ortho"), [real(5)])],
    "np.fft.fftshift": [(lambda xp, z: xp.fft.fftshift(z) * z, [cnormal(3, 4)])],
    "np.fft.ifftshift": [(lambda xp, z: xp.fft.ifftshift(z, axes=1) * z, [cnormal(3, 4)])],
    "np.correlate": [
        (lambda xp, z, w: xp.correlate(z, w), [cnormal(5), cnormal(3)]),
        (lambda xp, z, w: xp.correlate(z, w, mode="full"), [cnormal(3), cnormal(4)]),
    ],
    "np.var": [(lambda xp, z: xp.var(z, axis=1), [M23]), (lambda xp, z: xp.var(z * z, ddof=1), [cnormal(4)])],
    "np.nanvar": [(lambda xp, z: xp.nanvar(z, axis=0), [M23])],
    "np.abs(z)**2": [(lambda xp, z: xp.sum(xp.abs(z) ** 2), [M23])],
}

# the linear-algebra rows' cases live with them (the linalg helper's file)
from complex_linalg_cases import LINALG_CASES, LINALG_COMPOSITES  # noqa: E402

CASES.update(LINALG_CASES)
COMPOSITES.update(LINALG_COMPOSITES)
