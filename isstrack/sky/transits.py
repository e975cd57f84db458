"""Find when the station crosses the Sun or the Moon, where to stand to see it, and how wide the strip is.

Over every pass from the one pass engine (with the horizon lowered by the radius, so a pass that is
up only from the far side of the circle is not missed), the station and the body are sampled every
second; the centre line (the ground point behind the station on the line from the body) is followed
and its nearest approach to the place found, and the place's own closest approach is refined to
milliseconds by a parabola through samples 0.01 s apart (sin² of the separation is parabolic in time).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from isstrack.sky.earth import EARTH_MEAN_RADIUS_KM, bearing_deg
from isstrack.sky.ephemeris import check_in_range, sunlight_ephemeris
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.passes import find_passes
from isstrack.sky.transitgeo import Geometry, Place, strip_width_km

Body = Literal["sun", "moon"]
BODIES: tuple[Body, ...] = ("sun", "moon")
ISS_SPAN_KM = 0.109  # length of the truss, the station's longest dimension
COARSE_STEP_S = 3.0
FINE_STEP_S = 0.02
FINE_HALF_SPAN_S = 3.0
MAX_RADIUS_KM = 300.0

# How far to trust a transit prediction, from tools/drift.py over the reference history: sets up to
# 2.0 days old were at most 2.5 km off (0.3 s along the track), but one 2.45 days old was 15 km off
# (2 s, several strip widths) and beyond 3.5 days errors reached hundreds of km.
GOOD_AGE_DAYS = 1.0  # at most 1.0 km measured: the strip and the time hold
TRIP_AGE_DAYS = 2.0  # at most 2.5 km measured: check again closer to the day
Accuracy = Literal["good", "fair", "too_old"]


@dataclass(frozen=True)
class CentreLine:
    """The point on the centre line nearest the place, when the station is centred on the body there."""

    time: datetime
    latitude_deg: float
    longitude_deg: float
    distance_km: float
    bearing_deg: float
    width_km: float
    duration_s: float
    body_altitude_deg: float


@dataclass(frozen=True)
class Transit:
    """One crossing of the Sun's or the Moon's disc, seen from the place or from within the radius."""

    body: Body
    time: datetime  # the closest approach seen from the place
    separation_deg: float
    body_radius_deg: float
    inside: bool
    duration_s: float | None
    body_azimuth_deg: float
    body_altitude_deg: float
    range_km: float
    station_size_arcsec: float
    station_sunlit: bool
    centre_line: CentreLine
    elements_age_days: float
    after_unseen_burn: bool = False  # the elements precede a burn before the event (and no OEM answers)

    @property
    def accuracy(self) -> Accuracy:
        """Return how far the elements' age at the event (or a burn they never saw) lets it be trusted."""
        if self.after_unseen_burn:
            return "too_old"
        age = abs(self.elements_age_days)
        return "good" if age < GOOD_AGE_DAYS else "fair" if age < TRIP_AGE_DAYS else "too_old"


@dataclass(frozen=True)
class TransitSearch:
    """Every transit in a window within a radius of the place."""

    start: datetime
    end: datetime
    radius_km: float
    bodies: tuple[Body, ...]
    min_altitude_deg: float
    events: tuple[Transit, ...]


def pass_threshold_deg(radius_km: float, min_altitude_deg: float) -> float:
    """Return the elevation a pass must reach at the place to be up, from somewhere within the radius."""
    # Moving the observer D km tilts the vertical by D / R_earth and, for a station near the horizon,
    # lowers it by no more than that: half a degree more covers the body's radius and the rounding.
    return min(min_altitude_deg, 0.0) - 0.5 - math.degrees(radius_km / EARTH_MEAN_RADIUS_KM)


def find_transits(
    orbit: Orbit,
    observer: Observer,
    start: datetime,
    end: datetime,
    radius_km: float = 0.0,
    bodies: tuple[Body, ...] = BODIES,
    min_altitude_deg: float = 0.0,
) -> TransitSearch:
    """Return every Sun or Moon transit in [start, end) seen from within `radius_km` of `observer`."""
    check_in_range(start - timedelta(hours=1), end + timedelta(hours=1))
    search = find_passes(orbit, observer, start, end, pass_threshold_deg(radius_km, min_altitude_deg))
    windows = [(p.rise.time, p.set.time) for p in search.passes]
    events: list[Transit] = []
    for body in bodies:
        events.extend(_body_transits(orbit, observer, body, windows, start, end, radius_km, min_altitude_deg))
    events.sort(key=lambda e: e.time)
    return TransitSearch(start, end, radius_km, bodies, min_altitude_deg, tuple(events))


def _tt(orbit: Orbit, moment: datetime) -> float:
    return float(orbit.ts.from_datetime(moment).tt)


