"""Oracle tests: chainrule's values and derivatives against PyTorch, JAX and HIPS autograd (``make oracle``).

Each case in ``CASES`` is written once, as ``fn(xp, x)`` over a small namespace ``xp`` that every framework
provides (NumPy for chainrule, torch, jax.numpy, autograd.numpy), and compared in float64 on the CPU:

- the value, computed plainly and traced in both modes,
- the gradient (``cr.value_and_grad``) of the case, or of ``sum(w * f(x))`` for a seeded ``w`` when the case
  is not scalar,
- the VJP (``cr.vjp``) with the seeded cotangent ``w``,
- the JVP (``cr.jvp``) along a seeded tangent (torch and JAX),
- the Hessian (``cr.hessian``) of the same scalar function as the gradient (JAX: scalar cases only),
- against torch alone: ``cr.jacobian`` in both modes and layouts, and ``cr.hvp``.

At kinks the frameworks legitimately disagree; ``KINKS`` asserts chainrule's documented policy and records
each peer's convention where it differs. ``BUGS`` and the singular-``det`` test reproduce bugs the oracles
once found in chainrule, kept as regression tests. The last tests drive the ``cr.Tensor`` object API
against ``torch.Tensor``. A framework that is not installed skips only its own tests.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import chainrule as cr
from chainrule.layouts import layout_axes

pytestmark = [
    pytest.mark.oracle,
    # raised inside torch and autograd themselves, not by the code under test
    pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Output seems independent of input:UserWarning"),
]

PEERS = ("torch", "jax", "autograd")
TORCH_JAX = ("torch", "jax")  # autograd lacks these gradients, or (norm ord=inf) gives NaN

# ---------------------------------------------------------------- one namespace per framework

# Functions spelled the same in NumPy, jax.numpy and autograd.numpy.
_NUMPY_NAMES = [
    *("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh"),
    *("arcsinh", "arccosh", "arctanh", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p"),
    *("sqrt", "square", "reciprocal", "abs", "power", "maximum", "minimum", "arctan2", "hypot", "logaddexp"),
    *("sum", "mean", "prod", "max", "min", "var", "std", "cumsum"),
    *("matmul", "einsum", "trace", "concatenate", "stack", "swapaxes", "transpose", "where", "clip", "flip"),
]


def _numpy_like(m: Any, **special: Any) -> SimpleNamespace:
    """The shared namespace over a NumPy-compatible module ``m``; ``special`` adds the ML functions."""
    names = {name: getattr(m, name) for name in _NUMPY_NAMES}
    return SimpleNamespace(
        **names,
        inv=m.linalg.inv,
        det=m.linalg.det,
        logabsdet=lambda a: m.linalg.slogdet(a)[1],
        solve=m.linalg.solve,
        cholesky=m.linalg.cholesky,
        eigh=m.linalg.eigh,
        eigvalsh=m.linalg.eigvalsh,
        norm=m.linalg.norm,
        const=lambda a: m.asarray(a, dtype=np.float64),
        ints=lambda a: m.asarray(a, dtype=np.int64),
        **special,
    )


def _chainrule_namespace() -> SimpleNamespace:
    return _numpy_like(
        np,
        logsumexp=cr.logsumexp,
        softmax=cr.softmax,
        log_softmax=cr.log_softmax,
        relu=cr.relu,
        sigmoid=cr.sigmoid,
        softplus=cr.softplus,
    )


def _jax_namespace(jax: Any) -> SimpleNamespace:
    return _numpy_like(
        jax.numpy,
        logsumexp=jax.scipy.special.logsumexp,
        softmax=jax.nn.softmax,
        log_softmax=jax.nn.log_softmax,
        relu=jax.nn.relu,
        sigmoid=jax.nn.sigmoid,
        softplus=jax.nn.softplus,
    )


def _autograd_namespace(anp: Any, logsumexp: Any) -> SimpleNamespace:
    def log_softmax(x: Any, axis: int = -1) -> Any:
        return x - logsumexp(x, axis=axis, keepdims=True)

    # autograd has no relu/sigmoid/softplus; these are the spellings its examples use.
    return _numpy_like(
        anp,
        logsumexp=logsumexp,
        softmax=lambda x, axis=-1: anp.exp(log_softmax(x, axis)),
        log_softmax=log_softmax,
        relu=lambda x: anp.maximum(x, 0.0),
        sigmoid=lambda x: 0.5 * (anp.tanh(x / 2) + 1),
        softplus=lambda x: anp.logaddexp(0.0, x),
    )


def _torch_namespace(torch: Any) -> SimpleNamespace:
    def reduction(fn: Any) -> Any:
        # torch calls the axis `dim` and the full reduction is the call without it
        def reduce(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
            return fn(x) if axis is None else fn(x, dim=axis, keepdim=keepdims)

        return reduce

    def moment(fn: Any) -> Any:
        def reduce(x: Any, axis: Any = None, ddof: int = 0, keepdims: bool = False) -> Any:
            return fn(x, dim=axis, correction=ddof, keepdim=keepdims)

        return reduce

    def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
        return torch.logsumexp(x, dim=tuple(range(x.ndim)) if axis is None else axis, keepdim=keepdims)

    return SimpleNamespace(
        sin=torch.sin, cos=torch.cos, tan=torch.tan, arcsin=torch.arcsin, arccos=torch.arccos,
        arctan=torch.arctan, sinh=torch.sinh, cosh=torch.cosh, tanh=torch.tanh, arcsinh=torch.arcsinh,
        arccosh=torch.arccosh, arctanh=torch.arctanh, exp=torch.exp, exp2=torch.exp2, expm1=torch.expm1,
        log=torch.log, log2=torch.log2, log10=torch.log10, log1p=torch.log1p, sqrt=torch.sqrt,
        square=torch.square, reciprocal=torch.reciprocal, abs=torch.abs, power=torch.pow,
        maximum=torch.maximum, minimum=torch.minimum, arctan2=torch.atan2, hypot=torch.hypot,
        logaddexp=torch.logaddexp,
        sum=reduction(torch.sum), mean=reduction(torch.mean), prod=reduction(torch.prod),
        # torch.amax splits the gradient among ties like chainrule; torch.max(x, dim) would pick one index
        max=reduction(torch.amax), min=reduction(torch.amin),
        var=moment(torch.var), std=moment(torch.std), cumsum=lambda x, axis: torch.cumsum(x, dim=axis),
        matmul=torch.matmul, einsum=torch.einsum, trace=torch.trace,
        concatenate=lambda xs, axis=0: torch.cat(xs, dim=axis),
        stack=lambda xs, axis=0: torch.stack(xs, dim=axis),
        swapaxes=torch.swapaxes, transpose=lambda x: x.permute(*reversed(range(x.ndim))),
        where=torch.where, clip=torch.clamp, flip=lambda x, axis: torch.flip(x, dims=(axis,)),
        inv=torch.linalg.inv, det=torch.linalg.det, logabsdet=lambda a: torch.linalg.slogdet(a)[1],
        solve=torch.linalg.solve, cholesky=torch.linalg.cholesky, eigh=torch.linalg.eigh,
        eigvalsh=torch.linalg.eigvalsh,
        norm=lambda x, ord=None, axis=None: torch.linalg.norm(x, ord=ord, dim=axis),
        const=lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float64),
        ints=lambda a: torch.as_tensor(np.asarray(a), dtype=torch.long),
        logsumexp=logsumexp,
        softmax=lambda x, axis=-1: torch.softmax(x, dim=axis),
        log_softmax=lambda x, axis=-1: torch.log_softmax(x, dim=axis),
        relu=torch.relu, sigmoid=torch.sigmoid, softplus=torch.nn.functional.softplus,
    )  # fmt: skip


# ---------------------------------------------------------------- the frameworks' derivative operators


class Chainrule:
    def __init__(self) -> None:
        self.xp = _chainrule_namespace()

    def values(self, f: Callable[[Any], Any], x: np.ndarray) -> tuple[Any, Any, Any]:
        """``f(x)`` on plain arrays, traced in reverse mode, and traced in forward mode."""
        return f(x), cr.vjp(f, x)[0], cr.jvp(f, (x,), (np.zeros_like(x),))[0]

    def grad(self, f: Callable[[Any], Any], x: np.ndarray) -> Any:
        value, g = cr.value_and_grad(f)(x)
        np.testing.assert_allclose(value, f(x), rtol=1e-14)
        return g

    def vjp(self, f: Callable[[Any], Any], x: np.ndarray, cotangent: np.ndarray) -> Any:
        _, vjp_fn = cr.vjp(f, x)
        return vjp_fn(cotangent)[0]

    def jvp(self, f: Callable[[Any], Any], x: np.ndarray, tangent: np.ndarray) -> Any:
        return cr.jvp(f, (x,), (tangent,))[1]

    def hessian(self, f: Callable[[Any], Any], x: np.ndarray) -> Any:
        return cr.hessian(f)(x)


class Torch:
    def __init__(self) -> None:
        self.torch = torch = pytest.importorskip("torch")
        self.xp = _torch_namespace(torch)

    def _leaf(self, x: np.ndarray) -> Any:
        return self.torch.tensor(x, dtype=self.torch.float64, requires_grad=True)

    def value(self, f: Callable[[Any], Any], x: np.ndarray) -> Any:
        return f(self.xp.const(x)).detach().numpy()

    def grad(self, f: Callable[[Any], Any], x: np.ndarray) -> Any:
        leaf = self._leaf(x)
        return self.torch.autograd.grad(f(leaf), leaf)[0].numpy()

    def vjp(self, f: Callable[[Any], Any], x: np.ndarray, cotangent: np.ndarray) -> Any:
        leaf = self._leaf(x)
        return self.torch.autograd.grad(f(leaf), leaf, grad_outputs=self.xp.const(cotangent))[0].numpy()

    def jvp(self, f: Callable[[Any], Any], x: np.ndarray, tangent: np.ndarray) -> Any:
        return self.torch.func.jvp(f, (self.xp.const(x),), (self.xp.const(tangent),))[1].detach().numpy()

    def hessian(self, f: Callable[[Any], Any], x: np.ndarray) -> Any:
        return self.torch.autograd.functional.hessian(f, self.xp.const(x)).numpy()


class Jax:
    def __init__(self) -> None:
        self.jax = jax = pytest.importorskip("jax")
        jax.config.update("jax_enable_x64", True)
        pytest.importorskip("jax.scipy.special")
        self.xp = _jax_namespace(jax)

    def value(self, f: Callable[[Any], Any], x: np.ndarray) -> Any:
        return np.asarray(f(self.xp.const(x)))

    def grad(self, f: Callable[[Any], Any], x: np.ndarray) -> Any:
        return np.asarray(self.jax.grad(f)(self.xp.const(x)))

    def vjp(self, f: Callable[[Any], Any], x: np.ndarray, cotangent: np.ndarray) -> Any:
        _, vjp_fn = self.jax.vjp(f, self.xp.const(x))
        return np.asarray(vjp_fn(self.xp.const(cotangent))[0])

    def jvp(self, f: Callable[[Any], Any], x: np.ndarray, tangent: np.ndarray) -> Any:
        return np.asarray(self.jax.jvp(f, (self.xp.const(x),), (self.xp.const(tangent),))[1])

    def hessian(self, f: Callable[[Any], Any], x: np.ndarray) -> Any:
        return np.asarray(self.jax.hessian(f)(self.xp.const(x)))


class Autograd:
    def __init__(self) -> None:
        self.autograd = pytest.importorskip("autograd")
        special = pytest.importorskip("autograd.scipy.special")
        self.operators = pytest.importorskip("autograd.differential_operators")
        self.xp = _autograd_namespace(pytest.importorskip("autograd.numpy"), special.logsumexp)

    def value(self, f: Callable[[Any], Any], x: np.ndarray) -> Any:
        return np.asarray(f(x))

    def grad(self, f: Callable[[Any], Any], x: np.ndarray) -> Any:
        return self.autograd.grad(f)(x)

    def vjp(self, f: Callable[[Any], Any], x: np.ndarray, cotangent: np.ndarray) -> Any:
        vjp_fn, _ = self.operators.make_vjp(f)(x)
        return vjp_fn(cotangent)

    def hessian(self, f: Callable[[Any], Any], x: np.ndarray) -> Any:
        return self.autograd.hessian(f)(x)


@functools.cache
def _ours() -> Chainrule:
    return Chainrule()


@functools.cache
def _peer(name: str) -> Torch | Jax | Autograd:
    # each peer's constructor calls importorskip, so a missing framework skips only its own tests
    return {"torch": Torch, "jax": Jax, "autograd": Autograd}[name]()


# ---------------------------------------------------------------- the shared table of functions

Maker = Callable[[np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class Case:
    name: str
    fn: Callable[[Any, Any], Any]  # fn(xp, x): written once, run by every framework
    make: Maker  # the seeded input
    peers: tuple[str, ...] = PEERS  # the frameworks that can differentiate it
    rtol: float = 1e-10


def uniform(lo: float, hi: float, shape: tuple[int, ...] = (2, 3)) -> Maker:
    return lambda rng: rng.uniform(lo, hi, size=shape)


def normal(*shape: int) -> Maker:
    return lambda rng: rng.standard_normal(shape)


def rows(*ranges: tuple[float, float], n: int = 3) -> Maker:
    """One row per operand of a binary function, each from its own domain."""
    return lambda rng: np.stack([rng.uniform(lo, hi, size=n) for lo, hi in ranges])


def away_from_zero(*shape: int) -> Maker:
    return lambda rng: rng.uniform(0.3, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def well_conditioned(n: int, extra_columns: int = 0) -> Maker:
    """A square matrix with a dominant diagonal, then ``extra_columns`` of right-hand sides."""
    return lambda rng: np.hstack(
        [rng.standard_normal((n, n)) + n * np.eye(n), rng.standard_normal((n, extra_columns))]
    )


def distinct(*shape: int) -> Maker:
    """Entries at least 0.4 apart, so that no max/min reduction meets a tie."""
    return lambda rng: (
        rng.permutation(int(np.prod(shape))) * 0.5 + rng.uniform(0, 0.1, shape).ravel()
    ).reshape(shape)


def sym(x: Any) -> Any:
    return (x + x.T) / 2


_DATA = np.random.default_rng(20240601)
FEATURES = _DATA.standard_normal((6, 3))
ONE_HOT = np.eye(2)[_DATA.integers(0, 2, size=6)]
TARGETS = _DATA.standard_normal((6, 2))
LABELS = _DATA.integers(0, 2, size=8).astype(np.float64)
DESIGN = _DATA.standard_normal((8, 4))
WEIGHTS = _DATA.standard_normal((3, 2))


def unpack(params: Any) -> tuple[Any, Any, Any, Any]:
    """The weights of a 3-4-2 perceptron, packed in one vector of 26 parameters."""
    return params[:12].reshape(3, 4), params[12:16], params[16:24].reshape(4, 2), params[24:26]


def mlp(xp: Any, params: Any, activation: Callable[[Any], Any]) -> Any:
    w1, b1, w2, b2 = unpack(params)
    return activation(xp.matmul(xp.const(FEATURES), w1) + b1) @ w2 + b2


def cross_entropy(xp: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> Any:
    logits = xp.tanh(xp.matmul(xp.const(FEATURES), w1) + b1) @ w2 + b2
    return -xp.mean(xp.sum(xp.const(ONE_HOT) * xp.log_softmax(logits, axis=1), axis=1))


def mlp_cross_entropy(xp: Any, params: Any) -> Any:
    return cross_entropy(xp, *unpack(params))


def mlp_squared_error(xp: Any, params: Any) -> Any:
    return xp.mean((mlp(xp, params, xp.relu) - xp.const(TARGETS)) ** 2)


def logistic_regression(xp: Any, w: Any) -> Any:
    p = xp.sigmoid(xp.matmul(xp.const(DESIGN), w))
    y = xp.const(LABELS)
    return -xp.mean(y * xp.log(p) + (1 - y) * xp.log(1 - p)) + 0.01 * xp.sum(w**2)


def logistic_regression_softplus(xp: Any, w: Any) -> Any:
    margins = (2 * xp.const(LABELS) - 1) * xp.matmul(xp.const(DESIGN), w)
    return xp.mean(xp.softplus(-margins))


# name: input domain, for the elementwise functions of one argument
UNARY_DOMAINS: dict[str, Maker] = {
    "sin": uniform(-2, 2), "cos": uniform(-2, 2), "tan": uniform(-1, 1),
    "arcsin": uniform(-0.7, 0.7), "arccos": uniform(-0.7, 0.7), "arctan": uniform(-2, 2),
    "sinh": uniform(-1, 1), "cosh": uniform(-1, 1), "tanh": uniform(-1, 1),
    "arcsinh": uniform(-2, 2), "arccosh": uniform(1.5, 3), "arctanh": uniform(-0.7, 0.7),
    "exp": uniform(-1, 1), "exp2": uniform(-1, 1), "expm1": uniform(-1, 1),
    "log": uniform(0.5, 2), "log2": uniform(0.5, 2), "log10": uniform(0.5, 2), "log1p": uniform(-0.5, 1),
    "sqrt": uniform(0.5, 2), "square": uniform(-2, 2), "reciprocal": uniform(0.5, 2),
    "abs": away_from_zero(2, 3), "relu": away_from_zero(2, 3),
    "sigmoid": uniform(-3, 3), "softplus": uniform(-3, 3),
}  # fmt: skip

# name: operand domains, for the elementwise functions of two arguments (x[0] and x[1])
BINARY_DOMAINS: dict[str, Maker] = {
    "power": rows((0.5, 2), (-2, 2)),
    "maximum": rows((-2, 2), (-2, 2)),
    "minimum": rows((-2, 2), (-2, 2)),
    "arctan2": rows((-2, 2), (-2, 2)),  # all four quadrants
    "hypot": rows((0.5, 2), (-2, 2)),
    "logaddexp": rows((-2, 2), (-2, 2)),
}

CASES: list[Case] = [
    *(Case(n, lambda xp, x, n=n: getattr(xp, n)(x), make) for n, make in UNARY_DOMAINS.items()),
    *(Case(n, lambda xp, x, n=n: getattr(xp, n)(x[0], x[1]), make) for n, make in BINARY_DOMAINS.items()),
    # arithmetic, constant powers and broadcasting
    Case("cube", lambda xp, x: x**3, uniform(-2, 2)),
    Case("real_power", lambda xp, x: x**2.5, uniform(0.5, 2)),
    Case("exponential_base", lambda xp, x: 2.0**x, uniform(-1, 1)),
    Case("divide", lambda xp, x: x[0] / x[1], rows((-2, 2), (0.5, 2))),
    Case("broadcast_product", lambda xp, x: x[0].reshape(3, 1) * x[1] - x[1] / (1 + x[0] ** 2), normal(2, 3)),
    Case("composition", lambda xp, x: xp.sin(xp.exp(x)) * xp.log1p(x**2) / xp.cosh(x), normal(2, 3)),
    # reductions
    Case("sum", lambda xp, x: xp.sum(xp.sin(x)), normal(3, 4)),
    Case("sum_axis", lambda xp, x: xp.sum(x**2, axis=0), normal(3, 4)),
    Case("mean_keepdims", lambda xp, x: x - xp.mean(x**2, axis=1, keepdims=True), normal(3, 4)),
    Case("prod", lambda xp, x: xp.prod(x), uniform(0.5, 1.5, (2, 3))),
    Case("prod_axis", lambda xp, x: xp.prod(x, axis=1), uniform(0.5, 1.5, (3, 4))),
    # exact zeros: the derivative is the product of the others (autograd divides by x, and gives NaN)
    Case("prod_zeros", lambda xp, x: xp.prod(x, axis=1), lambda rng: np.array([[2.0, 0, 3], [0, 1.5, 0]]),
         TORCH_JAX),
    Case("max", lambda xp, x: xp.max(x), distinct(3, 4)),
    Case("max_axis", lambda xp, x: xp.max(x, axis=1), distinct(3, 4)),
    Case("min_axis", lambda xp, x: xp.min(x, axis=0), distinct(3, 4)),
    Case("var", lambda xp, x: xp.var(x), normal(3, 4)),
    Case("var_axis_ddof", lambda xp, x: xp.var(x, axis=0, ddof=1), normal(4, 3)),
    Case("std", lambda xp, x: xp.std(x), normal(3, 4)),
    Case("std_axis", lambda xp, x: xp.std(x, axis=1), normal(3, 4)),
    Case("cumsum", lambda xp, x: xp.cumsum(x, axis=1) ** 2, normal(2, 3)),
    # linear algebra
    Case("matmul", lambda xp, x: xp.matmul(x, xp.const(WEIGHTS)), normal(2, 3)),
    Case("gram", lambda xp, x: x @ x.T, normal(2, 3)),
    Case("matvec", lambda xp, x: x[:, :3] @ x[:, 3], normal(3, 4)),
    Case("dot", lambda xp, x: x[0] @ x[1], normal(2, 3)),
    Case("batched_matmul", lambda xp, x: x.reshape(2, 2, 3) @ xp.const(WEIGHTS), normal(4, 3)),
    Case("einsum", lambda xp, x: xp.einsum("ij,ij->i", x, xp.sin(x)), normal(2, 3)),
    Case("trace", lambda xp, x: xp.trace(x @ x), normal(3, 3)),
    Case("inv", lambda xp, x: xp.inv(x), well_conditioned(3), rtol=1e-9),
    Case("det", lambda xp, x: xp.det(x), well_conditioned(3), rtol=1e-9),
    Case("det_batched", lambda xp, x: xp.det(x.reshape(2, 3, 3) + xp.const(3 * np.eye(3))), normal(6, 3),
         rtol=1e-9),
    Case("inv_batched", lambda xp, x: xp.inv(x.reshape(2, 3, 3) + xp.const(3 * np.eye(3))), normal(6, 3),
         rtol=1e-9),
    Case("logabsdet", lambda xp, x: xp.logabsdet(x), normal(3, 3), rtol=1e-9),
    Case("solve", lambda xp, x: xp.solve(x[:, :3], x[:, 3]), well_conditioned(3, 1), rtol=1e-9),
    Case("solve_matrix", lambda xp, x: xp.solve(x[:, :3], x[:, 3:]), well_conditioned(3, 2), rtol=1e-9),
    # batched right-hand sides are (2, 3, 1): NumPy 2 and torch read a (2, 3) b differently
    Case("solve_batched", lambda xp, x: xp.solve(x[:, :, :3], x[:, :, 3:]),
         lambda rng: np.stack([well_conditioned(3, 1)(rng) for _ in range(2)]), rtol=1e-9),
    Case("cholesky", lambda xp, x: xp.cholesky(x @ x.T + xp.const(np.eye(3))), normal(3, 3), rtol=1e-9),
    Case("eigh_values", lambda xp, x: xp.eigh(sym(x))[0], normal(3, 3), rtol=1e-9),
    Case("eigh_vectors_squared", lambda xp, x: xp.eigh(sym(x))[1] ** 2, normal(3, 3), rtol=1e-8),
    Case("eigvalsh", lambda xp, x: xp.eigvalsh(sym(x)), normal(3, 3), TORCH_JAX, rtol=1e-9),
    Case("norm", lambda xp, x: xp.norm(x), normal(5)),
    Case("norm_axis", lambda xp, x: xp.norm(x, axis=1), normal(2, 3)),
    Case("norm_fro", lambda xp, x: xp.norm(x, "fro"), normal(2, 3)),
    Case("norm_1", lambda xp, x: xp.norm(x, 1), away_from_zero(4), TORCH_JAX),
    Case("norm_inf", lambda xp, x: xp.norm(x, np.inf), distinct(4), TORCH_JAX),
    Case("norm_3", lambda xp, x: xp.norm(x, 3), uniform(0.5, 1, (4,))),
    Case("norm_spectral", lambda xp, x: xp.norm(x, 2), normal(3, 2), TORCH_JAX, rtol=1e-9),
    Case("norm_nuclear", lambda xp, x: xp.norm(x, "nuc"), normal(3, 2), TORCH_JAX, rtol=1e-9),
    # shapes and indexing
    Case("concatenate", lambda xp, x: xp.concatenate([x, x**2], axis=1), normal(2, 3)),
    Case("stack", lambda xp, x: xp.stack([x, xp.sin(x)], axis=1), normal(2, 3)),
    Case("transpose", lambda xp, x: xp.transpose(x) * x[:, 0], normal(2, 3)),
    Case("swapaxes", lambda xp, x: xp.swapaxes(x.reshape(2, 3, 2), 0, 2) ** 2, normal(3, 4)),
    Case("reshape", lambda xp, x: x.reshape(3, 2) @ x, normal(2, 3)),
    Case("slice", lambda xp, x: x[1:, ::2] ** 2, normal(3, 4)),
    Case("index_repeated", lambda xp, x: x[xp.ints([0, 2, 0, 0])] ** 2, normal(3, 2)),
    # (0, 2) picked twice: its gradient is the sum of both
    Case("index_pairs", lambda xp, x: x[xp.ints([0, 1, 0, 1]), xp.ints([2, 2, 2, 0])] * x[0, 0],
         normal(2, 3)),
    Case("index_negative", lambda xp, x: xp.sin(x[xp.ints([-1, 0, -1])]) * x[-1], normal(3, 2)),
    Case("index_newaxis", lambda xp, x: x[:, None] * x[None, :], normal(2, 3)),
    Case("index_ellipsis", lambda xp, x: x[..., 1] * x[:, 0], normal(3, 3)),
    # jax cannot index with a mask whose shape depends on traced values
    Case("index_mask", lambda xp, x: xp.sin(x[x > 0]), normal(3, 3), ("torch", "autograd")),
    Case("flip", lambda xp, x: xp.flip(x, axis=1) * x, normal(2, 3), TORCH_JAX),
    Case("where", lambda xp, x: xp.where(x > 0, x**2, xp.sin(x)), away_from_zero(2, 3)),
    Case("clip", lambda xp, x: xp.clip(x, -0.5, 0.5) * x, lambda rng: np.array([-1.0, 0.2, 0.7, -0.3])),
    # the functions of machine learning
    Case("logsumexp", lambda xp, x: xp.logsumexp(x), normal(2, 3)),
    Case("logsumexp_axis", lambda xp, x: xp.logsumexp(x, axis=1, keepdims=True), normal(2, 3)),
    Case("logsumexp_large", lambda xp, x: xp.logsumexp(800 * x, axis=0), normal(2, 3)),
    Case("logsumexp_masked", lambda xp, x: xp.logsumexp(x, axis=1),
         lambda rng: np.array([[-np.inf, 0.5, 1.0], [2.0, -np.inf, -1.0]])),
    Case("sigmoid_saturated", lambda xp, x: xp.sigmoid(40 * x), away_from_zero(2, 3)),
    Case("softmax", lambda xp, x: xp.softmax(x, axis=0), normal(2, 3)),
    Case("log_softmax", lambda xp, x: xp.log_softmax(x, axis=-1), normal(2, 3)),
    Case("mlp_cross_entropy", mlp_cross_entropy, normal(26), rtol=1e-9),
    Case("mlp_squared_error", mlp_squared_error, normal(26), rtol=1e-9),
    Case("logistic_regression", logistic_regression, normal(4), rtol=1e-9),
    Case("logistic_regression_softplus", logistic_regression_softplus, normal(4), rtol=1e-9),
]  # fmt: skip

CASES_BY_NAME = {case.name: case for case in CASES}
assert len(CASES_BY_NAME) == len(CASES), "two cases share a name"


def _seed(*parts: str) -> np.random.Generator:
    # crc32 rather than hash(): str hashes change from run to run
    return np.random.default_rng(zlib.crc32("/".join(parts).encode()))


@dataclass(frozen=True)
class Prepared:
    """A case's input, its plain NumPy output, and the seeded directions to differentiate along."""

    x: np.ndarray
    out: np.ndarray
    tangent: np.ndarray
    cotangent: np.ndarray


