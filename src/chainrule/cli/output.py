"""Terminal output: rich tables and progress bars when ``rich`` is installed, plain text otherwise.

A failure to write standard output (a full disk, ``/dev/full``) is raised as :class:`StandardOutputError`,
so the command can say so in one line; a closed pipe stays a :class:`BrokenPipeError` (rich's own handling,
which exits, is replaced by that), which the command ends on quietly.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["Output", "StandardOutputError", "writing_stdout"]


class StandardOutputError(OSError):
    """Standard output cannot be written (not a closed pipe: that is a ``BrokenPipeError``)."""


@contextmanager
def writing_stdout() -> Iterator[None]:
    """Turn an ``OSError`` while writing standard output into :class:`StandardOutputError`."""
    try:
        yield
    except BrokenPipeError:
        raise
    except StandardOutputError:
        raise
    except OSError as exc:
        raise StandardOutputError(exc.errno, exc.strerror) from exc


def _rich_console() -> Any:
    from rich.console import Console

    class QuietConsole(Console):
        def on_broken_pipe(self) -> None:  # rich would exit with status 1; the command decides instead
            self.quiet = True
            raise BrokenPipeError(errno.EPIPE, "standard output was closed")

    return QuietConsole(soft_wrap=True, highlight=False)


# A longer table is written as plain columns even with rich: rich lays out 1,400 rows in half a second, and a
# table that long scrolls past its borders anyway.
RICH_TABLE_ROWS = 200


class Output:
    """Writes headings, lines, tables and progress to standard output, in colour when it can.

    Parameters
    ----------
    plain : bool
        Never use ``rich``, even when it is installed.
    """

    def __init__(self, plain: bool = False) -> None:
        self._console: Any = None
        if not plain:
            with contextlib.suppress(ImportError):  # rich is optional: plain text then
                self._console = _rich_console()

    def heading(self, text: str) -> None:
        """A section title."""
        with writing_stdout():
            self._heading(text)

    def _heading(self, text: str) -> None:
        if self._console is not None:
            self._console.rule(f"[bold]{_escape(text)}")
        else:
            print(f"\n== {text} ==")

    def line(self, text: str = "") -> None:
        """One line (or several) of plain text."""
        with writing_stdout():
            self._line(text)

    def _line(self, text: str) -> None:
        if self._console is not None:
            self._console.print(_escape(text))
        else:
            print(text)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None) -> None:
        """A table of text cells."""
        with writing_stdout():
            self._table(headers, rows, title)

    def _table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None) -> None:
        if self._console is not None and len(rows) <= RICH_TABLE_ROWS:
            from rich.table import Table

            table = Table(title=title)
            for header in headers:
                table.add_column(_escape(header))
            for row in rows:
                table.add_row(*(_escape(cell) for cell in row))
            self._console.print(table)
            return
        widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
        if title:
            print(title)
        for row in [list(headers), *rows]:
            print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())

    @contextmanager
    def progress(self, total: int, description: str) -> Iterator[Callable[..., None]]:
        """A context whose value ``advance(text)`` moves a progress bar one step along."""
        if self._console is None:
            done = [0]

            def advance(text: str = "") -> None:
                done[0] += 1
                if done[0] == total or done[0] % max(1, total // 10) == 0:
                    self.line(f"{description} {done[0]}/{total} {text}".rstrip())

            yield advance
            return
        from rich.progress import Progress

        bar = Progress(console=self._console, transient=False)
        with writing_stdout():
            bar.start()
        try:
            task = bar.add_task(description, total=total)

            def move(text: str = "") -> None:
                with writing_stdout():
                    bar.update(task, advance=1, description=f"{description} {text}")

            yield move
        finally:
            with writing_stdout():
                bar.stop()


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
