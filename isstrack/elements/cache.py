"""The cache and download-log files: validated reads, atomic writes, damage set aside, stale temps swept.

Only content that cannot be decoded, or that states a time the clock has not reached, is damage: the
file is moved aside once and treated as missing. A file that exists but cannot be read (permissions,
a directory in its place) is left alone and reported as unreadable.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from isstrack.elements.download import MAX_PAUSE
from isstrack.elements.plausible import check_epoch_not_ahead, check_plausible
from isstrack.elements.tle import ElementSet, parse_elements
from isstrack.errors import TleFormatError
from isstrack.io.atomic import sweep_matching, sweep_stale_temps, write_atomic
from isstrack.io.decode import load_json, recorded_time
from isstrack.io.timetext import time_text

MAX_FILE_BYTES = 1_000_000
CLOCK_SKEW = timedelta(minutes=5)  # a recorded time this far ahead of the clock is still believed
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
_PROBE_NAME = re.compile(r"\.probe-[A-Za-z0-9_]{8}")  # left by ensure_dir in a killed run


@dataclass(frozen=True)
class CacheRecord:
    """The cached element set, when it was fetched and from where."""

    elements: ElementSet
    fetched_at: datetime
    url: str


@dataclass(frozen=True)
class State:
    """The download log: the last attempt, its outcome and when the next is allowed."""

    last_attempt: datetime | None = None
    outcome: str = ""
    retry_after: datetime | None = None


@dataclass
class Notes:
    """Warnings for stderr and decisions for -v, gathered while choosing elements."""

    warnings: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


class _Damaged(ValueError):
    pass


class CacheFiles:
    """Read and write one query's cache and state files in a cache directory (by default gp-<number>)."""

    def __init__(self, cache_dir: Path, catalog_number: int, stem: str = "") -> None:
        self.cache_dir = cache_dir
        self.catalog_number = catalog_number
        stem = stem or f"gp-{catalog_number}"
        self.cache_path = cache_dir / f"{stem}.json"
        self.state_path = cache_dir / f"{stem}.state.json"
        self.lock_path = cache_dir / f"{stem}.lock"
        self.unreadable: set[Path] = set()  # unreadable at the latest read (the caller may clear it)
        self._reported: set[Path] = set()  # unreadable files already warned about

    def read_cache(self, notes: Notes, now: datetime) -> CacheRecord | None:
        """Return the cached record, None if missing, unreadable or damaged (set aside)."""
        raw = self.read_bytes(self.cache_path, "cache file", notes)
        if raw is None:
            return None
        try:
            data = _object(raw)
            if data.get("catalog_number") != self.catalog_number:
                raise _Damaged("catalog number does not match")
            elements = parse_elements(str(data["tle"]), self.catalog_number)
            check_plausible(elements)
            check_epoch_not_ahead(elements, now)
            fetched_at = _recorded_time(data["fetched_at"], "fetched_at", now + CLOCK_SKEW)
            return CacheRecord(elements, fetched_at, str(data.get("url", "")))
        except (ValueError, KeyError, TypeError, AttributeError, TleFormatError) as exc:
            self.set_aside(self.cache_path, f"cache file {self.cache_path} was damaged ({exc})", notes)
            return None

    def read_state(self, notes: Notes, now: datetime) -> State:
        """Return the download log; an empty one if missing, unreadable or damaged (set aside)."""
        raw = self.read_bytes(self.state_path, "download log", notes)
        if raw is None:
            return State()
        try:
            data = _object(raw)
            last = data.get("last_attempt")
            retry = data.get("retry_after")
            return State(
                _recorded_time(last, "last_attempt", now + CLOCK_SKEW) if last else None,
                str(data.get("outcome", ""))[:300],
                _recorded_time(retry, "retry_after", now + MAX_PAUSE + CLOCK_SKEW) if retry else None,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self.set_aside(self.state_path, f"download log {self.state_path} was damaged ({exc})", notes)
            return State()

    def write_cache(self, record: CacheRecord, notes: Notes) -> bool:
        """Write the cache file atomically; return False (with a warning) if it could not be."""
        payload = {
            "catalog_number": self.catalog_number,
            "fetched_at": time_text(record.fetched_at, truncate=True),
            "url": record.url,
            "tle": record.elements.as_text(),
        }
        return self.write_json(self.cache_path, payload, notes)

    def write_state(self, state: State, notes: Notes) -> bool:
        """Write the download log atomically; return False (with a warning) if it could not be."""
        payload = {
            "last_attempt": time_text(state.last_attempt, truncate=True) if state.last_attempt else None,
            "outcome": state.outcome,
            "retry_after": time_text(state.retry_after, truncate=True) if state.retry_after else None,
        }
        return self.write_json(self.state_path, payload, notes)

    def ensure_dir(self, notes: Notes) -> bool:
        """Create the cache directory if needed and check a file can be made in it."""
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.cache_dir, prefix=".probe-"):
                pass
        except OSError as exc:
            notes.log.append(f"cache directory unusable: {exc}")
            return False
        return True

    def sweep_stale_temps(self, notes: Notes) -> None:
        """Delete our own temporary files older than atomic.STALE_TEMP_S (left by killed runs)."""
        removed = [
            *sweep_stale_temps(self.cache_dir, self.cache_path.name),
            *sweep_stale_temps(self.cache_dir, self.state_path.name),
            *sweep_matching(self.cache_dir, _PROBE_NAME),
        ]
        for path in removed:
            notes.log.append(f"removed a stale temporary file {path}")

    def read_bytes(self, path: Path, what: str, notes: Notes, limit: int = MAX_FILE_BYTES) -> bytes | None:
        """Return a file's bytes; None if missing, unreadable (warned once) or over `limit` (set aside)."""
        try:
            with path.open("rb") as handle:
                raw = handle.read(limit + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.unreadable.add(path)
            if path in self._reported:  # said so on an earlier read in this run; once is enough
                return None
            self._reported.add(path)
            notes.warnings.append(
                f"cannot read {what} {path} ({exc.strerror or exc}); leaving it alone, "
                "and not downloading while it cannot be read"
            )
            return None
        if len(raw) > limit:
            self.set_aside(path, f"{what} {path} was damaged (over {limit / 1e6:g} MB)", notes)
            return None
        return raw

    def set_aside(self, path: Path, message: str, notes: Notes) -> None:
        """Move a damaged file to <name>.damaged (once) and warn that it is treated as missing."""
        try:
            os.replace(path, path.with_name(path.name + ".damaged"))
            notes.warnings.append(f"{message}; moved it aside and treating it as missing")
        except OSError:
            notes.warnings.append(f"{message}; treating it as missing")

    def write_json(self, path: Path, payload: dict[str, Any], notes: Notes) -> bool:
        """Write `payload` as JSON atomically; return False (with a warning) if it could not be."""
        try:
            write_atomic(path, json.dumps(payload, indent=1).encode("utf-8"))
        except OSError as exc:
            notes.warnings.append(f"could not write {path} ({exc.strerror or exc})")
            return False
        return True


def _object(raw: bytes) -> dict[str, Any]:
    data = load_json(raw, MAX_FILE_BYTES)
    if not isinstance(data, dict):
        raise _Damaged("not a JSON object")
    return data


def _recorded_time(value: object, key: str, latest: datetime) -> datetime:
    moment = recorded_time(value, key)
    if moment < EARLIEST:
        raise _Damaged(f"{key} {value} is before 2000")
    if moment > latest:
        raise _Damaged(f"{key} {value} is ahead of the clock (clock changed?)")
    return moment
