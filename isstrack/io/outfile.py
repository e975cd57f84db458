"""Write a file the user named: atomically over regular files, straight into devices and FIFOs, else refuse.

`-` means standard output. A symlink is followed: its target is written (replaced atomically when it
is a regular file) and the link itself is kept. Directories, block devices and sockets are refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import select
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from isstrack.errors import OutputError
from isstrack.io.atomic import link_target, replacing, sweep_matching, sweep_stale_temps, write_atomic
from isstrack.io.literal import literal

STDOUT = "-"
# Wall-time limit for writing into a FIFO or character device, waiting for a reader included.
STREAM_TIMEOUT_S = 10.0
# check_output's probe file, should a killed run leave one (earlier versions' temps had this name too).
_PROBE_NAME = re.compile(r"\.isstrack-[a-z0-9_]{8}\.tmp")
# Paths that name one of this process's own open files (/dev/stdout, /dev/fd/1, /proc/self/fd/1).
_OWN_FD_PREFIXES = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/", f"/proc/{os.getpid()}/fd/")


def _label(path: Path, option: str | None) -> str:
    return literal(f"{option} {path}" if option else str(path))


def _kind(path: Path, option: str | None) -> tuple[Path, os.stat_result | None]:
    """Return (the path to write, its stat or None if missing), following symlinks to their target."""
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        return path, None
    except OSError as exc:
        raise OutputError(f"{_label(path, option)}: cannot inspect it ({exc.strerror})") from None
    if not stat.S_ISLNK(link.st_mode):
        return path, link
    try:
        target_stat = os.stat(path)
    except FileNotFoundError:
        target_stat = None
    except OSError as exc:  # ELOOP and friends
        raise OutputError(f"{_label(path, option)}: cannot follow the link ({exc.strerror})") from None
    if target_stat is not None and not stat.S_ISREG(target_stat.st_mode):
        return path, target_stat  # a device or FIFO: opening the link path reaches it
    if str(path).startswith(_OWN_FD_PREFIXES):
        return path, target_stat  # an open file of ours (e.g. stdout redirected to a file): write into it
    return link_target(path), target_stat


def _is_stream(mode: int) -> bool:
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


_EXAMPLE_NAMES = {"--ics": "passes.ics", "--svg": "map.svg"}  # a file name to suggest, by option


def _refusal(path: Path, mode: int, option: str | None) -> OutputError:
    label = _label(path, option)
    if stat.S_ISDIR(mode):
        example = _EXAMPLE_NAMES.get(option or "", "out.txt")
        return OutputError(f"{label} is a directory; give a file name, like {example} in it")
    kind = "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a file"
    return OutputError(f"{label} is {kind}; give a regular file, a FIFO, a character device or -")


def check_output(path: Path, option: str | None = None) -> None:
    """Raise OutputError now, before any work, if `path` cannot be written as `write_output` would."""
    if str(path) == STDOUT:
        return
    target, found = _kind(path, option)
    label = _label(path, option)
    if found is not None and _is_stream(found.st_mode):
        if not os.access(target, os.W_OK):
            raise OutputError(f"{label}: no permission to write it; pick another path")
        return
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise _refusal(path, found.st_mode, option)
    if found is not None and not os.access(target, os.W_OK):
        raise OutputError(f"{label} is read-only; make it writable or pick another path")
    if found is not None and str(path).startswith(_OWN_FD_PREFIXES):
        return
    directory = target.parent
    if not directory.is_dir():
        raise OutputError(
            f"{label}: directory {_label(directory, None)} does not exist; create it or pick another path"
        )
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".isstrack-", suffix=".tmp"):
            pass
    except OSError as exc:
        raise OutputError(
            f"{label}: cannot write in {_label(directory, None)} ({exc.strerror}); pick another path"
        ) from None


def write_output(
    path: Path, data: str | bytes, option: str | None = None, timeout_s: float = STREAM_TIMEOUT_S
) -> None:
    """Write `data` to `path` (`-` is stdout) without ever replacing anything but a regular file."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if str(path) == STDOUT:
        sys.stdout.flush()
        sys.stdout.buffer.write(raw)
        sys.stdout.flush()
        return
    target, found = _kind(path, option)
    if found is not None and _is_stream(found.st_mode):
        _write_stream(target, raw, _label(path, option), timeout_s)
    elif found is not None and not stat.S_ISREG(found.st_mode):
        raise _refusal(path, found.st_mode, option)
    elif found is not None and str(path).startswith(_OWN_FD_PREFIXES):
        _write_open_file(target, raw, _label(path, option))
    else:
        _replace(target, raw, found, _label(path, option))


