"""Rich consoles for results (stdout) and messages (stderr), plain when piped or NO_COLOR is set."""

from __future__ import annotations

import os
import sys
from typing import IO, Any

PIPED_WIDTH = 120
INDENT = "  "  # how a line broken to fit the terminal goes on


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


def terminal_width(stream: IO[str]) -> int | None:
    """Return the columns of the terminal `stream` writes to, or None when it is no terminal."""
    try:
        if not stream.isatty():
            return None
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return None


def wrap_for(stream: IO[str], line: str, detail: str | None = None) -> str:
    """Return `line` wrapped at word boundaries to the terminal's width when `stream` is one, else as is.

    `detail` (what to do about it) follows on a line of its own, indented like the wrapped lines.
    """
    width = terminal_width(stream)
    lines = [line] if detail is None else [line, f"{INDENT}{detail}"]
    if width is None or width < 20:
        return "\n".join(lines)
    import textwrap

    return "\n".join(
        part
        if len(part) <= width
        else textwrap.fill(
            part, width=width, subsequent_indent=INDENT, break_long_words=False, break_on_hyphens=False
        )
        for part in lines
    )


def fit_parts(parts: list[str], width: int | None, indent: str = INDENT) -> list[str]:
    """Return `parts` joined into lines of at most `width` columns, breaking only between parts.

    Each part carries its own separator (", ", " · "); a line's trailing spaces and " ·" are dropped,
    and lines after the first start with `indent`. A part too long for a line of its own breaks
    between words. With no width (not a terminal) the parts make one line, as scripts read it.
    """
    import textwrap

    joined = "".join(parts).rstrip()
    if width is None or len(joined) <= width:
        return [joined]
    lines: list[str] = []
    current = ""
    for part in parts:
        if current.strip() and len((current + part).rstrip()) > width:
            lines.append(current.rstrip().removesuffix(" ·"))  # the break separates, as in a title
            current = indent
        current += part
    lines.append(current.rstrip())
    return [
        wrapped
        for line in lines
        for wrapped in (
            [line]
            if len(line) <= width
            else textwrap.wrap(
                line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
            )
        )
    ]
