"""Get the freshest trustworthy element set: fresh cache, CelesTrak, stale cache, bundled, or file.

CelesTrak's usage policy is kept here and nowhere else: at most one download
per query per 2 hours (shared across processes through the cache directory),
each attempt recorded before it is made (no record, no attempt), no retry loop,
a 2-hour pause after any answer other than a good 200, a wall-time limit on
every request, and a cap on the size of an answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from isstrack import __version__
from isstrack.elements.cache import CacheFiles, CacheRecord, Notes, State
from isstrack.elements.download import (
    PAUSE_AFTER_ERROR,
    PAUSE_AFTER_NO_ANSWER,
    FetchFailure,
    deadline_s,
    fetch,
    retry_pause,
)
from isstrack.elements.file import load_file
from isstrack.elements.plausible import check_epoch_not_ahead, check_plausible, require_propagates
from isstrack.elements.sources import (
    DEFAULT_TIMEOUT_S,
    DEFAULT_URL_TEMPLATE,
    ElementsInUse,
    check_url_template,
    load_bundled,
    timeout_from_env,
    url_template_from_env,
)
from isstrack.elements.tle import ElementSet, parse_elements
from isstrack.errors import (
    NoGpDataError,
    TleFormatError,
    UpdateError,
)
from isstrack.io.timetext import UTC_TEXT_MINUTES, duration_text, time_text

__all__ = [
    "ElementStore",
    "ElementsInUse",
    "load_bundled",
    "load_file",
    "require_propagates",
    "timeout_from_env",
    "url_template_from_env",
]

FRESH_FOR = timedelta(hours=2)
LOCK_TIMEOUT_S = 60.0
AUTOMATIC_TIMEOUT_S = 2.0  # per step (connect, first byte, between bytes) for the automatic refresh
ATTEMPT_STARTED = "attempt started, no outcome recorded (the run was stopped?)"


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
        self.url = check_url_template(url_template).format(catnr=catalog_number)
        self.timeout_s = timeout_s
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.files = CacheFiles(cache_dir, catalog_number)
        self.cache_path = self.files.cache_path
        self.state_path = self.files.state_path
        self.lock_path = self.files.lock_path

    # -- public -----------------------------------------------------------------

    def get(self, offline: bool = False) -> ElementsInUse:
        """Return the elements to use: fresh cache, a download, or the newest fallback."""
        notes = Notes()
        now = self._clock()
        self.files.sweep_stale_temps(notes)
        cache = self.files.read_cache(notes, now)
        if cache is None:
            notes.log.append(f"no cached elements in {self.cache_dir}")
        if offline:
            notes.log.append("offline: not touching the network")
            return self._fallback(cache, self.files.read_state(notes, now), notes)
        if cache is not None and self._is_fresh(cache, now):
            return self._use_cache(cache, self.files.read_state(notes, now), notes, "cache hit")
        if not self.files.ensure_dir(notes):
            notes.warnings.append(
                f"cache directory {self.cache_dir} is not writable: not caching and not "
                "downloading (CelesTrak allows one download per 2 hours, which needs a cache); "
                "fix its permissions or set ISSTRACK_CACHE_DIR"
            )
            return self._fallback(cache, State(), notes)
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
        now = self._clock()
        return self._fallback(self.files.read_cache(notes, now), self.files.read_state(notes, now), notes)

    def update(self) -> ElementsInUse:
        """Download now if the policy allows; raise UpdateError saying when it will if not."""
        notes = Notes()
        if not self.files.ensure_dir(notes):
            raise UpdateError(
                f"cannot update: cache directory {self.cache_dir} is not writable; "
                "fix its permissions or set ISSTRACK_CACHE_DIR"
            )
        self.files.sweep_stale_temps(notes)
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
        notes = Notes()
        now = self._clock()
        state = self.files.read_state(notes, now)
        return self._next_allowed(self.files.read_cache(notes, now), state), state.outcome

    # -- the locked refresh -----------------------------------------------------

    def _refresh_locked(self, notes: Notes, forced: bool) -> ElementsInUse:
        now = self._clock()
        self.files.unreadable.clear()
        cache = self.files.read_cache(notes, now)  # another process may have refreshed it meanwhile
        state = self.files.read_state(notes, now)
        if not forced and cache is not None and self._is_fresh(cache, now):
            return self._use_cache(cache, state, notes, "cache refreshed by another process")
        if self.files.unreadable:
            names = ", ".join(sorted(str(p) for p in self.files.unreadable))
            message = f"cannot read {names}, so cannot keep to CelesTrak's policy; fix its permissions"
            if forced:
                raise UpdateError(f"not updating: {message}")
            notes.log.append(f"not downloading: {message}")
            return self._fallback(cache, state, notes)
        # An explicit update is not held back by a failed attempt nobody answered (the automatic one a
        # first offline run made): no download happened, so CelesTrak's one per 2 hours still holds.
        unanswered = state.outcome == ATTEMPT_STARTED or state.outcome.startswith(_UNANSWERED)
        allowed_at = self._next_allowed(cache, State() if forced and unanswered else state)
        if allowed_at is not None and allowed_at > now:
            last = _clock_time(state.last_attempt or (cache.fetched_at if cache else now))
            failed = bool(state.outcome) and not state.outcome.startswith("ok")
            why = (
                f"the last attempt at {last} failed ({state.outcome})"
                if failed
                else f"CelesTrak allows one download per 2 hours and the last was at {last}"
            )
            wait = duration_text((allowed_at - now).total_seconds(), days=False)
            message = f"{why}; next download allowed {_clock_time(allowed_at)} (in {wait})"
            if forced:
                raise UpdateError(f"not updating: {message}")
            notes.log.append(f"not downloading: {message}")
            if failed:
                notes.warnings.append(f"not downloading: {message}")
            return self._fallback(cache, state, notes)
        # Record the attempt (as unanswered) before making it: a run killed mid-download still
        # leaves its back-off, and an attempt that cannot be recorded is not made.
        if not self.files.write_state(State(now, ATTEMPT_STARTED, now + PAUSE_AFTER_NO_ANSWER), notes):
            message = (
                f"cannot record the attempt in {self.state_path}, so not downloading "
                "(CelesTrak allows one download per 2 hours, which needs a record); free disk space "
                "or set ISSTRACK_CACHE_DIR"
            )
            if forced:
                raise UpdateError(f"not updating: {message}")
            notes.warnings.append(message)
            return self._fallback(cache, state, notes)
        # An automatic refresh must not stall the command it serves: a server that accepts and never
        # answers costs it at most AUTOMATIC_TIMEOUT_S per step; an explicit update stays patient.
        timeout_s = self.timeout_s if forced else min(self.timeout_s, AUTOMATIC_TIMEOUT_S)
        notes.log.append(f"downloading {self.url} (at most {deadline_s(timeout_s):.0f} s)")
        try:
            fresh = self._download(now, timeout_s)
        except FetchFailure as failure:
            retry = now + failure.pause
            self.files.write_state(State(now, failure.message, retry), notes)
            if forced:
                raise UpdateError(
                    f"update failed: {failure.message}; next attempt allowed {_clock_time(retry)}"
                ) from None
            notes.warnings.append(
                f"could not download elements: {failure.message}; next try {_clock_time(retry)}"
            )
            return self._fallback(cache, State(now, failure.message, retry), notes)
        retry = now + FRESH_FOR
        if cache is not None and fresh.epoch < cache.elements.epoch:
            self.files.write_state(State(now, "ok, but older than the cache", retry), notes)
            notes.log.append(
                f"downloaded epoch {time_text(fresh.epoch, truncate=True)} is older than cached "
                f"{time_text(cache.elements.epoch, truncate=True)}: keeping the cache"
            )
            return self._use_cache(cache, State(now, "ok", retry), notes, "kept cache")
        self.files.write_cache(CacheRecord(fresh, now, self.url), notes)
        self.files.write_state(State(now, "ok", retry), notes)
        notes.log.append(f"downloaded elements with epoch {time_text(fresh.epoch, truncate=True)}")
        return ElementsInUse(fresh, "network", self.url, now, retry, tuple(notes.warnings), tuple(notes.log))

    # -- choosing ---------------------------------------------------------------

    def _is_fresh(self, cache: CacheRecord, now: datetime) -> bool:
        age = now - cache.fetched_at
        return timedelta(minutes=-5) <= age < FRESH_FOR

    def _next_allowed(self, cache: CacheRecord | None, state: State) -> datetime | None:
        candidates = [state.retry_after] if state.retry_after else []
        if cache is not None:
            candidates.append(cache.fetched_at + FRESH_FOR)
        return max(candidates) if candidates else None

    def _use_cache(self, cache: CacheRecord, state: State, notes: Notes, why: str) -> ElementsInUse:
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

    def _fallback(self, cache: CacheRecord | None, state: State, notes: Notes) -> ElementsInUse:
        bundled = load_bundled(self.catalog_number)
        if cache is not None and cache.elements.epoch >= bundled.elements.epoch:
            return self._use_cache(cache, state, notes, "using the cache (newer than bundled)")
        notes.log.append(
            f"using the bundled elements (epoch {time_text(bundled.elements.epoch, truncate=True)})"
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

    def _download(self, now: datetime, timeout_s: float) -> ElementSet:
        host = urlsplit(self.url).netloc or self.url
        answer = fetch(self.url, timeout_s, f"isstrack/{__version__}")
        text = answer.body.decode("utf-8", errors="replace")
        if answer.status != 200:
            raise FetchFailure(
                self._describe_status(answer.status, text, answer.location),
                retry_pause(answer.status, answer.retry_after),
            )
        try:
            elements = parse_elements(text, self.catalog_number)
            check_plausible(elements)
            check_epoch_not_ahead(elements, now)
        except NoGpDataError:
            raise FetchFailure(
                f"{host} has no GP data for catalog number {self.catalog_number}",
                PAUSE_AFTER_ERROR,
            ) from None
        except TleFormatError as exc:
            raise FetchFailure(f"{host} answered with unusable elements: {exc}", PAUSE_AFTER_ERROR) from None
        return elements

    def _describe_status(self, status: int, text: str, location: str) -> str:
        if 300 <= status < 400:
            return (
                f"HTTP {status} redirect to {location[:200] or '?'} (not followed; "
                "CelesTrak counts redirects as errors, check ISSTRACK_TLE_URL)"
            )
        if "no gp data found" in text.lower():
            return f"HTTP {status}: no GP data for catalog number {self.catalog_number}"
        snippet = " ".join(text.split())[:200]
        if snippet.lower().startswith("<"):
            snippet = "an HTML page"
        return f"HTTP {status}" + (f": {snippet}" if snippet else "")


_UNANSWERED = ("no answer from ", "could not reach ")


def _clock_time(moment: datetime) -> str:
    return time_text(moment, UTC_TEXT_MINUTES, truncate=True)
