"""The JSON documents of `now` and `map`: the scene data the pictures show, shaped for --json."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from isstrack.render.jsonout import elements_json, location_json, timed_pass_json
from isstrack.sky.earth import compass
from isstrack.sky.times import iso_z

if TYPE_CHECKING:  # `now --json` starts without the map's modules
    from isstrack.elements.load import ElementsInUse
    from isstrack.scene.mapscene import MapScene
    from isstrack.scene.snapshot import Snapshot
    from isstrack.sky.groundtrack import TrackPoint


def snapshot_json(snapshot: Snapshot) -> dict[str, Any]:
    """Return the `now` JSON object (without schema_version)."""
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
            "next_visible_pass": None
            if upcoming is None
            else timed_pass_json(snapshot.elements, upcoming.item),
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
        "footprint_km": round(s.footprint_diameter_km, 0),
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


def _point_json(point: TrackPoint) -> dict[str, Any]:
    return {
        "time": iso_z(point.time),
        "latitude_deg": round(point.latitude_deg, 4),
        "longitude_deg": round(point.longitude_deg, 4),
        "altitude_km": round(point.altitude_km, 2),
        "sunlit": point.sunlit,
    }


def scene_json(scene: MapScene, used: ElementsInUse, zone_label: str) -> dict[str, Any]:
    """Return the `map` JSON document (without schema_version)."""
    s = scene.state
    upcoming = scene.next_visible
    return {
        "time": iso_z(scene.at),
        "station": {
            "latitude_deg": round(s.latitude_deg, 4),
            "longitude_deg": round(s.longitude_deg, 4),
            "altitude_km": round(s.altitude_km, 2),
            "speed_km_s": round(s.speed_km_s, 3),
            "sunlit": s.sunlit,
            "heading_deg": round(scene.heading_deg, 1),
            "heading_compass": compass(scene.heading_deg),
        },
        "footprint": {
            "radius_km": round(scene.footprint_radius_km, 1),
            "radius_deg": round(scene.footprint_radius_deg, 3),
        },
        "subsolar_point": {
            "latitude_deg": round(scene.subsolar.latitude_deg, 4),
            "longitude_deg": round(scene.subsolar.longitude_deg, 4),
        },
        "track": {
            "from": iso_z(scene.track[0].time),
            "to": iso_z(scene.track[-1].time),
            "orbits_ahead": scene.orbits_ahead,
            "step_s": scene.track_step_s,
            "points": [_point_json(p) for p in scene.track],
        },
        "location": None if scene.place is None else location_json(scene.place),
        "time_zone": zone_label if scene.place is not None else None,
        "next_visible_pass": None
        if upcoming is None
        else {
            **timed_pass_json(used, upcoming.item),
            "seconds_until": max(0, round((upcoming.start - scene.at).total_seconds())),
            "track": [_point_json(p) for p in scene.pass_track],
        },
        "elements": elements_json(used, scene.at),
    }
