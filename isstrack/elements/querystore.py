"""CelesTrak's usage policy per query: every GP query (one object, a name, a group) keeps its own clock.

Each query has its own cache, download log and lock in the cache directory (`omm-catnr-48274.json`,
`omm-group-visual.json`, ...), so twenty runs asking for three objects make three downloads, and a
back-off earned by one query (a 404, a 403 "not updated", a server that did not answer) never stops
another. Within a query the rules are the ISS's (`isstrack.elements.load`): at most one download per
2 hours shared across processes, the attempt recorded before it is made, no retry loop, a 2-hour
pause after any answer that is not a good 200. CelesTrak's 403 "has not updated since your last
successful download" confirms the cached answer: it is used without a warning and not asked for again
for 2 hours. An answer is cached only if every record is valid, belongs to the query, and is a
plausible successor of the object's previous set.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from isstrack import __version__
from isstrack.elements.cache import CLOCK_SKEW, CacheFiles, Notes, State
from isstrack.elements.download import (
    MAX_RESPONSE_BYTES,
    PAUSE_AFTER_ERROR,
    PAUSE_AFTER_NO_ANSWER,
    FetchFailure,
    fetch,
    retry_pause,
)
from isstrack.elements.omm import MAX_OMM_CHARS, OmmRecord, parse_json, parse_record
from isstrack.elements.plausible import check_epoch_not_ahead, check_plausible
from isstrack.elements.satellites import GpQuery, no_such
from isstrack.elements.sources import DEFAULT_TIMEOUT_S
from isstrack.elements.tle import ElementSet, from_omm
from isstrack.errors import (
    BadInputError,
    NoElementsError,
    TleFormatError,
    UnknownSatelliteError,
    UpdateError,
)
from isstrack.io.decode import load_json, recorded_time
from isstrack.io.timetext import iso_z, time_text

DEFAULT_GP_URL = "https://celestrak.org/NORAD/elements/gp.php"
FRESH_FOR = timedelta(hours=2)
LOCK_TIMEOUT_S = 60.0
ATTEMPT_STARTED = "attempt started, no outcome recorded (the run was stopped?)"
NO_DATA = "no GP data"  # the outcome CelesTrak's "No GP data found" leaves in the download log
NOT_UPDATED = "not updated since the last download"
_NOT_UPDATED_WORDS = "has not updated since your last"


@dataclass(frozen=True)
class QueryAnswer:
    """The records answering one query, where they came from and what the user should be told."""

    query: GpQuery
    records: tuple[OmmRecord, ...]
    source: str  # "network" or "cache"
    origin: str
    fetched_at: datetime | None
    next_fetch_at: datetime | None
    warnings: tuple[str, ...] = ()
    log: tuple[str, ...] = ()

    def element_sets(self) -> list[ElementSet]:
        """Return the records as element sets, in the answer's order."""
        return [from_omm(record) for record in self.records]


@dataclass(frozen=True)
class _Cached:
    records: tuple[OmmRecord, ...]
    fetched_at: datetime
    url: str


def gp_url_from_env() -> str:
    """Return the GP endpoint: $ISSTRACK_GP_URL, else $ISSTRACK_TLE_URL's address without its query."""
    explicit = os.environ.get("ISSTRACK_GP_URL")
    template = os.environ.get("ISSTRACK_TLE_URL")
    url = explicit or (template.split("?", 1)[0] if template else DEFAULT_GP_URL)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or " " in url:
        name = "ISSTRACK_GP_URL" if explicit else "ISSTRACK_TLE_URL"
        raise BadInputError(
            f"{name}={url[:200]!r} does not give a GP endpoint; set ISSTRACK_GP_URL to an http(s) URL "
            f"without a query, like {DEFAULT_GP_URL}"
        )
    return url


