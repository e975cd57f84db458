"""The station's ground track, the subsolar point and day/night over the whole Earth."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from isstrack.sky.ephemeris import bodies, check_in_range, fast_nutation, sunlight_ephemeris
from isstrack.sky.orbit import DARK_SKY_SUN_ALTITUDE_DEG, Orbit

TRACK_STEP_S = 30.0
SUNRISE_ALTITUDE_DEG = -0.833  # the Sun's upper limb on the horizon, refraction included
DAY, TWILIGHT, NIGHT = 0, 1, 2  # light classes: Sun up; Sun down but sky too bright; dark sky


@dataclass(frozen=True)
class TrackPoint:
    """The point below the station at one moment."""

    time: datetime
    latitude_deg: float
    longitude_deg: float
    altitude_km: float
    sunlit: bool


@dataclass(frozen=True)
class SubsolarPoint:
    """Where the Sun stands overhead at one moment."""

    time: datetime
    latitude_deg: float
    longitude_deg: float


def orbital_period(orbit: Orbit) -> timedelta:
    """Return the station's mean orbital period from its elements."""
    return timedelta(days=1.0 / orbit.elements.mean_motion_rev_per_day)


def ground_track(
    orbit: Orbit, start: datetime, end: datetime, step_s: float = TRACK_STEP_S
) -> tuple[TrackPoint, ...]:
    """Return the points below the station every `step_s` seconds from `start`, and at `end`."""
    import numpy as np
    from skyfield.toposlib import wgs84

    check_in_range(start, end)
    step = timedelta(seconds=step_s)
    moments = [start + step * k for k in range(int((end - start) / step) + 1)]
    if moments[-1] < end:
        moments.append(end)
    geocentric = orbit.satellite.at(fast_nutation(orbit.ts.from_datetimes(moments)))
    latitude, longitude = wgs84.latlon_of(geocentric)
    height_km = wgs84.height_of(geocentric).km
    sunlit = np.asarray(geocentric.is_sunlit(sunlight_ephemeris()), dtype=bool)
    return tuple(
        TrackPoint(
            moment.astimezone(timezone.utc),
            float(latitude.degrees[k]),
            float(longitude.degrees[k]),
            float(height_km[k]),
            bool(sunlit[k]),
        )
        for k, moment in enumerate(moments)
    )


def subsolar_point(orbit: Orbit, moment: datetime) -> SubsolarPoint:
    """Return the point on Earth where the Sun is at the zenith at `moment`."""
    from skyfield.toposlib import wgs84

    earth, sun = bodies()
    latitude, longitude = wgs84.latlon_of((sun - earth).at(orbit.time(moment)))
    return SubsolarPoint(moment.astimezone(timezone.utc), float(latitude.degrees), float(longitude.degrees))


def circle(latitude_deg: float, longitude_deg: float, radius_deg: float, count: int = 240) -> Any:
    """Return (latitudes, longitudes) in degrees of `count` + 1 points on a small circle on the sphere."""
    import numpy as np

    lat0, lon0, d = math.radians(latitude_deg), math.radians(longitude_deg), math.radians(radius_deg)
    bearing = np.linspace(0.0, 2 * math.pi, count + 1)
    sin_lat = math.sin(lat0) * math.cos(d) + math.cos(lat0) * math.sin(d) * np.cos(bearing)
    lat = np.arcsin(np.clip(sin_lat, -1.0, 1.0))
    lon = lon0 + np.arctan2(
        np.sin(bearing) * math.sin(d) * math.cos(lat0), math.cos(d) - math.sin(lat0) * sin_lat
    )
    return np.degrees(lat), (np.degrees(lon) + 180.0) % 360.0 - 180.0


def sun_altitudes_deg(subsolar: SubsolarPoint, latitudes_deg: Any, longitudes_deg: Any) -> Any:
    """Return the Sun's geocentric altitude at every (latitude row, longitude column) of a grid."""
    import numpy as np

    lat = np.radians(np.asarray(latitudes_deg, dtype=float))[:, None]
    lon = np.radians(np.asarray(longitudes_deg, dtype=float))[None, :]
    dec, sub_lon = math.radians(subsolar.latitude_deg), math.radians(subsolar.longitude_deg)
    sin_alt = np.sin(lat) * math.sin(dec) + np.cos(lat) * math.cos(dec) * np.cos(lon - sub_lon)
    return np.degrees(np.arcsin(np.clip(sin_alt, -1.0, 1.0)))


def light_classes(sun_altitude_deg: Any) -> Any:
    """Return DAY, TWILIGHT or NIGHT for each Sun altitude (night: dark enough to see the station)."""
    import numpy as np

    alt = np.asarray(sun_altitude_deg)
    return np.where(
        alt > SUNRISE_ALTITUDE_DEG, DAY, np.where(alt > DARK_SKY_SUN_ALTITUDE_DEG, TWILIGHT, NIGHT)
    )


def split_at_antimeridian(latitudes_deg: Any, longitudes_deg: Any) -> list[tuple[float, float, float, float]]:
    """Return the path as (lat0, lon0, lat1, lon1) segments, cut where it crosses ±180° longitude.

    No segment spans more than 180° of longitude: a step across the antimeridian becomes two
    pieces that end at the map's two edges.
    """
    segments: list[tuple[float, float, float, float]] = []
    lats = [float(v) for v in latitudes_deg]
    lons = [float(v) for v in longitudes_deg]
    for k in range(len(lats) - 1):
        lat0, lon0, lat1, lon1 = lats[k], lons[k], lats[k + 1], lons[k + 1]
        if abs(lon1 - lon0) <= 180.0:
            segments.append((lat0, lon0, lat1, lon1))
            continue
        edge = 180.0 if lon0 > 0 else -180.0  # the edge on lon0's side
        unwrapped = lon1 + (360.0 if lon0 > 0 else -360.0)
        fraction = (edge - lon0) / (unwrapped - lon0)
        lat_edge = lat0 + fraction * (lat1 - lat0)
        segments.append((lat0, lon0, lat_edge, edge))
        segments.append((lat_edge, -edge, lat1, lon1))
    return segments
