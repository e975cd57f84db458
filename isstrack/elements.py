"""Get the freshest trustworthy element set: fresh cache, CelesTrak, stale cache, bundled, or file.

CelesTrak's usage policy is kept here and nowhere else: at most one download
per query per 2 hours (shared across processes through the cache directory),
no retry loop, a 2-hour pause after any answer other than a good 200, a
timeout on every request, and a cap on the size of an answer.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from isstrack import __version__
from isstrack.errors import (
    BadInputError,
    NoElementsError,
    NoGpDataError,
    TleFormatError,
    UpdateError,
)
from isstrack.tle import ElementSet, parse_elements

DEFAULT_URL_TEMPLATE = "https://celestrak.org/NORAD/elements/gp.php?CATNR={catnr}&FORMAT=TLE"
FRESH_FOR = timedelta(hours=2)
PAUSE_AFTER_ERROR = timedelta(hours=2)
PAUSE_AFTER_NO_ANSWER = timedelta(minutes=15)
DEFAULT_TIMEOUT_S = 10.0
MAX_RESPONSE_BYTES = 1_000_000
MAX_FILE_BYTES = 10_000_000
LOCK_TIMEOUT_S = 60.0
BUNDLED_FILE = "iss.tle"

Source = Literal["network", "cache", "bundled", "file"]


@dataclass(frozen=True)
class ElementsInUse:
    """An element set together with where it came from and what the user should be told."""

    elements: ElementSet
    source: Source
    origin: str
    fetched_at: datetime | None = None
    next_fetch_at: datetime | None = None
    warnings: tuple[str, ...] = ()
    log: tuple[str, ...] = ()


@dataclass(frozen=True)
class _CacheRecord:
    elements: ElementSet
    fetched_at: datetime
    url: str


@dataclass(frozen=True)
class _State:
    last_attempt: datetime | None = None
    outcome: str = ""
    retry_after: datetime | None = None


class _FetchFailure(Exception):
    def __init__(self, message: str, pause: timedelta) -> None:
        super().__init__(message)
        self.message = message
        self.pause = pause


@dataclass
class _Notes:
    warnings: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def url_template_from_env() -> str:
    """Return the element URL template: $ISSTRACK_TLE_URL (must contain {catnr}) or CelesTrak's."""
    template = os.environ.get("ISSTRACK_TLE_URL") or DEFAULT_URL_TEMPLATE
    if "{catnr}" not in template:
        raise BadInputError(
            "ISSTRACK_TLE_URL must contain {catnr} where the catalog number goes, "
            f"like {DEFAULT_URL_TEMPLATE}"
        )
    return template


def timeout_from_env() -> float:
    """Return the HTTP timeout in seconds: $ISSTRACK_HTTP_TIMEOUT or 10."""
    text = os.environ.get("ISSTRACK_HTTP_TIMEOUT")
    if not text:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 120:
        raise BadInputError(f"ISSTRACK_HTTP_TIMEOUT={text!r} is not a number of seconds in (0, 120]")
    return value


