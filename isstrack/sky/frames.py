"""Rotations between the frames element sources give (EME2000, GCRS, TEME), for arrays of times.

EME2000 (the mean equator and equinox of J2000, NASA's frame) and the GCRS differ by the constant
frame bias, 23 milliarcseconds at most: under 1 m at the station's distance from the Earth's
centre. It is applied anyway (`EME2000_TO_GCRS`), since it costs nothing. GCRS to TEME (SGP4's
frame) is precession, nutation and the equation of the equinoxes, exactly as Skyfield's TEME frame
defines it; those turn the axes by at most 0.1" an hour, so the rotation is evaluated every hour
and interpolated linearly between (under 1 mm at the station), which keeps a 10-day grid cheap.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from isstrack.sky.ephemeris import timescale

if TYPE_CHECKING:  # numpy.typing costs about 30 ms to import: annotations only
    from numpy.typing import NDArray

    Array = NDArray[Any]


ROTATION_STEP_S = 3600.0


def eme2000_to_gcrs() -> Array:
    """Return the matrix turning EME2000 vectors into GCRS vectors (the transpose of the frame bias)."""
    from skyfield.framelib import ICRS_to_J2000

    return np.ascontiguousarray(np.asarray(ICRS_to_J2000, dtype=float).T)


def _teme_rotations(origin: datetime, t_s: Array) -> Array:
    """Return GCRS-to-TEME matrices (n, 3, 3) at `t_s` seconds (UTC) after `origin`, from Skyfield."""
    from skyfield.nutationlib import iau2000b_radians
    from skyfield.sgp4lib import TEME

    o = origin
    t = timescale().utc(o.year, o.month, o.day, o.hour, o.minute, o.second + o.microsecond / 1e6 + t_s)
    # IAU 2000B nutation, as Skyfield's almanac uses: within 1 mas (3 cm here) of 2000A, much faster.
    t._nutation_angles_radians = iau2000b_radians(t)
    matrices = TEME.rotation_at(t)
    return np.asarray(np.moveaxis(matrices, -1, 0), dtype=float)


def gcrs_to_teme(origin: datetime, t_s: Array) -> Array:
    """Return GCRS-to-TEME rotation matrices (n, 3, 3) at `t_s` seconds after `origin`."""
    t_s = np.asarray(t_s, dtype=float)
    if len(t_s) == 0:
        return np.zeros((0, 3, 3))
    first = math.floor(float(np.min(t_s)) / ROTATION_STEP_S)
    last = math.floor(float(np.max(t_s)) / ROTATION_STEP_S) + 1
    nodes_s = np.arange(first, last + 1, dtype=float) * ROTATION_STEP_S
    table = _teme_rotations(origin, nodes_s)
    k = np.clip(np.floor(t_s / ROTATION_STEP_S).astype(np.int64) - first, 0, len(nodes_s) - 2)
    fraction = ((t_s - nodes_s[k]) / ROTATION_STEP_S)[:, None, None]
    return np.asarray(table[k] + fraction * (table[k + 1] - table[k]))


def rotate(matrices: Array, vectors: Array) -> Array:
    """Return each row of `vectors` (n, 3) turned by its matrix (n, 3, 3)."""
    return np.asarray(np.einsum("nij,nj->ni", matrices, vectors))


def rotate_back(matrices: Array, vectors: Array) -> Array:
    """Return each row of `vectors` (n, 3) turned by the transpose of its matrix."""
    return np.asarray(np.einsum("nji,nj->ni", matrices, vectors))
