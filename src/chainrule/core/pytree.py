"""Nested containers of arrays (model parameters): flatten to a list of leaves and rebuild.

Tuples, lists and dicts are containers (dicts in sorted-key order, by repr when keys do not compare);
anything else is a leaf.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TreeDef", "flatten", "unflatten"]


class TreeDef:
    """The structure of a nested container with its leaves taken out."""

    __slots__ = ("children", "keys", "kind", "n_leaves")

    def __init__(self, kind: type | None, keys: Any, children: list[TreeDef]) -> None:
        self.kind = kind
        self.keys = keys
        self.children = children
        self.n_leaves: int = 1 if kind is None else sum(c.n_leaves for c in children)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TreeDef)
            and self.kind is other.kind
            and self.keys == other.keys
            and self.children == other.children
        )

    def __hash__(self) -> int:
        return hash((self.kind, str(self.keys), len(self.children)))

    def __repr__(self) -> str:
        if self.kind is None:
            return "*"
        inner = ", ".join(repr(c) for c in self.children)
        if self.kind is dict:
            return (
                "{" + ", ".join(f"{k!r}: {c!r}" for k, c in zip(self.keys, self.children, strict=True)) + "}"
            )
        return f"{self.kind.__name__}({inner})"


LEAF = TreeDef(None, None, [])


def flatten(tree: Any) -> tuple[list[Any], TreeDef]:
    """The leaves of ``tree`` in a fixed order, and its structure."""
    leaves: list[Any] = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree: Any, leaves: list[Any]) -> TreeDef:
    if isinstance(tree, dict):
        try:
            keys = sorted(tree)
        except TypeError:  # keys of mixed types
            keys = sorted(tree, key=repr)
        return TreeDef(dict, keys, [_flatten(tree[k], leaves) for k in keys])
    if isinstance(tree, tuple | list):
        kind = type(tree)
        return TreeDef(kind, None, [_flatten(x, leaves) for x in tree])
    leaves.append(tree)
    return LEAF


def unflatten(treedef: TreeDef, leaves: Any) -> Any:
    """Rebuild a container of the structure ``treedef`` from ``leaves``."""
    return _unflatten(treedef, iter(leaves))


def _unflatten(treedef: TreeDef, leaves: Any) -> Any:
    if treedef.kind is None:
        return next(leaves)
    children = [_unflatten(c, leaves) for c in treedef.children]
    if treedef.kind is dict:
        return dict(zip(treedef.keys, children, strict=True))
    if treedef.kind is tuple or treedef.kind is list:
        return treedef.kind(children)
    return treedef.kind(*children)  # namedtuples
