"""Atomic file writes shared by every writer: temp file beside the target, fsync, rename, stale temps swept.

A temporary file is named `.isstrack-<target name>.<8 random>.tmp` in the target's directory. While
one is open SIGTERM and SIGHUP are held (in the main thread), so a stop request lets the write finish
and then acts; a run killed outright (SIGKILL, power loss) leaves the temp, which `sweep_stale_temps`
removes on a later write once it is older than STALE_TEMP_S.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

STALE_TEMP_S = 1200.0  # a temporary file untouched this long was left by a run that was killed
TEMP_PREFIX = ".isstrack-"
_MAX_STEM_BYTES = 200  # keeps the temp name under the usual 255-byte limit for any target name
_RANDOM = r"[a-z0-9_]{8}"  # what tempfile puts between prefix and suffix


def _stem(target_name: str) -> str:
    """Return the part of the target's name that goes into its temp names (cut to fit a file name)."""
    stem = target_name
    while len(os.fsencode(stem)) > _MAX_STEM_BYTES:
        stem = stem[:-1]
    return stem


def temp_pattern(target_name: str) -> re.Pattern[str]:
    """Return the pattern of temp names this module makes (or isstrack made before it) for a target."""
    # The form without the prefix is what earlier versions wrote for the cache and alert record.
    return re.compile(rf"^\.(?:isstrack-)?{re.escape(_stem(target_name))}\.{_RANDOM}\.tmp$")


@contextlib.contextmanager
def termination_deferred() -> Iterator[None]:
    """Hold SIGTERM and SIGHUP until the block ends (main thread only), so none leaves a temp file."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield  # elsewhere (Windows, worker threads) the stale-temp sweep covers a killed write
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGHUP})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def link_target(path: Path) -> Path:
    """Return the file a symlink at `path` leads to (a write replaces it, keeping the link), else `path`."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_atomic(
    path: Path, data: bytes, *, mode: int | None = None, owner: tuple[int, int] | None = None
) -> None:
    """Replace `path` with `data` via a synced temp file and a rename; raise OSError if it cannot."""
    tmp_name = ""
    with termination_deferred():
        try:
            fd, tmp_name = tempfile.mkstemp(
                dir=path.parent, prefix=f"{TEMP_PREFIX}{_stem(path.name)}.", suffix=".tmp"
            )
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            _install(tmp_name, path, mode, owner)
            tmp_name = ""
        finally:
            if tmp_name:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)


def _install(tmp_name: str, path: Path, mode: int | None, owner: tuple[int, int] | None) -> None:
    """Give a written temp file its mode (and owner) and rename it over `path`."""
    if mode is not None:  # else the temp file's own 0600 stays
        os.chmod(tmp_name, mode)
    if owner is not None and owner != (os.getuid(), os.getgid()):
        with contextlib.suppress(OSError):  # only root may give a file away; keep ours then
            os.chown(tmp_name, *owner)
    os.replace(tmp_name, path)


@contextlib.contextmanager
def replacing(path: Path, *, mode: int | None = None, owner: tuple[int, int] | None = None) -> Iterator[Path]:
    """Yield a temp path beside `path` to write at leisure; then sync it and rename it over `path`.

    If the block fails, the temp file is removed and `path` is left as it was.
    """
    fd, tmp_name = tempfile.mkstemp(
        dir=path.parent, prefix=f"{TEMP_PREFIX}{_stem(path.name)}.", suffix=".tmp"
    )
    os.close(fd)
    try:
        yield Path(tmp_name)
        with termination_deferred():
            fd = os.open(tmp_name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            _install(tmp_name, path, mode, owner)
            tmp_name = ""
    finally:
        if tmp_name:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def sweep_stale_temps(directory: Path, target_name: str, older_than_s: float = STALE_TEMP_S) -> list[Path]:
    """Delete our temp files for `target_name` in `directory` older than `older_than_s`; return them."""
    return sweep_matching(directory, temp_pattern(target_name), older_than_s)


def sweep_matching(
    directory: Path, pattern: re.Pattern[str], older_than_s: float = STALE_TEMP_S
) -> list[Path]:
    """Delete regular files in `directory` whose whole name matches and that are older; return them."""
    cutoff = time.time() - older_than_s
    removed: list[Path] = []
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if not pattern.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if entry.is_file(follow_symlinks=False) and info.st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed
