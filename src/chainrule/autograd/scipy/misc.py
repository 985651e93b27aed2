"""``chainrule.autograd.scipy.misc``: ``logsumexp``, where autograd's older releases (and SciPy's, before it
moved to ``scipy.special``) kept it. It is :func:`chainrule.autograd.scipy.special.logsumexp`."""

from __future__ import annotations

from chainrule.autograd.scipy.special import logsumexp

__all__ = ["logsumexp"]
