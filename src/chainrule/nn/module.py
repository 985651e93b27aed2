"""``Module``: parameters held as Tensors, one forward computation usable both ways.

A module computes ``forward(params, x)`` from a dict of its parameters. Called as ``module(x)`` it passes its
own Tensors (the object path: ``loss.backward()`` then ``opt.step()``); ``module.apply(params, x)`` passes
arrays (the functional path: ``cr.value_and_grad`` over ``params = module.state_dict()``, the fast one). The
keys are dotted paths, as in PyTorch: ``"0.weight"`` is the ``weight`` of the first layer of a Sequential.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from chainrule.core import Tensor
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError

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
        """The parameter Tensors, for an optimizer's object form: ``Adam(model.parameters())``."""
        return [p for _, p in self.named_parameters()]

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

        The keys must match exactly and each array must have its parameter's shape; values are cast to
        the parameter's dtype.
        """
        own = dict(self.named_parameters())
        missing, unexpected = sorted(set(own) - set(state)), sorted(set(state) - set(own))
        if missing or unexpected:
            raise ChainruleValueError(
                f"{type(self).__name__}.load_state_dict: missing keys {missing}, unexpected keys {unexpected}"
            )
        for name, p in own.items():
            value = np.asarray(state[name])
            if value.shape != p.shape:
                raise ShapeError(
                    f"{type(self).__name__}.load_state_dict: {name!r} has shape {value.shape}, "
                    f"the parameter {p.shape}"
                )
            p.data = value.astype(p.dtype, copy=False)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`state_dict` to a ``.npz`` file (NumPy's format; no pickling)."""
        np.savez(path, allow_pickle=False, **self.state_dict())

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read parameters written by :meth:`save`.

        Examples
        --------
        >>> import os, tempfile
        >>> from chainrule.nn import MLP
        >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
        >>> MLP(2, [3, 1], seed=1).save(path)
        >>> model = MLP(2, [3, 1], seed=2)
        >>> model.load(path)
        >>> bool(np.all(model.state_dict()["0.weight"] == MLP(2, [3, 1], seed=1).state_dict()["0.weight"]))
        True
        """
        with np.load(path, allow_pickle=False) as data:
            self.load_state_dict({name: data[name] for name in data.files})

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
