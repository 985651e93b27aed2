"""A safe parser for mathematical expressions: text in, :class:`Expr` out, no ``eval``.

Operator precedence, loosest first: ``if … then … else``; ``or``; ``and``; comparisons (``<`` ``<=`` ``>``
``>=`` ``==`` ``!=``, chained as ``0 < x <= 1``); ``+ -``; unary minus (``-x*y`` is ``-(x*y)``, the same
number); ``* /`` and implicit multiplication (``3x``, ``2sin(x)``, ``(x+1)(x-1)``), left to right, so
``1/2x`` is ``x/2``; ``^`` (or ``**``), right to left, so ``-x^2`` is ``-(x^2)``, ``2^3^2`` is ``2^9`` and
``2^-x*3`` is ``2^(-x)*3``; ``√`` binds to what follows it directly (``√x^2`` is ``(√x)^2``, ``√(x^2)`` needs
parentheses) and a superscript to what precedes it (``√x²`` is ``√(x²)``). Conditions choose pieces only:
``piecewise(x < 0, -x, x^2)`` or ``if x < 0 then -x else x^2``.

Names are whole words: ``xy`` is one symbol, ``x y`` and ``x*y`` a product. A known function name must be
followed by parentheses. A name directly followed by ``(`` is an **unknown function** (``f(x)``, whose
derivative is ``f'(x)``) when it is declared with ``functions=``, when it is ``f``, ``g`` or ``h``, when it
carries primes (``f'(x)``, ``y''(t)``), or when it is a single letter and the parentheses hold just one
variable (``y(x)``, ``u(t)``). Otherwise a single letter multiplies (``x(x+1)``, ``a(b+c)``, ``k(x-1)^2``,
and ``y (x)`` with a space), and any other name is refused. ``pi``/``π`` and ``e`` are the constants.

Matrix notation needs the shapes of its variables, which only matrix calculus has: ``x^T`` and ``x'`` are
refused here with a message naming ``shapes=``, rather than read as a power of a symbol ``T``.

The parser is an operator-precedence (shunting-yard) loop with explicit stacks, and the tree is turned into an
expression by :mod:`.syntax`, iteratively: nothing recurses. The input length (``max_length``, 10,000
characters by default) and the nesting depth (100 levels of parentheses) are limited with a clear message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chainrule.symbolic.elementary import lookup
from chainrule.symbolic.expr import Expr
from chainrule.symbolic.lexer import MAX_LENGTH, ParseError, ShapesNeeded, Token, tokenize
from chainrule.symbolic.syntax import CONSTANTS, SyntaxNode, build

__all__ = ["MAX_DEPTH", "ParseError", "parse", "parse_ordered"]

MAX_DEPTH = 100

_COMPARISON = 5
_BINARY = {"+": (10, False), "-": (10, False), "*": (20, False), "/": (20, False), "^": (40, True)}
_BINARY.update(dict.fromkeys(("<", "<=", ">", ">=", "==", "!="), (_COMPARISON, False)))
_BINARY.update({"and": (3, False), "or": (2, False)})
# A leading minus negates the whole product after it (-x*y is -(x*y), the same number, and -(x+1)*(x-1)
# stays one product); right after ^ it takes only the next factor (2^-x*3 is 2^(-x) * 3).
_PREFIX = {"neg": 15, "neg after ^": 30, "sqrt": 50}
_KEYWORDS = frozenset({"if", "then", "else", "and", "or"})
_DEFAULT_FUNCTIONS = frozenset("fgh")
_SHAPES = (
    "matrix calculus needs the shapes of the variables (shapes={'x': 'n', 'A': ('n', 'n')}, see "
    "chainrule.symbolic.matrix)"
)


@dataclass
class _Operator:
    kind: str  # a binary operator, a prefix ("neg", "sqrt"), "(", "call", "unknown" or "if"
    position: int
    precedence: int = 0
    name: str = ""
    arguments: int = 1
    primes: int = 0


def _is(token: Token, kind: str, value: object) -> bool:
    return token.kind == kind and token.value == value


class _Parser:
    def __init__(self, text: str, functions: frozenset[str], max_length: int) -> None:
        self.text = text
        self.tokens = tokenize(text, max_length)
        self.functions = functions
        self.operands: list[SyntaxNode] = []
        self.operators: list[_Operator] = []
        self.depth = 0

    def error(self, message: str, position: int) -> ParseError:
        return ParseError(message, self.text, position)

    def shapes_needed(self, template: str, position: int) -> ShapesNeeded:
        return ShapesNeeded(template, self.text, position, _SHAPES)

    def run(self) -> SyntaxNode:
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
        self.reduce_to(0)
        self.finish_ifs()
        for op in self.operators:
            opening = {"call": f"{op.name}(", "unknown": f"{op.name}(", "if": "if"}.get(op.kind, "(")
            raise self.error(f"'{opening}' is never closed", op.position)
        return self.operands[-1]

    # ---------------------------------------------------------------- operands

    def operand(self, tokens: list[Token], i: int) -> tuple[int, bool]:
        token = tokens[i]
        kind, value = token.kind, token.value
        if kind == "number":
            self.operands.append(SyntaxNode("num", token.position, value))
            return i + 1, False
        if kind == "name" and value == "if":
            self.open(_Operator("if", token.position))
            return i + 1, True
        if kind == "name" and value not in _KEYWORDS:
            return self.name(tokens, i)
        if kind == "op" and value == "(":
            self.open(_Operator("(", token.position))
            return i + 1, True
        if kind == "op" and value in "+-":
            if value == "-":
                after_power = i > 0 and _is(tokens[i - 1], "op", "^")
                precedence = _PREFIX["neg after ^" if after_power else "neg"]
                self.operators.append(_Operator("neg", token.position, precedence))
            return i + 1, True
        if kind == "sqrt":
            self.operators.append(_Operator("sqrt", token.position, _PREFIX["sqrt"]))
            return i + 1, True
        if kind == "end":
            raise self.error("the expression ends where a value is expected", token.position)
        shown = {"power": "a superscript power", "prime": "a prime"}.get(kind, repr(value))
        raise self.error(f"expected a number, a name or '(' but found {shown}", token.position)

    def name(self, tokens: list[Token], i: int) -> tuple[int, bool]:
        token = tokens[i]
        name = token.value
        primes = tokens[i + 1].value if tokens[i + 1].kind == "prime" else 0
        j = i + 2 if primes else i + 1  # the token after the name and its primes
        follows_paren = _is(tokens[j], "op", "(")
        if name == "T" and not follows_paren and _transposes(tokens, i):
            minus = "-" if _is(tokens[i - 1], "op", "-") else ""
            raise self.shapes_needed(
                f"^{minus}T reads as a{'n inverse' if minus else ''} transpose: {{shapes}}; for a power of a "
                f"symbol T write ^({minus}T)",
                token.position,
            )
        if primes and not follows_paren:
            marks = "'" * primes
            raise self.shapes_needed(
                f"{name}{marks} is a derivative or a transpose: write {name}'(x) for the derivative "
                "of an unknown function; for a transpose, {shapes}",
                token.position,
            )
        if lookup(name) is not None and name not in CONSTANTS:
            if primes:
                raise self.error(
                    f"primes mark derivatives of unknown functions (f'(x)); for {name}, write its derivative "
                    "out or use diff()",
                    token.position,
                )
            if not follows_paren:
                raise self.error(_power_of_function(self.text, tokens, i, j), token.position)
            return self.call(_Operator("call", token.position, name=name), tokens, j)
        if follows_paren and self.unknown(name, tokens, j, primes):
            return self.call(_Operator("unknown", token.position, name=name, primes=primes), tokens, j)
        if follows_paren and len(name) > 1 and name not in CONSTANTS:
            raise self.error(
                f"unknown function {name!r} (declare it with parse(text, functions=[{name!r}]) for an "
                f"unknown function, or write {name}*(...) for a product)",
                token.position,
            )
        self.operands.append(SyntaxNode("name", token.position, name))
        return i + 1, False

    def unknown(self, name: str, tokens: list[Token], paren: int, primes: int) -> bool:
        """Whether ``name`` before the ``(`` at ``tokens[paren]`` is an unknown function (see the module)."""
        if name in self.functions or primes:
            return True
        opening = tokens[paren].position
        if self.text[opening - 1].isspace() or name in CONSTANTS:
            return False  # "y (x)": a space means a product
        if name in _DEFAULT_FUNCTIONS:
            return True
        if paren + 2 >= len(tokens):
            return False
        inside, closing = tokens[paren + 1], tokens[paren + 2]
        return (
            len(name) == 1
            and inside.kind == "name"
            and inside.value not in _KEYWORDS
            and inside.value not in CONSTANTS
            and inside.value != name
            and lookup(inside.value) is None
            and _is(closing, "op", ")")
        )

    def call(self, op: _Operator, tokens: list[Token], paren: int) -> tuple[int, bool]:
        self.open(op)
        if _is(tokens[paren + 1], "op", ")"):
            raise self.error(f"{op.name}() needs an argument", tokens[paren + 1].position)
        return paren + 1, True

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
            exponent = SyntaxNode("num", token.position, value)
            self.operands[-1] = SyntaxNode("pow", token.position, children=[top, exponent])
            return i + 1, False
        if kind in ("op", "name") and value in _BINARY:
            self.binary(value, token.position)
            return i + 1, True
        if kind == "name" and value in ("then", "else"):
            self.branch(value, token.position)
            return i + 1, True
        if kind == "op" and value == ")":
            self.close(token.position)
            return i + 1, False
        if kind == "op" and value == ",":
            self.comma(token.position)
            return i + 1, True
        if kind == "number" and tokens[i - 1].kind == "number":
            raise self.error("two numbers in a row; write * between them", token.position)
        if kind == "prime":
            raise self.error("a prime after a value: write f'(x) for a derivative", token.position)
        # a value right after a value: implicit multiplication (3x, 2sin(x), (x+1)(x-1))
        self.binary("*", token.position)
        return i, True

    def binary(self, op: str, position: int) -> None:
        precedence, right = _BINARY[op]
        self.reduce_to(precedence + (1 if right else 0))
        self.operators.append(_Operator(op, position, precedence))

    def reduce_to(self, precedence: int) -> None:
        """Apply the stacked operators binding at least as tightly as ``precedence``."""
        operators = self.operators
        while (
            operators
            and operators[-1].kind not in ("(", "call", "unknown", "if")
            and operators[-1].precedence >= precedence
        ):
            self.apply(operators.pop())

    def finish_ifs(self, complete_only: bool = False) -> None:
        """Close the ``if`` on top of the stack that have their ``else`` (an ``else`` reaches that far);
        one without it is an error, unless ``complete_only`` (at a ``then`` or ``else``)."""
        while self.operators and self.operators[-1].kind == "if":
            op = self.operators[-1]
            if op.arguments != 3:
                if complete_only:
                    return
                missing = "then" if op.arguments == 1 else "else"
                raise self.error(f"'if' without '{missing}': write if condition then a else b", op.position)
            self.operators.pop()
            self.depth -= 1
            children = self.operands[-3:]
            del self.operands[-3:]
            self.operands.append(SyntaxNode("if", op.position, children=children))
            self.reduce_to(0)

    def branch(self, word: str, position: int) -> None:
        self.reduce_to(0)
        self.finish_ifs(complete_only=True)
        wanted = 1 if word == "then" else 2
        top = self.operators[-1] if self.operators else None
        if top is None or top.kind != "if" or top.arguments != wanted:
            before = "if" if word == "then" else "then"
            raise self.error(f"'{word}' without '{before}': write if condition then a else b", position)
        top.arguments += 1

    def close(self, position: int) -> None:
        self.reduce_to(0)
        self.finish_ifs()
        if not self.operators:
            raise self.error("')' without a matching '('", position)
        op = self.operators.pop()
        self.depth -= 1
        if op.kind in ("call", "unknown"):
            arguments = self.operands[len(self.operands) - op.arguments :]
            del self.operands[len(self.operands) - op.arguments :]
            self.operands.append(SyntaxNode(op.kind, op.position, op.name, arguments, primes=op.primes))
            self.check_arity(op)
        else:
            self.operands[-1].grouped = True

    def comma(self, position: int) -> None:
        self.reduce_to(0)
        self.finish_ifs()
        if not self.operators or self.operators[-1].kind not in ("call", "unknown"):
            raise self.error("',' outside the arguments of a function", position)
        self.operators[-1].arguments += 1

    def check_arity(self, op: _Operator) -> None:
        if op.kind == "unknown":
            if op.arguments != 1:
                raise self.error(
                    f"the unknown function {op.name} takes one argument here, got {op.arguments}", op.position
                )
            return
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
            operands[-1] = SyntaxNode(op.kind, op.position, children=[operands[-1]])
            return
        right = operands.pop()
        left = operands.pop()
        if op.precedence == _COMPARISON:
            if left.kind == "chain" and not left.grouped:  # 0 < x < 1
                left.children.append(right)
                left.value.append(op.kind)
                operands.append(left)
            else:
                operands.append(SyntaxNode("chain", op.position, [op.kind], [left, right]))
            return
        if op.kind in ("and", "or"):
            operands.append(SyntaxNode("connect", op.position, op.kind, [left, right]))
            return
        kind = {"+": "sum", "-": "sum", "*": "product", "/": "product", "^": "pow"}[op.kind]
        flag = op.kind in "-/"
        if kind == "pow":
            operands.append(SyntaxNode("pow", op.position, children=[left, right]))
        elif left.kind == kind and not left.grouped:
            left.children.append(right)
            left.flags.append(flag)
            operands.append(left)
        else:
            operands.append(SyntaxNode(kind, op.position, children=[left, right], flags=[False, flag]))


def _transposes(tokens: list[Token], i: int) -> bool:
    """Whether the name at ``tokens[i]`` is the ``T`` of ``^T`` or ``^-T``."""
    if i > 0 and _is(tokens[i - 1], "op", "^"):
        return True
    return i > 1 and _is(tokens[i - 1], "op", "-") and _is(tokens[i - 2], "op", "^")


def _power_of_function(text: str, tokens: list[Token], i: int, j: int) -> str:
    """The refusal of the function name ``tokens[i]`` without parentheses, ``tokens[j]`` the token after
    it: a power written on the name (``sin^2(x)``, ``sin²(x)``, as books write it) is shown where it goes."""
    name, start = tokens[i].value, tokens[i].position
    plain = f"the function {name} needs parentheses: {name}(...)"
    if tokens[j].kind == "power":
        exponent, after = str(tokens[j].value), j + 1
    elif _is(tokens[j], "op", "^"):
        minus = _is(tokens[j + 1], "op", "-")
        number = tokens[j + 2 if minus else j + 1]
        if number.kind != "number":
            return plain
        exponent, after = ("-" if minus else "") + str(number.value), j + (3 if minus else 2)
    else:
        return plain
    argument, end = _inside(text, tokens, after) if _is(tokens[after], "op", "(") else ("...", None)
    # as typed, up to its closing parenthesis: sin^2(x); sin^2(...) when there is none
    shown = (
        text[start : end + 1] if end is not None else text[start : tokens[after].position].strip() + "(...)"
    )
    power = f"{name}({argument})^{exponent}"
    if exponent != "-1":
        return f"{shown} is not read as a power of {name}: write {power}"
    inverse = "a" + name
    reciprocal = f"{power} for 1/{name}({argument})"
    if lookup(inverse) is not None:
        return f"{shown} is ambiguous: write {inverse}({argument}) for the inverse function, {reciprocal}"
    return f"{shown} is not read as a power of {name}: write {reciprocal}"


def _inside(text: str, tokens: list[Token], paren: int) -> tuple[str, int | None]:
    """The text between the ``(`` at ``tokens[paren]`` and its ``)``, and the position of the ``)``
    (``...`` and None if it is never closed)."""
    depth = 0
    for token in tokens[paren:]:
        if token.kind == "op" and token.value in ("(", ")"):
            depth += 1 if token.value == "(" else -1
            if depth == 0:
                return text[tokens[paren].position + 1 : token.position].strip(), token.position
    return "...", None


def _declared(functions: Iterable[str] | str) -> frozenset[str]:
    names = functions.replace(",", " ").split() if isinstance(functions, str) else list(functions)
    for name in names:
        if not isinstance(name, str) or not name.isidentifier() or name in _KEYWORDS or name in CONSTANTS:
            raise ParseError(f"functions=: {name!r} is not a name for an unknown function", "", 0)
        if lookup(name) is not None:
            raise ParseError(f"functions=: {name} is a known function, not an unknown one", "", 0)
    return frozenset(names)


def parse(text: str, *, functions: Iterable[str] | str = (), max_length: int = MAX_LENGTH) -> Expr:
    """Read a mathematical expression, safely: the text is never evaluated as Python.

    Parameters
    ----------
    text:
        The expression (see the module's documentation for the notation).
    functions:
        Names to read as unknown functions when followed by ``(``, besides the defaults (``f``, ``g``,
        ``h``, and a single letter around one variable such as ``y(x)``): ``functions=["phi"]``.
    max_length:
        The longest input accepted, in characters.

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
    >>> sym.parse("1/2 x²"), sym.parse("f(g(x)) + y(t)")
    (x^2/2, f(g(x)) + y(t))
    >>> sym.parse("if x < 0 then -x else x^2")
    piecewise(x < 0, -x, x^2)
    >>> sym.parse("__import__('os')")
    Traceback (most recent call last):
      ...
    chainrule.symbolic.lexer.ParseError: quotes are not allowed: strings are not mathematics (at position 11)
      __import__('os')
                 ^
    """
    parser = _Parser(text, _declared(functions), max_length)
    return build(parser.run(), text)


def parse_ordered(
    text: str, *, functions: Iterable[str] | str = (), max_length: int = MAX_LENGTH
) -> tuple[Expr, dict[Any, list[Any]]]:
    """:func:`parse`, and the order in which the sums and products were typed (for explanations' echo)."""
    order: dict[Any, list[Any]] = {}
    parser = _Parser(text, _declared(functions), max_length)
    return build(parser.run(), text, order), order
