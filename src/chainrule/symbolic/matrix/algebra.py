"""Canonical constructors of matrix expressions: leaves, sums, elementwise products, powers, matrix products.

Every node is built here (or in :mod:`.functions`), in canonical form and with its shapes checked; a
mismatch raises :class:`~chainrule.errors.ShapeError` naming both shapes. The canonical forms:

- sums are flat, like terms collected (``A + A = 2 A``), zeros dropped; a number added to an array
  broadcasts (``1 - tanh(x).^2``), any other scalar added to an array is a shape error;
- products (``mul``) are flat, with one numeric coefficient; scalar factors scale, array factors (all of one
  shape) multiply elementwise; equal bases merge into powers (``x .* x = x.^2``);
- matrix products (``matmul``) are flat chains of arrays: scalars are pulled out in front (``(2 A) x =
  2 (A x)``), identities dropped, neighbouring powers of one matrix merged (``X X^-1 = I``), and a scalar
  inside a longer chain (``a (b' x)``) pulled out; a scalar chain reads in the orientation with fewer
  transposes (``a' x`` rather than ``x' a``);
- transposes are pushed down to the variables: ``(A x)' = x' A'``, ``(X^-1)' = (X')^-1``; a symmetric
  variable is its own transpose.

Examples
--------
>>> from chainrule.symbolic.matrix.algebra import variable, linear, matmul_all, transpose
>>> x, A = variable("x", ("n",)), variable("A", ("n", "n"))
>>> transpose(matmul_all([A, x]))
x' A'
>>> linear([(1, matmul_all([A, x])), (1, matmul_all([A, x]))])
2 A x
>>> matmul_all([x, x])  # doctest: +ELLIPSIS
Traceback (most recent call last):
  ...
chainrule.errors.ShapeError: cannot multiply x (an n-vector) by x (an n-vector): the columns of the left ...
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from chainrule.errors import ChainruleValueError, ShapeError
from chainrule.symbolic import algebra as scalar_algebra
from chainrule.symbolic.expr import NUM as SCALAR_NUM
from chainrule.symbolic.expr import normalize
from chainrule.symbolic.expr import number as scalar_number
from chainrule.symbolic.matrix.dims import Dim, Shape, dim_product
from chainrule.symbolic.matrix.leaves import (
    as_mat,
    differential_of,
    dimension,
    eye,
    is_number,
    number,
    ones,
    variable,
    zeros,
)
from chainrule.symbolic.matrix.nodes import MatExpr, cons

__all__ = [
    "as_mat",
    "differential_of",
    "dimension",
    "eye",
    "is_number",
    "kron",
    "linear",
    "math_shape",
    "matmul_all",
    "matrix_power",
    "mul_all",
    "number",
    "ones",
    "power",
    "transpose",
    "variable",
    "zeros",
]

Value = int | Fraction | float


def _sort_key(e: MatExpr) -> str:
    return str(e)


def _same_type(a: MatExpr, b: MatExpr) -> bool:
    return a.shape == b.shape and a.row == b.row


# ---------------------------------------------------------------------------------------- sums


def _split_coefficient(term: MatExpr) -> tuple[Value, MatExpr]:
    if term.op == "mul" and term.data != 1:
        return term.data, cons("mul", term.args, 1, term.shape, term.row) if len(
            term.args
        ) > 1 else term.args[0]
    return 1, term


def _sum_type(terms: list[tuple[Value, MatExpr]]) -> MatExpr | None:
    """The first array term, whose shape every other array term must have (numbers broadcast)."""
    first: MatExpr | None = None
    for _, t in terms:
        if t.shape and first is None:
            first = t
    if first is None:
        return None
    for _, t in terms:
        if t.shape and not _same_type(t, first):
            raise ShapeError(f"cannot add {first} ({first.kind}) and {t} ({t.kind})")
        if not t.shape and t.op != "num":
            raise ShapeError(
                f"cannot add {t} (a scalar) to {first} ({first.kind}): only numbers broadcast in sums; "
                f"write {t} ones(...) for a constant array"
            )
    return first


def linear(pairs: Iterable[tuple[Any, MatExpr]], constant: Any = 0) -> MatExpr:
    """The sum ``constant + c1 t1 + c2 t2 + ...`` in canonical form (numeric coefficients)."""
    flat: list[tuple[Value, MatExpr]] = []
    const: Value = normalize(constant)
    stack = [(normalize(c), as_mat(t)) for c, t in pairs][::-1]  # popped in order: errors name the left first
    while stack:
        c, t = stack.pop()
        if c == 0:
            continue
        if t.op == "add":
            inner_const, coeffs = t.data
            const = const + c * inner_const
            stack.extend((c * k, a) for k, a in zip(coeffs, t.args, strict=True))
            continue
        k, base = _split_coefficient(t)
        flat.append((c * k, base))
    first = _sum_type(flat)
    collected: dict[MatExpr, Value] = {}
    for c, t in flat:
        if t.op == "num":
            const = const + c * t.data
        elif t.op == "ones":
            const = const + c
        elif t.op != "zero":
            collected[t] = collected.get(t, 0) + c
    terms = sorted(((c, t) for t, c in collected.items() if c != 0), key=lambda ct: _sort_key(ct[1]))
    shape, row = (first.shape, first.row) if first is not None else ((), False)
    const = normalize(const)
    if not terms:
        return (
            number(const)
            if not shape
            else (zeros(shape, row) if const == 0 else mul_all([number(const), ones(shape, row)]))
        )
    if const == 0 and len(terms) == 1:
        c, t = terms[0]
        return t if c == 1 else mul_all([number(c), t])
    return cons("add", tuple(t for _, t in terms), (const, tuple(c for c, _ in terms)), shape, row)


def add(a: Any, b: Any) -> MatExpr:
    """``a + b``."""
    return linear([(1, as_mat(a)), (1, as_mat(b))])


def subtract(a: Any, b: Any) -> MatExpr:
    """``a - b``."""
    return linear([(1, as_mat(a)), (-1, as_mat(b))])


# ---------------------------------------------------------------------------------------- products


def _product_type(factors: Sequence[MatExpr]) -> MatExpr | None:
    first = next((f for f in factors if f.shape), None)
    for f in factors:
        if f.shape and first is not None and not _same_type(f, first):
            raise ShapeError(
                f"cannot multiply {first} ({first.kind}) and {f} ({f.kind}) elementwise: the shapes differ"
                + (" (use @ or juxtaposition for the matrix product)" if f.ndim and first.ndim else "")
            )
    return first


def _base_and_exponent(f: MatExpr) -> tuple[MatExpr, Value]:
    if f.op == "pow" and f.args[1].op == "num":
        return f.args[0], f.args[1].data
    return f, 1


def mul_all(factors: Iterable[Any]) -> MatExpr:
    """The elementwise product (scalars scale) of ``factors`` in canonical form."""
    coeff: Value = 1
    flat: list[MatExpr] = []
    stack = [as_mat(f) for f in factors][::-1]  # popped in order: errors name the left first
    while stack:
        f = stack.pop()
        if f.op == "mul":
            coeff = coeff * f.data
            stack.extend(f.args)
        elif f.op == "num":
            coeff = coeff * f.data
        else:
            flat.append(f)
    first = _product_type(flat)
    shape, row = (first.shape, first.row) if first is not None else ((), False)
    coeff = normalize(coeff)
    if coeff == 0 or any(f.op == "zero" for f in flat):
        return zeros(shape, row)
    powers: dict[MatExpr, Value] = {}
    for f in flat:
        if f.op != "ones":
            base, exponent = _base_and_exponent(f)
            powers[base] = powers.get(base, 0) + exponent
    merged = [power(b, number(k)) for b, k in powers.items() if k != 0]
    return _product_node(coeff, merged, shape, row)


def _factor_order(f: MatExpr) -> tuple[bool, bool, int, str]:
    """Scalars first, differentials last (``f′(u) .* du``), simpler factors before others."""
    text = _sort_key(f)
    return bool(f.shape), any(v.op == "dvar" for v in f.free_symbols), len(text), text


def _product_node(coeff: Value, factors: list[MatExpr], shape: Shape, row: bool) -> MatExpr:
    flat: list[MatExpr] = []
    for f in factors:  # a power may have folded into a number or a product (numbers to the integers)
        if f.op == "num":
            coeff = normalize(coeff * f.data)
        elif f.op == "mul":
            coeff = normalize(coeff * f.data)
            flat.extend(f.args)
        elif f.op != "ones":
            flat.append(f)
    if shape and not any(f.shape for f in flat):
        flat.append(ones(shape, row))
    if not flat:
        return number(coeff)
    if coeff == 1 and len(flat) == 1:
        return flat[0]
    flat.sort(key=_factor_order)
    return cons("mul", tuple(flat), coeff, shape, row)


def multiply(a: Any, b: Any) -> MatExpr:
    """``a * b``: NumPy's meaning, the elementwise product (a scalar scales)."""
    return mul_all([a, b])


