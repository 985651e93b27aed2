"""NumPy's random module, as ``chainrule.autograd.numpy.random`` (autograd's tests import it by that name)."""

from numpy.random import *  # noqa: F403
