"""Matrix expressions as NumPy functions, each common subexpression computed once.

The generated source works on 1-D arrays for vectors, as NumPy does: ``A @ x``, ``x @ A``, ``a @ b`` for
``aᵀ b`` and ``np.outer(a, b)`` for ``a bᵀ``. A diagonal matrix in a product is never formed:
``diag(w) M`` is ``w[:, None] * M`` and ``M diag(w)`` is ``M * w``. A sum of matrices times a vector is
computed term by term (``(A + Aᵀ) x`` as ``A @ x + A.T @ x``: two products instead of a new matrix and a
product), and a chain ending in a vector is multiplied from that end. A node used more than once is a
temporary. Only the expression's own names and numbers reach the source (variables that are not plain
identifiers become ``_a0, _a1 ...``). The code calls NumPy and chainrule's primitives, so the autodiff
engine differentiates it too.

Examples
--------
>>> from chainrule.symbolic.matrix import parse, diff
>>> s = {"x": "n", "A": "n,n"}
>>> f = lambdify(diff("x' A x", "x", shapes=s), ["x", "A"])
>>> print(f.source)
def _lambdified(x, A):
    x = _prepare(x)
    A = _prepare(A)
    return A @ x + A.T @ x
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from chainrule.core.functions import logsumexp, softmax
from chainrule.core.primitive import Traced
from chainrule.errors import ChainruleTypeError, ChainruleValueError
from chainrule.symbolic.matrix.algebra import as_mat, linear, matmul_all, number, variable
from chainrule.symbolic.matrix.evaluate import commutation_matrix, safe_power
from chainrule.symbolic.matrix.nodes import MatExpr, postorder
from chainrule.symbolic.matrix.rebuild import transform
from chainrule.symbolic.printing.python import code_name, code_namespace
from chainrule.symbolic.sources import compile_function

__all__ = ["lambdify"]

ADD, MUL, UNARY, POW, ATOM = 10, 20, 30, 40, 100
_MAX_INLINE_DEPTH = 30
Code = tuple[str, int]


def _prepare(value: Any) -> Any:
    if isinstance(value, Traced | np.ndarray):
        return value
    return np.asarray(value, dtype=np.float64)


def _kron(a: Any, b: Any, shape_a: str, shape_b: str) -> Any:
    """``a ⊗ b`` with vectors as columns (``"c"``) or rows (``"r"``), matrices as they are (``"m"``)."""
    a2 = np.reshape(a, (-1, 1) if shape_a == "c" else (1, -1)) if shape_a != "m" else a
    b2 = np.reshape(b, (-1, 1) if shape_b == "c" else (1, -1)) if shape_b != "m" else b
    (ra, ca), (rb, cb) = np.shape(a2), np.shape(b2)
    out = np.reshape(np.einsum("ij,kl->ikjl", a2, b2), (ra * rb, ca * cb))
    return out if shape_a == shape_b == "m" or (ra * rb > 1 and ca * cb > 1) else np.reshape(out, (-1,))


def _kind(e: MatExpr) -> str:
    if not e.shape:
        return "s"
    if e.ndim == 1:
        return "r" if e.row else "c"
    return "m"


def _distribute(expr: MatExpr) -> MatExpr:
    """``(A + B) v`` as ``A v + B v`` where ``v`` is the vector at the end of a chain (cheaper than forming
    ``A + B``); the expression's value is unchanged."""

    def rewrite(node: MatExpr) -> MatExpr:
        if node.op != "matmul" or len(node.args) != 2:
            return node
        left, right = node.args
        if left.op == "add" and left.ndim == 2 and right.ndim == 1 and left.data[0] == 0:
            return linear([(c, matmul_all([t, right])) for c, t in zip(left.data[1], left.args, strict=True)])
        if right.op == "add" and right.ndim == 2 and left.ndim == 1 and right.data[0] == 0:
            return linear(
                [(c, matmul_all([left, t])) for c, t in zip(right.data[1], right.args, strict=True)]
            )
        return node

    return transform(expr, rewrite)


