"""`now --watch` and stderr on a real pseudo-terminal, read back through a terminal emulator (pyte)."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import pyte
import pytest

from tests.conftest import isstrack_command
from tests.terminal import read_all, set_size

PLACE = ["--lat", "52.37", "--lon", "4.89"]
AT = "2026-09-24T21:00:00Z"  # half a day after the elements' epoch: fresh elements, a fixed start
FULL_ONLY_ROWS = ("altitude", "footprint", "orbit ")  # rows only the full layout has


_STARTED: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def _no_child_outlives_its_test() -> Iterator[None]:
    """Kill any watch process a failing test left running (it would redraw forever otherwise)."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


class Terminal:
    """A child process on a pty of a given size, its output kept as bytes."""

    def __init__(self, args: list[str], env: dict[str, str], rows: int, columns: int) -> None:
        self.leader, follower = pty.openpty()
        set_size(follower, rows, columns)
        self.proc = subprocess.Popen(
            [*isstrack_command(), *args], stdin=follower, stdout=follower, stderr=follower, env=env
        )
        _STARTED.append(self.proc)
        os.close(follower)
        self.data = bytearray()
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.leader, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.data.extend(chunk)

    def size(self) -> int:
        with self.lock:
            return len(self.data)

    def wait_for(self, needle: bytes, start: int = 0, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if needle in self.data[start:]:
                    return
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} not seen; got {bytes(self.data[start:])[-2000:]!r}")

    def settle(self, quiet_s: float = 0.5) -> None:
        """Wait until nothing has arrived for `quiet_s`."""
        last, since = self.size(), time.monotonic()
        while time.monotonic() - since < quiet_s:
            time.sleep(0.05)
            if self.size() != last:
                last, since = self.size(), time.monotonic()

    def resize(self, rows: int, columns: int) -> None:
        set_size(self.leader, rows, columns)
        self.proc.send_signal(signal.SIGWINCH)

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=30)
        self.reader.join(timeout=10)
        os.close(self.leader)
        return code

    def bytes_from(self, start: int, end: int | None = None) -> bytes:
        with self.lock:
            return bytes(self.data[start:end])


def _screen_text(screen: Any) -> str:
    return "\n".join(line.rstrip() for line in screen.display)


def _env(isolated_env: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **isolated_env, "TERM": "xterm-256color"}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return env


def test_watch_in_12_rows_shows_the_observer_part(isolated_env: dict[str, str], tle_file: str) -> None:
    args = ["now", "--watch", "--interval", "0.5", "--at", AT, *PLACE, "--tle-file", tle_file, "-q"]
    term = Terminal(args, _env(isolated_env), rows=12, columns=80)
    term.wait_for(b"ISS now")
    term.wait_for(b"ISS now", start=term.size())  # a second frame, drawn completely
    term.settle(0.2)
    screen = pyte.Screen(80, 12)
    pyte.ByteStream(screen).feed(term.bytes_from(0))
    shown = _screen_text(screen)
    for row in ("time", "below", "position", "from", "look", "visible", "next pass"):
        assert f"│ {row}" in shown, shown
    assert "╰" in shown, shown  # the frame is closed: nothing cut off at the bottom
    assert shown.count("ISS now") == 1
    assert term.interrupt() == 0


def test_watch_redraws_cleanly_on_resize_and_ctrl_c_restores(
    isolated_env: dict[str, str], tle_file: str
) -> None:
    # A long interval: the redraw after the resize can only come from SIGWINCH.
    args = ["now", "--watch", "--interval", "60", "--at", AT, *PLACE, "--tle-file", tle_file, "-q"]
    term = Terminal(args, _env(isolated_env), rows=30, columns=120)
    term.wait_for(b"ISS now")
    term.settle(0.5)
    screen = pyte.Screen(120, 30)
    stream = pyte.ByteStream(screen)
    before = term.size()
    stream.feed(term.bytes_from(0, before))
    assert "footprint" in _screen_text(screen)  # the full layout fits 120x30
    screen.resize(12, 64)
    term.resize(12, 64)
    started = time.monotonic()
    term.wait_for(b"next pass", start=before, timeout=20)
    assert time.monotonic() - started < 20
    term.settle(0.5)
    stream.feed(term.bytes_from(before))
    shown = _screen_text(screen)
    assert shown.count("ISS now") <= 1
    for row in FULL_ONLY_ROWS:  # fragments of the old, larger frame would still show these
        assert row not in shown, shown
    for row in ("from", "look", "visible", "next pass"):
        assert row in shown, shown
    assert all(len(line) <= 64 for line in shown.splitlines())
    end = term.size()
    assert term.interrupt() == 0
    tail = term.bytes_from(end)
    assert b"\x1b[?1049l" in tail  # left the alternate screen: the shell's screen is back
    assert b"\x1b[?25h" in tail  # cursor shown again
    assert b"Traceback" not in term.bytes_from(0)


@pytest.mark.parametrize(
    ("command", "status"),
    [(["now"], 0), (["next"], 3)],  # the age warning and its remedy line; next's refusal, one long line
    ids=["now-warning", "next-refusal"],
)
def test_stderr_warnings_wrap_at_word_boundaries_on_a_terminal(
    isolated_env: dict[str, str], cli: Any, command: list[str], status: int
) -> None:
    args = [*command, "--offline", "--at", "2026-11-23T12:00:00Z", *PLACE]
    message = cli(*args).err.strip()  # piped: unwrapped
    assert message.startswith("isstrack: ") and len(message) > 100
    leader, follower = pty.openpty()
    set_size(follower, 24, 80)
    proc = subprocess.run(
        [*isstrack_command(), *args],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env=_env(isolated_env),
        timeout=120,
    )
    os.close(follower)
    drawn = read_all(leader)
    os.close(leader)
    assert proc.returncode == status
    lines = drawn.decode().replace("\r\n", "\n").strip().split("\n")
    assert len(lines) >= 2
    assert all(len(line) <= 80 for line in lines), lines
    assert " ".join(lines).split() == message.split()  # only spaces became line breaks


@pytest.mark.parametrize(
    ("command", "frame_mark"),
    [(["now"], b"ISS now"), (["map"], b"next visible")],
    ids=["now", "map"],
)
def test_a_dumb_terminal_gets_frames_one_after_another_without_escapes(
    isolated_env: dict[str, str], tle_file: str, command: list[str], frame_mark: bytes
) -> None:
    # TERM=dumb prints escape sequences as text and cannot move the cursor: no alternate screen.
    args = [*command, "--watch", "--interval", "0.3", "--at", AT, *PLACE, "--tle-file", tle_file, "-q"]
    term = Terminal(args, {**_env(isolated_env), "TERM": "dumb"}, rows=40, columns=100)
    term.wait_for(frame_mark)
    first = term.size()
    term.wait_for(frame_mark, start=first)  # a second frame, after the first
    term.settle(0.2)
    assert term.interrupt() == 0
    shown = term.bytes_from(0)
    assert b"\x1b" not in shown, shown[:400]
    assert shown.count(frame_mark) >= 2
    assert b"Traceback" not in shown
    assert all(len(line) <= 100 for line in shown.decode().replace("\r\n", "\n").split("\n"))
