"""The passes the engine finds for a chunk of observers as arrays, one entry per pass, no object per pass.

`PassArrays` holds each pass's times, corners and visible part (`sky.seen.visible_parts`), and becomes
either Pass objects (one place's `passes`) or numpy columns rounded as the JSON output rounds them
(many places to Parquet), from the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from isstrack.sky.earth import COMPASS_POINTS
from isstrack.sky.passtypes import Pass, PassPoint
from isstrack.sky.seen import KINDS, VISIBLE, Seen

if TYPE_CHECKING:
    from isstrack.sky.skyview import Sky
    from isstrack.sky.track import Array, Track


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
