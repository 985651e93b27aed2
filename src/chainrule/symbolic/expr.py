"""The expression node: a hash-consed DAG of symbols, numbers, sums, products, powers and functions.

Every :class:`Expr` is built through a constructor that looks its structure up in one table first, so two
structurally equal expressions are the same object. Equality is therefore identity, hashing is by identity
(in C, no Python call), shared subexpressions are stored once, and derivatives built from them do not swell.
The table holds its nodes weakly, so expressions nobody uses any more are freed.

Node layout (``op``, ``args``, ``data``):

========== ==================================== =========================================================
op         args                                 data
========== ==================================== =========================================================
``num``    ``()``                               the value: ``int``, ``Fraction`` or ``float``
``symbol`` ``()``                               the name
``constant`` ``()``                             ``"pi"`` (Euler's number is the node ``exp(1)``)
``add``    the terms, without their coefficients ``(constant, coefficients)``
``mul``    the factors (powers of distinct bases) the numeric coefficient
``pow``    ``(base, exponent)``                 ``None``
a function its arguments                        ``None``
========== ==================================== =========================================================

This module is the bottom of :mod:`chainrule.symbolic`: it imports none of the modules above it. The
operators and convenience methods of :class:`Expr` (``+``, ``str()``, ``.diff()``, NumPy's protocols ...)
are carried out by those modules, which hand their functions to :func:`connect` once, when the package is
imported; an :class:`Expr` method then costs one attribute lookup, never an import.
"""

from __future__ import annotations

import math
import operator
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import numpy as np

from chainrule.core.primitive import Primitive, Traced
from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.symbolic.names import valid_name

__all__ = [
    "ADD",
    "CONST",
    "HALF",
    "MUL",
    "NUM",
    "ONE",
    "PI",
    "POW",
    "SYM",
    "ZERO",
    "E",
    "Expr",
    "Operations",
    "Value",
    "as_expr",
    "connect",
    "cons",
    "constant",
    "function_node",
    "number",
    "symbol",
    "symbols",
]

Value = int | Fraction | float

NUM = "num"
SYM = "symbol"
CONST = "constant"
ADD = "add"
MUL = "mul"
POW = "pow"

# The largest float that is converted to an exact integer; beyond it floats are not integers exactly.
_EXACT_FLOAT = 2.0**53
# Floats that are exact fractions with a denominator up to this (0.5, 0.25, 1.5 ...) become exact rationals,
# so that rules written with such constants (sqrt's 0.5 / ans) give exact results.
_DYADIC_DENOMINATOR = 1024
_NAN = float("nan")


