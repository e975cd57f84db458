"""The bright stars and the naked-eye planets as landmarks in an observer's sky.

Stars come from sky/brightstars.py (Yale Bright Star Catalogue, public domain). The bundled
ephemeris holds only the Sun, the Moon and Earth, so the planets are computed from the approximate
Keplerian elements of E. M. Standish (JPL Solar System Dynamics, "Keplerian Elements for
Approximate Positions of the Major Planets", table 1, valid 1800-2050; a US Government work, public
domain): good to about 0.1° (Saturn, worst) for 2000-2050, plenty for pointing a person at the sky.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from isstrack.sky.brightstars import BRIGHT_STARS
from isstrack.sky.ephemeris import bodies, timescale
from isstrack.sky.orbit import Observer

NAMED_STARS = 12  # the brightest dozen get their names on the chart
AU_KM = 149_597_870.7
LIGHT_DAYS_PER_AU = 499.004784 / 86400.0
OBLIQUITY_J2000_DEG = 23.43928
# a, e, I, L, long. perihelion, long. node (AU, deg) and their rates per Julian century from J2000.
PLANET_ELEMENTS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "Mercury": (
        (0.38709927, 0.20563593, 7.00497902, 252.25032350, 77.45779628, 48.33076593),
        (0.00000037, 0.00001906, -0.00594749, 149472.67411175, 0.16047689, -0.12534081),
    ),
    "Venus": (
        (0.72333566, 0.00677672, 3.39467605, 181.97909950, 131.60246718, 76.67984255),
        (0.00000390, -0.00004107, -0.00078890, 58517.81538729, 0.00268329, -0.27769418),
    ),
    "Earth-Moon": (
        (1.00000261, 0.01671123, -0.00001531, 100.46457166, 102.93768193, 0.0),
        (0.00000562, -0.00004392, -0.01294668, 35999.37244981, 0.32327364, 0.0),
    ),
    "Mars": (
        (1.52371034, 0.09339410, 1.84969142, -4.55343205, -23.94362959, 49.55953891),
        (0.00001847, 0.00007882, -0.00813131, 19140.30268499, 0.44441088, -0.29257343),
    ),
    "Jupiter": (
        (5.20288700, 0.04838624, 1.30439695, 34.39644051, 14.72847983, 100.47390909),
        (-0.00011607, -0.00013253, -0.00183714, 3034.74612775, 0.21252668, 0.20469106),
    ),
    "Saturn": (
        (9.53667594, 0.05386179, 2.48599187, 49.95424423, 92.59887831, 113.66242448),
        (-0.00125060, -0.00050991, 0.00193609, 1222.49362201, -0.41897216, -0.28867794),
    ),
}
PLANETS = ("Mercury", "Venus", "Mars", "Jupiter", "Saturn")


@dataclass(frozen=True)
class Landmark:
    """A star or planet as the observer sees it: where, how bright, and whether to print its name."""

    name: str
    kind: str  # "star" or "planet"
    azimuth_deg: float
    elevation_deg: float
    magnitude: float
    named: bool


def heliocentric_ecliptic_au(name: str, tdb_jd: float) -> tuple[float, float, float]:
    """Return a planet's heliocentric J2000 ecliptic position (AU) from Standish's elements."""
    base, rate = PLANET_ELEMENTS[name]
    centuries = (tdb_jd - 2451545.0) / 36525.0
    a, e, incl, mean_long, peri, node = (b + r * centuries for b, r in zip(base, rate, strict=True))
    mean_anomaly = math.radians((mean_long - peri + 180.0) % 360.0 - 180.0)
    ecc_anomaly = mean_anomaly + e * math.sin(mean_anomaly)
    for _ in range(8):  # Newton's method on Kepler's equation; e < 0.21 converges in a few steps
        ecc_anomaly -= (ecc_anomaly - e * math.sin(ecc_anomaly) - mean_anomaly) / (
            1.0 - e * math.cos(ecc_anomaly)
        )
    x_orb = a * (math.cos(ecc_anomaly) - e)
    y_orb = a * math.sqrt(1.0 - e * e) * math.sin(ecc_anomaly)
    w, o, i = math.radians(peri - node), math.radians(node), math.radians(incl)
    cw, sw, co, so, ci, si = math.cos(w), math.sin(w), math.cos(o), math.sin(o), math.cos(i), math.sin(i)
    return (
        (cw * co - sw * so * ci) * x_orb + (-sw * co - cw * so * ci) * y_orb,
        (cw * so + sw * co * ci) * x_orb + (-sw * so + cw * co * ci) * y_orb,
        (sw * si) * x_orb + (cw * si) * y_orb,
    )


def planet_radec_j2000(name: str, tdb_jd: float) -> tuple[float, float, float]:
    """Return a planet's geocentric astrometric (RA hours, Dec degrees, distance AU) for J2000."""
    earth = heliocentric_ecliptic_au("Earth-Moon", tdb_jd)
    distance = 0.0
    for _ in range(3):  # light time: see the planet where it was when the light left it
        p = heliocentric_ecliptic_au(name, tdb_jd - distance * LIGHT_DAYS_PER_AU)
        x, y, z = (p[k] - earth[k] for k in range(3))
        distance = math.sqrt(x * x + y * y + z * z)
    eps = math.radians(OBLIQUITY_J2000_DEG)
    y_eq = y * math.cos(eps) - z * math.sin(eps)
    z_eq = y * math.sin(eps) + z * math.cos(eps)
    ra_hours = math.degrees(math.atan2(y_eq, x)) % 360.0 / 15.0
    dec_deg = math.degrees(math.asin(z_eq / distance))
    return ra_hours, dec_deg, distance


