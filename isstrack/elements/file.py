"""Read a user-named element file (--tle-file): bounded, regular files or standard input only."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from isstrack.elements.download import MAX_RESPONSE_BYTES
from isstrack.elements.plausible import check_plausible
from isstrack.elements.sources import ElementsInUse, timeout_from_env
from isstrack.elements.tle import parse_all, parse_elements
from isstrack.errors import TleFormatError
from isstrack.io.infile import NotRegularFileError, StdinTimeoutError, is_stdin, open_regular, open_stdin
from isstrack.io.timetext import time_text

MAX_FILE_BYTES = MAX_RESPONSE_BYTES


def load_file(path: Path, catalog_number: int, at: datetime | None = None) -> ElementsInUse:
    """Read elements for `catalog_number` from a TLE, 3LE or OMM (JSON, CSV) file: the epoch nearest `at`."""
    text = read_element_file(path)
    try:
        sets = [s for s in parse_all(text) if s.catalog_number == catalog_number]
        if not sets:
            parse_elements(text, catalog_number)  # raises the "found N instead" message
    except TleFormatError as exc:
        raise TleFormatError(
            f"--tle-file {path} holds no valid elements: {exc}; give a TLE, 3LE, OMM JSON or OMM CSV file"
        ) from None
    when = at or datetime.now(timezone.utc)
    chosen = min(sets, key=lambda s: abs((s.epoch - when).total_seconds()))
    try:
        check_plausible(chosen)
    except TleFormatError as exc:
        epoch = time_text(chosen.epoch, truncate=True)
        raise TleFormatError(
            f"--tle-file {path}: the set with epoch {epoch} cannot be catalog number "
            f"{catalog_number}: {exc}; give a file with real elements for it"
        ) from None
    log = [f"elements from file {path}"]
    if len(sets) > 1:
        log.append(
            f"{len(sets)} sets for {catalog_number} in {path}: using the one with epoch "
            f"{time_text(chosen.epoch, truncate=True)}, the nearest to {time_text(when, truncate=True)}"
        )
    return ElementsInUse(chosen, "file", str(path), log=tuple(log))


def read_element_file(path: Path, option: str = "--tle-file", stdin_ok: bool = True) -> str:
    """Return the text of an element file: a regular file or standard input, at most MAX_FILE_BYTES.

    `stdin_ok`: whether the option takes '-' (its messages name it only then).
    """
    try:
        handle = open_stdin(total_s=timeout_from_env()) if is_stdin(path) else open_regular(path)
        with handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise TleFormatError(
            f"{option} {path}: no such file; give the path of a TLE, 3LE, OMM JSON or OMM CSV file"
        ) from None
    except IsADirectoryError:
        raise TleFormatError(f"{option} {path} is a directory; give an element file") from None
    except NotRegularFileError:
        raise TleFormatError(
            f"{option} {path} is not a regular file (a device, FIFO or socket); give an element file"
            + (", or '-' for standard input" if stdin_ok else "")
        ) from None
    except StdinTimeoutError:
        raise TleFormatError(
            f"{option} -: standard input sent no end within {timeout_from_env():g} s "
            "(ISSTRACK_HTTP_TIMEOUT); pipe a file in, or give its path"
        ) from None
    except OSError as exc:
        raise TleFormatError(f"{option} {path} cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise TleFormatError(f"{option} {path} is over the 1 MB limit for an element file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TleFormatError(
            f"{option} {path} is not text; give a TLE, 3LE, OMM JSON or OMM CSV file"
        ) from None
