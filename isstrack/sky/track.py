"""The station and the Sun on one time grid for a whole window, shared by every observer of a search.

The station is propagated once (`orbit.provider`: SGP4, or the OEM interpolated) at every grid
time and rotated from TEME to the Earth-fixed frame (ITRS) exactly as Skyfield does (GMST 1982
with UT1, no polar motion). Between grid times its position and velocity come from cubic Hermite
interpolation of the gridded state, which at the 60 s step stays within 0.4 m of a fresh SGP4
run (`tests/test_engine.py` checks 5 m over 10 days): 0.05 ms of pass timing, far below the
elements' own error, and much cheaper than propagating again at every refined time for every
observer. The Sun comes from the bundled DE421 excerpt every hour in TEME (where it moves about
1° a day, so linear interpolation is good to 0.01") and is rotated to ITRS at each time asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import numpy as np

from isstrack.elements.trust import REMEDY
from isstrack.errors import NoElementsError
from isstrack.sky.earth import EARTH_SHADOW_RADIUS_KM, geodetic_to_itrs_km, geodetic_up, teme_to_itrs_xy
from isstrack.sky.ephemeris import bodies, fast_nutation
from isstrack.sky.orbit import Orbit

if TYPE_CHECKING:  # numpy.typing costs about 30 ms to import: annotations only
    from numpy.typing import NDArray

    Array = NDArray[Any]


GRID_STEP_S = 60.0
SUN_STEP_S = 3600.0
DAY_S = 86400.0


def dot(a: Array, b: Array) -> Array:
    """Return the row-wise dot products of two (n, 3) arrays."""
    return np.asarray(np.einsum("ij,ij->i", a, b))


def norm(a: Array) -> Array:
    """Return the row-wise lengths of an (n, 3) array."""
    return np.asarray(np.sqrt(np.einsum("ij,ij->i", a, a)))


class Track:
    """The station's Earth-fixed state on a regular grid over [origin, origin + span], and the Sun."""

    def __init__(self, orbit: Orbit, origin: datetime, span: timedelta, step_s: float = GRID_STEP_S) -> None:
        from sgp4.api import jday

        self.orbit = orbit
        self.origin = origin
        self.step_s = step_s
        count = max(2, math.ceil(span.total_seconds() / step_s) + 1)
        self.times_s: Array = np.arange(count, dtype=float) * step_s
        moment = origin
        self._jd, self._fr = jday(
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second + moment.microsecond / 1e6,
        )
        middle = orbit.ts.from_datetime(origin + span / 2)
        self._dut1_days = float(middle.dut1) / DAY_S
        error, r_teme, v_teme = orbit.provider.teme_states(
            np.full(count, self._jd), self._fr + self.times_s / DAY_S
        )
        if np.any(error) or not np.all(np.isfinite(r_teme)):
            raise NoElementsError(
                f"the elements for {orbit.elements.name} (epoch {orbit.elements.epoch:%Y-%m-%d}) cannot "
                f"be propagated to {origin:%Y-%m-%d}-{origin + span:%Y-%m-%d} (decayed or damaged "
                f"orbit); use newer elements: {REMEDY}"
            )
        theta, self._omega = self._theta(np.zeros(1))
        self._theta_origin = float(theta[0])
        self.position_km, self.velocity_km_s = self._to_itrs(self.times_s, r_teme, v_teme)
        self._sun_times_s, self._sun_teme_km = self._sun_in_teme(span)
        self.cache: dict[str, Any] = {}
        self.sun_km = self.sun_itrs(self.times_s)

    def _theta(self, t_s: Array) -> tuple[Array, float]:
        """Return GMST 1982 (rad) at `t_s` and its rate (rad/s), as Skyfield's TEME frame uses."""
        from skyfield.sgp4lib import theta_GMST1982

        theta, theta_dot = theta_GMST1982(self._jd, self._fr + self._dut1_days + np.append(t_s, 0.0) / DAY_S)
        return np.asarray(theta[:-1], dtype=float), float(theta_dot[-1]) / DAY_S

    def _to_itrs(self, t_s: Array, r_teme: Array, v_teme: Array) -> tuple[Array, Array]:
        theta, omega = self._theta(t_s)
        x, y = teme_to_itrs_xy(theta, r_teme[:, 0], r_teme[:, 1])
        position = np.column_stack([x, y, r_teme[:, 2]])
        vx, vy = teme_to_itrs_xy(theta, v_teme[:, 0], v_teme[:, 1])
        velocity = np.column_stack([vx + omega * y, vy - omega * x, v_teme[:, 2]])
        return position, velocity

    def _sun_in_teme(self, span: timedelta) -> tuple[Array, Array]:
        from skyfield.functions import mxv
        from skyfield.sgp4lib import TEME

        earth, sun = bodies()
        count = max(2, math.ceil(span.total_seconds() / SUN_STEP_S) + 2)
        times_s = np.arange(count, dtype=float) * SUN_STEP_S
        o = self.origin
        t = fast_nutation(
            self.orbit.ts.utc(
                o.year, o.month, o.day, o.hour, o.minute, o.second + o.microsecond / 1e6 + times_s
            )
        )
        gcrs_km = (sun - earth).at(t).position.km
        teme_km = mxv(TEME.rotation_at(t), gcrs_km)
        return times_s, np.asarray(teme_km, dtype=float).T

    def sun_itrs(self, t_s: Array) -> Array:
        """Return the Sun's geocentric Earth-fixed position (km) at `t_s` seconds after the origin."""
        k = np.clip((t_s // SUN_STEP_S).astype(np.int64), 0, len(self._sun_times_s) - 2)
        fraction = ((t_s - self._sun_times_s[k]) / SUN_STEP_S)[:, None]
        teme = self._sun_teme_km[k] + fraction * (self._sun_teme_km[k + 1] - self._sun_teme_km[k])
        # GMST 1982 is linear in UT1 to 1e-13 rad over a month: no need to evaluate its series again.
        x, y = teme_to_itrs_xy(self._theta_origin + self._omega * t_s, teme[:, 0], teme[:, 1])
        return np.column_stack([x, y, teme[:, 2]])

    def _cubic(self, t_s: Array) -> tuple[Array, Array]:
        """Return the Hermite cubic's coefficients (n, 4, 3) for each time and the fraction of its step."""
        if "cubic" not in self.cache:
            h = self.step_s
            p0, p1 = self.position_km[:-1], self.position_km[1:]
            m0, m1 = self.velocity_km_s[:-1] * h, self.velocity_km_s[1:] * h
            self.cache["cubic"] = np.stack(
                [p0, m0, 3 * (p1 - p0) - 2 * m0 - m1, 2 * (p0 - p1) + m0 + m1], axis=1
            )
        k = np.clip((t_s // self.step_s).astype(np.int64), 0, len(self.times_s) - 2)
        return self.cache["cubic"][k], ((t_s - self.times_s[k]) / self.step_s)[:, None]

    def position(self, t_s: Array) -> Array:
        """Return the station's Earth-fixed position (km) at `t_s` by Hermite interpolation of the grid."""
        c, tau = self._cubic(t_s)
        return np.asarray(c[:, 0] + tau * (c[:, 1] + tau * (c[:, 2] + tau * c[:, 3])))

    def state(self, t_s: Array) -> tuple[Array, Array]:
        """Return the station's Earth-fixed position (km) and velocity (km/s) by Hermite interpolation."""
        c, tau = self._cubic(t_s)
        position = c[:, 0] + tau * (c[:, 1] + tau * (c[:, 2] + tau * c[:, 3]))
        velocity = (c[:, 1] + tau * (2 * c[:, 2] + 3 * tau * c[:, 3])) / self.step_s
        return position, velocity

    def shadow_margin_km(self, position_km: Array, sun_km: Array) -> Array:
        """Return how far (km) the station is outside Earth's umbra cylinder: negative means in shadow."""
        to_sun = sun_km - position_km
        unit = to_sun / norm(to_sun)[:, None]
        along = dot(unit, position_km)
        perpendicular = np.sqrt(np.maximum(dot(position_km, position_km) - along * along, 0.0))
        margin = perpendicular - EARTH_SHADOW_RADIUS_KM
        # On the day side (station between the Sun and the Earth's centre plane) there is no shadow.
        return np.asarray(np.where(along >= 0, np.abs(margin) + 1.0, margin))

    def moments(self, t_s: Array) -> list[datetime]:
        """Return aware UTC datetimes for seconds after the origin."""
        at, utc = datetime.fromtimestamp, timezone.utc
        return [at(x, utc) for x in (t_s + self.origin.timestamp()).tolist()]


@dataclass(frozen=True)
class Frames:
    """Earth-fixed positions (km) of places and their local up, east and north unit vectors."""

    position: Array
    up: Array
    east: Array
    north: Array
    height_km: Array


def observer_frames(latitude_deg: Array, longitude_deg: Array, elevation_m: Array) -> Frames:
    """Return Earth-fixed positions (km) and local up, east and north unit vectors of WGS84 places."""
    lat = np.radians(latitude_deg)
    lon = np.radians(longitude_deg)
    height_km = elevation_m / 1000.0
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    sin_lon, cos_lon = np.sin(lon), np.cos(lon)
    return Frames(
        position=np.column_stack(geodetic_to_itrs_km(lat, lon, height_km)),
        up=np.ascontiguousarray(geodetic_up(lat, lon).T),
        east=np.column_stack([-sin_lon, cos_lon, np.zeros_like(lon)]),
        north=np.column_stack([-sin_lat * cos_lon, -sin_lat * sin_lon, cos_lat]),
        height_km=height_km,
    )
