"""Index form: a linear differential ``dF = L(dX)`` as a sum of index terms, ``J[i.., k..] = c Π A[..]``.

Every derivative, of any shapes, has this form: ``L`` is turned into terms, each a scalar coefficient times
a product of constant arrays carrying index labels, with Kronecker deltas (identity matrices) where ``dX``
was; deltas with a summed index are contracted away. The free labels are the output's axes, then ``X``'s
(the mixed layout). A term becomes one ``einsum`` node, so a 3- or 4-index derivative is an expression
like any other (printed, evaluated, compiled); :mod:`.closed` reads matrix forms back from the terms.

Examples
--------
>>> from chainrule.symbolic.matrix import parse
>>> from chainrule.symbolic.matrix.differential import differential
>>> s = {"A": "m,n", "X": "n,k", "B": "k,l"}
>>> X = parse("X", s)
>>> tensor(index_terms(differential(parse("A X B", s), X), X, ("m", "l")), 4)
einsum("ik,lj->ijkl", A, B)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from chainrule.errors import ChainruleValueError, UnsupportedOperationError
from chainrule.symbolic.matrix import functions as fn
from chainrule.symbolic.matrix.algebra import (
    differential_of,
    eye,
    linear,
    math_shape,
    matmul_all,
    mul_all,
    number,
    ones,
    zeros,
)
from chainrule.symbolic.matrix.dims import Dim
from chainrule.symbolic.matrix.nodes import MatExpr

__all__ = ["Factor", "Labels", "Term", "index_terms", "tensor"]


@dataclass(frozen=True)
class Factor:
    """A constant array with one label per axis (an identity matrix is a Kronecker delta)."""

    expr: MatExpr
    labels: tuple[int, ...]


@dataclass
class Term:
    """``coeff * Π factors``, summed over the labels that are not free."""

    coeff: MatExpr
    factors: list[Factor] = field(default_factory=list)


@dataclass
class Labels:
    """Index labels and their dimensions; labels ``0 .. free-1`` are the free ones."""

    dims: list[Dim] = field(default_factory=list)

    def new(self, d: Dim) -> int:
        self.dims.append(d)
        return len(self.dims) - 1


def _scaled(terms: list[Term], coeff: MatExpr) -> list[Term]:
    return [replace(t, coeff=mul_all([coeff, t.coeff])) for t in terms]


class _Converter:
    def __init__(self, dvar: MatExpr, inputs: tuple[int, ...], labels: Labels) -> None:
        self.dvar = dvar
        self.inputs = inputs
        self.labels = labels

    def active(self, e: MatExpr) -> bool:
        return self.dvar in e.free_symbols

    def terms(self, e: MatExpr, out: tuple[int, ...]) -> list[Term]:
        op = e.op
        if e is self.dvar:
            return [
                Term(
                    number(1),
                    [Factor(eye(self.labels.dims[o]), (o, i)) for o, i in zip(out, self.inputs, strict=True)],
                )
            ]
        if op == "T":
            return self.terms(e.args[0], out[::-1])
        if op == "add":
            return [
                t
                for c, a in zip(e.data[1], e.args, strict=True)
                if self.active(a)
                for t in _scaled(self.terms(a, out), number(c))
            ]
        if op == "mul":
            return self.product(e, out)
        if op == "matmul":
            return self.chain(e, out)
        if op == "tr":
            p = self.labels.new(e.args[0].shape[0])
            return self.terms(e.args[0], (p, p))
        if op == "sum":
            return self.terms(e.args[0], tuple(self.labels.new(d) for d in e.args[0].shape))
        if op == "diagm":
            inner = self.terms(e.args[0], out[:1])
            return [replace(t, factors=[*t.factors, Factor(eye(e.shape[0]), out)]) for t in inner]
        if op == "diagv":
            return self.terms(e.args[0], (out[0], out[0]))
        if op == "einsum":
            return self.einsum(e, out)
        if op in ("vec", "kron"):
            raise UnsupportedOperationError(
                f"derivatives through {op}() are not supported ({e}); differentiate the expression inside "
                f"and take its vec form (sym.matrix.vec_form)"
            )
        raise ChainruleValueError(f"no index form for {e} ({op}) in a differential")

    def product(self, e: MatExpr, out: tuple[int, ...]) -> list[Term]:
        actives = [a for a in e.args if self.active(a)]
        if len(actives) != 1:
            raise ChainruleValueError(f"{e} is not linear in {self.dvar}")
        (active,) = actives
        scalars = [number(e.data)] + [a for a in e.args if a is not active and not a.shape]
        arrays = [Factor(a, out) for a in e.args if a is not active and a.shape]
        inner = self.terms(active, out if active.shape else ())
        coeff = mul_all(scalars)
        return [Term(mul_all([coeff, t.coeff]), [*arrays, *t.factors]) for t in inner]

    def chain(self, e: MatExpr, out: tuple[int, ...]) -> list[Term]:
        factors = list(e.args)
        k = next(i for i, f in enumerate(factors) if self.active(f))
        if any(self.active(f) for f in factors[k + 1 :]):
            raise ChainruleValueError(f"{e} is not linear in {self.dvar}")
        rows, _ = math_shape(factors[0])
        _, cols = math_shape(factors[-1])
        it = iter(out)
        row_label = next(it) if rows is not None else None
        col_label = next(it) if cols is not None else None
        _, before = math_shape(factors[k - 1]) if k > 0 else (None, None)
        _, after = math_shape(factors[k])
        left = self.labels.new(before) if k > 0 and before is not None else (row_label if k == 0 else None)
        right = (
            self.labels.new(after)
            if k < len(factors) - 1 and after is not None
            else (col_label if k == len(factors) - 1 else None)
        )
        extra: list[Factor] = []
        coeff: MatExpr = number(1)
        for part, labels in ((factors[:k], (row_label, left)), (factors[k + 1 :], (right, col_label))):
            if not part:
                continue
            value = matmul_all(part)
            names = tuple(lab for lab in labels if lab is not None)
            if value.shape:
                extra.append(Factor(value, names))
            else:
                coeff = mul_all([coeff, value])
        own = tuple(lab for lab in (left, right) if lab is not None)
        return [Term(mul_all([coeff, t.coeff]), [*extra, *t.factors]) for t in self.terms(factors[k], own)]

    def einsum(self, e: MatExpr, out: tuple[int, ...]) -> list[Term]:
        inputs, output = e.data.split("->")
        letters = dict(zip(output, out, strict=True))
        parts = inputs.split(",")
        for part, operand in zip(parts, e.args, strict=True):
            for c, d in zip(part, operand.shape, strict=True):
                if c not in letters:
                    letters[c] = self.labels.new(d)
        k = next(i for i, a in enumerate(e.args) if self.active(a))
        constants = [
            Factor(a, tuple(letters[c] for c in p))
            for i, (p, a) in enumerate(zip(parts, e.args, strict=True))
            if i != k
        ]
        inner = self.terms(e.args[k], tuple(letters[c] for c in parts[k]))
        return [replace(t, factors=[*constants, *t.factors]) for t in inner]


def index_terms(differential: MatExpr, var: MatExpr, out_shape: Sequence[Dim]) -> tuple[list[Term], Labels]:
    """The index terms of ``d F = differential`` (linear in ``d var``); the free labels are ``F``'s axes
    (``out_shape``), then ``var``'s, and every term has its deltas contracted."""
    labels = Labels()
    out = tuple(labels.new(d) for d in out_shape)
    inputs = tuple(labels.new(d) for d in var.shape)
    if differential.op == "zero" or (differential.op == "num" and differential.data == 0):
        return [], labels
    converter = _Converter(differential_of(var), inputs, labels)
    free = set(out) | set(inputs)
    return [contract(t, free, labels) for t in converter.terms(differential, out)], labels


