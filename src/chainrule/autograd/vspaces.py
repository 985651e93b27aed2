"""Vector spaces of values, as HIPS autograd describes them: the shape and dtype a derivative of a value has.

``vspace(x)`` gives the space of ``x`` (an array or number, real or complex, or a tuple, list or dict of
them) with its zeros, ones, random vectors, standard basis, inner product and covector (the complex
conjugate, for complex spaces). :mod:`chainrule.autograd.test_util` and the differential operators use them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import numpy as np

from chainrule.core.primitive import Traced
from chainrule.core.rules._util import concrete

__all__ = ["ArrayVSpace", "ComplexArrayVSpace", "VSpace", "vspace"]


class VSpace:
    """The space a value's derivatives live in (see :func:`vspace`)."""

    iscomplex = False
    mappings: ClassVar[dict[type, Callable[[Any], VSpace]]] = {}
    shape: Any = ()

    def __init__(self, value: Any) -> None:
        self.shape = ()

    @property
    def size(self) -> int:
        raise NotImplementedError

    def zeros(self) -> Any:
        raise NotImplementedError

    def ones(self) -> Any:
        raise NotImplementedError

    def standard_basis(self) -> Iterator[Any]:
        raise NotImplementedError

    def randn(self) -> Any:
        raise NotImplementedError

    def add(self, x: Any, y: Any) -> Any:
        return x + y

    def scalar_mul(self, x: Any, a: Any) -> Any:
        return x * a

    def inner_prod(self, x: Any, y: Any) -> Any:
        raise NotImplementedError

    def covector(self, x: Any) -> Any:
        return x

    def examples(self) -> Iterator[Any]:
        yield self.zeros()
        yield self.ones()
        yield self.randn()

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), repr(self.__dict__)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}_{self.__dict__}"

    @classmethod
    def register(cls, value_type: type, vspace_maker: Callable[[Any], VSpace] | None = None) -> None:
        """Use ``vspace_maker`` (by default this class) for values of ``value_type``."""
        VSpace.mappings[value_type] = vspace_maker or cls


class ArrayVSpace(VSpace):
    """Real arrays and numbers of one shape and dtype."""

    def __init__(self, value: Any) -> None:
        value = np.asarray(value)
        self.shape = value.shape
        self.dtype = value.dtype

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def zeros(self) -> Any:
        return np.zeros(self.shape, dtype=self.dtype)

    def ones(self) -> Any:
        return np.ones(self.shape, dtype=self.dtype)

    def standard_basis(self) -> Iterator[Any]:
        for index in np.ndindex(*self.shape):
            vector = np.zeros(self.shape, dtype=self.dtype)
            vector[index] = 1
            yield vector

    def randn(self) -> Any:
        # NumPy's global generator, as autograd's: its tests seed it with np.random.seed
        return np.array(np.random.randn(*self.shape)).astype(self.dtype)  # noqa: NPY002

    def inner_prod(self, x: Any, y: Any) -> Any:
        return np.dot(np.ravel(x), np.ravel(y))


class ComplexArrayVSpace(ArrayVSpace):
    """Complex arrays and numbers: twice the real dimension, with the real inner product Re(conj(x) y)."""

    iscomplex = True

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) * 2

    def ones(self) -> Any:
        return np.ones(self.shape, dtype=self.dtype) * (1.0 + 1.0j)

    def standard_basis(self) -> Iterator[Any]:
        for index in np.ndindex(*self.shape):
            for unit in (1.0, 1.0j):
                vector = np.zeros(self.shape, dtype=self.dtype)
                vector[index] = unit
                yield vector

    def randn(self) -> Any:
        real = np.array(np.random.randn(*self.shape)).astype(self.dtype)  # noqa: NPY002  (as above)
        imag = np.array(np.random.randn(*self.shape)).astype(self.dtype)  # noqa: NPY002
        return real + 1.0j * imag

    def inner_prod(self, x: Any, y: Any) -> Any:
        return np.real(np.dot(np.conj(np.ravel(x)), np.ravel(y)))

    def covector(self, x: Any) -> Any:
        return np.conj(x)


