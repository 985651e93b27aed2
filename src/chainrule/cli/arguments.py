"""Reading the command line's options: value types that refuse what would go wrong later, and parsing that
shows the usage of the command a mistake was made in."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["Once", "natural", "parse_arguments", "positive_finite", "positive_integer"]


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None


def natural(text: str) -> int:
    """An argparse type: an integer 0, 1, 2 ... (a seed)."""
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}")
    return value


def positive_integer(text: str) -> int:
    """An argparse type: an integer 1, 2, 3 ... (a number of steps)."""
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def positive_finite(text: str) -> float:
    """An argparse type: a float above 0 and below infinity (``inf``, ``nan`` and ``1e999`` are refused).

    Examples
    --------
    >>> positive_finite("1e-3")
    0.001
    >>> positive_finite("inf")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a positive finite number, got 'inf'
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return value


class Once(argparse.Action):
    """An option that may be given once: a second ``--wrt`` is refused (argparse would silently keep the
    last), with ``hint`` (if any) saying what to do instead.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="demo", exit_on_error=False)
    >>> _ = parser.add_argument("--wrt", action=Once, hint="one variable at a time")
    >>> parser.parse_args(["--wrt", "x"]).wrt
    'x'
    """

    def __init__(self, option_strings: Sequence[str], dest: str, hint: str = "", **kwargs: Any) -> None:
        super().__init__(option_strings, dest, **kwargs)
        self.hint = hint

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        given: dict[str, Any] = namespace.__dict__.setdefault("_given_once", {})
        if self.dest in given:
            hint = f": {self.hint}" if self.hint else ""
            parser.error(
                f"{option_string} is given twice ({given[self.dest]} and {values}); give it once{hint}"
            )
        given[self.dest] = values
        setattr(namespace, self.dest, values)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def parse_arguments(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace | int:
    """The parsed arguments, or the exit status once argparse has printed a usage error, help or version.

    An unknown option after a command is reported with that command's usage (``chainrule diff x --bogus``
    shows ``usage: chainrule diff ...``), not the top-level one.

    Examples
    --------
    >>> from chainrule.cli import build_parser
    >>> parse_arguments(build_parser(), ["diff", "x^2", "--order", "2"]).order
    2
    >>> parse_arguments(build_parser(), ["diff", "x^2", "--bogus"])  # the usage went to stderr
    2
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args, extra = parser.parse_known_args(arguments)
        if extra:
            command = getattr(args, "command", None)
            sub = _subcommands(parser).get(command or "")
            after = command in arguments and arguments.index(command) < arguments.index(extra[0])
            (sub if sub is not None and after else parser).error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    return args