class Expr(Traced):
    """A symbolic expression: one node of a hash-consed DAG.

    Build expressions with :func:`chainrule.symbolic.symbols`, :func:`chainrule.symbolic.parse`, Python
    operators and the functions in :mod:`chainrule.symbolic` (``sin``, ``exp`` ...) or NumPy's
    (``np.sin(x)`` works). Never construct nodes directly.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> x, y = sym.symbols("x y")
    >>> e = (x + 1) ** 2 * y
    >>> e
    y*(x + 1)^2
    >>> e.evaluate(x=1.0, y=3.0)
    12.0
    >>> sorted(str(s) for s in e.free_symbols)
    ['x', 'y']
    >>> e == y * (1 + x) ** 2          # equal structure is the same object
    True
    """

    __slots__ = ("__weakref__", "_free", "args", "data", "op")
    # Below every transform's level: inside cr.grad or cr.jvp the transform's own values win (see bind).
    _level = 0
    op: str
    args: tuple[Expr, ...]
    data: Any
    _free: frozenset[Expr]

    def __init__(self) -> None:
        raise ChainruleTypeError(
            "Expr nodes are not constructed directly; use symbols(), parse() and operators"
        )

    # ---------------------------------------------------------------- identity, printing

    def __eq__(self, other: object) -> bool:
        if other.__class__ is Expr:
            return self is other
        if self.op is NUM and isinstance(other, int | float | Fraction | np.number):
            return bool(self.data == other)
        return False

    __hash__ = object.__hash__

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __str__(self) -> str:
        return _ops.to_text(self)

    __repr__ = __str__

    def __reduce__(self) -> tuple[Callable[[str], Expr], tuple[str]]:
        return _ops.parse, (str(self),)

    def _repr_latex_(self) -> str:
        return f"${self.latex()}$"

    def latex(self) -> str:
        """LaTeX source for this expression.

        Examples
        --------
        >>> from chainrule import symbolic as sym
        >>> sym.parse("sqrt(x)/2").latex()
        '\\\\frac{\\\\sqrt{x}}{2}'
        """
        return _ops.to_latex(self)

    # ---------------------------------------------------------------- inspection

    @property
    def is_number(self) -> bool:
        """True for a number node (``2``, ``1/2``, ``0.1``)."""
        return self.op is NUM

    @property
    def is_symbol(self) -> bool:
        """True for a symbol."""
        return self.op is SYM

    @property
    def name(self) -> str:
        """The name of a symbol."""
        if self.op is not SYM:
            raise ChainruleTypeError(f"{self} is not a symbol and has no name")
        return str(self.data)

    @property
    def value(self) -> Value:
        """The exact value of a number node: an ``int``, ``Fraction`` or ``float``."""
        if self.op is not NUM:
            raise ChainruleTypeError(f"{self} is not a number")
        return cast(Value, self.data)

    @property
    def free_symbols(self) -> frozenset[Expr]:
        """The symbols this expression depends on."""
        return self._free

    def count_ops(self, cse: bool = True) -> int:
        """The number of operations needed to evaluate this expression (see :func:`~.cse.count_ops`).

        Examples
        --------
        >>> from chainrule import symbolic as sym
        >>> sym.parse("sin(x)^2 + sin(x)").count_ops()   # sin once, one power, one addition
        3
        """
        return _ops.count_ops([self], cse=cse)

    def evaluate(self, values: Mapping[str | Expr, Any] | None = None, **kwargs: Any) -> Any:
        """The value for numbers or arrays given for the symbols (by keyword or in a mapping).

        Examples
        --------
        >>> import numpy as np
        >>> from chainrule import symbolic as sym
        >>> sym.parse("x^2 + y").evaluate(x=np.array([1.0, 2.0]), y=1.0)
        array([2., 5.])
        """
        table: dict[str | Expr, Any] = dict(values or {})
        table.update(kwargs)
        return _ops.evaluate(self, table)

    def subs(self, mapping: Mapping[Any, Any] | None = None, **kwargs: Any) -> Expr:
        """This expression with symbols (or any subexpressions) replaced.

        Examples
        --------
        >>> from chainrule import symbolic as sym
        >>> sym.parse("x^2 + y").subs(x=3, y="z")
        z + 9
        """
        table: dict[Any, Any] = dict(mapping or {})
        table.update(kwargs)
        return _ops.subs(self, table)

    def diff(self, *variables: Any, n: int = 1) -> Expr:
        """The derivative by ``variables`` (see :func:`chainrule.symbolic.diff`): ``e.diff("x", 2)``."""
        return _ops.diff(self, *variables, n=n)

    def explain(self, var: str | Expr | None = None, **options: Any) -> Any:
        """The derivative worked step by step (see :func:`chainrule.symbolic.explain`)."""
        return _ops.explain(self, var, **options)

    def simplify(self) -> Expr:
        """A simplified form that is never larger (see :func:`chainrule.symbolic.simplify`)."""
        return _ops.simplify(self)

    # ---------------------------------------------------------------- conversions

    def __float__(self) -> float:
        if self.free_symbols:
            raise ChainruleTypeError(
                f"cannot convert the symbolic expression {self} to a number; it depends on "
                f"{', '.join(sorted(s.name for s in self.free_symbols))} (use NumPy functions such as "
                "np.sin rather than math.sin in traced code, and .evaluate() for values)"
            )
        return float(self.evaluate())

    def __bool__(self) -> bool:
        if self.op is NUM:
            return bool(self.data)
        raise ChainruleTypeError(
            f"the truth value of the symbolic expression {self} is undefined (traced code cannot branch "
            "on a symbolic value; np.where(condition, a, b) chooses without branching)"
        )

    def _comparison(self, other: Any, what: str) -> Any:
        # numbers compare as numbers; anything else gives a condition (x < 0), which np.where and
        # piecewise take, and whose truth value is undefined (so traced code cannot branch on it)
        other = as_expr(other)
        if self.op is NUM and other.op is NUM:
            return bool(getattr(operator, what)(self.data, other.data))
        return _ops.call(_CONDITION_NAMES[what], self, other)

    def __lt__(self, other: Any) -> Any:
        return self._comparison(other, "lt")

    def __le__(self, other: Any) -> Any:
        return self._comparison(other, "le")

    def __gt__(self, other: Any) -> Any:
        return self._comparison(other, "gt")

    def __ge__(self, other: Any) -> Any:
        return self._comparison(other, "ge")

    # ---------------------------------------------------------------- arithmetic

    def __add__(self, other: Any) -> Expr:
        return _ops.add(self, other if other.__class__ is Expr else as_expr(other))

    def __radd__(self, other: Any) -> Expr:
        return _ops.add(as_expr(other), self)

    def __sub__(self, other: Any) -> Expr:
        return _ops.add(self, _ops.neg(as_expr(other)))

    def __rsub__(self, other: Any) -> Expr:
        return _ops.add(as_expr(other), _ops.neg(self))

    def __mul__(self, other: Any) -> Expr:
        # the class test first: this operator is the hot path of every rule's ``g * derivative``
        return _ops.mul(self, other if other.__class__ is Expr else as_expr(other))

    def __rmul__(self, other: Any) -> Expr:
        return _ops.mul(as_expr(other), self)

    def __truediv__(self, other: Any) -> Expr:
        return _ops.mul(self, _ops.power(as_expr(other), NEG_ONE))

    def __rtruediv__(self, other: Any) -> Expr:
        return _ops.mul(as_expr(other), _ops.power(self, NEG_ONE))

    def __pow__(self, other: Any) -> Expr:
        return _ops.power(self, as_expr(other))

    def __rpow__(self, other: Any) -> Expr:
        return _ops.power(as_expr(other), self)

    def __neg__(self) -> Expr:
        return _ops.neg(self)

    def __pos__(self) -> Expr:
        return self

    def __abs__(self) -> Expr:
        return _ops.call("abs", self)

    def __floor__(self) -> Expr:
        return _ops.call("floor", self)

    def __ceil__(self) -> Expr:
        return _ops.call("ceil", self)

    def __trunc__(self) -> Expr:
        return _ops.call("trunc", self)

    def __round__(self, ndigits: int | None = None) -> Expr:
        if ndigits is not None:
            raise ChainruleTypeError(
                "round(expr, ndigits) is not supported; round(expr) rounds to an integer"
            )
        return _ops.call("round", self)

    # ---------------------------------------------------------------- NumPy and the rule table

    def _value(self) -> Any:
        # concrete() asks traced values for their plain NumPy value; a symbolic expression has none, so every
        # rule that runs on expressions is written with primitives (relu's with the step primitive).
        raise _NoValueError(self)

    def _lift(self, prim: Primitive, args: Any, params: dict[str, Any]) -> Expr:
        """Record a primitive applied to symbolic operands as a node (see ``core.primitive.bind``)."""
        return _ops.apply_primitive(prim, [as_expr(a) for a in args], params)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _ops.apply_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return _ops.apply_array_function(func, args, kwargs)


