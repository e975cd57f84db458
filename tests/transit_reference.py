"""An independent transit reference: the station by plain sgp4 and textbook geometry, the Sun and the
Moon by PyEphem (its own theories: VSOP87 and ELP), separations by brute force.

Nothing here calls Skyfield or isstrack. PyEphem's own satellite code is not used for the station:
its older SGP4 is about 100 m off the modern one, 0.014° at 400 km, more than the tolerance tested.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import ephem
import numpy as np
from sgp4.api import Satrec
from sgp4.propagation import gstime

from tests.independent import julian, observer_ecef_km


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
        self.satrec = Satrec.twoline2rv(line1, line2)
        self.lat, self.lon = lat, lon
        self.place_km = observer_ecef_km(lat, lon, 0.0)
        self.body = ephem.Sun() if body == "sun" else ephem.Moon()
        self.obs = observer(lat, lon)

    def at(self, moment: datetime) -> tuple[float, float, float, float, float]:
        """Return separation, body radius, body altitude, station altitude (degrees) and range (km)."""
        self.obs.date = ephem.Date(moment.astimezone(timezone.utc).replace(tzinfo=None))
        self.body.compute(self.obs)
        azimuth, altitude, range_km = self.look(moment)
        station = (math.radians(azimuth), math.radians(altitude))
        separation = ephem.separation(station, (self.body.az, self.body.alt))
        return (
            math.degrees(separation),
            math.degrees(self.body.radius),
            math.degrees(self.body.alt),
            altitude,
            range_km,
        )

    def look(self, moment: datetime) -> tuple[float, float, float]:
        """Return the station's azimuth, elevation (degrees) and range (km): sgp4, TEME to Earth by GMST."""
        jd, fr = julian(moment)
        error, r, _ = self.satrec.sgp4(jd, fr)
        assert error == 0
        theta = gstime(jd + fr)
        c, s = math.cos(theta), math.sin(theta)
        d = np.array([c * r[0] + s * r[1], -s * r[0] + c * r[1], r[2]]) - self.place_km
        la, lo = math.radians(self.lat), math.radians(self.lon)
        east = -math.sin(lo) * d[0] + math.cos(lo) * d[1]
        north = -math.sin(la) * math.cos(lo) * d[0] - math.sin(la) * math.sin(lo) * d[1] + math.cos(la) * d[2]
        up = math.cos(la) * math.cos(lo) * d[0] + math.cos(la) * math.sin(lo) * d[1] + math.sin(la) * d[2]
        rng = float(np.linalg.norm(d))
        return math.degrees(math.atan2(east, north)) % 360, math.degrees(math.asin(up / rng)), rng

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

    def crossing_s(self, near: datetime) -> float:
        """Return how long the station stays on the disc around `near` (0 if it misses), by bisection."""
        middle, separation = self.minimum(near - timedelta(seconds=5), near + timedelta(seconds=5))
        if separation >= self.at(middle)[1]:
            return 0.0

        def edge(outside: datetime) -> datetime:
            inside = middle
            while abs((outside - inside).total_seconds()) > 0.001:
                probe = inside + (outside - inside) / 2
                separation, radius = self.at(probe)[:2]
                if separation < radius:
                    inside = probe
                else:
                    outside = probe
            return inside + (outside - inside) / 2

        return (edge(middle + timedelta(seconds=10)) - edge(middle - timedelta(seconds=10))).total_seconds()

    def close_approaches(
        self, start: datetime, end: datetime, within_deg: float
    ) -> list[tuple[datetime, float, float, float]]:
        """Scan [start, end) every second; return (time, separation, body altitude, range) of every local
        minimum of the separation under `within_deg` with the station above -5°, refined by `minimum`.

        The station comes from sgp4 at every second; the body's direction from PyEphem every 60 s,
        interpolated linearly in between (under 1" off: it turns 0.25° a minute in the sky).
        """
        seconds = np.arange(0.0, (end - start).total_seconds(), 1.0)
        jd0, fr0 = julian(start)
        fr = fr0 + seconds / 86400.0
        jd = np.full_like(fr, jd0)
        error, r, _ = self.satrec.sgp4_array(jd, fr)
        assert not error.any()
        theta = np.array([gstime(j + f) for j, f in zip(jd[::60], fr[::60], strict=True)])
        theta = np.interp(seconds, seconds[::60], np.unwrap(theta))
        c, s = np.cos(theta), np.sin(theta)
        ecef = np.array([c * r[:, 0] + s * r[:, 1], -s * r[:, 0] + c * r[:, 1], r[:, 2]])
        enu = _enu(self.lat, self.lon) @ (ecef - self.place_km[:, None])
        station = enu / np.linalg.norm(enu, axis=0)
        coarse = seconds[::60]
        body = np.array(
            [_direction(*self._body_altaz(start + timedelta(seconds=float(x)))) for x in coarse]
        ).T
        body = np.array([np.interp(seconds, coarse, body[k]) for k in range(3)])
        body /= np.linalg.norm(body, axis=0)
        separation = np.degrees(np.arccos(np.clip(np.sum(station * body, axis=0), -1.0, 1.0)))
        up = np.degrees(np.arcsin(station[2])) > -5.0
        found = []
        for k in np.flatnonzero(
            up[1:-1] & (separation[1:-1] <= separation[:-2]) & (separation[1:-1] <= separation[2:])
        ):
            k += 1
            if separation[k] > within_deg + 1.0:
                continue
            when, value = self.minimum(start + timedelta(seconds=k - 1.0), start + timedelta(seconds=k + 1.0))
            if value < within_deg:
                _, _, body_alt, _, rng = self.at(when)
                found.append((when, value, body_alt, rng))
        return found

    def _body_altaz(self, moment: datetime) -> tuple[float, float]:
        self.obs.date = ephem.Date(moment.astimezone(timezone.utc).replace(tzinfo=None))
        self.body.compute(self.obs)
        return float(self.body.az), float(self.body.alt)


def _direction(azimuth_rad: float, altitude_rad: float) -> list[float]:
    """Return the east-north-up unit vector of a direction."""
    return [
        math.sin(azimuth_rad) * math.cos(altitude_rad),
        math.cos(azimuth_rad) * math.cos(altitude_rad),
        math.sin(altitude_rad),
    ]


def _enu(lat_deg: float, lon_deg: float) -> np.ndarray:
    """Return the rotation from Earth-fixed to east-north-up at a place."""
    la, lo = math.radians(lat_deg), math.radians(lon_deg)
    return np.array(
        [
            [-math.sin(lo), math.cos(lo), 0.0],
            [-math.sin(la) * math.cos(lo), -math.sin(la) * math.sin(lo), math.cos(la)],
            [math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)],
        ]
    )
