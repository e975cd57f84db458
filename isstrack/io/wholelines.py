"""Write lines to an output stream so that an interruption (Ctrl-C, SIGTERM) never leaves one cut."""

from __future__ import annotations

import io
import os
import select
import time
from typing import TextIO

FINISH_LINE_S = 2.0  # how long an interrupted write may wait for the reader to take the line's end


def write_whole_lines(text: str, stream: TextIO) -> None:
    """Write `text`, made of whole lines, to `stream` so that it stops only between lines.

    On a file descriptor, lines go out in writes of at most PIPE_BUF bytes cut at line ends (a pipe
    takes such a write whole or not at all), so an interruption while a slow reader blocks the write
    drops the lines not yet written. If one was cut all the same (a long line, a terminal), its end
    is written within FINISH_LINE_S when the reader takes it.
    """
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        stream.write(text)  # not a file descriptor (a test's StringIO): nothing can cut it
        return
    stream.flush()  # what is buffered goes first
    data = text.encode(stream.encoding, stream.errors or "strict")
    view = memoryview(data)
    done = 0
    try:
        while done < len(data):
            end = _block_end(data, done)
            while done < end:
                done += os.write(fd, view[done:end])
    except BaseException:
        _finish_line(fd, data, done)
        raise


def _block_end(data: bytes, start: int) -> int:
    """Return where the next write ends: the last line end within PIPE_BUF bytes, else the line's end."""
    end = start + select.PIPE_BUF
    if end >= len(data):
        return len(data)
    cut = data.rfind(b"\n", start, end)
    if cut >= start:
        return cut + 1
    cut = data.find(b"\n", end)
    return len(data) if cut < 0 else cut + 1


def _finish_line(fd: int, data: bytes, done: int) -> None:
    """Write the rest of a line cut at `done`, waiting at most FINISH_LINE_S for the reader."""
    if done == 0 or data[done - 1 : done] == b"\n":
        return
    end = data.find(b"\n", done)
    end = len(data) if end < 0 else end + 1
    deadline = time.monotonic() + FINISH_LINE_S
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    try:
        while done < end:
            left_ms = (deadline - time.monotonic()) * 1000
            if left_ms <= 0 or not poller.poll(left_ms):
                return
            done += os.write(fd, data[done:end])
    except OSError:
        return  # the reader went away: nothing more can be written
