"""The passes the engine finds for a chunk of observers as arrays, one entry per pass, no object per pass.

`visible_parts` works out what `visibility.visibility` did pass by pass (the visible part, its kind,
whether Earth's shadow or twilight starts or ends it, its brightest magnitude) with the same computations
on arrays; `PassArrays` then becomes either Pass objects (one place's `passes`) or numpy columns
rounded as the JSON output rounds them (many places to Parquet), from the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from isstrack.sky.arrays import ragged
from isstrack.sky.earth import COMPASS_POINTS
from isstrack.sky.passtypes import Pass, PassKind, PassPoint
from isstrack.sky.roots import find_minima, find_roots
from isstrack.sky.visibility import (
    DARK_SIN,
    MAGNITUDE_SAMPLE_S,
    MAGNITUDE_TOLERANCE_S,
    MIN_VISIBLE_S,
    TIME_TOLERANCE_S,
    _flatten,
    _magnitudes,
    _sun_sin_altitude,
    shadow_boundaries,
)

if TYPE_CHECKING:
    from isstrack.sky.skyview import Sky
    from isstrack.sky.track import Array, Track

KINDS: tuple[PassKind, ...] = ("visible", "daylight", "shadow")
VISIBLE, DAYLIGHT, SHADOW = 0, 1, 2


@dataclass(frozen=True)
class Seen:
    """The visible part of each pass: kind code, start and end (NaN if none), what cuts it, magnitude."""

    kind: Any
    start_s: Any
    end_s: Any
    emerges: Any
    fades: Any
    magnitude: Any  # the brightest over the visible part, unrounded; NaN if not visible
    dusk: Any  # the visible part starts as the sky gets dark enough
    dawn: Any  # the visible part ends as the sky gets too bright

    def take(self, index: Any) -> Seen:
        """Return the entries at `index`."""
        return Seen(*(getattr(self, f.name)[index] for f in fields(self)))


def visible_parts(
    sky: Sky,
    who: np.ndarray,
    rise: Array,
    culmination: Array,
    set_: Array,
    std_magnitude: float,
    *,
    compiled: bool = False,
) -> Seen:
    """Return the visible part, kind and magnitude of every pass (observer `who[p]`, rise..set).

    With `compiled`, the Sun's altitude, its roots and the magnitudes come from `sky.kernel`.
    """
    h = sky.track.step_s
    n = len(who)
    boundaries, lit_at_origin = shadow_boundaries(sky.track)
    inner_first = np.floor(rise / h).astype(np.int64) + 1
    inner_last = np.ceil(set_ / h).astype(np.int64) - 1
    counts = np.maximum(inner_last - inner_first + 1, 0) + 2
    owner, step, offsets = ragged(counts)
    t = (inner_first[owner] + step - 1) * h
    t[offsets] = rise
    t[offsets + counts - 1] = set_
    if compiled:
        from isstrack.sky import kernel

        # Grid times from the table of the Sun at half steps; the passes' own rise and set directly.
        sun = kernel.sun_sines_at_half_steps(sky, who[owner], 2 * (inner_first[owner] + step - 1))
        rise_set = np.concatenate([offsets, offsets + counts - 1])
        sun[rise_set] = kernel.sun_sines(sky, who[owner[rise_set]], t[rise_set])
        sun -= DARK_SIN
    else:
        sun = _sun_sin_altitude(sky, who[owner], t) - DARK_SIN
    dark = sun <= 0
    any_dark = np.logical_or.reduceat(dark, offsets) if n else np.zeros(0, bool)
    change = np.flatnonzero((owner[:-1] == owner[1:]) & (dark[:-1] != dark[1:]))

    def sun_at(x: Array, which: np.ndarray) -> Array:
        return _sun_sin_altitude(sky, who[owner[change[which]]], x) - DARK_SIN

    if compiled:
        ends = (t[change], t[change + 1], sun[change], sun[change + 1])
        dusk = kernel.sun_crossings(sky, who[owner[change]], *ends, DARK_SIN, TIME_TOLERANCE_S)
    else:
        dusk = find_roots(sun_at, t[change], t[change + 1], sun[change], sun[change + 1], TIME_TOLERANCE_S)
    # Not visible: "shadow" if the sky is dark at some moment of the pass, else "daylight".
    kind = np.where(any_dark, SHADOW, DAYLIGHT).astype(np.int8)
    start_s, end_s = np.full(n, np.nan), np.full(n, np.nan)
    emerges, fades = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    dusk_start, dawn_end = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    first_sun = np.searchsorted(boundaries, rise, side="right")
    last_sun = np.searchsorted(boundaries, set_, side="left")
    lit_at_rise = lit_at_origin ^ (first_sun % 2 == 1)
    # Most passes keep one state throughout: dark sky, sunlit or not. Only the rest need a closer look.
    steady = any_dark & (first_sun == last_sun) & np.logical_and.reduceat(dark, offsets) if n else any_dark
    whole = steady & lit_at_rise & (set_ - rise >= MIN_VISIBLE_S)
    kind[whole] = VISIBLE
    start_s[whole], end_s[whole] = rise[whole], set_[whole]
    piece_pass, piece_first, piece_last = [np.flatnonzero(whole)], [rise[whole]], [set_[whole]]
    mixed = np.flatnonzero(any_dark & ~steady)
    if len(mixed):
        events = _events(mixed, rise, set_, boundaries, first_sun, last_sun, owner[change], dusk)
        pieces = _pieces(events, lit_at_rise, dark[offsets])
        if pieces is not None:
            p, first, last, began, ended = pieces
            kind[p] = VISIBLE
            start_s[p], end_s[p] = began[0], ended[0]
            emerges[p], fades[p] = began[1] == _SUN, ended[1] == _SUN
            dusk_start[p], dawn_end[p] = began[1] == _DARK, ended[1] == _DARK
            piece_pass.append(first[0])
            piece_first.append(first[1])
            piece_last.append(last)
    magnitude = _brightest(
        sky,
        who,
        np.concatenate(piece_pass).astype(np.int64),
        np.concatenate(piece_first),
        np.concatenate(piece_last),
        std_magnitude,
        n,
        compiled,
    )
    return Seen(kind, start_s, end_s, emerges, fades, magnitude, dusk_start, dawn_end)


_DARK, _SUN, _SET, _RISE = 0, 1, 2, 3  # event kinds; at equal times dark changes sort before sunlight


def _events(
    mixed: Any,
    rise: Array,
    set_: Array,
    boundaries: Array,
    first_sun: Any,
    last_sun: Any,
    dusk_pass: Any,
    dusk: Array,
) -> tuple[Any, Any, Any, Any]:
    """Return (pass, time, kind, rises) of every event of the mixed passes, sorted by pass and time.

    The events: the station entering or leaving Earth's shadow, the sky getting dark or light, the set.
    """
    in_mixed = np.zeros(len(rise), dtype=bool)
    in_mixed[mixed] = True
    sun_counts = (last_sun - first_sun)[mixed]
    which, step, _ = ragged(sun_counts)
    sun_pass = mixed[which]
    sun_index = first_sun[mixed][which] + step
    keep_dusk = in_mixed[dusk_pass]
    passes = np.concatenate([dusk_pass[keep_dusk], sun_pass, mixed])
    times = np.concatenate([dusk[keep_dusk], boundaries[sun_index], set_[mixed]])
    kinds = np.concatenate(
        [np.full(int(keep_dusk.sum()), _DARK), np.full(len(sun_pass), _SUN), np.full(len(mixed), _SET)]
    )
    order = np.lexsort((kinds, times, passes))
    return passes[order], times[order], kinds[order], rise


def _pieces(events: tuple[Any, Any, Any, Any], lit_at_rise: Any, dark_at_rise: Any) -> Any:
    """Return the visible pieces of the mixed passes: stretches, at least MIN_VISIBLE_S long, between
    consecutive events during which the sky is dark and the station sunlit; None if there are none.

    As (pass of each visible one, (pass of each piece, piece start), piece ends, (start, cause) of each
    pass's first piece, (end, cause) of its last)."""
    passes, times, kinds, rise = events
    first_of_pass = np.ones(len(passes), dtype=bool)
    first_of_pass[1:] = passes[1:] != passes[:-1]
    before = np.where(first_of_pass, rise[passes], np.roll(times, 1))
    cause = np.where(first_of_pass, _RISE, np.roll(kinds, 1))
    group_start = np.maximum.accumulate(np.where(first_of_pass, np.arange(len(passes)), 0))
    flips_sun = np.cumsum(kinds == _SUN) - (kinds == _SUN)
    flips_dark = np.cumsum(kinds == _DARK) - (kinds == _DARK)
    sun_before = flips_sun - flips_sun[group_start]
    dark_before = flips_dark - flips_dark[group_start]
    lit = lit_at_rise[passes] ^ (sun_before % 2 == 1)
    is_dark = dark_at_rise[passes] ^ (dark_before % 2 == 1)
    kept = np.flatnonzero(is_dark & lit & (times - before >= MIN_VISIBLE_S))
    if not len(kept):
        return None
    owner = passes[kept]
    head = np.ones(len(kept), dtype=bool)
    head[1:] = owner[1:] != owner[:-1]
    tail = np.ones(len(kept), dtype=bool)
    tail[:-1] = owner[1:] != owner[:-1]
    first, last = kept[head], kept[tail]
    return (
        owner[head],
        (owner, before[kept]),
        times[kept],
        (before[first], cause[first]),
        (times[last], kinds[last]),
    )


def _brightest(
    sky: Sky,
    who: np.ndarray,
    piece_pass: Any,
    first: Array,
    last: Array,
    std_magnitude: float,
    n: int,
    compiled: bool,
) -> Array:
    """Return the brightest magnitude over each pass's visible pieces (NaN where it has none)."""
    brightest = np.full(n, np.inf)
    if not len(piece_pass):
        return np.where(np.isinf(brightest), np.nan, brightest)
    if compiled:
        from isstrack.sky import kernel

        args = (std_magnitude, MAGNITUDE_SAMPLE_S, MAGNITUDE_TOLERANCE_S)
        pieces = kernel.brightest_of(sky, who[piece_pass], first, last, *args)
    else:
        pieces = _brightest_numpy(sky, who, piece_pass, first, last, std_magnitude)
    np.minimum.at(brightest, piece_pass, pieces)
    seen = np.zeros(n, dtype=bool)
    seen[piece_pass] = True
    return np.where(seen, brightest, np.nan)


def _brightest_numpy(
    sky: Sky, who: np.ndarray, piece_pass: Any, first: Array, last: Array, std_magnitude: float
) -> Array:
    """Return the brightest magnitude over each visible piece: sampled, then refined by the best."""
    counts = np.ceil((last - first) / MAGNITUDE_SAMPLE_S).astype(np.int64) + 1
    owner, t, offsets = _flatten(first, last, counts)
    values = _magnitudes(sky, who[piece_pass[owner]], t, std_magnitude)
    best = np.minimum.reduceat(values, offsets)
    at = np.flatnonzero(values == best[owner])
    _, where = np.unique(owner[at], return_index=True)
    k = at[where]
    low = t[np.maximum(k - 1, offsets)]
    high = t[np.minimum(k + 1, offsets + counts - 1)]

    def magnitude_at(x: Array, which: np.ndarray) -> Array:
        return _magnitudes(sky, who[piece_pass[which]], x, std_magnitude)

    _, refined = find_minima(magnitude_at, low, high, MAGNITUDE_TOLERANCE_S)
    return np.asarray(np.minimum(best, refined))


def micro_utc(track: Track, t_s: Array) -> Any:
    """Return UTC microseconds since 1970 of times `t_s` after the track's origin, as datetime rounds them."""
    x = np.nan_to_num(np.asarray(t_s, dtype=float)) + track.origin.timestamp()  # NaN: no such time
    whole = np.trunc(x)
    return whole.astype(np.int64) * 1_000_000 + np.rint((x - whole) * 1e6).astype(np.int64)


def compass_codes(azimuth_deg: Any) -> Any:
    """Return the index in COMPASS_POINTS of each azimuth (as `sky.earth.compass`, in bulk)."""
    return (np.rint(np.remainder(azimuth_deg, 360.0) / 22.5).astype(np.int64) % len(COMPASS_POINTS)).astype(
        np.int8
    )


def round_to(values: Any, digits: int) -> Any:
    """Return `values` rounded as Python's round(x, digits) rounds each (correctly, half to even)."""
    values = np.asarray(values, dtype=float)
    rounded = np.round(values, digits)
    scaled = values * 10.0**digits
    # numpy scales first, which can round the other way than the exact value next to a tie.
    near_tie = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    if len(near_tie):
        rounded[near_tie] = [round(float(v), digits) for v in values[near_tie]]
    return rounded


@dataclass(frozen=True)
class PassArrays:
    """Every pass of a chunk of observers: whose it is, its three corners, its visible part."""

    who: Any
    rise_s: Any
    culmination_s: Any
    set_s: Any
    corner_azimuth_deg: Any  # (3, n): rise, culmination, set
    corner_elevation_deg: Any
    in_progress: Any
    revolution: Any
    seen: Seen
    visible_azimuth_deg: Any  # (2, n): where the visible part starts and ends; NaN if none
    visible_elevation_deg: Any

    def take(self, index: Any) -> PassArrays:
        """Return the passes at `index`."""
        picked = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in picked.items():
            picked[name] = value.take(index) if name == "seen" else value[..., index]
        return replace(self, **picked)


def look(sky: Sky, t_s: Array, who: np.ndarray, compiled: bool = False) -> tuple[Array, Array]:
    """Return the station's azimuth and elevation (degrees) at `t_s` for observers `who`."""
    if not compiled:
        return sky.azimuth_elevation(t_s, who)
    from isstrack.sky import kernel

    return kernel.look_angles(sky, t_s, who)


def visible_ends(sky: Sky, who: np.ndarray, seen: Seen, compiled: bool = False) -> tuple[Array, Array]:
    """Return the azimuths and elevations (2, n) where each pass's visible part starts and ends."""
    azimuth = np.full((2, len(who)), np.nan)
    elevation = np.full((2, len(who)), np.nan)
    shown = np.flatnonzero(seen.kind == VISIBLE)
    if len(shown):
        ends = np.concatenate([seen.start_s[shown], seen.end_s[shown]])
        az, el = look(sky, ends, np.concatenate([who[shown], who[shown]]), compiled)
        azimuth[:, shown] = az.reshape(2, -1)
        elevation[:, shown] = el.reshape(2, -1)
    return azimuth, elevation


def _highest(passes: PassArrays, track: Track) -> tuple[Any, Any, Any]:
    """Return which point is the highest of each visible part (0 start, 1 end, 2 culmination) and its
    time and index, choosing as max() over [start, end, culmination if inside] does (first of equals)."""
    start_us = micro_utc(track, passes.seen.start_s)
    end_us = micro_utc(track, passes.seen.end_s)
    top_us = micro_utc(track, passes.culmination_s)
    start_el, end_el = passes.visible_elevation_deg
    top_el = passes.corner_elevation_deg[1]
    choice = np.where(end_el > start_el, 1, 0)
    best = np.where(choice == 1, end_el, start_el)
    inside = (start_us <= top_us) & (top_us <= end_us)
    choice = np.where(inside & (top_el > best), 2, choice)
    return choice, (start_us, end_us, top_us), best


def to_passes(passes: PassArrays, track: Track, observers: int) -> list[list[Pass]]:
    """Return each observer's Pass objects, in time order."""
    times = np.concatenate([passes.rise_s, passes.culmination_s, passes.set_s])
    moments = track.moments(times)
    n = len(passes.who)
    azimuth, elevation = (
        passes.corner_azimuth_deg.ravel().tolist(),
        passes.corner_elevation_deg.ravel().tolist(),
    )
    corners = [PassPoint(m, a, e) for m, a, e in zip(moments, azimuth, elevation, strict=True)]
    visible = np.flatnonzero(passes.seen.kind == VISIBLE).tolist()
    ends = track.moments(np.concatenate([passes.seen.start_s[visible], passes.seen.end_s[visible]]))
    choice, _, _ = _highest(passes, track)
    found: list[list[Pass]] = [[] for _ in range(observers)]
    kinds = [KINDS[k] for k in passes.seen.kind.tolist()]
    magnitudes = round_to(passes.seen.magnitude, 2).tolist()
    extra: dict[int, dict[str, Any]] = {}
    for i, p in enumerate(visible):
        begin = PassPoint(
            ends[i], float(passes.visible_azimuth_deg[0, p]), float(passes.visible_elevation_deg[0, p])
        )
        finish = PassPoint(
            ends[len(visible) + i],
            float(passes.visible_azimuth_deg[1, p]),
            float(passes.visible_elevation_deg[1, p]),
        )
        highest = (begin, finish, corners[n + p])[int(choice[p])]
        extra[p] = {
            "visible_start": begin,
            "visible_end": finish,
            "visible_highest": highest,
            "magnitude": magnitudes[p],
            "emerges_from_shadow": bool(passes.seen.emerges[p]),
            "fades_into_shadow": bool(passes.seen.fades[p]),
            "starts_at_dusk": bool(passes.seen.dusk[p]),
            "ends_at_dawn": bool(passes.seen.dawn[p]),
        }
    for p, (owner, early, revolution) in enumerate(
        zip(passes.who.tolist(), passes.in_progress.tolist(), passes.revolution.tolist(), strict=True)
    ):
        found[owner].append(
            Pass(
                corners[p],
                corners[n + p],
                corners[2 * n + p],
                early,
                kinds[p],
                revolution,
                **extra.get(p, {}),
            )
        )
    return found


def to_columns(passes: PassArrays, track: Track) -> dict[str, Any]:
    """Return the passes as numpy columns rounded as the JSON output rounds them (batch.passcolumns)."""
    choice, (start_us, end_us, top_us), _ = _highest(passes, track)
    rise_us, set_us = micro_utc(track, passes.rise_s), micro_utc(track, passes.set_s)
    visible = passes.seen.kind == VISIBLE
    high_us = np.choose(choice, [start_us, end_us, top_us])
    high_az = np.choose(
        choice, [passes.visible_azimuth_deg[0], passes.visible_azimuth_deg[1], passes.corner_azimuth_deg[1]]
    )
    high_el = np.choose(
        choice,
        [passes.visible_elevation_deg[0], passes.visible_elevation_deg[1], passes.corner_elevation_deg[1]],
    )
    points = {
        "rise": (rise_us, passes.corner_azimuth_deg[0], passes.corner_elevation_deg[0], None),
        "culmination": (top_us, passes.corner_azimuth_deg[1], passes.corner_elevation_deg[1], None),
        "set": (set_us, passes.corner_azimuth_deg[2], passes.corner_elevation_deg[2], None),
        "visible_start": (start_us, passes.visible_azimuth_deg[0], passes.visible_elevation_deg[0], visible),
        "visible_highest": (high_us, high_az, high_el, visible),
        "visible_end": (end_us, passes.visible_azimuth_deg[1], passes.visible_elevation_deg[1], visible),
    }
    columns: dict[str, Any] = {}
    for name, (micro, azimuth, elevation, present) in points.items():
        mask = np.ones(len(micro), dtype=bool) if present is None else present
        columns[f"{name}_time"] = np.where(mask, (micro + 500_000) // 1_000_000 * 1_000_000, -1)
        columns[f"{name}_azimuth_deg"] = np.where(mask, round_to(azimuth, 1), np.nan)
        columns[f"{name}_elevation_deg"] = np.where(mask, round_to(elevation, 1), np.nan)
        columns[f"{name}_direction"] = np.where(mask, compass_codes(np.where(mask, azimuth, 0.0)), -1).astype(
            np.int8
        )
    columns["duration_s"] = np.rint((set_us - rise_us) / 1e6).astype(np.int64)
    columns["kind"] = passes.seen.kind.astype(np.int8)
    columns["visible"] = visible
    columns["visible_duration_s"] = np.where(visible, np.rint((end_us - start_us) / 1e6), 0).astype(np.int64)
    columns["emerges_from_shadow"] = passes.seen.emerges & visible
    columns["fades_into_shadow"] = passes.seen.fades & visible
    columns["magnitude"] = np.where(visible, round_to(passes.seen.magnitude, 2), np.nan)
    columns["in_progress"] = passes.in_progress.astype(bool)
    columns["revolution"] = passes.revolution.astype(np.int64)
    return columns