@functools.cache
def _prepared(name: str) -> Prepared:
    rng = _seed(name)
    x = CASES_BY_NAME[name].make(rng)
    out = np.asarray(CASES_BY_NAME[name].fn(_ours().xp, x))
    return Prepared(x, out, rng.standard_normal(x.shape), rng.standard_normal(out.shape))


def _bind(fn: Callable[[Any, Any], Any], xp: Any) -> Callable[[Any], Any]:
    return lambda x: fn(xp, x)


def _scalar(name: str, xp: Any) -> Callable[[Any], Any]:
    """The case itself when it is scalar, else ``sum(w * f(x))`` with the seeded cotangent ``w``."""
    case, prep = CASES_BY_NAME[name], _prepared(name)
    if prep.out.size == 1:
        return _bind(case.fn, xp)
    return lambda x: xp.sum(case.fn(xp, x) * xp.const(prep.cotangent))


def _is_scalar(case: Case) -> bool:
    # plain NumPy evaluation, no differentiation: the table's shapes are known when tests are collected
    return bool(np.size(case.fn(_ours().xp, case.make(_seed(case.name)))) == 1)


SCALAR = {case.name for case in CASES if _is_scalar(case)}


def _params(peers: tuple[str, ...] = PEERS, scalar: bool | None = None) -> list[Any]:
    """(peer, case) pairs; ``scalar`` keeps only the scalar (True) or non-scalar (False) cases."""
    return [
        pytest.param(peer, case.name, id=f"{peer}-{case.name}")
        for case in CASES
        for peer in case.peers
        if peer in peers and (scalar is None or (case.name in SCALAR) == scalar)
    ]


