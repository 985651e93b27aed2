"""The one exception hierarchy of chainrule.

Every error chainrule raises derives from :class:`ChainruleError` and also from the built-in exception a
caller would expect, so ``except ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "ChainruleError",
    "ChainruleIndexError",
    "ChainruleTypeError",
    "ChainruleValueError",
    "GraphError",
    "ShapeError",
    "UnsupportedOperationError",
]


class ChainruleError(Exception):
    """Base class of every error chainrule raises."""


class ChainruleTypeError(ChainruleError, TypeError):
    """An argument has the wrong type (not callable, not numeric, ...)."""


class ChainruleIndexError(ChainruleError, IndexError):
    """An index that cannot index the array (not whole numbers, out of range, ...)."""


class ChainruleValueError(ChainruleError, ValueError):
    """An argument has the right type but an unusable value."""


class ShapeError(ChainruleValueError):
    """Shapes that do not fit together; the message names both shapes."""


class UnsupportedOperationError(ChainruleError, NotImplementedError):
    """A NumPy function or option that chainrule has no derivative rule for."""


class GraphError(ChainruleError, RuntimeError):
    """Misuse of a recorded computation graph (freed, mutated in place, ...)."""
