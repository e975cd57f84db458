"""Which part of each pass the eye can see, and how bright the station is then.

Worked out only for the passes the engine found. Sunlight does not depend on the observer, so the
station's entries into and exits from Earth's umbra are found once per track (roots of the distance
outside the shadow cylinder, to 1 ms) and every pass just looks them up. The dark-sky condition (Sun
at or below -6°) is sampled at each pass's rise, set and the grid times between, and its changes
are solved to 1 ms. Magnitude is computed only for the visible parts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from isstrack.sky.arrays import ragged
from isstrack.sky.orbit import DARK_SKY_SUN_ALTITUDE_DEG
from isstrack.sky.passtypes import Pass, PassKind, PassPoint
from isstrack.sky.roots import find_minima, find_roots
from isstrack.sky.skyview import Sky
from isstrack.sky.track import Track, dot, norm

if TYPE_CHECKING:
    from isstrack.sky.track import Array

TIME_TOLERANCE_S = 0.001
# A visible part shorter than this is not a visible pass (README, "Visible passes"): it is shorter
# than the ~9 s the station takes to cross the penumbra, where it is fading anyway, and than the
# timing error of elements a few days old.
MIN_VISIBLE_S = 10.0
MAGNITUDE_SAMPLE_S = 10.0
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


@dataclass
class Seen:
    """The visibility of each pass found, ready to build Pass objects."""

    kind: list[PassKind]
    segment: dict[int, tuple[float, float, bool, bool]]  # pass -> (start, end, emerges, fades)
    magnitude: dict[int, float]
    points: dict[int, tuple[PassPoint, PassPoint]]

    def subset(self, keep: list[int]) -> Seen:
        """Return the visibility of passes `keep` only, numbered 0, 1, ... in that order."""
        old = {p: i for i, p in enumerate(keep)}
        return Seen(
            [self.kind[p] for p in keep],
            {old[p]: v for p, v in self.segment.items() if p in old},
            {old[p]: v for p, v in self.magnitude.items() if p in old},
            {old[p]: v for p, v in self.points.items() if p in old},
        )

    def make_pass(
        self, p: int, rise: PassPoint, top: PassPoint, set_: PassPoint, in_progress: bool, revolution: int
    ) -> Pass:
        """Return pass `p` with its visible part, if any."""
        if p not in self.segment:
            return Pass(rise, top, set_, in_progress, self.kind[p], revolution)
        _, _, emerges, fades = self.segment[p]
        begin, finish = self.points[p]
        candidates = [begin, finish]
        if begin.time <= top.time <= finish.time:
            candidates.append(top)
        highest = max(candidates, key=lambda x: x.elevation_deg)
        return Pass(
            rise,
            top,
            set_,
            in_progress,
            "visible",
            revolution,
            visible_start=begin,
            visible_end=finish,
            visible_highest=highest,
            magnitude=round(self.magnitude[p], 2),
            emerges_from_shadow=emerges,
            fades_into_shadow=fades,
        )


def visibility(
    sky: Sky, who: np.ndarray, rise: Array, culmination: Array, set_: Array, std_magnitude: float
) -> Seen:
    """Return the visible part, kind and magnitude of every pass (observer `who[p]`, rise..set)."""
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
    sun = _sun_sin_altitude(sky, who[owner], t) - DARK_SIN
    dark = sun <= 0
    any_dark = np.logical_or.reduceat(dark, offsets) if n else np.zeros(0, bool)
    change = np.flatnonzero((owner[:-1] == owner[1:]) & (dark[:-1] != dark[1:]))

    def sun_at(x: Array, which: np.ndarray) -> Array:
        return _sun_sin_altitude(sky, who[owner[change[which]]], x) - DARK_SIN

    dusk = find_roots(sun_at, t[change], t[change + 1], sun[change], sun[change + 1], TIME_TOLERANCE_S)
    dark_changes: dict[int, list[float]] = {}
    for i, moment in zip(owner[change].tolist(), dusk.tolist(), strict=True):
        dark_changes.setdefault(i, []).append(moment)
    # Not visible: "shadow" if the sky is dark at some moment of the pass, else "daylight".
    kinds: list[PassKind] = np.where(any_dark, "shadow", "daylight").tolist()
    segments: dict[int, tuple[float, float, bool, bool]] = {}
    parts: dict[int, list[tuple[float, float]]] = {}
    first_sun = np.searchsorted(boundaries, rise, side="right")
    last_sun = np.searchsorted(boundaries, set_, side="left")
    lit_at_rise = lit_at_origin ^ (first_sun % 2 == 1)
    # Most passes keep one state throughout: dark sky, sunlit or not. Only the rest need a closer look.
    steady = any_dark & (first_sun == last_sun) & np.logical_and.reduceat(dark, offsets) if n else any_dark
    whole = steady & lit_at_rise & (set_ - rise >= MIN_VISIBLE_S)
    for p, a, b in zip(
        np.flatnonzero(whole).tolist(), rise[whole].tolist(), set_[whole].tolist(), strict=True
    ):
        kinds[p] = "visible"
        segments[p] = (a, b, False, False)
        parts[p] = [(a, b)]
    for p in np.flatnonzero(any_dark & ~steady).tolist():
        lit = bool(lit_at_rise[p])
        is_dark = bool(dark[offsets[p]])
        events = [(x, "sun") for x in boundaries[first_sun[p] : last_sun[p]].tolist()]
        events += [(x, "dark") for x in dark_changes.get(p, [])]
        events.sort()
        events.append((float(set_[p]), "set"))
        before, cause = float(rise[p]), "rise"
        kept: list[tuple[float, float, str, str]] = []
        for moment, what in events:
            if is_dark and lit and moment - before >= MIN_VISIBLE_S:
                kept.append((before, moment, cause, what))
            if what == "sun":
                lit = not lit
            elif what == "dark":
                is_dark = not is_dark
            before, cause = moment, what
        if kept:
            kinds[p] = "visible"
            segments[p] = (kept[0][0], kept[-1][1], kept[0][2] == "sun", kept[-1][3] == "sun")
            parts[p] = [(a, b) for a, b, _, _ in kept]
    return Seen(kinds, segments, *_visible_details(sky, who, segments, parts, std_magnitude))


def _visible_details(
    sky: Sky,
    who: np.ndarray,
    segments: dict[int, tuple[float, float, bool, bool]],
    parts: dict[int, list[tuple[float, float]]],
    std_magnitude: float,
) -> tuple[dict[int, float], dict[int, tuple[PassPoint, PassPoint]]]:
    """Return the brightest magnitude over each visible part and the points where it starts and ends."""
    visible = sorted(segments)
    if not visible:
        return {}, {}
    pieces = [(p, a, b) for p in visible for a, b in parts[p]]
    piece_pass = np.array([x[0] for x in pieces], dtype=np.int64)
    first = np.array([x[1] for x in pieces])
    last = np.array([x[2] for x in pieces])
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
    brightest: dict[int, float] = {}
    for p, value in zip(piece_pass.tolist(), np.minimum(best, refined).tolist(), strict=True):
        brightest[p] = min(brightest.get(p, math.inf), value)
    ends = np.array([[segments[p][0], segments[p][1]] for p in visible]).T.ravel()
    owners = np.array(visible + visible, dtype=np.int64)
    azimuth, elevation = sky.azimuth_elevation(ends, who[owners])
    moments = sky.track.moments(ends)
    m = len(visible)
    points: dict[int, tuple[PassPoint, PassPoint]] = {}
    for i, p in enumerate(visible):
        points[p] = (
            PassPoint(moments[i], float(azimuth[i]), float(elevation[i])),
            PassPoint(moments[m + i], float(azimuth[m + i]), float(elevation[m + i])),
        )
    return brightest, points


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