def _close(ours: Any, theirs: Any, rtol: float) -> None:
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, f"shape {ours.shape} != {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol * 1e-2)


@pytest.mark.parametrize(("peer", "name"), _params())
def test_value(peer: str, name: str) -> None:
    other, ours, case, prep = _peer(peer), _ours(), CASES_BY_NAME[name], _prepared(name)
    expected = other.value(_bind(case.fn, other.xp), prep.x)
    for value in ours.values(_bind(case.fn, ours.xp), prep.x):
        _close(value, expected, case.rtol)


@pytest.mark.parametrize(("peer", "name"), _params())
def test_grad(peer: str, name: str) -> None:
    other, ours, prep = _peer(peer), _ours(), _prepared(name)
    expected = other.grad(_scalar(name, other.xp), prep.x)
    _close(ours.grad(_scalar(name, ours.xp), prep.x), expected, CASES_BY_NAME[name].rtol)


@pytest.mark.parametrize(("peer", "name"), _params())
def test_vjp(peer: str, name: str) -> None:
    other, ours, case, prep = _peer(peer), _ours(), CASES_BY_NAME[name], _prepared(name)
    expected = other.vjp(_bind(case.fn, other.xp), prep.x, prep.cotangent)
    _close(ours.vjp(_bind(case.fn, ours.xp), prep.x, prep.cotangent), expected, case.rtol)


