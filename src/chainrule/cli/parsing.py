"""Reading the command line's mathematics: expressions, vectors of them, and points like ``x=1,y=2``."""

from __future__ import annotations

from typing import Any

from chainrule.errors import ChainruleValueError

__all__ = ["UsageError", "parse_expressions", "parse_point", "variables_of"]


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


def parse_expressions(text: str) -> tuple[list[Any], bool]:
    """Parse ``"x*y"`` or a vector ``"[x*y, x+y]"``; returns the expressions and whether it was a vector.

    A parse error inside a vector is reported at its position in the whole text.
    """
    from chainrule.symbolic import ParseError, parse

    stripped = text.strip()
    if not (stripped.startswith("[") and stripped.endswith("]")):
        return [parse(text)], False
    offset = text.index("[") + 1
    expressions = []
    for part, start in _split_top_level(stripped[1:-1]):
        try:
            expressions.append(parse(part))
        except ParseError as exc:
            raise ParseError(exc.reason, text, offset + start + exc.position) from None
    return expressions, True


def variables_of(expressions: list[Any]) -> list[str]:
    """The free symbols of all the expressions, by name in alphabetical order."""
    return sorted({s.name for e in expressions for s in e.free_symbols})


def parse_point(text: str | None, variables: list[str], option: str = "--at") -> dict[str, float]:
    """``"w1=0.4,w2=0.3"`` → ``{"w1": 0.4, "w2": 0.3}``; a bare ``"1"`` names the only variable.

    Values may be expressions of numbers (``pi/4``). Every variable needs a value; names that are not
    variables of the expression are refused.
    """
    from chainrule.symbolic import parse

    point: dict[str, float] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, equals, value = item.partition("=")
        if not equals:
            if len(variables) != 1:
                raise UsageError(f"{option} {item.strip()!r}: say which variable, e.g. {option} x=1")
            name, value = variables[0], item
        name = name.strip()
        if name not in variables:
            known = ", ".join(variables) or "none"
            raise UsageError(f"{option}: unknown variable {name!r} (the expression's variables: {known})")
        if not value.strip():
            raise UsageError(f"{option} {item.strip()}: no value after '='")
        number = parse(value)
        if number.free_symbols:
            raise UsageError(f"{option} {name}={value.strip()}: the value must be a number")
        point[name] = float(number.evaluate())
    missing = [v for v in variables if v not in point]
    if missing:
        raise UsageError(f"{option}: no value for {', '.join(missing)}, e.g. {option} {missing[0]}=1")
    return point
