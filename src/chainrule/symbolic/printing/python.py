"""Python/NumPy source: ``np.sin(x)**2 + 1/np.sqrt(x)``, for code and :func:`chainrule.symbolic.lambdify`.

It lays expressions out as the text printer does and spells them as Python: ``**``, ``np.sqrt``, ``np.pi``.
A function whose primitive is a NumPy ufunc is written as that ufunc (``np.arcsin``); any other (``relu``,
``sigmoid``) by its formula name, which :func:`~chainrule.symbolic.lambdify` binds to the primitive
itself (see :func:`code_namespace`).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from chainrule.core.registry import FORMULAS
from chainrule.errors import UnsupportedOperationError
from chainrule.symbolic.conditions import CONDITIONS
from chainrule.symbolic.evaluate import fold_constants, to_float
from chainrule.symbolic.expr import HALF, NUM, Expr, Value
from chainrule.symbolic.functions import primitive
from chainrule.symbolic.printing.base import ATOM, PREC_MUL, PREC_POW, Printed
from chainrule.symbolic.printing.text import TextPrinter
from chainrule.symbolic.unknowns import unknown_name

__all__ = ["PythonPrinter", "code_name", "code_namespace", "python_number", "to_python"]


def code_name(op: str) -> str:
    """How generated code calls the function ``op``: ``np.<ufunc>`` for a NumPy ufunc, else its name."""
    condition = CONDITIONS.get(op)
    if condition is not None:
        return f"np.{condition.numpy.__name__}"
    if op == "piecewise":
        return "np.where"  # where's operands are NumPy's (condition, x, y); it records on traced values too
    prim = primitive(op)
    if prim is not None:
        for key in prim.numpy:
            name = getattr(key, "__name__", "")
            if isinstance(key, np.ufunc) and getattr(np, name, None) is key:
                return f"np.{name}"
    return op


def code_namespace() -> dict[str, Any]:
    """The names generated code needs besides ``np``: each function that is not a NumPy ufunc, bound to its
    primitive (which runs its implementation on arrays and records on traced values)."""
    out: dict[str, Any] = {}
    for name, prim in FORMULAS.items():
        if prim.formula is not None and prim.formula.name == name and not code_name(name).startswith("np."):
            out[name] = prim
    return out


_EXACT_INT = 2**53


def python_number(value: Value) -> Printed:
    """A Python literal for a number, with its precedence.

    Integers beyond 2**53 and fractions with such parts are written as the float64 NumPy would compute
    with (``inf`` past its range): Python's exact integers would be slow, and ``10**400/3`` overflows.
    """
    if type(value) is Fraction and max(abs(value.numerator), value.denominator) > _EXACT_INT:
        value = to_float(value)
    if type(value) is Fraction:
        return f"{value.numerator}/{value.denominator}", PREC_MUL
    if type(value) is int and abs(value) > _EXACT_INT:
        value = to_float(value)
    text = repr(value)
    if text in ("inf", "-inf", "nan"):
        text = f"float('{text}')"
    return text, (PREC_MUL if value < 0 else ATOM)


class PythonPrinter(TextPrinter):
    """NumPy source for an expression."""

    def print_number(self, value: Value) -> Printed:
        return python_number(value)

    def print_constant(self, name: str) -> Printed:
        return f"np.{name}", ATOM

    def coefficient(self, value: Value) -> str:
        text, prec = python_number(value)
        return text if prec == ATOM else f"({text})"

    def print_pow(self, node: Expr) -> Printed:
        base, exponent = node.args
        if exponent is HALF:
            return f"np.sqrt({self(base)})", ATOM
        if exponent.op is NUM and exponent.data < 0 and (base.op is not NUM or exponent.data == -1):
            return self.print_mul_of(node)
        return f"{self.wrap(base, PREC_POW)}**{self.wrap(exponent, PREC_POW)}", PREC_POW

    def subexpression_name(self, k: int) -> str:
        return f"_t{k}"

    def with_definitions(self, main: str, definitions: list[tuple[str, str]]) -> str:
        # still one expression: a list display runs left to right, each name bound before it is used
        bound = ", ".join(f"({name} := {text})" for name, text in definitions)
        return f"[{bound}, {main}][-1]"

    def print_function(self, node: Expr) -> Printed:
        return f"{code_name(node.op)}({', '.join(self(a) for a in node.args)})", ATOM

    def print_piecewise(self, node: Expr) -> Printed:
        return self.print_function(node)

    def print_condition(self, node: Expr) -> Printed:
        return self.print_function(node)

    def print_unknown(self, node: Expr) -> Printed:
        name, order = node.data
        if order:
            raise UnsupportedOperationError(
                f"{unknown_name(node)} is the derivative of the unknown function {name}, which has no code; "
                f"substitute a function for {name} first (expr.subs({name}=...))"
            )
        return f"{name}({self(node.args[0])})", ATOM


def to_python(expr: Expr) -> str:
    """NumPy source for ``expr`` (``np`` is NumPy).

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> to_python(sym.parse("x^2/2 - sqrt(x) + sin(x)^-1 + e"))
    'x**2/2 - np.sqrt(x) + 1/np.sin(x) + np.e'
    """
    return PythonPrinter()(fold_constants([expr])[0])