def divide(a: Any, b: Any) -> MatExpr:
    """``a / b``: elementwise division (a scalar divisor scales)."""
    return mul_all([as_mat(a), power(as_mat(b), number(-1))])


def power(base_value: Any, exponent_value: Any) -> MatExpr:
    """The elementwise power ``base .^ exponent``; the exponent is a scalar."""
    base, exponent = as_mat(base_value), as_mat(exponent_value)
    if exponent.shape:
        raise ShapeError(f"the exponent of an elementwise power must be a scalar, not {exponent.kind}")
    if exponent.op == "num":
        k = exponent.data
        if k == 1:
            return base
        if k == 0 or base.op == "ones":
            return ones(base.shape, base.row)
        if base.op == "num":
            return _scalar_power(base, exponent)
        if base.op == "zero" and k > 0:
            return base
        if base.op == "pow" and base.args[1].op == "num" and isinstance(k, int):
            return power(base.args[0], number(base.args[1].data * k))
        if base.op == "mul" and isinstance(k, int):
            return mul_all(
                [number(normalize(Fraction(base.data) ** k))] + [power(f, exponent) for f in base.args]
            )
    return cons("pow", (base, exponent), None, base.shape, base.row)


def _scalar_power(base: MatExpr, exponent: MatExpr) -> MatExpr:
    folded = scalar_algebra.power(scalar_number(base.data), scalar_number(exponent.data))
    if folded.op is SCALAR_NUM:
        return number(folded.data)
    return cons("pow", (base, exponent), None, ())


