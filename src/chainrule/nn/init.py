"""Seeded weight initialisation: Xavier/Glorot for tanh and sigmoid layers, He for ReLU layers.

Both pick the spread of the initial weights so that signals keep their size from layer to layer: Glorot
balances the fan-in and the fan-out (variance ``2 / (fan_in + fan_out)``), He compensates for ReLU zeroing
half its inputs (variance ``2 / fan_in``). Each function draws from the ``np.random.Generator`` it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np

from chainrule.errors import ChainruleValueError

__all__ = ["INITIALIZERS", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "rng_from"]


def rng_from(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A Generator: ``seed`` itself if it is one, else ``np.random.default_rng(seed)``.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn.init import rng_from
    >>> rng = np.random.default_rng(1)
    >>> rng_from(rng) is rng, rng_from(1).random() == np.random.default_rng(1).random()
    (True, True)
    """
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) != 2:
        raise ChainruleValueError(f"initialisation: expected a weight shape (fan_in, fan_out), got {shape}")
    return shape[0], shape[1]


def glorot_uniform(shape: tuple[int, int], rng: np.random.Generator, dtype: Any = np.float64) -> np.ndarray:
    """Uniform on ``[-a, a]`` with ``a = sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio, 2010).

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn.init import glorot_uniform
    >>> w = glorot_uniform((300, 300), np.random.default_rng(0))
    >>> bool(np.abs(w).max() <= np.sqrt(6 / 600)), round(float(w.var() * 600 / 2), 1)
    (True, 1.0)
    """
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def glorot_normal(shape: tuple[int, int], rng: np.random.Generator, dtype: Any = np.float64) -> np.ndarray:
    """Normal with standard deviation ``sqrt(2 / (fan_in + fan_out))``.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn.init import glorot_normal
    >>> round(float(glorot_normal((300, 300), np.random.default_rng(0)).var() * 600 / 2), 1)
    1.0
    """
    fan_in, fan_out = _fans(shape)
    return cast(np.ndarray, (rng.standard_normal(shape) * np.sqrt(2.0 / (fan_in + fan_out))).astype(dtype))


def he_uniform(shape: tuple[int, int], rng: np.random.Generator, dtype: Any = np.float64) -> np.ndarray:
    """Uniform on ``[-a, a]`` with ``a = sqrt(6 / fan_in)`` (He et al., 2015).

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn.init import he_uniform
    >>> w = he_uniform((600, 100), np.random.default_rng(0), dtype=np.float32)
    >>> w.dtype, bool(np.abs(w).max() <= np.sqrt(6 / 600)), round(float(w.var() * 600 / 2), 1)
    (dtype('float32'), True, 1.0)
    """
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def he_normal(shape: tuple[int, int], rng: np.random.Generator, dtype: Any = np.float64) -> np.ndarray:
    """Normal with standard deviation ``sqrt(2 / fan_in)`` (He et al., 2015).

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn.init import he_normal
    >>> round(float(he_normal((500, 400), np.random.default_rng(0)).std() ** 2 * 500 / 2), 1)
    1.0
    """
    fan_in, _ = _fans(shape)
    return cast(np.ndarray, (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype))


INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "xavier": glorot_uniform,
    "glorot": glorot_uniform,
    "xavier_normal": glorot_normal,
    "glorot_normal": glorot_normal,
    "he": he_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}
