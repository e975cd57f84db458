"""Keys in the watch views on a real pseudo-terminal, read back through a terminal emulator (pyte)."""

from __future__ import annotations

import os
import termios

import pyte

from isstrack.render.watch import parse_keys
from tests.test_watch_terminal import Terminal, _env, _no_child_outlives_its_test, _screen_text

__all__ = ["_no_child_outlives_its_test"]  # the fixture that kills a child a failing test left behind

LEAVE_ALTERNATE = b"\x1b[?1049l"


def _screen(term: Terminal, start: int, rows: int, columns: int) -> str:
    screen = pyte.Screen(columns, rows)
    pyte.ByteStream(screen).feed(term.bytes_from(start))
    return _screen_text(screen)


def _press(term: Terminal, keys: bytes, needle: bytes) -> int:
    """Press `keys` and wait for `needle` to be drawn after them; return where the output then stood."""
    mark = term.size()
    os.write(term.leader, keys)
    term.wait_for(needle, mark)
    return mark


def _exit_status(term: Terminal) -> tuple[int, list[int]]:
    """Wait for the child to leave; return its status and the terminal's local modes left behind."""
    code = term.proc.wait(timeout=30)
    term.reader.join(timeout=10)
    modes = termios.tcgetattr(term.leader)
    os.close(term.leader)
    return code, modes


def test_map_watch_arrows_space_and_esc(isolated_env: dict[str, str], tle_file: str) -> None:
    before = None
    args = ["map", "--watch", "--graphics", "none", "--interval", "0.3", "--tle-file", tle_file]
    term = Terminal([*args, "--city", "Amsterdam", "-q"], _env(isolated_env), 30, 100)
    before = termios.tcgetattr(term.leader)
    term.wait_for(b"q quits")
    first = _screen(term, 0, 30, 100)
    assert "now" in first.splitlines()[-1] and "paused" not in first
    mark = _press(term, b"\x1b[C\x1b[C]", b"+3 min")  # two right arrows and one ]
    assert "+3 min" in _screen(term, mark, 30, 100).splitlines()[-1]
    mark = _press(term, b"\x1b[D", b"+2 min")  # one left arrow: a minute back
    mark = _press(term, b" ", b"paused")
    assert "paused" in _screen(term, mark, 30, 100).splitlines()[-1]
    mark = _press(term, b"0", b"now ")
    assert "paused" not in _screen(term, mark, 30, 100).splitlines()[-1]
    term.settle(0.2)
    os.write(term.leader, b"\x1b")  # Esc alone quits
    code, after = _exit_status(term)
    text = bytes(term.data)
    assert code == 0
    assert b"Traceback" not in text
    assert text.endswith(LEAVE_ALTERNATE)
    # cbreak mode undone: echo and line editing back as they were
    assert after[3] & (termios.ECHO | termios.ICANON) == before[3] & (termios.ECHO | termios.ICANON)
    assert before[3] & termios.ECHO and before[3] & termios.ICANON


def _status(screen: str) -> str:
    """Return the status line: the last line drawn (a map narrower than the screen ends above it)."""
    return [line for line in screen.splitlines() if line.strip()][-1]


def test_map_watch_f_follows_the_station(isolated_env: dict[str, str], tle_file: str) -> None:
    args = ["map", "--watch", "--graphics", "none", "--interval", "0.3", "--tle-file", tle_file, "-q"]
    term = Terminal([*args, "--width", "80"], _env(isolated_env), 30, 100)
    term.wait_for(b"q quits")
    first = _screen(term, 0, 30, 100)
    assert "f follow" in _status(first) and "following" not in first
    mark = _press(term, b"f", b"following")
    shown = _screen(term, mark, 30, 100).splitlines()
    assert "following" in _status("\n".join(shown))
    assert _status("\n".join(shown)).rstrip().endswith("q quits")  # nothing of the longer line before
    station = [line.index("✦") for line in shown if "✦" in line and "ISS" not in line]
    assert station == [40]  # the middle of the 80-column map
    mark = _press(term, b"[", b"-1 min")  # still following after a step back
    assert [line.index("✦") for line in _screen(term, mark, 30, 100).splitlines() if "✦" in line][:1] == [40]
    mark = _press(term, b"f", b"-1 min  1.5")
    assert "following" not in _status(_screen(term, mark, 30, 100))
    os.write(term.leader, b"q")
    code, _ = _exit_status(term)
    assert code == 0


def test_map_watch_quits_on_q(isolated_env: dict[str, str], tle_file: str) -> None:
    args = ["map", "--watch", "--graphics", "none", "--interval", "0.3", "--tle-file", tle_file, "-q"]
    term = Terminal(args, _env(isolated_env), 30, 100)
    term.wait_for(b"q quits")
    os.write(term.leader, b"q")
    code, after = _exit_status(term)
    assert code == 0 and bytes(term.data).endswith(LEAVE_ALTERNATE)
    assert after[3] & termios.ECHO and after[3] & termios.ICANON


def test_now_watch_shows_the_hint_and_quits_on_q(isolated_env: dict[str, str], tle_file: str) -> None:
    args = ["now", "--watch", "--interval", "0.3", "--tle-file", tle_file, "--city", "Amsterdam", "-q"]
    term = Terminal(args, _env(isolated_env), 24, 80)
    term.wait_for(b"q or Ctrl-C quits")
    assert _screen(term, 0, 24, 80).splitlines()[-1].strip() == "q or Ctrl-C quits"
    os.write(term.leader, b"q")
    code, after = _exit_status(term)
    assert code == 0 and bytes(term.data).endswith(LEAVE_ALTERNATE)
    assert after[3] & termios.ECHO and after[3] & termios.ICANON


def test_keys_are_told_apart_from_escape_sequences() -> None:
    assert parse_keys("\x1b") == ["esc"]
    assert parse_keys("\x1b[D\x1b[1;2C q") == ["left", "shift-right", " ", "q"]
    assert parse_keys("\x1b[?62;4c]") == ["]"]  # a DA1 reply arriving late is not a key
