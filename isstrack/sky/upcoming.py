"""What NASA's trajectory says is coming: reboosts, dockings, undockings; passes a burn makes provisional.

A burn the trajectory plans moves every later pass (the 25 September 2026 reboost of 1.1 m/s moved
rise times over Amsterdam by half a minute the next day), so until elements from after it confirm
the new orbit, the passes after it are provisional: `upcoming_events` names them for one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from isstrack.elements.oemevents import TrajectoryEvent
from isstrack.elements.tle import ElementSet
from isstrack.sky.orbit import Observer
from isstrack.sky.passes import find_passes
from isstrack.sky.passtypes import Pass
from isstrack.sky.source import burn_status, ephemeris_of, orbit_for

if TYPE_CHECKING:
    from isstrack.elements.oem import Oem

PROVISIONAL_SPAN = timedelta(days=3)  # after it, the OEM's own lead-time error dominates anyway


@dataclass(frozen=True)
class UpcomingEvent:
    """One event of the trajectory, how sure it is, and the passes at a place it makes provisional."""

    event: TrajectoryEvent
    status: str  # "planned", "planned, not confirmed", "confirmed"; "listed" for events with no burn
    provisional: tuple[Pass, ...]


def events_between(oem: Oem, start: datetime, end: datetime) -> tuple[TrajectoryEvent, ...]:
    """Return the trajectory's events (its summary's and those its states show) from `start` to `end`."""
    return tuple(e for e in ephemeris_of(oem).events if start <= (e.end or e.time) and e.time < end)


def upcoming_events(
    oem: Oem,
    elements: ElementSet,
    start: datetime,
    end: datetime,
    now: datetime,
    observer: Observer | None = None,
    min_elevation_deg: float = 10.0,
) -> list[UpcomingEvent]:
    """Return the events in [start, end), and the visible passes each unconfirmed burn makes provisional."""
    found = []
    for event in events_between(oem, start, end):
        if not event.is_burn:
            found.append(UpcomingEvent(event, "listed", ()))
            continue
        status = burn_status(event, oem, elements.epoch, now)
        passes: tuple[Pass, ...] = ()
        if observer is not None and status != "confirmed":
            after = event.end or event.time
            until = min(after + PROVISIONAL_SPAN, oem.stop)
            if until > after:
                search = find_passes(orbit_for(elements, oem), observer, after, until, min_elevation_deg)
                passes = tuple(p for p in search.passes if p.visible)
        found.append(UpcomingEvent(event, status, passes))
    return found


def burn_line(
    oem: Oem | None, elements: ElementSet, start: datetime, end: datetime, now: datetime
) -> str | None:
    """Return one line naming the burns inside [start, end) and what they do to the passes, or None."""
    if oem is None:
        return None
    burns = [e for e in events_between(oem, start, end) if e.is_burn]
    if not burns:
        return None
    words = []
    for burn in burns:
        size = "" if burn.delta_v_m_s is None else f" of {burn.delta_v_m_s:.1f} m/s"
        words.append(f"{burn.time:%Y-%m-%d %H:%M} UTC{size} ({burn_status(burn, oem, elements.epoch, now)})")
    return (
        f"A reboost in this window: {'; '.join(words)}. Passes after it are provisional until "
        "elements or a trajectory from after it confirm them."
    )