class _NoValueError(ChainruleTypeError):
    """What :meth:`Expr._value` raises. Rules that look for a number catch it on every call they make on an
    expression (power's, at each exponent), so the message, which prints the expression, is written only
    when it is read."""

    def __init__(self, expr: Expr) -> None:
        super().__init__()
        self.expr = expr

    def __str__(self) -> str:
        return f"the symbolic expression {self.expr} has no numeric value here"

    def __reduce__(self) -> tuple[type[ChainruleTypeError], tuple[str]]:
        return ChainruleTypeError, (str(self),)


# ---------------------------------------------------------------------------------------- hash-consing


class _Ref(weakref.ref):  # type: ignore[type-arg]  # (weakref.ref[Expr] is not subclassable at run time)
    """A weak reference that knows its table key (``weakref.KeyedRef`` without a Python-level __init__)."""

    __slots__ = ("key",)
    key: Any


_table: dict[Any, _Ref] = {}


def _forget(ref: _Ref) -> None:
    # Only remove the entry if it is still this node's: a new node may have taken the key meanwhile.
    if _table.get(ref.key) is ref:
        _table.pop(ref.key, None)


def cons(op: str, args: tuple[Expr, ...], data: Any, key: Any) -> Expr:
    """The unique node with this structure: the existing one if it is alive, else a new one.

    ``key`` must determine ``(op, args, data)``; callers build it from canonical (sorted) arguments.
    """
    ref = _table.get(key)
    if ref is not None:
        node = ref()
        if node is not None:
            return node  # type: ignore[no-any-return]  # (a cast() call costs time on the hottest path)
    node = object.__new__(Expr)
    node.op = op
    node.args = args
    node.data = data
    node._free = _free_of(node)
    ref = _Ref(node, _forget)
    ref.key = key
    # setdefault is atomic: if another thread built the same node meanwhile, both end up with one object.
    existing = _table.setdefault(key, ref)
    if existing is not ref:
        other = existing()
        if other is not None:
            return other  # type: ignore[no-any-return]
        _table[key] = ref
    return node


