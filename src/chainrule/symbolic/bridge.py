"""Conversion to and from SymPy (the ``sympy`` extra: ``pip install chainrule[sympy]``).

SymPy is imported only when a conversion is asked for. Functions SymPy lacks become their definitions:
``relu(x)`` is ``Max(x, 0)``, ``sigmoid(x)`` is ``1/(1 + exp(-x))``, ``softplus(x)`` is ``log(1 + exp(x))``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from chainrule.errors import ChainruleTypeError, UnsupportedOperationError
from chainrule.symbolic import elementary as el
from chainrule.symbolic.algebra import add_all, mul_all, power
from chainrule.symbolic.expr import ADD, CONST, MUL, NUM, POW, SYM, Expr, number, symbol
from chainrule.symbolic.functions import PI, E
from chainrule.symbolic.traverse import postorder

__all__ = ["from_sympy", "to_sympy"]


def _sympy() -> Any:
    try:
        import sympy
    except ModuleNotFoundError as exc:
        raise UnsupportedOperationError(
            "the SymPy bridge needs SymPy: install it with  pip install chainrule[sympy]"
        ) from exc
    return sympy


def _to(sp: Any, node: Expr, args: list[Any], real: bool = True) -> Any:
    op = node.op
    if op is NUM:
        v = node.data
        return (
            sp.Float(v) if type(v) is float else sp.Rational(Fraction(v).numerator, Fraction(v).denominator)
        )
    if op is SYM:
        return sp.Symbol(node.data, real=True) if real else sp.Symbol(node.data)
    if op is CONST:
        return sp.pi
    if node is E:
        return sp.E
    if op is ADD:
        const, coeffs = node.data
        return sp.Add(
            _to(sp, number(const), []),
            *[_to(sp, number(c), []) * a for c, a in zip(coeffs, args, strict=True)],
        )
    if op is MUL:
        return sp.Mul(_to(sp, number(node.data), []), *args)
    if op is POW:
        return sp.Pow(*args)
    table = {
        "abs": sp.Abs,
        "max": sp.Max,
        "min": sp.Min,
        "heaviside": sp.Heaviside,
        "relu": lambda x: sp.Max(x, 0),
        "sigmoid": lambda x: 1 / (1 + sp.exp(-x)),
        "softplus": lambda x: sp.log(1 + sp.exp(x)),
    }
    function = table.get(op) or getattr(sp, op)
    return function(*args)


def to_sympy(expr: Expr, real: bool = True) -> Any:
    """The SymPy expression for ``expr``; its symbols are real (``real=False`` gives plain SymPy symbols).

    chainrule's expressions are real functions of real variables, and SymPy needs to know that to
    differentiate ``abs`` or ``sign`` the same way.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.to_sympy(sym.parse("x^2/2 + relu(x)"))  # doctest: +SKIP
    x**2/2 + Max(0, x)
    """
    sp = _sympy()
    done: dict[Expr, Any] = {}
    for node in postorder([expr]):
        done[node] = _to(sp, node, [done[a] for a in node.args], real)
    return done[expr]


def _from_function(sp: Any, obj: Any, args: list[Expr]) -> Expr:
    name = type(obj).__name__
    simple = {
        "exp": el.exp,
        "sin": el.sin,
        "cos": el.cos,
        "tan": el.tan,
        "sec": el.sec,
        "csc": el.csc,
        "cot": el.cot,
        "asin": el.asin,
        "acos": el.acos,
        "atan": el.atan,
        "sinh": el.sinh,
        "cosh": el.cosh,
        "tanh": el.tanh,
        "asinh": el.asinh,
        "acosh": el.acosh,
        "atanh": el.atanh,
        "Abs": el.absolute,
        "sign": el.sign,
        "atan2": el.atan2,
        "Max": el.maximum,
        "Min": el.minimum,
    }
    if name in simple:
        return simple[name](*args)  # type: ignore[operator]
    if name == "log":
        return el.log(*args)
    if name == "Heaviside":
        return el.heaviside(*args) if len(args) == 2 else el.heaviside(args[0])
    raise UnsupportedOperationError(f"from_sympy: SymPy's {name} has no counterpart in chainrule.symbolic")


def _from(sp: Any, obj: Any, args: list[Expr]) -> Expr:
    if obj.is_Symbol:
        return symbol(obj.name)
    if obj is sp.pi:
        return PI
    if obj is sp.E:
        return E
    if obj.is_Rational:
        return number(Fraction(int(obj.p), int(obj.q)))
    if obj.is_Float:
        return number(float(obj))
    if obj.is_Add:
        return add_all(args)
    if obj.is_Mul:
        return mul_all(args)
    if obj.is_Pow:
        return power(args[0], args[1])
    if obj.is_Function:
        return _from_function(sp, obj, args)
    raise UnsupportedOperationError(f"from_sympy: {type(obj).__name__} ({obj}) is not supported")


def from_sympy(obj: Any) -> Expr:
    """The expression for a SymPy expression (real functions of real symbols).

    Examples
    --------
    >>> import sympy  # doctest: +SKIP
    >>> from chainrule import symbolic as sym
    >>> sym.from_sympy(sympy.sin(sympy.Symbol("x")) ** 2)  # doctest: +SKIP
    sin(x)^2
    """
    sp = _sympy()
    if not isinstance(obj, sp.Basic):
        raise ChainruleTypeError(f"from_sympy needs a SymPy expression, got {type(obj).__name__}")
    done: dict[Any, Expr] = {}
    stack: list[tuple[Any, bool]] = [(obj, False)]
    while stack:
        node, ready = stack.pop()
        if node in done:
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in done)
            continue
        done[node] = _from(sp, node, [done[a] for a in node.args])
    return done[obj]
