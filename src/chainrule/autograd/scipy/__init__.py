"""``chainrule.autograd.scipy``: HIPS autograd's SciPy wrappers, on chainrule's rules.

- :mod:`.special`: SciPy's special functions (those with rows in chainrule's rule table dispatch on traced
  values; ``polygamma``, ``multigammaln``, ``jn``, ``logsumexp`` ... are written here),
- :mod:`.stats`: ``norm``, ``t``, ``gamma``, ``chi2``, ``beta``, ``poisson``, ``dirichlet`` and
  ``multivariate_normal``, written with those functions,
- :mod:`.misc`: ``logsumexp``,
- :mod:`.signal`: autograd's generalized ``convolve``,
- :mod:`.linalg`: ``sqrtm``, ``solve_sylvester``, ``solve_triangular`` and ``solve_banded``, differentiable,
  and the rest of ``scipy.linalg``,
- :mod:`.integrate`: ``odeint``, without derivatives (traced arguments raise).

SciPy is needed (it is imported with this package, never with chainrule itself).
"""

from chainrule.autograd.scipy import integrate, linalg, misc, signal, special, stats

__all__ = ["integrate", "linalg", "misc", "signal", "special", "stats"]
