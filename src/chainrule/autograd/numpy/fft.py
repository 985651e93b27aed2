"""NumPy's fft module, as ``chainrule.autograd.numpy.fft``: its functions dispatch on traced values."""

from numpy.fft import *  # noqa: F403


def _wrap() -> None:
    import numpy.fft as _source

    from chainrule.autograd.numpy.wrapping import wrap_namespace

    wrap_namespace(vars(_source), globals(), keep=set())


_wrap()
