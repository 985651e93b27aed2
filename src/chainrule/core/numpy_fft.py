"""``np.fft`` functions written through the transform rows (:mod:`chainrule.core.rules.fft`): the Hermitian
transforms ``hfft``/``ihfft`` and the shifts ``fftshift``/``ifftshift``, as NumPy itself writes them."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core.registry import implements
from chainrule.core.rules._util import shape_of
from chainrule.core.rules.fft import SWAPPED, Norm
from chainrule.errors import ChainruleValueError

# NumPy's hfft is irfft of the conjugate, and ihfft the conjugate of rfft, with norm's direction swapped
_SWAPPED: dict[Any, Norm] = {None: "forward", **SWAPPED}


def _swapped(name: str, norm: Any) -> Norm:
    if norm not in _SWAPPED:
        raise ChainruleValueError(
            f"np.fft.{name}: norm={norm!r}; write one of 'backward', 'ortho', 'forward'"
        )
    return _SWAPPED[norm]


@implements(np.fft.hfft)
def _hfft(a: Any, n: Any = None, axis: int = -1, norm: Any = None, out: Any = None) -> Any:
    return np.fft.irfft(np.conjugate(a), n, axis, norm=_swapped("hfft", norm), out=out)


@implements(np.fft.ihfft)
def _ihfft(a: Any, n: Any = None, axis: int = -1, norm: Any = None, out: Any = None) -> Any:
    return np.conjugate(np.fft.rfft(a, n, axis, norm=_swapped("ihfft", norm), out=out))


def _shifts(x: Any, axes: Any, sign: int) -> tuple[list[int], list[int]]:
    shape = shape_of(x)
    if axes is None:
        axes = list(range(len(shape)))
    elif isinstance(axes, int | np.integer):
        axes = [int(axes)]
    return [sign * (shape[ax] // 2) for ax in axes], list(axes)


@implements(np.fft.fftshift)
def _fftshift(x: Any, axes: Any = None) -> Any:
    shift, axes = _shifts(x, axes, 1)
    return np.roll(x, shift, axes)


@implements(np.fft.ifftshift)
def _ifftshift(x: Any, axes: Any = None) -> Any:
    shift, axes = _shifts(x, axes, -1)
    return np.roll(x, shift, axes)