class _Writer:
    def __init__(self, roots: list[MatExpr], arguments: dict[str, str], dims: dict[str, str]) -> None:
        self.roots = roots
        self.arguments = arguments
        self.dims = dims
        self.lines: list[str] = []
        self.code: dict[MatExpr, tuple[str, int, int]] = {}
        self.order = postorder(roots)
        self.uses: dict[MatExpr, int] = {}
        for node in self.order:
            for a in node.args:
                self.uses[a] = self.uses.get(a, 0) + 1
        for r in roots:
            self.uses[r] = self.uses.get(r, 0) + 1

    def write(self) -> list[str]:
        for node in self.order:
            text, prec, depth = self.node(node)
            if (self.uses.get(node, 0) > 1 or depth > _MAX_INLINE_DEPTH) and node.args:
                name = f"_t{len(self.lines)}"
                self.lines.append(f"{name} = {text}")
                text, prec, depth = name, ATOM, 0
            self.code[node] = (text, prec, depth)
        return self.lines

    def of(self, node: MatExpr, above: int) -> str:
        text, prec, _ = self.code[node]
        return text if prec > above else f"({text})"

    def depth(self, node: MatExpr) -> int:
        return 1 + max((self.code[a][2] for a in node.args), default=0)

    def dim(self, d: Any) -> str:
        if isinstance(d, int):
            return str(d)
        return "*".join(p if p.isdigit() else self.dims[p] for p in str(d).split("*"))

    def shape(self, node: MatExpr) -> str:
        dims = [self.dim(d) for d in node.shape]
        return f"({dims[0]},)" if len(dims) == 1 else f"({', '.join(dims)})"

    def node(self, node: MatExpr) -> tuple[str, int, int]:
        method: Callable[[MatExpr], Code] | None = getattr(self, f"code_{node.op}", None)
        if method is None:
            raise ChainruleValueError(f"lambdify: {node} ({node.op}) cannot be compiled")
        text, prec = method(node)
        return text, prec, self.depth(node) if node.args else 0

    # ---------------------------------------------------------------- leaves

    def code_var(self, node: MatExpr) -> Code:
        return self.arguments[node.name], ATOM

    def code_num(self, node: MatExpr) -> Code:
        value = node.data
        if type(value) is Fraction:
            return f"{value.numerator}/{value.denominator}", MUL
        text = repr(float(value)) if isinstance(value, float) else repr(value)
        if text in ("inf", "-inf", "nan"):
            text = f"float('{text}')"
        return text, UNARY if value < 0 else ATOM

    def code_dim(self, node: MatExpr) -> Code:
        return f"float({self.dim(node.data)})", ATOM

    def code_zero(self, node: MatExpr) -> Code:
        return f"np.zeros({self.shape(node)})", ATOM

    def code_ones(self, node: MatExpr) -> Code:
        return f"np.ones({self.shape(node)})", ATOM

    def code_eye(self, node: MatExpr) -> Code:
        return f"np.eye({self.dim(node.shape[0])})", ATOM

    def code_comm(self, node: MatExpr) -> Code:
        return f"_commutation({self.dim(node.data[0])}, {self.dim(node.data[1])})", ATOM

    # ---------------------------------------------------------------- arithmetic

    def code_add(self, node: MatExpr) -> Code:
        const, coeffs = node.data
        parts = []
        for c, a in zip(coeffs, node.args, strict=True):
            text = self.of(a, ADD if abs(c) == 1 else MUL)
            if abs(c) != 1:
                text = f"{self.number(abs(c))}*{text}"
            parts.append(("- " if c < 0 else "+ ") + text)
        if const != 0:
            parts.append(("- " if const < 0 else "+ ") + self.number(abs(const)))
        joined = " ".join(parts)
        return (joined[2:] if joined.startswith("+") else "-" + joined[2:]), ADD

    def number(self, value: Any) -> str:
        text, prec = self.code_num(number(value))
        return text if prec == ATOM else f"({text})"

    def code_mul(self, node: MatExpr) -> Code:
        top = [] if node.data in (1, -1) else [self.number(abs(node.data))]
        bottom = []
        for f in node.args:
            if f.op == "pow" and f.args[1].op == "num" and f.args[1].data == -1 and f.args[0].op != "norm2":
                bottom.append(self.of(f.args[0], MUL))
            else:
                top.append(self.of(f, MUL))
        text = "*".join(top) or "1"
        if bottom:
            text += "/" + (bottom[0] if len(bottom) == 1 else f"({'*'.join(bottom)})")
        return ("-" + text, UNARY) if node.data < 0 else (text, MUL)

    def code_pow(self, node: MatExpr) -> Code:
        base, exponent = node.args
        if exponent.op == "num" and exponent.data == Fraction(1, 2):
            return f"np.sqrt({self.of(base, 0)})", ATOM
        if base.op == "norm2" and exponent.op == "num" and exponent.data < 0:
            return f"_safe_power({self.of(base, 0)}, {self.of(exponent, 0)})", ATOM
        if exponent.op == "num" and exponent.data == -1:
            return f"1/{self.of(base, MUL)}", MUL
        return f"{self.of(base, POW)}**{self.of(exponent, POW)}", POW

    def code_fn(self, node: MatExpr) -> Code:
        return f"{code_name(node.data)}({', '.join(self.of(a, 0) for a in node.args)})", ATOM

    # ---------------------------------------------------------------- matrix products

    def code_matmul(self, node: MatExpr) -> Code:
        factors = [
            (
                _kind(f) if f.op != "diagm" else "d",
                self.of(f, MUL) if f.op != "diagm" else self.of(f.args[0], MUL),
            )
            for f in node.args
        ]
        from_right = factors[-1][0] == "c" and factors[0][0] != "r"
        if from_right:
            kind, text = factors[-1]
            for k, t in reversed(factors[:-1]):
                kind, text = _product((k, t), (kind, text))
        else:
            kind, text = factors[0]
            for k, t in factors[1:]:
                kind, text = _product((kind, text), (k, t))
        if kind == "d":
            return f"np.diag({text})", ATOM
        return text, MUL

    def code_mpow(self, node: MatExpr) -> Code:
        base, k = self.of(node.args[0], MUL), node.data
        inverse = k < 0
        if inverse:
            base, k = f"np.linalg.inv({self.of(node.args[0], 0)})", -k
        if k == 1:
            return base, ATOM
        return " @ ".join([base] * k), MUL

    def code_T(self, node: MatExpr) -> Code:
        inner = self.of(node.args[0], UNARY)
        return (f"{inner}.T", ATOM) if node.ndim == 2 else (inner, ATOM)

    # ---------------------------------------------------------------- functions of arrays

    def call(self, name: str, node: MatExpr) -> Code:
        return f"{name}({', '.join(self.of(a, 0) for a in node.args)})", ATOM

    def code_tr(self, node: MatExpr) -> Code:
        return self.call("np.trace", node)

    def code_det(self, node: MatExpr) -> Code:
        return self.call("np.linalg.det", node)

    def code_logdet(self, node: MatExpr) -> Code:
        return f"np.linalg.slogdet({self.of(node.args[0], 0)})[1]", ATOM

    def code_sum(self, node: MatExpr) -> Code:
        return self.call("np.sum", node)

    def code_diagm(self, node: MatExpr) -> Code:
        return self.call("np.diag", node)

    def code_diagv(self, node: MatExpr) -> Code:
        return self.call("np.diagonal", node)

    def code_norm2(self, node: MatExpr) -> Code:
        return self.call("np.linalg.norm", node)

    def code_softmax(self, node: MatExpr) -> Code:
        return self.call("_softmax", node)

    def code_lse(self, node: MatExpr) -> Code:
        return self.call("_logsumexp", node)

    def code_vec(self, node: MatExpr) -> Code:
        return f"np.reshape({self.of(node.args[0], UNARY)}.T, (-1,))", ATOM

    def code_kron(self, node: MatExpr) -> Code:
        a, b = node.args
        return f"_kron({self.of(a, 0)}, {self.of(b, 0)}, {_kind(a)!r}, {_kind(b)!r})", ATOM

    def code_einsum(self, node: MatExpr) -> Code:
        return f"np.einsum({node.data!r}, {', '.join(self.of(a, 0) for a in node.args)})", ATOM


