"""The path of one pass across the observer's sky, sampled for a sky chart."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from isstrack.sky.ephemeris import sunlight_ephemeris
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.passtypes import Pass

PATH_STEP_S = 5.0


@dataclass(frozen=True)
class SkyPoint:
    """The station in the observer's sky at one moment of a pass."""

    time: datetime
    azimuth_deg: float
    elevation_deg: float
    sunlit: bool
    whole_minute: bool


@dataclass(frozen=True)
class SkyPath:
    """A pass and its path from rise to set, with whole-minute samples flagged."""

    item: Pass
    points: tuple[SkyPoint, ...]

    def shadow_changes(self) -> tuple[tuple[SkyPoint, bool], ...]:
        """Return each point where the station enters (False) or leaves (True) Earth's shadow."""
        return tuple(
            (b, b.sunlit) for a, b in zip(self.points, self.points[1:], strict=False) if a.sunlit != b.sunlit
        )


def sky_path(orbit: Orbit, observer: Observer, item: Pass, step_s: float = PATH_STEP_S) -> SkyPath:
    """Return the pass's path across the sky every `step_s` seconds and at every whole minute."""
    import numpy as np
    from skyfield.toposlib import wgs84

    rise, set_ = item.rise.time, item.set.time
    count = max(2, math.ceil((set_ - rise).total_seconds() / step_s) + 1)
    moments = {rise + (set_ - rise) * (k / (count - 1)) for k in range(count)}
    minute = rise.replace(second=0, microsecond=0) + timedelta(minutes=1)
    whole: set[datetime] = set()
    while minute < set_:
        whole.add(minute)
        minute += timedelta(minutes=1)
    edges = [p.time for p in (item.visible_start, item.visible_end, item.culmination) if p is not None]
    times = sorted(moments | whole | set(edges))
    place = wgs84.latlon(observer.latitude_deg, observer.longitude_deg, observer.elevation_m)
    t = orbit.ts.from_datetimes(times)
    elevation, azimuth, _ = (orbit.satellite - place).at(t).altaz()
    sunlit = np.asarray(orbit.satellite.at(t).is_sunlit(sunlight_ephemeris()), dtype=bool)
    points = tuple(
        SkyPoint(
            moment.astimezone(timezone.utc),
            float(azimuth.degrees[k]),
            float(elevation.degrees[k]),
            bool(sunlit[k]),
            moment in whole,
        )
        for k, moment in enumerate(times)
    )
    return SkyPath(item, points)
