"""Tokens of matrix formulas: the scalar lexer's, plus the notation of matrix calculus.

The text is cut at the characters only matrix formulas have — ``'`` and ``ᵀ`` (transpose), ``⁻ᵀ``,
``@``, ``.*`` ``⊙`` ``∘`` (elementwise product), ``./`` ``⊘``, ``.^``, ``⊗`` (Kronecker), ``‖`` (norm) and
the quoted subscripts of ``einsum("ij,jk->ik", A, B)`` — and everything between those cuts is read by
:func:`chainrule.symbolic.lexer.tokenize`, so numbers, names, ``**``, ``·``, ``−``, ``√``, ``π`` and
superscript powers (``x²``, ``X⁻¹``) are read exactly as in scalar formulas, with the same errors.

Examples
--------
>>> [t.value for t in tokenize("x' A x")]
['x', "'", 'A', 'x', None]
>>> [t.value for t in tokenize("‖X‖_F² + tr(X⁻ᵀ) .* 2")]
['‖', 'X', '‖', '_F', 2, '+', 'tr', '(', 'X', '-T', ')', '.*', 2, None]
"""

from __future__ import annotations

from chainrule.symbolic.lexer import MAX_LENGTH, ParseError, ShapesNeeded, Token, too_long
from chainrule.symbolic.lexer import tokenize as scalar_tokenize

__all__ = ["ParseError", "ShapesNeeded", "Token", "tokenize"]

# text -> (kind, value); the longest are tried first
_SPECIAL = {
    "⁻ᵀ": ("postfix", "-T"),
    ".*": ("op", ".*"),
    "./": ("op", "./"),
    ".^": ("op", ".^"),
    "'": ("postfix", "'"),
    "ᵀ": ("postfix", "'"),
    "@": ("op", "@"),
    "⊙": ("op", ".*"),
    "∘": ("op", ".*"),
    "⊘": ("op", "./"),
    "⊗": ("op", "kron"),
    "‖": ("norm", "‖"),
}
_STARTS = frozenset(s[0] for s in _SPECIAL) | {'"'}


def _scalar_tokens(text: str, start: int, end: int) -> list[Token]:
    if start >= end:
        return []
    try:
        tokens = scalar_tokenize(text[start:end])
    except ParseError as exc:
        raise ParseError(exc.reason, text, exc.position + start) from None
    return [Token(t.kind, t.value, t.position + start) for t in tokens[:-1]]


def _special_at(text: str, i: int) -> tuple[Token, int] | None:
    if text[i] == '"':
        close = text.find('"', i + 1)
        if close < 0:
            raise ParseError("the quoted subscripts are never closed", text, i)
        return Token("string", text[i + 1 : close], i), close + 1
    for special, (kind, value) in _SPECIAL.items():
        if text.startswith(special, i):
            return Token(kind, value, i), i + len(special)
    return None


def tokenize(text: str) -> list[Token]:
    """The tokens of a matrix formula, ending with an ``end`` token."""
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}", "", 0)
    if len(text) > MAX_LENGTH:
        raise too_long(text, MAX_LENGTH, f"{MAX_LENGTH} for a matrix formula")
    tokens: list[Token] = []
    segment = 0
    i = 0
    while i < len(text):
        found = _special_at(text, i) if text[i] in _STARTS else None
        if found is None:
            i += 1
            continue
        tokens += _scalar_tokens(text, segment, i)
        token, i = found
        tokens.append(token)
        segment = i
    tokens += _scalar_tokens(text, segment, len(text))
    tokens.append(Token("end", None, len(text)))
    return tokens
