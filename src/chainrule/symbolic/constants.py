"""The irrational constants the rule table's rows compute in floating point, written exactly again.

A row's rule is written with NumPy, so its constants are floats: erf's derivative is ``2/sqrt(pi) e^(-x^2)``
with ``2/sqrt(pi)`` already a number, exp2's has ``ln 2``. Differentiated symbolically, those floats would
print as ``1.1283791670955126``. :func:`exact_constant` recognises the few constants rows use (to within a
few units in the last place, however they were computed) and gives their exact expressions, so that
``diff("erf(x)")`` is ``2*exp(-x^2)/sqrt(pi)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from chainrule.symbolic.algebra import mul, power
from chainrule.symbolic.expr import HALF, PI, E, Expr, number
from chainrule.symbolic.functions import call

__all__ = ["exact_constant"]

_TWO = number(2)


def _log(n: int) -> Expr:
    return call("log", number(n))


# value -> its exact expression (built when first asked for)
_FORMS: list[tuple[float, Callable[[], Expr]]] = [
    (math.pi, lambda: PI),
    (1 / math.pi, lambda: power(PI, number(-1))),
    (math.pi / 180, lambda: mul(PI, power(number(180), number(-1)))),
    (180 / math.pi, lambda: mul(number(180), power(PI, number(-1)))),
    (math.sqrt(math.pi), lambda: power(PI, HALF)),
    (1 / math.sqrt(math.pi), lambda: power(PI, number(-HALF.value))),
    (2 / math.sqrt(math.pi), lambda: mul(_TWO, power(PI, number(-HALF.value)))),
    (math.sqrt(2 * math.pi), lambda: power(mul(_TWO, PI), HALF)),
    (1 / math.sqrt(2 * math.pi), lambda: power(mul(_TWO, PI), number(-HALF.value))),
    (math.sqrt(2), lambda: power(_TWO, HALF)),
    (1 / math.sqrt(2), lambda: power(_TWO, number(-HALF.value))),
    (math.e, lambda: E),
    (math.log(2), lambda: _log(2)),
    (1 / math.log(2), lambda: power(_log(2), number(-1))),
    (math.log(10), lambda: _log(10)),
    (1 / math.log(10), lambda: power(_log(10), number(-1))),
]
_BY_KEY = {round(value, 12): (value, build) for value, build in _FORMS}
_built: dict[float, Expr] = {}


def exact_constant(value: float) -> Expr | None:
    """The exact expression of ``value`` if it is one of the constants rows compute, else None.

    Examples
    --------
    >>> import math
    >>> exact_constant(2 / math.sqrt(math.pi)), exact_constant(0.1)
    (2/sqrt(pi), None)
    """
    found = _BY_KEY.get(round(value, 12))
    if found is None or not math.isclose(value, found[0], rel_tol=8 * 2.0**-52, abs_tol=0.0):
        return None
    expr = _built.get(found[0])
    if expr is None:
        expr = _built[found[0]] = found[1]()
    return expr
