"""How a run of the command ends: a status and at most one line on stderr, never a traceback for a mistake.

=======  =====================================================================================
status   when
=======  =====================================================================================
0        done
1        an output could not be written (standard output or a file: a full disk, ``/dev/full``)
2        a mistake in the command: a parse error, a bad option or value, a number too large for
         a float64, a missing optional package, a training run that diverged
130      interrupted by Ctrl-C (128 + SIGINT, as a shell reports it)
141      standard output was closed (``chainrule tour | head``): 128 + SIGPIPE, silently
=======  =====================================================================================

Anything else is a bug in chainrule and keeps its traceback, so that it can be reported.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable

from chainrule.cli.output import StandardOutputError, writing_stdout
from chainrule.errors import ChainruleError

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_PIPE", "EXIT_USAGE", "Session"]

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_PIPE = 1, 2, 130, 141


def _reason(exc: BaseException) -> str:
    # math.pow's OverflowError carries (errno, text)
    if len(exc.args) == 2 and isinstance(exc.args[1], str):
        return exc.args[1]
    return str(exc)


class Session:
    """One run of the command; ``name`` (``"chainrule diff"``) prefixes its messages once it is known.

    Examples
    --------
    >>> from chainrule.errors import ChainruleValueError
    >>> def mistake() -> int:
    ...     raise ChainruleValueError("--at: no value for x")
    >>> Session().run(lambda: 0), Session().run(mistake)  # the second also wrote one line to stderr
    (0, 2)
    """

    def __init__(self) -> None:
        self.name = "chainrule"

    def say(self, text: str) -> None:
        """One line on standard error (which may itself be gone: then nothing)."""
        with contextlib.suppress(OSError, ValueError):
            print(f"{self.name}: {text}", file=sys.stderr)

    def run(self, work: Callable[[], int]) -> int:
        """``work()``'s status, or the status and one line for each way it can stop short."""
        try:
            status = work()
            with writing_stdout():
                sys.stdout.flush()  # a full disk shows here, while it can still be reported
            return status
        except BrokenPipeError:
            _discard_stdout()
            return EXIT_PIPE
        except StandardOutputError as exc:
            _discard_stdout()
            self.say(f"error: cannot write to standard output: {exc.strerror}")
            return EXIT_FAILED
        except KeyboardInterrupt:
            self.say("interrupted")
            return EXIT_INTERRUPTED
        except ChainruleError as exc:  # the user's mistake: a parse error, an unknown variable, a bad value
            self.say(f"error: {exc}")
        except ImportError as exc:  # an optional dependency (matplotlib, rich) is missing
            self.say(str(exc))
        except OverflowError as exc:  # exact integers from the input (2^10000) meeting floats
            self.say(
                f"error: a number is too large for a float64 (the largest is about 1.8e308): {_reason(exc)}"
            )
        except MemoryError:
            self.say("error: out of memory: the result is too large to compute")
        except OSError as exc:  # a file could not be written after the checks (a full disk ...)
            self.say(f"error: {exc}")
            return EXIT_FAILED
        return EXIT_USAGE


def _discard_stdout() -> None:
    """Point standard output at the null device, so that Python's final flush of what is still buffered
    cannot fail again on the way out (the recipe of Python's documentation for SIGPIPE)."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):  # captured or replaced: nothing to do
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, descriptor)
    finally:
        os.close(null)