# autograd is left out: its forward mode is reverse mode applied twice, which its linalg rules do not support
@pytest.mark.parametrize(("peer", "name"), _params(TORCH_JAX))
def test_jvp(peer: str, name: str) -> None:
    other, ours, case, prep = _peer(peer), _ours(), CASES_BY_NAME[name], _prepared(name)
    expected = other.jvp(_bind(case.fn, other.xp), prep.x, prep.tangent)
    _close(ours.jvp(_bind(case.fn, ours.xp), prep.x, prep.tangent), expected, case.rtol)


# JAX runs op by op here, which makes its Hessians slow: it checks the scalar-valued cases only
@pytest.mark.parametrize(("peer", "name"), _params(("torch", "autograd")) + _params(("jax",), scalar=True))
def test_hessian(peer: str, name: str) -> None:
    other, ours, prep = _peer(peer), _ours(), _prepared(name)
    expected = other.hessian(_scalar(name, other.xp), prep.x)
    _close(ours.hessian(_scalar(name, ours.xp), prep.x), expected, 10 * CASES_BY_NAME[name].rtol)


@pytest.mark.parametrize(("peer", "name"), _params(("torch",), scalar=False))
def test_jacobian_modes_and_layouts(peer: str, name: str) -> None:
    other, ours, case, prep = _peer(peer), _ours(), CASES_BY_NAME[name], _prepared(name)
    jacobian = other.torch.autograd.functional.jacobian
    expected = jacobian(_bind(case.fn, other.xp), other.xp.const(prep.x)).numpy()
    f = _bind(case.fn, ours.xp)
    for mode in ("fwd", "rev"):
        _close(cr.jacobian(f, mode=mode)(prep.x), expected, case.rtol)
    n_out = prep.out.ndim
    for layout in ("numerator", "denominator"):  # torch's is the mixed layout, S_y + S_x
        laid_out = np.transpose(expected, layout_axes(n_out, expected.ndim - n_out, layout))
        _close(cr.jacobian(f, layout=layout)(prep.x), laid_out, case.rtol)


