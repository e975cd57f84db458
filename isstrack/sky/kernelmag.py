"""The compiled search for each visible piece's brightest magnitude (numba; see `sky.kernel`).

The same sampling and golden-section search as seen._brightest, on the same Lambertian-sphere
model as visibility._magnitudes, one piece at a time.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from isstrack.sky.kernelbase import SUN_STEP_S, _dot, jit, tables

if TYPE_CHECKING:
    from isstrack.sky.skyview import Sky
    from isstrack.sky.track import Array

GOLDEN = (math.sqrt(5.0) - 1) / 2


@jit
def _turn(x):
    """Return (cos x, sin x) for |x| <= 0.1 rad by their series, to 1e-17: no call to cos and sin."""
    x2 = x * x
    c = 1.0 - x2 / 2 * (1.0 - x2 / 12 * (1.0 - x2 / 30 * (1.0 - x2 / 56)))
    s = x * (1.0 - x2 / 6 * (1.0 - x2 / 20 * (1.0 - x2 / 42 * (1.0 - x2 / 72))))
    return c, s


@jit
def _dimness(track, place, t, t0, cos0, sin0):
    """Return range squared (km²) over Matson's phase term at `t` from `place`: the station's magnitude
    is std + 2.5 log10(dimness / 1e6) (as visibility._magnitudes), so the brightest is the least.

    `cos0` and `sin0` are those of GMST at a nearby time `t0`: the Sun's Earth-fixed position is
    turned from there (as Track.sun_itrs, to a few ulps). The search compares dimness, which orders
    as the magnitude does, so the logarithm is taken once per piece instead of once per evaluation.
    """
    cubic, h, sun_teme, theta0, omega = track
    # Products by reciprocals, not divisions (several times faster): the same to a few ulps.
    step = 1.0 / h
    k = min(max(math.floor(t * step), 0), cubic.shape[0] - 1)
    tau = (t - k * h) * step
    p0 = cubic[k, 0, 0] + tau * (cubic[k, 1, 0] + tau * (cubic[k, 2, 0] + tau * cubic[k, 3, 0]))
    p1 = cubic[k, 0, 1] + tau * (cubic[k, 1, 1] + tau * (cubic[k, 2, 1] + tau * cubic[k, 3, 1]))
    p2 = cubic[k, 0, 2] + tau * (cubic[k, 1, 2] + tau * (cubic[k, 2, 2] + tau * cubic[k, 3, 2]))
    j = min(max(math.floor(t * (1 / SUN_STEP_S)), 0), sun_teme.shape[0] - 2)
    fraction = (t - j * SUN_STEP_S) * (1 / SUN_STEP_S)
    x = sun_teme[j, 0] + fraction * (sun_teme[j + 1, 0] - sun_teme[j, 0])
    y = sun_teme[j, 1] + fraction * (sun_teme[j + 1, 1] - sun_teme[j, 1])
    z = sun_teme[j, 2] + fraction * (sun_teme[j + 1, 2] - sun_teme[j, 2])
    turn = omega * (t - t0)
    if abs(turn) <= 0.1:
        dc, ds = _turn(turn)
        c, s = cos0 * dc - sin0 * ds, sin0 * dc + cos0 * ds
    else:
        c, s = math.cos(theta0 + omega * t), math.sin(theta0 + omega * t)
    a0, a1, a2 = c * x + s * y - p0, -s * x + c * y - p1, z - p2
    b0, b1, b2 = place[0] - p0, place[1] - p1, place[2] - p2
    range_squared = _dot(b0, b1, b2, b0, b1, b2)
    cos_phase = _dot(a0, a1, a2, b0, b1, b2) / (math.sqrt(_dot(a0, a1, a2, a0, a1, a2) * range_squared))
    cos_phase = min(max(cos_phase, -1.0), 1.0)
    # sin and cos of the phase angle from its cosine: equal to numpy's within a few ulps, far below
    # the 0.01 mag the magnitudes are given to.
    term = math.sqrt(1.0 - cos_phase * cos_phase) + (math.pi - math.acos(cos_phase)) * cos_phase
    if term <= 0:
        return math.inf
    return range_squared / term


@jit
def brightest(track, places, who, first, last, std, sample_s, tolerance_s, out):
    """Write the brightest magnitude over each piece [first[q], last[q]] seen by who[q], as
    seen._brightest does: sampled every `sample_s`, then a golden-section search by the best."""
    theta0, omega = track[3], track[4]
    for q in range(len(who)):
        place = places[who[q]]
        a, b = first[q], last[q]
        t0 = 0.5 * (a + b)
        cos0, sin0 = math.cos(theta0 + omega * t0), math.sin(theta0 + omega * t0)
        count = math.ceil((b - a) / sample_s) + 1
        span = max(count - 1, 1)
        best, k = math.inf, 0
        for i in range(count):
            value = _dimness(track, place, a + (b - a) * (i / span), t0, cos0, sin0)
            if value < best:
                best, k = value, i
        low = a + (b - a) * (max(k - 1, 0) / span)
        high = a + (b - a) * (min(k + 1, count - 1) / span)
        c = high - GOLDEN * (high - low)
        d = low + GOLDEN * (high - low)
        fc = _dimness(track, place, c, t0, cos0, sin0)
        fd = _dimness(track, place, d, t0, cos0, sin0)
        width = high - low
        while width > tolerance_s:
            # The kept interior point is reused: one new evaluation per step.
            if fc < fd:
                high = d
                d, fd = c, fc
                c = high - GOLDEN * (high - low)
                fc = _dimness(track, place, c, t0, cos0, sin0)
            else:
                low = c
                c, fc = d, fd
                d = low + GOLDEN * (high - low)
                fd = _dimness(track, place, d, t0, cos0, sin0)
            width *= GOLDEN
        least = min(best, _dimness(track, place, 0.5 * (low + high), t0, cos0, sin0))
        out[q] = std + 2.5 * math.log10(least / 1e6)


def brightest_of(
    sky: Sky, who: Any, first: Array, last: Array, std_magnitude: float, sample_s: float, tolerance_s: float
) -> Array:
    """Return the brightest magnitude over each piece [first, last] seen by `who` (seen._brightest)."""
    out = np.empty(len(who))
    brightest(
        tables(sky.track), sky.frames.position, who, first, last, std_magnitude, sample_s, tolerance_s, out
    )
    return out
