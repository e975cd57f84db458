"""Compiled loops (numba) for the many-place search: one candidate run or one visible piece at a time.

The numpy engine (`sky.engine`, `sky.seen`, `sky.passarrays`) gathers every run's grid values and
interpolation coefficients into temporary arrays and iterates its root finders over all runs at once; for a
million places that traffic is most of the time. These loops do the same arithmetic on one run at a
time: the same Hermite cubic (Track.position, Track.state), the same Sun (hourly TEME turned by the
linear GMST, Track.sun_itrs), the same Illinois root finding and golden-section search (sky.roots)
with the same tolerances, so the answers agree with the numpy path to rounding (`tests/test_kernel.py`
holds them to 1 ms and 0.01 mag). The numpy path stays the single-place engine (which loads no
compiler) and the reference for those tests.

This module is imported only by the many-place search (numba takes about 0.2 s to import); its
building blocks are in `sky.kernelbase`, the magnitude search in `sky.kernelmag`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from isstrack.sky.kernelbase import (
    _dot,
    _position,
    _rate,
    _sin_elevation,
    _state,
    _sun,
    jit,
    tables,
)
from isstrack.sky.kernelmag import brightest_of

if TYPE_CHECKING:
    from isstrack.sky.skyview import Sky
    from isstrack.sky.track import Array

__all__ = ["brightest_of", "look_angles", "refined", "sun_crossings", "sun_sines", "sun_sines_at_half_steps"]

MAX_ITERATIONS = 80  # as sky.roots
ROOT_TOLERANCE_S = 0.01  # s, as sky.engine.TIME_TOLERANCE_S
ELEVATION, RATE, SUN = 0, 1, 2  # what `_root` solves for
# Columns of `refine`'s output.
KEEP, RISE, CULMINATION, SET, TOP = 0, 1, 2, 3, 4


@jit
def _value(track, place, up, which, t, offset, p, v):
    """Return what `_root` solves for at `t`: the station's elevation sine or its rate, or the Sun's."""
    cubic, h, sun_teme, theta0, omega = track
    if which == SUN:
        _sun(sun_teme, theta0, omega, t, p)
        return _sin_elevation(place, up, p) - offset
    if which == RATE:
        _state(cubic, h, t, p, v)
        return _rate(place, up, p, v)
    _position(cubic, h, t, p)
    return _sin_elevation(place, up, p) - offset


@jit
def _root(track, place, up, which, offset, a, b, fa, fb, tolerance_s, p, v):
    """Return a root in [a, b] as sky.roots.find_roots does for one bracket (Illinois method)."""
    last_side = 0
    if abs(b - a) > tolerance_s and fa != 0 and fb != 0:
        for _ in range(MAX_ITERATIONS):
            denominator = fb - fa
            c = (a * fb - b * fa) / denominator if denominator != 0 else 0.5 * (a + b)
            if not (min(a, b) < c < max(a, b)):
                c = 0.5 * (a + b)
            fc = _value(track, place, up, which, c, offset, p, v)
            # Replace the end with the same sign; halve the other end's value when it is kept twice.
            if np.sign(fc) == np.sign(fa):
                if last_side == 1:
                    fb = fb / 2
                a, fa = c, fc
                last_side = 1
            else:
                if last_side == -1:
                    fa = fa / 2
                b, fb = c, fc
                last_side = -1
            if fc == 0:
                a = c
                b = c
                break
            if abs(b - a) <= tolerance_s:
                break
    if fb == 0:
        return b
    if fa == 0:
        return a
    return 0.5 * (a + b)


@jit
def refine(position_km, velocity_km_s, track, places, ups, who, lo, hi, threshold, out):
    """Refine each candidate run (observer who[r], grid lo[r]..hi[r]) as sky.engine.pass_arrays does.

    Writes, per run, out[r] = (keep, rise, culmination, set, sine at culmination - threshold): the
    culmination as the root of the elevation's rate next to the highest grid time, rise and set as
    roots of the elevation; keep is 0 where the run holds no whole pass above the threshold.
    """
    h = track[1]
    n_times = position_km.shape[0]
    p, v = np.empty(3), np.empty(3)
    f = np.empty(64)
    for r in range(len(who)):
        place, up = places[who[r]], ups[who[r]]
        first = lo[r]
        length = hi[r] - first + 1
        if length > len(f):
            f = np.empty(length)
        best = 0
        for i in range(length):
            f[i] = _sin_elevation(place, up, position_km[first + i]) - threshold
            if f[i] > f[best]:
                best = i
        g_best = _rate(place, up, position_km[first + best], velocity_km_s[first + best])
        rising = g_best > 0
        other = min(max(best + 1 if rising else best - 1, 0), length - 1)
        g_other = _rate(place, up, position_km[first + other], velocity_km_s[first + other])
        if rising:
            a, b, ga, gb = first + best, first + other, g_best, g_other
        else:
            a, b, ga, gb = first + other, first + best, g_other, g_best
        culmination = _root(track, place, up, RATE, 0.0, a * h, b * h, ga, gb, ROOT_TOLERANCE_S, p, v)
        top = _value(track, place, up, ELEVATION, culmination, threshold, p, v)
        grid_c = math.floor(culmination / h)
        last_below, first_after = -1, n_times
        for i in range(length):
            if f[i] < 0:
                j = first + i
                if j <= grid_c:
                    last_below = max(last_below, j)
                else:
                    first_after = min(first_after, j)
        keep = top >= 0 and last_below >= 0 and first_after < n_times
        out[r, KEEP] = 1.0 if keep else 0.0
        out[r, CULMINATION] = culmination
        out[r, TOP] = top
        if not keep:
            continue
        ra, sb = last_below, first_after
        rise_end = min((ra + 1) * h, culmination)
        f_rise_end = f[ra + 1 - first] if (ra + 1) * h < culmination else top
        out[r, RISE] = _root(
            track,
            place,
            up,
            ELEVATION,
            threshold,
            ra * h,
            rise_end,
            f[ra - first],
            f_rise_end,
            ROOT_TOLERANCE_S,
            p,
            v,
        )
        set_start = max((sb - 1) * h, culmination)
        f_set_start = f[sb - 1 - first] if (sb - 1) * h > culmination else top
        out[r, SET] = _root(
            track,
            place,
            up,
            ELEVATION,
            threshold,
            set_start,
            sb * h,
            f_set_start,
            f[sb - first],
            ROOT_TOLERANCE_S,
            p,
            v,
        )


@jit
def sun_roots(track, places, ups, who, a, b, fa, fb, offset, tolerance_s, out):
    """Write the time in each bracket [a[i], b[i]] at which the Sun's altitude sine crosses `offset`."""
    p, v = np.empty(3), np.empty(3)
    for i in range(len(who)):
        place, up = places[who[i]], ups[who[i]]
        out[i] = _root(track, place, up, SUN, offset, a[i], b[i], fa[i], fb[i], tolerance_s, p, v)