@pytest.mark.parametrize(("peer", "name"), _params(("torch",), scalar=True))
def test_hvp(peer: str, name: str) -> None:
    other, case, prep = _peer(peer), CASES_BY_NAME[name], _prepared(name)
    f, xp = _bind(case.fn, other.xp), other.xp
    _, expected = other.torch.autograd.functional.hvp(f, xp.const(prep.x), xp.const(prep.tangent))
    _close(cr.hvp(_bind(case.fn, _ours().xp))(prep.x, prep.tangent), expected.numpy(), 10 * case.rtol)


# ---------------------------------------------------------------- kinks: chainrule's policy, the peers' own


@dataclass(frozen=True)
class Kink:
    name: str
    fn: Callable[[Any, Any], Any]  # scalar-valued
    x: list[Any]
    ours: list[Any]  # the gradient chainrule's policy prescribes
    # a peer's gradient where its convention differs from ours (asserted, so that the record stays true)
    theirs: dict[str, list[Any]] = field(default_factory=dict)
    peers: tuple[str, ...] = PEERS
    bug: str = ""  # where chainrule breaks its own policy: the test is a strict xfail, with this reason


NAN = float("nan")
I2 = [[1.0, 0.0], [0.0, 1.0]]
ZEROS_2x2 = [[0.0, 0.0], [0.0, 0.0]]

