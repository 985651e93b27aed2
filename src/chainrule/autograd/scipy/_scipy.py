"""SciPy's modules that the wrappers call, imported once here (SciPy ships no type information, so they are
typed ``Any``)."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["integrate", "linalg", "special", "stats"]

integrate: Any = importlib.import_module("scipy.integrate")
linalg: Any = importlib.import_module("scipy.linalg")
special: Any = importlib.import_module("scipy.special")
stats: Any = importlib.import_module("scipy.stats")