@jit
def sun_sin(track, places, ups, who, t, out):
    """Write the sine of the Sun's altitude for observer who[i] at t[i] (as Sky.sin_elevation)."""
    _, _, sun_teme, theta0, omega = track
    s = np.empty(3)
    for i in range(len(t)):
        _sun(sun_teme, theta0, omega, t[i], s)
        out[i] = _sin_elevation(places[who[i]], ups[who[i]], s)


@jit
def sun_table(track, out):
    """Write the Sun's Earth-fixed position (km) at every half step of the grid: out[k] at k * h / 2."""
    h, sun_teme, theta0, omega = track[1], track[2], track[3], track[4]
    for k in range(out.shape[0]):
        _sun(sun_teme, theta0, omega, k * h / 2, out[k])


@jit
def sun_sin_table(places, ups, who, table, index, out):
    """Write the sine of the Sun's altitude for observer who[i] at half step index[i] of `table`."""
    for i in range(len(who)):
        out[i] = _sin_elevation(places[who[i]], ups[who[i]], table[index[i]])


@jit
def look(track, places, ups, easts, norths, who, t, azimuth_out, elevation_out):
    """Write the station's azimuth and elevation (degrees) at t[i] from observer who[i] (as
    Sky.azimuth_elevation)."""
    cubic, h = track[0], track[1]
    p = np.empty(3)
    for i in range(len(t)):
        k = min(max(math.floor(t[i] / h), 0), cubic.shape[0] - 1)
        tau = (t[i] - k * h) / h
        for j in range(3):
            p[j] = cubic[k, 0, j] + tau * (cubic[k, 1, j] + tau * (cubic[k, 2, j] + tau * cubic[k, 3, j]))
        o = who[i]
        d0, d1, d2 = p[0] - places[o, 0], p[1] - places[o, 1], p[2] - places[o, 2]
        east = _dot(easts[o, 0], easts[o, 1], easts[o, 2], d0, d1, d2)
        north = _dot(norths[o, 0], norths[o, 1], norths[o, 2], d0, d1, d2)
        up = _dot(ups[o, 0], ups[o, 1], ups[o, 2], d0, d1, d2)
        azimuth_out[i] = math.degrees(math.atan2(east, north)) % 360.0
        elevation_out[i] = math.degrees(math.atan2(up, math.hypot(east, north)))


