"""One pass engine for one observer or a million: screen every observer against one propagated track.

The station is propagated once for the window (`isstrack.sky.track.Track`). Each chunk of observers is
screened against every grid time as one matrix: the angle between the observer's zenith and the
station's direction from the Earth's centre, compared with a conservative bound on the angle at
which the station can be above the minimum elevation (padded by how far it moves in half a grid
step, so a pass shorter than a step is still caught). Only the runs of grid times inside that cone
are refined: the culmination as the root of the elevation's rate, rise and set as roots of the
elevation, all to 0.01 s on the interpolated track. Sunlight, dark sky and magnitude are then worked
out for the passes found (`isstrack.sky.visibility`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from isstrack.sky.arrays import ragged
from isstrack.sky.earth import WGS84_A_KM, WGS84_E2
from isstrack.sky.ephemeris import check_in_range
from isstrack.sky.orbit import Observer, Orbit, revolution_number
from isstrack.sky.passarrays import PassArrays, look, to_columns, to_passes, visible_ends
from isstrack.sky.passtypes import DEFAULT_STD_MAGNITUDE, PassSearch
from isstrack.sky.roots import find_roots
from isstrack.sky.seen import DAYLIGHT, VISIBLE, visible_parts
from isstrack.sky.skyview import Sky
from isstrack.sky.track import Track, norm
from isstrack.sky.visibility import DARK_SIN, shadow_boundaries, sky_gets_dark

if TYPE_CHECKING:
    from isstrack.sky.track import Array

SEARCH_MARGIN = timedelta(minutes=30)  # longer than any ISS pass, to find true rises and sets
TIME_TOLERANCE_S = 0.01
SUN_SIN_RATE = 7.5e-5  # 1/s: Earth's rotation (7.29e-5 rad/s) and the Sun's yearly motion (2e-7), padded
# Memory for one chunk's screening matrices (float32 products, masks): bounds peak memory.
CHUNK_BUDGET_BYTES = 64 * 2**20
SCREEN_TILE = 64  # places screened at a time
# A process that searches at least this many places uses the compiled loops (`sky.kernel`) when numba
# is installed: they save about 47 us of CPU a place (10 days), and loading them costs about 0.3 s
# (the cached code; a first run on a machine compiles it once, 5-10 s), so smaller searches keep to numpy.
COMPILED_MIN_PLACES = 10_000


def find_passes_many(
    orbit: Orbit,
    observers: Sequence[Observer],
    start: datetime,
    end: datetime,
    min_elevation_deg: float,
    std_magnitude: float = DEFAULT_STD_MAGNITUDE,
    *,
    visible_only: bool = False,
) -> list[PassSearch]:
    """Return one PassSearch per observer, in order, for every pass up at any time in [start, end)."""
    return list(
        iter_passes_many(
            orbit, observers, start, end, min_elevation_deg, std_magnitude, visible_only=visible_only
        )
    )


def iter_passes_many(
    orbit: Orbit,
    observers: Sequence[Observer],
    start: datetime,
    end: datetime,
    min_elevation_deg: float,
    std_magnitude: float = DEFAULT_STD_MAGNITUDE,
    track: Track | None = None,
    *,
    visible_only: bool = False,
    compiled: bool | None = None,
) -> Iterator[PassSearch]:
    """Yield one PassSearch per observer, in order, computing a bounded chunk of observers at a time.

    With `visible_only`, each PassSearch holds only the visible passes (`sky_gets_dark` still
    reflects them all): much less to build and hold when only those are wanted. `compiled`: see
    `use_compiled`.
    """
    if track is None:
        track = window_track(orbit, start, end)
    fast = use_compiled(len(observers), compiled)
    for _, part in _chunks(track, observers, start, end):
        yield from _search_chunk(
            track, part, start, end, min_elevation_deg, std_magnitude, visible_only, fast
        )


def use_compiled(places: int, compiled: bool | None) -> bool:
    """Return whether a process searching this many places runs the compiled loops (`sky.kernel`): never
    with `compiled` False; if numba is installed with True, or with None for COMPILED_MIN_PLACES or more."""
    from importlib.util import find_spec

    wanted = places >= COMPILED_MIN_PLACES if compiled is None else compiled
    return wanted and find_spec("numba") is not None


def _chunks(
    track: Track, observers: Sequence[Observer], start: datetime, end: datetime
) -> Iterator[tuple[int, Sequence[Observer]]]:
    """Yield (index of the first, observers) in chunks whose search fits CHUNK_BUDGET_BYTES."""
    check_in_range(start - SEARCH_MARGIN, end + SEARCH_MARGIN)
    chunk = max(1, CHUNK_BUDGET_BYTES // (len(track.times_s) * 8))
    for first in range(0, len(observers), chunk):
        yield first, observers[first : first + chunk]


def pass_columns_many(
    orbit: Orbit,
    observers: Sequence[Observer],
    start: datetime,
    end: datetime,
    min_elevation_deg: float,
    std_magnitude: float = DEFAULT_STD_MAGNITUDE,
    *,
    visible_only: bool = False,
    compiled: bool | None = None,
) -> dict[str, np.ndarray]:
    """Return every pass over the observers as numpy columns, JSON-rounded (`passarrays.to_columns`).

    Column `place` is the index of each pass's observer. No object per pass, no sky_gets_dark.
    `compiled`: see `use_compiled`.
    """
    track = window_track(orbit, start, end)
    fast = use_compiled(len(observers), compiled)
    parts = []
    for first, part in _chunks(track, observers, start, end):
        sky = Sky(track, part)
        found, _ = pass_arrays(sky, start, end, min_elevation_deg, std_magnitude, visible_only, compiled=fast)
        columns = to_columns(found, track)
        columns["place"] = found.who.astype(np.int64) + first
        parts.append(columns)
    if not parts:
        return {}
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


_LAST_TRACK: dict[tuple[str, str, str, datetime, datetime], Track] = {}


def window_track(orbit: Orbit, start: datetime, end: datetime) -> Track:
    """Return the propagated track a search over [start, end) needs (reusable for many observers).

    The last one is kept, so consecutive calls for chunks of places over one window propagate once.
    """
    key = (orbit.provider.source.name, orbit.elements.line1, orbit.elements.line2, start, end)
    track = _LAST_TRACK.get(key)
    if track is None:
        track = Track(orbit, start - SEARCH_MARGIN, end - start + 2 * SEARCH_MARGIN)
        _LAST_TRACK.clear()
        _LAST_TRACK[key] = track
    return track


def _cone_cos_limit(track: Track, sky: Sky, min_elevation_deg: float) -> float:
    """Return a cosine below which no grid time can be within half a step of a pass (see module doc)."""
    extremes = track.cache.get("cone")
    if extremes is None:  # the track's, computed once for all its chunks of observers
        radius = norm(track.position_km)
        rate = np.linalg.norm(np.cross(track.position_km, track.velocity_km_s), axis=1) / radius**2
        extremes = track.cache["cone"] = (float(np.min(radius)), float(np.max(radius)), float(np.max(rate)))
    least_radius_km, greatest_radius_km, greatest_rate = extremes
    offset_km = WGS84_A_KM * WGS84_E2  # the zenith line passes this close to the Earth's centre
    lowest_km = WGS84_A_KM + min(0.0, float(np.min(sky.frames.height_km)))
    h = math.radians(min_elevation_deg)
    ratio = lowest_km / (greatest_radius_km + offset_km) * math.cos(h)
    cone = math.acos(min(1.0, ratio)) - h
    cone += math.asin(offset_km / (least_radius_km - offset_km))
    cone += greatest_rate * track.step_s / 2 + 1e-3
    return math.cos(min(cone, math.pi))


def _candidate_runs(
    track: Track, sky: Sky, min_elevation_deg: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (observer, first, last) grid indices of every run inside the cone, one step either side."""
    unit = track.cache.get("unit32")
    if unit is None:
        unit = track.cache["unit32"] = np.ascontiguousarray(
            (track.position_km / norm(track.position_km)[:, None]).astype(np.float32).T
        )
    limit = np.float32(_cone_cos_limit(track, sky, min_elevation_deg))
    up = sky.frames.up.astype(np.float32)
    count = unit.shape[1]
    found = []
    # A tile of places against the whole grid stays in cache: 2-3 times faster than one big matrix.
    # Its buffers are reused, tile after tile: a fresh 3.7 MB product per tile would be page faults.
    product = np.empty((SCREEN_TILE, count), dtype=np.float32)
    mask = np.empty((SCREEN_TILE, count), dtype=bool)
    edges = np.empty((SCREEN_TILE, count - 1), dtype=bool)
    for first in range(0, len(up), SCREEN_TILE):
        tile = up[first : first + SCREEN_TILE]
        rows = len(tile)
        inside = np.greater_equal(np.matmul(tile, unit, out=product[:rows]), limit, out=mask[:rows])
        # Runs touching the grid's ends lie in the 30-minute margins outside the window: cut them there
        # (refinement then drops them), so that every row starts and ends outside and changes pair up.
        inside[:, 0] = inside[:, -1] = False
        changes = np.flatnonzero(np.not_equal(inside[:, 1:], inside[:, :-1], out=edges[:rows]))
        who, column = np.divmod(changes, count - 1)
        found.append((who[0::2] + first, column[0::2], column[1::2] + 1))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    who, lo, hi = (np.concatenate(part) for part in zip(*found, strict=True))
    return who, lo, hi


def _may_be_visible(
    track: Track, sky: Sky, who: np.ndarray, lo: np.ndarray, hi: np.ndarray, compiled: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drop the runs whose sky stays bright, or whose station stays in Earth's shadow, throughout."""
    a, b = lo * track.step_s, hi * track.step_s  # a run's pass rises and sets within [a, b]
    # The Sun's direction turns at most at the Earth's rate plus its own yearly motion, so the sine
    # of its altitude moves at most SUN_SIN_RATE per second from the value at the run's middle.
    if compiled:
        from isstrack.sky import kernel

        sun = kernel.sun_sines_at_half_steps(sky, who, lo + hi) - DARK_SIN  # at (a + b) / 2
    else:
        sun = sky.sin_elevation(who, track.sun_itrs((a + b) / 2)) - DARK_SIN
    bright = sun > SUN_SIN_RATE * (b - a) / 2 + 1e-3
    boundaries, lit_at_origin = shadow_boundaries(track)
    # Runs start and end on grid times: look their shadow boundaries up by grid index (a gather from a
    # table of the grid's, instead of a binary search per run).
    table = track.cache.get("shadow_index")
    if table is None:
        grid = np.arange(len(track.times_s)) * track.step_s  # as lo * step_s above, bit for bit
        table = track.cache["shadow_index"] = (
            np.searchsorted(boundaries, grid, side="right"),
            np.searchsorted(boundaries, grid, side="left"),
        )
    first, last = table[0][lo], table[1][hi]
    shadowed = ~(lit_at_origin ^ (first % 2 == 1)) & (first == last)
    keep = ~(bright | shadowed)
    return who[keep], lo[keep], hi[keep]


def _search_chunk(
    track: Track,
    observers: Sequence[Observer],
    start: datetime,
    end: datetime,
    min_elevation_deg: float,
    std_magnitude: float,
    visible_only: bool,
    compiled: bool,
) -> list[PassSearch]:
    sky = Sky(track, observers)
    found, not_daylight = pass_arrays(
        sky, start, end, min_elevation_deg, std_magnitude, visible_only, compiled=compiled
    )
    passes = to_passes(found, track, len(observers))
    start_s = (start - track.origin).total_seconds()
    end_s = (end - track.origin).total_seconds()
    dark = not_daylight.copy()
    unsure = np.flatnonzero(~not_daylight)
    dark[unsure] = sky_gets_dark(sky, unsure, start_s, end_s)
    return [
        PassSearch(start, end, min_elevation_deg, tuple(items), bool(dark[i]))
        for i, items in enumerate(passes)
    ]


def pass_arrays(
    sky: Sky,
    start: datetime,
    end: datetime,
    min_elevation_deg: float,
    std_magnitude: float,
    visible_only: bool,
    *,
    compiled: bool = False,
) -> tuple[PassArrays, np.ndarray]:
    """Return every pass of the sky's observers as arrays, and which observers have one not in daylight.

    With `compiled`, refinement, visibility and magnitude run in `sky.kernel`'s compiled loops.
    """
    track = sky.track
    threshold = math.sin(math.radians(min_elevation_deg))
    who, lo, hi = _candidate_runs(track, sky, min_elevation_deg)
    if visible_only:
        who, lo, hi = _may_be_visible(track, sky, who, lo, hi, compiled)
    if compiled:
        from isstrack.sky import kernel

        who, rise, culmination, set_ = kernel.refined(sky, who, lo, hi, threshold)
    else:
        who, rise, culmination, set_ = _refine(sky, who, lo, hi, threshold)
    start_s = (start - track.origin).total_seconds()
    end_s = (end - track.origin).total_seconds()
    inside = (set_ > start_s) & (rise < end_s)
    who, rise, culmination, set_ = who[inside], rise[inside], culmination[inside], set_[inside]
    seen = visible_parts(sky, who, rise, culmination, set_, std_magnitude, compiled=compiled)
    not_daylight = np.zeros(len(sky.frames.up), dtype=bool)
    not_daylight[who[seen.kind != DAYLIGHT]] = True
    visible_azimuth, visible_elevation = visible_ends(sky, who, seen, compiled)
    if visible_only:
        wanted = np.flatnonzero(seen.kind == VISIBLE)
        who, rise, culmination, set_ = who[wanted], rise[wanted], culmination[wanted], set_[wanted]
        seen = seen.take(wanted)
        visible_azimuth, visible_elevation = visible_azimuth[:, wanted], visible_elevation[:, wanted]
    corners = np.concatenate([rise, culmination, set_])
    azimuth, elevation = look(sky, corners, np.concatenate([who, who, who]), compiled)
    revolutions = revolution_number(
        track.orbit.elements, track.orbit.elements.age_days(track.origin) + culmination / 86400.0
    )
    found = PassArrays(
        who,
        rise,
        culmination,
        set_,
        azimuth.reshape(3, -1),
        elevation.reshape(3, -1),
        rise < start_s,
        revolutions,
        seen,
        visible_azimuth,
        visible_elevation,
    )
    return found, not_daylight


def _refine(
    sky: Sky, who: np.ndarray, lo: np.ndarray, hi: np.ndarray, threshold: float
) -> tuple[np.ndarray, Array, Array, Array]:
    """Return (observer, rise, culmination, set) of the passes in the candidate runs (numpy, all at once)."""
    track = sky.track
    h = track.step_s
    lengths = hi - lo + 1
    run, step, offsets = ragged(lengths)
    j = lo[run] + step
    observer = who[run]
    f = sky.sin_elevation(observer, track.position_km[j]) - threshold
    g = sky.elevation_rate(observer, track.position_km[j], track.velocity_km_s[j])
    if len(who):
        peak = np.maximum.reduceat(f, offsets)
        first_max = np.flatnonzero(f == peak[run])
        _, where = np.unique(run[first_max], return_index=True)
        k = first_max[where]
    else:
        k = np.zeros(0, dtype=np.int64)
    # The culmination: a root of the elevation's rate next to the highest grid time.
    rising = g[k] > 0
    k2 = np.clip(np.where(rising, k + 1, k - 1), offsets, offsets + lengths - 1)
    a, b = np.where(rising, k, k2), np.where(rising, k2, k)
    culmination = _culminations(sky, who, j[a] * h, j[b] * h, g[a], g[b])
    top = sky.station_sin_elevation(culmination, who) - threshold
    keep = top >= 0
    grid_c = np.floor(culmination / h).astype(np.int64)
    below = f < 0
    last_below = (
        np.maximum.reduceat(np.where(below & (j <= grid_c[run]), j, -1), offsets) if len(who) else j[:0]
    )
    first_after = (
        np.minimum.reduceat(np.where(below & (j > grid_c[run]), j, len(track.times_s)), offsets)
        if len(who)
        else j[:0]
    )
    keep &= (last_below >= 0) & (first_after < len(track.times_s))
    who, culmination, top = who[keep], culmination[keep], top[keep]
    ra, sb, offs = last_below[keep], first_after[keep], offsets[keep]
    lo_k = lo[keep]

    def elevation_fn(t: Array, which: np.ndarray) -> Array:
        return sky.station_sin_elevation(t, who[which]) - threshold

    f_ra = f[offs + (ra - lo_k)]
    rise_end = np.minimum((ra + 1) * h, culmination)
    f_rise_end = np.where((ra + 1) * h < culmination, f[np.minimum(offs + (ra + 1 - lo_k), len(f) - 1)], top)
    rise = find_roots(elevation_fn, ra * h, rise_end, f_ra, f_rise_end, TIME_TOLERANCE_S)
    f_sb = f[offs + (sb - lo_k)]
    set_start = np.maximum((sb - 1) * h, culmination)
    f_set_start = np.where((sb - 1) * h > culmination, f[np.maximum(offs + (sb - 1 - lo_k), 0)], top)
    set_ = find_roots(elevation_fn, set_start, sb * h, f_set_start, f_sb, TIME_TOLERANCE_S)
    return who, rise, culmination, set_


def _culminations(sky: Sky, who: np.ndarray, a: Array, b: Array, ga: Array, gb: Array) -> Array:
    def rate(t: Array, which: np.ndarray) -> Array:
        return sky.station_elevation_rate(t, who[which])

    return find_roots(rate, a, b, ga, gb, TIME_TOLERANCE_S)
