"""One moment of `isstrack now`: the station's state, what lies below, and the view from a place."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from isstrack.elements.load import ElementsInUse
from isstrack.place.gazetteer import Whereabouts, whereabouts
from isstrack.place.location import Location
from isstrack.sky.orbit import LookAngles, Orbit, StationState
from isstrack.sky.passes import DEFAULT_STD_MAGNITUDE

if TYPE_CHECKING:
    from isstrack.sky.nextpass import NextPass


@dataclass(frozen=True)
class Snapshot:
    """Everything `isstrack now` shows for one moment."""

    state: StationState
    below: Whereabouts
    elements: ElementsInUse
    place: Location | None
    look: LookAngles | None
    min_elevation_deg: float
    next_visible: NextPass | None = None


def take_snapshot(
    orbit: Orbit,
    used: ElementsInUse,
    when: datetime,
    place: Location | None,
    min_elevation_deg: float,
    upcoming: NextPass | None = None,
    std_magnitude: float | None = DEFAULT_STD_MAGNITUDE,
) -> Snapshot:
    """Compute the snapshot for `when`; with a place, also the next visible pass (reusing `upcoming`)."""
    state = orbit.state(when)
    look = None
    if place is not None:
        # Here, not at the top: `now` without a place never searches passes (and starts faster).
        from isstrack.sky.nextpass import NextPass, find_next

        look = orbit.look(when, place.observer, min_elevation_deg)
        if upcoming is None or upcoming.end <= when:
            std = 0.0 if std_magnitude is None else std_magnitude
            upcoming = find_next(orbit, place.observer, when, min_elevation_deg, True, None, std)
            if upcoming is not None and std_magnitude is None:  # unknown brightness: no magnitude
                upcoming = NextPass(replace(upcoming.item, magnitude=None), upcoming.asked_at)
        else:
            upcoming = NextPass(upcoming.item, when)
    below = whereabouts(state.latitude_deg, state.longitude_deg)
    return Snapshot(state, below, used, place, look, min_elevation_deg, upcoming)


class Snapshots:
    """Snapshots of successive moments, the next visible pass searched again only once it is over."""

    def __init__(
        self,
        orbit: Orbit,
        used: ElementsInUse,
        place: Location | None,
        min_elevation_deg: float,
        std_magnitude: float | None = DEFAULT_STD_MAGNITUDE,
    ):
        self.orbit, self.used, self.place, self.min_elevation_deg = orbit, used, place, min_elevation_deg
        self.std_magnitude = std_magnitude
        self._upcoming: NextPass | None = None

    def at(self, when: datetime) -> Snapshot:
        """Return the snapshot for `when`."""
        snap = take_snapshot(
            self.orbit,
            self.used,
            when,
            self.place,
            self.min_elevation_deg,
            self._upcoming,
            self.std_magnitude,
        )
        self._upcoming = snap.next_visible
        return snap
