"""HIPS autograd's ``misc``: flattening containers of arrays into one vector, ``const_graph``, and the
optimizers of :mod:`chainrule.autograd.misc.optimizers` (``sgd``, ``rmsprop``, ``adam``)."""

from chainrule.autograd.misc.flatten import flatten
from chainrule.autograd.misc.tracers import const_graph

__all__ = ["const_graph", "flatten"]
