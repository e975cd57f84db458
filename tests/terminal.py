"""The installed CLI on a real pseudo-terminal: size it, read everything it draws, Ctrl-C it."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import termios
import threading
import time

from tests.conftest import isstrack_command


def set_size(fd: int, rows: int, columns: int) -> None:
    """Set the window size of the pty behind `fd` (either end)."""
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def drain(fd: int, sink: list[bytes]) -> None:
    """Append what the pty leader `fd` gives to `sink` until the child side closes (EOF or EIO)."""
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: every child closed the terminal
            return
        if not data:
            return
        sink.append(data)


def read_all(fd: int) -> bytes:
    """Return everything left to read from the pty leader `fd` once the child is done."""
    chunks: list[bytes] = []
    drain(fd, chunks)
    return b"".join(chunks)


def run_on_pty_bytes(
    args: list[str],
    env: dict[str, str],
    interrupt_after: float | None = None,
    size: tuple[int, int] | None = None,
) -> tuple[int, bytes]:
    """Run isstrack with its three streams on a pseudo-terminal (of `size` rows x columns if given),
    read all the while; optionally Ctrl-C it. Return the exit status and the bytes drawn."""
    leader, follower = pty.openpty()
    if size is not None:
        set_size(follower, *size)
    proc = subprocess.Popen(
        [*isstrack_command(), *args], stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks: list[bytes] = []
    reader = threading.Thread(target=drain, args=(leader, chunks), daemon=True)
    reader.start()
    if interrupt_after is not None:
        time.sleep(interrupt_after)
        proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=60)
    reader.join(timeout=10)
    os.close(leader)
    return code, b"".join(chunks)


def run_on_pty(args: list[str], env: dict[str, str], interrupt_after: float | None = None) -> tuple[int, str]:
    """Run isstrack on a pseudo-terminal as run_on_pty_bytes does; return the output as text."""
    code, drawn = run_on_pty_bytes(args, env, interrupt_after)
    return code, drawn.decode("utf-8", "replace")