def _product(left: tuple[str, str], right: tuple[str, str]) -> tuple[str, str]:
    """The code of a product of two factors of kinds m (matrix), c, r (vectors), s (scalar), d (diagonal)."""
    (kl, tl), (kr, tr) = left, right
    if kl == "d" and kr == "d":
        return "d", f"{tl}*{tr}"
    if kl == "d":
        return ("m", f"{tl}[:, None]*{tr}") if kr == "m" else (kr, f"{tl}*{tr}")
    if kr == "d":
        return kl, f"{tl}*{tr}"
    if kl == "c" and kr == "r":
        return "m", f"np.outer({tl}, {tr})"
    kind = {("m", "m"): "m", ("m", "c"): "c", ("r", "m"): "r", ("r", "c"): "s"}[(kl, kr)]
    return kind, f"{tl} @ {tr}"


def _names(variables: list[MatExpr]) -> list[str]:
    reserved = {
        "np",
        "float",
        "_prepare",
        "_safe_power",
        "_kron",
        "_commutation",
        "_softmax",
        "_logsumexp",
    } | set(code_namespace())
    out: list[str] = []
    for i, v in enumerate(variables):
        ok = (
            v.name.isidentifier()
            and not keyword.iskeyword(v.name)
            and v.name not in reserved
            and v.name not in out
        )
        out.append(v.name if ok else f"_a{i}")
    return out


