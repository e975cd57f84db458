"""Rich consoles for results (stdout) and messages (stderr), plain when piped or NO_COLOR is set."""

from __future__ import annotations

import os
import sys
from typing import IO, Any

PIPED_WIDTH = 120


def make_console(stream: IO[str] | None = None) -> Any:
    """Return a Rich console on `stream`: a terminal one (colour unless NO_COLOR), else plain text."""
    from rich.console import Console

    stream = stream or sys.stdout
    is_tty = bool(getattr(stream, "isatty", lambda: False)())
    if is_tty:  # NO_COLOR removes colour only; the terminal still redraws in place
        return Console(file=stream, highlight=False, emoji=False, no_color=bool(os.environ.get("NO_COLOR")))
    return Console(
        file=stream,
        width=PIPED_WIDTH if not is_tty else None,
        no_color=True,
        color_system=None,
        force_terminal=False,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )
