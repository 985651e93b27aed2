"""Layers: ``Linear`` (``x @ W + b``), the activations, and ``MLP``, a stack of them."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.core import Tensor, relu, sigmoid
from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.nn.init import INITIALIZERS, rng_from
from chainrule.nn.module import Module, Params, Sequential

__all__ = ["ACTIVATIONS", "GELU", "MLP", "Linear", "ReLU", "Sigmoid", "Tanh", "gelu"]

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def gelu(x: Any) -> Any:
    """The Gaussian error linear unit, in its tanh form: ``x/2 (1 + tanh(sqrt(2/π) (x + 0.044715 x³)))``.

    This is PyTorch's ``gelu(approximate="tanh")`` (and GPT-2's); it differs from ``x Φ(x)`` by < 1e-3.

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> from chainrule.nn import gelu
    >>> np.round(gelu(np.array([-3.0, 0.0, 3.0])), 4)
    array([-0.0036,  0.    ,  2.9964])
    >>> round(cr.grad(gelu)(0.0), 6)
    0.5
    """
    return 0.5 * x * (1.0 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3)))


class Linear(Module):
    """An affine layer ``x @ W + b``, with ``W`` of shape ``(nin, nout)`` and ``b`` of shape ``(nout,)``.

    Parameters
    ----------
    nin, nout:
        Input and output sizes.
    bias:
        Whether to add ``b``.
    init:
        ``"xavier"`` (Glorot uniform, for tanh and sigmoid), ``"he"`` (He normal, for ReLU),
        ``"xavier_normal"``, ``"he_uniform"``; the bias starts at zero.
    seed:
        An int or a ``np.random.Generator`` for the initial weights.
    dtype:
        ``np.float64`` or ``np.float32``.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn import Linear
    >>> layer = Linear(3, 2, seed=0)
    >>> layer.weight.shape, layer.bias.shape
    ((3, 2), (2,))
    >>> layer(np.ones((4, 3))).shape
    (4, 2)
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        *,
        bias: bool = True,
        init: str = "xavier",
        seed: int | np.random.Generator | None = 0,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        for name, size in (("nin", nin), ("nout", nout)):
            if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
                raise ChainruleValueError(f"Linear: {name} must be a positive integer, got {size!r}")
        if init not in INITIALIZERS:
            raise ChainruleValueError(f"Linear: unknown init {init!r}; use one of {sorted(INITIALIZERS)}")
        if np.dtype(dtype).kind != "f":
            raise ChainruleTypeError(f"Linear: dtype must be a float type, got {np.dtype(dtype)}")
        self.nin, self.nout, self.init = int(nin), int(nout), init
        self.weight = Tensor(
            INITIALIZERS[init]((self.nin, self.nout), rng_from(seed), dtype), requires_grad=True
        )
        if bias:
            self.bias = Tensor(np.zeros(self.nout, dtype=dtype), requires_grad=True)

    def forward(self, params: Params, x: Any) -> Any:
        y = x @ params["weight"]
        return y + params["bias"] if "bias" in self._parameters else y

    def extra_repr(self) -> str:
        return f"{self.nin}, {self.nout}, bias={'bias' in self._parameters}"


class _Activation(Module):
    """A module without parameters applying one elementwise function."""

    function: Callable[[Any], Any]

    def forward(self, params: Params, x: Any) -> Any:
        return type(self).function(x)


class ReLU(_Activation):
    """``max(x, 0)`` elementwise (with relu'(0) = 0)."""

    function = staticmethod(relu)


class Tanh(_Activation):
    """``tanh(x)`` elementwise."""

    function = staticmethod(np.tanh)


class Sigmoid(_Activation):
    """``1 / (1 + exp(-x))`` elementwise, without overflow."""

    function = staticmethod(sigmoid)


class GELU(_Activation):
    """:func:`gelu` elementwise."""

    function = staticmethod(gelu)


ACTIVATIONS: dict[str, type[_Activation]] = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "gelu": GELU}

# Glorot suits the activations that are linear near 0; He those that cut half of their input.
_DEFAULT_INIT = {"relu": "he", "gelu": "he", "tanh": "xavier", "sigmoid": "xavier"}


class MLP(Sequential):
    """A multilayer perceptron: ``Linear, activation, Linear, activation, ..., Linear``.

    Parameters
    ----------
    nin:
        Input size.
    sizes:
        Output size of each layer; the last is the network's output (no activation after it: the losses
        take logits).
    activation:
        ``"tanh"``, ``"relu"``, ``"sigmoid"`` or ``"gelu"``.
    init:
        The weight initialisation (see :class:`Linear`); by default He for relu/gelu, Glorot otherwise.
    seed:
        An int or a Generator; the layers draw from it in turn, so one seed fixes the whole network.
    dtype:
        ``np.float64`` or ``np.float32``.

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> from chainrule.nn import MLP
    >>> model = MLP(2, [16, 16, 1], activation="relu", seed=0)
    >>> model
    MLP(
      (0): Linear(2, 16, bias=True)
      (1): ReLU()
      (2): Linear(16, 16, bias=True)
      (3): ReLU()
      (4): Linear(16, 1, bias=True)
    )
    >>> sum(p.size for p in model.parameters())
    337
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str = "tanh",
        *,
        init: str | None = None,
        seed: int | np.random.Generator | None = 0,
        dtype: Any = np.float64,
    ) -> None:
        if activation not in ACTIVATIONS:
            raise ChainruleValueError(
                f"MLP: unknown activation {activation!r}; use one of {sorted(ACTIVATIONS)}"
            )
        if isinstance(sizes, int) or not sizes:
            raise ChainruleValueError(f"MLP: sizes must be a non-empty list of layer sizes, got {sizes!r}")
        rng = rng_from(seed)
        init = _DEFAULT_INIT[activation] if init is None else init
        widths = [nin, *sizes]
        layers: list[Module] = []
        for i, (n_in, n_out) in enumerate(itertools.pairwise(widths)):
            layers.append(Linear(n_in, n_out, init=init, seed=rng, dtype=dtype))
            if i < len(sizes) - 1:
                layers.append(ACTIVATIONS[activation]())
        super().__init__(*layers)
