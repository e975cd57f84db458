"""Which part of each pass the eye can see, and how bright the station is then.

Worked out only for the passes the engine found. Sunlight does not depend on the observer, so the
station's entries into and exits from Earth's umbra are found once per track (roots of the distance
outside the shadow cylinder, to 1 ms) and every pass just looks them up. The dark-sky condition (Sun
at or below -6°) is sampled at each pass's rise, set and the grid times between, and its changes
are solved to 1 ms. Magnitude is computed only for the visible parts.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from isstrack.sky.arrays import ragged
from isstrack.sky.orbit import DARK_SKY_SUN_ALTITUDE_DEG
from isstrack.sky.roots import find_roots
from isstrack.sky.skyview import Sky
from isstrack.sky.track import Track, dot, norm

if TYPE_CHECKING:
    from isstrack.sky.track import Array

TIME_TOLERANCE_S = 0.001
# A visible part shorter than this is not a visible pass (docs/passes.md, "Visible passes"): it is shorter
# than the ~9 s the station takes to cross the penumbra, where it is fading anyway, and than the
# timing error of elements a few days old.
MIN_VISIBLE_S = 10.0
# The magnitude changes smoothly over a pass, with one brightest point between the samples either
# side of the brightest sample: over 503,772 passes (100,000 places, 10 days) 30 s gave the same
# magnitudes to 0.01 as 10 s in all but 5, each 0.01 apart at a rounding tie.
MAGNITUDE_SAMPLE_S = 30.0
MAGNITUDE_TOLERANCE_S = 0.2
DARK_SIN = math.sin(math.radians(DARK_SKY_SUN_ALTITUDE_DEG))


def shadow_boundaries(track: Track) -> tuple[Array, bool]:
    """Return the times the station enters or leaves Earth's umbra, and whether it is sunlit at the start."""
    cached = track.cache.get("shadow")
    if cached is None:
        margin = track.shadow_margin_km(track.position_km, track.sun_km)
        lit = margin > 0
        k = np.flatnonzero(lit[1:] != lit[:-1])

        def margin_at(t: Array, which: np.ndarray) -> Array:
            return track.shadow_margin_km(track.position(t), track.sun_itrs(t))

        t = track.times_s
        roots = find_roots(margin_at, t[k], t[k + 1], margin[k], margin[k + 1], TIME_TOLERANCE_S)
        cached = track.cache["shadow"] = (roots, bool(lit[0]))
    return cached


def _sun_sin_altitude(sky: Sky, who: np.ndarray, t_s: Array) -> Array:
    return sky.sin_elevation(who, sky.track.sun_itrs(t_s))


def _magnitudes(sky: Sky, who: np.ndarray, t_s: Array, std_magnitude: float) -> Array:
    """Return the Lambertian-sphere (Matson) magnitude of the station at `t_s` for observers `who`."""
    station = sky.track.position(t_s)
    to_sun = sky.track.sun_itrs(t_s) - station
    to_observer = sky.frames.position[who] - station
    range_km = norm(to_observer)
    cos_phase = dot(to_sun, to_observer) / (norm(to_sun) * range_km)
    return magnitude(range_km, np.arccos(np.clip(cos_phase, -1.0, 1.0)), std_magnitude)


def magnitude(range_km: Array, phase_angle_rad: Array, std_magnitude: float) -> Array:
    """Return the apparent magnitudes of a Lambertian sphere (Matson 2001) at ranges and phase angles."""
    phase = np.asarray(phase_angle_rad, dtype=float)
    term = np.sin(phase) + (math.pi - phase) * np.cos(phase)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (
            std_magnitude + 5 * np.log10(np.asarray(range_km, dtype=float) / 1000.0) - 2.5 * np.log10(term)
        )
    return np.where(term > 0, value, np.inf)


def _flatten(first: Array, last: Array, counts: np.ndarray) -> tuple[np.ndarray, Array, np.ndarray]:
    """Return (owner, times, offsets) of `counts[i]` evenly spaced times from first[i] to last[i]."""
    owner, step, offsets = ragged(counts)
    fraction = step / np.maximum(counts[owner] - 1, 1)
    return owner, first[owner] + (last[owner] - first[owner]) * fraction, offsets


def sky_gets_dark(sky: Sky, who: np.ndarray, start_s: float, end_s: float) -> Any:
    """Return, for observers `who`, whether the Sun is at or below -6° at any time in [start, end].

    The Sun is sampled every 10 minutes at most, as the single-place search always did.
    """
    steps = max(2, math.ceil((end_s - start_s) / 600) + 1)
    sun = sky.track.sun_itrs(np.linspace(start_s, end_s, steps))
    up, position = sky.frames.up[who], sky.frames.position[who]
    height = up @ sun.T - dot(up, position)[:, None]
    distance_squared = dot(sun, sun)[None, :] - 2 * position @ sun.T + dot(position, position)[:, None]
    return np.any(height <= DARK_SIN * np.sqrt(distance_squared), axis=1)
