"""How much to trust an element set of a given age, from measured ISS drift.

Figures come from propagating each of the 20 reference ISS sets (July to
September 2026) to the epochs of the later ones (tools/drift.py): under a day
old they were at most 1.0 km off, at 1-3 days 0.3-2.7 km (one 15 km), at 3-5
days 1-25 km but 587 km across the reboost of late August, and at 8-13 days
up to 4,400 km.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from isstrack.errors import BadInputError, UntrustedElementsError
from isstrack.io.timetext import age_text

NOTE_DAYS = 1.0
WARN_DAYS = 3.0
UNUSABLE_DAYS = 10.0


@dataclass(frozen=True)
class Staleness:
    """The trust level of elements at one moment, the line to tell the user, and what to do about it."""

    age_days: float
    level: str  # "fresh", "note", "warning" or "unusable"
    message: str | None
    remedy: str | None = None  # a line of its own, after the message


# What works offline as well as online, named by every message about old elements.
REMEDY = "run 'isstrack tle --update' online, or 'tle --import FILE' / '--tle-file FILE' offline"
# The same as a short line of its own, under a warning (fits 80 columns indented).
REMEDY_LINE = "online: isstrack tle --update · offline: tle --import FILE or --tle-file FILE"


def assess(age_days: float) -> Staleness:
    """Return the trust level for elements `age_days` from their epoch (either direction)."""
    age = abs(age_days)
    aged = f"elements are {age_text(age_days)}"
    if age < NOTE_DAYS:
        return Staleness(age_days, "fresh", None)
    if age < WARN_DAYS:
        return Staleness(age_days, "note", f"{aged}: positions within a few km")
    if age < UNUSABLE_DAYS:
        return Staleness(age_days, "warning", f"{aged}: positions 5-100 km off", REMEDY_LINE)
    return Staleness(age_days, "unusable", f"{aged}, too old to trust", REMEDY_LINE)


def is_trusted(age_days: float, max_age_days: float | None = None) -> bool:
    """Return whether elements `age_days` from their epoch are within the limit (default UNUSABLE_DAYS)."""
    limit = UNUSABLE_DAYS if max_age_days is None else max_age_days
    return abs(age_days) < limit


def untrusted_line(age_days: float) -> str | None:
    """Return the line interactive output shows when elements are too old to trust, else None.

    It names no age: the output shows the age once, next to the elements it describes.
    """
    if is_trusted(age_days):
        return None
    return "WARNING: too old to trust: positions and times may be far off"


def require_trusted(age_days: float, max_age_days: float | None = None) -> None:
    """Raise UntrustedElementsError when `abs(age_days)` is at or past the limit (default UNUSABLE_DAYS)."""
    if is_trusted(age_days, max_age_days):
        return
    limit = UNUSABLE_DAYS if max_age_days is None else max_age_days
    raise UntrustedElementsError(
        f"elements are {age_text(age_days)}, past the {limit:g}-day limit for scripted use: {REMEDY}; "
        f"or accept them with --max-age {_suggest(abs(age_days))}"
    )


def trusted_until(epoch: datetime, max_age_days: float | None = None) -> datetime:
    """Return the first moment after `epoch` at which the elements reach the limit (default UNUSABLE_DAYS)."""
    return epoch + timedelta(days=UNUSABLE_DAYS if max_age_days is None else max_age_days)


def require_trusted_event(
    epoch: datetime, when: datetime, max_age_days: float | None = None, what: str = "the next pass"
) -> None:
    """Raise UntrustedElementsError when elements from `epoch` are at or past the limit at `when`."""
    age_days = (when - epoch).total_seconds() / 86400.0
    if is_trusted(age_days, max_age_days):
        return
    limit = UNUSABLE_DAYS if max_age_days is None else max_age_days
    # The run shows no other age: the warning held back (Reporter.hold_trust) gives way to this one.
    raise UntrustedElementsError(
        f"{what} is on {when:%Y-%m-%d at %H:%M} UTC, when the elements will be {age_text(age_days)}, "
        f"past the {limit:g}-day limit: {REMEDY}; or accept it with --max-age {_suggest(abs(age_days))}"
    )


def require_trusted_span(
    epoch: datetime, start: datetime, end: datetime, max_age_days: float | None = None
) -> None:
    """Raise UntrustedElementsError when any moment from `start` to `end` is at or past the limit."""
    limit = UNUSABLE_DAYS if max_age_days is None else max_age_days
    ages = [(moment - epoch).total_seconds() / 86400.0 for moment in (start, end)]
    worst = max(ages, key=abs)
    if is_trusted(worst, max_age_days):
        return
    reached = trusted_until(epoch, max_age_days)
    raise UntrustedElementsError(
        f"no pass found before {reached:%Y-%m-%d at %H:%M} UTC, when the elements reach the {limit:g}-day "
        f"limit (the search runs to {end:%Y-%m-%d at %H:%M} UTC): {REMEDY}; or raise --max-age "
        f"(e.g. --max-age {_suggest(abs(worst))})"
    )


def check_max_age(max_age_days: float | None) -> None:
    """Reject a --max-age that is not a positive finite number of days."""
    if max_age_days is None:
        return
    if not math.isfinite(max_age_days) or max_age_days <= 0:
        raise BadInputError(
            f"--max-age {max_age_days:g} must be a positive number of days, e.g. --max-age 14"
        )


def _suggest(age: float) -> int:
    return math.floor(age) + 1