KINKS = [
    # maximum/minimum ties split the gradient ½ ½: so do torch, jax and autograd
    Kink("maximum_tie", lambda xp, x: xp.sum(xp.maximum(x[0], x[1])),
         [[1.0, 2.0, -1.0], [1.0, 3.0, -1.0]], [[0.5, 0, 0.5], [0.5, 1, 0.5]]),
    Kink("minimum_tie", lambda xp, x: xp.sum(xp.minimum(x[0], x[1])),
         [[1.0, 2.0, -1.0], [1.0, 3.0, -1.0]], [[0.5, 1, 0.5], [0.5, 0, 0.5]]),
    # clip is a maximum then a minimum, so a value on a bound splits ½ ½ too, as in jax; torch passes the
    # whole gradient (bounds inclusive), autograd none of it (bounds exclusive)
    Kink("clip_at_bounds", lambda xp, x: xp.sum(xp.clip(x, -0.5, 0.5)), [-0.5, 0.5, 0.0], [0.5, 0.5, 1],
         {"torch": [1, 1, 1], "autograd": [0, 0, 1]}),
    # abs'(0) = 0, as torch and autograd; jax takes the right derivative, abs'(0) = 1
    Kink("abs_at_zero", lambda xp, x: xp.sum(xp.abs(x)), [0.0, -1.0, 2.0], [0, -1, 1], {"jax": [1, -1, 1]}),
    # relu'(0) = 0, as torch.relu and jax.nn.relu; autograd has no relu, and its spelling maximum(x, 0)
    # splits the tie ½ ½
    Kink("relu_at_zero", lambda xp, x: xp.sum(xp.relu(x)), [0.0, -1.0, 2.0], [0, 0, 1],
         {"autograd": [0.5, 0, 1]}),
    # max/min reductions split evenly among ties: so do torch.amax/amin, jax and autograd (torch.max(x, dim)
    # gives it all to one index, which is why the torch namespace uses amax)
    Kink("max_ties", lambda xp, x: xp.max(x), [1.0, 3.0, 3.0], [0, 0.5, 0.5]),
    Kink("max_axis_ties", lambda xp, x: xp.sum(xp.max(x, axis=1)),
         [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]]),
    Kink("min_axis_ties", lambda xp, x: xp.sum(xp.min(x, axis=0)),
         [[1.0, 3.0], [1.0, 2.0]], [[0.5, 0], [0.5, 1]]),
    Kink("norm_inf_ties", lambda xp, x: xp.norm(x, np.inf), [2.0, 1.0, -2.0], [0.5, 0, -0.5], {}, TORCH_JAX),
    # norm'(0) = 0, a subgradient, as torch; jax and autograd divide by the norm and give NaN
    Kink("norm_at_zero", lambda xp, x: xp.norm(x), [0.0, 0.0, 0.0], [0, 0, 0],
         {"jax": [NAN, NAN, NAN], "autograd": [NAN, NAN, NAN]}),
    Kink("norm_axis_zero_row", lambda xp, x: xp.sum(xp.norm(x, axis=1)),
         [[0.0, 0.0], [3.0, 4.0]], [[0, 0], [0.6, 0.8]],
         {"jax": [[NAN, NAN], [0.6, 0.8]], "autograd": [[NAN, NAN], [0.6, 0.8]]}),
    Kink("norm_fro_at_zero", lambda xp, x: xp.norm(x, "fro"), ZEROS_2x2, ZEROS_2x2,
         {"jax": [[NAN, NAN], [NAN, NAN]], "autograd": [[NAN, NAN], [NAN, NAN]]}),
    # jax's ord=1 and ord=inf at 0 follow its abs'(0) = 1 and its tie-splitting max
    Kink("norm_1_at_zero", lambda xp, x: xp.norm(x, 1), [0.0, 1.0, -2.0], [0, 1, -1], {"jax": [1, 1, -1]},
         TORCH_JAX),
    Kink("norm_inf_at_zero", lambda xp, x: xp.norm(x, np.inf), [0.0, 0.0, 0.0], [0, 0, 0],
         {"jax": [1 / 6, 1 / 6, 1 / 6]}, TORCH_JAX),
    # hypot(x, y) is the norm of (x, y): 0 at the origin; torch and autograd give NaN, jax ½ ½
    Kink("hypot_at_zero", lambda xp, x: xp.hypot(x[0], x[1]), [0.0, 0.0], [0, 0],
         {"torch": [NAN, NAN], "jax": [0.5, 0.5], "autograd": [NAN, NAN]}),
    Kink("norm_3_at_zero", lambda xp, x: xp.norm(x, 3), [0.0, 0.0, 0.0], [0, 0, 0],
         {"jax": [NAN, NAN, NAN], "autograd": [NAN, NAN, NAN]}),
    # norm'(0) = 0 for the nuclear and spectral norms too; the peers pick the subgradient I for the nuclear
    # norm, and a multiple of I for the spectral norm
    Kink("norm_nuclear_at_zero", lambda xp, x: xp.norm(x, "nuc"), ZEROS_2x2, ZEROS_2x2,
         {"torch": I2, "jax": I2, "autograd": I2}),
    Kink("norm_spectral_at_zero", lambda xp, x: xp.norm(x, 2), ZEROS_2x2, ZEROS_2x2,
         {"torch": np.multiply(0.5, I2).tolist(), "jax": np.multiply(0.25, I2).tolist()}, TORCH_JAX),
]  # fmt: skip
# std is the norm of the deviations over sqrt(n), so a constant input has std' = 0 by the norm policy, as in
# torch; jax and autograd give NaN. Not asserted: sqrt'(0) = inf in every framework.
KINKS.append(
    Kink("std_of_a_constant", lambda xp, x: xp.std(x), [2.0, 2.0, 2.0], [0, 0, 0],
         {"jax": [NAN, NAN, NAN], "autograd": [NAN, NAN, NAN]})
)  # fmt: skip

