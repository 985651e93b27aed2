"""Conversion to and from SymPy (the ``sympy`` extra: ``pip install chainrule[sympy]``).

SymPy is imported only when a conversion is asked for. Each function's SymPy name is its row's
``Formula.sympy``; a function SymPy lacks becomes its row's ``Formula.meaning``: ``relu(x)`` is ``Max(x, 0)``,
``sigmoid(x)`` is ``1/(1 + exp(-x))``. From SymPy, the same names are read back, and the composites of
:mod:`.elementary` (``sec``, ``csc``, ``cot``) by theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from chainrule.core.registry import FORMULAS
from chainrule.errors import ChainruleTypeError, UnsupportedOperationError
from chainrule.symbolic.algebra import add_all, mul_all, power
from chainrule.symbolic.conditions import CONDITIONS, condition
from chainrule.symbolic.elementary import COMPOSITES, function
from chainrule.symbolic.expr import ADD, CONST, MUL, NUM, ONE, PI, POW, SYM, ZERO, E, Expr, number, symbol
from chainrule.symbolic.functions import primitive
from chainrule.symbolic.names import valid_name
from chainrule.symbolic.parser import parse
from chainrule.symbolic.traverse import postorder
from chainrule.symbolic.unknowns import APPLY, unknown

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
    return _function_to(sp, node, args, real)


def _function_to(sp: Any, node: Expr, args: list[Any], real: bool) -> Any:
    """A function node (a row's, a condition, a piecewise or an unknown function) in SymPy."""
    op = node.op
    if op in CONDITIONS:
        return getattr(sp, CONDITIONS[op].sympy)(*args)
    if op == "piecewise":  # SymPy's Piecewise takes (value, condition) pairs
        return sp.Piecewise((args[1], args[0]), (args[2], True))
    if op == APPLY:
        return _unknown_to(sp, node, args[0], real)
    prim = primitive(op)
    formula = prim.formula if prim is not None else None
    if formula is None:
        raise UnsupportedOperationError(f"to_sympy: {op} is not a function of the rule table")
    if formula.sympy_name:
        return getattr(sp, formula.sympy_name)(*args)
    if not formula.meaning:
        raise UnsupportedOperationError(f"to_sympy: SymPy has no {op}, and its row gives no meaning= for it")
    meaning = parse(formula.meaning)
    names = {s.name: s for s in meaning.free_symbols}
    values = {names[n]: a for n, a in zip("xyz", args, strict=False) if n in names}
    return to_sympy(meaning, real).subs(
        {sp.Symbol(s.name, real=True) if real else sp.Symbol(s.name): v for s, v in values.items()},
        simultaneous=True,
    )


def _unknown_to(sp: Any, node: Expr, argument: Any, real: bool) -> Any:
    """``f(u)`` as SymPy's undefined function; ``f'(u)`` as ``Derivative`` (``Subs`` of one unless u is a
    symbol)."""
    name, order = node.data
    f = sp.Function(name, real=True) if real else sp.Function(name)
    if order == 0:
        return f(argument)
    if argument.is_Symbol:
        return sp.Derivative(f(argument), (argument, order))
    xi = sp.Dummy("xi", real=True) if real else sp.Dummy("xi")
    return sp.Subs(sp.Derivative(f(xi), (xi, order)), xi, argument)


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


def _from_sympy_names() -> dict[str, Callable[..., Expr]]:
    """SymPy's function names -> chainrule's functions: every row's ``Formula.sympy``, and the composites'."""
    names: dict[str, Callable[..., Expr]] = {}
    for name, prim in FORMULAS.items():
        formula = prim.formula
        if formula is not None and formula.name == name and formula.sympy_name:
            names[formula.sympy_name] = function(name)
    for name, composite in COMPOSITES.items():
        if composite.sympy:
            names[composite.sympy] = function(name)
    # SymPy's Max and Min take any number of arguments, its Heaviside one or two; log may have a base;
    # its sinc is sin(x)/x (NumPy's, and so chainrule's, is sin(pi x)/(pi x))
    names.update(
        Max=function("max"), Min=function("min"), Heaviside=function("heaviside"), log=function("log")
    )
    names["sinc"] = lambda u: function("sin")(u) / u
    return names


def _from_piecewise(pairs: list[tuple[Expr, Expr]]) -> Expr:
    """SymPy's ``Piecewise((v1, c1), (v2, c2), ..., (otherwise, True))`` as nested piecewise nodes."""
    if not pairs or pairs[-1][1] is not ONE:
        raise UnsupportedOperationError(
            "from_sympy: a Piecewise without a last (value, True) piece is undefined somewhere; chainrule's "
            "piecewise needs a value otherwise"
        )
    flat = [part for value, chosen in pairs[:-1] for part in (chosen, value)]
    return function("piecewise")(*flat, pairs[-1][0]) if flat else pairs[-1][0]


def _derivative_from(sp: Any, obj: Any) -> Expr | None:
    """``Derivative(f(x), (x, k))``, ``Subs(Derivative(f(xi), xi), xi, u)`` and ``Derivative(f(u), u)`` as
    ``f^(k)(x)``, ``f'(u)``."""
    point = None
    if isinstance(obj, sp.Subs) and len(obj.variables) == 1:
        obj, point = obj.expr, obj.point[0]
    if not isinstance(obj, sp.Derivative):
        return None
    f = obj.expr
    variables = obj.variables
    undefined = isinstance(f, sp.core.function.AppliedUndef) and len(f.args) == 1
    if not undefined or any(v != f.args[0] for v in variables):
        raise UnsupportedOperationError(f"from_sympy: the derivative {obj} has no counterpart in chainrule")
    # Derivative(f(x), x), Subs(Derivative(f(xi), xi), xi, u), and for real functions Derivative(f(u), u)
    argument = from_sympy(point if point is not None else f.args[0])
    return unknown(type(f).__name__, argument, len(variables))


def _from_function(sp: Any, obj: Any, args: list[Expr]) -> Expr:
    name = type(obj).__name__
    if isinstance(obj, sp.core.function.AppliedUndef):
        if len(args) != 1:
            raise UnsupportedOperationError(f"from_sympy: unknown functions take one argument here ({obj})")
        return unknown(name, args[0])
    build = _from_sympy_names().get(name)
    if build is None:
        raise UnsupportedOperationError(
            f"from_sympy: SymPy's {name} has no counterpart in chainrule.symbolic"
        )
    return build(*args)


def _from_choice(sp: Any, obj: Any, args: list[Any]) -> Any:
    """Piecewise, its pieces and their conditions; None for anything else."""
    if obj is sp.true or obj is sp.false:
        return ONE if obj is sp.true else ZERO
    if isinstance(obj, sp.functions.elementary.piecewise.ExprCondPair):
        return (args[0], args[1])  # a piece, for the Piecewise above it
    if obj.is_Piecewise:
        return _from_piecewise(args)
    if obj.is_Relational or isinstance(obj, sp.And | sp.Or):
        return _from_condition(sp, obj, args)
    return None


def _from(sp: Any, obj: Any, args: list[Any]) -> Any:
    chosen = _from_choice(sp, obj, args)
    if chosen is not None:
        return chosen
    if obj.is_Symbol:
        return symbol(valid_name(obj.name, "from_sympy"))
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


_SYMPY_CONDITIONS = {row.sympy: name for name, row in CONDITIONS.items()}


def _from_condition(sp: Any, obj: Any, args: list[Expr]) -> Expr:
    name = _SYMPY_CONDITIONS.get(type(obj).__name__)
    if name is None:
        raise UnsupportedOperationError(f"from_sympy: the condition {obj} has no counterpart in chainrule")
    result = args[0]
    for a in args[1:]:  # And and Or take any number of conditions
        result = condition(name, result, a)
    return result


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
    done: dict[Any, Any] = {}
    stack: list[tuple[Any, bool]] = [(obj, False)]
    while stack:
        node, ready = stack.pop()
        if node in done:
            continue
        derivative = _derivative_from(sp, node)
        if derivative is not None:
            done[node] = derivative
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in done)
            continue
        done[node] = _from(sp, node, [done[a] for a in node.args])
    result: Expr = done[obj]
    return result
