"""Primitives: named operations with a NumPy implementation and their derivative rules.

A :class:`Primitive` is defined once and serves every mode. Calling it on plain arrays runs the NumPy
implementation; calling it on traced values (a reverse-mode :class:`~chainrule.core.tensor.Tensor` or a
forward-mode :class:`~chainrule.core.dual.Dual`) hands the call to the value with the highest *level*, which
records it. Levels are what make nested transforms (``grad(grad(f))``, ``jvp(grad(f))``) keep their
perturbations apart: every transform takes a fresh level from a counter, so there is no mutable trace state to
share between threads.

Rules are written with NumPy functions and operators. On arrays they run as plain NumPy; on traced values they
dispatch back to the primitives, so the rules themselves are differentiable and give higher derivatives.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.core.complex_check import COMPLEX_SUPPORT, complex_error, involves_complex
from chainrule.errors import (
    ChainruleError,
    ChainruleValueError,
    ShapeError,
    UnsupportedOperationError,
)

__all__ = [
    "COMPLEX_SUPPORT",
    "Formula",
    "Primitive",
    "Traced",
    "apply",
    "bind",
    "complex_error",
    "involves_complex",
    "missing_rule",
    "new_level",
    "operation_error",
]

# A process-wide counter is safe to share: each call hands out a distinct number and nothing else is stored.
_levels = itertools.count(1)


def new_level() -> int:
    """Return a fresh trace level, higher than every level handed out before."""
    return next(_levels)


Rule = Callable[..., Any]


class Traced:
    """Base of the values that record primitives (Tensor and Dual). Subclasses implement ``_lift``."""

    __slots__ = ()
    _level: int

    def _lift(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
        raise NotImplementedError


class VarargRules:
    """Per-argument rules for primitives with a variable number of operands (concatenate, einsum).

    ``rule(argnum, g, ans, *args, **params)`` is looked up as ``rules[argnum]``, like a tuple of rules.
    """

    __slots__ = ("rule",)

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    def __getitem__(self, argnum: int) -> Rule:
        rule = self.rule
        return lambda g, ans, *args, **params: rule(argnum, g, ans, *args, **params)


@dataclass(frozen=True)
class Formula:
    """How formulas write a primitive: its function's name for the parser and printers, and names elsewhere.

    Parameters
    ----------
    name:
        The function's name in formulas (``"sin"``); its node in :mod:`chainrule.symbolic` has this name and
        the primitive's operands. Empty for a primitive written through others (see ``rewrite``) that has no
        name of its own.
    latex:
        Its LaTeX (``r"\\sin"``); by default ``\\operatorname{name}``.
    sympy:
        The SymPy function of the same meaning (``"asin"``, ``"Abs"``); by default ``name``. Empty when SymPy
        has none, and then ``meaning`` says what it is.
    aliases:
        Other names the parser accepts for it (``("arcsin",)``).
    rewrite:
        For a primitive formulas write through other functions rather than as a node of its own: the
        formula, in ``x``, ``y``, ``z`` for its operands (``"x^(1/2)"``, ``"log(x)/log(2)"``).
    meaning:
        Its definition through other functions (``"max(x, 0)"``), for systems that lack it (SymPy).
    values:
        Its exact values at exact numbers, ``{argument: value}`` (``{0: 0}`` for sin).
    exact:
        Its value on exact numbers (ints and fractions), for functions that map them to exact numbers
        (``abs``, ``sign``, ``max``); others are evaluated in floating point only when an operand is a float.
    power_on_name:
        LaTeX writes a power of it on the name: ``\\sin^{2}(x)``.
    """

    name: str = ""
    latex: str = ""
    sympy: str | None = None
    aliases: tuple[str, ...] = ()
    rewrite: str = ""
    meaning: str = ""
    values: Mapping[Any, Any] = field(default_factory=dict)
    exact: Callable[..., Any] | None = None
    power_on_name: bool = False

    @property
    def latex_name(self) -> str:
        return self.latex or f"\\operatorname{{{self.name}}}"

    @property
    def sympy_name(self) -> str:
        return self.name if self.sympy is None else self.sympy


NumPyDeclaration = Callable[..., Any] | Sequence[Callable[..., Any]] | Mapping[Any, Callable[..., Any] | None]


class Primitive:
    """A named operation, defined once, with its rules for both modes of differentiation.

    Parameters
    ----------
    name:
        Short name used in error messages, graph drawings and explanations.
    impl:
        The NumPy implementation; takes the operands positionally and parameters by keyword.
    vjp:
        One reverse rule per operand, ``vjp[i](g, ans, *args, **params)`` returning the cotangent of operand
        ``i`` given the output cotangent ``g`` and the output ``ans``; ``None`` for an operand the primitive
        is not differentiable in (it is treated as a constant). A :class:`VarargRules` for a variable number
        of operands. Rules may call any primitive, this one included: they run when a derivative is taken,
        after every row is made, so mutually recursive rules need no assignment after construction.
    jvp:
        One forward rule per operand, ``jvp[i](t, ans, *args, **params)`` returning operand ``i``'s
        contribution to the output tangent given its tangent ``t``.
    rule:
        The calculus rule this primitive embodies ("power rule", "chain rule", ...), for explanations.
    notation:
        Its derivative in Lagrange notation, for explanations (``"sin'(x) = cos(x)"``).
    kink:
        What happens where the function is not differentiable, if anywhere: the subderivatives there and the
        one chainrule takes. Explanations and the docs quote it.
    numpy:
        The NumPy functions this primitive is: a ufunc or function called with the same operands
        (``np.sin``), several of them, or a mapping from each NumPy function (or ``(ufunc, method)``) to a
        handler that takes the primitive and then NumPy's arguments, and calls the primitive (``None`` for
        the primitive itself).
    formula:
        How formulas write it (:class:`Formula`), if they can.
    complex:
        Whether its rules hold at complex operands, under chainrule's convention (the docs' "Complex numbers":
        JAX's and HIPS autograd's, where a cotangent pairs with a change as ``Re(cotangent * change)``).
        ``"holomorphic"``: the function is complex-differentiable (linear maps included) and its rules,
        written as the derivative times the tangent or cotangent with no conjugate, hold as they stand.
        ``"written"``: its rules were written for complex operands (``abs``, ``real``, ``conj``, the real
        FFTs), real operands keeping real cotangents and tangents. ``None`` (the default): no complex rule,
        and differentiating it where an operand or its result is complex raises, rather than guess.
    batch:
        Its batching rule, for :func:`chainrule.vmap`: how it runs on a whole batch of examples at once,
        ``batch(call, *operands, **params)`` with the batched operands' batch as axis 0, returning the
        result with its batch as axis 0 (see :mod:`chainrule.core.batch_rules`). Most rows take a factory
        from there: ``batch=elementwise`` for broadcasting operations, ``batch=axes("axis")`` for
        parameters that name axes, ``batch=leading`` for operations that already map over leading axes,
        ``batch=looped`` (one call per example, stated on the row) where NumPy has no batched form. A
        primitive without one raises under ``vmap``, naming itself; the completeness test in
        tests/core/test_vmap_rules.py fails for a row without one.
    declare:
        Enter what it declares in :mod:`chainrule.core.registry` now (``False``: later, with
        ``registry.register(prim)``, or for a block with ``registry.replacing(prim)``).

    Notes
    -----
    A primitive is fixed once made: its rules and declarations are read where they are used, never copied,
    so nothing derived from them can go stale.
    """

    __slots__ = (
        "batch",
        "complex",
        "formula",
        "impl",
        "jvp",
        "kink",
        "name",
        "notation",
        "numpy",
        "rule",
        "vjp",
    )

    name: str
    impl: Callable[..., Any]
    vjp: Sequence[Rule | None] | VarargRules | None
    jvp: Sequence[Rule | None] | VarargRules | None
    rule: str
    notation: str
    kink: str | None
    numpy: dict[Any, Callable[..., Any] | None]
    formula: Formula | None
    complex: str | None
    batch: Rule | None

    def __init__(
        self,
        name: str,
        impl: Callable[..., Any],
        *,
        vjp: Sequence[Rule | None] | VarargRules | None = None,
        jvp: Sequence[Rule | None] | VarargRules | None = None,
        rule: str = "",
        notation: str = "",
        kink: str | None = None,
        numpy: NumPyDeclaration | None = None,
        formula: Formula | None = None,
        complex: str | None = None,
        batch: Rule | None = None,
        declare: bool = True,
    ) -> None:
        if complex not in COMPLEX_SUPPORT:
            choices = ", ".join(map(repr, COMPLEX_SUPPORT))
            raise ChainruleValueError(f"Primitive {name!r}: complex={complex!r}; write one of {choices}")
        fields = {
            "name": name,
            "impl": impl,
            "vjp": tuple(vjp) if isinstance(vjp, list) else vjp,
            "jvp": tuple(jvp) if isinstance(jvp, list) else jvp,
            "rule": rule,
            "notation": notation,
            "kink": kink,
            "numpy": _numpy_table(numpy),
            "formula": formula,
            "complex": complex,
            "batch": batch,
        }
        for key, value in fields.items():
            object.__setattr__(self, key, value)
        if declare and (self.numpy or formula is not None):
            register(self)

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(
            f"{self!r} is fixed once made (its declarations are registered then); make a new Primitive, "
            "after chainrule.core.registry.unregister(old) if it declares the same NumPy calls or names"
        )

    @property
    def differentiable(self) -> bool:
        """True when the primitive has a rule for at least one mode."""
        return self.vjp is not None or self.jvp is not None

    @property
    def arity(self) -> int | None:
        """The number of operands (None for a variable number)."""
        rules = self.jvp if self.jvp is not None else self.vjp
        return len(rules) if isinstance(rules, tuple) else None

    def __call__(self, *args: Any, **params: Any) -> Any:
        # Plain NumPy for plain values; otherwise the traced operand with the highest level records the call.
        # (Written out here rather than calling bind(): rules call primitives on every backward step.)
        top: Traced | None = None
        level = -1
        for a in args:
            if isinstance(a, Traced) and a._level > level:
                top = a
                level = a._level
        if top is None:
            return self.impl(*args, **params)
        return top._lift(self, args, params)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def _numpy_table(numpy: NumPyDeclaration | None) -> dict[Any, Callable[..., Any] | None]:
    if numpy is None:
        return {}
    if isinstance(numpy, Mapping):
        return dict(numpy)
    if callable(numpy):
        return {numpy: None}
    return dict.fromkeys(numpy)


def missing_rule(prim: Primitive, mode: str) -> Exception:
    """The error for differentiating through ``prim`` in a mode it has no rule for (never a silent zero)."""
    which = "reverse (vjp)" if mode == "reverse" else "forward (jvp)"
    return UnsupportedOperationError(
        f"{prim.name} has no {which} rule, so its derivative cannot be taken in {mode} mode; give the "
        f"primitive {'vjp' if mode == 'reverse' else 'jvp'}= rules, or use the other mode"
    )


def operation_error(prim: Primitive, operands: Sequence[Any], exc: Exception) -> Exception:
    """A chainrule error naming the operation and its operands' shapes, for a NumPy error inside ``prim``."""
    shapes = ", ".join(str(getattr(a, "shape", "scalar")) for a in operands)
    detail = str(exc).removeprefix(f"{prim.name}: ")
    message = f"{prim.name}: {detail} (operand shapes: {shapes})"
    lowered = str(exc).lower()
    if any(word in lowered for word in ("shape", "dimension", "broadcast", "size")):
        return ShapeError(message)
    return ChainruleValueError(message)


