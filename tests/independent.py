"""Independent reference computations for the physics tests: plain sgp4 + textbook geometry, and PyEphem.

Nothing here calls Skyfield or isstrack's orbit code.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import ephem
import numpy as np
from sgp4.api import Satrec, jday
from sgp4.propagation import gstime

WGS84_A_KM = 6378.137
WGS84_F = 1 / 298.257223563
WGS84_E2 = WGS84_F * (2 - WGS84_F)


def julian(moment: datetime) -> tuple[float, float]:
    """Return sgp4's (jd, fraction) for an aware datetime."""
    m = moment.astimezone(timezone.utc)
    return jday(m.year, m.month, m.day, m.hour, m.minute, m.second + m.microsecond / 1e6)


def ecef_km(line1: str, line2: str, moment: datetime) -> np.ndarray:
    """Propagate with sgp4 and rotate TEME to Earth-fixed by GMST (polar motion, UT1-UTC ignored)."""
    sat = Satrec.twoline2rv(line1, line2)
    jd, fr = julian(moment)
    error, r, _ = sat.sgp4(jd, fr)
    assert error == 0
    theta = gstime(jd + fr)
    c, s = math.cos(theta), math.sin(theta)
    return np.array([c * r[0] + s * r[1], -s * r[0] + c * r[1], r[2]])


def geodetic(ecef: np.ndarray) -> tuple[float, float, float]:
    """Return WGS84 latitude, longitude (degrees) and height (km) by Bowring's iteration."""
    x, y, z = ecef
    lon = math.atan2(y, x)
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - WGS84_E2))
    for _ in range(10):
        n = WGS84_A_KM / math.sqrt(1 - WGS84_E2 * math.sin(lat) ** 2)
        h = p / math.cos(lat) - n
        lat = math.atan2(z, p * (1 - WGS84_E2 * n / (n + h)))
    n = WGS84_A_KM / math.sqrt(1 - WGS84_E2 * math.sin(lat) ** 2)
    h = p / math.cos(lat) - n
    return math.degrees(lat), math.degrees(lon), h


def observer_ecef_km(lat_deg: float, lon_deg: float, height_km: float) -> np.ndarray:
    """Return the Earth-fixed position of a WGS84 place."""
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    n = WGS84_A_KM / math.sqrt(1 - WGS84_E2 * math.sin(lat) ** 2)
    return np.array(
        [
            (n + height_km) * math.cos(lat) * math.cos(lon),
            (n + height_km) * math.cos(lat) * math.sin(lon),
            (n * (1 - WGS84_E2) + height_km) * math.sin(lat),
        ]
    )


def look_angles(
    line1: str, line2: str, moment: datetime, lat: float, lon: float
) -> tuple[float, float, float]:
    """Return azimuth, elevation (degrees) and range (km) in the observer's east-north-up frame."""
    d = ecef_km(line1, line2, moment) - observer_ecef_km(lat, lon, 0.0)
    la, lo = math.radians(lat), math.radians(lon)
    east = -math.sin(lo) * d[0] + math.cos(lo) * d[1]
    north = -math.sin(la) * math.cos(lo) * d[0] - math.sin(la) * math.sin(lo) * d[1] + math.cos(la) * d[2]
    up = math.cos(la) * math.cos(lo) * d[0] + math.cos(la) * math.sin(lo) * d[1] + math.sin(la) * d[2]
    rng = float(np.linalg.norm(d))
    return math.degrees(math.atan2(east, north)) % 360, math.degrees(math.asin(up / rng)), rng


def ephem_body(name: str, line1: str, line2: str) -> ephem.EarthSatellite:
    """Return a PyEphem satellite (its own SGP4 implementation)."""
    return ephem.readtle(name, line1, line2)


def ephem_observer(lat: float, lon: float, moment: datetime, elevation_m: float = 0.0) -> ephem.Observer:
    """Return a PyEphem observer with refraction off (pressure 0)."""
    obs = ephem.Observer()
    obs.lat, obs.lon = str(lat), str(lon)
    obs.elevation = elevation_m
    obs.pressure = 0
    obs.date = ephem.Date(moment.astimezone(timezone.utc).replace(tzinfo=None))
    return obs


def ephem_altaz(body: ephem.EarthSatellite, lat: float, lon: float, moment: datetime) -> tuple[float, float]:
    """Return PyEphem's azimuth and altitude in degrees."""
    body.compute(ephem_observer(lat, lon, moment))
    return math.degrees(body.az), math.degrees(body.alt)


def ephem_eclipsed(body: ephem.EarthSatellite, moment: datetime) -> bool:
    """Return whether PyEphem puts the satellite in Earth's shadow."""
    body.compute(ephem.Date(moment.astimezone(timezone.utc).replace(tzinfo=None)))
    return bool(body.eclipsed)


