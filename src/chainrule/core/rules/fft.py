"""Discrete Fourier transforms: ``np.fft``'s complex and real transforms, in any number of axes.

Four rows, each a linear map: ``fftn`` and ``ifftn`` (complex to complex), ``rfftn`` (real to its half
spectrum) and ``irfftn`` (a half spectrum to real). Each takes its sizes ``s``, its ``axes`` and ``norm`` as
parameters; the one- and two-axis functions (``fft``, ``ifft2``, ``rfft`` ...) are the same rows with one or
two axes. ``hfft``, ``ihfft`` and the shifts are written through these (:mod:`chainrule.core.numpy_fft`).

The forward rule of a linear map is the map itself. The reverse rule is its transpose under chainrule's
complex convention (a cotangent ``g`` pairs with a change ``dy`` as ``Re(g * dy)``, no conjugate). The DFT
matrix is symmetric, so an FFT's transpose is the same FFT (with the same ``norm``); cropping or zero-padding
the input to ``s`` transposes to zero-padding or cropping back. A real transform keeps half the spectrum:
``rfftn``'s transpose pads the half spectrum back with zeros and keeps the real part, and ``irfftn``'s
(which reads each entry of the half spectrum but the first and, for even sizes, the last as standing for two
conjugate entries) doubles those entries of the inverse FFT of the cotangent.
"""

from __future__ import annotations

from typing import Any, Literal, cast

import numpy as np

from chainrule.core.batch_rules import axes
from chainrule.core.primitive import Primitive, Traced
from chainrule.core.rules._util import is_complex, shape_of
from chainrule.errors import ChainruleValueError, UnsupportedOperationError

__all__ = ["Norm", "fftn_p", "ifftn_p", "irfftn_p", "resize", "rfftn_p"]

Norm = Literal["backward", "ortho", "forward"]
NORMS = ("backward", "ortho", "forward")
# the norm whose scale a transform in the other direction has (NumPy's hfft and ihfft use it too)
SWAPPED: dict[Any, Norm] = {"backward": "forward", "ortho": "ortho", "forward": "backward"}


def resize(a: Any, sizes: tuple[int, ...], axes: tuple[int, ...]) -> Any:
    """``a`` cropped or zero-padded at the end of each axis to ``sizes``, as ``np.fft`` treats ``n``/``s``."""
    shape = shape_of(a)
    crop = tuple(
        slice(0, min(n, shape[ax])) if ax in axes else slice(None) for ax, n in _full(shape, sizes, axes)
    )
    if any(shape[ax] > n for n, ax in zip(sizes, axes, strict=True)):
        a = a[crop]
    widths = [(0, 0)] * len(shape)
    for n, ax in zip(sizes, axes, strict=True):
        widths[ax] = (0, max(n - shape[ax], 0))
    if any(w for _, w in widths):
        a = np.pad(a, widths)
    return a


def _full(shape: tuple[int, ...], sizes: tuple[int, ...], axes: tuple[int, ...]) -> list[tuple[int, int]]:
    target = dict(zip(axes, sizes, strict=True))
    return [(ax, target.get(ax, n)) for ax, n in enumerate(shape)]


def _sizes(x: Any, axes: tuple[int, ...]) -> tuple[int, ...]:
    shape = shape_of(x)
    return tuple(shape[ax] for ax in axes)


def _along(w: np.ndarray[Any, Any], axis: int, like: Any) -> np.ndarray[Any, Any]:
    """``w`` shaped to broadcast along ``axis`` of an array like ``like``."""
    return w.reshape([-1 if ax == axis else 1 for ax in range(len(shape_of(like)))])


def _half(n: int) -> int:
    return n // 2 + 1


# ---------------------------------------------------------------- NumPy's signatures


def _norm(name: str, norm: Any) -> Norm:
    if norm is None:
        return "backward"
    if norm not in NORMS:
        raise ChainruleValueError(f"np.fft.{name}: norm={norm!r}; write one of {', '.join(map(repr, NORMS))}")
    return cast(Norm, norm)


