"""One optimizer, two interfaces: functional updates over arrays, PyTorch-style objects over Tensors.

An optimizer states its rule once, for one parameter array: ``_init_slot(p)`` makes that parameter's state
(momentum buffer, running averages) and ``_step(g, p, slot, lr, t)`` returns the new parameter and state.
The functional :meth:`Optimizer.update` maps the rule over the leaves of a params tree (an array, or a
dict/tuple/list of arrays); the object :meth:`Optimizer.step` maps it over the Tensors it was given, reading
their ``grad``. The rules never write into their inputs, so an old functional state stays valid.

A step never writes NaN or infinity into the weights or the optimizer's state. Each update's results are
checked before anything is kept; when one is not finite (a NaN or infinite gradient, or a step too large
for the dtype), the whole update is skipped with a :class:`NonFiniteStepWarning` (``on_nonfinite="skip"``,
the default, as mixed-precision training skips such steps) or refused with an error
(``on_nonfinite="raise"``); either way the parameters and the state stay as they were.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.core import Tensor
from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.optim.checkpoint import check_arrays, read_arrays, write_arrays
from chainrule.tree import TreeDef, flatten, unflatten

__all__ = ["LearningRate", "NonFiniteStepWarning", "OptState", "Optimizer", "Schedule"]

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
    skipped: int = 0  # updates skipped because a result was not finite (see Optimizer)


class NonFiniteStepWarning(RuntimeWarning):
    """An optimizer skipped an update whose gradient or result was NaN or infinite; nothing was changed.

    ``reason`` says what was not finite, e.g. ``"the gradient of params['w'] has 1 NaN and 0 infinite
    entries"``.
    """

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


def _check_lr(lr: Any, owner: str) -> None:
    if callable(lr):
        return
    if (
        isinstance(lr, bool)
        or not isinstance(lr, int | float | np.integer | np.floating)
        or not 0 < lr < np.inf  # NaN fails both
    ):
        raise ChainruleValueError(f"{owner}: lr must be a positive finite number or a schedule, got {lr!r}")


def _leaf_array(leaf: Any, what: str) -> np.ndarray:
    if type(leaf) is np.ndarray and leaf.dtype.kind in "fc":  # the common case, checked first: every step
        return leaf
    if isinstance(leaf, Tensor):
        raise ChainruleTypeError(
            f"{what}: got a Tensor; the functional form takes arrays (pass Tensors to the constructor, "
            "e.g. Adam(model.parameters()), and call step())"
        )
    array = np.asarray(leaf)
    if array.dtype.kind in "iu":
        return array.astype(np.float64)
    if array.dtype.kind not in "fc":  # booleans and strings are not numbers to step
        raise ChainruleTypeError(f"{what}: expected numbers, got an array of dtype {array.dtype}")
    return array


def _tensor_list(params: Any, owner: str) -> list[Tensor]:
    if isinstance(params, Tensor) or not isinstance(params, Iterable):
        raise ChainruleTypeError(
            f"{owner}: params must be an iterable of Tensors (e.g. model.parameters()), got "
            f"{type(params).__name__}; for the functional form leave params out and pass lr= by keyword"
        )
    tensors = list(params)
    first: dict[int, int] = {}
    for i, p in enumerate(tensors):
        if not isinstance(p, Tensor) or not p.requires_grad:
            raise ChainruleTypeError(
                f"{owner}: every parameter must be a Tensor with requires_grad=True, got {p!r:.60}"
            )
        if id(p) in first:  # PyTorch warns and then steps it twice; a refusal is clearer
            raise ChainruleValueError(
                f"{owner}: parameters {first[id(p)]} and {i} are the same Tensor, so its update would be "
                "applied twice; pass each parameter once (model.parameters() lists a shared one once)"
            )
        first[id(p)] = i
    return tensors


def _finite(array: np.ndarray) -> bool:
    return bool(np.isfinite(array).all())


def _leaf_labels(treedef: TreeDef, prefix: str = "params") -> list[str]:
    """How each leaf of a params tree is written: ``params['0.weight']``, ``params[1]``, ``params``."""
    if treedef.kind is None:
        return [prefix]
    keys = treedef.keys if treedef.kind is dict else range(len(treedef.children))
    return [
        label
        for key, child in zip(keys, treedef.children, strict=True)
        for label in _leaf_labels(child, f"{prefix}[{key!r}]")
    ]


def _why_not_finite(label: str, g: np.ndarray, p: np.ndarray) -> str:
    for what, array in ((f"the gradient of {label}", g), (f"{label} itself", p)):
        finite = np.isfinite(array)
        if not finite.all():
            nan = int(np.count_nonzero(np.isnan(array)))
            infinite = int(array.size - np.count_nonzero(finite)) - nan
            return f"{what} has {nan} NaN and {infinite} infinite entries"
    return f"the update of {label} overflows (the learning rate may be too large)"


ON_NONFINITE = ("skip", "raise")


class Optimizer:
    """Base class: the two interfaces over one per-parameter rule (see the module docstring).

    Parameters
    ----------
    params:
        Tensors to optimize with :meth:`step` (the object form), or None for the functional form only.
        Each Tensor once: the same Tensor twice is refused.
    lr:
        The step size: a positive finite number, or a schedule ``lr(count)`` of the number of updates made.
    on_nonfinite:
        What an update whose gradient or result is NaN or infinite does: ``"skip"`` (the default) leaves
        the parameters and the state as they were and warns (:class:`NonFiniteStepWarning`); ``"raise"``
        raises :class:`~chainrule.errors.ChainruleValueError`, also changing nothing. A skipped update does
        not count: ``count`` (Adam's bias correction, schedules) stays, ``skipped`` goes up.

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

    A NaN in a gradient skips the update, with a warning, rather than poisoning the weights:

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     params, state = opt.update({"w": np.array([np.nan, 1.0])}, state, params)
    >>> params["w"], state.count, state.skipped, caught[0].category.__name__
    (array([0.9, 0.9]), 1, 1, 'NonFiniteStepWarning')
    """

    # the names of a slot's arrays in state_dict(), as PyTorch names them
    _slot_names: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Tensor] | None, lr: LearningRate, on_nonfinite: str = "skip") -> None:
        owner = type(self).__name__
        _check_lr(lr, owner)
        if on_nonfinite not in ON_NONFINITE:
            raise ChainruleValueError(
                f"{owner}: on_nonfinite must be one of {ON_NONFINITE}, got {on_nonfinite!r}"
            )
        self.lr = lr
        self.on_nonfinite = on_nonfinite
        self.params: list[Tensor] | None = None if params is None else _tensor_list(params, owner)
        self.count = 0
        self.skipped = 0
        self.slots: list[Slot] = [] if self.params is None else [self._init_slot(p.data) for p in self.params]
        #: Per parameter Tensor, the updates it took part in (a step leaves out those without a grad).
        self.updates: list[int] = [0] * len(self.slots)

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

    def _apply_all(
        self, grads: list[np.ndarray], params: list[np.ndarray], slots: Any, count: int, own: Any = None
    ) -> tuple[list[np.ndarray], list[Slot]] | int:
        """Every parameter's update, or the index of the first whose new value or state is not finite.

        ``count`` updates were made before (the schedule's clock); ``own`` are the updates each parameter
        took part in (its bias correction's clock, as PyTorch keeps one per parameter), by default ``count``.
        """
        lr = self.lr_at(count)
        counts = [count] * len(params) if own is None else own
        new_params, new_slots = [], []
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, in words, or skipped
            for i, (g, p, slot) in enumerate(zip(grads, params, slots, strict=True)):
                new, new_slot = self._apply_rule(g, p, slot, lr, counts[i] + 1)
                if not (_finite(new) and all(_finite(s) for s in new_slot)):
                    return i
                new_params.append(new)
                new_slots.append(new_slot)
        return new_params, new_slots

    def _refuse_or_warn(self, where: str, label: str, g: np.ndarray, p: np.ndarray) -> None:
        reason = _why_not_finite(label, g, p)
        if self.on_nonfinite == "raise":
            raise ChainruleValueError(f"{where}: {reason}; the parameters and the state are unchanged")
        message = (
            f"{where}: skipped an update, {reason}; the parameters and the optimizer's state are unchanged "
            "(on_nonfinite='raise' stops instead)"
        )
        warnings.warn(NonFiniteStepWarning(message, reason), stacklevel=3)

    def lr_at(self, count: int) -> float:
        """The step size of update number ``count + 1`` (``count`` updates made before it)."""
        if not callable(self.lr):
            return float(self.lr)
        lr = float(self.lr(count))
        if not 0 <= lr < np.inf:
            raise ChainruleValueError(
                f"{type(self).__name__}: the lr schedule gives {lr!r} after {count} updates; a step size "
                "must be finite and not negative"
            )
        return lr

    # ---------------------------------------------------------------- functional form

    def init(self, params: Any) -> OptState:
        """The initial state for ``params`` (an array, or a dict/tuple/list of arrays)."""
        leaves, treedef = flatten(params)
        slots = tuple(self._init_slot(_leaf_array(leaf, f"{type(self).__name__}.init")) for leaf in leaves)
        return OptState(0, slots, treedef)

    def update(self, grads: Any, state: OptState, params: Any) -> tuple[Any, OptState]:
        """One step: the new params (same structure) and the new state. Nothing is modified in place.

        An update that would not be finite returns ``params`` and a state that only counts it as
        ``skipped`` (or raises, with ``on_nonfinite="raise"``).
        """
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
        p_arrays = [_leaf_array(p, owner) for p in p_leaves]
        g_arrays = [_leaf_array(g, owner) for g in g_leaves]
        for g, p in zip(g_arrays, p_arrays, strict=True):
            if g.shape != p.shape:
                raise ShapeError(f"{owner}: a gradient of shape {g.shape} for a parameter of shape {p.shape}")
        result = self._apply_all(g_arrays, p_arrays, state.slots, state.count)
        if isinstance(result, int):
            self._refuse_or_warn(owner, _leaf_labels(treedef)[result], g_arrays[result], p_arrays[result])
            return params, OptState(state.count, state.slots, treedef, state.skipped + 1)
        new_params, new_slots = result
        return unflatten(treedef, new_params), OptState(
            state.count + 1, tuple(new_slots), treedef, state.skipped
        )

    # ---------------------------------------------------------------- object form

    def _bound(self, method: str) -> list[Tensor]:
        if self.params is None:
            raise ChainruleValueError(
                f"{type(self).__name__}.{method}(): this optimizer was made without params; pass Tensors "
                "to the constructor, or use init()/update() on arrays"
            )
        return self.params

    def step(self) -> None:
        """Update every parameter Tensor from its ``grad`` (those whose ``grad`` is None are left alone).

        All the new values are computed and checked before any parameter changes, so a non-finite update
        (skipped or refused, see ``on_nonfinite``) leaves every parameter and the state as they were.
        """
        owner = f"{type(self).__name__}.step"
        tensors = self._bound("step")
        indices = [i for i, p in enumerate(tensors) if p.grad is not None]
        if not indices:  # nothing to update: no update is counted (as in PyTorch)
            return
        grads = [_gradient_of(tensors[i], i, owner) for i in indices]
        params = [tensors[i].data for i in indices]
        own = [self.updates[i] for i in indices]
        result = self._apply_all(grads, params, [self.slots[i] for i in indices], self.count, own)
        if isinstance(result, int):
            label = f"parameter {indices[result]} (shape {params[result].shape})"
            self._refuse_or_warn(owner, label, grads[result], params[result])
            self.skipped += 1
            return
        for i, new, slot in zip(indices, *result, strict=True):
            tensors[i].data = new
            self.slots[i] = slot
            self.updates[i] += 1
        self.count += 1

    def zero_grad(self) -> None:
        """Forget the accumulated gradients of the parameter Tensors (call it before each ``backward()``)."""
        for p in self._bound("zero_grad"):
            p.zero_grad()

    # ---------------------------------------------------------------- saving and loading the state

    def state_dict(self, state: OptState | None = None) -> dict[str, np.ndarray]:
        """The state as named arrays: ``step``, ``skipped`` and each parameter's slots (``"0.exp_avg"``).

        Without ``state``, this optimizer's own (object form); with one, that functional state.

        Examples
        --------
        >>> import numpy as np
        >>> from chainrule.optim import Adam
        >>> opt = Adam(lr=0.1)
        >>> sorted(opt.state_dict(opt.init({"w": np.zeros(2)})))
        ['0.exp_avg', '0.exp_avg_sq', 'skipped', 'step']
        """
        if state is None:
            self._bound("state_dict")
            count, skipped, slots = self.count, self.skipped, tuple(self.slots)
        else:
            count, skipped, slots = state.count, state.skipped, state.slots
        arrays = {"step": np.array(count), "skipped": np.array(skipped)}
        for i, slot in enumerate(slots):
            for name, array in zip(self._slot_names, slot, strict=False):
                arrays[f"{i}.{name}"] = np.array(array)
            if state is None and self.updates[i] != count:  # a parameter left out of some steps
                arrays[f"{i}.step"] = np.array(self.updates[i])
        return arrays

    def load_state_dict(self, arrays: Mapping[str, Any], state: OptState | None = None) -> OptState | None:
        """Set the state from :meth:`state_dict`'s arrays, all checked before anything changes.

        Without ``state``, this optimizer's own state is set (object form) and None returned; with one
        (from ``init(params)``, giving the structure, shapes and dtypes), the loaded state is returned.
        Names, shapes and dtypes must match; the counters must be non-negative integers; the arrays must
        be finite real numbers that fit their dtype.
        """
        owner = f"{type(self).__name__}.load_state_dict"
        return self._assign(owner, arrays, state)

    def _assign(self, owner: str, arrays: Mapping[str, Any], state: OptState | None) -> OptState | None:
        template = tuple(self.slots) if state is None else state.slots
        if state is None:
            self._bound("load_state_dict")
        expected = {
            f"{i}.{name}": (array.shape, array.dtype)
            for i, slot in enumerate(template)
            for name, array in zip(self._slot_names, slot, strict=False)
        }
        own_steps = [f"{i}.step" for i in range(len(template))] if state is None else []
        names = ("step", "skipped", *own_steps)
        counters = {name: arrays[name] for name in names if name in arrays}
        values = check_arrays(owner, expected, {k: v for k, v in arrays.items() if k not in counters})
        count, skipped = (_counter(owner, counters, name) for name in ("step", "skipped"))
        updates = [_counter(owner, counters, name) if name in counters else count for name in own_steps]
        slots = tuple(
            tuple(values[f"{i}.{name}"] for name, _ in zip(self._slot_names, slot, strict=False))
            for i, slot in enumerate(template)
        )
        if state is not None:
            return OptState(count, slots, state.treedef, skipped)
        self.count, self.skipped, self.slots, self.updates = count, skipped, list(slots), updates
        return None

    def save(self, path: str | os.PathLike[str], state: OptState | None = None) -> Path:
        """Write :meth:`state_dict` to an ``.npz`` file, atomically (as :meth:`chainrule.nn.Module.save`).

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np, chainrule as cr
        >>> from chainrule.optim import Adam
        >>> w = cr.Tensor(np.ones(2), requires_grad=True)
        >>> opt = Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> path = opt.save(os.path.join(tempfile.mkdtemp(), "adam"))
        >>> resumed = Adam([w], lr=0.1)
        >>> resumed.load(path)
        >>> resumed.count, bool(np.all(resumed.slots[0][0] == opt.slots[0][0]))
        (1, True)
        """
        return write_arrays(path, self.state_dict(state), f"{type(self).__name__}.save")

    def load(self, path: str | os.PathLike[str], state: OptState | None = None) -> OptState | None:
        """Read a state written by :meth:`save`, checked whole as :meth:`load_state_dict` checks it."""
        owner = f"{type(self).__name__}.load"
        return self._assign(owner, read_arrays(path, owner), state)

    def __repr__(self) -> str:
        options = ", ".join(f"{k}={v!r}" for k, v in {"lr": self.lr, **self._hyperparameters()}.items())
        return f"{type(self).__name__}({options})"


def _gradient_of(p: Tensor, index: int, owner: str) -> np.ndarray:
    g = p.grad
    if isinstance(g, Tensor):  # a gradient recorded with create_graph=True
        g = g.detach().numpy()
    g = _leaf_array(g, f"{owner}: the grad of parameter {index}")
    if g.shape != p.shape:  # a gradient assigned by hand
        raise ShapeError(
            f"{owner}: parameter {index} has shape {p.shape} but its grad has shape {g.shape}; a gradient "
            "must have its parameter's shape"
        )
    return g


def _counter(owner: str, arrays: Mapping[str, Any], name: str) -> int:
    if name not in arrays:
        raise ChainruleValueError(f"{owner}: missing keys [{name!r}]")
    value = np.asarray(arrays[name])
    if value.shape != () or value.dtype.kind not in "iu" or int(value) < 0:
        raise ChainruleValueError(
            f"{owner}: {name!r} must be a non-negative integer, got {value.dtype} of shape {value.shape}"
        )
    return int(value)
