"""``chainrule.autograd.scipy.stats``: HIPS autograd's SciPy distributions, written with chainrule's
differentiable NumPy and special functions.

Each distribution is a module with SciPy's function names and signatures: :mod:`.norm`, :mod:`.t`,
:mod:`.gamma`, :mod:`.chi2`, :mod:`.beta`, :mod:`.poisson`, :mod:`.dirichlet` and
:mod:`.multivariate_normal`. Their values are SciPy's (out-of-range parameters give nan, points outside the
support a density of 0), and they broadcast as SciPy's do.
"""

from chainrule.autograd.scipy.stats import (
    beta,
    chi2,
    dirichlet,
    gamma,
    multivariate_normal,
    norm,
    poisson,
    t,
)

__all__ = ["beta", "chi2", "dirichlet", "gamma", "multivariate_normal", "norm", "poisson", "t"]
