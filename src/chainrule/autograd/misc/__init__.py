"""HIPS autograd's ``misc``: flattening containers of arrays into one vector, and ``const_graph``."""

from chainrule.autograd.misc.flatten import flatten
from chainrule.autograd.misc.tracers import const_graph

__all__ = ["const_graph", "flatten"]
