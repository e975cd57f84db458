"""The station and the Sun as a set of observers sees them: look angles at arbitrary times."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from isstrack.sky.orbit import Observer
from isstrack.sky.track import Track, dot, norm, observer_frames

if TYPE_CHECKING:
    from isstrack.sky.track import Array


class Sky:
    """Look angles from a set of observers to the station and the Sun at arbitrary times."""

    def __init__(self, track: Track, observers: Sequence[Observer]) -> None:
        self.track = track
        self.frames = observer_frames(
            np.array([o.latitude_deg for o in observers], dtype=float),
            np.array([o.longitude_deg for o in observers], dtype=float),
            np.array([o.elevation_m for o in observers], dtype=float),
        )

    def sin_elevation(self, who: np.ndarray, position_km: Array) -> Array:
        """Return the sine of the elevation of points (km, Earth-fixed) seen by observers `who`."""
        d = position_km - self.frames.position[who]
        return np.asarray(dot(self.frames.up[who], d) / norm(d))

    def elevation_rate(self, who: np.ndarray, position_km: Array, velocity_km_s: Array) -> Array:
        """Return the time derivative of the sine of the station's elevation (1/s)."""
        up = self.frames.up[who]
        d = position_km - self.frames.position[who]
        distance = norm(d)
        height = dot(up, d)
        rate = dot(up, velocity_km_s) - height * dot(d, velocity_km_s) / distance**2
        return np.asarray(rate / distance)

    def station_sin_elevation(self, t_s: Array, who: np.ndarray) -> Array:
        """Return the sine of the station's elevation at times `t_s` for observers `who`."""
        return self.sin_elevation(who, self.track.position(t_s))

    def station_elevation_rate(self, t_s: Array, who: np.ndarray) -> Array:
        """Return the rate of the sine of the station's elevation at `t_s` for observers `who`."""
        return self.elevation_rate(who, *self.track.state(t_s))

    def azimuth_elevation(self, t_s: Array, who: np.ndarray) -> tuple[Array, Array]:
        """Return the station's azimuth and elevation (degrees) at `t_s` for observers `who`."""
        d = self.track.position(t_s) - self.frames.position[who]
        east = dot(self.frames.east[who], d)
        north = dot(self.frames.north[who], d)
        up = dot(self.frames.up[who], d)
        azimuth = np.degrees(np.arctan2(east, north)) % 360.0
        return azimuth, np.degrees(np.arctan2(up, np.hypot(east, north)))