def _axes(name: str, x: Any, axes: Any) -> tuple[int, ...]:
    ndim = len(shape_of(x))
    out = []
    for ax in (axes,) if isinstance(axes, int | np.integer) else axes:
        if not -ndim <= int(ax) < ndim:
            raise ChainruleValueError(
                f"np.fft.{name}: axis {ax} is out of bounds for an array of {ndim} dimensions"
            )
        out.append(int(ax) % ndim)
    if len(set(out)) != len(out):
        raise UnsupportedOperationError(
            f"np.fft.{name}: repeated axes {tuple(axes)} are not supported on traced values"
        )
    return tuple(out)


def _cook(
    name: str, x: Any, s: Any, axes: Any, inverse_real: bool
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(s, axes)`` in full, as NumPy reads them: all axes, or the last ``len(s)``, by default."""
    ndim = len(shape_of(x))
    if axes is None:
        axes = tuple(range(ndim)) if s is None else tuple(range(ndim - len(s), ndim))
    axes = _axes(name, x, axes)
    if s is None:
        sizes = list(_sizes(x, axes))
        if inverse_real:
            sizes[-1] = 2 * (sizes[-1] - 1)
    else:
        if len(s) != len(axes):
            raise ChainruleValueError(f"np.fft.{name}: s={tuple(s)} and axes={axes} have different lengths")
        sizes = [int(n) for n in s]
    if any(n < 1 for n in sizes):
        raise ChainruleValueError(f"np.fft.{name}: invalid number of data points {tuple(sizes)}")
    return tuple(sizes), axes


def _one_axis(inverse_real: bool = False) -> Any:
    def handler(
        prim: Primitive, a: Any, n: Any = None, axis: int = -1, norm: Any = None, out: Any = None
    ) -> Any:
        name = _public_name(prim, 1)
        _refuse_out(name, out)
        if prim.name == "rfftn":
            _real_only(name, a)
        s, axes = _cook(name, a, None if n is None else (n,), (axis,), inverse_real)
        return prim(a, s=s, axes=axes, norm=_norm(name, norm))

    return handler


def _many_axes(default_axes: Any, inverse_real: bool = False) -> Any:
    def handler(
        prim: Primitive, a: Any, s: Any = None, axes: Any = default_axes, norm: Any = None, out: Any = None
    ) -> Any:
        name = _public_name(prim, 2 if default_axes is not None else 3)
        _refuse_out(name, out)
        if prim.name == "rfftn":
            _real_only(name, a)
        sizes, cooked = _cook(name, a, s, axes, inverse_real)
        return prim(a, s=sizes, axes=cooked, norm=_norm(name, norm))

    return handler


def _public_name(prim: Primitive, dims: int) -> str:
    base = prim.name.removesuffix("n")
    return base + ("" if dims == 1 else "2" if dims == 2 else "n")


def _refuse_out(name: str, out: Any) -> None:
    if out is not None:
        raise UnsupportedOperationError(f"np.fft.{name}: the option out= is not supported on traced values")


def _numpy(one: Any, two: Any, many: Any, inverse_real: bool = False) -> dict[Any, Any]:
    """The row's NumPy functions: its one-axis, two-axis and n-axis forms."""
    return {
        one: _one_axis(inverse_real),
        two: _many_axes((-2, -1), inverse_real),
        many: _many_axes(None, inverse_real),
    }


# ---------------------------------------------------------------- complex to complex


def _fftn(x: Any, *, s: tuple[int, ...], axes: tuple[int, ...], norm: Norm) -> Any:
    return np.fft.fftn(x, s=s, axes=axes, norm=norm)


def _ifftn(x: Any, *, s: tuple[int, ...], axes: tuple[int, ...], norm: Norm) -> Any:
    return np.fft.ifftn(x, s=s, axes=axes, norm=norm)


def _complex_row(name: str, impl: Any, notation: str, numpy: dict[Any, Any]) -> Primitive:
    def jvp(t: Any, ans: Any, x: Any, *, s: Any, axes: Any, norm: str) -> Any:
        return prim(t, s=s, axes=axes, norm=norm)

    def vjp(g: Any, ans: Any, x: Any, *, s: Any, axes: Any, norm: str) -> Any:
        # the same transform (its matrix is symmetric), then back to the input's sizes
        return resize(prim(g, s=s, axes=axes, norm=norm), _sizes(x, axes), axes)

    prim = Primitive(
        name,
        impl,
        vjp=(vjp,),
        jvp=(jvp,),
        rule="linearity",
        notation=notation,
        numpy=numpy,
        complex="holomorphic",
        batch=axes("axes"),
    )
    return prim


fftn_p = _complex_row(
    "fftn",
    _fftn,
    "the DFT is linear: d fft(x) = fft(dx); its transpose is itself",
    _numpy(np.fft.fft, np.fft.fft2, np.fft.fftn),
)
ifftn_p = _complex_row(
    "ifftn",
    _ifftn,
    "the inverse DFT is linear: d ifft(x) = ifft(dx); its transpose is itself",
    _numpy(np.fft.ifft, np.fft.ifft2, np.fft.ifftn),
)

# ---------------------------------------------------------------- real to half spectrum, and back


def _real_only(name: str, x: Any) -> None:
    if is_complex(x):
        raise UnsupportedOperationError(
            f"np.fft.{name}: the input is complex; {name} takes real input (NumPy refuses it too): use "
            f"np.fft.{name.removeprefix('r')} for a complex one"
        )


def _rfftn(x: Any, *, s: tuple[int, ...], axes: tuple[int, ...], norm: Norm) -> Any:
    return np.fft.rfftn(x, s=s, axes=axes, norm=norm)


def _rfftn_vjp(g: Any, ans: Any, x: Any, *, s: Any, axes: Any, norm: Norm) -> Any:
    # rfftn is the first half of fftn along the last axis, so its transpose is Re(fftn(g padded with
    # zeros)); that is irfftn of conj(g), each entry divided by the number it stands for in irfftn, with
    # norm's direction swapped (NumPy's hfft in n dimensions): a real transform, not a complex one
    spectrum = _conjugate_scaled(g, 1.0 / _hermitian_weights(s[-1]), axes[-1])
    full = irfftn_p(spectrum, s=s, axes=axes, norm=SWAPPED[norm])
    return resize(full, _sizes(x, axes), axes)


def _conjugate_scaled(a: Any, weights: np.ndarray[Any, Any], axis: int) -> Any:
    """``conj(a) * weights`` along ``axis``; on plain values in place, in one new array (a transform's
    cotangent is large, and each temporary of that size costs about what a pass over it does)."""
    weights = _along(weights, axis, a)
    out = np.conjugate(a)
    if isinstance(a, Traced):
        return out * weights
    out *= weights
    return out


rfftn_p: Primitive = Primitive(
    "rfftn",
    _rfftn,
    vjp=(_rfftn_vjp,),
    jvp=(lambda t, ans, x, *, s, axes, norm: rfftn_p(t, s=s, axes=axes, norm=norm),),
    rule="linearity",
    notation="rfft is linear: d rfft(x) = rfft(dx), for real x",
    numpy=_numpy(np.fft.rfft, np.fft.rfft2, np.fft.rfftn),
    complex="written",
    batch=axes("axes"),
)


def _irfftn(x: Any, *, s: tuple[int, ...], axes: tuple[int, ...], norm: Norm) -> Any:
    return np.fft.irfftn(x, s=s, axes=axes, norm=norm)


def _hermitian_weights(n: int) -> np.ndarray[Any, Any]:
    """How many spectrum entries each entry of a half spectrum of a length-n real signal stands for."""
    w = np.full(_half(n), 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    return w


def _irfftn_vjp(g: Any, ans: Any, x: Any, *, s: Any, axes: Any, norm: Norm) -> Any:
    # the transpose: the half of ifftn(g) that irfftn reads, each entry counted as often as irfftn counts it;
    # for a real g that half is conj(rfftn(g)) with norm's direction swapped (a real transform again)
    half = _conjugate_scaled(
        rfftn_p(g, s=s, axes=axes, norm=SWAPPED[norm]), _hermitian_weights(s[-1]), axes[-1]
    )
    ct = resize(half, _sizes(x, axes), axes)
    return ct if is_complex(x) else np.real(ct)


irfftn_p: Primitive = Primitive(
    "irfftn",
    _irfftn,
    vjp=(_irfftn_vjp,),
    jvp=(lambda t, ans, x, *, s, axes, norm: irfftn_p(t, s=s, axes=axes, norm=norm),),
    rule="linearity",
    notation="irfft is linear: d irfft(X) = irfft(dX)",
    numpy=_numpy(np.fft.irfft, np.fft.irfft2, np.fft.irfftn, inverse_real=True),
    complex="written",
    batch=axes("axes"),
)