KINKS_BY_NAME = {kink.name: kink for kink in KINKS}


def _kink_marks(kink: Kink) -> Any:
    if not kink.bug:
        return ()
    return [
        pytest.mark.xfail(strict=True, reason=kink.bug),
        pytest.mark.filterwarnings("ignore::RuntimeWarning"),
    ]


@pytest.mark.parametrize("name", [pytest.param(k.name, marks=_kink_marks(k)) for k in KINKS])
def test_kink_policy(name: str) -> None:
    kink, xp = KINKS_BY_NAME[name], _ours().xp
    f, x = _bind(kink.fn, xp), np.array(kink.x)
    np.testing.assert_array_equal(cr.grad(f)(x), kink.ours)
    np.testing.assert_array_equal(cr.jacobian(f, mode="fwd")(x), kink.ours)  # forward mode: the same policy


@pytest.mark.parametrize(("peer", "name"), [(p, k.name) for k in KINKS for p in k.peers])
@pytest.mark.filterwarnings("ignore:(divide by zero|invalid value):RuntimeWarning")
def test_kink_peer(peer: str, name: str) -> None:
    """The peer agrees with our policy, or keeps the different convention recorded in ``KINKS``."""
    other, kink = _peer(peer), KINKS_BY_NAME[name]
    got = other.grad(_bind(kink.fn, other.xp), np.array(kink.x))
    expected = kink.theirs.get(peer, kink.ours)
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=1e-15, equal_nan=True)