class QueryStore:
    """Answer one GP query from a fresh cache, a download, or a stale cache, keeping CelesTrak's policy."""

    def __init__(
        self,
        query: GpQuery,
        cache_dir: Path,
        base_url: str = DEFAULT_GP_URL,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.query = query
        self.cache_dir = cache_dir
        self.url = query.url(base_url)
        self.timeout_s = timeout_s
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.files = CacheFiles(cache_dir, 0, stem=query.file_stem)
        # One object's answer is a few hundred bytes; a group, a name or a launch can be thousands.
        self.max_bytes = MAX_RESPONSE_BYTES if query.kind == "CATNR" else MAX_OMM_CHARS

    def get(self, offline: bool = False) -> QueryAnswer:
        """Return the answer: fresh cache, a download, or the stale cache; raise if there is none."""
        notes = Notes()
        now = self._clock()
        self.files.sweep_stale_temps(notes)
        cache = self._read_cache(notes, now)
        state = self.files.read_state(notes, now)
        if offline:
            notes.log.append("offline: not touching the network")
            return self._fallback(cache, state, notes, "offline")
        if cache is not None and self._is_fresh(cache, state, now):
            return self._use(cache, state, notes, "cache hit")
        if not self.files.ensure_dir(notes):
            notes.warnings.append(
                f"cache directory {self.cache_dir} is not writable: not downloading (CelesTrak allows "
                "one download per query per 2 hours, which needs a cache); fix it or set ISSTRACK_CACHE_DIR"
            )
            return self._fallback(cache, state, notes, "the cache directory is not writable")
        from filelock import FileLock, Timeout

        try:
            with FileLock(str(self.files.lock_path), timeout=LOCK_TIMEOUT_S):
                return self._refresh_locked(notes)
        except Timeout:
            notes.warnings.append(f"another isstrack has held {self.files.lock_path}; not downloading")
        except OSError as exc:
            notes.warnings.append(f"cannot lock {self.files.lock_path} ({exc.strerror}); not downloading")
        now = self._clock()
        return self._fallback(self._read_cache(notes, now), self.files.read_state(notes, now), notes, "")

    def update(self) -> QueryAnswer:
        """Download now if the policy allows; raise UpdateError saying when it will, or why it failed."""
        notes = Notes()
        if not self.files.ensure_dir(notes):
            raise UpdateError(f"cannot update: cache directory {self.cache_dir} is not writable")
        from filelock import FileLock, Timeout

        try:
            with FileLock(str(self.files.lock_path), timeout=LOCK_TIMEOUT_S):
                now = self._clock()
                cache = self._read_cache(notes, now)
                state = self.files.read_state(notes, now)
                moments = [state.retry_after] if state.retry_after else []
                if cache is not None:
                    moments.append(cache.fetched_at + FRESH_FOR)
                allowed = max(moments, default=None)
                if allowed is not None and allowed > now:
                    raise UpdateError(
                        f"not updating {self.query.describe()}: CelesTrak allows one download per query "
                        f"per 2 hours; next download allowed {_clock(allowed)}"
                    )
                answer = self._refresh_locked(notes)
        except Timeout:
            raise UpdateError(f"cannot update: another isstrack holds {self.files.lock_path}") from None
        if answer.source != "network":
            raise UpdateError(f"update of {self.query.describe()} failed: {'; '.join(answer.warnings)}")
        return answer

    def put(self, record: OmmRecord, fetched_at: datetime, origin: str) -> None:
        """Cache `record` as the query's answer fetched at `fetched_at` (tle --import), checked as a download.

        Raise TleFormatError, the cache untouched, if it does not answer the query, is not a plausible
        set of its object (or successor of the cached one), or is older than the cached set.
        """
        notes = Notes()
        if not self.files.ensure_dir(notes):
            raise BadInputError(f"cannot import: cache directory {self.cache_dir} is not writable")
        from filelock import FileLock, Timeout

        try:
            with FileLock(str(self.files.lock_path), timeout=LOCK_TIMEOUT_S):
                now = self._clock()
                cache = self._read_cache(notes, now)
                self._check([record], now, cache)
                kept = [
                    r for r in (cache.records if cache else ()) if r.catalog_number == record.catalog_number
                ]
                newest = max(kept, key=lambda r: r.epoch, default=None)
                if newest is not None and record.epoch < newest.epoch:
                    raise TleFormatError(
                        f"its set (epoch {_clock(record.epoch)}) is older than the cached one "
                        f"(epoch {_clock(newest.epoch)}), which stays the default"
                    )
                if not self._write_cache(_Cached((record,), fetched_at, origin), notes):
                    raise BadInputError(f"cannot import: {notes.warnings[-1]}")
        except Timeout:
            raise BadInputError(f"cannot import: another isstrack holds {self.files.lock_path}") from None

    # -- the locked refresh -----------------------------------------------------

    def _refresh_locked(self, notes: Notes) -> QueryAnswer:
        now = self._clock()
        self.files.unreadable.clear()
        cache = self._read_cache(notes, now)  # another process may have refreshed it meanwhile
        state = self.files.read_state(notes, now)
        if cache is not None and self._is_fresh(cache, state, now):
            return self._use(cache, state, notes, "cache refreshed by another process")
        if self.files.unreadable:
            names = ", ".join(sorted(str(p) for p in self.files.unreadable))
            notes.log.append(f"not downloading: cannot read {names}")
            return self._fallback(cache, state, notes, f"cannot read {names}")
        if state.retry_after is not None and state.retry_after > now:
            if state.outcome.startswith(NO_DATA):
                raise UnknownSatelliteError(f"{no_such(self.query)} (asked at {_clock(state.last_attempt)})")
            why = f"the last attempt at {_clock(state.last_attempt)}: {state.outcome}"
            notes.log.append(f"not downloading before {_clock(state.retry_after)} ({why})")
            if cache is None or not state.outcome.startswith(NOT_UPDATED):
                notes.warnings.append(f"not downloading {self.query.describe()} yet ({why})")
            return self._fallback(cache, state, notes, why)
        if not self.files.write_state(State(now, ATTEMPT_STARTED, now + PAUSE_AFTER_NO_ANSWER), notes):
            return self._fallback(
                cache, state, notes, f"cannot record the attempt in {self.files.state_path}"
            )
        notes.log.append(f"downloading {self.url}")
        try:
            records = self._download(now, cache)
        except FetchFailure as failure:
            retry = now + failure.pause
            failed = State(now, failure.message, retry)
            self.files.write_state(failed, notes)
            if failure.message.startswith(NO_DATA):
                raise UnknownSatelliteError(no_such(self.query)) from None
            if failure.message.startswith(NOT_UPDATED) and cache is not None:
                notes.log.append(f"{failure.message}: the cached answer is current")
                return self._use(cache, failed, notes, "confirmed by the server")
            notes.warnings.append(f"could not download {self.query.describe()}: {failure.message}")
            return self._fallback(cache, failed, notes, failure.message)
        fresh = _Cached(tuple(records), now, self.url)
        self._write_cache(fresh, notes)
        ok = State(now, "ok", now + FRESH_FOR)
        self.files.write_state(ok, notes)
        notes.log.append(f"downloaded {len(records)} record(s) for {self.query.describe()}")
        return QueryAnswer(
            self.query, fresh.records, "network", self.url, now, ok.retry_after, *self._told(notes)
        )

    def _download(self, now: datetime, cache: _Cached | None) -> list[OmmRecord]:
        answer = fetch(self.url, self.timeout_s, f"isstrack/{__version__}", self.max_bytes)
        text = answer.body.decode("utf-8", errors="replace")
        if "no gp data found" in text[:200].lower():
            raise FetchFailure(f"{NO_DATA} (HTTP {answer.status})", PAUSE_AFTER_ERROR)
        if answer.status == 403 and _NOT_UPDATED_WORDS in text.lower():
            raise FetchFailure(f"{NOT_UPDATED} (HTTP 403)", PAUSE_AFTER_ERROR)
        if answer.status != 200:
            snippet = " ".join(text.split())[:120]
            shown = "an HTML page" if snippet.startswith("<") else snippet
            where = f" to {answer.location[:200]}" if answer.location else ""
            raise FetchFailure(
                f"HTTP {answer.status}{where}" + (f": {shown}" if shown else ""),
                retry_pause(answer.status, answer.retry_after),
            )
        try:
            return self._check(parse_json(text), now, cache)
        except TleFormatError as exc:
            raise FetchFailure(
                f"the answer is not usable, so not caching it: {exc}", PAUSE_AFTER_ERROR
            ) from None

    def _check(self, records: list[OmmRecord], now: datetime, cache: _Cached | None) -> list[OmmRecord]:
        """Return the records if every one answers the query and is a plausible set of its object."""
        previous = {r.catalog_number: r for r in cache.records} if cache is not None else {}
        for record in records:
            wrong = self.query.mismatch(record)
            if wrong is not None:
                raise TleFormatError(f"not the object asked for ({wrong})")
            elements = from_omm(record)
            before = previous.get(record.catalog_number)
            check_plausible(elements, from_omm(before) if before is not None else None)
            check_epoch_not_ahead(elements, now)
        return records

    # -- choosing ---------------------------------------------------------------

    def _is_fresh(self, cache: _Cached, state: State, now: datetime) -> bool:
        if not timedelta(minutes=-5) <= now - cache.fetched_at < FRESH_FOR:
            return (
                state.outcome.startswith(NOT_UPDATED)
                and state.retry_after is not None
                and (now < state.retry_after)
            )
        return True

    def _use(self, cache: _Cached, state: State, notes: Notes, why: str) -> QueryAnswer:
        notes.log.append(f"{why}: {self.files.cache_path}, fetched {iso_z(cache.fetched_at)}")
        allowed = max(filter(None, (state.retry_after, cache.fetched_at + FRESH_FOR)))
        return QueryAnswer(
            self.query, cache.records, "cache", str(self.files.cache_path), cache.fetched_at, allowed,
            *self._told(notes),
        )  # fmt: skip

    def _fallback(self, cache: _Cached | None, state: State, notes: Notes, why: str) -> QueryAnswer:
        if cache is not None:
            return self._use(cache, state, notes, "using the cache")
        retry = f"; next download allowed {_clock(state.retry_after)}" if state.retry_after else ""
        reason = f" ({why})" if why else ""
        raise NoElementsError(
            f"no elements for {self.query.describe()}: nothing cached and none downloaded{reason}{retry}; "
            "give them with --tle-file (OMM JSON or CSV, TLE or 3LE)"
        )

    @staticmethod
    def _told(notes: Notes) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return tuple(notes.warnings), tuple(notes.log)

    # -- cache file -------------------------------------------------------------

    def _read_cache(self, notes: Notes, now: datetime) -> _Cached | None:
        raw = self.files.read_bytes(self.files.cache_path, "cache file", notes, MAX_OMM_CHARS)
        if raw is None:
            return None
        try:
            data = load_json(raw, MAX_OMM_CHARS)
            if not isinstance(data, dict) or data.get("query") != self.query.parameter:
                raise ValueError("not the cache of this query")
            records = tuple(parse_record(r, i) for i, r in enumerate(data["omm"], start=1))
            fetched_at = recorded_time(data["fetched_at"], "fetched_at")
            if fetched_at > now + CLOCK_SKEW:
                raise ValueError(f"fetched_at {data['fetched_at']} is ahead of the clock")
            return _Cached(records, fetched_at, str(data.get("url", "")))
        except (ValueError, KeyError, TypeError, AttributeError, TleFormatError) as exc:
            path = self.files.cache_path
            self.files.set_aside(path, f"cache file {path} was damaged ({exc})", notes)
            return None

    def _write_cache(self, cached: _Cached, notes: Notes) -> bool:
        payload: dict[str, Any] = {
            "query": self.query.parameter,
            "fetched_at": time_text(cached.fetched_at, truncate=True),
            "url": cached.url,
            "omm": [record.as_json() for record in cached.records],
        }
        return self.files.write_json(self.files.cache_path, payload, notes)


def _clock(moment: datetime | None) -> str:
    return "?" if moment is None else moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
