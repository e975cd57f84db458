"""Make elements from a file the cached default (tle --import): checked as a download is, dated truthfully.

A friend's download, or one made on another machine, becomes what every command uses offline. The
file passes the checks a download passes (format, the object's plausible orbit, an epoch not ahead of
the clock, a set no older than the one it replaces) and is cached with the time it was really fetched:
an OMM's CREATION_DATE when it has one, else the file's modification time, never the moment of import
(an old file must not look fresh, which would also hold back the next download for two hours).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from isstrack import ISS_CATALOG_NUMBER
from isstrack.elements.anysat import store_for
from isstrack.elements.cache import CLOCK_SKEW, EARLIEST, CacheFiles, CacheRecord, Notes
from isstrack.elements.file import read_element_file
from isstrack.elements.omm import OmmRecord, parse_record
from isstrack.elements.plausible import check_epoch_not_ahead, check_plausible
from isstrack.elements.satellites import GpQuery, choose
from isstrack.elements.sources import load_bundled
from isstrack.elements.tle import ElementSet, from_omm, parse_all, parse_omm
from isstrack.errors import BadInputError, TleFormatError
from isstrack.io.infile import is_stdin
from isstrack.io.timetext import UTC_TEXT, time_text

OPTION = "--import"
LOCK_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Imported:
    """The set now cached as the default, when it was fetched, how that is known, and where it is kept."""

    elements: ElementSet
    fetched_at: datetime
    dated_by: str  # "its CREATION_DATE" or "the file's modification time"
    cache_path: Path


def import_iss(path: Path, cache_dir: Path, now: datetime) -> Imported:
    """Cache the newest ISS set in `path` as the default elements; TleFormatError (nothing written) if bad."""
    sets, records = _read(path)
    mine = [k for k, s in enumerate(sets) if s.catalog_number == ISS_CATALOG_NUMBER]
    if not mine:
        raise TleFormatError(
            f"{OPTION} {path} holds no ISS elements (catalog number {ISS_CATALOG_NUMBER}) but "
            f"{_objects(sets)}; to import another object's, name it, e.g. --sat {sets[0].catalog_number}"
        )
    newest = max(mine, key=lambda k: sets[k].epoch)
    elements = sets[newest]
    _check(path, elements, now)
    fetched_at, dated_by = _fetch_time(path, records[newest] if records else None, now)
    files = CacheFiles(cache_dir, ISS_CATALOG_NUMBER)
    notes = Notes()
    with _Locked(files):
        cache = files.read_cache(notes, now)
        _not_older(path, elements, cache.elements if cache else None, "the cached set")
        _not_older(path, elements, load_bundled(ISS_CATALOG_NUMBER).elements, "the bundled set")
        if not files.write_cache(CacheRecord(elements, fetched_at, path.resolve().as_uri()), notes):
            raise BadInputError(
                f"cannot import: {notes.warnings[-1]}; free disk space or set ISSTRACK_CACHE_DIR"
            )
    return Imported(elements, fetched_at, dated_by, files.cache_path)


def import_query(path: Path, query: GpQuery, cache_dir: Path, now: datetime) -> Imported:
    """Cache the set in `path` of the object `query` means (--sat) as that query's answer."""
    sets, omm = _read(path)
    records = omm if omm is not None else [_as_record(s) for s in sets]
    matching = [r for r in records if query.mismatch(r) is None]
    if not matching:
        raise TleFormatError(
            f"{OPTION} {path} holds no object with {query.describe()} (it holds {_objects(sets)}); "
            "give the --sat that names one of them"
        )
    record = choose(query, matching)
    elements = from_omm(record)
    fetched_at, dated_by = _fetch_time(path, record, now)
    store = store_for(query, cache_dir)
    try:
        store.put(record, fetched_at, path.resolve().as_uri())
    except TleFormatError as exc:
        raise TleFormatError(f"{OPTION} {path}: {exc}; nothing imported") from None
    return Imported(elements, fetched_at, dated_by, store.files.cache_path)