class _ContainerVSpace(VSpace):
    """Tuples, lists and dicts: the product of their entries' spaces."""

    kind: type = tuple

    def __init__(self, value: Any) -> None:
        self.shape = self._map(vspace, value)

    @property
    def size(self) -> int:
        return sum(vs.size for vs in self._values(self.shape))

    def zeros(self) -> Any:
        return self._map(lambda vs: vs.zeros(), self.shape)

    def ones(self) -> Any:
        return self._map(lambda vs: vs.ones(), self.shape)

    def randn(self) -> Any:
        return self._map(lambda vs: vs.randn(), self.shape)

    def standard_basis(self) -> Iterator[Any]:
        zeros = self.zeros()
        for key, vs in self._items(self.shape):
            for basis in vs.standard_basis():
                yield self._replace(zeros, key, basis)

    def add(self, x: Any, y: Any) -> Any:
        return self._map2(lambda vs, a, b: vs.add(a, b), x, y)

    def scalar_mul(self, x: Any, a: Any) -> Any:
        return self._map2(lambda vs, v, _: vs.scalar_mul(v, a), x, x)

    def inner_prod(self, x: Any, y: Any) -> Any:
        return sum(vs.inner_prod(a, b) for vs, a, b in self._zip(x, y))

    def covector(self, x: Any) -> Any:
        return self._map2(lambda vs, v, _: vs.covector(v), x, x)

    # containers of this kind
    def _items(self, value: Any) -> list[tuple[Any, Any]]:
        return list(enumerate(value))

    def _values(self, value: Any) -> list[Any]:
        return [v for _, v in self._items(value)]

    def _build(self, items: list[tuple[Any, Any]]) -> Any:
        return self.kind(v for _, v in items)

    def _map(self, f: Callable[[Any], Any], value: Any) -> Any:
        return self._build([(k, f(v)) for k, v in self._items(value)])

    def _zip(self, x: Any, y: Any) -> list[tuple[Any, Any, Any]]:
        xs, ys = dict(self._items(x)), dict(self._items(y))
        return [(vs, xs[k], ys[k]) for k, vs in self._items(self.shape)]

    def _map2(self, f: Callable[[Any, Any, Any], Any], x: Any, y: Any) -> Any:
        keys = [k for k, _ in self._items(self.shape)]
        return self._build([(k, f(vs, a, b)) for k, (vs, a, b) in zip(keys, self._zip(x, y), strict=True)])

    def _replace(self, value: Any, key: Any, new: Any) -> Any:
        return self._build([(k, new if k == key else v) for k, v in self._items(value)])


class TupleVSpace(_ContainerVSpace):
    kind = tuple


class ListVSpace(_ContainerVSpace):
    kind = list


class DictVSpace(_ContainerVSpace):
    kind = dict

    def _items(self, value: Any) -> list[tuple[Any, Any]]:
        return list(value.items())

    def _build(self, items: list[tuple[Any, Any]]) -> Any:
        return dict(items)


def _array_space(value: Any) -> VSpace:
    return ComplexArrayVSpace(value) if np.iscomplexobj(value) else ArrayVSpace(value)


VSpace.register(np.ndarray, _array_space)
# NumPy's booleans too (np.all of an array is one); a Python bool is no vector, as in autograd
for _real in (float, np.bool_, np.longdouble, np.float64, np.float32, np.float16):
    ArrayVSpace.register(_real)
for _complex in (complex, np.clongdouble, np.complex64, np.complex128):
    ComplexArrayVSpace.register(_complex)
TupleVSpace.register(tuple)
ListVSpace.register(list)
DictVSpace.register(dict)


def vspace(value: Any) -> VSpace:
    """The vector space of ``value`` (a traced value's is that of its values)."""
    maker = VSpace.mappings.get(type(value))
    if maker is not None:
        return maker(value)
    if isinstance(value, Traced):
        return vspace(concrete(value))
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a namedtuple
        return TupleVSpace(value)
    raise TypeError(
        f"Can't find vector space for value {value!r} of type {type(value)}. Valid types are "
        f"{list(VSpace.mappings)}"
    )
