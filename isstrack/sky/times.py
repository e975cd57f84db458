"""Parse the times and durations users type: ISO 8601 instants and spans like 15m."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from isstrack.errors import TimeInputError
from isstrack.io.timetext import ISO_MINUTES, duration_text, time_text
from isstrack.io.timetext import iso_z as iso_z  # where the commands, scenes and tests find them
from isstrack.io.timetext import nearest_second as nearest_second
from isstrack.sky.ephemeris import FIRST, LAST

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


MAX_TIME_TEXT = 100  # characters: longer than any ISO 8601 time


def parse_time(
    text: str,
    option: str = "--at",
    before: timedelta = timedelta(0),
    after: timedelta = timedelta(0),
) -> datetime:
    """Return an aware UTC datetime from ISO 8601 text (no offset means UTC), inside the supported range.

    The command needs the Sun and Earth from `before` the time to `after` it, so the time must lie in
    [FIRST + before, LAST - after] of the bundled ephemeris; anything else is rejected naming `option`.
    """
    cleaned = text.strip()
    moment = utc_now() if cleaned.lower() == "now" else None
    if moment is None:
        moment = _parse_iso(cleaned) if len(cleaned) <= MAX_TIME_TEXT else None
        if moment is None:
            raise TimeInputError(
                f"{option} {_shown(text)} is not an ISO 8601 time; write it like 2026-09-24T21:30:00Z "
                "or 2026-09-24T23:30+02:00 (no offset means UTC)"
            )
    check_supported(moment, f"{option} {_shown(text)}", option, before, after)
    return moment


def _parse_iso(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before year 1 in UTC
        return datetime.min.replace(tzinfo=timezone.utc)


def check_supported(
    moment: datetime,
    what: str,
    option: str,
    before: timedelta = timedelta(0),
    after: timedelta = timedelta(0),
) -> None:
    """Raise TimeInputError unless [moment - before, moment + after] lies inside the bundled ephemeris."""
    first = FIRST + before
    last = LAST - after
    if first <= moment <= last:
        return
    needs = ""
    if before or after:
        needs = f"; this command reads it from {_span(before)} before the time to {_span(after)} after it"
    raise TimeInputError(
        f"{what} is outside the supported range: give {option} between {_utc(first)} and {_utc(last)} "
        f"(the bundled ephemeris covers {_utc(FIRST)} to {_utc(LAST)}{needs})"
    )


def _span(span: timedelta) -> str:
    return duration_text(span.total_seconds(), sparse=True)


def _utc(moment: datetime) -> str:
    return time_text(moment, ISO_MINUTES, truncate=True)


def _shown(text: str) -> str:
    """Return user text for a message: quoted with escapes, and cut short when long."""
    return repr(text) if len(text) <= 60 else repr(text[:60]) + f"... ({len(text)} characters)"


def parse_duration(text: str, option: str = "--within") -> timedelta:
    """Return a positive span from text like 90s, 15m, 2h or 1d."""
    match = _DURATION.match(text or "")
    if not match or float(match.group(1)) <= 0:
        raise TimeInputError(
            f"{option} {text!r} is not a duration; write a positive number with s, m, h or d, like 15m or 2h"
        )
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    if seconds > 30 * 86400:
        raise TimeInputError(f"{option} {text!r} is longer than 30 days; give at most 30d")
    return timedelta(seconds=seconds)


def utc_now() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(timezone.utc)
