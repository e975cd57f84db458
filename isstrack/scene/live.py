"""Scenes for a live view: successive moments, recomputing the slow parts only as needed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from isstrack.elements.load import ElementsInUse
from isstrack.place.location import Location
from isstrack.scene.mapscene import PASS_TRACK_STEP_S, MapScene, track_window
from isstrack.sky.groundtrack import (
    SubsolarPoint,
    TrackPoint,
    footprint_radius_deg,
    footprint_radius_km,
    ground_track,
    subsolar_point,
)
from isstrack.sky.orbit import Orbit

TRACK_REFRESH = timedelta(minutes=3)
SUN_REFRESH = timedelta(minutes=1)


class LiveScene:
    """Scenes for successive moments, recomputing the track, the Sun and the next pass only as needed."""

    def __init__(
        self,
        orbit: Orbit,
        used: ElementsInUse,
        orbits: float,
        place: Location | None,
        min_elevation_deg: float,
    ) -> None:
        self.orbit, self.used, self.orbits = orbit, used, orbits
        self.place, self.min_elevation_deg = place, min_elevation_deg
        self.track: tuple[TrackPoint, ...] = ()
        self.track_at: datetime | None = None
        self.sun: SubsolarPoint | None = None
        self.upcoming: Any = None
        self.pass_track: tuple[TrackPoint, ...] = ()
        self.snapshot: Any = None

    def at(self, when: datetime) -> MapScene:
        """Return the scene at `when` (the matching `now` snapshot is left in .snapshot)."""
        from isstrack.scene.snapshot import take_snapshot

        snap = take_snapshot(self.orbit, self.used, when, self.place, self.min_elevation_deg, self.upcoming)
        self.snapshot = snap
        if snap.next_visible is None:
            self.pass_track = ()
        elif self.upcoming is None or snap.next_visible.item is not self.upcoming.item:
            found = snap.next_visible
            self.pass_track = ground_track(self.orbit, found.start, found.end, PASS_TRACK_STEP_S)
        self.upcoming = snap.next_visible
        if self.track_at is None or abs(when - self.track_at) >= TRACK_REFRESH:
            self.track = ground_track(self.orbit, *track_window(self.orbit, when, self.orbits))
            self.track_at = when
        if self.sun is None or abs(when - self.sun.time) >= SUN_REFRESH:
            self.sun = subsolar_point(self.orbit, when)
        state = snap.state
        return MapScene(
            at=when,
            state=state,
            heading_deg=track_heading(self.track, when, state.latitude_deg, state.longitude_deg),
            orbits_ahead=self.orbits,
            track=self.track,
            subsolar=self.sun,
            footprint_radius_deg=footprint_radius_deg(state.altitude_km),
            footprint_radius_km=footprint_radius_km(state.altitude_km),
            place=self.place,
            next_visible=self.upcoming,
            pass_track=self.pass_track,
        )


def track_heading(
    track: tuple[TrackPoint, ...], when: datetime, latitude_deg: float, longitude_deg: float
) -> float:
    """Return the bearing from a point towards the next track point after `when`."""
    from isstrack.sky.earth import bearing_deg

    ahead = next((p for p in track if p.time > when), track[-1])
    return bearing_deg(latitude_deg, longitude_deg, ahead.latitude_deg, ahead.longitude_deg)
