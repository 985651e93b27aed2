"""Terminal output: rich tables and progress bars when ``rich`` is installed, plain text otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["Output"]


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
            try:
                from rich.console import Console
            except ImportError:  # rich is optional: plain text then
                pass
            else:
                self._console = Console(soft_wrap=True, highlight=False)

    def heading(self, text: str) -> None:
        """A section title."""
        if self._console is not None:
            self._console.rule(f"[bold]{_escape(text)}")
        else:
            print(f"\n== {text} ==")

    def line(self, text: str = "") -> None:
        """One line (or several) of plain text."""
        if self._console is not None:
            self._console.print(_escape(text))
        else:
            print(text)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None) -> None:
        """A table of text cells."""
        if self._console is not None:
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
    def progress(self, total: int, description: str) -> Iterator[Any]:
        """A context whose value ``advance(text)`` moves a progress bar one step along."""
        if self._console is not None:
            from rich.progress import Progress

            with Progress(console=self._console, transient=False) as bar:
                task = bar.add_task(description, total=total)
                yield lambda text="": bar.update(task, advance=1, description=f"{description} {text}")
            return
        done = [0]

        def advance(text: str = "") -> None:
            done[0] += 1
            if done[0] == total or done[0] % max(1, total // 10) == 0:
                print(f"{description} {done[0]}/{total} {text}".rstrip(), file=sys.stdout)

        yield advance


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
