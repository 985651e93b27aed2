"""One optimizer, two interfaces: functional updates over arrays, PyTorch-style objects over Tensors.

An optimizer states its rule once, for one parameter array: ``_init_slot(p)`` makes that parameter's state
(momentum buffer, running averages) and ``_step(g, p, slot, lr, t)`` returns the new parameter and state.
The functional :meth:`Optimizer.update` maps the rule over the leaves of a params tree (an array, or a
dict/tuple/list of arrays); the object :meth:`Optimizer.step` maps it over the Tensors it was given, reading
their ``grad``. The rules never write into their inputs, so an old functional state stays valid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.core import Tensor
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.tree import TreeDef, flatten, unflatten

__all__ = ["LearningRate", "OptState", "Optimizer", "Schedule"]

Schedule = Callable[[int], float]
LearningRate = float | Schedule
Slot = tuple[np.ndarray, ...]


@dataclass(frozen=True)
class OptState:
    """The functional optimizer state: the number of updates made and one slot of arrays per parameter.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.optim import Adam
    >>> state = Adam().init((np.zeros(3), np.zeros(2)))
    >>> state.count, [[a.shape for a in slot] for slot in state.slots]  # Adam keeps m and v
    (0, [[(3,), (3,)], [(2,), (2,)]])
    """

    count: int
    slots: tuple[Slot, ...] = field(repr=False)
    treedef: TreeDef = field(repr=False)


def _check_lr(lr: Any, owner: str) -> None:
    if callable(lr):
        return
    if isinstance(lr, bool) or not isinstance(lr, int | float | np.floating) or not lr > 0:
        raise ChainruleValueError(f"{owner}: lr must be a positive number or a schedule, got {lr!r}")


def _leaf_array(leaf: Any, what: str) -> np.ndarray:
    if type(leaf) is np.ndarray and leaf.dtype.kind in "fc":  # the common case, checked first: every step
        return leaf
    if isinstance(leaf, Tensor):
        raise ChainruleTypeError(
            f"{what}: got a Tensor; the functional form takes arrays (pass Tensors to the constructor, "
            "e.g. Adam(model.parameters()), and call step())"
        )
    array = np.asarray(leaf)
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    if array.dtype.kind not in "fc":
        raise ChainruleTypeError(f"{what}: expected numbers, got an array of dtype {array.dtype}")
    return array


def _tensor_list(params: Any, owner: str) -> list[Tensor]:
    if isinstance(params, Tensor) or not isinstance(params, Iterable):
        raise ChainruleTypeError(
            f"{owner}: params must be an iterable of Tensors (e.g. model.parameters()), got "
            f"{type(params).__name__}; for the functional form leave params out and pass lr= by keyword"
        )
    tensors = list(params)
    for p in tensors:
        if not isinstance(p, Tensor) or not p.requires_grad:
            raise ChainruleTypeError(
                f"{owner}: every parameter must be a Tensor with requires_grad=True, got {p!r:.60}"
            )
    return tensors


class Optimizer:
    """Base class: the two interfaces over one per-parameter rule (see the module docstring).

    Parameters
    ----------
    params:
        Tensors to optimize with :meth:`step` (the object form), or None for the functional form only.
    lr:
        The step size: a positive number, or a schedule ``lr(count)`` of the number of updates made.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.optim import SGD, ExponentialDecay
    >>> opt = SGD(lr=ExponentialDecay(0.1, gamma=0.5))
    >>> state = opt.init({"w": np.ones(2)})
    >>> state.count, opt.lr_at(state.count)
    (0, 0.1)
    >>> params, state = opt.update({"w": np.ones(2)}, state, {"w": np.ones(2)})
    >>> params["w"], state.count, opt.lr_at(state.count)
    (array([0.9, 0.9]), 1, 0.05)
    """

    def __init__(self, params: Iterable[Tensor] | None, lr: LearningRate) -> None:
        owner = type(self).__name__
        _check_lr(lr, owner)
        self.lr = lr
        self.params: list[Tensor] | None = None if params is None else _tensor_list(params, owner)
        self.count = 0
        self.slots: list[Slot] = [] if self.params is None else [self._init_slot(p.data) for p in self.params]

    # ---------------------------------------------------------------- the rule, per parameter

    def _init_slot(self, p: np.ndarray) -> Slot:
        return ()

    def _step(self, g: np.ndarray, p: np.ndarray, slot: Slot, lr: float, t: int) -> tuple[np.ndarray, Slot]:
        raise NotImplementedError

    def _hyperparameters(self) -> dict[str, Any]:
        return {}

    def _apply_rule(
        self, g: np.ndarray, p: np.ndarray, slot: Slot, lr: float, t: int
    ) -> tuple[np.ndarray, Slot]:
        if p.ndim:
            return self._step(g, p, slot, lr, t)
        # The rules work in place on the arrays they allocate; NumPy gives scalars for 0-d operands.
        new, new_slot = self._step(g.reshape(1), p.reshape(1), tuple(s.reshape(1) for s in slot), lr, t)
        return new.reshape(()), tuple(s.reshape(()) for s in new_slot)

    def lr_at(self, count: int) -> float:
        """The step size of update number ``count + 1`` (``count`` updates made before it)."""
        return float(self.lr(count)) if callable(self.lr) else float(self.lr)

    # ---------------------------------------------------------------- functional form

    def init(self, params: Any) -> OptState:
        """The initial state for ``params`` (an array, or a dict/tuple/list of arrays)."""
        leaves, treedef = flatten(params)
        slots = tuple(self._init_slot(_leaf_array(leaf, f"{type(self).__name__}.init")) for leaf in leaves)
        return OptState(0, slots, treedef)

    def update(self, grads: Any, state: OptState, params: Any) -> tuple[Any, OptState]:
        """One step: the new params (same structure) and the new state. Nothing is modified in place."""
        owner = f"{type(self).__name__}.update"
        if not isinstance(state, OptState):
            raise ChainruleTypeError(
                f"{owner}: state must come from init(params), got {type(state).__name__}"
            )
        p_leaves, treedef = flatten(params)
        g_leaves, g_treedef = flatten(grads)
        if treedef != state.treedef:
            raise ShapeError(
                f"{owner}: params have structure {treedef}, the state was made for {state.treedef}"
            )
        if g_treedef != treedef:
            raise ShapeError(f"{owner}: grads have structure {g_treedef}, params {treedef}")
        lr, t = self.lr_at(state.count), state.count + 1
        new_params, new_slots = [], []
        for g, p, slot in zip(g_leaves, p_leaves, state.slots, strict=True):
            p, g = _leaf_array(p, owner), _leaf_array(g, owner)
            if g.shape != p.shape:
                raise ShapeError(f"{owner}: a gradient of shape {g.shape} for a parameter of shape {p.shape}")
            p, slot = self._apply_rule(g, p, slot, lr, t)
            new_params.append(p)
            new_slots.append(slot)
        return unflatten(treedef, new_params), OptState(t, tuple(new_slots), treedef)

    # ---------------------------------------------------------------- object form

    def _bound(self, method: str) -> list[Tensor]:
        if self.params is None:
            raise ChainruleValueError(
                f"{type(self).__name__}.{method}(): this optimizer was made without params; pass Tensors "
                "to the constructor, or use init()/update() on arrays"
            )
        return self.params

    def step(self) -> None:
        """Update every parameter Tensor from its ``grad`` (those whose ``grad`` is None are left alone)."""
        params = self._bound("step")
        lr, t = self.lr_at(self.count), self.count + 1
        for i, p in enumerate(params):
            g = p.grad
            if g is None:
                continue
            if isinstance(g, Tensor):  # a gradient recorded with create_graph=True
                g = g.detach().numpy()
            new, self.slots[i] = self._apply_rule(np.asarray(g), p.data, self.slots[i], lr, t)
            p.data = new
        self.count = t

    def zero_grad(self) -> None:
        """Forget the accumulated gradients of the parameter Tensors (call it before each ``backward()``)."""
        for p in self._bound("zero_grad"):
            p.zero_grad()

    def __repr__(self) -> str:
        options = ", ".join(f"{k}={v!r}" for k, v in {"lr": self.lr, **self._hyperparameters()}.items())
        return f"{type(self).__name__}({options})"