def _flatten(exprs: Any) -> tuple[list[MatExpr], Callable[[list[str]], str]]:
    if isinstance(exprs, MatExpr | int | float | Fraction):
        return [as_mat(exprs)], lambda refs: refs[0]
    if not isinstance(exprs, Sequence) or isinstance(exprs, str):
        raise ChainruleTypeError(
            f"lambdify takes matrix expressions or (nested) lists of them, not {exprs!r}"
        )
    items = [_flatten(e) for e in exprs]

    def shape(refs: list[str]) -> str:
        out, k = [], 0
        for sub, write in items:
            out.append(write(refs[k : k + len(sub)]))
            k += len(sub)
        return "[" + ", ".join(out) + "]"

    return [x for sub, _ in items for x in sub], shape


def _dimension_sources(variables: list[MatExpr], names: list[str], needed: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v, name in zip(variables, names, strict=True):
        for axis, d in enumerate(v.shape):
            if isinstance(d, str) and d in needed and d not in out:
                out[d] = f"{name}.shape[{axis}]"
    return out


def _needed_dims(roots: list[MatExpr]) -> set[str]:
    found: set[str] = set()
    for node in postorder(roots):
        dims: list[Any] = list(node.shape) if node.op in ("zero", "ones", "eye") else []
        if node.op == "dim":
            dims.append(node.data)
        if node.op == "comm":
            dims += list(node.data)
        for d in dims:
            found |= {p for p in str(d).split("*") if not p.isdigit()}
    return found


def lambdify(exprs: Any, variables: Sequence[str | MatExpr] | str | None = None) -> Callable[..., Any]:
    """A NumPy function computing matrix ``exprs`` (one or a nested list) from ``variables`` in order.

    ``variables`` are names or variables (default: all, sorted by name). A dimension that no argument has
    (``ones(n)`` of nothing) becomes a trailing argument of that name. The source is ``.source``.
    """
    roots, shape = _flatten(exprs)
    found = {v.name: v for r in roots for v in r.variables}
    if any(v.op == "dvar" for r in roots for v in r.free_symbols):
        raise ChainruleValueError("lambdify: differentials (dX) cannot be compiled; evaluate them instead")
    if variables is None:
        chosen = [found[n] for n in sorted(found)]
    else:
        wanted = variables.replace(",", " ").split() if isinstance(variables, str) else list(variables)
        # a name the expressions do not use is an argument they ignore (a scalar placeholder)
        # the variables a derivative came from give their dimensions, though it may not use them
        context = {v.name: v for r in roots for v in r._context if v.op == "var"} | found
        chosen = [w if isinstance(w, MatExpr) else _argument(w, context) for w in wanted]
    missing = sorted(set(found) - {v.name for v in chosen})
    if missing:
        raise ChainruleValueError(f"lambdify: no argument given for {', '.join(missing)}")
    roots = [_distribute(r) for r in roots]
    names = _names(chosen)
    needed = _needed_dims(roots)
    sources = _dimension_sources(chosen, names, needed)
    extra = sorted(needed - set(sources))
    dims = {d: f"_d_{d}" for d in needed}
    writer = _Writer(roots, {v.name: n for v, n in zip(chosen, names, strict=True)}, dims)
    body = writer.write()
    lines = [f"def _lambdified({', '.join(names + extra)}):"]
    lines += [f"    {n} = _prepare({n})" for n in names]
    lines += [f"    _d_{d} = {sources[d]}" for d in sorted(sources)] + [
        f"    _d_{d} = int({d})" for d in extra
    ]
    lines += [f"    {line}" for line in body]
    lines.append(f"    return {shape([writer.code[r][0] for r in roots])}")
    return _compile("\n".join(lines))


def _argument(name: str, found: dict[str, MatExpr]) -> MatExpr:
    known = found.get(name.strip())
    return known if known is not None else variable(name.strip(), ())


def _compile(source: str) -> Callable[..., Any]:
    namespace: dict[str, Any] = {
        "np": np,
        "_prepare": _prepare,
        "_safe_power": safe_power,
        "_kron": _kron,
        "_commutation": commutation_matrix,
        "_softmax": softmax,
        "_logsumexp": logsumexp,
        **code_namespace(),
    }
    return compile_function(source, namespace, "matrix.lambdify")