# ---------------------------------------------------------------------------------------- matrix products


def math_shape(e: MatExpr) -> tuple[Dim | None, Dim | None]:
    """Rows and columns as matrix calculus sees them; ``None`` where a vector has no such axis."""
    if e.ndim == 2:
        return e.shape[0], e.shape[1]
    if e.ndim == 1:
        return (None, e.shape[0]) if e.row else (e.shape[0], None)
    raise ShapeError(f"{e} ({e.kind}) is not a vector or matrix")


def _chain_shape(factors: Sequence[MatExpr]) -> tuple[Shape, bool]:
    rows, cols = math_shape(factors[0])
    for left, right in itertools.pairwise(factors):
        r2, c2 = math_shape(right)
        if cols != r2:
            raise ShapeError(
                f"cannot multiply {left} ({left.kind}) by {right} ({right.kind}): the columns of the left "
                f"({1 if cols is None else cols}) must match the rows of the right "
                f"({1 if r2 is None else r2})"
            )
        cols = c2
    return _classify(rows, cols)


def _flatten_chain(factors: Iterable[Any]) -> tuple[list[MatExpr], list[MatExpr]]:
    """Array factors (matrix products flattened) and the scalars pulled out of them."""
    scalars: list[MatExpr] = []
    arrays: list[MatExpr] = []
    for f in (as_mat(f) for f in factors):
        if not f.shape:
            scalars.append(f)
        elif f.op == "matmul":
            arrays.extend(f.args)
        elif f.op == "mul" and sum(1 for a in f.args if a.shape) == 1:
            array = next(a for a in f.args if a.shape)
            scalars.extend([number(f.data)] + [a for a in f.args if not a.shape])
            arrays.extend(array.args if array.op == "matmul" else [array])
        else:
            arrays.append(f)
    return arrays, scalars