# What the numpy engine calls instead of its own arrays, when it runs compiled.


def refined(sky: Sky, who: Any, lo: Any, hi: Any, threshold: float) -> tuple[Any, Array, Array, Array]:
    """Return (observer, rise, culmination, set) of the passes in the candidate runs (engine._refine)."""
    track = sky.track
    out = np.empty((len(who), 5))
    tab = tables(track)
    refine(
        track.position_km,
        track.velocity_km_s,
        tab,
        sky.frames.position,
        sky.frames.up,
        who,
        lo,
        hi,
        threshold,
        out,
    )
    found = out[out[:, KEEP] > 0]
    return who[out[:, KEEP] > 0], found[:, RISE], found[:, CULMINATION], found[:, SET]


def sun_sines(sky: Sky, who: Any, t_s: Array) -> Array:
    """Return the sine of the Sun's altitude for observers `who` at `t_s`."""
    out = np.empty(len(t_s))
    sun_sin(tables(sky.track), sky.frames.position, sky.frames.up, who, t_s, out)
    return out


def sun_sines_at_half_steps(sky: Sky, who: Any, half_steps: Any) -> Array:
    """Return the sine of the Sun's altitude for observers `who` at times `half_steps` * step / 2 (as
    sun_sines there, from a table of the Sun at every half step: no trigonometry per value)."""
    track = sky.track
    table = track.cache.get("sun_half_steps")
    if table is None:
        table = track.cache["sun_half_steps"] = np.empty((2 * len(track.times_s) - 1, 3))
        sun_table(tables(track), table)
    index = np.clip(half_steps, 0, len(table) - 1)
    out = np.empty(len(who))
    sun_sin_table(sky.frames.position, sky.frames.up, who, table, index, out)
    return out


def sun_crossings(
    sky: Sky, who: Any, a: Array, b: Array, fa: Array, fb: Array, sine: float, tolerance_s: float
) -> Array:
    """Return when, in each bracket, the sine of the Sun's altitude crosses `sine` (fa, fb: minus it)."""
    out = np.empty(len(who))
    sun_roots(
        tables(sky.track), sky.frames.position, sky.frames.up, who, a, b, fa, fb, sine, tolerance_s, out
    )
    return out


def look_angles(sky: Sky, t_s: Array, who: Any) -> tuple[Array, Array]:
    """Return the station's azimuth and elevation (degrees) at `t_s` for observers `who`."""
    azimuth, elevation = np.empty(len(t_s)), np.empty(len(t_s))
    f = sky.frames
    look(tables(sky.track), f.position, f.up, f.east, f.north, who, t_s, azimuth, elevation)
    return azimuth, elevation