def load_file(path: Path, catalog_number: int) -> ElementsInUse:
    """Read elements for `catalog_number` from a local TLE, 3LE or OMM JSON file."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise TleFormatError(f"--tle-file {path}: {size} bytes is too large for an element file")
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise TleFormatError(
            f"--tle-file {path}: no such file; give the path of a TLE, 3LE or OMM JSON file"
        ) from None
    except IsADirectoryError:
        raise TleFormatError(f"--tle-file {path} is a directory; give an element file") from None
    except UnicodeDecodeError:
        raise TleFormatError(f"--tle-file {path} is not text; give a TLE, 3LE or OMM JSON file") from None
    except OSError as exc:
        raise TleFormatError(f"--tle-file {path} cannot be read: {exc.strerror}") from None
    try:
        elements = parse_elements(text, catalog_number)
    except TleFormatError as exc:
        raise TleFormatError(
            f"--tle-file {path} holds no valid elements: {exc}; give a TLE, 3LE or OMM JSON file"
        ) from None
    return ElementsInUse(elements, "file", str(path), log=(f"elements from file {path}",))


def load_bundled(catalog_number: int) -> ElementsInUse:
    """Return the element set shipped with the package."""
    from isstrack.paths import data_file

    path = data_file(BUNDLED_FILE)
    try:
        elements = parse_elements(path.read_text(encoding="utf-8"), catalog_number)
    except (OSError, TleFormatError) as exc:
        raise NoElementsError(
            f"no usable elements: the bundled set is missing or damaged ({exc}); reinstall isstrack"
        ) from None
    return ElementsInUse(elements, "bundled", str(path))


class ElementStore:
    """Answer "the freshest trustworthy elements for catalog number N", keeping CelesTrak's policy."""

    def __init__(
        self,
        catalog_number: int,
        cache_dir: Path,
        url_template: str = DEFAULT_URL_TEMPLATE,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.catalog_number = catalog_number
        self.cache_dir = cache_dir
        self.url = url_template.format(catnr=catalog_number)
        self.timeout_s = timeout_s
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        stem = f"gp-{catalog_number}"
        self.cache_path = cache_dir / f"{stem}.json"
        self.state_path = cache_dir / f"{stem}.state.json"
        self.lock_path = cache_dir / f"{stem}.lock"

    # -- public -----------------------------------------------------------------

    def get(self, offline: bool = False) -> ElementsInUse:
        """Return the elements to use: fresh cache, a download, or the newest fallback."""
        notes = _Notes()
        now = self._clock()
        cache = self._read_cache(notes)
        if cache is None:
            notes.log.append(f"no cached elements in {self.cache_dir}")
        if offline:
            notes.log.append("offline: not touching the network")
            return self._fallback(cache, self._read_state(notes), notes)
        if cache is not None and self._is_fresh(cache, now):
            return self._use_cache(cache, self._read_state(notes), notes, "cache hit")
        if not self._ensure_dir(notes):
            notes.warnings.append(
                f"cache directory {self.cache_dir} is not writable: not caching and not "
                "downloading (CelesTrak allows one download per 2 hours, which needs a cache); "
                "fix its permissions or set ISSTRACK_CACHE_DIR"
            )
            return self._fallback(cache, _State(), notes)
        from filelock import FileLock, Timeout

        try:
            with FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT_S):
                return self._refresh_locked(notes, forced=False)
        except Timeout:
            notes.warnings.append(
                f"another isstrack has held {self.lock_path} for {LOCK_TIMEOUT_S:.0f} s; "
                "not downloading this time"
            )
        except OSError as exc:
            notes.warnings.append(f"cannot lock {self.lock_path} ({exc.strerror}); not downloading this time")
        return self._fallback(self._read_cache(notes), self._read_state(notes), notes)

    def update(self) -> ElementsInUse:
        """Download now if the policy allows; raise UpdateError saying when it will if not."""
        notes = _Notes()
        if not self._ensure_dir(notes):
            raise UpdateError(
                f"cannot update: cache directory {self.cache_dir} is not writable; "
                "fix its permissions or set ISSTRACK_CACHE_DIR"
            )
        from filelock import FileLock, Timeout

        try:
            with FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT_S):
                return self._refresh_locked(notes, forced=True)
        except Timeout:
            raise UpdateError(
                f"cannot update: another isstrack holds {self.lock_path}; try again shortly"
            ) from None

    def status(self) -> tuple[datetime | None, str]:
        """Return when the next download is allowed (None: now) and the last outcome."""
        notes = _Notes()
        state = self._read_state(notes)
        return self._next_allowed(self._read_cache(notes), state), state.outcome

    # -- the locked refresh -----------------------------------------------------

    def _refresh_locked(self, notes: _Notes, forced: bool) -> ElementsInUse:
        now = self._clock()
        cache = self._read_cache(notes)  # another process may have refreshed it meanwhile
        state = self._read_state(notes)
        if not forced and cache is not None and self._is_fresh(cache, now):
            return self._use_cache(cache, state, notes, "cache refreshed by another process")
        allowed_at = self._next_allowed(cache, state)
        if allowed_at is not None and allowed_at > now:
            last = _clock_time(state.last_attempt or (cache.fetched_at if cache else now))
            failed = bool(state.outcome) and not state.outcome.startswith("ok")
            why = (
                f"the last attempt at {last} failed ({state.outcome})"
                if failed
                else f"CelesTrak allows one download per 2 hours and the last was at {last}"
            )
            message = (
                f"{why}; next download allowed {_clock_time(allowed_at)} (in {_duration(allowed_at - now)})"
            )
            if forced:
                raise UpdateError(f"not updating: {message}")
            notes.log.append(f"not downloading: {message}")
            if failed:
                notes.warnings.append(f"not downloading: {message}")
            return self._fallback(cache, state, notes)
        notes.log.append(f"downloading {self.url}")
        try:
            fresh = self._download()
        except _FetchFailure as failure:
            retry = now + failure.pause
            self._write_state(_State(now, failure.message, retry), notes)
            if forced:
                raise UpdateError(
                    f"update failed: {failure.message}; next attempt allowed {_clock_time(retry)}"
                ) from None
            notes.warnings.append(
                f"could not download elements: {failure.message}; next try {_clock_time(retry)}"
            )
            return self._fallback(cache, _State(now, failure.message, retry), notes)
        retry = now + FRESH_FOR
        if cache is not None and fresh.epoch < cache.elements.epoch:
            self._write_state(_State(now, "ok, but older than the cache", retry), notes)
            notes.log.append(
                f"downloaded epoch {_iso(fresh.epoch)} is older than cached "
                f"{_iso(cache.elements.epoch)}: keeping the cache"
            )
            return self._use_cache(cache, _State(now, "ok", retry), notes, "kept cache")
        self._write_cache(_CacheRecord(fresh, now, self.url), notes)
        self._write_state(_State(now, "ok", retry), notes)
        notes.log.append(f"downloaded elements with epoch {_iso(fresh.epoch)}")
        return ElementsInUse(fresh, "network", self.url, now, retry, tuple(notes.warnings), tuple(notes.log))

    # -- choosing ---------------------------------------------------------------

    def _is_fresh(self, cache: _CacheRecord, now: datetime) -> bool:
        age = now - cache.fetched_at
        return timedelta(minutes=-5) <= age < FRESH_FOR

    def _next_allowed(self, cache: _CacheRecord | None, state: _State) -> datetime | None:
        candidates = [state.retry_after] if state.retry_after else []
        if cache is not None:
            candidates.append(cache.fetched_at + FRESH_FOR)
        return max(candidates) if candidates else None

    def _use_cache(self, cache: _CacheRecord, state: _State, notes: _Notes, why: str) -> ElementsInUse:
        minutes = (self._clock() - cache.fetched_at).total_seconds() / 60
        notes.log.append(f"{why}: {self.cache_path}, fetched {minutes:.0f} min ago")
        return ElementsInUse(
            cache.elements,
            "cache",
            str(self.cache_path),
            cache.fetched_at,
            self._next_allowed(cache, state),
            tuple(notes.warnings),
            tuple(notes.log),
        )

    def _fallback(self, cache: _CacheRecord | None, state: _State, notes: _Notes) -> ElementsInUse:
        bundled = load_bundled(self.catalog_number)
        if cache is not None and cache.elements.epoch >= bundled.elements.epoch:
            return self._use_cache(cache, state, notes, "using the cache (newer than bundled)")
        notes.log.append(
            f"using the bundled elements (epoch {_iso(bundled.elements.epoch)})"
            + ("" if cache is None else "; the cache is older")
        )
        return ElementsInUse(
            bundled.elements,
            "bundled",
            bundled.origin,
            None,
            self._next_allowed(cache, state),
            tuple(notes.warnings),
            tuple(notes.log),
        )

    # -- network ----------------------------------------------------------------

    def _download(self) -> ElementSet:
        import requests

        host = urlsplit(self.url).netloc or self.url
        headers = {"User-Agent": f"isstrack/{__version__}", "Accept": "text/plain, application/json"}
        deadline = time.monotonic() + 2 * self.timeout_s
        try:
            with requests.get(
                self.url,
                headers=headers,
                timeout=(self.timeout_s, self.timeout_s),
                stream=True,
                allow_redirects=False,
            ) as response:
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
                    raise _FetchFailure(
                        f"{host} sent {int(declared)} bytes, over the 1 MB limit",
                        PAUSE_AFTER_ERROR,
                    )
                body = bytearray()
                for chunk in response.iter_content(chunk_size=16384):
                    body += chunk
                    if len(body) > MAX_RESPONSE_BYTES:
                        raise _FetchFailure(f"{host} sent more than the 1 MB limit", PAUSE_AFTER_ERROR)
                    if time.monotonic() > deadline:
                        raise _FetchFailure(
                            f"{host} was too slow (over {2 * self.timeout_s:.0f} s)",
                            PAUSE_AFTER_NO_ANSWER,
                        )
                status = response.status_code
                location = response.headers.get("Location", "")
                retry_after = response.headers.get("Retry-After", "")
        except requests.Timeout:
            raise _FetchFailure(
                f"no answer from {host} within {self.timeout_s:.0f} s", PAUSE_AFTER_NO_ANSWER
            ) from None
        except requests.RequestException as exc:
            reason = type(exc).__name__
            raise _FetchFailure(f"could not reach {host} ({reason})", PAUSE_AFTER_NO_ANSWER) from None
        text = bytes(body).decode("utf-8", errors="replace")
        if status != 200:
            raise _FetchFailure(
                self._describe_status(status, text, location), self._pause(status, retry_after)
            )
        try:
            return parse_elements(text, self.catalog_number)
        except NoGpDataError:
            raise _FetchFailure(
                f"{host} has no GP data for catalog number {self.catalog_number}",
                PAUSE_AFTER_ERROR,
            ) from None
        except TleFormatError as exc:
            raise _FetchFailure(f"{host} answered with unusable elements: {exc}", PAUSE_AFTER_ERROR) from None

    def _describe_status(self, status: int, text: str, location: str) -> str:
        if 300 <= status < 400:
            return (
                f"HTTP {status} redirect to {location or '?'} (not followed; "
                "CelesTrak counts redirects as errors, check ISSTRACK_TLE_URL)"
            )
        if "no gp data found" in text.lower():
            return f"HTTP {status}: no GP data for catalog number {self.catalog_number}"
        snippet = " ".join(text.split())[:200]
        if snippet.lower().startswith("<"):
            snippet = "an HTML page"
        return f"HTTP {status}" + (f": {snippet}" if snippet else "")

    @staticmethod
    def _pause(status: int, retry_after: str) -> timedelta:
        pause = PAUSE_AFTER_ERROR
        if status == 429 and retry_after.isdigit():
            pause = max(pause, timedelta(seconds=int(retry_after)))
        return pause

    # -- files ------------------------------------------------------------------

    def _ensure_dir(self, notes: _Notes) -> bool:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.cache_dir, prefix=".probe-"):
                pass
        except OSError as exc:
            notes.log.append(f"cache directory unusable: {exc}")
            return False
        return True

    def _read_cache(self, notes: _Notes) -> _CacheRecord | None:
        try:
            raw = self.cache_path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            notes.warnings.append(f"cannot read cache file {self.cache_path} ({exc.strerror})")
            return None
        try:
            data = json.loads(raw.decode("utf-8"))
            if data.get("catalog_number") != self.catalog_number:
                raise ValueError("catalog number does not match")
            elements = parse_elements(str(data["tle"]), self.catalog_number)
            fetched_at = _parse_iso(str(data["fetched_at"]))
            return _CacheRecord(elements, fetched_at, str(data.get("url", "")))
        except (ValueError, KeyError, TypeError, AttributeError, TleFormatError) as exc:
            self._set_aside(self.cache_path, f"cache file {self.cache_path} was damaged ({exc})", notes)
            return None

    def _read_state(self, notes: _Notes) -> _State:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
            return _State(
                _parse_iso(data["last_attempt"]) if data.get("last_attempt") else None,
                str(data.get("outcome", "")),
                _parse_iso(data["retry_after"]) if data.get("retry_after") else None,
            )
        except FileNotFoundError:
            return _State()
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            self._set_aside(self.state_path, f"download log {self.state_path} was damaged ({exc})", notes)
            return _State()

    def _set_aside(self, path: Path, message: str, notes: _Notes) -> None:
        try:
            os.replace(path, path.with_name(path.name + ".damaged"))
            notes.warnings.append(f"{message}; moved it aside and treating it as missing")
        except OSError:
            notes.warnings.append(f"{message}; treating it as missing")

    def _write_cache(self, record: _CacheRecord, notes: _Notes) -> None:
        payload = {
            "catalog_number": self.catalog_number,
            "fetched_at": _iso(record.fetched_at),
            "url": record.url,
            "tle": record.elements.as_text(),
        }
        self._write_atomic(self.cache_path, payload, notes)

    def _write_state(self, state: _State, notes: _Notes) -> None:
        payload = {
            "last_attempt": _iso(state.last_attempt) if state.last_attempt else None,
            "outcome": state.outcome,
            "retry_after": _iso(state.retry_after) if state.retry_after else None,
        }
        self._write_atomic(self.state_path, payload, notes)

    def _write_atomic(self, path: Path, payload: dict[str, Any], notes: _Notes) -> None:
        tmp_name = ""
        try:
            with tempfile.NamedTemporaryFile(
                "w",
                dir=path.parent,
                prefix=f".{path.name}.",
                suffix=".tmp",
                delete=False,
                encoding="utf-8",
            ) as tmp:
                tmp_name = tmp.name
                json.dump(payload, tmp, indent=1)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, path)
        except OSError as exc:
            notes.warnings.append(f"could not write {path} ({exc.strerror}); not cached")
            if tmp_name:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time {text!r} has no offset")
    return moment.astimezone(timezone.utc)


def _clock_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _duration(span: timedelta) -> str:
    minutes = max(0, round(span.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