def _merge_powers(factors: list[MatExpr]) -> list[MatExpr]:
    out: list[tuple[MatExpr, int]] = []
    for f in factors:
        if f.op == "eye":
            continue
        base, k = (f.args[0], f.data) if f.op == "mpow" else (f, 1)
        if out and out[-1][0] is base:
            total = out[-1][1] + k
            out.pop()
            if total != 0:
                out.append((base, total))
        else:
            out.append((base, k))
    return [b if k == 1 else cons("mpow", (b,), k, b.shape) for b, k in out]


def _pull_scalar_chains(factors: list[MatExpr]) -> tuple[list[MatExpr], list[MatExpr]]:
    """``a (b' C x) d'`` is ``(b' C x) a d'``: scalar subchains (a row vector to the next column vector)
    inside a longer chain are scalars."""
    out: list[MatExpr] = []
    scalars: list[MatExpr] = []
    i = 0
    while i < len(factors):
        f = factors[i]
        if f.ndim == 1 and f.row and not (i == 0 and _ends_scalar(factors)):
            j = next(
                (j for j in range(i + 1, len(factors)) if factors[j].ndim == 1 and not factors[j].row), None
            )
            if j is not None and (i, j) != (0, len(factors) - 1):
                scalars.append(_scalar_chain(factors[i : j + 1]))
                i = j + 1
                continue
        out.append(f)
        i += 1
    return out, scalars


def _ends_scalar(factors: list[MatExpr]) -> bool:
    return factors[0].ndim == 1 and factors[0].row and factors[-1].ndim == 1 and not factors[-1].row


def _orientation(factors: Sequence[MatExpr], node: MatExpr) -> tuple[int, int, str]:
    transposed = [f for f in factors if f.op == "T" or (f.op == "mpow" and f.args[0].op == "T")]
    differentials = sum(1 for f in transposed if f.args[0].op == "dvar")
    return differentials, len(transposed), _sort_key(node)


def _scalar_chain(factors: list[MatExpr]) -> MatExpr:
    """A scalar chain in canonical orientation: of it and its transpose, the one with fewer transposes
    (and a differential ``dX`` untransposed: ``x' dx`` rather than ``dx' x``)."""
    node = cons("matmul", tuple(factors), None, ())
    flipped_factors = [transpose(f) for f in reversed(factors)]
    flipped = cons("matmul", tuple(flipped_factors), None, ())
    return flipped if _orientation(flipped_factors, flipped) < _orientation(factors, node) else node


def matmul_all(factors: Iterable[Any]) -> MatExpr:
    """The matrix product of ``factors`` (scalars scale) in canonical form; shapes are checked."""
    arrays, scalars = _flatten_chain(factors)
    if not arrays:
        return mul_all(scalars)
    shape, row = _chain_shape(arrays)
    if any(f.op == "zero" for f in arrays):
        return zeros(shape, row)
    merged = _merge_powers(arrays)
    merged, inner = _pull_scalar_chains(merged)
    scalars += inner
    if not merged:
        chain = eye(shape[0]) if shape else number(1)
    elif len(merged) == 1:
        chain = merged[0]
    elif not shape:
        chain = _scalar_chain(merged)
    else:
        chain = cons("matmul", tuple(merged), None, shape, row)
    return mul_all([*scalars, chain]) if scalars else chain


def matmul(a: Any, b: Any) -> MatExpr:
    """``a @ b``: the matrix product (a scalar scales)."""
    return matmul_all([a, b])


def matrix_power(base: MatExpr, k: int) -> MatExpr:
    """``base^k`` for a square matrix and an integer ``k`` (``k = -1`` is the inverse); a scalar's power."""
    if not base.shape:
        return power(base, number(k))
    if base.ndim != 2 or base.shape[0] != base.shape[1]:
        raise ShapeError(f"only a square matrix has powers and an inverse; {base} is {base.kind}")
    if k == 0 or base.op == "eye":
        return eye(base.shape[0])
    if k == 1:
        return base
    if base.op == "zero":
        if k < 0:
            raise ChainruleValueError(f"the zero matrix {base} has no inverse")
        return base
    if base.op == "mpow":
        return matrix_power(base.args[0], base.data * k)
    if base.op == "mul" and sum(1 for a in base.args if a.shape) == 1:
        scalars = [number(base.data)] + [a for a in base.args if not a.shape]
        array = next(a for a in base.args if a.shape)
        return mul_all([power(s, number(k)) for s in scalars] + [matrix_power(array, k)])
    if base.op == "diagm":
        return cons("diagm", (power(base.args[0], number(k)),), None, base.shape)
    return cons("mpow", (base,), k, base.shape)


