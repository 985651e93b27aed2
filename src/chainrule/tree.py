"""Nested containers of arrays, such as a model's parameters: flatten them to a list of leaves and back.

Tuples, lists and dicts are containers (dicts in sorted-key order); anything else is a leaf. Gradients,
optimizer states and checkpoints keep the structure of the parameters they belong to with these functions,
as JAX's ``jax.tree`` does.

Examples
--------
>>> import numpy as np
>>> from chainrule import tree
>>> params = {"w": np.ones((2, 2)), "b": np.zeros(2)}
>>> leaves, structure = tree.flatten(params)
>>> [leaf.shape for leaf in leaves], structure
([(2,), (2, 2)], {'b': *, 'w': *})
>>> tree.map(lambda a: a + 1, params)["b"]
array([1., 1.])
>>> tree.unflatten(structure, [np.array([5.0, 5.0]), np.eye(2)])["b"]
array([5., 5.])
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

from chainrule.core.pytree import TreeDef, flatten, unflatten
from chainrule.errors import ShapeError

__all__ = ["TreeDef", "flatten", "leaves", "map", "structure", "unflatten"]


def leaves(tree: Any) -> list[Any]:
    """The leaves of ``tree``, in the order :func:`flatten` gives them."""
    return flatten(tree)[0]


def structure(tree: Any) -> TreeDef:
    """The structure of ``tree`` with its leaves taken out."""
    return flatten(tree)[1]


def map(function: Callable[..., Any], tree: Any, *others: Any) -> Any:
    """``function`` applied to each leaf of ``tree`` (and the matching leaves of ``others``, which must have
    the same structure), in a container of the same structure."""
    first, treedef = flatten(tree)
    rest = [flatten(other) for other in others]
    for _, other_def in rest:
        if other_def != treedef:
            raise ShapeError(f"tree.map: a tree of structure {other_def} where {treedef} was expected")
    columns = [first, *(leaves_ for leaves_, _ in rest)]
    return unflatten(treedef, [function(*values) for values in builtins.zip(*columns, strict=True)])
