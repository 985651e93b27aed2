"""Tokens of the expression language, and the parse error with its caret.

The lexer reads numbers, names, operators and parentheses, and the notation people type or paste: ``**`` for
``^``, ``·`` ``×`` ``⋅`` for ``*``, ``÷``, the minus sign ``−``, ``π``, ``√``, and superscript powers
``x²``, ``x⁻¹``; the comparisons of conditions (``<`` ``<=`` ``>`` ``>=`` ``==`` ``!=`` ``≤`` ``≥`` ``≠``)
and primes right after a name (``f'``, ``f′′``, ``f″``). Anything else (quotes, dots after names, brackets,
a single ``=``) is refused with its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chainrule.errors import ChainruleValueError
from chainrule.symbolic.names import name_problem

__all__ = ["MAX_LENGTH", "ParseError", "ShapesNeeded", "Token", "tokenize", "too_long"]

MAX_LENGTH = 10_000  # the default of parse(text, max_length=...)
_MAX_DIGITS = 400
_MAX_EXPONENT = 400

# Python's decimal literals, digit groups included (1_000): the same text means the same number
_DIGITS = r"\d(?:_?\d)*"
_NUMBER = re.compile(rf"({_DIGITS}\.?(?:{_DIGITS})?|\.{_DIGITS})([eE][+-]?{_DIGITS})?")
# what directly after a number would be a different number in Python, or no number at all
_PREFIXED = re.compile(r"0[xXoObB][0-9a-fA-F_]")
_NUMBER_SUFFIXES = {
    "_": "an underscore in a number must sit between two digits (1_000)",
    "e": "{n}e has no exponent: write {n}e2 for an exponent, {n}*e for a multiple of e",
    "E": "{n}E has no exponent: write {n}E2 for an exponent, {n}*E for a product with E",
    "j": "{n}j is imaginary in Python; complex numbers are not supported: write {n}*j for a product",
    "J": "{n}J is imaginary in Python; complex numbers are not supported: write {n}*J for a product",
}
_SUPERSCRIPTS = {"⁰": 0, "¹": 1, "²": 2, "³": 3, "⁴": 4, "⁵": 5, "⁶": 6, "⁷": 7, "⁸": 8, "⁹": 9}
_ALIASES = {"·": "*", "×": "*", "⋅": "*", "∗": "*", "÷": "/", "−": "-", "–": "-"}
_OPERATORS = frozenset("+-*/^(),")
_COMPARISONS = {
    "<=": "<=",
    ">=": ">=",
    "==": "==",
    "!=": "!=",
    "<": "<",
    ">": ">",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
}
_PRIMES = {"'": 1, "′": 1, "″": 2, "‴": 3}
# one character, one token: (kind, value)
_SINGLE = {
    **{c: ("op", c) for c in _OPERATORS},
    **{c: ("op", alias) for c, alias in _ALIASES.items()},
    "π": ("name", "pi"),
    "√": ("sqrt", "√"),
}


class ParseError(ChainruleValueError):
    """Text that is not a mathematical expression; the message shows where, with a caret.

    Attributes
    ----------
    text:
        The input.
    position:
        The index in ``text`` of the offending character.
    """

    def __init__(self, message: str, text: str, position: int) -> None:
        self.reason = message
        self.text = text
        self.position = position
        super().__init__(self._render())

    def _render(self) -> str:
        if not self.text:  # nothing to point into (an argument that is not text, a bad functions=)
            return self.reason
        start = max(0, self.position - 60)
        snippet = self.text[start : self.position + 60]
        prefix = "..." if start else ""
        caret = " " * (len(prefix) + self.position - start) + "^"
        return f"{self.reason} (at position {self.position})\n  {prefix}{snippet}\n  {caret}"

    def __reduce__(self) -> tuple[Any, ...]:
        return ParseError, (self.reason, self.text, self.position)


class ShapesNeeded(ParseError):
    """Matrix notation read without the shapes it needs (``x' A x`` in a scalar formula, a name missing
    from ``shapes=``).

    ``template`` is the message with ``{shapes}`` where the advice on giving shapes goes, and ``name`` the
    variable without a shape (if that is the problem), so that a caller that takes shapes another way (the
    command line's ``--shapes``) can word the advice its own way.
    """

    def __init__(self, template: str, text: str, position: int, shapes: str, name: str | None = None) -> None:
        self.template, self.shapes, self.name = template, shapes, name
        super().__init__(self.advise(shapes), text, position)

    def advise(self, shapes: str) -> str:
        """The message with ``shapes`` as the advice."""
        return self.template.replace("{shapes}", shapes)

    def __reduce__(self) -> tuple[Any, ...]:
        return ShapesNeeded, (self.template, self.text, self.position, self.shapes, self.name)


def too_long(text: str, max_length: int, limit: str, advice: str = "") -> ParseError:
    """The error for ``text`` longer than ``max_length`` (``limit`` in words), with the caret at the first
    character past it; ``advice`` says how to read more, where there is a way."""
    reason = f"the input is too long ({len(text)} characters; the limit is {limit})"
    return ParseError(f"{reason}: {advice}" if advice else reason, text, max_length)


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is ``number``, ``name``, ``op``, ``sqrt``, ``power`` (a superscript), ``prime``
    (its value the number of primes) or ``end``."""

    kind: str
    value: Any
    position: int


def _number(text: str, match: re.Match[str]) -> Token:
    literal = match.group(0).replace("_", "")
    position = match.start()
    _check_suffix(text, match)
    if len(literal) > _MAX_DIGITS:
        raise ParseError(f"the number is too long (over {_MAX_DIGITS} characters)", text, position)
    mantissa, exponent = match.group(1), match.group(2)
    if exponent and abs(int(exponent[1:])) > _MAX_EXPONENT:
        raise ParseError("the number is out of range (exponent beyond 400)", text, position)
    if exponent is None and "." not in mantissa:
        return Token("number", int(mantissa), position)
    return Token("number", float(literal), position)


def _check_suffix(text: str, match: re.Match[str]) -> None:
    """Refuse a number glued to what would change its meaning in Python (``0x10``, ``1e``, ``1j``, ``1_``)."""
    n, end = match.group(0), match.end()
    if _PREFIXED.match(text, match.start()):
        start = match.start()
        word = re.match(r"\w*", text[start:]).group()  # type: ignore[union-attr]
        base = {"x": "hexadecimal", "o": "octal", "b": "binary"}[text[start + 1].lower()]
        raise ParseError(
            f"{word} is a {base} literal in Python, which is not supported: write the number in decimal, "
            f"or 0*{word[1:]} for a product",
            text,
            start,
        )
    follower = text[end : end + 1]
    name_end = end
    while name_end < len(text) and (text[name_end].isalnum() or text[name_end] == "_"):
        name_end += 1
    word = text[end:name_end]
    if follower == "_" or word in ("e", "E", "j", "J"):
        message = _NUMBER_SUFFIXES[follower].format(n=n)
        raise ParseError(message, text, end)


def _superscript(text: str, i: int) -> tuple[Token, int]:
    start = i
    negative = text[i] == "⁻"
    if negative:
        i += 1
    digits = ""
    while i < len(text) and text[i] in _SUPERSCRIPTS:
        digits += str(_SUPERSCRIPTS[text[i]])
        i += 1
    if not digits:
        raise ParseError("a superscript minus needs superscript digits after it", text, start)
    if len(digits) > _MAX_DIGITS:
        raise ParseError(f"the superscript power is too long (over {_MAX_DIGITS} digits)", text, start)
    value = -int(digits) if negative else int(digits)
    return Token("power", value, start), i


def _name(text: str, i: int) -> tuple[Token, int]:
    start = i
    i += 1
    while i < len(text) and (text[i].isalpha() or text[i] in "0123456789_") and text[i] != "π":
        i += 1
    problem = name_problem(text[start:i])
    if problem is not None:
        raise ParseError(problem[1], text, start + problem[0])
    return Token("name", text[start:i], start), i


def _number_at(text: str, i: int) -> tuple[Token, int]:
    match = _NUMBER.match(text, i)
    if match is None:  # cannot happen: a digit always starts a number
        raise ParseError("malformed number", text, i)
    return _number(text, match), match.end()


def _primes(text: str, i: int) -> tuple[Token, int]:
    start, count = i, 0
    while i < len(text) and text[i] in _PRIMES:
        count += _PRIMES[text[i]]
        i += 1
    return Token("prime", count, start), i


def _comparison(text: str, i: int) -> tuple[Token, int] | None:
    for sign in (text[i : i + 2], text[i]):
        if sign in _COMPARISONS:
            return Token("op", _COMPARISONS[sign], i), i + len(sign)
    return None


def tokenize(text: str, max_length: int = MAX_LENGTH) -> list[Token]:
    """The tokens of ``text``, ending with an ``end`` token.

    Examples
    --------
    >>> [t.value for t in tokenize("2x² · π")]
    [2, 'x', 2, '*', 'pi', None]
    """
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}", "", 0)
    if len(text) > max_length:
        # diff, explain, gradient ... read text with the default limit: parse(text) first lifts it for all
        advice = (
            "chainrule.parse(text, max_length=...) allows more, and diff, explain and the others take the "
            "expression it returns in place of the text"
        )
        raise too_long(text, max_length, f"max_length={max_length}", advice)
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in "0123456789" or (c == "." and text[i + 1 : i + 2].isdigit()):
            token, i = _number_at(text, i)
        elif text.startswith("**", i):
            token, i = Token("op", "^", i), i + 2
        elif c in _SINGLE:
            kind, value = _SINGLE[c]
            token, i = Token(kind, value, i), i + 1
        elif c in _SUPERSCRIPTS or c == "⁻":
            token, i = _superscript(text, i)
        elif c.isalpha() or c == "_":
            token, i = _name(text, i)
        elif c in _PRIMES and tokens and tokens[-1].kind == "name" and _touches(tokens[-1], i):
            token, i = _primes(text, i)
        elif (found := _comparison(text, i)) is not None:
            token, i = found
        else:
            raise ParseError(_refusal(text, i, tokens), text, i)
        tokens.append(token)
    tokens.append(Token("end", None, len(text)))
    return tokens