_NO_SYMBOLS: frozenset[Expr] = frozenset()


def _free_of(node: Expr) -> frozenset[Expr]:
    """The free symbols of a new node, from its arguments' (every node knows its own from birth)."""
    args = node.args
    if not args:
        return frozenset((node,)) if node.op is SYM else _NO_SYMBOLS
    free: frozenset[Expr] = args[0]._free
    grown: set[Expr] | None = None  # one set grown in place: a sum of n new symbols costs n, not n^2
    for a in args[1:]:
        other: frozenset[Expr] = a._free
        # most arguments share one set (everything depends on x): no new set unless there is something new
        if other is free:
            continue
        if grown is None:
            if other <= free:
                continue
            grown = set(free)
        grown |= other
    return free if grown is None else frozenset(grown)


# ---------------------------------------------------------------------------------------- numbers


def normalize(value: Any) -> Value:
    """A number in canonical form: integral values as ``int``, small exact fractions as ``Fraction``.

    Floats that are exactly integers (below 2**53) or fractions with a denominator up to 1024 become exact,
    so ``0.5`` and ``1/2`` are the same number; other floats (``0.1``) stay floats.
    """
    kind = type(value)
    if kind is int:
        return value  # type: ignore[no-any-return]
    if kind is Fraction:
        return value.numerator if value.denominator == 1 else value  # type: ignore[no-any-return]
    if kind is float:
        if value.is_integer() and abs(value) < _EXACT_FLOAT:
            return int(value)
        if value != value:
            return _NAN  # one NaN object, so that every NaN number is one node (nan != nan)
        if abs(value) < _EXACT_FLOAT:
            exact = Fraction(value)
            if exact.denominator <= _DYADIC_DENOMINATOR:
                return exact
        return value  # type: ignore[no-any-return]
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return normalize(float(value))
    if isinstance(value, Fraction):
        return normalize(Fraction(value))
    raise ChainruleTypeError(f"{value!r} is not a real number")


def as_float(value: Value) -> float:
    """An exact number as the nearest float; beyond float64's range, ``±inf`` (as NumPy would hold it)."""
    try:
        return float(value)  # Fraction.__float__ rounds correctly, even for huge numerators
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def times(a: Value, b: Value) -> Value:
    """``a * b`` for numbers: exact for exact numbers, float64 arithmetic once a float is involved (an
    exact 10^400 times 0.5 is inf, as in NumPy, not Python's OverflowError)."""
    if type(a) is float or type(b) is float:
        return as_float(a) * as_float(b)
    return a * b


def plus(a: Value, b: Value) -> Value:
    """``a + b`` for numbers, as :func:`times` multiplies."""
    if type(a) is float or type(b) is float:
        return as_float(a) + as_float(b)
    return a + b


