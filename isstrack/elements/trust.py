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

NOTE_DAYS = 1.0
WARN_DAYS = 3.0
UNUSABLE_DAYS = 10.0


@dataclass(frozen=True)
class Staleness:
    """The trust level of elements at one moment, and the sentence to tell the user."""

    age_days: float
    level: str  # "fresh", "note", "warning" or "unusable"
    message: str | None


def assess(age_days: float) -> Staleness:
    """Return the trust level for elements `age_days` from their epoch (either direction)."""
    age = abs(age_days)
    when = "old" if age_days >= 0 else "before their epoch"
    span = _span(age)
    if age < NOTE_DAYS:
        return Staleness(age_days, "fresh", None)
    if age < WARN_DAYS:
        return Staleness(
            age_days,
            "note",
            f"elements are {span} {when}: expect positions within a few km "
            "and pass times within a second or so",
        )
    if age < UNUSABLE_DAYS:
        return Staleness(
            age_days,
            "warning",
            f"elements are {span} {when}: positions may be off by 5-100 km, and by "
            "hundreds of km if the station was reboosted since (587 km at 3.9 days "
            "in Aug 2026); pass times by seconds to minutes. Run 'isstrack tle --update' "
            "when online",
        )
    return Staleness(
        age_days,
        "unusable",
        f"elements are {span} {when}: too old to trust (12-day-old ISS sets were up to "
        "4,400 km off); positions and pass times may be badly wrong. Run "
        "'isstrack tle --update' when online",
    )


def is_trusted(age_days: float, max_age_days: float | None = None) -> bool:
    """Return whether elements `age_days` from their epoch are within the limit (default UNUSABLE_DAYS)."""
    limit = UNUSABLE_DAYS if max_age_days is None else max_age_days
    return abs(age_days) < limit


def untrusted_line(age_days: float) -> str | None:
    """Return the line interactive output shows when elements are too old to trust, else None."""
    if is_trusted(age_days):
        return None
    when = "old" if age_days >= 0 else "before their epoch"
    return (
        f"WARNING: elements are {_span(abs(age_days))} {when}, too old to trust: positions and pass "
        "times may be badly wrong (run 'isstrack tle --update' when online)"
    )


def require_trusted(age_days: float, max_age_days: float | None = None) -> None:
    """Raise UntrustedElementsError when `abs(age_days)` is at or past the limit (default UNUSABLE_DAYS)."""
    if is_trusted(age_days, max_age_days):
        return
    limit = UNUSABLE_DAYS if max_age_days is None else max_age_days
    when = "old" if age_days >= 0 else "before their epoch"
    raise UntrustedElementsError(
        f"elements are {_span(abs(age_days))} {when}, at or past the {limit:g}-day limit for "
        "scripted use: refusing to predict from them. Run 'isstrack tle --update' when online, "
        f"or accept older elements with --max-age DAYS (e.g. --max-age {_suggest(abs(age_days))})"
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
    raise UntrustedElementsError(
        f"{what} is on {when:%Y-%m-%d at %H:%M} UTC, when the elements will be "
        f"{_span(abs(age_days))} {'old' if age_days >= 0 else 'before their epoch'}, at or past the "
        f"{limit:g}-day limit: update them ('isstrack tle --update' when online) or raise --max-age "
        f"(e.g. --max-age {_suggest(abs(age_days))})"
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
        f"no pass found before {reached:%Y-%m-%d at %H:%M} UTC, when the elements reach the "
        f"{limit:g}-day limit; the search runs to {end:%Y-%m-%d at %H:%M} UTC (elements "
        f"{_span(abs(worst))} old), past it: update them ('isstrack tle --update' when online) or "
        f"raise --max-age (e.g. --max-age {_suggest(abs(worst))})"
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


def _span(age: float) -> str:
    if age < 2:
        return f"{age * 24:.0f} hours"
    return f"{age:.1f} days"
