"""Everything `isstrack map` shows for one moment, computed once and shared by the picture and --json."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from isstrack import ISS_CATALOG_NUMBER
from isstrack.elements.plausible import LOW_EARTH_ORBIT
from isstrack.place.location import Location
from isstrack.sky.earth import bearing_deg, footprint_radius_deg, footprint_radius_km
from isstrack.sky.groundtrack import (
    TRACK_STEP_S,
    SubsolarPoint,
    TrackPoint,
    ground_track,
    orbital_period,
    subsolar_point,
)
from isstrack.sky.orbit import Orbit, StationState

if TYPE_CHECKING:
    from isstrack.sky.nextpass import NextPass

DEFAULT_ORBITS = 1.5
MAX_ORBITS = 5.0
PASS_TRACK_STEP_S = 10.0
HEADING_STEP = timedelta(seconds=10)
# The longest orbit any accepted element set can have (the slowest mean motion let through): a map's
# time must leave this much ephemeris before it and `orbits` times it after, whatever the elements.
LONGEST_PERIOD = timedelta(days=1 / LOW_EARTH_ORBIT.mean_motion_rev_per_day[0])


@dataclass(frozen=True)
class MapScene:
    """The station, its track, the Sun and (with a place) the next visible pass at one moment."""

    at: datetime
    state: StationState
    heading_deg: float
    orbits_ahead: float
    track: tuple[TrackPoint, ...]
    subsolar: SubsolarPoint
    footprint_radius_deg: float
    footprint_radius_km: float
    place: Location | None = None
    next_visible: NextPass | None = None
    pass_track: tuple[TrackPoint, ...] = ()
    track_step_s: float = TRACK_STEP_S  # the track's sampling step
    name: str = "ISS"  # what the legend calls the object
    elements_age_days: float | None = None  # the element set's age at `at` (negative before its epoch)


def track_window(orbit: Orbit, at: datetime, orbits_ahead: float) -> tuple[datetime, datetime]:
    """Return the span a map shows: the last orbit before `at` and `orbits_ahead` orbits after it."""
    period = orbital_period(orbit)
    return at - period, at + period * orbits_ahead


def build_scene(
    orbit: Orbit,
    at: datetime,
    orbits_ahead: float = DEFAULT_ORBITS,
    place: Location | None = None,
    min_elevation_deg: float = 10.0,
) -> MapScene:
    """Compute the scene at `at` (a live view reuses its slow parts instead: `isstrack.scene.live`)."""
    state = orbit.state(at)
    ahead = ground_track(orbit, at, at + HEADING_STEP, HEADING_STEP.total_seconds())[1]
    heading = bearing_deg(state.latitude_deg, state.longitude_deg, ahead.latitude_deg, ahead.longitude_deg)
    track = ground_track(orbit, *track_window(orbit, at, orbits_ahead))
    upcoming: NextPass | None = None
    pass_track: tuple[TrackPoint, ...] = ()
    if place is not None:
        # Here, not at the top: a map without a place never searches passes.
        from isstrack.sky.nextpass import find_next

        upcoming = find_next(orbit, place.observer, at, min_elevation_deg, True, None)
        if upcoming is not None:
            pass_track = ground_track(orbit, upcoming.start, upcoming.end, PASS_TRACK_STEP_S)
    return MapScene(
        at=at,
        state=state,
        heading_deg=heading,
        orbits_ahead=orbits_ahead,
        track=track,
        subsolar=subsolar_point(orbit, at),
        footprint_radius_deg=footprint_radius_deg(state.altitude_km),
        footprint_radius_km=footprint_radius_km(state.altitude_km),
        place=place,
        next_visible=upcoming,
        pass_track=pass_track,
        name="ISS" if orbit.elements.catalog_number == ISS_CATALOG_NUMBER else orbit.elements.name,
        elements_age_days=orbit.elements.age_days(at),
    )
