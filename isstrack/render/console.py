"""Rich consoles for results (stdout) and messages (stderr), plain when piped or NO_COLOR is set."""

from __future__ import annotations

import os
import sys
from typing import IO, Any

PIPED_WIDTH = 120


class StdoutClosed(Exception):
    """Signal that the reader of the output went away (`| head -1`); the CLI exits 0 quietly."""


def _console_class() -> Any:
    from rich.console import Console

    class QuietOnClosedPipe(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit 1 (our "nothing found"); say what happened and let the CLI decide.
            self.quiet = True
            raise StdoutClosed()

    return QuietOnClosedPipe


def make_console(stream: IO[str] | None = None) -> Any:
    """Return a Rich console on `stream`: a terminal one (colour unless NO_COLOR), else plain text."""
    Console = _console_class()

    stream = stream or sys.stdout
    is_tty = bool(getattr(stream, "isatty", lambda: False)())
    if is_tty:  # NO_COLOR removes colour only; the terminal still redraws in place
        return Console(file=stream, highlight=False, emoji=False, no_color=bool(os.environ.get("NO_COLOR")))
    return Console(
        file=stream,
        width=_piped_width(),
        no_color=True,
        color_system=None,
        force_terminal=False,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )


def _piped_width() -> int:
    """Return the width for piped output: $COLUMNS when set to a sane number, else 120."""
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and 40 <= int(columns) <= 1000 else PIPED_WIDTH


def wrap_for(stream: IO[str], line: str) -> str:
    """Return `line` wrapped at word boundaries to the terminal's width when `stream` is one, else as is."""
    try:
        if not stream.isatty():
            return line
        width = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return line
    if len(line) <= width or width < 20:
        return line
    import textwrap

    return textwrap.fill(
        line, width=width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )
