"""Live views (`now --watch`, `map --watch`): one redraw loop for a terminal, or one line per interval.

On a terminal the view takes the alternate screen and is redrawn in full every interval, and at once
when the terminal is resized or a key is pressed; q, Esc, Ctrl-C or SIGTERM leave it, restoring the
screen and the terminal's modes as they were. A terminal that cannot move its cursor (TERM=dumb) gets
the frames one after another, without escapes. Elsewhere (a pipe, a file) each interval adds a line:
a JSON document, or the text a view prints.
"""

from __future__ import annotations

import os
import re
import select
import signal
import sys
import termios
import time
import tty
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from isstrack.render.jsonout import write_json_line

ENTER_SCREEN = "\x1b[?1049h\x1b[?25l\x1b[2J"
LEAVE_SCREEN = "\x1b[0m\x1b[?25h\x1b[?1049l"
DEFAULT_SIZE = os.terminal_size((80, 24))  # for a pty that reports no size
DUMB_TERMS = ("dumb", "unknown")  # terminals that print escape sequences as text (as Rich reads TERM)
_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# The whole screen as text, for a moment and a terminal of (columns, lines).
Screen = Callable[[datetime, int, int], str]
# Told each key pressed (a character, or "left", "right", "shift-left", "shift-right", "up", "down").
KeyHandler = Callable[[str], None]
QUIT_HINT = "q or Ctrl-C quits"
QUIT_KEYS = frozenset({"q", "Q", "esc"})
ESCAPE_WAIT_S = 0.05  # an Esc followed this soon by more bytes starts an escape sequence
_SEQUENCES = {
    "[A": "up",
    "[B": "down",
    "[C": "right",
    "[D": "left",
    "[1;2C": "shift-right",
    "[1;2D": "shift-left",
    "[1;2A": "shift-up",
    "[1;2B": "shift-down",
}


def parse_keys(data: str) -> list[str]:
    """Return the keys in `data`: characters, named arrows, "esc" for a lone Esc; other sequences dropped."""
    keys: list[str] = []
    index = 0
    while index < len(data):
        char = data[index]
        if char != "\x1b":
            keys.append(char)
            index += 1
            continue
        if index + 1 >= len(data) or data[index + 1] not in "[O":
            keys.append("esc")
            index += 1
            continue
        end = index + 2  # a CSI or SS3 sequence runs to its final byte (@ to ~)
        while end < len(data) and not "@" <= data[end] <= "~":
            end += 1
        body = "[" + data[index + 2 : end + 1]
        if body in _SEQUENCES:
            keys.append(_SEQUENCES[body])
        index = end + 1
    return keys


def _read_keys(fd: int) -> list[str]:
    """Return the keys waiting on `fd`, waiting briefly after an Esc for the rest of a sequence."""
    data = os.read(fd, 256).decode("utf-8", "replace")
    while data.endswith("\x1b") or (data.rfind("\x1b") >= 0 and _unfinished(data[data.rfind("\x1b") :])):
        ready, _, _ = select.select([fd], [], [], ESCAPE_WAIT_S)
        if not ready:
            break
        data += os.read(fd, 256).decode("utf-8", "replace")
    return parse_keys(data)


def _unfinished(tail: str) -> bool:
    return len(tail) >= 2 and tail[1] in "[O" and not any("@" <= c <= "~" for c in tail[2:])


def _clock(start: datetime) -> Callable[[], datetime]:
    """Return a clock that reads `start` now and runs at the pace of the wall clock."""
    clock_start = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - clock_start)


def watch_lines(show: Callable[[datetime], None], start: datetime, interval: float) -> None:
    """Call `show` with the moment every `interval` seconds from `start` until Ctrl-C."""
    now = _clock(start)
    try:
        while True:
            show(now())
            time.sleep(interval)
    except KeyboardInterrupt:
        return


def json_line(document: dict[str, Any]) -> None:
    """Print one JSON document (the schema version first) on a line of its own, at once."""
    write_json_line(document)


def watch_screen(screen: Screen, start: datetime, interval: float, on_key: KeyHandler | None = None) -> None:
    """Redraw the alternate screen with `screen` every `interval` seconds, on resizes and keys (each
    told to `on_key`), until q, Esc or Ctrl-C.

    On a terminal that cannot redraw (TERM=dumb), print the frames one after another instead.
    """
    out = sys.stdout
    fd = out.fileno()
    if os.environ.get("TERM", "") in DUMB_TERMS:
        watch_lines(lambda when: _print_frame(screen, when, fd), start, interval)
        return
    now = _clock(start)
    key_fd = sys.stdin.fileno() if sys.stdin.isatty() else None
    saved_mode = termios.tcgetattr(key_fd) if key_fd is not None else None
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    os.set_blocking(wake_read, False)
    # Any signal (SIGWINCH for a resize, SIGINT) writes to the pipe and so ends the wait at once.
    previous_wakeup = signal.set_wakeup_fd(wake_write)
    previous_winch = signal.signal(signal.SIGWINCH, lambda *_: None)
    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        if key_fd is not None:
            tty.setcbreak(key_fd)  # keys arrive one by one, unechoed; Ctrl-C still interrupts
        out.write(ENTER_SCREEN)
        out.flush()
        size = os.terminal_size((0, 0))
        while True:
            current = _size(fd)
            if current != size:
                size = current
                out.write("\x1b[2J")  # no fragments of a larger frame left behind
            text = screen(now(), size.columns, size.lines)
            rows = text.count("\n") + 1
            # Below a shorter frame, erase from the next line's start: an erase right after a line
            # that fills the screen's width would wipe its last cell.
            out.write("\x1b[H" + text + (f"\x1b[{rows + 1};1H\x1b[J" if rows < size.lines else ""))
            out.flush()
            waits = [wake_read] if key_fd is None else [wake_read, key_fd]
            ready, _, _ = select.select(waits, [], [], interval)
            if wake_read in ready:
                _drain(wake_read)
            if key_fd is not None and key_fd in ready:
                for key in _read_keys(key_fd):
                    if key in QUIT_KEYS:
                        return
                    if on_key is not None:
                        on_key(key)
    except KeyboardInterrupt:
        return
    finally:
        out.write(LEAVE_SCREEN)
        out.flush()
        if key_fd is not None and saved_mode is not None:
            termios.tcsetattr(key_fd, termios.TCSADRAIN, saved_mode)
        signal.set_wakeup_fd(previous_wakeup)
        signal.signal(signal.SIGWINCH, previous_winch)
        signal.signal(signal.SIGTERM, previous_term)
        os.close(wake_read)
        os.close(wake_write)


def _size(fd: int) -> os.terminal_size:
    current = os.get_terminal_size(fd)
    return DEFAULT_SIZE if current.columns < 1 or current.lines < 1 else current


def _print_frame(screen: Screen, when: datetime, fd: int) -> None:
    """Print one frame as plain lines (no escapes, no padding) and a blank line after it."""
    size = _size(fd)
    lines = [line.rstrip() for line in _ESCAPE.sub("", screen(when, size.columns, size.lines)).split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    sys.stdout.write("\n".join(lines) + "\n\n")
    sys.stdout.flush()


def _drain(fd: int) -> None:
    while True:
        try:
            if not os.read(fd, 512):
                return
        except BlockingIOError:
            return


def _raise_interrupt(*_: Any) -> None:
    raise KeyboardInterrupt


def rich_screen(console: Any, view: Callable[[Any], Any], columns: int, lines: int) -> str:
    """Return the Rich renderable `view(console)` drawn on a whole screen of `columns` x `lines`."""
    from rich.screen import Screen as FullScreen

    console.size = (columns, lines)
    with console.capture() as captured:
        console.print(FullScreen(view(console)), end="")  # every line padded to the width, every line drawn
    text: str = captured.get()
    return text