# A rank-2 matrix: det is a polynomial, so its derivative there is still the cofactor matrix (jax agrees;
# torch 2.13 returns zeros, and autograd raises, both through the inverse).
SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
COFACTORS = np.array([[4.0, 4.0, -4.0], [-2.0, -2.0, 2.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_det_derivative_at_a_singular_matrix(mode: str) -> None:
    np.testing.assert_allclose(cr.jacobian(np.linalg.det, mode=mode)(SINGULAR), COFACTORS, atol=1e-12)


def test_jax_gives_the_cofactors_of_a_singular_matrix() -> None:
    jax = _peer("jax")
    np.testing.assert_allclose(jax.grad(jax.xp.det, SINGULAR), COFACTORS, atol=1e-12)


# ---------------------------------------------------------------- former chainrule bugs, now regression tests

SINGULAR_VALUES = (
    "the ord=2, -2 and 'nuc' matrix norms once took singular values as sqrt(max(eigvalsh(X^T X), 0)), so a "
    "zero eigenvalue of X^T X (X rank-deficient, or wider than tall) met sqrt'(0) = inf"
)


@dataclass(frozen=True)
class Bug:
    """A point where chainrule once disagreed with torch and torch was right: kept as a regression test."""

    name: str
    fn: Callable[[Any, Any], Any]
    x: np.ndarray
    check: str  # "value" (traced) or "grad"
    reason: str


WIDE = _seed("wide").standard_normal((2, 3))  # full row rank: its two singular values are positive
RANK_ONE = np.array([[2.0, 0.0], [0.0, 0.0], [0.0, 0.0]])  # its largest singular value (2) is simple

BUGS = [
    Bug("norm_min_singular_value_wide", lambda xp, x: xp.norm(x, -2), WIDE, "value",
        f"{SINGULAR_VALUES}: traced, norm(x, -2) of a 2x3 matrix is ~1e-9, not its smaller singular value"),
    Bug("norm_nuclear_wide", lambda xp, x: xp.norm(x, "nuc"), WIDE, "grad",
        f"{SINGULAR_VALUES}: traced, norm(x, 'nuc') of a 2x3 matrix and its gradient are off by ~1e-8"),
    Bug("norm_spectral_rank_deficient", lambda xp, x: xp.norm(x, 2), RANK_ONE, "grad",
        f"{SINGULAR_VALUES}: reverse mode gives NaN for [[2, 0], [0, 0], [0, 0]] (forward mode is right)"),
]  # fmt: skip

BUGS_BY_NAME = {bug.name: bug for bug in BUGS}


@pytest.mark.parametrize("name", [b.name for b in BUGS])
def test_former_bug_against_torch(name: str) -> None:
    oracle, ours, bug = _peer("torch"), _ours(), BUGS_BY_NAME[name]
    f, their_f = _bind(bug.fn, ours.xp), _bind(bug.fn, oracle.xp)
    if bug.check == "value":
        got, expected = cr.value_and_grad(f)(bug.x)[0], oracle.value(their_f, bug.x)
    else:
        got, expected = ours.grad(f, bug.x), oracle.grad(their_f, bug.x)
    _close(got, expected, 1e-10)


# ---------------------------------------------------------------- the object API against torch.Tensor


def test_tensor_backward_matches_torch_on_an_mlp() -> None:
    oracle = _peer("torch")
    params = [np.asarray(p) for p in unpack(_prepared("mlp_cross_entropy").x)]
    ours = [cr.Tensor(p, requires_grad=True) for p in params]
    theirs = [oracle.torch.tensor(p, requires_grad=True) for p in params]
    loss, their_loss = cross_entropy(_ours().xp, *ours), cross_entropy(oracle.xp, *theirs)
    loss.backward()
    their_loss.backward()
    np.testing.assert_allclose(loss.data, their_loss.detach().numpy(), rtol=1e-12)
    for mine, their in zip(ours, theirs, strict=True):
        _close(mine.grad, their.grad.numpy(), 1e-10)


def gram_of_sines(xp: Any, x: Any) -> Any:
    return xp.sin(x) @ x.T


def test_tensor_backward_with_a_cotangent_and_retained_graph() -> None:
    oracle = _peer("torch")
    rng = _seed("tensor-cotangent")
    x, cotangent = rng.standard_normal((2, 3)), rng.standard_normal((2, 2))
    their_cotangent = oracle.xp.const(cotangent)
    ours, theirs = cr.Tensor(x, requires_grad=True), oracle.torch.tensor(x, requires_grad=True)
    out, their_out = gram_of_sines(_ours().xp, ours), gram_of_sines(oracle.xp, theirs)
    for _ in range(2):  # gradients accumulate in both
        out.backward(cotangent, retain_graph=True)
        their_out.backward(their_cotangent, retain_graph=True)
        _close(ours.grad, theirs.grad.numpy(), 1e-10)
    out.backward(cotangent)
    their_out.backward(their_cotangent)
    _close(ours.grad, theirs.grad.numpy(), 1e-10)
    # the graph is now freed in both, and a further backward() refuses rather than double the gradients
    with pytest.raises(cr.GraphError):
        out.backward(cotangent)
    with pytest.raises(RuntimeError):
        their_out.backward(their_cotangent)


SECOND_ORDER: dict[str, Callable[[Any, Any], Any]] = {
    "cube_times_sine": lambda xp, x: xp.sum(x**3 * xp.sin(x)),
    "logsumexp_of_matvec": lambda xp, x: xp.logsumexp(xp.const(DESIGN) @ x) + xp.norm(x) ** 2,
    "logistic_regression": logistic_regression,
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True:UserWarning")
def test_tensor_create_graph_second_derivative(name: str) -> None:
    """backward(create_graph=True) leaves a differentiable grad; a second backward() gives H v."""
    oracle, fn = _peer("torch"), SECOND_ORDER[name]
    rng = _seed("tensor-create-graph", name)
    x, v = rng.standard_normal(4), rng.standard_normal(4)
    ours, theirs = cr.Tensor(x, requires_grad=True), oracle.torch.tensor(x, requires_grad=True)
    fn(_ours().xp, ours).backward(create_graph=True)
    fn(oracle.xp, theirs).backward(create_graph=True)
    gradient, their_gradient = ours.grad, theirs.grad
    _close(gradient.detach().numpy(), their_gradient.detach().numpy(), 1e-10)
    ours.grad, theirs.grad = None, None
    np.sum(gradient * v).backward()
    (their_gradient * oracle.xp.const(v)).sum().backward()
    _close(ours.grad, theirs.grad.numpy(), 1e-9)
