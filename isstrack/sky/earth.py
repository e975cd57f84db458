"""Great-circle distance, initial bearing and 16-point compass directions."""

from __future__ import annotations

import math

EARTH_MEAN_RADIUS_KM = 6371.0088
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
