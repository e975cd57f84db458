"""NASA's trajectory in the cache: fetched at most once per 4 hours, atomically, never over a good copy.

Opt-in: only with $ISSTRACK_OEM_URL set (an http(s) URL of NASA's ISS.OEM_J2K_EPH.txt, or a mirror)
does isstrack download it; the politeness, bounds and back-off are CelesTrak's (elements.download):
one GET bounded in time and size (the OEM's 8 MB limit), a pause after a failure (15 minutes with
no answer, 2 hours after a bad one, or the server's Retry-After), and a downloaded file that does not
parse as an OEM is refused, keeping the previous one. The file and its log are written atomically.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from isstrack import __version__
from isstrack.elements.download import PAUSE_AFTER_ERROR, FetchFailure, fetch, retry_pause
from isstrack.elements.sources import check_http_url
from isstrack.errors import BadInputError
from isstrack.io.atomic import write_atomic
from isstrack.io.timetext import iso_z

if TYPE_CHECKING:
    from isstrack.elements.oem import Oem

OEM_URL_ENV = "ISSTRACK_OEM_URL"
MIN_INTERVAL = timedelta(hours=4)  # NASA updates it about three times a week
CACHE_NAME = "iss-oem.txt"
STATE_NAME = "iss-oem-state.json"


@dataclass
class OemInUse:
    """The cached (or just downloaded) trajectory, if any, and what to say about it."""

    oem: Oem | None = None
    path: Path | None = None
    log: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def oem_url_from_env() -> str | None:
    """Return $ISSTRACK_OEM_URL (checked to be an http(s) URL), or None when unset."""
    url = os.environ.get(OEM_URL_ENV, "")
    if not url:
        return None
    check = check_http_url(url)
    if check.controls or check.not_http:
        raise BadInputError(
            f"{OEM_URL_ENV}={url[:200]!r} is not an http(s) URL with a host; set it to the URL of "
            "NASA's ISS.OEM_J2K_EPH.txt, or unset it"
        )
    return url


class OemStore:
    """The trajectory cached under `cache_dir`, refreshed from `url` under the download policy."""

    def __init__(self, cache_dir: Path, url: str | None, timeout_s: float) -> None:
        self.cache = cache_dir / CACHE_NAME
        self.state = cache_dir / STATE_NAME
        self.url = url
        self.timeout_s = timeout_s

    def get(self, now: datetime, offline: bool = False) -> OemInUse:
        """Return the newest good trajectory: downloaded when allowed and due, else the cached one."""
        found = OemInUse()
        state = self._read_state()
        last = _time(state.get("fetched_at"))
        retry = _time(state.get("retry_after"))
        if self.url is None or offline:
            found.log.append("the trajectory: not downloading (offline, or no $ISSTRACK_OEM_URL)")
        elif last is not None and now - last < MIN_INTERVAL:
            found.log.append(f"the trajectory was fetched {iso_z(last)}: at most one download per 4 hours")
        elif retry is not None and now < retry:
            found.log.append(f"the trajectory: next download allowed after {iso_z(retry)}")
        else:
            self._download(now, found)
            if found.oem is not None:
                return found
        self._read_cache(now, found)
        return found

    def _download(self, now: datetime, found: OemInUse) -> None:
        from isstrack.elements.oem import MAX_OEM_BYTES, OemFormatError, parse_oem

        assert self.url is not None
        try:
            answer = fetch(self.url, self.timeout_s, f"isstrack/{__version__}", MAX_OEM_BYTES)
            if answer.status != 200:
                raise FetchFailure(
                    f"the trajectory server answered HTTP {answer.status}",
                    retry_pause(answer.status, answer.retry_after),
                )
            try:
                oem = parse_oem(answer.body, "the downloaded trajectory", now)
            except OemFormatError as exc:
                raise FetchFailure(f"{exc}; keeping the previous one", PAUSE_AFTER_ERROR) from None
        except FetchFailure as failure:
            found.warnings.append(f"could not update NASA's trajectory: {failure.message}")
            self._write_state({"retry_after": iso_z(now + failure.pause), "outcome": failure.message})
            return
        try:
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.cache, answer.body)
        except OSError as exc:
            found.warnings.append(f"could not cache NASA's trajectory ({exc.strerror or exc}); using it once")
        self._write_state({"fetched_at": iso_z(now), "outcome": "ok"})
        found.oem, found.path = oem, self.cache
        found.log.append(f"downloaded NASA's trajectory created {iso_z(oem.creation)}")

    def _read_cache(self, now: datetime, found: OemInUse) -> None:
        from isstrack.elements.oem import MAX_OEM_BYTES, OemFormatError, parse_oem

        try:
            with self.cache.open("rb") as handle:
                raw = handle.read(MAX_OEM_BYTES + 1)
        except OSError:
            return
        try:
            found.oem, found.path = parse_oem(raw, f"the cached trajectory {self.cache}", now), self.cache
        except OemFormatError as exc:
            found.warnings.append(f"{exc}; ignoring it")

    def _read_state(self) -> dict[str, object]:
        try:
            value = json.loads(self.state.read_bytes()[:10_000])
        except (OSError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def _write_state(self, changes: dict[str, str]) -> None:
        state = {**self._read_state(), **changes}
        if "fetched_at" in changes:
            state.pop("retry_after", None)
        try:
            self.state.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.state, json.dumps(state).encode())
        except OSError:
            pass  # the next run tries again: politeness then rests on the cache file's age


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(timezone.utc) if moment.tzinfo is not None else None
