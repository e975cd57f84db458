"""Scenes for a live map: successive moments, recomputing the slow parts only as needed."""

from __future__ import annotations

from datetime import datetime, timedelta

from isstrack.scene.mapscene import DEFAULT_ORBITS, PASS_TRACK_STEP_S, MapScene, track_window
from isstrack.scene.snapshot import Snapshot, Snapshots
from isstrack.sky.earth import bearing_deg, footprint_radius_deg, footprint_radius_km
from isstrack.sky.groundtrack import (
    SubsolarPoint,
    TrackPoint,
    ground_track,
    orbital_period,
    subsolar_point,
)
from isstrack.sky.passtypes import Pass

TRACK_REFRESH = timedelta(minutes=3)
SUN_REFRESH = timedelta(minutes=1)


class LiveScene:
    """Snapshots and map scenes for successive moments of a live map, reusing the slow parts.

    The next visible pass is searched again only once it is over (`Snapshots`); its ground track
    is drawn again when it changes; the track every TRACK_REFRESH and the Sun every SUN_REFRESH.
    """

    def __init__(self, snapshots: Snapshots, orbits_ahead: float = DEFAULT_ORBITS) -> None:
        self.snapshots, self.orbit, self.orbits_ahead = snapshots, snapshots.orbit, orbits_ahead
        self._track: tuple[TrackPoint, ...] = ()
        self._track_at: datetime | None = None
        self._sun: SubsolarPoint | None = None
        self._pass_track: tuple[TrackPoint, ...] = ()
        self._pass_track_of: Pass | None = None

    @property
    def orbit_period(self) -> timedelta:
        """Return the station's mean orbital period, the step of an orbit back or forward."""
        return orbital_period(self.orbit)

    def show_orbits(self, orbits_ahead: float) -> None:
        """Draw `orbits_ahead` orbits of track from the next scene on."""
        if orbits_ahead != self.orbits_ahead:
            self.orbits_ahead, self._track_at = orbits_ahead, None

    def scene(self, when: datetime) -> tuple[Snapshot, MapScene]:
        """Return the snapshot and the map scene at `when`."""
        snap = self.snapshots.at(when)
        upcoming = snap.next_visible
        if upcoming is None:
            self._pass_track, self._pass_track_of = (), None
        elif upcoming.item is not self._pass_track_of:
            self._pass_track = ground_track(self.orbit, upcoming.start, upcoming.end, PASS_TRACK_STEP_S)
            self._pass_track_of = upcoming.item
        if self._track_at is None or abs(when - self._track_at) >= TRACK_REFRESH:
            self._track = ground_track(self.orbit, *track_window(self.orbit, when, self.orbits_ahead))
            self._track_at = when
        if self._sun is None or abs(when - self._sun.time) >= SUN_REFRESH:
            self._sun = subsolar_point(self.orbit, when)
        state = snap.state
        return snap, MapScene(
            at=when,
            state=state,
            heading_deg=track_heading(self._track, when, state.latitude_deg, state.longitude_deg),
            orbits_ahead=self.orbits_ahead,
            track=self._track,
            subsolar=self._sun,
            footprint_radius_deg=footprint_radius_deg(state.altitude_km),
            footprint_radius_km=footprint_radius_km(state.altitude_km),
            place=self.snapshots.place,
            next_visible=upcoming,
            pass_track=self._pass_track,
            elements_age_days=self.orbit.elements.age_days(when),
        )


def track_heading(
    track: tuple[TrackPoint, ...], when: datetime, latitude_deg: float, longitude_deg: float
) -> float:
    """Return the bearing from a point towards the next track point after `when`."""
    ahead = next((p for p in track if p.time > when), track[-1])
    return bearing_deg(latitude_deg, longitude_deg, ahead.latitude_deg, ahead.longitude_deg)
