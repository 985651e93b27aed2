"""Which names a symbol may have: letters, digits and ``_``, in one script, with no look-alike of another.

A name reaches generated code (:func:`~chainrule.symbolic.lambdify`, ``to_python``), LaTeX and explanations,
so every way of making a symbol from a string (the parser, :func:`~chainrule.symbolic.symbols`, ``trace``,
``from_sympy``, the variable of ``diff``) checks it here. Two names that look the same must be the same
name, or ``diff("х^2", "x")`` (a Cyrillic ``х``) is a silent 0. So a name is refused when

- it mixes scripts (``xх``: Latin and Cyrillic),
- it is not in its canonical (NFKC) form (the full-width ``ｘ``, the mathematical italic ``𝑥``: write ``x``),
- it contains a Cyrillic or Greek letter drawn like a Latin one (``х``, ``а``, ``о``, the Greek capitals
  ``Α Β Ε`` and the omicron ``ο``).

Greek letters that mathematics uses as letters of their own (``α``, ``θ``, ``λ``, ``ρ``, ``χ``, ``ν``)
remain names, alone or with digits (``θ1``).
"""

from __future__ import annotations

import re
import unicodedata

from chainrule.errors import ChainruleValueError

__all__ = ["name_problem", "valid_name"]

# Cyrillic and Greek letters that most fonts draw exactly like a Latin letter (from Unicode's confusables).
_CONFUSABLE = {
    **dict(zip("аеорсухіјѕԁԛԝһӏ", "aeopcyxijsdqwhl", strict=True)),
    **dict(zip("АВЕКМНОРСТХІЈЅУ", "ABEKMHOPCTXIJSY", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧο", "ABEZHIKMNOPTYXo", strict=True)),
}


_ASCII_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _script(c: str) -> str:
    """The script of a letter, as the first word of its Unicode name (LATIN, GREEK, CYRILLIC ...)."""
    return unicodedata.name(c, "UNKNOWN").split()[0]


def name_problem(name: str) -> tuple[int, str] | None:
    """The index of the first offending character of ``name`` and why, or None for a valid name.

    Examples
    --------
    >>> name_problem("theta1"), name_problem("θ")
    (None, None)
    >>> name_problem("\\u0445")
    (0, "'х' (CYRILLIC SMALL LETTER HA) looks like the Latin 'x' but is another letter: type x")
    """
    if not isinstance(name, str) or not name:
        return 0, "a name must be a non-empty string"
    if name.isascii() and _ASCII_NAME.fullmatch(name):
        return None  # the common case, at once
    first: tuple[int, str] | None = None  # the first letter and its script
    for i, c in enumerate(name):
        problem = _character_problem(c, i == 0)
        if problem is not None:
            return i, problem
        if c.isalpha():
            script = _script(c)
            if first is None:
                first = (i, script)
            elif script != first[1]:
                return i, (
                    f"{_described(c)} is {script.title()} but {name[first[0]]!r} before it is "
                    f"{first[1].title()}: a name uses one script"
                )
    return None


def _described(c: str) -> str:
    return f"{c!r} ({unicodedata.name(c, hex(ord(c)))})"


def _character_problem(c: str, first: bool) -> str | None:
    if not (c.isalpha() or c in "0123456789_") or (first and c in "0123456789"):
        return f"{_described(c)} cannot be part of a name (letters, digits and _, not first a digit)"
    canonical = unicodedata.normalize("NFKC", c)
    if canonical != c:
        return f"{_described(c)} is a variant of {canonical!r}: type {canonical}"
    latin = _CONFUSABLE.get(c)
    if latin is not None:
        return f"{_described(c)} looks like the Latin {latin!r} but is another letter: type {latin}"
    return None


def valid_name(name: str, where: str) -> str:
    """``name`` if it can name a symbol, else a :class:`~chainrule.errors.ChainruleValueError` naming the
    character and what to type; ``where`` says who asked (``"symbols()"``, ``"trace"``)."""
    problem = name_problem(name)
    if problem is not None:
        raise ChainruleValueError(f"{where}: {name!r} is not a valid symbol name: {problem[1]}")
    return name
