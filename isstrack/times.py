"""Parse the times and durations users type: ISO 8601 instants and spans like 15m."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from isstrack.errors import TimeInputError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_time(text: str, option: str = "--at") -> datetime:
    """Return an aware UTC datetime from ISO 8601 text; a time without an offset means UTC."""
    cleaned = text.strip()
    if cleaned.lower() == "now":
        return utc_now()
    try:
        moment = datetime.fromisoformat(cleaned.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise TimeInputError(
            f"{option} {text!r} is not an ISO 8601 time; write it like 2026-09-24T21:30:00Z "
            "or 2026-09-24T23:30+02:00 (no offset means UTC)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


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


def nearest_second(moment: datetime) -> datetime:
    """Return `moment` rounded to the nearest whole second (half a second rounds up), for display."""
    return (moment + timedelta(microseconds=500_000)).replace(microsecond=0)


def iso_z(moment: datetime) -> str:
    """Return `moment` as ISO 8601 UTC with a Z, rounded to the nearest second."""
    return nearest_second(moment).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