def _rename(factors: list[Factor], old: int, new: int) -> list[Factor]:
    return [Factor(f.expr, tuple(new if lab == old else lab for lab in f.labels)) for f in factors]


def contract(term: Term, free: set[int], labels: Labels) -> Term:
    """Deltas with a summed label contracted away; ``δ_pp`` summed is the dimension."""
    factors = list(term.factors)
    coeff = term.coeff
    changed = True
    while changed:
        changed = False
        for index, f in enumerate(factors):
            if f.expr.op != "eye":
                continue
            a, b = f.labels
            rest = factors[:index] + factors[index + 1 :]
            if a == b:
                if a in free:
                    factors = [*rest, Factor(ones((labels.dims[a],)), (a,))]
                else:
                    factors, coeff = rest, mul_all([coeff, fn.trace(f.expr)])
            elif a not in free:
                factors = _rename(rest, a, b)
            elif b not in free:
                factors = _rename(rest, b, a)
            else:
                continue
            changed = True
            break
    return Term(coeff, [_diagonal(f) for f in factors])


def _diagonal(f: Factor) -> Factor:
    """``W[a, a]`` is ``diag(W)[a]``."""
    if len(f.labels) == 2 and f.labels[0] == f.labels[1]:
        return Factor(fn.diag(f.expr), f.labels[:1])
    return f


_FREE = "ijklmnabcdefgh"
_SUMMED = "pqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def tensor(
    terms: tuple[list[Term], Labels] | list[Term], n_free: int, order: Sequence[int] | None = None
) -> MatExpr:
    """The sum of the terms as einsum nodes, the free labels in ``order`` (default: ``0 .. n_free-1``)."""
    found, labels = terms if isinstance(terms, tuple) else (terms, Labels())
    output = tuple(order) if order is not None else tuple(range(n_free))
    shape = tuple(labels.dims[o] for o in output)
    parts = [(1, _einsum_of(t, output, labels)) for t in found]
    return linear(parts) if parts else zeros(shape)


def _einsum_of(term: Term, output: tuple[int, ...], labels: Labels) -> MatExpr:
    factors = list(term.factors)
    present = {lab for f in factors for lab in f.labels}
    factors += [Factor(ones((labels.dims[o],)), (o,)) for o in output if o not in present]
    if not factors:
        return term.coeff
    letters = {o: _FREE[i] for i, o in enumerate(output)}
    for f in factors:
        for lab in f.labels:
            if lab not in letters:
                letters[lab] = _SUMMED[sum(1 for v in letters.values() if v in _SUMMED)]
    spec = (
        ",".join("".join(letters[lab] for lab in f.labels) for f in factors)
        + "->"
        + "".join(letters[o] for o in output)
    )
    return mul_all([term.coeff, fn.einsum(spec, *(f.expr for f in factors))])
