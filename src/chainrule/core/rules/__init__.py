"""The rule table, one module per family of primitives.

Importing this package makes every row, and so registers what each declares (:mod:`chainrule.core.registry`).
"""

from chainrule.core.rules import (
    arithmetic,
    assignment,
    complex_parts,
    decompositions,
    elementary,
    fft,
    indexing,
    linalg,
    norms,
    numerical,
    order_statistics,
    piecewise,
    reductions,
    reshaping,
    scipy_special,
    special,
    stopping,
)

__all__ = [
    "arithmetic",
    "assignment",
    "complex_parts",
    "decompositions",
    "elementary",
    "fft",
    "indexing",
    "linalg",
    "norms",
    "numerical",
    "order_statistics",
    "piecewise",
    "reductions",
    "reshaping",
    "scipy_special",
    "special",
    "stopping",
]