def _touches(token: Token, i: int) -> bool:
    """Whether a name token ends right at ``i`` (nothing between: ``f'`` or ``f(``)."""
    return token.position + len(token.value) == i


def _refusal(text: str, i: int, tokens: list[Token]) -> str:
    c = text[i]
    if c == "|":
        return _bars(text, i)
    if c == "!":
        return _factorial(text, tokens)
    if c == "=":
        return (
            "a single '=' is not allowed: write == for a condition (piecewise(x == 0, 1, x)), and use "
            "cr.implicit_diff('x^2 + y^2 = 25', 'y', 'x') for an equation"
        )
    if c == ".":
        return "'.' is not allowed here: attributes are not mathematics (decimals need a digit: 0.5)"
    if c in "'\"":
        return "quotes are not allowed: strings are not mathematics"
    if c in "[]{}":
        return f"unexpected {c!r}: use parentheses ( ) for grouping"
    return f"unexpected character {c!r}"


def _bars(text: str, i: int) -> str:
    """The refusal of ``|u|``, naming ``abs(u)``."""
    bar = "||" if text.startswith("||", i) else "|"
    close = text.find(bar, i + len(bar))
    inside = text[i + len(bar) : close].strip() if close > 0 else ""
    if not inside:
        return "'|' is not an operator here: write abs(u) for the absolute value |u|"
    return f"'|' is not an operator here: write abs({inside}) for {bar}{inside}{bar}"