# ---------------------------------------------------------------------------------------- transposes

_SELF_TRANSPOSED = frozenset({"eye", "diagm", "num", "dim"})


def _flipped(e: MatExpr) -> tuple[Shape, bool]:
    """The shape and orientation of ``e``'s transpose."""
    return e.shape[::-1], (not e.row) if e.ndim == 1 else False


def _transpose_einsum(e: MatExpr) -> MatExpr:
    inputs, output = e.data.split("->")
    return cons("einsum", e.args, f"{inputs}->{output[::-1]}", e.shape[::-1])


_TRANSPOSES: dict[str, Any] = {
    "T": lambda e: e.args[0],
    "zero": lambda e: cons("zero", (), None, *_flipped(e)),
    "ones": lambda e: cons("ones", (), None, *_flipped(e)),
    "add": lambda e: linear(list(zip(e.data[1], (transpose(t) for t in e.args), strict=True)), e.data[0]),
    "mul": lambda e: mul_all([number(e.data)] + [transpose(f) for f in e.args]),
    "pow": lambda e: power(transpose(e.args[0]), e.args[1]),
    "matmul": lambda e: matmul_all([transpose(f) for f in reversed(e.args)]),
    "mpow": lambda e: matrix_power(transpose(e.args[0]), e.data),
    "fn": lambda e: _transpose_function(e),
    "kron": lambda e: kron(transpose(e.args[0]), transpose(e.args[1])),
    "comm": lambda e: cons("comm", (), e.data[::-1], e.shape),
    "d": lambda e: cons("d", (transpose(e.args[0]), e.args[1]), None, *_flipped(e)),
    "einsum": _transpose_einsum,
}


def transpose(e: MatExpr) -> MatExpr:
    """The transpose, pushed down to the variables (a scalar is its own transpose)."""
    if not e.shape or e.op in _SELF_TRANSPOSED or e.symmetric:
        return e
    if e.ndim > 2:
        raise ShapeError(f"{e} ({e.kind}) has more than two axes; transpose it with einsum")
    rule = _TRANSPOSES.get(e.op)
    if rule is not None:
        result: MatExpr = rule(e)
        return result
    return cons("T", (e,), None, *_flipped(e))


def _transpose_function(e: MatExpr) -> MatExpr:
    args = tuple(transpose(a) for a in e.args)
    first = next(a for a in args if a.shape)
    return cons("fn", args, e.data, first.shape, first.row)


def _combined(a: Dim | None, b: Dim | None) -> Dim | None:
    return None if a is None and b is None else dim_product(a or 1, b or 1)


def kron(left: Any, right: Any) -> MatExpr:
    """The Kronecker product ``a ⊗ b`` (of a scalar: scaling); vectors are ``n×1`` or ``1×n``."""
    a, b = as_mat(left), as_mat(right)
    if not a.shape or not b.shape:
        return mul_all([a, b])
    (r1, c1), (r2, c2) = math_shape(a), math_shape(b)
    rows, cols = _combined(r1, r2), _combined(c1, c2)
    if a.op == "eye" and b.op == "eye":
        return eye(rows)  # type: ignore[arg-type]
    if a.op == "zero" or b.op == "zero":
        return zeros(_classify(rows, cols)[0], _classify(rows, cols)[1])
    shape, row = _classify(rows, cols)
    return cons("kron", (a, b), None, shape, row)


def _classify(rows: Dim | None, cols: Dim | None) -> tuple[Shape, bool]:
    if rows is None and cols is None:
        return (), False
    if rows is None:
        return (cols,), True  # type: ignore[return-value]
    if cols is None:
        return (rows,), False
    return (rows, cols), False
