"""The Earth's figure and the geometry on it: WGS84, the station's footprint, frames, distances, directions.

The one home of the Earth's constants: the pass engine, the transit geometry, the map and the
gazetteer all take them from here.
"""

from __future__ import annotations

import math
from typing import Any

WGS84_A_KM = 6378.137  # equatorial radius
WGS84_F = 1 / 298.257223563  # flattening
WGS84_B_KM = WGS84_A_KM * (1 - WGS84_F)  # polar radius
WGS84_E2 = WGS84_F * (2 - WGS84_F)  # first eccentricity squared
EARTH_MEAN_RADIUS_KM = 6371.0088  # IUGG mean radius, for distances on a sphere
# Skyfield's is_sunlit(): a geometric umbra cast by a sphere of the Earth's equatorial radius.
EARTH_SHADOW_RADIUS_KM = 6378.1366
COMPASS_POINTS = (
    "N",
    "NNE",
    "NE",
    "ENE",
    "E",
    "ESE",
    "SE",
    "SSE",
    "S",
    "SSW",
    "SW",
    "WSW",
    "W",
    "WNW",
    "NW",
    "NNW",
)


def compass(azimuth_deg: float) -> str:
    """Return the 16-point compass name of an azimuth measured clockwise from north."""
    return COMPASS_POINTS[round((azimuth_deg % 360.0) / 22.5) % 16]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_MEAN_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the initial great-circle bearing from point 1 to point 2, clockwise from north."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def format_latitude(value: float) -> str:
    """Return a latitude like 51.48° N."""
    return f"{abs(value):.2f}° {'N' if value >= 0 else 'S'}"


def format_longitude(value: float) -> str:
    """Return a longitude like 0.01° W."""
    return f"{abs(value):.2f}° {'E' if value >= 0 else 'W'}"


def footprint_radius_rad(altitude_km: float) -> float:
    """Return the Earth-central angle from the point below the station to where it sits on the horizon."""
    return math.acos(EARTH_MEAN_RADIUS_KM / (EARTH_MEAN_RADIUS_KM + altitude_km))


def footprint_radius_deg(altitude_km: float) -> float:
    """Return the footprint's radius as an Earth-central angle, in degrees."""
    return math.degrees(footprint_radius_rad(altitude_km))


def footprint_radius_km(altitude_km: float) -> float:
    """Return the footprint's radius along the surface, in km."""
    return EARTH_MEAN_RADIUS_KM * math.radians(footprint_radius_deg(altitude_km))


def footprint_diameter_km(altitude_km: float) -> float:
    """Return the diameter, along the surface, of the circle that sees the station above the horizon."""
    return 2 * EARTH_MEAN_RADIUS_KM * footprint_radius_rad(altitude_km)


def teme_to_itrs_xy(theta_rad: Any, x: Any, y: Any) -> tuple[Any, Any]:
    """Return the Earth-fixed x and y of TEME x and y, turned by the sidereal angle `theta_rad` (z stays).

    TEME and the Earth-fixed frame differ by the Earth's rotation about z alone (GMST 1982, no polar
    motion), which is how Skyfield relates them too.
    """
    import numpy as np

    c, s = np.cos(theta_rad), np.sin(theta_rad)
    return c * x + s * y, -s * x + c * y


def geodetic_up(lat_rad: Any, lon_rad: Any) -> Any:
    """Return the unit vectors (3, N) of the local vertical at geodetic latitudes and longitudes."""
    import numpy as np

    return np.array([np.cos(lat_rad) * np.cos(lon_rad), np.cos(lat_rad) * np.sin(lon_rad), np.sin(lat_rad)])


def geodetic_to_itrs_km(lat_rad: Any, lon_rad: Any, height_km: Any) -> tuple[Any, Any, Any]:
    """Return the Earth-fixed x, y, z (km) of places at WGS84 latitudes, longitudes and heights."""
    import numpy as np

    sin_lat, cos_lat = np.sin(lat_rad), np.cos(lat_rad)
    n = WGS84_A_KM / np.sqrt(1 - WGS84_E2 * sin_lat**2)
    return (
        (n + height_km) * cos_lat * np.cos(lon_rad),
        (n + height_km) * cos_lat * np.sin(lon_rad),
        (n * (1 - WGS84_E2) + height_km) * sin_lat,
    )


def highest_elevation_deg(
    latitude_deg: float, inclination_deg: float, mean_motion_rev_per_day: float, eccentricity: float
) -> float:
    """Return the highest elevation an orbit's object can reach from a latitude (spherical Earth, apogee)."""
    mu_km3_s2 = 398600.4418
    mean_motion_rad_s = mean_motion_rev_per_day * 2 * math.pi / 86400.0
    apogee_km = (mu_km3_s2 / mean_motion_rad_s**2) ** (1 / 3) * (1 + eccentricity)
    # The ground track never goes poleward of the inclination (its supplement for retrograde orbits).
    reach_deg = min(inclination_deg, 180.0 - inclination_deg)
    gap_rad = math.radians(max(0.0, abs(latitude_deg) - reach_deg))
    return math.degrees(math.atan2(math.cos(gap_rad) - EARTH_MEAN_RADIUS_KM / apogee_km, math.sin(gap_rad)))
