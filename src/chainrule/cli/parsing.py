"""Reading the command line's mathematics: expressions, vectors of them, and points like ``x=1,y=2``."""

from __future__ import annotations

import math
import re
from typing import Any

from chainrule.errors import ChainruleError, ChainruleValueError

__all__ = [
    "UsageError",
    "guess_shape",
    "matrix_command",
    "parse_expression",
    "parse_expressions",
    "parse_point",
    "variables_of",
]


class UsageError(ChainruleValueError):
    """A mistake on the command line: reported in one line (plus a caret), with exit status 2."""


def _split_top_level(body: str) -> list[tuple[str, int]]:
    """Split at the commas outside parentheses, keeping each part's offset in ``body``."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append((body[start:i], start))
            start = i + 1
    parts.append((body[start:], start))
    return parts


def parse_expressions(text: str, command: str = "grad") -> tuple[list[Any], bool]:
    """Parse ``"x*y"`` or a vector ``"[x*y, x+y]"`` for ``command``; returns the expressions and whether it
    was a vector.

    A parse error inside a vector is reported at its position in the whole text; a vector that is never
    closed (``"[x*y, x+y"``) at its ``[``.
    """
    from chainrule.symbolic import ParseError

    stripped = text.strip()
    opened, closed = stripped.startswith("["), stripped.endswith("]")
    if opened and "]" not in stripped:
        raise ParseError("'[' is never closed: a vector is written [f, g]", text, text.index("["))
    if closed and "[" not in stripped:
        raise ParseError("']' without a matching '[': a vector is written [f, g]", text, text.rindex("]"))
    if not (opened and closed):
        return [_parse(text, command)], False
    offset = text.index("[") + 1
    expressions = []
    for part, start in _split_top_level(stripped[1:-1]):
        try:
            expressions.append(_parse(part, command))
        except ParseError as exc:
            raise ParseError(exc.reason, text, offset + start + exc.position) from None
    return expressions, True


def parse_expression(text: str, command: str) -> Any:
    """Parse one scalar expression for ``command``; a vector ``"[f, g]"`` is refused, never cut to ``f``."""
    expressions, vector = parse_expressions(text, command)
    if vector:
        raise UsageError(
            f"{command} takes one expression, not a vector of {len(expressions)}; give its entries one at "
            f"a time, or use chainrule grad {text!r} --at ... for the Jacobian"
        )
    return expressions[0]


def _parse(text: str, command: str = "diff") -> Any:
    """``symbolic.parse`` for ``command``, with Python's own refusals of the text (a 5,000-digit number) made
    usage errors, and advice that the command line can follow (``--shapes``, not ``shapes=``)."""
    from chainrule.symbolic import ParseError, parse
    from chainrule.symbolic.lexer import MAX_LENGTH, ShapesNeeded, too_long

    if len(text) > MAX_LENGTH:
        advice = "in Python, chainrule.parse(text, max_length=...) reads more"
        raise too_long(text, MAX_LENGTH, f"{MAX_LENGTH} on the command line", advice)
    try:
        return parse(text)
    except ShapesNeeded as exc:
        raise ParseError(exc.advise(_shapes_advice(text, command)), exc.text, exc.position) from None
    except ChainruleError:
        raise
    except (ValueError, OverflowError) as exc:  # int('9' * 5000) exceeds Python's digit limit
        reason = str(exc).split(";")[0]
        raise UsageError(
            f"{text[:40]!r}{'...' if len(text) > 40 else ''}: a number too large to read ({reason})"
        ) from None


def _shapes_advice(text: str, command: str) -> str:
    """What to run for matrix calculus on ``text``: ``diff`` with ``--shapes`` (the only command that takes
    them)."""
    run = matrix_command(text)
    if command == "diff":
        return f"matrix calculus needs the shapes of the variables: add --shapes, e.g. {run}"
    return f"matrix calculus needs the shapes of the variables, which {command} does not take: run {run}"


def guess_shape(name: str) -> str:
    """An example shape for ``--shapes``, by the books' convention: a capital is a matrix, else a vector."""
    return "n,n" if name[:1].isupper() else "n"


def matrix_command(text: str) -> str:
    """An example ``chainrule diff`` command line for the matrix formula ``text``, with a shape for each name
    in it guessed by :func:`guess_shape` (``x' A x``: ``--wrt x --shapes x=n,A=n,n``).

    Examples
    --------
    >>> print(matrix_command("x' A x"))
    chainrule diff "x' A x" --wrt x --shapes x=n,A=n,n
    """
    names = _matrix_names(text) or ["x", "A"]
    vectors = [n for n in names if guess_shape(n) == "n"] or names
    wrt = f" --wrt {vectors[0]}" if len(names) > 1 else ""
    shapes = ",".join(f"{n}={guess_shape(n)}" for n in names)
    return f'chainrule diff "{text}"{wrt} --shapes {shapes}'


def _matrix_names(text: str) -> list[str]:
    """The variables of a matrix formula, in order of appearance (none if it does not even tokenize)."""
    from chainrule.symbolic import ParseError
    from chainrule.symbolic.elementary import lookup
    from chainrule.symbolic.matrix.elementwise import is_function
    from chainrule.symbolic.matrix.lexer import tokenize
    from chainrule.symbolic.matrix.parser import MATRIX_FUNCTIONS

    try:
        tokens = tokenize(text)
    except ParseError:
        return []
    names: list[str] = []
    for k, token in enumerate(tokens[:-1]):
        before = [t.value for t in tokens[max(0, k - 2) : k]]
        after_power = token.value == "T" and (before[-1:] == ["^"] or before == ["^", "-"])
        known = token.value in MATRIX_FUNCTIONS or is_function(token.value) or lookup(token.value) is not None
        if token.kind == "name" and not (after_power or known or token.value in ("pi", "e", "_F")):
            names.append(token.value)
    return list(dict.fromkeys(names))


def variables_of(expressions: list[Any]) -> list[str]:
    """The free symbols of all the expressions, by name in alphabetical order."""
    return sorted({s.name for e in expressions for s in e.free_symbols})


# A run of letters, digits and dots that starts with a digit, with the sign of an exponent (1e-3) kept in it.
_NUMBER_LIKE = re.compile(r"(?<![\w.])\d[\w.]*(?:(?<=[eE])[+-][\w.]*)?", re.ASCII)
_DECIMAL = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def _check_decimal(value: str, written: str, option: str) -> None:
    """Refuse what Python would read as another number, or not at all, but the parser reads as a product:
    ``0x10`` (0 × x10), ``1e`` (1 × e), ``1_000``, ``2j``, ``1.5.3``. ``2pi`` (2 × pi) is a product on
    purpose and stays one."""
    for token in _NUMBER_LIKE.findall(value):
        number = _DECIMAL.match(token)  # a token starts with a digit, so at least that matches
        lead = number.group() if number else ""
        rest = token[len(lead) :]
        python_number = rest[:1] in ("e", "E", "j", "J") or (
            lead == "0" and rest[:1] in ("x", "X", "o", "O", "b", "B")
        )
        if rest and (python_number or not rest[0].isalpha()):
            raise UsageError(
                f"{option} {written}: {token!r} is not a decimal number; write numbers like 16, 1.5 or 2e-3, "
                "with * between a number and a name (2*e)"
            )


def _number(value: str, written: str, option: str) -> float:
    _check_decimal(value, written, option)
    expression = _parse(value)
    if expression.free_symbols:
        raise UsageError(f"{option} {written}: the value must be a number")
    try:
        number = float(expression.evaluate())
    except OverflowError:
        number = math.inf
    if math.isnan(number):
        raise UsageError(f"{option} {written}: the value is not a number (NaN)")
    if math.isinf(number):
        raise UsageError(
            f"{option} {written}: the value is too large for a float64 (the largest is about 1.8e308)"
        )
    return number


def parse_point(text: str | None, variables: list[str], option: str = "--at") -> dict[str, float]:
    """``"w1=0.4,w2=0.3"`` → ``{"w1": 0.4, "w2": 0.3}``; a bare ``"1"`` names the only variable.

    Values may be expressions of numbers (``pi/4``). Every variable needs exactly one value; names that are
    not variables of the expression are refused, and so is anything that would be read as a different
    number than it says (``1,5``, ``0x10``, ``1e``, a value beyond float64).

    Examples
    --------
    >>> parse_point("x=pi/4, y=2e-3", ["x", "y"])
    {'x': 0.7853981633974483, 'y': 0.002}
    >>> parse_point("x=1,5", ["x"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    chainrule.cli.parsing.UsageError: --at: x is given twice (x=1 and 5); one value each, ...
    """
    point: dict[str, float] = {}
    given: dict[str, str] = {}
    for item, _ in _split_top_level(text or ""):
        written = item.strip()
        if not written:
            continue
        name, equals, value = item.partition("=")
        if not equals:
            if written in variables:
                raise UsageError(f"{option} {written}: give {written} a value, e.g. {option} {written}=1")
            if len(variables) != 1:
                raise UsageError(f"{option} {written!r}: say which variable, e.g. {option} x=1")
            name, value = variables[0], item
        name = name.strip()
        if name not in variables:
            known = ", ".join(variables) or "none"
            raise UsageError(f"{option}: unknown variable {name!r} (the expression's variables: {known})")
        if name in given:
            raise UsageError(
                f"{option}: {name} is given twice ({given[name]} and {written}); one value each, with a "
                "decimal point (1.5)"
            )
        if not value.strip():
            raise UsageError(f"{option} {written}: no value after '='")
        point[name], given[name] = _number(value, written, option), written
    missing = [v for v in variables if v not in point]
    if missing:
        raise UsageError(f"{option}: no value for {', '.join(missing)}, e.g. {option} {missing[0]}=1")
    return point
