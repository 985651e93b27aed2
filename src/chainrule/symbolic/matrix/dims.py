"""Dimensions and shapes of matrix expressions: named (``"n"``) or numeric (``3``), bound to numbers later.

A dimension is a positive ``int`` or a name (an identifier). The vec/Kronecker forms of derivatives need
products of dimensions (``vec(X)`` of an ``n×k`` matrix has ``n*k`` entries); a product is the text
``"k*n"``, its names sorted and its numbers multiplied in front, so equal products are equal strings.
A shape is a tuple of dimensions, NumPy's: ``()`` a scalar, ``("n",)`` a vector, ``("m", "n")`` a matrix.

Examples
--------
>>> as_shape("n"), as_shape("n, k"), as_shape(("m", 3)), as_shape(())
(('n',), ('n', 'k'), ('m', 3), ())
>>> dim_product("n", "k"), dim_product(2, "n", 3), dim_product(2, 3)
('k*n', '6*n', 6)
>>> describe(("n",)), describe(("n",), row=True), describe(("m", "n"))
('an n-vector', 'a row n-vector (1×n)', 'an m×n matrix')
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from chainrule.errors import ChainruleTypeError, ChainruleValueError, ShapeError

__all__ = [
    "Dim",
    "Shape",
    "as_dim",
    "as_shape",
    "bind_shape",
    "describe",
    "dim_product",
    "dim_value",
    "shape_text",
]

Dim = int | str
Shape = tuple[Dim, ...]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# one separator between two dimensions: a comma or × (with spaces around it), or spaces alone
_SEPARATOR = re.compile(r"\s*[,×]\s*|\s+")


def as_dim(value: Any) -> Dim:
    """A dimension: a positive integer, a name, or a product of them written with ``*``."""
    if isinstance(value, bool):
        raise ChainruleTypeError(f"a dimension is a positive integer or a name, not {value!r}")
    if isinstance(value, int | np.integer):
        if value < 1:
            raise ChainruleValueError(f"a dimension must be positive, got {value}")
        return int(value)
    if not isinstance(value, str):
        raise ChainruleTypeError(f"a dimension is a positive integer or a name, not {value!r}")
    text = value.strip()
    if "*" in text:
        return dim_product(*(as_dim(part) for part in text.split("*")))
    if text.isdigit():
        return as_dim(int(text))
    if not _NAME.match(text):
        raise ChainruleValueError(f"{value!r} is not a dimension (a positive integer or a name such as n)")
    return text


def as_shape(spec: Any) -> Shape:
    """A shape from ``()``, ``"n"``, ``"n, k"``, ``"n×k"``, ``3``, ``("m", "n")`` ..."""
    if spec is None:
        return ()
    if isinstance(spec, str):
        return tuple(as_dim(part) for part in _dimensions(spec))
    if isinstance(spec, int | np.integer) and not isinstance(spec, bool):
        return (as_dim(spec),)
    if isinstance(spec, Sequence):
        return tuple(as_dim(d) for d in spec)
    raise ChainruleTypeError(f"a shape is a tuple of dimensions such as ('n', 'n'), not {spec!r}")


def _dimensions(spec: str) -> list[str]:
    """The dimensions written in ``spec`` (``"n, k"``, ``"n×k"``, ``"(n,)"``); an empty one (``"n,,"``,
    ``",n"``) is refused rather than dropped, as it would silently change the shape."""
    text = spec.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
        if text.endswith(","):  # Python's one-tuple, ("n",)
            text = text[:-1].strip()
    if not text:
        return []
    parts = _SEPARATOR.split(text)
    if "" in parts:
        raise ChainruleValueError(
            f"the shape {spec!r} has an empty dimension (two commas in a row, or one at an end): write "
            "'n' for a vector, 'n,k' for a matrix, '' or () for a scalar"
        )
    return parts


def _factors(d: Dim) -> tuple[int, list[str]]:
    if isinstance(d, int):
        return d, []
    number, names = 1, []
    for part in d.split("*"):
        if part.isdigit():
            number *= int(part)
        else:
            names.append(part)
    return number, names


def dim_product(*dims: Dim) -> Dim:
    """The product of dimensions, in canonical form: an ``int`` if all are numbers, else ``"2*k*n"``."""
    number, names = 1, []
    for d in dims:
        n, parts = _factors(d)
        number *= n
        names += parts
    if not names:
        return number
    return "*".join(([str(number)] if number != 1 else []) + sorted(names))


def dim_value(d: Dim, bindings: Mapping[str, int]) -> int:
    """The number a dimension stands for, given numbers for its names."""
    number, names = _factors(d)
    missing = [n for n in names if n not in bindings]
    if missing:
        listed = ", ".join(missing)
        raise ChainruleValueError(
            f"the dimension {listed} is not known here: give an array of a variable that has it, or the "
            f"dimension itself ({missing[0]}=3)"
        )
    return number * math.prod(bindings[n] for n in names)


def shape_text(shape: Shape) -> str:
    """``"n×k"``, ``"n"``, or ``"scalar"`` for ``()``."""
    return "×".join(str(d) for d in shape) if shape else "scalar"


def describe(shape: Shape, row: bool = False) -> str:
    """A shape in words: ``a scalar``, ``an n-vector``, ``a row n-vector (1×n)``, ``an m×n matrix``."""
    if not shape:
        return "a scalar"
    text = shape_text(shape)
    article = "an" if text[0] in "aefhilmnorsx8" or text.startswith("11") else "a"
    if len(shape) == 1:
        return f"a row {text}-vector (1×{text})" if row else f"{article} {text}-vector"
    if len(shape) == 2:
        return f"{article} {text} matrix"
    return f"{article} {text} array"


def bind_shape(name: str, declared: Shape, actual: tuple[int, ...], bindings: dict[str, int]) -> None:
    """Check an array's shape against a declared one, binding the declared names to numbers (in place)."""
    if len(declared) != len(actual):
        raise ShapeError(
            f"{name} was declared {describe(declared)} (shape {shape_text(declared)}) but the array given "
            f"for it has shape {actual}"
        )
    for d, n in zip(declared, actual, strict=True):
        if isinstance(d, int):
            if d != n:
                raise ShapeError(
                    f"{name} was declared with shape {shape_text(declared)} but the array has shape {actual}"
                )
        elif "*" in d:
            if dim_value(d, bindings) != n:
                raise ShapeError(f"{name}: the dimension {d} should be {dim_value(d, bindings)}, got {n}")
        elif bindings.setdefault(d, n) != n:
            raise ShapeError(
                f"{name} has shape {actual}, which makes {d} = {n}, but another array already made "
                f"{d} = {bindings[d]}"
            )
