"""Matrix formulas with shapes: ``parse("x' A x", {"x": "n", "A": ("n", "n")})``, safely (no ``eval``).

Precedence, loosest first: ``+ -``; a leading minus (``-x' A x`` is ``-(x' A x)``); products, left to
right: juxtaposition, ``*`` and ``@`` (the matrix product of two arrays, scaling when one side is a
scalar), ``/`` (by a scalar), ``.*`` ``⊙`` ``∘`` and ``./`` ``⊘`` (elementwise), ``⊗`` (Kronecker);
powers, right to left: ``^`` (the matrix power of a square matrix, ``X^-1`` its inverse, ``X^T`` and
``X^-T`` transposes; a scalar's power) and ``.^`` (elementwise); postfix ``'`` ``ᵀ`` ``⁻ᵀ`` and
superscripts (``X⁻¹``, ``‖x‖²``).

Every variable needs a shape in ``shapes`` (``()`` for a scalar): an unknown name is an error, never a
silent scalar. The functions: ``tr``/``trace det logdet inv diag sum norm`` (``‖x‖``; Frobenius for a
matrix) ``norm1 norm2 normF`` (``‖X‖_F``) ``softmax logsumexp vec kron transpose``, the constant arrays
``eye(n) ones(n, k) zeros(n, k)``, ``commutation(n, k)``, ``einsum("ik,kj->ij", A, B)``, and every
elementwise function of the rule table (``exp log sin tanh sigmoid relu abs sqrt`` ...). ``log det(X)``, as
books write it, is ``logdet(X)``.

Examples
--------
>>> parse("x' A x", {"x": "n", "A": ("n", "n")}).shape
()
>>> parse("tr(A X B) + det(X)^2 + ‖X‖_F²", {"A": "n,n", "X": "n,n", "B": "n,n"})
det(X)^2 + norm(X)^2 + tr(A X B)
>>> parse("A x + x", {"A": "n,m", "x": "m"})
Traceback (most recent call last):
  ...
chainrule.symbolic.lexer.ParseError: cannot add A x (an n-vector) and x (an m-vector) (at position 4)
  A x + x
      ^
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from chainrule.errors import ChainruleError, ChainruleTypeError, ChainruleValueError, ShapeError
from chainrule.symbolic.matrix import algebra as al
from chainrule.symbolic.matrix import functions as fn
from chainrule.symbolic.matrix.algebra import matrix_power, mul_all, number, transpose, variable
from chainrule.symbolic.matrix.dims import Dim, as_dim, as_shape, dim_product
from chainrule.symbolic.matrix.elementwise import apply_function, is_function
from chainrule.symbolic.matrix.lexer import ParseError, ShapesNeeded, Token, tokenize
from chainrule.symbolic.matrix.nodes import MatExpr

__all__ = ["MATRIX_FUNCTIONS", "MAX_DEPTH", "parse", "variables_from"]

MAX_DEPTH = 100


def _norm_f(e: MatExpr) -> MatExpr:
    return fn.norm2(e)


def _norm2(e: MatExpr) -> MatExpr:
    if e.ndim == 2:
        raise ShapeError(
            f"norm2 is the Euclidean norm of a vector; {e} is {e.kind} (write normF({e}) or ‖{e}‖_F for the "
            "Frobenius norm; the spectral norm has no formula here)"
        )
    return fn.norm2(e)


# name -> (builder, number of arguments)
MATRIX_FUNCTIONS: dict[str, tuple[Callable[..., MatExpr], int]] = {
    "tr": (fn.trace, 1),
    "trace": (fn.trace, 1),
    "det": (fn.det, 1),
    "logdet": (fn.logdet, 1),
    "inv": (fn.inverse, 1),
    "diag": (fn.diag, 1),
    "sum": (fn.total, 1),
    "norm": (fn.norm2, 1),
    "norm1": (fn.norm1, 1),
    "norm2": (_norm2, 1),
    "normF": (_norm_f, 1),
    "softmax": (fn.softmax, 1),
    "logsumexp": (fn.logsumexp, 1),
    "lse": (fn.logsumexp, 1),
    "vec": (fn.vec, 1),
    "kron": (al.kron, 2),
    "transpose": (transpose, 1),
}
_DIMENSIONED = ("eye", "ones", "zeros", "commutation")
# "n,n,sym" or "n n symmetric": the dimensions, then the word after one separator
_SYMMETRIC = re.compile(r"(?:(.*?)(?:\s*[,×]\s*|\s+))?(?:sym|symmetric)\Z", re.DOTALL)
_PRODUCTS = {"*", "@", "/", ".*", "./", "kron"}


def variables_from(shapes: Mapping[str, Any] | None) -> dict[str, MatExpr]:
    """Variables from a mapping of names to shapes (``"n"``, ``("n", "n")``, ``"n, n, symmetric"``, ``()``)
    or to variables made with :func:`~chainrule.symbolic.matrix.matrix` and friends."""
    out: dict[str, MatExpr] = {}
    for name, spec in (shapes or {}).items():
        if isinstance(spec, MatExpr):
            if spec.op != "var" or spec.name != name:
                raise ChainruleTypeError(
                    f"shapes[{name!r}] must be the variable {name} or its shape, not {spec}"
                )
            out[name] = spec
            continue
        symmetric = False
        if isinstance(spec, str) and (found := _SYMMETRIC.match(spec.strip())) is not None:
            symmetric, spec = True, found.group(1) or ""
        try:
            shape = as_shape(spec)
        except ChainruleValueError as exc:
            raise ChainruleValueError(f"shapes[{name!r}]: {exc}") from None
        out[name] = variable(name, shape, symmetric=symmetric)
    return out


class _Parser:
    def __init__(self, text: str, variables: dict[str, MatExpr]) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.variables = variables
        self.depth = 0
        self.norms = 0

    # ---------------------------------------------------------------- helpers

    def error(self, message: str, position: int) -> ParseError:
        return ParseError(message, self.text, position)

    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def at(self, kind: str, value: Any = None) -> bool:
        t = self.token
        return t.kind == kind and (value is None or t.value == value)

    def expect(self, kind: str, value: Any, what: str) -> Token:
        if not self.at(kind, value):
            raise self.error(f"expected {what}", self.token.position)
        token = self.token
        self.i += 1
        return token

    def build(self, position: int, make: Callable[..., MatExpr], *args: Any) -> MatExpr:
        try:
            return make(*args)
        except ParseError:
            raise
        except ChainruleError as exc:
            raise self.error(str(exc), position) from exc

    def deeper(self, position: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"the expression is nested too deeply (over {MAX_DEPTH} levels)", position)

    # ---------------------------------------------------------------- grammar

    def run(self) -> MatExpr:
        if self.at("end"):
            raise self.error("the expression is empty", 0)
        result = self.sum()
        if not self.at("end"):
            t = self.token
            shown = "')' without a matching '('" if t.value == ")" else f"unexpected {t.value!r}"
            raise self.error(shown, t.position)
        return result

    def sum(self) -> MatExpr:
        left = self.signed()
        while self.at("op", "+") or self.at("op", "-"):
            t = self.token
            self.i += 1
            right = self.signed()
            left = self.build(t.position, al.add if t.value == "+" else al.subtract, left, right)
        return left

    def signed(self) -> MatExpr:
        if self.at("op", "-") or self.at("op", "+"):
            t = self.token
            self.i += 1
            self.deeper(t.position)
            operand = self.signed()
            self.depth -= 1
            return operand if t.value == "+" else self.build(t.position, mul_all, [number(-1), operand])
        return self.product()

    def starts_operand(self) -> bool:
        t = self.token
        if t.kind in ("number", "name", "sqrt"):
            return True
        if t.kind == "norm":
            return self.norms == 0
        return t.kind == "op" and t.value == "("

    def product(self) -> MatExpr:
        left = self.power()
        while True:
            t = self.token
            if t.kind == "op" and t.value in _PRODUCTS:
                self.i += 1
                right = self.power()
                left = self.build(t.position, _binary(t.value), left, right)
            elif self.starts_operand():
                right = self.power()
                left = self.build(t.position, al.matmul, left, right)
            else:
                return left

    def power(self) -> MatExpr:
        base = self.postfix()
        if not (self.at("op", "^") or self.at("op", ".^")):
            return base
        t = self.token
        self.i += 1
        self.deeper(t.position)
        if t.value == "^" and self.transpose_exponent():
            result = self.transposed(base, t.position)
        else:
            exponent = self.exponent()
            make = _matrix_power_of if t.value == "^" else al.power
            result = self.build(t.position, make, base, exponent)
        self.depth -= 1
        return result

    def transpose_exponent(self) -> bool:
        """``X^T`` and ``X^-T`` (unless ``T`` is a variable and the base a scalar)."""
        ahead = self.tokens[self.i + 1] if self.at("op", "-") else self.token
        return ahead.kind == "name" and ahead.value == "T" and "T" not in self.variables

    def transposed(self, base: MatExpr, position: int) -> MatExpr:
        inverse = self.at("op", "-")
        self.i += 2 if inverse else 1
        result = transpose(base)
        return self.build(position, fn.inverse, result) if inverse else result

    def exponent(self) -> MatExpr:
        if self.at("op", "-"):
            t = self.token
            self.i += 1
            return self.build(t.position, mul_all, [number(-1), self.power()])
        return self.power()

    def postfix(self) -> MatExpr:
        e = self.atom()
        while True:
            t = self.token
            if t.kind == "postfix":
                self.i += 1
                e = self.build(t.position, transpose, e)
                if t.value == "-T":
                    e = self.build(t.position, fn.inverse, e)
            elif t.kind == "power":
                self.i += 1
                e = self.build(t.position, _matrix_power_of, e, number(t.value))
            else:
                return e

    # ---------------------------------------------------------------- atoms

    def atom(self) -> MatExpr:
        t = self.token
        if t.kind == "number":
            self.i += 1
            return number(t.value)
        if t.kind == "name":
            return self.name()
        if t.kind == "sqrt":
            self.i += 1
            operand = self.postfix()
            return self.build(t.position, apply_function, "sqrt", [operand])
        if t.kind == "norm":
            return self.norm()
        if t.kind == "op" and t.value == "(":
            self.i += 1
            self.deeper(t.position)
            inner = self.sum()
            self.depth -= 1
            self.close(t.position)
            return inner
        if t.kind == "end":
            raise self.error("the expression ends where a value is expected", t.position)
        shown = "a superscript power" if t.kind == "power" else repr(t.value)
        raise self.error(f"expected a number, a name or '(' but found {shown}", t.position)

    def close(self, opened: int, opening: str = "(") -> None:
        """Step over the ``)`` that closes ``opening``, written at ``opened`` (the error points there)."""
        if not self.at("op", ")"):
            raise self.error(f"'{opening}' is never closed", opened)
        self.i += 1

    def norm(self) -> MatExpr:
        t = self.token
        self.i += 1
        self.norms += 1
        self.deeper(t.position)
        inner = self.sum()
        self.depth -= 1
        self.norms -= 1
        if not self.at("norm"):
            raise self.error("'‖' is never closed", t.position)
        self.i += 1
        if self.at("name", "_F"):
            self.i += 1
            return self.build(t.position, _norm_f, inner)
        return self.build(t.position, fn.norm2, inner)

    def name(self) -> MatExpr:
        t = self.token
        name = t.value
        after = self.tokens[self.i + 1]
        if name == "log" and after.kind == "name" and after.value == "det" and "log" not in self.variables:
            self.i += 1  # "log det(X)", as the books write it, is logdet(X)
            self.tokens[self.i] = Token("name", "logdet", t.position)
            return self.name()
        called = self.tokens[self.i + 1].kind == "op" and self.tokens[self.i + 1].value == "("
        known = self.variables.get(name)
        if known is not None:
            self.i += 1
            return known
        if called and (
            name in MATRIX_FUNCTIONS or name in _DIMENSIONED or name == "einsum" or is_function(name)
        ):
            return self.call(name)
        if name == "pi":
            self.i += 1
            return number(math.pi)
        if name == "e":
            self.i += 1
            return apply_function("exp", [number(1)])
        if called:
            raise self.error(f"unknown function {name!r}", t.position)
        given = ", ".join(sorted(self.variables)) or "none"
        raise ShapesNeeded(
            f"unknown variable {name!r}: give its shape in {{shapes}}; the shapes given: {given}",
            self.text,
            t.position,
            "shapes= (() for a scalar)",
            name,
        )

    def arguments(self, parse_one: Callable[[], Any]) -> list[Any]:
        args = [parse_one()]
        while self.at("op", ","):
            self.i += 1
            args.append(parse_one())
        return args

    def call(self, name: str) -> MatExpr:
        t = self.token
        opening = self.tokens[self.i + 1].position
        self.i += 2
        self.deeper(t.position)
        make: Callable[..., MatExpr]
        if name in _DIMENSIONED:
            make, args = _constant_array, [name, self.arguments(self.dimension)]
        elif name == "einsum":
            spec = self.expect("string", None, 'quoted subscripts, einsum("ij,jk->ik", A, B)').value
            self.expect("op", ",", "',' after the subscripts")
            make, args = fn.einsum, [spec, *self.arguments(self.sum)]
        else:
            make, args = _function, [name, self.arguments(self.sum)]
        self.depth -= 1
        self.close(opening, f"{name}(")
        return self.build(t.position, make, *args)

    def dimension_of(self, t: Token) -> Dim:
        try:
            return as_dim(t.value)
        except ChainruleError as exc:
            raise self.error(str(exc), t.position) from exc

    def dimension(self) -> Dim:
        parts: list[Dim] = []
        while True:
            t = self.token
            if t.kind not in ("number", "name"):
                raise self.error("expected a dimension (a positive integer or a name)", t.position)
            self.i += 1
            parts.append(self.dimension_of(t))
            if not self.at("op", "*"):
                return dim_product(*parts)
            self.i += 1


def _binary(op: str) -> Callable[[MatExpr, MatExpr], MatExpr]:
    if op in ("*", "@"):
        return al.matmul
    if op == "/":
        return _divide
    if op == ".*":
        return al.multiply
    if op == "./":
        return al.divide
    return al.kron


def _divide(a: MatExpr, b: MatExpr) -> MatExpr:
    if b.shape:
        raise ShapeError(f"cannot divide by {b} ({b.kind}): use ./ for elementwise division, or inv({b})")
    return al.divide(a, b)


def _matrix_power_of(base: MatExpr, exponent: MatExpr) -> MatExpr:
    if not base.shape:
        return al.power(base, exponent)
    if exponent.op != "num" or not isinstance(exponent.data, int):
        raise ShapeError(
            f"{base} is {base.kind}: ^ is the matrix power, which needs an integer exponent (write .^ for "
            "the elementwise power)"
        )
    if base.ndim != 2:
        raise ShapeError(
            f"{base} is {base.kind}: ^ is the matrix power; write {base}.^{exponent} elementwise"
        )
    return matrix_power(base, exponent.data)


def _function(name: str, args: list[MatExpr]) -> MatExpr:
    found = MATRIX_FUNCTIONS.get(name)
    if found is not None:
        make, count = found
        if len(args) != count:
            raise ChainruleTypeError(f"{name} takes {count} argument(s), got {len(args)}")
        return make(*args)
    return apply_function(name, args)


def _constant_array(name: str, dims: list[Dim]) -> MatExpr:
    if name == "eye":
        if len(dims) != 1:
            raise ChainruleTypeError(f"eye takes one dimension, got {len(dims)}")
        return al.eye(dims[0])
    if name == "commutation":
        if len(dims) != 2:
            raise ChainruleTypeError(f"commutation takes two dimensions, got {len(dims)}")
        return fn.commutation(*dims)
    if len(dims) > 2:
        raise ShapeError(f"{name}: variables and constants have at most two axes, got {len(dims)}")
    return (al.ones if name == "ones" else al.zeros)(tuple(dims))


def parse(text: str, shapes: Mapping[str, Any] | None = None) -> MatExpr:
    """Read a matrix formula whose variables have the given ``shapes``.

    Raises
    ------
    ParseError
        For text that is not a formula, an unknown name, or shapes that do not fit (the message names both
        shapes); the position is shown with a caret.
    """
    return _Parser(text, variables_from(shapes)).run()
