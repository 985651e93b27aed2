"""``chainrule.autograd.scipy.linalg``: SciPy's linear algebra, with the functions HIPS autograd
differentiates made differentiable: ``sqrtm``, ``solve_sylvester``, ``solve_triangular`` and
``solve_banded``.

``solve_sylvester`` (``A X + X B = Q``), ``sqrtm`` (``X X = A``) and ``solve_triangular`` are primitives
made here, whose rules call them again (so derivatives of every order exist in both modes):

- ``solve_sylvester``: ``A dX + dX B = dQ - dA X - X dB``; its transpose solves ``A^T L + L B^T = G``, and
  then ``Q``'s cotangent is ``L``, ``A``'s ``-L X^T``, ``B``'s ``-X^T L``.
- ``sqrtm``: ``X dX + dX X = dA``, a Sylvester equation; its transpose solves ``X^T L + L X^T = G``. A real
  matrix with negative eigenvalues has a complex square root; the rules hold there too (the function is
  holomorphic) and a real ``A`` takes the real part of its cotangent.
- ``solve_triangular``: ``dX = T^-1 (dB - dT X)`` for the triangle ``T`` that SciPy reads (the other one
  has no influence, so its derivative is 0).

``solve_banded`` is written with NumPy: the matrix built from its bands, then ``np.linalg.solve``. Every other
name is SciPy's own function: on plain numbers it is SciPy's, and on traced values it raises an error that
names it, never a silent wrong derivative.

Examples
--------
>>> import numpy as np
>>> from chainrule.autograd import grad
>>> from chainrule.autograd.scipy.linalg import sqrtm
>>> sqrtm(np.array([[4.0, 0.0], [0.0, 9.0]]))
array([[2., 0.],
       [0., 3.]])
>>> grad(lambda a: np.trace(sqrtm(a)))(np.array([[4.0, 0.0], [0.0, 9.0]]))  # 1 / (2 sqrt(a_ii))
array([[0.25      , 0.        ],
       [0.        , 0.16666667]])
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.autograd.scipy._scipy import linalg as _scipy_linalg
from chainrule.core.batch_rules import leading, looped
from chainrule.core.primitive import Primitive, Traced
from chainrule.core.rules._util import shape_of
from chainrule.errors import ChainruleValueError, ShapeError, UnsupportedOperationError

__all__ = ["solve_banded", "solve_sylvester", "solve_triangular", "sqrtm"]

_numpy: Any = np


def _mT(x: Any) -> Any:
    return _numpy.swapaxes(x, -1, -2)


# ---------------------------------------------------------------- Sylvester equations and square roots


def _sylvester_cotangent(g: Any, a: Any, b: Any) -> Any:
    """L with A^T L + L B^T = G: the cotangent of Q."""
    return solve_sylvester_p(_mT(a), _mT(b), g)


solve_sylvester_p: Primitive = Primitive(
    "solve_sylvester",
    _scipy_linalg.solve_sylvester,
    vjp=(
        lambda g, ans, a, b, q: -(_sylvester_cotangent(g, a, b) @ _mT(ans)),
        lambda g, ans, a, b, q: -(_mT(ans) @ _sylvester_cotangent(g, a, b)),
        lambda g, ans, a, b, q: _sylvester_cotangent(g, a, b),
    ),
    jvp=(
        lambda t, ans, a, b, q: solve_sylvester_p(a, b, -(t @ ans)),
        lambda t, ans, a, b, q: solve_sylvester_p(a, b, -(ans @ t)),
        lambda t, ans, a, b, q: solve_sylvester_p(a, b, t),
    ),
    rule="implicit function rule",
    notation="A X + X B = Q: A dX + dX B = dQ - dA X - X dB",
    complex="holomorphic",
    batch=leading,
)


def _sqrtm(a: Any) -> Any:
    return _scipy_linalg.sqrtm(a)


sqrtm_p: Primitive = Primitive(
    "sqrtm",
    _sqrtm,
    vjp=(lambda g, ans, a: solve_sylvester_p(_mT(ans), _mT(ans), g),),
    jvp=(lambda t, ans, a: solve_sylvester_p(ans, ans, t),),
    rule="implicit function rule",
    notation="X X = A: X dX + dX X = dA",
    complex="holomorphic",
    batch=leading,
)


def solve_sylvester(a: Any, b: Any, q: Any) -> Any:
    """X with ``a X + X b = q``, as ``scipy.linalg.solve_sylvester``; differentiable in all three."""
    return solve_sylvester_p(a, b, q)


def sqrtm(A: Any, disp: bool = True, blocksize: int = 64) -> Any:
    """The principal square root of a matrix, as ``scipy.linalg.sqrtm``; differentiable in ``A``.

    ``disp`` and ``blocksize`` are SciPy's old options, which SciPy now ignores (``disp=False`` is not
    supported here).
    """
    if disp is not True:
        raise UnsupportedOperationError(
            "sqrtm: disp=False (which also returns an error estimate) is not supported"
        )
    return sqrtm_p(A)


# ---------------------------------------------------------------- triangular systems

_TRANS = {0: 0, "N": 0, 1: 1, "T": 1}


def _triangle(a: Any, lower: bool, unit_diagonal: bool) -> Any:
    """The part of ``a`` that SciPy reads: one triangle, with its diagonal unless that is taken to be 1."""
    if unit_diagonal:
        return _numpy.tril(a, -1) if lower else _numpy.triu(a, 1)
    return _numpy.tril(a) if lower else _numpy.triu(a)


def _as_matrix(x: Any) -> Any:
    return _numpy.expand_dims(x, -1) if np.ndim(x) == 1 else x


def _from_matrix(x: Any, like: Any) -> Any:
    return _numpy.squeeze(x, -1) if np.ndim(like) == 1 else x


def _solve_tri(a: Any, b: Any, *, trans: int, lower: bool, unit_diagonal: bool) -> Any:
    return _scipy_linalg.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


def _tri_vjp_b(g: Any, ans: Any, a: Any, b: Any, *, trans: int, lower: bool, unit_diagonal: bool) -> Any:
    return solve_triangular_p(a, g, trans=1 - trans, lower=lower, unit_diagonal=unit_diagonal)


def _tri_vjp_a(g: Any, ans: Any, a: Any, b: Any, *, trans: int, lower: bool, unit_diagonal: bool) -> Any:
    gb = _as_matrix(_tri_vjp_b(g, ans, a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal))
    x = _as_matrix(ans)
    # op(T) X = B: d op(T) = -G_B X^T, so dT is that (transposed back for trans=1), in T's triangle
    slope = -(gb @ _mT(x)) if trans == 0 else -(x @ _mT(gb))
    return _triangle(slope, lower, unit_diagonal)


def _tri_jvp_a(t: Any, ans: Any, a: Any, b: Any, *, trans: int, lower: bool, unit_diagonal: bool) -> Any:
    dt = _triangle(t, lower, unit_diagonal)
    change = -((dt if trans == 0 else _mT(dt)) @ _as_matrix(ans))
    out = solve_triangular_p(a, change, trans=trans, lower=lower, unit_diagonal=unit_diagonal)
    return _from_matrix(out, ans)


solve_triangular_p: Primitive = Primitive(
    "solve_triangular",
    _solve_tri,
    vjp=(_tri_vjp_a, _tri_vjp_b),
    jvp=(
        _tri_jvp_a,
        lambda t, ans, a, b, **options: solve_triangular_p(a, t, **options),
    ),
    rule="inverse rule",
    notation="X = T^-1 B: dX = T^-1 (dB - dT X)",
    kink="SciPy reads one triangle of a (and not its diagonal with unit_diagonal=True), so the derivative "
    "is zero in the rest",
    batch=looped,
)


def solve_triangular(
    a: Any, b: Any, trans: Any = 0, lower: bool = False, unit_diagonal: bool = False, **options: Any
) -> Any:
    """X with ``T X = b`` (``T^T X = b`` for ``trans=1`` or ``"T"``), ``T`` the lower or upper triangle of
    ``a``, as ``scipy.linalg.solve_triangular``; differentiable in ``a`` and ``b``. For real matrices
    ``trans=2`` (``"C"``) is ``trans=1``; complex matrices are not supported."""
    if trans in (2, "C"):
        if np.iscomplexobj(a) or np.iscomplexobj(b):
            raise UnsupportedOperationError("solve_triangular: complex matrices are not supported")
        trans = 1
    if trans not in _TRANS:
        raise ChainruleValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', not {trans!r}")
    if not (isinstance(a, Traced) or isinstance(b, Traced)):
        return _scipy_linalg.solve_triangular(
            a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal, **options
        )
    if np.ndim(a) != 2 or np.shape(a)[0] != np.shape(a)[1] or np.ndim(b) not in (1, 2):
        raise ShapeError(
            f"solve_triangular: a must be square and b a vector or matrix, not shapes {np.shape(a)} and "
            f"{np.shape(b)}"
        )
    return solve_triangular_p(a, b, trans=_TRANS[trans], lower=bool(lower), unit_diagonal=bool(unit_diagonal))


# ---------------------------------------------------------------- banded systems


def solve_banded(l_and_u: tuple[int, int], ab: Any, b: Any, **options: Any) -> Any:
    """X with ``A X = b`` for the banded matrix ``A`` whose diagonals are the rows of ``ab``
    (``A[i, j] = ab[u + i - j, j]``), as ``scipy.linalg.solve_banded``; differentiable in ``ab`` and
    ``b``."""
    if not (isinstance(ab, Traced) or isinstance(b, Traced)):
        return _scipy_linalg.solve_banded(l_and_u, ab, b, **options)
    lower, upper = (int(k) for k in l_and_u)
    rows, n = shape_of(ab)
    if rows != lower + upper + 1:
        raise ShapeError(f"solve_banded: ab has {rows} rows for l + u + 1 = {lower + upper + 1} diagonals")
    i, j = np.indices((n, n))
    band = upper + i - j
    inside = (band >= 0) & (band < rows)
    matrix = _numpy.where(inside, ab[np.where(inside, band, 0), j], 0.0)
    return _numpy.linalg.solve(matrix, b)


# ---------------------------------------------------------------- the rest of scipy.linalg


def _refusing_traced(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """SciPy's ``function``, raising an error that names it when an argument is traced."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        if any(isinstance(a, Traced) for a in (*args, *kwargs.values())):
            raise UnsupportedOperationError(
                f"scipy.linalg.{name} has no derivative rule in chainrule.autograd.scipy.linalg (which "
                f"differentiates {', '.join(__all__)}); compute it from those or from np.linalg's functions"
            )
        return function(*args, **kwargs)

    return call


def __getattr__(name: str) -> Any:
    value = getattr(_scipy_linalg, name)
    return _refusing_traced(name, value) if callable(value) and not isinstance(value, type) else value
