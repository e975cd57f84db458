"""Open user-named input files safely: regular files only, or standard input read under a deadline."""

from __future__ import annotations

import io
import os
import select
import stat
import sys
import time
from pathlib import Path
from typing import BinaryIO

STDIN_NAMES = ("-", "/dev/stdin")


class NotRegularFileError(OSError):
    """The path names a device, FIFO or socket, which could block or never end."""


class StdinTimeoutError(TimeoutError):
    """Standard input sent nothing within the idle time, or no end within the total time."""


def is_stdin(path: Path | str) -> bool:
    """Return whether a user-given path means standard input."""
    return str(path) in STDIN_NAMES


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; raise IsADirectoryError or NotRegularFileError for anything else."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(path)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class _DeadlineReader(io.RawIOBase):
    """Raw reads from a file descriptor that give up when it is idle or past a total deadline."""

    def __init__(self, fd: int, idle_s: float | None, total_s: float | None) -> None:
        super().__init__()
        self._fd = fd
        self._idle_s = idle_s
        self._deadline = None if total_s is None else time.monotonic() + total_s

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        waits = [self._idle_s] if self._idle_s is not None else []
        if self._deadline is not None:
            waits.append(max(0.0, self._deadline - time.monotonic()))
        ready, _, _ = select.select([self._fd], [], [], min(waits) if waits else None)
        if not ready:
            raise StdinTimeoutError
        data = os.read(self._fd, len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_stdin(idle_s: float | None = None, total_s: float | None = None) -> BinaryIO:
    """Return standard input as a buffered binary file whose reads raise StdinTimeoutError on a deadline."""
    fd = sys.stdin.fileno() if sys.stdin is not None else 0
    return io.BufferedReader(_DeadlineReader(fd, idle_s, total_s))
