"""The rule table, one module per family of primitives.

Importing this package makes every row, and so registers what each declares (:mod:`chainrule.core.registry`).
"""

from chainrule.core.rules import (
    arithmetic,
    elementary,
    indexing,
    linalg,
    norms,
    piecewise,
    reductions,
    reshaping,
    special,
)

__all__ = [
    "arithmetic",
    "elementary",
    "indexing",
    "linalg",
    "norms",
    "piecewise",
    "reductions",
    "reshaping",
    "special",
]
