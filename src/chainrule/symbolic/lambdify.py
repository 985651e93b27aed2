"""Expressions as fast NumPy functions, each common subexpression computed once.

:func:`lambdify` writes Python source from an evaluation plan (:mod:`chainrule.symbolic.cse`) and compiles
it. Only the plan's own names and literals reach the source: symbols become argument names when they are
plain identifiers and ``_a0, _a1, ...`` otherwise, so no text from the user is ever executed.

The generated function calls NumPy's functions and chainrule's primitives, so it accepts arrays and also
the autodiff engine's traced values: ``cr.grad(lambdify(expr, "x"))`` differentiates it again.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from chainrule.core.primitive import Traced
from chainrule.errors import ChainruleValueError
from chainrule.symbolic.cse import Instruction, Plan, plan
from chainrule.symbolic.differentiate import matrix_calculus
from chainrule.symbolic.evaluate import fold_constants
from chainrule.symbolic.expr import Expr, as_expr
from chainrule.symbolic.parser import parse
from chainrule.symbolic.printing.base import ATOM, PREC_ADD, PREC_MUL, PREC_POW
from chainrule.symbolic.printing.python import code_name, code_namespace, python_number
from chainrule.symbolic.sources import compile_function
from chainrule.symbolic.traverse import postorder
from chainrule.symbolic.unknowns import APPLY
from chainrule.symbolic.variables import variable_list

__all__ = ["lambdify"]

# Inline a single-use step into its user's expression only this deep: Python's compiler recurses on nesting.
_MAX_INLINE_DEPTH = 40
# A sum or product of more terms than this is written in chunks: `a*b*c*...` nests as deeply as it is long.
_CHUNK = 40
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_RESERVED = {"np", "float", "_prepare"}  # and the names of code_namespace()


def _prepare(value: Any) -> Any:
    """Arguments as float arrays (so 1/0 is inf, not ZeroDivisionError); traced values pass through."""
    if isinstance(value, Traced | np.ndarray):
        return value
    return np.asarray(value, dtype=np.float64)


class _Writer:
    """Turns plan steps into Python statements, inlining steps used once."""

    def __init__(self, p: Plan, arguments: dict[str, str]) -> None:
        self.plan = p
        self.arguments = arguments  # symbol name -> argument name in the source
        self.code: dict[int, tuple[str, int, int]] = {}  # step -> (text, precedence, inline depth)
        self.divisor: dict[int, tuple[str, int]] = {}  # step u**-n -> the text of u**n, to divide by
        self.current = 0
        self.temps: set[int] = set()
        self.lines: list[str] = []

    def write(self) -> list[str]:
        for i, step in enumerate(self.plan.steps):
            if self.plan.uses[i] == 0:
                continue
            self.current = i
            text, prec, depth = self.expression(step)
            shared = self.plan.uses[i] > 1 or depth > _MAX_INLINE_DEPTH
            if shared and step.kind not in ("symbol", "number", "constant"):
                name = f"_t{len(self.lines)}"
                self.lines.append(f"{name} = {text}")
                self.temps.add(i)
                text, prec, depth = name, ATOM, 0
            self.code[i] = (text, prec, depth)
        return self.lines

    def operand(self, i: int, above: int) -> tuple[str, int]:
        text, prec, depth = self.code[i]
        return (text if prec > above else f"({text})"), depth

    def expression(self, step: Instruction) -> tuple[str, int, int]:
        kind = step.kind
        if kind == "symbol":
            return self.arguments[step.data], ATOM, 0
        if kind == "number":
            return (*python_number(step.data), 0)
        if kind == "constant":
            return f"np.{step.data}", ATOM, 0
        if kind == "add":
            return self.add(step)
        if kind == "mul":
            return self.mul(step)
        if kind == "pow":
            return self.power(step)
        name = code_name(kind.removeprefix("call:"))
        args = [self.operand(i, 0) for i in step.operands]
        depth = 1 + max(d for _, d in args)
        return f"{name}({', '.join(t for t, _ in args)})", ATOM, depth

    def add(self, step: Instruction) -> tuple[str, int, int]:
        const, coeffs = step.data
        parts: list[str] = []
        depth = 0
        for c, i in zip(coeffs, step.operands, strict=True):
            text, d = self.operand(i, PREC_MUL - 1 if c not in (1, -1) else PREC_ADD)
            depth = max(depth, d)
            if c not in (1, -1):
                text = f"{_coefficient(abs(c))}*{text}"
            parts.append(("- " if c < 0 else "+ ") + text)
        if const != 0:
            parts.append(("- " if const < 0 else "+ ") + python_number(abs(const))[0])
        if len(parts) > _CHUNK:
            parts = [
                "+ " + self.temporary(_signed_sum(parts[k : k + _CHUNK]))
                for k in range(0, len(parts), _CHUNK)
            ]
        return _signed_sum(parts), PREC_ADD, depth + 1

    def temporary(self, text: str) -> str:
        """Write ``text`` to a new temporary and return its name (long sums and products, in chunks)."""
        name = f"_t{len(self.lines)}"
        self.lines.append(f"{name} = {text}")
        return name

    def mul(self, step: Instruction) -> tuple[str, int, int]:
        coeff = step.data
        top: list[str] = [_coefficient(abs(coeff))] if coeff not in (1, -1) else []
        bottom: list[str] = []
        depth = 0
        for i in step.operands:
            text, d = self.operand(i, PREC_MUL - 1)
            below = self.divisor.get(i)
            if below is not None and i not in self.temps:  # an inlined 1/u**n divides instead
                bottom.append(below[0])
                d = below[1]
            else:
                top.append(text)
            depth = max(depth, d)
        if len(top) > _CHUNK:
            top = [self.temporary("*".join(top[k : k + _CHUNK])) for k in range(0, len(top), _CHUNK)]
        if len(bottom) > _CHUNK:
            bottom = [self.temporary("*".join(bottom[k : k + _CHUNK])) for k in range(0, len(bottom), _CHUNK)]
        text = "*".join(top) or "1"
        if bottom:
            text += "/" + (bottom[0] if len(bottom) == 1 else f"({'*'.join(bottom)})")
        return ("-" + text if coeff < 0 else text), PREC_MUL, depth + 1

    def power(self, step: Instruction) -> tuple[str, int, int]:
        base, exponent = step.operands
        value = self.plan.steps[exponent].data if self.plan.steps[exponent].kind == "number" else None
        if value == Fraction(1, 2):
            text, depth = self.operand(base, 0)
            return f"np.sqrt({text})", ATOM, depth + 1
        text, depth = self.operand(base, PREC_POW)
        if value is not None and value < 0:
            positive = "" if value == -1 else f"**{_exponent(-value)}"
            self.divisor[self.current] = (f"{text}{positive}", depth + 1)
            return f"1/{text}{positive}", PREC_MUL, depth + 1
        power, d2 = self.operand(exponent, PREC_POW)
        return f"{text}**{power}", PREC_POW, 1 + max(depth, d2)


def _signed_sum(parts: list[str]) -> str:
    """Terms written ``"+ t"`` / ``"- t"`` joined into one sum."""
    joined = " ".join(parts)
    return joined[2:] if joined.startswith("+") else "-" + joined[2:]


def _coefficient(value: Any) -> str:
    text, prec = python_number(value)
    return text if prec == ATOM else f"({text})"


def _exponent(value: Any) -> str:
    text, prec = python_number(value)
    return text if prec == ATOM else f"({text})"


def _argument_names(variables: list[Expr]) -> list[str]:
    names: list[str] = []
    reserved = _RESERVED | set(code_namespace())
    for i, v in enumerate(variables):
        name = v.name
        ok = _IDENTIFIER.match(name) and not keyword.iskeyword(name) and name not in reserved
        names.append(name if ok and name not in names else f"_a{i}")
    return names


def _structure(exprs: Any) -> tuple[list[Expr], Callable[[list[str]], str]]:
    """The expressions in a (nested) sequence, and how to write the return value in its shape."""
    if isinstance(exprs, Expr | str | int | float | Fraction):
        return [_as_expr(exprs)], lambda refs: refs[0]
    items = [_structure(e) for e in exprs]
    flat = [x for sub, _ in items for x in sub]

    def shape(refs: list[str]) -> str:
        out, k = [], 0
        for sub, write in items:
            out.append(write(refs[k : k + len(sub)]))
            k += len(sub)
        return "[" + ", ".join(out) + "]"

    return flat, shape


def _as_expr(e: Any) -> Expr:
    if isinstance(e, str):
        return parse(e)
    return as_expr(e)


def lambdify(exprs: Any, variables: Sequence[str | Expr] | str | None = None) -> Callable[..., Any]:
    """A NumPy function computing ``exprs`` (an expression or a nested list of them) from ``variables``.

    ``variables`` lists the arguments in order (names, symbols or a string ``"x y"``); by default the free
    symbols in alphabetical order. A nested list of expressions gives a function returning lists of the
    same shape. The source is in the function's ``source`` attribute.

    Examples
    --------
    >>> import chainrule as cr, numpy as np
    >>> from chainrule import symbolic as sym
    >>> f = sym.lambdify(sym.diff("sin(x)^2 * exp(x)", "x"), "x")
    >>> print(f.source)
    def _lambdified(x):
        x = _prepare(x)
        _t0 = np.sin(x)
        return _t0*np.exp(x)*(_t0 + 2*np.cos(x))
    >>> float(f(0.0))
    0.0
    >>> cr.grad(f)(1.0) == cr.grad(cr.grad(lambda x: np.sin(x) ** 2 * np.exp(x)))(1.0)
    True
    """
    if matrix_calculus(None, exprs) is not None:
        from chainrule.symbolic.matrix import lambdify as lambdify_matrix

        return lambdify_matrix(exprs, variables)  # type: ignore[arg-type]
    flat, shape = _structure(exprs)
    if variables is None:
        free = set().union(*(e.free_symbols for e in flat))
        chosen = sorted(free, key=lambda s: s.name)
    else:
        chosen = variable_list(variables)
        repeated = sorted({v.name for v in chosen if chosen.count(v) > 1})
        if repeated:
            raise ChainruleValueError(
                f"lambdify: the variable {repeated[0]} is listed twice; each argument needs its own name"
            )
    missing = sorted({s.name for e in flat for s in e.free_symbols} - {v.name for v in chosen})
    if missing:
        raise ChainruleValueError(f"lambdify: no argument given for {', '.join(missing)}")
    unknowns = sorted({n.data[0] for n in postorder(flat) if n.op == APPLY})
    if unknowns:
        raise ChainruleValueError(
            f"lambdify: {', '.join(unknowns)} is an unknown function, which has no code; substitute a "
            f"function for it first: expr.subs({unknowns[0]}=sym.sin)"
        )
    p = plan(fold_constants(flat))
    names = _argument_names(chosen)
    writer = _Writer(p, {v.name: n for v, n in zip(chosen, names, strict=True)})
    body = writer.write()
    refs = [writer.code[i][0] for i in p.outputs]
    lines = [f"def _lambdified({', '.join(names)}):"]
    lines += [f"    {n} = _prepare({n})" for n in names]
    lines += [f"    {line}" for line in body]
    lines.append(f"    return {shape(refs)}")
    return _compile("\n".join(lines))


def _compile(source: str) -> Callable[..., Any]:
    namespace: dict[str, Any] = {"np": np, "_prepare": _prepare, **code_namespace()}
    return compile_function(source, namespace)