def _body_transits(
    orbit: Orbit,
    observer: Observer,
    body: Body,
    windows: list[tuple[datetime, datetime]],
    start: datetime,
    end: datetime,
    radius_km: float,
    min_altitude_deg: float,
) -> list[Transit]:
    import numpy as np

    if not windows:
        return []
    geo = Geometry(orbit.satellite, orbit.ts, Place(*_coords(observer)), body, orbit.provider)
    # Passes with the body well below the horizon all along are not sampled. The body moves at most
    # 0.25°/min and the circle of the radius adds its tilt.
    corners = np.array([[_tt(orbit, a), 0.0, _tt(orbit, b)] for a, b in windows])
    corners[:, 1] = corners[:, [0, 2]].mean(axis=1)
    seen, _ = geo.evaluate(corners.ravel())
    altitude = np.degrees(np.arcsin(np.sum(seen["body_direction"] * geo.place_up, axis=0))).reshape(-1, 3)
    minutes = (corners[:, 2] - corners[:, 0]) * 1440
    margin = 1.0 + 0.25 * minutes + math.degrees(radius_km / EARTH_MEAN_RADIUS_KM)
    keep = np.flatnonzero(altitude.max(axis=1) >= min_altitude_deg - margin)
    if not len(keep):
        return []
    segments = [np.arange(corners[n, 0], corners[n, 2], COARSE_STEP_S / 86400.0) for n in keep]
    bounds = np.cumsum([0] + [len(s) for s in segments])
    grid = np.concatenate(segments)
    _, line = geo.evaluate_coarse(grid, bounds)
    distance = np.where(np.isfinite(line["distance_km"]), line["distance_km"], np.inf)
    candidates: list[int] = []
    for first, stop in itertools.pairwise(bounds):
        if stop - first < 3:
            continue
        part = distance[first:stop]
        ground = line["ground_km"][:, first:stop]
        velocity = np.gradient(ground, axis=1) / COARSE_STEP_S
        sub = {k: v[..., first:stop] for k, v in line.items()}
        width = strip_width_km(sub, velocity)
        stride = np.linalg.norm(velocity, axis=0) * COARSE_STEP_S
        for i in range(len(part)):
            if not math.isfinite(part[i]):
                continue
            if (i > 0 and part[i - 1] < part[i]) or (i < len(part) - 1 and part[i + 1] < part[i]):
                continue
            loose = part[i] - np.nan_to_num(width[i], nan=0.0) / 2 - stride[i]
            if loose <= radius_km and sub["body_altitude_deg"][i] >= min_altitude_deg - 1.0:
                candidates.append(first + i)
    found = _refine_all(geo, orbit, [float(grid[i]) for i in candidates], radius_km, min_altitude_deg, body)
    events: list[Transit] = []
    for event in sorted(found, key=lambda e: e.time):  # two samples of one minimum refine to one time
        if start <= event.time < end and not (events and (event.time - events[-1].time).total_seconds() < 1):
            events.append(event)
    return events


def _coords(observer: Observer) -> tuple[float, float, float]:
    return observer.latitude_deg, observer.longitude_deg, observer.elevation_m


def _vertices(values: Any) -> tuple[Any, Any]:
    """Return, per row of samples FINE_STEP_S apart, the offset (s) and curvature (per s²) of the minimum."""
    import numpy as np

    rows = np.arange(len(values))
    j = np.clip(np.argmin(values, axis=1), 1, values.shape[1] - 2)
    left, mid, right = values[rows, j - 1], values[rows, j], values[rows, j + 1]
    second = left - 2 * mid + right
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(second > 0, 0.5 * (left - right) / second, 0.0)
    shift = np.nan_to_num(shift)
    offsets = -FINE_HALF_SPAN_S + (j + shift) * FINE_STEP_S
    return offsets, second / FINE_STEP_S**2


def _fine(geo: Any, centres_tt: Any, which: int, key: str) -> tuple[Any, Any]:
    """Return the refined times (TT) and curvatures of a quantity's minima near each centre."""
    import numpy as np

    offsets = np.arange(-FINE_HALF_SPAN_S, FINE_HALF_SPAN_S + FINE_STEP_S / 2, FINE_STEP_S)
    grid = (centres_tt[:, None] + offsets[None, :] / 86400.0).ravel()
    bounds = np.arange(len(centres_tt) + 1) * len(offsets)  # the screening evaluation: 0.2", 7 m
    values = geo.evaluate_coarse(grid, bounds)[which][key].reshape(len(centres_tt), len(offsets))
    if key == "distance_km":
        values = np.where(np.isfinite(values), values, np.inf) ** 2
    shift, curvature = _vertices(values)
    return centres_tt + shift / 86400.0, curvature


