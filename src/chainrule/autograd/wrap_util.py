"""Turning an operator on one argument into one on any of a function's arguments, as HIPS autograd does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["get_name", "unary_to_nary", "wraps"]


def get_name(f: Any) -> str:
    return str(getattr(f, "__name__", "[unknown name]"))


def wraps(fun: Any, namestr: str = "{fun}", docstr: str = "{doc}", **kwargs: Any) -> Callable[[Any], Any]:
    """Give the wrapper a name and docstring made from ``fun``'s."""

    def _wraps(f: Any) -> Any:
        try:
            f.__name__ = namestr.format(fun=get_name(fun), **kwargs)
            f.__doc__ = docstr.format(fun=get_name(fun), doc=getattr(fun, "__doc__", "") or "", **kwargs)
        except (AttributeError, TypeError, KeyError, ValueError):
            pass
        return f

    return _wraps


def _substituted(args: tuple[Any, ...], argnum: Any, x: Any) -> tuple[Any, ...]:
    new = list(args)
    if isinstance(argnum, int):
        new[argnum] = x
    else:
        for i, value in zip(argnum, x, strict=True):
            new[i] = value
    return tuple(new)


def unary_to_nary(unary_operator: Callable[..., Any]) -> Callable[..., Any]:
    """``op(fun, x)`` on one value becomes ``op(fun, argnum=0)(*args)``: ``argnum`` an int, or a tuple or
    list of them (the operator then sees the tuple of those arguments)."""

    def nary_operator(fun: Callable[..., Any], argnum: Any = 0, *op_args: Any, **op_kwargs: Any) -> Any:
        if type(argnum) not in (int, tuple, list):
            raise TypeError(f"argnum must be an int, or a tuple or list of them, not {argnum!r}")

        def nary_f(*args: Any, **kwargs: Any) -> Any:
            def unary_f(x: Any) -> Any:
                return fun(*_substituted(args, argnum, x), **kwargs)

            wraps(fun)(unary_f)
            x = args[argnum] if isinstance(argnum, int) else tuple(args[i] for i in argnum)
            return unary_operator(unary_f, x, *op_args, **op_kwargs)

        docstr = (
            "    {op} of function {fun} with respect to argument number {argnum}. Takes the\n"
            "    same arguments as {fun} but returns the {op}.\n"
        )
        name = get_name(unary_operator)
        return wraps(fun, "{op}_of_{fun}_wrt_argnum_{argnum}", docstr, op=name, argnum=argnum)(nary_f)

    nary_operator.__name__ = get_name(unary_operator)
    nary_operator.__doc__ = unary_operator.__doc__
    return nary_operator
