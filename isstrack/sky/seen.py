"""The visible part of each pass the engine found, as arrays: what `visibility.visibility` works out
pass by pass (the visible part, its kind, whether Earth's shadow or twilight starts or ends it, its
brightest magnitude), with the same computations on arrays, for a chunk of observers at once.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from isstrack.sky.arrays import ragged
from isstrack.sky.passtypes import PassKind
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
    from isstrack.sky.track import Array

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
