"""autograd's module name for the array vector spaces (see :mod:`chainrule.autograd.vspaces`)."""

from chainrule.autograd.vspaces import ArrayVSpace, ComplexArrayVSpace

__all__ = ["ArrayVSpace", "ComplexArrayVSpace"]