def apply(prim: Primitive, vals: Sequence[Any], params: dict[str, Any], traced: bool) -> Any:
    """``prim`` on operand values that were unwrapped one level: through :func:`bind` again when some are
    still traced (nested transforms), else the implementation; NumPy's errors come back naming the op."""
    try:
        return bind(prim, vals, params) if traced else prim.impl(*vals, **params)
    except ChainruleError:
        raise
    except ValueError as exc:
        raise operation_error(prim, vals, exc) from exc


def bind(prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
    """Apply ``prim`` to ``args``: plain NumPy for plain values, recorded by the top-level traced value."""
    return prim(*args, **params)


# ---------------------------------------------------------------------------------------- the registry
# What the rows declare, indexed (the public face is chainrule.core.registry, whose docstring says more).

# ufunc -> the primitive it is, called with the same operands (np.sin(x) is sin_p(x))
UFUNCS: dict[np.ufunc, Primitive] = {}
# NumPy function, or ufunc that needs its arguments rearranged -> handler taking NumPy's signature
FUNCTIONS: dict[Any, Callable[..., Any]] = {}
# (ufunc, method) -> handler: np.add.reduce, np.maximum.accumulate ...
UFUNC_METHODS: dict[tuple[np.ufunc, str], Callable[..., Any]] = {}
# a formula's function name (and each alias) -> its primitive: "sin" -> sin_p, "arcsin" -> arcsin_p
FORMULAS: dict[str, Primitive] = {}
# every key above -> what declared it (a primitive, or the composite handler), for messages and the docs
OWNERS: dict[Any, Any] = {}
# NumPy functions whose results carry no derivative (argmax, shape ...): handlers give plain values
PLAIN_RESULTS: set[Any] = set()
# the ufuncs whose results are not differentiable: they are applied to the plain values
COMPARISONS: frozenset[np.ufunc] = frozenset(
    {
        np.greater,
        np.greater_equal,
        np.less,
        np.less_equal,
        np.equal,
        np.not_equal,
        np.isfinite,
        np.isinf,
        np.isnan,
        np.signbit,
        np.logical_and,
        np.logical_or,
        np.logical_not,
        np.logical_xor,
    }
)

_REGISTERED: dict[int, Primitive] = {}  # id -> primitive, in the order they were made


def function_name(func: Any) -> str:
    """``np.linalg.solve``-style name of a NumPy function, ufunc or ufunc method, for messages and docs."""
    if isinstance(func, tuple):
        ufunc, method = func
        return f"{function_name(ufunc)}.{method}"
    if isinstance(func, np.ufunc):
        return _ufunc_name(func)
    module = getattr(func, "__module__", None) or "numpy"
    public = [part for part in module.split(".") if not part.startswith("_")]
    public[0] = "np" if public[0] == "numpy" else public[0]
    return ".".join([*public, getattr(func, "__name__", repr(func))])


def _ufunc_name(ufunc: np.ufunc) -> str:
    """``np.sin``, or ``scipy.special.jv`` for SciPy's: errors name a function as its user wrote it."""
    name = ufunc.__name__
    if getattr(np, name, None) is ufunc:
        return f"np.{name}"
    for module in ("scipy.special", "scipy.special._ufuncs"):
        if getattr(sys.modules.get(module), name, None) is ufunc:
            return f"scipy.special.{name}"
    return f"the ufunc {name}"


def _check_free(keys: Sequence[Any], owner: Any) -> None:
    """Raise unless every key is free, or declared by ``owner`` or an earlier primitive of its name."""
    for key in keys:
        previous = OWNERS.get(key)
        if previous is None or previous is owner or _redefines(owner, previous):
            continue
        what = function_name(key) if not isinstance(key, str) else f"the formula name {key!r}"
        raise ChainruleValueError(
            f"{what} is already declared by {previous!r}; give your primitive another name, or swap it in "
            "with chainrule.core.registry.replacing(...) (or unregister the other first)"
        )


def _redefines(new: Any, old: Any) -> bool:
    # a primitive made again under the same name (a notebook cell run twice) replaces the earlier one
    return isinstance(new, Primitive) and isinstance(old, Primitive) and new.name == old.name


def register(prim: Primitive) -> None:
    """Enter the NumPy calls and formula names ``prim`` declares (done when a primitive is made).

    All or nothing: a key declared by another primitive raises before anything is entered. A primitive of
    the same name as the earlier owner replaces it (re-running the code that makes it).
    """
    keys = _keys(prim)
    _check_free(keys, prim)
    for old in {id(OWNERS[k]): OWNERS[k] for k in keys if k in OWNERS and OWNERS[k] is not prim}.values():
        _drop(old)
    for key, handler in prim.numpy.items():
        OWNERS[key] = prim
        call: Callable[..., Any] = prim if handler is None else functools.partial(handler, prim)
        if isinstance(key, tuple):
            UFUNC_METHODS[key] = call
        elif isinstance(key, np.ufunc) and handler is None:
            UFUNCS[key] = prim
        else:
            FUNCTIONS[key] = call
    formula = prim.formula
    if formula is not None and formula.name:
        for name in (formula.name, *formula.aliases):
            OWNERS[name] = prim
            FORMULAS[name] = prim
    _REGISTERED[id(prim)] = prim


def unregister(prim: Primitive) -> None:
    """Take out everything ``prim`` declared, so that another primitive may declare it."""
    _drop(prim)


def primitives() -> list[Primitive]:
    """Every primitive that declared NumPy calls or a formula, in the order they were made."""
    return list(_REGISTERED.values())


def implements(*funcs: Any, plain: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a composite handler (written with primitives) for NumPy functions or ``(ufunc, method)``.

    ``plain=True`` says the handler returns plain values that carry no derivative (``np.argmax``).
    """

    def declare(handler: Callable[..., Any]) -> Callable[..., Any]:
        _check_free(funcs, handler)
        for f in funcs:
            OWNERS[f] = handler
            if plain:
                PLAIN_RESULTS.add(f)
            if isinstance(f, tuple):
                UFUNC_METHODS[f] = handler
            else:
                FUNCTIONS[f] = handler
        return handler

    return declare


def _keys(prim: Primitive) -> list[Any]:
    keys: list[Any] = [*prim.numpy]
    if prim.formula is not None and prim.formula.name:
        keys += [prim.formula.name, *prim.formula.aliases]
    return keys


@contextlib.contextmanager
def replacing(prim: Primitive) -> Iterator[Primitive]:
    """Within the block, ``prim`` declares its NumPy calls and names in place of whatever declared them;
    afterwards the previous declarations come back (for tests, and notebooks that try a rule out)."""
    saved = {key: (OWNERS[key], *_entry(key)) for key in _keys(prim) if key in OWNERS}
    for key, (_, table, _) in saved.items():
        del OWNERS[key]
        del table[key]
    register(prim)
    try:
        yield prim
    finally:
        unregister(prim)
        for key, (owner, table, value) in saved.items():
            OWNERS[key] = owner
            table[key] = value


def _entry(key: Any) -> tuple[dict[Any, Any], Any]:
    """The table ``key`` is in, and its value there."""
    tables: tuple[dict[Any, Any], ...] = (UFUNCS, FUNCTIONS, UFUNC_METHODS, FORMULAS)
    for table in tables:
        if key in table:
            return table, table[key]
    raise KeyError(key)


def _drop(owner: Any) -> None:
    """Take out every entry ``owner`` (a primitive or a composite handler) declared."""
    for key in [k for k, o in OWNERS.items() if o is owner]:
        del OWNERS[key]
        _entry(key)[0].pop(key)
    _REGISTERED.pop(id(owner), None)