@cache
def _star_arrays() -> tuple[tuple[str, ...], Any, Any, Any]:
    import numpy as np

    names = tuple(s[0] for s in BRIGHT_STARS)
    ra = np.array([h + m / 60.0 + s / 3600.0 for _, (h, m, s), _, _ in BRIGHT_STARS])
    dec = np.array([sign * (d + m / 60.0 + s / 3600.0) for _, _, (sign, d, m, s), _ in BRIGHT_STARS])
    mags = np.array([s[3] for s in BRIGHT_STARS])
    return names, ra, dec, mags


def _planet_magnitude(name: str) -> float:
    # Typical brightness near opposition or greatest elongation: enough to rank labels.
    return {"Mercury": 0.0, "Venus": -4.2, "Mars": 0.5, "Jupiter": -2.4, "Saturn": 0.6}[name]


def landmarks(observer: Observer, at: datetime, min_elevation_deg: float = 0.0) -> tuple[Landmark, ...]:
    """Return the bright stars and planets above `min_elevation_deg` for an observer, brightest first."""
    import numpy as np
    from skyfield.starlib import Star
    from skyfield.toposlib import wgs84

    t = timescale().from_datetime(at)
    earth, _ = bodies()
    place = earth + wgs84.latlon(observer.latitude_deg, observer.longitude_deg, observer.elevation_m)
    names, ra, dec, mags = _star_arrays()
    planet_pos = [planet_radec_j2000(p, float(t.tdb)) for p in PLANETS]
    all_ra = np.concatenate([ra, [p[0] for p in planet_pos]])
    all_dec = np.concatenate([dec, [p[1] for p in planet_pos]])
    # Only the Sun bends light here: the bundled ephemeris has no Jupiter or Saturn (their 0.02" is moot).
    # Planets go in as fixed directions at their astrometric place: Skyfield then applies precession,
    # nutation and aberration as for the stars (parallax from Earth's radius is under 0.003°).
    targets = Star(ra_hours=all_ra, dec_degrees=all_dec)
    alt, az, _ = place.at(t).observe(targets).apparent(deflectors=(10,)).altaz()
    out: list[Landmark] = []
    kinds = ["star"] * len(names) + ["planet"] * len(PLANETS)
    magnitudes = [*mags.tolist(), *(_planet_magnitude(p) for p in PLANETS)]
    for k, name in enumerate([*names, *PLANETS]):
        elevation = float(alt.degrees[k])
        if elevation < min_elevation_deg:
            continue
        named = kinds[k] == "planet" or k < NAMED_STARS
        out.append(Landmark(name, kinds[k], float(az.degrees[k]) % 360.0, elevation, magnitudes[k], named))
    return tuple(sorted(out, key=lambda m: m.magnitude))


def separation_deg(az1_deg: float, el1_deg: float, az2_deg: float, el2_deg: float) -> float:
    """Return the angle between two directions in the sky."""
    a1, e1, a2, e2 = (math.radians(v) for v in (az1_deg, el1_deg, az2_deg, el2_deg))
    cosine = math.sin(e1) * math.sin(e2) + math.cos(e1) * math.cos(e2) * math.cos(a1 - a2)
    return math.degrees(math.acos(max(-1.0, min(1.0, cosine))))


def nearby_phrase(
    marks: tuple[Landmark, ...], azimuth_deg: float, elevation_deg: float, within_deg: float = 10.0
) -> str | None:
    """Return how a sky direction sits against its nearest named landmark, such as "just below Vega"."""
    named = [m for m in marks if m.named]
    if not named:
        return None
    best = min(
        named, key=lambda m: separation_deg(azimuth_deg, elevation_deg, m.azimuth_deg, m.elevation_deg)
    )
    gap = separation_deg(azimuth_deg, elevation_deg, best.azimuth_deg, best.elevation_deg)
    if gap > within_deg:
        return None
    if gap < 1.0:
        return f"right by {best.name}"
    d_el = elevation_deg - best.elevation_deg
    d_az = (azimuth_deg - best.azimuth_deg + 180.0) % 360.0 - 180.0
    across = d_az * math.cos(math.radians((elevation_deg + best.elevation_deg) / 2))
    side = (
        ("above" if d_el > 0 else "below")
        if abs(d_el) >= abs(across)
        else ("right of" if across > 0 else "left of")
    )
    return f"{'just ' if gap <= 5.0 else ''}{side} {best.name}"
