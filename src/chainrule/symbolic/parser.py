"""A safe parser for mathematical expressions: text in, :class:`Expr` out, no ``eval``.

Operator precedence, loosest first: ``+ -``; unary minus (``-x*y`` is ``-(x*y)``, the same number); ``* /``
and implicit multiplication (``3x``, ``2sin(x)``, ``(x+1)(x-1)``), left to right, so ``1/2x`` is ``x/2``;
``^`` (or ``**``), right to left, so ``-x^2`` is ``-(x^2)``, ``2^3^2`` is ``2^9`` and ``2^-x*3`` is
``2^(-x)*3``; ``√`` binds to what follows it directly (``√x^2`` is
``(√x)^2``, ``√(x^2)`` needs parentheses) and a superscript to what precedes it (``√x²`` is ``√(x²)``).

Names are whole words: ``xy`` is one symbol, ``x y`` and ``x*y`` a product. A known function name must be
followed by parentheses; an unknown name followed by parentheses is refused, except a single letter, which
multiplies (``x(x+1)``). ``pi``/``π`` and ``e`` are the constants.

The parser is an operator-precedence (shunting-yard) loop with explicit stacks and builds the expression
iteratively: nothing recurses, and the input length (10,000 characters) and nesting depth (100 levels of
parentheses) are limited with a clear message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainrule.errors import ChainruleError
from chainrule.symbolic.algebra import linear_combination, mul_all, neg, power
from chainrule.symbolic.elementary import function, lookup
from chainrule.symbolic.expr import PI, E, Expr, number, symbol
from chainrule.symbolic.lexer import ParseError, Token, tokenize

__all__ = ["MAX_DEPTH", "ParseError", "parse"]

MAX_DEPTH = 100

_BINARY = {"+": (10, False), "-": (10, False), "*": (20, False), "/": (20, False), "^": (40, True)}
# A leading minus negates the whole product after it (-x*y is -(x*y), the same number, and -(x+1)*(x-1)
# stays one product); right after ^ it takes only the next factor (2^-x*3 is 2^(-x) * 3).
_PREFIX = {"neg": 15, "neg after ^": 30, "sqrt": 50}
_CONSTANTS = {"pi": PI, "e": E}


@dataclass
class _Node:
    """A node of the syntax tree; ``parts`` holds ``(sign or divide flag, child)`` for sums and products."""

    kind: str
    position: int
    value: Any = None
    children: list[_Node] = field(default_factory=list)
    flags: list[bool] = field(default_factory=list)


@dataclass
class _Operator:
    kind: str  # a binary operator, a prefix ("neg", "sqrt"), "(" or "call"
    position: int
    precedence: int = 0
    name: str = ""
    arguments: int = 1


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.operands: list[_Node] = []
        self.operators: list[_Operator] = []
        self.depth = 0

    def error(self, message: str, position: int) -> ParseError:
        return ParseError(message, self.text, position)

    def run(self) -> _Node:
        tokens = self.tokens
        if tokens[0].kind == "end":
            raise self.error("the expression is empty", 0)
        i = 0
        expect_operand = True
        while True:
            token = tokens[i]
            if expect_operand:
                i, expect_operand = self.operand(tokens, i)
                continue
            if token.kind == "end":
                break
            i, expect_operand = self.operator(tokens, i)
        self.reduce_to(0, tokens[-1].position)
        for op in self.operators:
            opening = f"{op.name}(" if op.kind == "call" else "("
            raise self.error(f"'{opening}' is never closed", op.position)
        return self.operands[-1]

    # ---------------------------------------------------------------- operands

    def operand(self, tokens: list[Token], i: int) -> tuple[int, bool]:
        token = tokens[i]
        kind, value = token.kind, token.value
        if kind == "number":
            self.operands.append(_Node("num", token.position, value))
            return i + 1, False
        if kind == "name":
            return self.name(tokens, i)
        if kind == "op" and value == "(":
            self.open(_Operator("(", token.position))
            return i + 1, True
        if kind == "op" and value in "+-":
            if value == "-":
                after_power = i > 0 and tokens[i - 1].kind == "op" and tokens[i - 1].value == "^"
                precedence = _PREFIX["neg after ^" if after_power else "neg"]
                self.operators.append(_Operator("neg", token.position, precedence))
            return i + 1, True
        if kind == "sqrt":
            self.operators.append(_Operator("sqrt", token.position, _PREFIX["sqrt"]))
            return i + 1, True
        if kind == "end":
            raise self.error("the expression ends where a value is expected", token.position)
        shown = "a superscript power" if kind == "power" else repr(value)
        raise self.error(f"expected a number, a name or '(' but found {shown}", token.position)

    def name(self, tokens: list[Token], i: int) -> tuple[int, bool]:
        token = tokens[i]
        name = token.value
        follows_paren = tokens[i + 1].kind == "op" and tokens[i + 1].value == "("
        if lookup(name) is not None and name not in _CONSTANTS:
            if not follows_paren:
                raise self.error(f"the function {name} needs parentheses: {name}(...)", token.position)
            self.open(_Operator("call", token.position, name=name))
            if tokens[i + 2].kind == "op" and tokens[i + 2].value == ")":
                raise self.error(f"{name}() needs an argument", tokens[i + 2].position)
            return i + 2, True
        if follows_paren and len(name) > 1 and name not in _CONSTANTS:
            raise self.error(f"unknown function {name!r} (write {name}*(...) for a product)", token.position)
        self.operands.append(_Node("name", token.position, name))
        return i + 1, False

    def open(self, op: _Operator) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"the expression is nested too deeply (over {MAX_DEPTH} levels)", op.position)
        self.operators.append(op)

    # ---------------------------------------------------------------- operators

    def operator(self, tokens: list[Token], i: int) -> tuple[int, bool]:
        token = tokens[i]
        kind, value = token.kind, token.value
        if kind == "power":
            top = self.operands[-1]
            self.operands[-1] = _Node(
                "pow", token.position, children=[top, _Node("num", token.position, value)]
            )
            return i + 1, False
        if kind == "op" and value in _BINARY:
            self.binary(value, token.position)
            return i + 1, True
        if kind == "op" and value == ")":
            self.close(token.position)
            return i + 1, False
        if kind == "op" and value == ",":
            self.comma(token.position)
            return i + 1, True
        if kind == "number" and tokens[i - 1].kind == "number":
            raise self.error("two numbers in a row; write * between them", token.position)
        # a value right after a value: implicit multiplication (3x, 2sin(x), (x+1)(x-1))
        self.binary("*", token.position)
        return i, True

    def binary(self, op: str, position: int) -> None:
        precedence, right = _BINARY[op]
        self.reduce_to(precedence + (1 if right else 0), position)
        self.operators.append(_Operator(op, position, precedence))

    def reduce_to(self, precedence: int, position: int) -> None:
        """Apply the stacked operators binding at least as tightly as ``precedence``."""
        operators = self.operators
        while (
            operators and operators[-1].kind not in ("(", "call") and operators[-1].precedence >= precedence
        ):
            self.apply(operators.pop())

    def close(self, position: int) -> None:
        self.reduce_to(0, position)
        if not self.operators:
            raise self.error("')' without a matching '('", position)
        op = self.operators.pop()
        self.depth -= 1
        if op.kind == "call":
            arguments = self.operands[len(self.operands) - op.arguments :]
            del self.operands[len(self.operands) - op.arguments :]
            self.operands.append(_Node("call", op.position, op.name, arguments))
            self.check_arity(op)

    def comma(self, position: int) -> None:
        self.reduce_to(0, position)
        if not self.operators or self.operators[-1].kind != "call":
            raise self.error("',' outside the arguments of a function", position)
        self.operators[-1].arguments += 1

    def check_arity(self, op: _Operator) -> None:
        found = lookup(op.name)
        if found is None:  # the function was unregistered while parsing
            raise self.error(f"unknown function {op.name!r}", op.position)
        _, low, high = found
        if op.arguments < low or (high is not None and op.arguments > high):
            wanted = f"{low}" if low == high else f"{low} to {high}" if high else f"at least {low}"
            raise self.error(f"{op.name} takes {wanted} argument(s), got {op.arguments}", op.position)

    def apply(self, op: _Operator) -> None:
        operands = self.operands
        if op.kind in ("neg", "sqrt"):
            operands[-1] = _Node(op.kind, op.position, children=[operands[-1]])
            return
        right = operands.pop()
        left = operands.pop()
        kind = {"+": "sum", "-": "sum", "*": "product", "/": "product", "^": "pow"}[op.kind]
        flag = op.kind in "-/"
        if kind == "pow":
            operands.append(_Node("pow", op.position, children=[left, right]))
        elif left.kind == kind:
            left.children.append(right)
            left.flags.append(flag)
            operands.append(left)
        else:
            operands.append(_Node(kind, op.position, children=[left, right], flags=[False, flag]))


def _build(root: _Node, text: str) -> Expr:
    """The expression for a syntax tree, built bottom-up without recursion."""
    done: dict[int, Expr] = {}
    stack: list[tuple[_Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if not ready:
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(node.children))
            continue
        args = [done.pop(id(c)) for c in node.children]
        try:
            done[id(node)] = _make(node, args)
        except ParseError:
            raise
        except ChainruleError as exc:
            raise ParseError(str(exc), text, node.position) from exc
    return done[id(root)]


def _make(node: _Node, args: list[Expr]) -> Expr:
    kind = node.kind
    if kind == "num":
        return number(node.value)
    if kind == "name":
        constant = _CONSTANTS.get(node.value)
        return symbol(node.value) if constant is None else constant
    if kind == "sum":
        return linear_combination((-1 if minus else 1, a) for minus, a in zip(node.flags, args, strict=True))
    if kind == "product":
        return mul_all(power(a, number(-1)) if div else a for div, a in zip(node.flags, args, strict=True))
    if kind == "pow":
        return power(args[0], args[1])
    if kind == "neg":
        return neg(args[0])
    if kind == "sqrt":
        return function("sqrt")(args[0])
    return function(node.value)(*args)


def parse(text: str) -> Expr:
    """Read a mathematical expression, safely: the text is never evaluated as Python.

    Raises
    ------
    ParseError
        For anything that is not a mathematical expression; the message shows the position with a caret.

    Examples
    --------
    >>> from chainrule import symbolic as sym
    >>> sym.parse("3x^2 - 2sin(x)·cos(x)")
    3*x^2 - 2*cos(x)*sin(x)
    >>> sym.parse("(x+1)(x-1) + √x + π")
    sqrt(x) + (x + 1)*(x - 1) + pi
    >>> sym.parse("1/2 x²")
    x^2/2
    >>> sym.parse("__import__('os')")
    Traceback (most recent call last):
      ...
    chainrule.symbolic.lexer.ParseError: quotes are not allowed: strings are not mathematics (at position 11)
      __import__('os')
                 ^
    """
    parser = _Parser(text)
    return _build(parser.run(), text)