def _read(path: Path) -> tuple[list[ElementSet], list[OmmRecord] | None]:
    """Return every set in the file, read as --tle-file reads it, and its OMM records (None: TLE or 3LE)."""
    if is_stdin(path):
        raise TleFormatError(
            f"{OPTION} - cannot date standard input (a file's modification time says when it was "
            "fetched): save the elements to a file and import that"
        )
    text = read_element_file(path, OPTION, stdin_ok=False)
    try:
        sets = parse_all(text)  # the sniffing and the messages of --tle-file
        records = parse_omm(text)
    except TleFormatError as exc:
        raise TleFormatError(
            f"{OPTION} {path} holds no valid elements: {exc}; give a TLE, 3LE, OMM JSON or OMM CSV file"
        ) from None
    return sets, records


def _as_record(elements: ElementSet) -> OmmRecord:
    """Return a two-line set as the OMM record CelesTrak would serve (the per-query caches hold OMM)."""
    from sgp4 import exporter
    from sgp4.api import WGS72, Satrec

    satrec = Satrec.twoline2rv(elements.line1, elements.line2, WGS72)
    satrec.intldesg = satrec.intldesg.strip() or "57001A"  # export_omm needs one; replaced below
    fields = exporter.export_omm(satrec, elements.name)
    fields["OBJECT_ID"] = elements.object_id
    fields["NORAD_CAT_ID"] = elements.catalog_number
    return parse_record(fields)


def _check(path: Path, elements: ElementSet, now: datetime) -> None:
    try:
        check_plausible(elements)
        check_epoch_not_ahead(elements, now)
    except TleFormatError as exc:
        epoch = time_text(elements.epoch, truncate=True)
        raise TleFormatError(
            f"{OPTION} {path}: the set with epoch {epoch} is not usable ({exc}); nothing imported"
        ) from None


def _not_older(path: Path, elements: ElementSet, kept: ElementSet | None, what: str) -> None:
    """Refuse a set older than one already used offline: a download that is older is not cached either."""
    if kept is None or elements.epoch >= kept.epoch:
        return
    raise TleFormatError(
        f"{OPTION} {path}: its set (epoch {time_text(elements.epoch, UTC_TEXT)}) is older than "
        f"{what} (epoch {time_text(kept.epoch, UTC_TEXT)}), which stays the default; "
        f"use it for one run with --tle-file {path}"
    )


def _fetch_time(path: Path, record: OmmRecord | None, now: datetime) -> tuple[datetime, str]:
    """Return when the elements were fetched: the OMM's CREATION_DATE, else the file's modification time."""
    if record is not None and record.created_at is not None:
        fetched, dated_by = record.created_at, "its CREATION_DATE"
    else:
        fetched = datetime.fromtimestamp(os.stat(path).st_mtime, timezone.utc)
        dated_by = "the file's modification time"
    shown = time_text(fetched, UTC_TEXT)
    if fetched > now + CLOCK_SKEW:
        raise TleFormatError(
            f"{OPTION} {path}: {dated_by} ({shown}) is ahead of the clock; check the clock, or the file"
        )
    if fetched < EARLIEST:
        raise TleFormatError(f"{OPTION} {path}: {dated_by} ({shown}) is before 2000; check the file")
    return min(fetched, now), dated_by


def _objects(sets: list[ElementSet]) -> str:
    named = {s.catalog_number: s.name for s in sets}
    shown = [f"{number} ({name})" for number, name in sorted(named.items())[:3]]
    return ", ".join(shown) + (f" and {len(named) - 3} more" if len(named) > 3 else "")


class _Locked:
    """Hold the cache's lock (as a download does) so no download writes the cache meanwhile."""

    def __init__(self, files: CacheFiles) -> None:
        if not files.ensure_dir(Notes()):
            raise BadInputError(
                f"cannot import: cache directory {files.cache_dir} is not writable; "
                "fix its permissions or set ISSTRACK_CACHE_DIR"
            )
        from filelock import FileLock

        self._lock = FileLock(str(files.lock_path), timeout=LOCK_TIMEOUT_S)

    def __enter__(self) -> None:
        from filelock import Timeout

        try:
            self._lock.acquire()
        except Timeout:
            raise BadInputError(f"cannot import: another isstrack holds {self._lock.lock_file}") from None

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
