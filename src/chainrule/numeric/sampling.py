"""Calling the user's black box: argument checks, output checks, precision, counting, caching.

A *sampler* evaluates ``f`` at ``x`` displaced by a stencil offset times a base step, for a set of
*lanes* that are differentiated side by side: the elements of ``x`` (for an elementwise ``f``), the
coordinates of ``x`` (for a gradient or Jacobian), or pairs of coordinates (for a Hessian). Results are
arrays of shape ``lane_shape + tail_shape``. For a scalar ``x`` and scalar ``f`` every value is a plain
Python float, which keeps the per-call overhead of the common case in the microseconds.

The sampler also learns the *precision* of ``f`` from what it returns: float16 or float32 results (and
complex64 for the complex step) set ``eps`` to that type's machine epsilon, and every round-off bound and
default step is then taken for that precision rather than for float64. Where ``f`` raises ``ValueError``
or an ``ArithmeticError`` at a real point, the value there is NaN (see
:mod:`chainrule.numeric.evaluation`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.numeric.evaluation import NOT_FINITE_ERRORS, Evaluator, Raised

__all__ = [
    "EPS64",
    "AxisSampler",
    "ElementwiseSampler",
    "PairSampler",
    "Sampler",
    "as_point",
    "check_callable",
]

Offset = tuple[Any, ...]
_FAST_TYPES = (float, np.float64)
EPS64 = float(np.finfo(float).eps)
_NAN = float("nan")


def check_callable(f: object, caller: str) -> None:
    """Raise :class:`ChainruleTypeError` unless ``f`` is callable."""
    if not callable(f):
        raise ChainruleTypeError(f"{caller}: f must be callable, got {type(f).__name__} {f!r:.60}")


def as_point(x: object, caller: str) -> np.ndarray | float:
    """``x`` as a float (scalar) or float64 array; reject non-numeric, complex and non-finite values."""
    if type(x) is float:
        if x - x != 0.0:
            raise ChainruleValueError(f"{caller}: x must be finite, got {x}")
        return x
    try:
        array = np.asarray(x)
    except Exception as exc:  # ragged lists and such
        raise ChainruleTypeError(f"{caller}: x must be a real number or array: {exc}") from exc
    if array.dtype.kind not in "biuf":
        raise ChainruleTypeError(
            f"{caller}: x must be real numbers, got dtype {array.dtype} ({type(x).__name__})"
        )
    array = array.astype(float)
    if not np.all(np.isfinite(array)):
        raise ChainruleValueError(f"{caller}: x must be finite, got {x!r:.80}")
    return float(array) if array.ndim == 0 else array


def _precision(dtype: np.dtype[Any]) -> float:
    """Machine epsilon of a result type (float64's for integers and wider types)."""
    if dtype.kind in "fc" and dtype.itemsize <= (8 if dtype.kind == "c" else 4):
        return float(np.finfo(dtype).eps)
    return EPS64


def _as_output(value: object, caller: str, allow_complex: bool) -> tuple[Any, float]:
    """``f``'s output as a float / complex / float64 array, and the precision it came in."""
    if type(value) in _FAST_TYPES:
        return float(value), EPS64  # type: ignore[arg-type]
    try:
        array = np.asarray(value)
    except Exception as exc:
        raise ChainruleTypeError(f"{caller}: f returned a non-numeric value: {exc}") from exc
    kinds = "biufc" if allow_complex else "biuf"
    if array.dtype.kind not in kinds:
        if array.dtype.kind == "c":
            raise ChainruleTypeError(
                f"{caller}: f returned a complex value {value!r:.60} for a real argument; "
                "differentiate the real and imaginary parts separately"
            )
        raise ChainruleTypeError(f"{caller}: f must return numbers, got {type(value).__name__} {value!r:.60}")
    eps = _precision(array.dtype)
    if array.ndim == 0:
        return (complex(array) if array.dtype.kind == "c" else float(array)), eps
    return array.astype(complex if array.dtype.kind == "c" else float), eps


class Sampler:
    """Base class: evaluation count, cache, precision, where f runs, and output checks.

    Subclasses define ``_points(offset, lanes)``, the points of one offset for some lanes,
    ``_assemble(outputs, lanes)``, the lane-stacked value, and ``centre_point()``.
    """

    caller = "derivative"
    #: Whether every lane evaluates the same f near the same x (so that f's noise is common to all).
    shares_noise = False

    def __init__(self, f: Callable[..., Any], evaluator: Evaluator | None = None) -> None:
        self.f = f
        self.evaluator = evaluator if evaluator is not None else Evaluator(f)
        self.n_evals = 0
        self.tail_shape: tuple[int, ...] | None = None
        self.lane_shape: tuple[int, ...] = ()
        self.base: Any = 1.0
        #: Machine epsilon of f's real results (float64's unless f returned float32 or float16).
        self.eps = EPS64
        #: Machine epsilon of f's complex results.
        self.complex_eps = EPS64
        #: The first NaN-like exception f raised (reported in the message), if any.
        self.raised: BaseException | None = None
        self._centre: Any = None
        self._cache: dict[Offset, tuple[Any, Any]] = {}

    # -- to be defined by subclasses -------------------------------------------------------------
    def _points(self, offset: Offset, lanes: np.ndarray | None) -> list[Any]:
        raise NotImplementedError

    def _assemble(self, offset: Offset, outputs: list[Any], lanes: np.ndarray | None) -> Any:
        raise NotImplementedError

    def centre_point(self) -> Any:
        raise NotImplementedError

    def value_shape(self) -> tuple[int, ...]:
        """The shape of a derivative: lanes, then f's output (its tail)."""
        return self.lane_shape + (self.tail_shape or ())

    def _spread(self, centre: Any) -> Any:
        """The value at ``x`` itself, as the value of every lane."""
        raise NotImplementedError

    # -- shared machinery ------------------------------------------------------------------------
    def _call(self, points: list[Any]) -> list[Any]:
        self.n_evals += len(points)
        return self.evaluator.map(points)

    def _real_outputs(self, raw: list[Any]) -> list[Any]:
        outputs = []
        for value in raw:
            if isinstance(value, Raised):
                if not isinstance(value.exception, NOT_FINITE_ERRORS):
                    raise value.exception
                self.raised = self.raised or value.exception
                outputs.append(_NAN)
                continue
            converted, eps = _as_output(value, self.caller, False)
            self.eps = max(self.eps, eps)
            self._check_shape(converted)
            outputs.append(converted)
        return [self._fill(v) for v in outputs]

    def _fill(self, value: Any) -> Any:
        """A NaN placeholder (f raised) shaped like f's other outputs."""
        if value is _NAN and self.tail_shape:
            return np.full(self.tail_shape, np.nan)
        return value

    def _check_shape(self, value: Any) -> None:
        if type(value) is float and self.tail_shape == ():
            return
        shape = np.shape(value)
        if self.tail_shape is None:
            self.tail_shape = shape
        elif shape != self.tail_shape:
            raise ShapeError(
                f"{self.caller}: f returned shape {shape} at one point and {self.tail_shape} at "
                "another; f must return the same shape everywhere"
            )

    def centre(self) -> Any:
        """``f(x)`` (evaluated once, where the user asked), which also sets the output shape and the
        precision before any step is chosen."""
        if self._centre is None:
            (value,) = self._real_outputs(self._call([self.centre_point()]))
            self._centre = value
        return self._centre

    def values(self, offsets: Sequence[Offset], lanes: np.ndarray | None = None) -> list[Any]:
        """``f`` at each offset (times the base step) for the given lanes (a boolean mask or None)."""
        cache = self._cache
        if any(_is_zero(o) for o in offsets):
            self.centre()
        missing = [o for o in offsets if not _is_zero(o) and self._needs(o, lanes)]
        if missing:
            per_offset = [self._points(o, lanes) for o in missing]
            flat = [p for points in per_offset for p in points]
            outputs = self._real_outputs(self._call(flat))
            start = 0
            for offset, points in zip(missing, per_offset, strict=True):
                chunk = outputs[start : start + len(points)]
                start += len(points)
                self._store(offset, self._assemble(offset, chunk, lanes), lanes)
        return [self._spread(self._centre) if _is_zero(o) else cache[o][0] for o in offsets]

    def _needs(self, offset: Offset, lanes: np.ndarray | None) -> bool:
        entry = self._cache.get(offset)
        if entry is None:
            return True
        done = entry[1]
        if done is True:
            return False
        return not bool(np.all(done)) if lanes is None else bool(np.any(lanes & ~done))

    def _store(self, offset: Offset, value: Any, lanes: np.ndarray | None) -> None:
        entry = self._cache.get(offset)
        if lanes is None or entry is None or entry[1] is True:
            self._cache[offset] = (value, True if lanes is None else lanes.copy())
            return
        old, done = entry
        mask = lanes.reshape(lanes.shape + (1,) * (np.ndim(value) - lanes.ndim))
        self._cache[offset] = (np.where(mask, value, old), done | lanes)

    def remember(self, offset: Offset, value: Any) -> None:
        """Record ``f`` at an offset evaluated elsewhere (the fast path), for every lane."""
        self._cache[offset] = (value, True)

    def forget(self, lanes: np.ndarray | None) -> None:
        """Drop cached values of some lanes (all when None), after their base step changed."""
        if lanes is None or not self.lane_shape:
            self._cache.clear()
            return
        for offset, (value, done) in list(self._cache.items()):
            done_mask = np.ones(self.lane_shape, bool) if done is True else done
            self._cache[offset] = (value, done_mask & ~lanes)

    def complex_values(
        self, offsets: Sequence[complex], base: Any, lanes: np.ndarray | None = None, *, finite: bool = True
    ) -> list[Any] | None:
        """``f`` at ``x + offset·base`` for complex offsets (for the given lanes; others NaN); ``None``
        if ``f`` is not complex-safe there: it raises, warns about discarding an imaginary part, returns
        real values, or (unless ``finite=False``) non-finite ones. Sets ``complex_eps`` from the type of
        what ``f`` returned."""
        saved = self.base
        self.base = base
        try:
            points = [p for o in offsets for p in self._points((o,), lanes)]
            self.n_evals += len(points)
            # f's exceptions come back as Raised; the evaluator's own (a timeout, a dead worker) propagate.
            raw = self.evaluator.map(points, complex_input=True)
        finally:
            self.base = saved
        if any(isinstance(v, Raised) for v in raw):
            return None
        try:
            converted = [_as_output(v, self.caller, True) for v in raw]
        except Exception:  # a non-numeric result on complex input means: not complex-safe
            return None
        outputs = [value for value, _ in converted]
        if not all(np.iscomplexobj(v) for v in outputs):
            return None
        try:
            for value in outputs:
                self._check_shape(value)
        except ShapeError:
            return None
        self.complex_eps = max([self.complex_eps, *(eps for _, eps in converted)])
        per_offset = len(points) // len(offsets)
        values = [
            self._assemble((o,), outputs[k * per_offset : (k + 1) * per_offset], lanes)
            for k, o in enumerate(offsets)
        ]
        if finite and not all(np.all(np.isfinite(v)) for v in values):
            return None
        return values


def _is_zero(offset: Offset) -> bool:
    return all(o == 0 for o in offset)


class ElementwiseSampler(Sampler):
    """``f(x + o·h)``: one call per offset evaluates every element of ``x`` (``f`` elementwise)."""

    def __init__(self, f: Callable[..., Any], x: Any, evaluator: Evaluator | None = None) -> None:
        super().__init__(f, evaluator)
        self.x = x
        self.lane_shape = np.shape(x)

    def centre_point(self) -> Any:
        return np.float64(self.x) if type(self.x) is float else self.x.copy()

    def value_shape(self) -> tuple[int, ...]:
        # f is elementwise: for an array x its output has the shape of x, and no further axes.
        return self.lane_shape if self.lane_shape else (self.tail_shape or ())

    def _spread(self, centre: Any) -> Any:
        return centre

    def _points(self, offset: Offset, lanes: np.ndarray | None) -> list[Any]:
        shift = offset[0] * self.base
        if type(self.x) is float and isinstance(shift, float | complex):
            point = self.x + shift
            return [np.float64(point) if isinstance(point, float) else np.complex128(point)]
        return [self.x + shift]

    def _assemble(self, offset: Offset, outputs: list[Any], lanes: np.ndarray | None) -> Any:
        value = outputs[0]
        if self.lane_shape and np.shape(value) != self.lane_shape:
            raise ShapeError(
                f"{self.caller}: f returned shape {np.shape(value)} for x of shape "
                f"{self.lane_shape}; for an array x, f must be elementwise (use jacobian for "
                "a function of a vector)"
            )
        return value

    def _fill(self, value: Any) -> Any:
        if value is _NAN and self.lane_shape:
            return np.full(self.lane_shape, np.nan)
        return super()._fill(value)


class AxisSampler(Sampler):
    """``f(x + o·h_j·d_j)`` for each lane ``j``: one call per lane and offset (a Jacobian's columns).

    ``directions`` is ``None`` for the coordinate axes of ``x`` or an array of shape ``(lanes,) + x.shape``.
    """

    caller = "jacobian"
    shares_noise = True

    def __init__(
        self,
        f: Callable[..., Any],
        x: np.ndarray,
        evaluator: Evaluator | None = None,
        directions: np.ndarray | None = None,
    ) -> None:
        super().__init__(f, evaluator)
        self.x = np.asarray(x, dtype=float)
        self.directions = directions
        n_lanes = self.x.size if directions is None else directions.shape[0]
        self.lane_shape = (n_lanes,)

    def centre_point(self) -> Any:
        return self.x.copy()

    def _spread(self, centre: Any) -> Any:
        return np.broadcast_to(np.asarray(centre, dtype=float), self.lane_shape + np.shape(centre)).copy()

    def _lane_indices(self, lanes: np.ndarray | None) -> np.ndarray:
        return np.arange(self.lane_shape[0]) if lanes is None else np.flatnonzero(lanes)

    def _points(self, offset: Offset, lanes: np.ndarray | None) -> list[Any]:
        steps = offset[0] * np.broadcast_to(self.base, self.lane_shape)
        points = []
        for j in self._lane_indices(lanes):
            if self.directions is None:
                point = self.x.astype(np.result_type(steps, float), copy=True)
                point.flat[j] += steps[j]
            else:
                point = self.x + steps[j] * self.directions[j]
            points.append(point)
        return points

    def _assemble(self, offset: Offset, outputs: list[Any], lanes: np.ndarray | None) -> Any:
        tail = np.shape(outputs[0])
        dtype = np.result_type(*[np.asarray(o).dtype for o in outputs])
        value = np.full(self.lane_shape + tail, np.nan, dtype=dtype)
        value[self._lane_indices(lanes)] = outputs
        return value


class PairSampler(Sampler):
    """``f(x + a·h_i·e_i + b·h_j·e_j)`` for each lane ``(i, j)``; offsets are pairs ``(a, b)``.

    A diagonal lane ``(i, i)`` whose offsets cancel lands on ``x`` itself, evaluated once and shared.
    """

    caller = "hessian"
    shares_noise = True

    def __init__(
        self, f: Callable[..., Any], x: np.ndarray, pairs: np.ndarray, evaluator: Evaluator | None = None
    ):
        super().__init__(f, evaluator)
        self.x = np.asarray(x, dtype=float)
        self.pairs = pairs
        self.lane_shape = (pairs.shape[0],)

    def centre_point(self) -> Any:
        return self.x.copy()

    def _spread(self, centre: Any) -> Any:
        return np.broadcast_to(np.asarray(centre, dtype=float), self.lane_shape + np.shape(centre)).copy()

    def _lane_indices(self, lanes: np.ndarray | None) -> np.ndarray:
        return np.arange(self.lane_shape[0]) if lanes is None else np.flatnonzero(lanes)

    def _on_centre(self, lane: int, offset: Offset) -> bool:
        i, j = self.pairs[lane]
        return bool(i == j and offset[0] + offset[1] == 0)

    def _points(self, offset: Offset, lanes: np.ndarray | None) -> list[Any]:
        base = np.broadcast_to(self.base, self.lane_shape)
        points = []
        for lane in self._lane_indices(lanes):
            if self._on_centre(lane, offset):
                continue
            i, j = self.pairs[lane]
            point = self.x.copy()
            point.flat[i] += offset[0] * base[lane]
            point.flat[j] += offset[1] * base[lane]
            points.append(point)
        return points

    def values(self, offsets: Sequence[Offset], lanes: np.ndarray | None = None) -> list[Any]:
        """Like :meth:`Sampler.values`, sharing the evaluation at ``x`` among diagonal lanes."""
        if any(o[0] + o[1] == 0 for o in offsets):
            self.centre()
        return super().values(offsets, lanes)

    def _assemble(self, offset: Offset, outputs: list[Any], lanes: np.ndarray | None) -> Any:
        value = np.full(self.lane_shape + np.shape(self._centre), np.nan)
        source = iter(outputs)
        for lane in self._lane_indices(lanes):
            value[lane] = self._centre if self._on_centre(lane, offset) else next(source)
        return value