def _factorial(text: str, tokens: list[Token]) -> str:
    """The refusal of ``n!``, naming ``gamma(n + 1)`` (there is no factorial function: gamma extends it)."""
    shown, inside = _operand_before(text, tokens)
    if not shown:
        return "'!' is not an operator here: write gamma(n + 1) for the factorial n!"
    return (
        f"'!' is not an operator here: write gamma({inside} + 1) for the factorial {shown}! "
        "(there is no factorial function)"
    )


def _operand_before(text: str, tokens: list[Token]) -> tuple[str, str]:
    """The operand that ends the tokens (a name, a number, ``(...)`` or ``f(...)``) as written and as an
    argument (``(n+1)`` is written so, and is ``n+1`` inside a call); empty strings when there is none."""
    if not tokens:
        return "", ""
    last = tokens[-1]
    if last.kind in ("name", "number"):
        written = text[last.position : _end_of(text, last)]
        return written, written
    if last.kind != "op" or last.value != ")":
        return "", ""
    depth = 0
    for k in range(len(tokens) - 1, -1, -1):
        value = tokens[k].value if tokens[k].kind == "op" else ""
        depth += {")": 1, "(": -1}.get(value, 0)
        if depth == 0:
            before = tokens[k - 1] if k > 0 else None
            if before is not None and before.kind == "name" and _touches(before, tokens[k].position):
                written = text[before.position : last.position + 1]  # f(...)
                return written, written
            return text[tokens[k].position : last.position + 1], text[tokens[k].position + 1 : last.position]
    return "", ""


def _end_of(text: str, token: Token) -> int:
    """Where a name or number token ends in ``text``."""
    if token.kind == "name":
        return token.position + len(token.value)
    match = _NUMBER.match(text, token.position)
    return match.end() if match else token.position + 1
