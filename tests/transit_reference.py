"""An independent transit reference: the station by plain sgp4 and textbook geometry, the Sun and the
Moon by PyEphem (its own theories: VSOP87 and ELP), separations by brute force.

Nothing here calls Skyfield or isstrack. PyEphem's own satellite code is not used for the station:
its older SGP4 is about 100 m off the modern one, 0.014° at 400 km, more than the tolerance tested.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import ephem

from tests.independent import look_angles


def observer(lat: float, lon: float, elevation_m: float = 0.0) -> ephem.Observer:
    """Return a PyEphem observer with refraction off (pressure 0)."""
    obs = ephem.Observer()
    obs.lat, obs.lon = str(lat), str(lon)
    obs.elevation = elevation_m
    obs.pressure = 0
    return obs


class Sky:
    """The station and one body seen from one place, by PyEphem."""

    def __init__(self, line1: str, line2: str, body: str, lat: float, lon: float) -> None:
        self.lines = (line1, line2)
        self.lat, self.lon = lat, lon
        self.body = ephem.Sun() if body == "sun" else ephem.Moon()
        self.obs = observer(lat, lon)

    def at(self, moment: datetime) -> tuple[float, float, float, float, float]:
        """Return separation, body radius, body altitude, station altitude (degrees) and range (km)."""
        self.obs.date = ephem.Date(moment.astimezone(timezone.utc).replace(tzinfo=None))
        self.body.compute(self.obs)
        azimuth, altitude, range_km = look_angles(*self.lines, moment, self.lat, self.lon)
        station = (math.radians(azimuth), math.radians(altitude))
        separation = ephem.separation(station, (self.body.az, self.body.alt))
        return (
            math.degrees(separation),
            math.degrees(self.body.radius),
            math.degrees(self.body.alt),
            altitude,
            range_km,
        )

    def separation(self, moment: datetime) -> float:
        """Return the station-body separation in degrees."""
        return self.at(moment)[0]

    def minimum(self, a: datetime, b: datetime) -> tuple[datetime, float]:
        """Return the time and value of the smallest separation in [a, b] by golden-section search."""
        g = (math.sqrt(5) - 1) / 2
        while (b - a).total_seconds() > 0.002:
            c = b - (b - a) * g
            d = a + (b - a) * g
            if self.separation(c) < self.separation(d):
                b = d
            else:
                a = c
        middle = a + (b - a) / 2
        return middle, self.separation(middle)

    def close_approaches(
        self, start: datetime, end: datetime, within_deg: float, min_body_alt_deg: float = 0.0
    ) -> list[tuple[datetime, float, float, float]]:
        """Scan every pass (station above -5°) at 1 s; return (time, separation, body altitude, range)
        of every local minimum of the separation under `within_deg` with the body up."""
        found = []
        t = start
        coarse = timedelta(seconds=30)
        while t < end:
            if self.at(t)[3] > -25 or self.at(t + coarse)[3] > -25:
                window: list[tuple[datetime, float]] = []
                u = t
                while u <= t + coarse:
                    window.append((u, self.separation(u)))
                    u += timedelta(seconds=1)
                for k in range(1, len(window) - 1):
                    if window[k][1] <= window[k - 1][1] and window[k][1] <= window[k + 1][1]:
                        when, value = self.minimum(window[k - 1][0], window[k + 1][0])
                        _, _, body_alt, _, rng = self.at(when)
                        if value < within_deg and body_alt >= min_body_alt_deg:
                            found.append((when, value, body_alt, rng))
            t += coarse
        return found
