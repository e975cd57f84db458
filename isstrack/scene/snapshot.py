"""One moment of `isstrack now`: the station's state, what lies below, and the view from a place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from isstrack.elements.load import ElementsInUse
from isstrack.place.gazetteer import Whereabouts, whereabouts
from isstrack.place.location import Location
from isstrack.sky.orbit import LookAngles, Orbit, StationState

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
) -> Snapshot:
    """Compute the snapshot for `when`; with a place, also the next visible pass (reusing `upcoming`)."""
    state = orbit.state(when)
    look = None
    if place is not None:
        from isstrack.sky.nextpass import NextPass, find_next

        look = orbit.look(when, place.observer, min_elevation_deg)
        if upcoming is None or upcoming.end <= when:
            upcoming = find_next(orbit, place.observer, when, min_elevation_deg, True, None)
        else:
            upcoming = NextPass(upcoming.item, when)
    below = whereabouts(state.latitude_deg, state.longitude_deg)
    return Snapshot(state, below, used, place, look, min_elevation_deg, upcoming)


def snapshot_json(snapshot: Snapshot) -> dict[str, Any]:
    """Return the `now` JSON object (without schema_version)."""
    from isstrack.render.jsonout import elements_json, location_json, pass_json
    from isstrack.sky.earth import compass
    from isstrack.sky.times import iso_z

    s = snapshot.state
    b = snapshot.below
    observer: dict[str, Any] | None = None
    if snapshot.place is not None and snapshot.look is not None:
        look = snapshot.look
        upcoming = snapshot.next_visible
        observer = {
            **location_json(snapshot.place),
            "azimuth_deg": round(look.azimuth_deg, 2),
            "azimuth_compass": compass(look.azimuth_deg),
            "elevation_deg": round(look.elevation_deg, 2),
            "range_km": round(look.range_km, 1),
            "above_horizon": look.above_horizon,
            "visible": look.visible,
            "sun_altitude_deg": round(look.sun_altitude_deg, 2),
            "min_elevation_deg": snapshot.min_elevation_deg,
            "next_visible_pass": None if upcoming is None else pass_json(upcoming.item),
            "seconds_until_next_visible": None
            if upcoming is None
            else max(0, round((upcoming.start - s.time).total_seconds())),
        }
    return {
        "time": iso_z(s.time),
        "latitude_deg": round(s.latitude_deg, 4),
        "longitude_deg": round(s.longitude_deg, 4),
        "altitude_km": round(s.altitude_km, 2),
        "speed_km_s": round(s.speed_km_s, 3),
        "ground_speed_km_s": round(s.ground_speed_km_s, 3),
        "sunlit": s.sunlit,
        "footprint_km": round(s.footprint_km, 0),
        "revolution": s.revolution,
        "over": {
            "country": b.country,
            "country_code": b.country_code,
            "over_water": b.over_water,
            "nearest_place": b.nearest_place,
            "nearest_country_code": b.nearest_country_code,
            "distance_km": round(b.distance_km, 0),
            "direction_from_place": b.direction_from_place,
            "text": b.describe(),
        },
        "elements": elements_json(snapshot.elements, s.time),
        "observer": observer,
    }