def _replace(target: Path, raw: bytes, found: os.stat_result | None, label: str) -> None:
    """Write to a temporary file next to `target`, keep the old mode (and owner), rename into place."""
    mode, owner = _kept_mode(found)
    try:
        write_atomic(target, raw, mode=mode, owner=owner)
    except OSError as exc:
        raise OutputError(f"{label}: cannot write ({exc.strerror}); pick another path") from None
    sweep_stale_temps(target.parent, target.name)
    sweep_matching(target.parent, _PROBE_NAME)


def _kept_mode(found: os.stat_result | None) -> tuple[int, tuple[int, int] | None]:
    """Return the mode (and owner) a replacement keeps: the old file's, else the umask's default."""
    if found is not None:
        return stat.S_IMODE(found.st_mode), (found.st_uid, found.st_gid)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask, None


@contextlib.contextmanager
def streamed_output(path: Path, option: str | None = None) -> Iterator[Path]:
    """Yield a temp path to write a large output into; rename it over the regular file `path` at the end.

    Only regular files (or new paths) can be replaced atomically: anything else raises OutputError.
    """
    target, found = _kind(path, option)
    if str(path) == STDOUT or (found is not None and not stat.S_ISREG(found.st_mode)):
        raise OutputError(
            f"{_label(path, option)} is not a regular file; give a file path, written atomically"
        )
    mode, owner = _kept_mode(found)
    try:
        with replacing(target, mode=mode, owner=owner) as temp:
            yield temp
    except OSError as exc:
        raise OutputError(
            f"{_label(path, option)}: cannot write ({exc.strerror}); pick another path"
        ) from None
    sweep_stale_temps(target.parent, target.name)


def _write_open_file(target: Path, raw: bytes, label: str) -> None:
    """Append to a regular file this process already has open (/dev/stdout redirected to a file)."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND)
        try:
            view = memoryview(raw)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError as exc:
        raise OutputError(f"{label}: cannot write ({exc.strerror})") from None


def _write_stream(target: Path, raw: bytes, label: str, timeout_s: float) -> None:
    """Write straight into a FIFO or character device, giving up after `timeout_s` of wall time."""
    deadline = time.monotonic() + timeout_s
    fd = -1
    while fd < 0:
        try:
            fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: a FIFO nobody has open for reading (yet)
                raise OutputError(f"{label}: cannot open it for writing ({exc.strerror})") from None
            if time.monotonic() >= deadline:
                raise OutputError(
                    f"{label} is a FIFO with no reader after {timeout_s:g} s; start the reader first"
                ) from None
            time.sleep(0.05)
    try:
        view = memoryview(raw)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise OutputError(
                    f"{label}: the reader took more than {timeout_s:g} s; "
                    f"{len(raw) - len(view)} of {len(raw)} bytes written"
                )
            _, ready, _ = select.select([], [fd], [], remaining)
            if not ready:
                continue
            try:
                view = view[os.write(fd, view) :]
            except BlockingIOError:
                continue
            except OSError as exc:
                what = "the reader went away" if exc.errno == errno.EPIPE else exc.strerror
                raise OutputError(f"{label}: cannot write ({what})") from None
    finally:
        os.close(fd)
