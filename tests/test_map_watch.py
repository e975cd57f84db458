"""`isstrack map --watch` on a real pseudo-terminal (resize, Ctrl-C, restored screen) and piped."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import threading
import time

from tests.conftest import isstrack_command
from tests.terminal import drain, run_on_pty_bytes, set_size

ENTER_ALTERNATE = "\x1b[?1049h"
DA1_QUERY = "\x1b[c"
LEAVE_ALTERNATE = "\x1b[?1049l"
SHOW_CURSOR = "\x1b[?25h"


def _wait_for(chunks: list[bytes], predicate: object, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = b"".join(chunks).decode("utf-8", "replace")
        if predicate(text):  # type: ignore[operator]
            return text
        time.sleep(0.05)
    raise AssertionError(f"timed out; output so far: {b''.join(chunks)[-400:]!r}")


def test_watch_full_screen_resizes_and_restores_the_terminal_on_ctrl_c(
    isolated_env: dict[str, str], tle_file: str
) -> None:
    leader, follower = pty.openpty()
    set_size(follower, 24, 80)
    env = {**os.environ, **isolated_env, "TERM": "xterm-256color"}
    env.pop("NO_COLOR")
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    args = ["map", "--watch", "--interval", "0.3", "--tle-file", tle_file, "--city", "Amsterdam"]
    args += ["-q", "--no-warn-age"]  # the file's elements are weeks old: not the point here
    proc = subprocess.Popen(
        [*isstrack_command(), *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    chunks: list[bytes] = []
    reader = threading.Thread(target=drain, args=(leader, chunks), daemon=True)
    reader.start()
    try:
        first = _wait_for(chunks, lambda t: t.count("\x1b[H") >= 2)
        # --graphics auto first asks the terminal (DA1; this pty never answers), then opens the screen.
        assert first.removeprefix(DA1_QUERY).startswith(ENTER_ALTERNATE)
        assert "from Amsterdam, NL" in first and "next visible pass" in first
        before = len(b"".join(chunks))
        set_size(leader, 40, 120)
        os.kill(proc.pid, signal.SIGWINCH)
        resized = _wait_for(chunks, lambda t: len(t.encode()) > before and "\x1b[2J" in t[len(first) :])
        assert len(resized) > len(first)
        after = _wait_for(chunks, lambda t: t[len(first) :].count("\x1b[H") >= 2)[len(first) :]
        os.kill(proc.pid, signal.SIGINT)
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=10)
    os.close(leader)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert code == 0
    assert "Traceback" not in text and "error" not in text
    assert "\x1b[2J" in after  # the whole screen is cleared on a resize: no leftovers
    assert text.endswith(SHOW_CURSOR + LEAVE_ALTERNATE)  # cursor shown, alternate screen left last
    # Each frame fits the screen it was drawn for: 80 columns first, 120 after the resize.
    assert _widest_line(first) <= 80
    assert 80 < _widest_line(after) <= 120


def test_watch_full_screen_in_ascii_draws_every_glyph_in_ascii(
    isolated_env: dict[str, str], tle_file: str
) -> None:
    import re

    leader, follower = pty.openpty()
    set_size(follower, 24, 80)
    env = {**os.environ, **isolated_env, "TERM": "xterm-256color", "PYTHONIOENCODING": "ascii"}
    env.pop("NO_COLOR")
    args = ["map", "--watch", "--interval", "0.3", "--tle-file", tle_file, "--city", "Amsterdam", "-q"]
    proc = subprocess.Popen(
        [*isstrack_command(), *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    chunks: list[bytes] = []
    reader = threading.Thread(target=drain, args=(leader, chunks), daemon=True)
    reader.start()
    try:
        _wait_for(chunks, lambda t: t.count("\x1b[H") >= 2)
        os.kill(proc.pid, signal.SIGINT)
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=10)
    os.close(leader)
    raw = b"".join(chunks)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw.decode("ascii"))
    assert code == 0
    assert "?" not in plain, plain
    assert "@ ISS" in plain and "H Amsterdam, NL" in plain and "% coast" not in plain  # colour: no coast key
    assert plain.count("%") > 100  # the coasts, one ASCII character per braille cell


def _widest_line(text: str) -> int:
    import re

    from rich.cells import cell_len

    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text.replace("\x1b[H", "\n"))
    return max(cell_len(line) for line in plain.replace("\r", "").split("\n"))


def test_watch_piped_prints_json_lines_and_ctrl_c_exits_0(
    isolated_env: dict[str, str], tle_file: str
) -> None:
    proc = subprocess.Popen(
        [
            *isstrack_command(),
            "map",
            "--watch",
            "--interval",
            "0.6",
            "--tle-file",
            tle_file,
            "--at",
            "2026-09-24T21:00:00Z",
            "-q",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **isolated_env},
    )
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(3)]
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=30)
    assert code == 0
    docs = [json.loads(line) for line in lines]
    assert docs[0]["time"] == "2026-09-24T21:00:00Z"
    assert all(doc["schema_version"] == 1 and "latitude_deg" in doc for doc in docs)
    assert len({doc["time"] for doc in docs}) >= 2


def test_one_map_on_an_ascii_terminal_draws_every_glyph_in_ascii(
    isolated_env: dict[str, str], tle_file: str
) -> None:
    import re

    env = {**os.environ, **isolated_env, "TERM": "xterm-256color", "PYTHONIOENCODING": "ascii"}
    env.pop("NO_COLOR")
    args = ["map", "--at", "2026-09-24T12:00:00Z", "--tle-file", tle_file, "--city", "Amsterdam", "-q"]
    code, drawn = run_on_pty_bytes(args, env, size=(24, 80))
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn.decode("ascii"))
    assert code == 0
    assert "?" not in plain, plain
    assert "\x1b[" in drawn.decode("ascii")  # drawn in colour, as on any terminal
    assert "@ ISS" in plain and "H Amsterdam, NL" in plain and plain.count("%") > 100