def number(value: Any) -> Expr:
    """The number node for ``value`` (normalized, see :func:`normalize`)."""
    if type(value) is int:
        small = _SMALL_INTEGERS.get(value)
        if small is not None:
            return small
    value = normalize(value)
    return cons(NUM, (), value, (NUM, type(value), value))


# the integers exponents and coefficients are made of, kept alive and found without building a key
_SMALL_INTEGERS: dict[int, Expr] = {}
_SMALL_INTEGERS.update((k, number(k)) for k in range(-64, 65))


def symbol(name: str) -> Expr:
    """The symbol called ``name``."""
    return cons(SYM, (), name, (SYM, name))


def symbols(names: str) -> Any:
    """Symbols named in a string (``"x y"`` or ``"x, y"``): one symbol for one name, else a tuple.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> x, y = sym.symbols("x y")
    >>> x * y + 1
    x*y + 1
    """
    if not isinstance(names, str):
        raise ChainruleTypeError(f"symbols() takes a string of names, got {type(names).__name__}")
    parts = names.replace(",", " ").split()
    if not parts:
        raise ChainruleValueError("symbols() needs at least one name")
    for name in parts:
        valid_name(name, "symbols()")
    out = tuple(symbol(n) for n in parts)
    return out[0] if len(out) == 1 else out


def constant(name: str) -> Expr:
    """A named mathematical constant (``"pi"``)."""
    return cons(CONST, (), name, (CONST, name))


def as_expr(value: Any) -> Expr:
    """``value`` as an expression: expressions unchanged, real numbers (and 0-d arrays) as number nodes."""
    if value.__class__ is Expr:
        return value
    if value.__class__ is float and -64.0 <= value <= 64.0 and value.is_integer():
        return _SMALL_INTEGERS[int(value)]  # a rule's 2.0 (no constant of constants.py is an integer)
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            raise ChainruleTypeError(
                f"symbolic expressions are scalars; an array of shape {value.shape} cannot be an operand"
            )
        value = value.item()
    if isinstance(value, str):
        raise ChainruleTypeError(
            f"the string {value!r} is not an expression; use chainrule.parse({value!r}) to read it"
        )
    if isinstance(value, complex | np.complexfloating):
        raise ChainruleTypeError(f"symbolic expressions are real; {value!r} is complex")
    if isinstance(value, float):  # a rule's float constant (2/sqrt(pi)) written exactly again
        known = _ops.exact_constant(float(value))
        if known is not None:
            return known
    return number(value)


_CONDITION_NAMES = {"lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal"}


def function_node(name: str, args: tuple[Expr, ...]) -> Expr:
    """The node ``name(*args)`` as it is, without the simplifications of ``functions.call``."""
    return cons(name, args, None, (name, args))


ZERO = number(0)
ONE = number(1)
NEG_ONE = number(-1)
HALF = number(Fraction(1, 2))
PI = constant("pi")
E = function_node("exp", (ONE,))  # Euler's number is exp(1), so that e^x and exp(x) are one node


# ---------------------------------------------------------------------------------------- operations


@dataclass(frozen=True)
class Operations:
    """What the operators and methods of :class:`Expr` do, provided by the modules above this one."""

    add: Callable[..., Expr]
    mul: Callable[..., Expr]
    power: Callable[[Expr, Expr], Expr]
    neg: Callable[[Expr], Expr]
    call: Callable[..., Expr]
    apply_primitive: Callable[[Primitive, list[Expr], dict[str, Any]], Expr]
    apply_ufunc: Callable[..., Any]
    apply_array_function: Callable[..., Any]
    to_text: Callable[[Expr], str]
    to_latex: Callable[[Expr], str]
    parse: Callable[[str], Expr]
    evaluate: Callable[[Expr, Mapping[Any, Any]], Any]
    subs: Callable[[Expr, Mapping[Any, Any]], Expr]
    count_ops: Callable[..., int]
    diff: Callable[..., Expr]
    explain: Callable[..., Any]
    simplify: Callable[[Expr], Expr]
    exact_constant: Callable[[float], Expr | None]


_ops: Operations


def connect(operations: Operations) -> None:
    """Hand :class:`Expr` the functions its operators and methods call (done once by the package)."""
    global _ops
    _ops = operations
