"""The error for a traced value turned into a plain NumPy array, saying what to write instead.

NumPy's protocols cannot intercept ``np.array([t, u])``, ``X.dot(t)`` on a plain ``X``, a list of traced
values given to a NumPy function, or ``y[i] = t`` into a plain array: NumPy converts the traced value itself
(through ``__array__`` or ``__float__``), which would silently drop its derivative. The conversion is
refused, and the message names the idiom found at the user's line (the instruction being run and its source
text) and the code that keeps the derivative.
"""

from __future__ import annotations

import dis
import linecache
import re
import sys
from types import FrameType

from chainrule.errors import GraphError

__all__ = ["conversion_error", "storing_into_plain_array"]

_STORE_SUBSCR = dis.opmap["STORE_SUBSCR"]
_INTERNAL = ("numpy", "chainrule.core", "chainrule.autograd")

_DETACH = "if dropping the derivative is intended, convert t.detach() instead"
_ADVICE = {
    "fill": (
        "assigning a traced value into a plain NumPy array (y = np.zeros(n); y[i] = t) would silently drop "
        "its derivative. Start from an array that is traced, y = np.zeros_like(x) with x traced (its "
        "assignments are recorded), or collect the values in a list and combine them with np.stack(values)"
    ),
    "array": (
        "np.array([...]) / np.asarray([...]) of traced values cannot be seen by NumPy's protocols and would "
        "silently drop their derivatives. Write np.stack([...]) to stack them along a new axis, "
        "np.concatenate([...]) to join them along an existing axis, or np.hstack([...]) for a flat vector; "
        "np.array(t) of one traced array is t itself (or np.copy(t))"
    ),
    "dot": (
        "X.dot(t) with X a plain NumPy array runs NumPy's own dot, which cannot see a traced t and would "
        "silently drop its derivative. Write np.dot(X, t) or X @ t"
    ),
    "list": (
        "{name}(...) was given a list containing traced values, which NumPy turns into a plain array and so "
        "would silently drop their derivatives. Combine them first: {name}(np.stack([...])), or "
        "np.concatenate / np.hstack"
    ),
    "full": (
        "{name}(...) with a traced fill value runs inside NumPy, which builds a plain array and so would "
        "silently drop the derivative. Write np.full(shape, t, like=t) or np.zeros(shape) + t, and for "
        "np.full_like(a, t) with a plain a, np.zeros_like(a) + t (np.full_like(x, t) with x traced works)"
    ),
    "copyto": (
        "np.copyto(dst, t) into a plain NumPy array would silently drop the derivative of t; copy into a "
        "traced array instead (dst = np.zeros_like(t); np.copyto(dst, t)), or use t itself"
    ),
    "other": (
        "a traced value was converted to a plain NumPy array (np.asarray, np.array, ...), which would "
        "silently drop its derivative. Keep it in NumPy calls; to build an array from traced values use "
        "np.stack / np.concatenate, for X.dot(t) write X @ t, and to fill an array start from "
        "np.zeros_like(x)"
    ),
}


def _user_frame() -> tuple[FrameType | None, str]:
    """The first frame outside NumPy and chainrule's engine, and the NumPy function called on the way."""
    frame: FrameType | None = sys._getframe(1)
    numpy_function = ""
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_INTERNAL):
        if frame.f_globals.get("__name__", "").startswith("numpy"):
            numpy_function = frame.f_code.co_name
        frame = frame.f_back
    return frame, numpy_function


def _source(frame: FrameType) -> str:
    """The source text of the instruction ``frame`` is running (empty when the source is unknown)."""
    positions = list(frame.f_code.co_positions())
    index = frame.f_lasti // 2
    if not 0 <= index < len(positions):
        return ""
    line, end_line, col, end_col = positions[index]
    if line is None or end_line is None or col is None or end_col is None:
        return ""
    lines = [
        linecache.getline(frame.f_code.co_filename, n, frame.f_globals) for n in range(line, end_line + 1)
    ]
    if not any(lines):
        return ""
    if len(lines) == 1:
        return lines[0][col:end_col]
    return "".join([lines[0][col:], *lines[1:-1], lines[-1][:end_col]])


def _is_store(frame: FrameType) -> bool:
    code = frame.f_code.co_code
    return 0 <= frame.f_lasti < len(code) and code[frame.f_lasti] == _STORE_SUBSCR


def _idiom(frame: FrameType | None, numpy_function: str) -> tuple[str, str]:
    if frame is None:
        return "other", ""
    if _is_store(frame):
        return "fill", ""
    text = _source(frame)
    callee = re.match(r"\s*([\w.]+)\s*\(", text)
    name = callee.group(1) if callee else ""
    if name.endswith(".dot") and not name.startswith(("np.", "numpy.")):
        return "dot", text
    if name.rpartition(".")[2] in ("array", "asarray", "asanyarray", "ascontiguousarray"):
        return "array", text
    if numpy_function in ("full", "full_like") or name.rpartition(".")[2] in ("full", "full_like"):
        return "full", name or f"np.{numpy_function}"
    if name.rpartition(".")[2] == "copyto":
        return "copyto", name
    if numpy_function or name.startswith(("np.", "numpy.")):
        return "list", name or f"np.{numpy_function}"
    return "other", text


def conversion_error() -> GraphError:
    """The error to raise from ``__array__`` (or ``__float__``) of a traced value, naming the idiom."""
    frame, numpy_function = _user_frame()
    kind, detail = _idiom(frame, numpy_function)
    message = _ADVICE[kind].format(name=detail or "the NumPy function")
    where = f" (at `{detail.strip()}`)" if detail and kind in ("array", "dot", "other") else ""
    return GraphError(f"{message}{where}; {_DETACH}")


def storing_into_plain_array() -> bool:
    """True when the conversion under way is NumPy storing the value into a plain array (``y[i] = t``)."""
    frame, _ = _user_frame()
    return frame is not None and _is_store(frame)