def ephem_passes(
    body: ephem.EarthSatellite,
    lat: float,
    lon: float,
    start: datetime,
    end: datetime,
    threshold_deg: float,
    elevation_m: float = 0.0,
) -> list[tuple[datetime, datetime, datetime, float]]:
    """Scan PyEphem altitudes every 20 s; return (rise, culmination, set, max elevation) per pass.

    Crossings are bisected to 0.01 s and maxima found by golden-section search.
    """
    obs = ephem_observer(lat, lon, start, elevation_m)

    def alt(t: datetime) -> float:
        obs.date = ephem.Date(t.replace(tzinfo=None))
        body.compute(obs)
        return math.degrees(body.alt) - threshold_deg

    def crossing(a: datetime, b: datetime) -> datetime:
        fa = alt(a)
        while (b - a).total_seconds() > 0.01:
            m = a + (b - a) / 2
            fm = alt(m)
            if (fm > 0) == (fa > 0):
                a, fa = m, fm
            else:
                b = m
        return a + (b - a) / 2

    def maximum(a: datetime, b: datetime) -> tuple[datetime, float]:
        g = (math.sqrt(5) - 1) / 2
        while (b - a).total_seconds() > 0.01:
            c = b - (b - a) * g
            d = a + (b - a) * g
            if alt(c) > alt(d):
                b = d
            else:
                a = c
        m = a + (b - a) / 2
        return m, alt(m) + threshold_deg

    step = timedelta(seconds=20)
    found = []
    t, prev = start, alt(start)
    rise = start if prev > 0 else None
    while t < end:
        nxt = t + step
        value = alt(nxt)
        if prev <= 0 < value:
            rise = crossing(t, nxt)
        elif prev > 0 >= value and rise is not None:
            set_ = crossing(t, nxt)
            top, height = maximum(rise, set_)
            found.append((rise, top, set_, height))
            rise = None
        t, prev = nxt, value
    return found


def _visible_at(
    body: ephem.EarthSatellite, obs: ephem.Observer, sun: ephem.Sun, moment: datetime, threshold_deg: float
) -> bool:
    """Return whether PyEphem has the satellite sunlit, above `threshold_deg`, and the Sun at or below -6°."""
    obs.date = ephem.Date(moment.astimezone(timezone.utc).replace(tzinfo=None))
    body.compute(obs)
    sun.compute(obs)
    return not body.eclipsed and math.degrees(sun.alt) <= -6.0 and math.degrees(body.alt) >= threshold_deg


def ephem_visible_seconds(
    body: ephem.EarthSatellite,
    lat: float,
    lon: float,
    elevation_m: float,
    start: datetime,
    end: datetime,
    threshold_deg: float,
    step_s: float = 0.5,
) -> float:
    """Return how long, sampled every `step_s`, PyEphem has the satellite sunlit, high enough, Sun <= -6°."""
    obs = ephem_observer(lat, lon, start, elevation_m)
    sun = ephem.Sun()
    seen = 0
    t = start
    while t <= end:
        seen += _visible_at(body, obs, sun, t, threshold_deg)
        t += timedelta(seconds=step_s)
    return seen * step_s


def ephem_longest_visible_run_s(
    body: ephem.EarthSatellite,
    lat: float,
    lon: float,
    start: datetime,
    end: datetime,
    threshold_deg: float,
    step_s: float = 1.0,
) -> float:
    """Return the longest unbroken stretch, sampled every `step_s`, that PyEphem has the satellite visible.

    Visible as FACTS.md defines it: sunlit, above `threshold_deg`, and the Sun at or below -6° for the
    observer. Passes that are up at any moment of [start, end) count whole (rise to set); the scan for
    rises and sets runs from an hour before `start` to an hour after `end`, so none is cut short.
    """
    obs = ephem_observer(lat, lon, start)
    sun = ephem.Sun()
    longest = 0.0
    scan = (start - timedelta(hours=1), end + timedelta(hours=1))
    for rise, _, set_, _ in ephem_passes(body, lat, lon, *scan, threshold_deg):
        if set_ <= start or rise >= end:
            continue
        run, t = 0.0, rise
        while t <= set_:
            run = run + step_s if _visible_at(body, obs, sun, t, threshold_deg) else 0.0
            longest = max(longest, run)
            t += timedelta(seconds=step_s)
    return longest


def matson_magnitude(range_km: float, phase_rad: float, std_magnitude: float) -> float:
    """Return Matson's Lambertian-sphere magnitude (FACTS.md), written out independently of isstrack."""
    term = math.sin(phase_rad) + (math.pi - phase_rad) * math.cos(phase_rad)
    return std_magnitude + 5 * math.log10(range_km / 1000.0) - 2.5 * math.log10(term)


def ephem_brightest(
    body: ephem.EarthSatellite,
    lat: float,
    lon: float,
    start: datetime,
    end: datetime,
    std_magnitude: float,
    step_s: float = 0.5,
) -> float:
    """Return the smallest Matson magnitude over [start, end], from PyEphem positions every `step_s`."""
    obs = ephem_observer(lat, lon, start)
    sun = ephem.Sun()
    best = math.inf
    span = (end - start).total_seconds()
    count = max(1, math.ceil(span / step_s))
    for k in range(count + 1):
        t = start + timedelta(seconds=min(span, k * step_s))
        obs.date = ephem.Date(t.astimezone(timezone.utc).replace(tzinfo=None))
        body.compute(obs)
        sun.compute(obs)
        sat = _horizontal(float(body.alt), float(body.az), float(body.range) / 1000.0)
        sun_km = _horizontal(float(sun.alt), float(sun.az), float(sun.earth_distance) * 149597870.7)
        to_sun, to_observer = sun_km - sat, -sat
        cos_phase = float(
            np.dot(to_sun, to_observer) / (np.linalg.norm(to_sun) * np.linalg.norm(to_observer))
        )
        phase = math.acos(max(-1.0, min(1.0, cos_phase)))
        best = min(best, matson_magnitude(float(np.linalg.norm(sat)), phase, std_magnitude))
    return best


def _horizontal(alt_rad: float, az_rad: float, distance: float) -> np.ndarray:
    """Return an east-north-up vector from altitude, azimuth and distance."""
    return distance * np.array(
        [math.cos(alt_rad) * math.sin(az_rad), math.cos(alt_rad) * math.cos(az_rad), math.sin(alt_rad)]
    )
