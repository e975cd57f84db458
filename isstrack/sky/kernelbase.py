"""The compiled building blocks (numba) of `sky.kernel`: the station, the Sun and an observer's view.

Each is the scalar twin of a numpy computation: the Hermite cubic of Track.position and Track.state,
the Sun of Track.sun_itrs (hourly TEME turned by the linear GMST), the elevation sine and its rate
of Sky.sin_elevation and Sky.elevation_rate, with dot products summed in numpy's order. `tables`
gives the loops what they need of a track.

Compiled code is cached on disk, in NUMBA_CACHE_DIR or else isstrack's cache directory, so that worker
processes and later runs load it (about 0.1 s) instead of compiling it again (several seconds).
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Any

from isstrack.io.paths import cache_dir

if TYPE_CHECKING:
    from isstrack.sky.track import Track

# numba reads its cache location when imported.
os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_dir() / "numba"))

import numba
import numpy as np

SUN_STEP_S = 3600.0  # as sky.track

jit = numba.njit(cache=True, nogil=True, error_model="numpy")


@jit
def _state(cubic, h, t, p, v):
    """Write the station's Hermite-interpolated position and velocity at `t` (as Track.state)."""
    k = min(max(math.floor(t / h), 0), cubic.shape[0] - 1)
    tau = (t - k * h) / h
    for i in range(3):
        c0, c1, c2, c3 = cubic[k, 0, i], cubic[k, 1, i], cubic[k, 2, i], cubic[k, 3, i]
        p[i] = c0 + tau * (c1 + tau * (c2 + tau * c3))
        v[i] = (c1 + tau * (2 * c2 + 3 * tau * c3)) / h


@jit
def _position(cubic, h, t, p):
    """Write the station's Hermite-interpolated position at `t` (as Track.position)."""
    k = min(max(math.floor(t / h), 0), cubic.shape[0] - 1)
    tau = (t - k * h) / h
    for i in range(3):
        p[i] = cubic[k, 0, i] + tau * (cubic[k, 1, i] + tau * (cubic[k, 2, i] + tau * cubic[k, 3, i]))


@jit
def _sun(sun_teme, theta0, omega, t, out):
    """Write the Sun's Earth-fixed position (km) at `t` into `out` (as Track.sun_itrs)."""
    k = min(max(math.floor(t / SUN_STEP_S), 0), sun_teme.shape[0] - 2)
    fraction = (t - k * SUN_STEP_S) / SUN_STEP_S
    x = sun_teme[k, 0] + fraction * (sun_teme[k + 1, 0] - sun_teme[k, 0])
    y = sun_teme[k, 1] + fraction * (sun_teme[k + 1, 1] - sun_teme[k, 1])
    z = sun_teme[k, 2] + fraction * (sun_teme[k + 1, 2] - sun_teme[k, 2])
    theta = theta0 + omega * t
    c, s = math.cos(theta), math.sin(theta)
    out[0] = c * x + s * y
    out[1] = -s * x + c * y
    out[2] = z


@jit
def _dot(a0, a1, a2, b0, b1, b2):
    """Return a dot product summed in numpy's einsum order for three terms (bit for bit as sky.track.dot)."""
    return (a0 * b0 + a2 * b2) + a1 * b1


@jit
def _sin_elevation(place, up, p):
    """Return the sine of the elevation of point `p` seen from `place` (as Sky.sin_elevation)."""
    d0, d1, d2 = p[0] - place[0], p[1] - place[1], p[2] - place[2]
    return _dot(up[0], up[1], up[2], d0, d1, d2) / math.sqrt(_dot(d0, d1, d2, d0, d1, d2))


@jit
def _rate(place, up, p, v):
    """Return the rate of the sine of the elevation for the state (p, v) (as Sky.elevation_rate)."""
    d0, d1, d2 = p[0] - place[0], p[1] - place[1], p[2] - place[2]
    distance = math.sqrt(_dot(d0, d1, d2, d0, d1, d2))
    height = _dot(up[0], up[1], up[2], d0, d1, d2)
    along = _dot(up[0], up[1], up[2], v[0], v[1], v[2])
    return (along - height * _dot(d0, d1, d2, v[0], v[1], v[2]) / distance**2) / distance


def tables(track: Track) -> tuple[Any, float, Any, float, float]:
    """Return what the loops need of a track: Hermite coefficients, step, Sun in TEME, GMST, its rate."""
    cached = track.cache.get("kernel")
    if cached is None:
        track.position(np.zeros(1))  # builds the Hermite coefficients
        cached = track.cache["kernel"] = (
            np.ascontiguousarray(track.cache["cubic"]),
            float(track.step_s),
            np.ascontiguousarray(track._sun_teme_km),
            float(track._theta_origin),
            float(track._omega),
        )
    return cached