def _refine_all(
    geo: Any, orbit: Orbit, guesses_tt: list[float], radius_km: float, min_altitude_deg: float, body: Body
) -> list[Transit]:
    """Refine every candidate at once: the centre line's nearest point, then the place's closest approach."""
    import numpy as np

    if not guesses_tt:
        return []
    count = len(guesses_tt)
    line_tt, _ = _fine(geo, np.asarray(guesses_tt), 1, "distance_km")
    # The place's own closest approach lies abeam of the nearest centre-line point: search around it.
    place_tt = _nearest_place_minima(geo, line_tt)
    place_tt, curvature = _fine(geo, place_tt, 0, "sin2")
    half = 0.05 / 86400.0
    seen, line = geo.evaluate(np.concatenate([line_tt - half, line_tt, line_tt + half, place_tt]))
    velocity = (line["ground_km"][:, 2 * count : 3 * count] - line["ground_km"][:, :count]) / 0.1
    at = {k: v[..., count : 2 * count] for k, v in line.items()}
    width = strip_width_km(at, velocity)
    line_speed = geo.angular_speed_deg_s(line_tt, at["ground_km"])
    times = orbit.ts.tt_jd(place_tt)
    sunlit = np.atleast_1d(orbit.satellite.at(times).is_sunlit(sunlight_ephemeris()))
    found = []
    for n in range(count):
        k = 3 * count + n
        distance = float(at["distance_km"][n])
        line_altitude = float(at["body_altitude_deg"][n])
        if not (math.isfinite(distance) and math.isfinite(width[n])) or line_altitude < min_altitude_deg:
            continue  # no centre line, or the body on the horizon there (the strip runs to infinity)
        separation = float(seen["separation_deg"][k])
        radius = float(seen["body_radius_deg"][k])
        direction = seen["body_direction"][:, k]
        altitude = math.degrees(math.asin(float(np.dot(direction, geo.place_up[:, 0]))))
        inside = separation <= radius and altitude >= min_altitude_deg
        if not inside and distance - float(width[n]) / 2 > radius_km:
            continue
        speed_deg_s = math.degrees(math.sqrt(curvature[n] / 2)) if curvature[n] > 0 else math.nan
        duration = 2 * math.sqrt(radius**2 - separation**2) / speed_deg_s if inside else None
        moment = _utc(orbit.ts.tt_jd(place_tt[n]))
        line_lat, line_lon = float(at["latitude_deg"][n]), float(at["longitude_deg"][n])
        range_km = float(seen["range_km"][k])
        found.append(
            Transit(
                body=body,
                time=moment,
                separation_deg=separation,
                body_radius_deg=radius,
                inside=inside,
                duration_s=duration,
                body_azimuth_deg=_azimuth(direction, geo.place.latitude_deg, geo.place.longitude_deg),
                body_altitude_deg=altitude,
                range_km=range_km,
                station_size_arcsec=math.degrees(ISS_SPAN_KM / range_km) * 3600,
                station_sunlit=bool(sunlit[n]),
                centre_line=CentreLine(
                    time=_utc(orbit.ts.tt_jd(line_tt[n])),
                    latitude_deg=line_lat,
                    longitude_deg=line_lon,
                    distance_km=distance,
                    bearing_deg=bearing_deg(
                        geo.place.latitude_deg, geo.place.longitude_deg, line_lat, line_lon
                    ),
                    width_km=float(width[n]),
                    duration_s=2 * float(at["body_radius_deg"][n]) / float(line_speed[n]),
                    body_altitude_deg=line_altitude,
                ),
                elements_age_days=orbit.elements.age_days(moment),
            )
        )
    return found


def _nearest_place_minima(geo: Any, line_tt: Any) -> Any:
    """Return, for each centre-line time, the sampled minimum of the place's separation nearest it."""
    import numpy as np

    offsets = np.arange(-120.0, 120.5, 0.5)
    grid = (line_tt[:, None] + offsets[None, :] / 86400.0).ravel()
    bounds = np.arange(len(line_tt) + 1) * len(offsets)
    values = geo.evaluate_coarse(grid, bounds)[0]["sin2"].reshape(len(line_tt), len(offsets))
    best = np.array(line_tt, dtype=float)
    for n, row in enumerate(values):
        minima = np.flatnonzero((row[1:-1] <= row[:-2]) & (row[1:-1] <= row[2:])) + 1
        if len(minima):
            best[n] += offsets[minima[np.argmin(np.abs(offsets[minima]))]] / 86400.0
    return best


def _azimuth(direction: Any, latitude_deg: float, longitude_deg: float) -> float:
    lat, lon = math.radians(latitude_deg), math.radians(longitude_deg)
    x, y, z = (float(c) for c in direction)
    east = -math.sin(lon) * x + math.cos(lon) * y
    north = -math.sin(lat) * math.cos(lon) * x - math.sin(lat) * math.sin(lon) * y + math.cos(lat) * z
    return math.degrees(math.atan2(east, north)) % 360.0


def _utc(t: Any) -> datetime:
    return t.utc_datetime().astimezone(timezone.utc)  # type: ignore[no-any-return]
