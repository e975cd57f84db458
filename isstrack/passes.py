"""Find the station's passes over a place, their visible segments and their brightness."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from isstrack.ephemeris import bodies, check_in_range, sunlight_ephemeris
from isstrack.orbit import DARK_SKY_SUN_ALTITUDE_DEG, Observer, Orbit

DEFAULT_STD_MAGNITUDE = -1.8
SEARCH_MARGIN = timedelta(minutes=30)  # longer than any ISS pass, to find true rises and sets
SAMPLE_STEP_S = 10.0
REFINE_TO_S = 0.5
SUN_MARGIN_DEG = 1.5

PassKind = Literal["visible", "daylight", "shadow"]


@dataclass(frozen=True)
class PassPoint:
    """The station at one moment of a pass, as seen by the observer."""

    time: datetime
    azimuth_deg: float
    elevation_deg: float


@dataclass(frozen=True)
class Pass:
    """One pass above the minimum elevation, and the part of it the eye can see."""

    rise: PassPoint
    culmination: PassPoint
    set: PassPoint
    in_progress: bool
    kind: PassKind
    revolution: int
    visible_start: PassPoint | None = None
    visible_end: PassPoint | None = None
    visible_highest: PassPoint | None = None
    magnitude: float | None = None
    emerges_from_shadow: bool = False
    fades_into_shadow: bool = False

    @property
    def visible(self) -> bool:
        """Return whether any part of the pass can be seen."""
        return self.kind == "visible"

    @property
    def duration_s(self) -> float:
        """Return the seconds from rise to set."""
        return (self.set.time - self.rise.time).total_seconds()

    @property
    def visible_duration_s(self) -> float:
        """Return the seconds the pass can be seen (0 if not at all)."""
        if self.visible_start is None or self.visible_end is None:
            return 0.0
        return (self.visible_end.time - self.visible_start.time).total_seconds()


@dataclass(frozen=True)
class PassSearch:
    """The passes in a window and whether the sky got dark enough to see any."""

    start: datetime
    end: datetime
    min_elevation_deg: float
    passes: tuple[Pass, ...]
    sky_gets_dark: bool


def magnitude(range_km: float, phase_angle_rad: float, std_magnitude: float = DEFAULT_STD_MAGNITUDE) -> float:
    """Return the apparent magnitude of a Lambertian sphere (Matson 2001) at a range and phase angle."""
    b = phase_angle_rad
    phase_term = math.sin(b) + (math.pi - b) * math.cos(b)
    if phase_term <= 0:
        return math.inf
    return std_magnitude + 5 * math.log10(range_km / 1000.0) - 2.5 * math.log10(phase_term)


class _Sampler:
    """Vectorised evaluation of everything visibility needs at an array of times."""

    def __init__(self, orbit: Orbit, observer: Observer) -> None:
        from skyfield.api import wgs84

        self.orbit = orbit
        self.earth, self.sun = bodies()
        self.place = wgs84.latlon(observer.latitude_deg, observer.longitude_deg, observer.elevation_m)
        self.ephemeris = sunlight_ephemeris()

    def times(self, moments: list[datetime]) -> Any:
        from skyfield.nutationlib import iau2000b_radians

        t = self.orbit.ts.from_datetimes(moments)
        # IAU 2000B nutation, as Skyfield's almanac does: 1 mas from 2000A (metres at the
        # station's range) and about 17 times faster for thousands of samples.
        t._nutation_angles_radians = iau2000b_radians(t)
        return t

    def evaluate(self, t: Any) -> dict[str, Any]:
        import numpy as np

        sat = self.orbit.satellite
        geocentric = sat.at(t)
        topocentric = (sat - self.place).at(t)
        elevation, azimuth, distance = topocentric.altaz()
        sun_altitude = (self.sun - (self.earth + self.place)).at(t).altaz()[0].degrees
        sunlit = np.asarray(geocentric.is_sunlit(self.ephemeris), dtype=bool)
        sat_km = geocentric.position.km
        sun_km = (self.sun - self.earth).at(t).position.km
        observer_km = self.place.at(t).position.km
        to_sun = sun_km - sat_km
        to_observer = observer_km - sat_km
        cos_phase = np.sum(to_sun * to_observer, axis=0) / (
            np.linalg.norm(to_sun, axis=0) * np.linalg.norm(to_observer, axis=0)
        )
        return {
            "elevation": np.atleast_1d(elevation.degrees),
            "azimuth": np.atleast_1d(azimuth.degrees),
            "range_km": np.atleast_1d(distance.km),
            "sun_altitude": np.atleast_1d(sun_altitude),
            "sunlit": np.atleast_1d(sunlit),
            "phase": np.atleast_1d(np.arccos(np.clip(cos_phase, -1.0, 1.0))),
        }


def find_passes(
    orbit: Orbit,
    observer: Observer,
    start: datetime,
    end: datetime,
    min_elevation_deg: float,
    std_magnitude: float = DEFAULT_STD_MAGNITUDE,
) -> PassSearch:
    """Return every pass over `observer` above `min_elevation_deg` that is up at any time in [start, end).

    A pass already up at `start` keeps its true rise (marked in progress); a pass still up at `end`
    keeps its true set.
    """
    check_in_range(start - SEARCH_MARGIN, end + SEARCH_MARGIN)
    sampler = _Sampler(orbit, observer)
    windows = _rise_culminate_set(orbit, sampler, start, end, min_elevation_deg)
    passes = _visibility(sampler, windows, start, min_elevation_deg, std_magnitude, orbit)
    dark = any(p.kind != "daylight" for p in passes) or _sky_gets_dark(sampler, start, end)
    return PassSearch(start, end, min_elevation_deg, tuple(passes), dark)


def _rise_culminate_set(
    orbit: Orbit, sampler: _Sampler, start: datetime, end: datetime, min_elevation_deg: float
) -> list[tuple[datetime, datetime, datetime]]:
    ts = orbit.ts
    t0 = ts.from_datetime(start - SEARCH_MARGIN)
    t1 = ts.from_datetime(end + SEARCH_MARGIN)
    times, events = orbit.satellite.find_events(sampler.place, t0, t1, altitude_degrees=min_elevation_deg)
    found: list[tuple[datetime, datetime, datetime]] = []
    rise: datetime | None = None
    best: tuple[float, datetime] | None = None
    if len(events):
        culmination_times = [times[i] for i in range(len(events)) if events[i] == 1]
        heights = (
            dict(zip([t.tt for t in culmination_times], _elevations(sampler, culmination_times), strict=True))
            if culmination_times
            else {}
        )
    for i, event in enumerate(events):
        moment = times[i].utc_datetime()
        if event == 0:
            rise, best = moment, None
        elif event == 1 and rise is not None:
            height = heights[times[i].tt]
            if best is None or height > best[0]:
                best = (height, moment)
        elif event == 2 and rise is not None:
            if best is not None and moment > start and rise < end:
                found.append((rise, best[1], moment))
            rise, best = None, None
    return found


def _elevations(sampler: _Sampler, times: list[Any]) -> list[float]:
    return [float(v) for v in sampler.evaluate(sampler.times([x.utc_datetime() for x in times]))["elevation"]]


def _visibility(
    sampler: _Sampler,
    windows: list[tuple[datetime, datetime, datetime]],
    start: datetime,
    min_elevation_deg: float,
    std_magnitude: float,
    orbit: Orbit,
) -> list[Pass]:
    import numpy as np

    if not windows:
        return []
    # Rise, culmination and set of every pass in one call.
    corners = sampler.evaluate(sampler.times([m for window in windows for m in window]))

    def corner(n: int, k: int) -> PassPoint:
        i = 3 * n + k
        return PassPoint(windows[n][k], float(corners["azimuth"][i]), float(corners["elevation"][i]))

    # The Sun moves at most 0.25°/min and the three corners are at most ~6 min apart, so a pass
    # whose corners all have the Sun above -4.5° never has a dark sky: no need to sample it.
    lowest_sun = corners["sun_altitude"].reshape(-1, 3).min(axis=1)
    maybe_dark = [
        n for n in range(len(windows)) if lowest_sun[n] <= DARK_SKY_SUN_ALTITUDE_DEG + SUN_MARGIN_DEG
    ]
    moments: list[datetime] = []
    spans: dict[int, tuple[int, int]] = {}
    for n in maybe_dark:
        rise, _, set_ = windows[n]
        count = max(2, math.ceil((set_ - rise).total_seconds() / SAMPLE_STEP_S) + 1)
        step = (set_ - rise) / (count - 1)
        spans[n] = (len(moments), len(moments) + count)
        moments.extend(rise + step * k for k in range(count))
    values = sampler.evaluate(sampler.times(moments)) if moments else {}
    dark = values["sun_altitude"] <= DARK_SKY_SUN_ALTITUDE_DEG if moments else np.zeros(0, bool)
    visible = values["sunlit"] & dark if moments else np.zeros(0, bool)
    # Transitions between samples, refined together: (pass index, "start"/"end", t_in, t_out).
    pending: list[tuple[int, str, datetime, datetime]] = []
    segments: dict[int, tuple[int, int]] = {}
    for n, (first, stop) in spans.items():
        indexes = np.flatnonzero(visible[first:stop])
        if not len(indexes):
            continue
        i, j = first + int(indexes[0]), first + int(indexes[-1])
        segments[n] = (i, j)
        if i > first:
            pending.append((n, "start", moments[i], moments[i - 1]))
        if j < stop - 1:
            pending.append((n, "end", moments[j], moments[j + 1]))
    edges = _refine(sampler, pending, min_elevation_deg)
    passes: list[Pass] = []
    for n, (rise, culmination, _) in enumerate(windows):
        rise_point, top, set_point = corner(n, 0), corner(n, 1), corner(n, 2)
        revolution = orbit.revolution(culmination)
        if n not in segments:
            first, stop = spans.get(n, (0, 0))
            kind: PassKind = "shadow" if bool(dark[first:stop].any()) else "daylight"
            passes.append(Pass(rise_point, top, set_point, rise < start, kind, revolution))
            continue
        i, j = segments[n]
        begin = edges.get((n, "start"))
        finish = edges.get((n, "end"))
        begin_point = begin or rise_point
        end_point = finish or set_point
        candidates = [begin_point, end_point]
        if begin_point.time <= culmination <= end_point.time:
            candidates.append(top)
        highest = max(candidates, key=lambda p: p.elevation_deg)
        brightest = min(
            magnitude(float(values["range_km"][k]), float(values["phase"][k]), std_magnitude)
            for k in range(i, j + 1)
            if visible[k]
        )
        passes.append(
            Pass(
                rise_point,
                top,
                set_point,
                rise < start,
                "visible",
                revolution,
                visible_start=begin_point,
                visible_end=end_point,
                visible_highest=highest,
                magnitude=round(brightest, 1),
                emerges_from_shadow=begin is not None and not bool(values["sunlit"][i - 1]),
                fades_into_shadow=finish is not None and not bool(values["sunlit"][j + 1]),
            )
        )
    return passes


def _refine(
    sampler: _Sampler, pending: list[tuple[int, str, datetime, datetime]], min_elevation_deg: float
) -> dict[tuple[int, str], PassPoint]:
    """Bisect every visibility transition at once to within REFINE_TO_S; return the edge points."""
    if not pending:
        return {}
    inside = [p[2] for p in pending]
    outside = [p[3] for p in pending]
    while max(abs((a - b).total_seconds()) for a, b in zip(inside, outside, strict=True)) > REFINE_TO_S:
        middle = [a + (b - a) / 2 for a, b in zip(inside, outside, strict=True)]
        values = sampler.evaluate(sampler.times(middle))
        seen = (
            values["sunlit"]
            & (values["sun_altitude"] <= DARK_SKY_SUN_ALTITUDE_DEG)
            & (values["elevation"] >= min_elevation_deg - 0.01)
        )
        for k, moment in enumerate(middle):
            if seen[k]:
                inside[k] = moment
            else:
                outside[k] = moment
    edges = [a + (b - a) / 2 for a, b in zip(inside, outside, strict=True)]
    values = sampler.evaluate(sampler.times(edges))  # every edge's direction in one call
    return {
        (p[0], p[1]): PassPoint(moment, float(values["azimuth"][k]), float(values["elevation"][k]))
        for k, (p, moment) in enumerate(zip(pending, edges, strict=True))
    }


def _sky_gets_dark(sampler: _Sampler, start: datetime, end: datetime) -> bool:
    """Return whether the Sun goes below -6° for the observer at any time in the window."""
    steps = max(2, math.ceil((end - start).total_seconds() / 600) + 1)
    step = (end - start) / (steps - 1)
    t = sampler.times([start + step * k for k in range(steps)])
    sun_altitude = (sampler.sun - (sampler.earth + sampler.place)).at(t).altaz()[0].degrees
    return bool((sun_altitude <= DARK_SKY_SUN_ALTITUDE_DEG).any())
