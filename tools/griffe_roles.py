"""A Griffe extension for the API pages of the site: the docstrings' Sphinx roles as Markdown code.

chainrule's docstrings (NumPy style) name other objects as Sphinx does, ``:func:`chainrule.jvp```; the
site renders docstrings as Markdown, where that would show the role's own text. Each role becomes the code
span of its target (``~`` keeps its last part; ``:role:`text <target>``` shows the text).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:func|class|mod|attr|meth|data|exc|obj|const):`([^`]+)`")


def _code(match: re.Match[str]) -> str:
    target = match.group(1)
    titled = re.fullmatch(r"(.+?)\s*<(.+)>", target)
    if titled is not None:
        return f"`{titled.group(1)}`"
    if target.startswith("~"):
        target = target[1:].rsplit(".", 1)[-1]
    return f"`{target.lstrip('.')}`"


class SphinxRoles(griffe.Extension):
    """Rewrite the roles of every docstring loaded."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _ROLE.sub(_code, obj.docstring.value)
