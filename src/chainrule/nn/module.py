"""``Module``: parameters held as Tensors, one forward computation usable both ways.

A module computes ``forward(params, x)`` from a dict of its parameters. Called as ``module(x)`` it passes its
own Tensors (the object path: ``loss.backward()`` then ``opt.step()``); ``module.apply(params, x)`` passes
arrays (the functional path: ``cr.value_and_grad`` over ``params = module.state_dict()``, the fast one). The
keys are dotted paths, as in PyTorch: ``"0.weight"`` is the ``weight`` of the first layer of a Sequential.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.core import Tensor
from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.optim.checkpoint import check_arrays, read_arrays, write_arrays

__all__ = ["Module", "Sequential", "subtree"]

Params = Mapping[str, Any]


def subtree(params: Params, name: str) -> dict[str, Any]:
    """The entries of ``params`` under ``name.``, with that prefix removed: a child module's parameters.

    Examples
    --------
    >>> from chainrule.nn import subtree
    >>> subtree({"0.weight": 1, "0.bias": 2, "2.weight": 3}, "0")
    {'weight': 1, 'bias': 2}
    """
    prefix = name + "."
    n = len(prefix)
    return {key[n:]: value for key, value in params.items() if key.startswith(prefix)}


class Module:
    """Base class of layers and models.

    A subclass calls ``super().__init__()``, assigns its parameters (Tensors with ``requires_grad=True``)
    and sub-modules as attributes, and defines ``forward(params, x)``, reading its own parameters as
    ``params["weight"]`` and handing each child ``subtree(params, "child")``.

    Examples
    --------
    >>> import numpy as np, chainrule as cr
    >>> from chainrule.nn import Module
    >>> class Scale(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.factor = cr.Tensor(2.0, requires_grad=True)
    ...
    ...     def forward(self, params, x):
    ...         return params["factor"] * x
    >>> m = Scale()
    >>> m(np.array([1.0, 3.0]))  # the object path, with the module's Tensors
    Tensor([2., 6.], op=multiply)
    >>> m.apply({"factor": 10.0}, np.array([1.0, 3.0]))  # the functional path, with given values
    array([10., 30.])
    >>> cr.grad(lambda p: np.sum(m.apply(p, np.array([1.0, 3.0]))))(m.state_dict())
    {'factor': array(4.)}
    """

    _parameters: dict[str, Tensor]
    _modules: dict[str, Module]

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})

    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise ChainruleTypeError(
                f"{type(self).__name__}: call super().__init__() before assigning attributes"
            )
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Tensor):
            if not value.requires_grad:
                raise ChainruleValueError(
                    f"{type(self).__name__}.{name}: a parameter must be a Tensor with requires_grad=True"
                )
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    # ---------------------------------------------------------------- the computation

    def forward(self, params: Params, x: Any) -> Any:
        """The output for input ``x`` with parameters ``params`` (keys as in :meth:`state_dict`)."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward(params, x)")

    def __call__(self, x: Any) -> Any:
        return self.forward(dict(self.named_parameters()), x)

    def apply(self, params: Params, x: Any) -> Any:
        """``forward`` with the given parameter values (arrays, or traced values under ``cr.grad``).

        Examples
        --------
        >>> import numpy as np, chainrule as cr
        >>> from chainrule.nn import Linear
        >>> layer = Linear(2, 1, seed=0)
        >>> params = {"weight": np.array([[1.0], [2.0]]), "bias": np.array([0.5])}
        >>> layer.apply(params, np.array([[1.0, 1.0]]))
        array([[3.5]])
        """
        try:
            return self.forward(params, x)
        except KeyError as exc:
            expected = [name for name, _ in self.named_parameters()]
            raise ChainruleValueError(
                f"{type(self).__name__}.apply: params has no entry {exc}; expected the keys {expected}"
            ) from None

    # ---------------------------------------------------------------- parameters

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """``(dotted name, Tensor)`` for every parameter, this module's first, then each child's."""
        for name, p in self._parameters.items():
            yield prefix + name, p
        for name, child in self._modules.items():
            yield from child.named_parameters(prefix + name + ".")

    def parameters(self) -> list[Tensor]:
        """The parameter Tensors, for an optimizer's object form: ``Adam(model.parameters())``.

        A Tensor shared by two layers (tied weights) is listed once, so an optimizer steps it once.
        """
        unique: dict[int, Tensor] = {}
        for _, p in self.named_parameters():
            unique.setdefault(id(p), p)
        return list(unique.values())

    def zero_grad(self) -> None:
        """Forget every parameter's accumulated gradient."""
        for p in self.parameters():
            p.zero_grad()

    def state_dict(self) -> dict[str, np.ndarray]:
        """The parameter values as a dict ``{dotted name: array}`` (copies): the functional ``params``.

        Examples
        --------
        >>> from chainrule.nn import MLP
        >>> {k: v.shape for k, v in MLP(3, [4, 2]).state_dict().items()}
        {'0.weight': (3, 4), '0.bias': (4,), '2.weight': (4, 2), '2.bias': (2,)}
        """
        return {name: np.array(p.data) for name, p in self.named_parameters()}

    def load_state_dict(self, state: Params) -> None:
        """Set the parameter Tensors from ``{dotted name: array}`` (as :meth:`state_dict` gives it).

        Every entry is checked before any parameter changes, so a refused load leaves the model as it was:
        the keys must match exactly, each array must have its parameter's shape and hold real numbers (no
        strings, booleans or complex numbers), finite and within the parameter's dtype (1e300 does not fit
        a float32). Values are then cast to each parameter's dtype.

        Examples
        --------
        >>> import numpy as np
        >>> from chainrule.nn import Linear
        >>> layer = Linear(2, 1, seed=0)
        >>> layer.load_state_dict({"weight": np.array([[1.0], [2.0]]), "bias": np.array([np.nan])})
        Traceback (most recent call last):
        ...
        chainrule.errors.ChainruleValueError: Linear.load_state_dict: 'bias' holds 1 NaN or infinite value(s)
        >>> layer.bias.data  # unchanged, and so is the weight
        array([0.])
        """
        self._assign(f"{type(self).__name__}.load_state_dict", state)

    def _assign(self, owner: str, state: Params) -> None:
        own = dict(self.named_parameters())
        expected = {name: (p.shape, p.dtype) for name, p in own.items()}
        values = check_arrays(owner, expected, state)
        for name, p in own.items():  # nothing below can fail: every value is checked and converted
            p.data = values[name]

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`state_dict` to an ``.npz`` file (NumPy's format; no pickling); returns its path.

        ``".npz"`` is appended to a name without it, as :func:`numpy.savez` does, and :meth:`load` resolves
        the name the same way. The file is replaced atomically: an interrupted or failed save (Ctrl-C, a
        full disk) leaves the previous file as it was. A directory as ``path`` is refused.
        """
        return write_arrays(path, self.state_dict(), f"{type(self).__name__}.save")

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read parameters written by :meth:`save`, checked whole as :meth:`load_state_dict` checks them.

        Examples
        --------
        >>> import os, tempfile
        >>> from chainrule.nn import MLP
        >>> path = os.path.join(tempfile.mkdtemp(), "model")
        >>> MLP(2, [3, 1], seed=1).save(path).name
        'model.npz'
        >>> model = MLP(2, [3, 1], seed=2)
        >>> model.load(path)
        >>> bool(np.all(model.state_dict()["0.weight"] == MLP(2, [3, 1], seed=1).state_dict()["0.weight"]))
        True
        """
        owner = f"{type(self).__name__}.load"
        self._assign(owner, read_arrays(path, owner))

    # ---------------------------------------------------------------- display

    def extra_repr(self) -> str:
        """The options shown between the parentheses of ``repr``."""
        return ""

    def __repr__(self) -> str:
        if not self._modules:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"  ({name}): " + repr(child).replace("\n", "\n  ") for name, child in self._modules.items()]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"


class Sequential(Module):
    """Layers applied one after the other; the i-th layer's parameters are named ``"i.<name>"``.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.nn import Linear, Sequential, Tanh
    >>> model = Sequential(Linear(2, 3, seed=0), Tanh(), Linear(3, 1, seed=1))
    >>> model(np.ones((5, 2))).shape
    (5, 1)
    >>> list(model.state_dict())
    ['0.weight', '0.bias', '2.weight', '2.bias']
    """

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise ChainruleTypeError(f"Sequential: layer {i} is a {type(layer).__name__}, not a Module")
            self._modules[str(i)] = layer

    def forward(self, params: Params, x: Any) -> Any:
        for name, layer in self._modules.items():
            x = layer.forward(subtree(params, name), x)
        return x

    def __getitem__(self, index: int) -> Module:
        return list(self._modules.values())[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())
