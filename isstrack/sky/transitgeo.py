"""Vectorised geometry of the station in front of the Sun or the Moon: separations and the centre line.

Everything is computed in the Earth-fixed frame (ITRS) at an array of instants:

- the body: its apparent geocentric position from the bundled DE421 excerpt (light time, annual
  aberration, the Sun's light deflection), then made topocentric by subtracting the observer's
  position (parallax: about 1° for the Moon, 8.8" for the Sun);
- the station: its SGP4 position at the same instant, by vector subtraction. No light time: at 400-2000
  km the light takes 1.3-7 ms, in which the station moves 10-50 m, at most 5" seen from the ground;
- no refraction (it lifts the station and the body alike; see docs/transits.md).

Diurnal aberration (0.3") shifts the station and the body alike, so it is left out of both.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from isstrack.sky.earth import (
    WGS84_A_KM,
    WGS84_B_KM,
    WGS84_E2,
    geodetic_to_itrs_km,
    geodetic_up,
    teme_to_itrs_xy,
)
from isstrack.sky.ephemeris import bodies, fast_nutation, moon

BODY_RADIUS_KM = {"sun": 695_700.0, "moon": 1_737.4}  # IAU 2015 nominal solar radius; mean lunar radius

Array = Any  # numpy arrays; shapes are given in the docstrings


def geodetic(xyz_km: Array) -> tuple[Array, Array]:
    """Return WGS84 geodetic latitude and longitude (radians) of Earth-fixed points (3, N) near ground."""
    x, y, z = xyz_km
    p = np.hypot(x, y)
    lat = np.arctan2(z, p * (1 - WGS84_E2))
    for _ in range(4):  # Bowring-style fixed point: converges to micro-degrees near the surface
        n = WGS84_A_KM / np.sqrt(1 - WGS84_E2 * np.sin(lat) ** 2)
        h = p / np.cos(lat) - n
        lat = np.arctan2(z, p * (1 - WGS84_E2 * n / (n + h)))
    return lat, np.arctan2(y, x)


def ellipsoid_hit(origin_km: Array, direction: Array, height_km: float) -> Array:
    """Return where rays (3, N) first meet the WGS84 ellipsoid raised by `height_km`; NaN where they miss."""
    scale = np.array([[1.0], [1.0], [(WGS84_A_KM + height_km) / (WGS84_B_KM + height_km)]])
    o, d = origin_km * scale, direction * scale
    a = np.sum(d * d, axis=0)
    b = 2 * np.sum(o * d, axis=0)
    c = np.sum(o * o, axis=0) - (WGS84_A_KM + height_km) ** 2
    disc = b * b - 4 * a * c
    with np.errstate(invalid="ignore"):
        k = (-b - np.sqrt(disc)) / (2 * a)
    k = np.where((disc >= 0) & (k > 0), k, np.nan)
    return origin_km + direction * k


def unit(v: Array) -> Array:
    """Return vectors (3, N) scaled to length 1."""
    return v / np.linalg.norm(v, axis=0)


@dataclass(frozen=True)
class Place:
    """An observer on the ellipsoid, Earth-fixed."""

    latitude_deg: float
    longitude_deg: float
    elevation_m: float

    @property
    def itrs_km(self) -> Array:
        """Return the Earth-fixed position as a (3, 1) array."""
        lat, lon = np.radians(self.latitude_deg), np.radians(self.longitude_deg)
        return np.array([[v] for v in geodetic_to_itrs_km(lat, lon, self.elevation_m / 1000.0)])


class Geometry:
    """Evaluate the station and one body at arrays of instants."""

    def __init__(self, satellite: Any, ts: Any, place: Place, body: str, provider: Any = None) -> None:
        earth, sun = bodies()
        self.satellite = satellite
        # TEME states for the coarse screen: the orbit's provider (SGP4 or the OEM), else SGP4 itself.
        self.teme_states = provider.teme_states if provider is not None else satellite.model.sgp4_array
        self.ts = ts
        self.earth = earth
        self.target = sun if body == "sun" else moon()
        self.body_radius_km = BODY_RADIUS_KM[body]
        self.place = place
        self.place_km = place.itrs_km
        self.place_up = geodetic_up(np.radians(place.latitude_deg), np.radians(place.longitude_deg))[:, None]

    def times(self, tt_jd: Array) -> Any:
        """Return a Skyfield Time for TT Julian dates, with IAU 2000B nutation (1 mas from 2000A)."""
        return fast_nutation(self.ts.tt_jd(np.asarray(tt_jd, dtype=float)))

    def vectors(self, tt_jd: Array) -> tuple[Array, Array]:
        """Return the Earth-fixed station and apparent body positions (3, N), km."""
        from skyfield.framelib import itrs

        t = self.times(tt_jd)
        rotation = itrs.rotation_at(t)
        station = np.einsum("ijn,jn->in", rotation, self.satellite.at(t).position.km.reshape(3, -1))
        body_gcrs = self.earth.at(t).observe(self.target).apparent(deflectors=(10,)).position.km
        body = np.einsum("ijn,jn->in", rotation, body_gcrs.reshape(3, -1))
        return station, body

    def evaluate(self, tt_jd: Array) -> tuple[dict[str, Array], dict[str, Array]]:
        """Return what the place sees and the centre line, at TT Julian dates (arrays of length N)."""
        station, body = self.vectors(tt_jd)
        return self._at_place(station, body), self._centre_line(station, body)

    def evaluate_coarse(self, tt_jd: Array, bounds: Array) -> tuple[dict[str, Array], dict[str, Array]]:
        """Return `evaluate` for a screening grid of segments (`bounds`: start indexes, then the end).

        Faster and within a few arcseconds: the station straight from its source (TEME to Earth-fixed is the
        rotation by GMST), the body exactly at each segment's ends and middle and interpolated
        quadratically in between (the Moon's path curves by 0.7 km over ten minutes; 1 m off), the
        precession-nutation of the middle kept over the segment while the Earth turns by GMST.
        """
        from sgp4.api import jday
        from skyfield.framelib import itrs

        tt = np.asarray(tt_jd, dtype=float)
        t = self.ts.tt_jd(tt)
        sample = t[0].utc_datetime()
        seconds = sample.second + sample.microsecond / 1e6
        tt_minus_utc = float(t[0].tt) - sum(jday(*sample.timetuple()[:5], seconds))
        utc = tt - tt_minus_utc
        whole = np.floor(utc - 0.5) + 0.5
        error, teme, _ = self.teme_states(whole, utc - whole)
        gmst = np.radians(np.asarray(t.gmst) * 15.0)
        station = np.array([*teme_to_itrs_xy(gmst, teme[:, 0], teme[:, 1]), teme[:, 2]])
        firsts, ends = bounds[:-1], bounds[1:] - 1
        anchors = np.stack([tt[firsts], (tt[firsts] + tt[ends]) / 2, tt[ends]], axis=1)
        anchor_t = self.times(anchors.ravel())
        body_gcrs = self.earth.at(anchor_t).observe(self.target).apparent(deflectors=(10,)).position.km
        middle = self.times(anchors[:, 1])
        rotation = itrs.rotation_at(middle)
        gmst_middle = np.radians(np.asarray(middle.gmst) * 15.0)
        body = np.empty_like(station)
        for n, (first, stop) in enumerate(itertools.pairwise(bounds)):
            x = (tt[first:stop] - anchors[n, 1]) / max(anchors[n, 2] - anchors[n, 1], 1e-12)
            b0, b1, b2 = (body_gcrs[:, 3 * n + k][:, None] for k in range(3))
            curve = b1 + x * (b2 - b0) / 2 + x**2 * (b0 - 2 * b1 + b2) / 2
            turned = rotation[:, :, n] @ curve
            angle = gmst[first:stop] - gmst_middle[n]
            body[:, first:stop] = np.array([*teme_to_itrs_xy(angle, turned[0], turned[1]), turned[2]])
        station = np.where(error == 0, station, np.nan)
        return self._at_place(station, body), self._centre_line(station, body)

    def _at_place(self, station: Array, body: Array) -> dict[str, Array]:
        to_station = station - self.place_km
        to_body = body - self.place_km
        u, v = unit(to_station), unit(to_body)
        sin2 = np.sum(np.cross(u, v, axis=0) ** 2, axis=0)
        cos_sep = np.sum(u * v, axis=0)
        return {
            "sin2": sin2,  # sin^2 of the separation: parabolic in time near a minimum
            "separation_deg": np.degrees(np.arctan2(np.sqrt(sin2), cos_sep)),
            "body_radius_deg": np.degrees(np.arcsin(self.body_radius_km / np.linalg.norm(to_body, axis=0))),
            "range_km": np.linalg.norm(to_station, axis=0),
            "body_direction": v,
        }

    def _centre_line(self, station: Array, body: Array) -> dict[str, Array]:
        away = unit(station - body)  # from the body through the station, towards the ground
        ground = ellipsoid_hit(station, away, self.place.elevation_m / 1000.0)
        lat, lon = geodetic(ground)
        up = geodetic_up(lat, lon)
        station_range_km = np.linalg.norm(ground - station, axis=0)
        body_radius = np.arcsin(self.body_radius_km / np.linalg.norm(body - ground, axis=0))
        down = np.sum(away * up, axis=0)  # -sin(body altitude at the ground point)
        return {
            "ground_km": ground,
            "latitude_deg": np.degrees(lat),
            "longitude_deg": np.degrees(lon),
            "distance_km": np.linalg.norm(ground - self.place_km, axis=0),
            "body_altitude_deg": np.degrees(np.arcsin(np.clip(-down, -1.0, 1.0))),
            "body_radius_deg": np.degrees(body_radius),
            "station_range_km": station_range_km,
            "away": away,
            "up": up,
            "down": down,
            "cone_radius_km": station_range_km * np.tan(body_radius),
        }

    def angular_speed_deg_s(self, tt_jd: Array, point_km: Array, half_step_s: float = 0.05) -> Array:
        """Return how fast the station moves across the body seen from Earth-fixed points (3, N), deg/s."""
        tt = np.asarray(tt_jd, dtype=float)
        step = half_step_s / 86400.0
        directions = []
        for moment in (tt - step, tt + step):
            station, body = self.vectors(moment)
            directions.append((unit(station - point_km), unit(body - point_km)))
        (s0, b0), (s1, b1) = directions
        relative = (s1 - b1) - (s0 - b0)  # small-angle change of the station's offset from the body
        return np.degrees(np.linalg.norm(relative, axis=0)) / (2 * half_step_s)


def strip_width_km(line: dict[str, Array], ground_velocity: Array) -> Array:
    """Return the strip's width across the centre line's ground track, for each instant.

    The disc seen behind the station is a narrow cone from the station; the ground inside it is an
    ellipse around the centre-line point. With d the unit vector from the body through the station,
    n the local vertical and v the unit ground velocity of the centre-line point, the ellipse's extent
    across the track is 2 rho sqrt(1 - (d.v)^2) / |d.n|, rho = range tan(body radius): 2 rho straight
    under a body overhead, stretched by 1/sin(altitude) where the track runs across the line of sight.
    """
    v = unit(ground_velocity - line["up"] * np.sum(ground_velocity * line["up"], axis=0))
    along = np.sum(line["away"] * v, axis=0)
    return 2 * line["cone_radius_km"] * np.sqrt(np.clip(1 - along**2, 0.0, 1.0)) / np.abs(line["down"])
