"""Choose the passes to announce and word the announcement: the core of `isstrack alert`.

A pass is *due* when its visible part starts within the lead time or is in progress, and it
passes the filters. It is identified by place and revolution number (not by its exact time),
so newer elements that move it by seconds do not make it a new pass.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from isstrack.errors import TimeInputError
from isstrack.io.magnitudes import magnitude_text
from isstrack.io.timetext import duration_text
from isstrack.sky.earth import compass
from isstrack.sky.nextpass import is_wanted
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.passes import Pass, PassPoint, find_passes

TITLE_MAX_CHARS = 60
MESSAGE_MAX_CHARS = 120

_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class Hours:
    """A daily window of local time, [start, end) in minutes after midnight; it may wrap past midnight."""

    start_min: int
    end_min: int

    def contains(self, local: datetime) -> bool:
        """Return whether a local time falls inside the window."""
        minute = local.hour * 60 + local.minute + local.second / 60
        if self.start_min < self.end_min:
            return self.start_min <= minute < self.end_min
        return minute >= self.start_min or minute < self.end_min

    def __str__(self) -> str:
        return f"{_clock(self.start_min)}-{_clock(self.end_min)}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_hours(text: str, option: str = "--between") -> Hours:
    """Return the window from text like 20:00-23:30 or 22:00-06:00 (wrapping past midnight)."""
    match = _HOURS.match(text or "")
    problem = f"{option} {text!r} is not a time window; write HH:MM-HH:MM in local time, like 20:00-06:00"
    if not match:
        raise TimeInputError(problem)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2 != 0):
        raise TimeInputError(problem)
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end % 1440:
        raise TimeInputError(f"{option} {text!r} starts and ends at the same time; leave it out for all day")
    return Hours(start, end)


@dataclass(frozen=True)
class Filters:
    """What makes a visible pass worth announcing; None means no limit."""

    max_magnitude: float | None = None
    min_peak_deg: float | None = None
    min_duration_s: float | None = None
    hours: Hours | None = None

    def accepts(self, item: Pass, zone: tzinfo) -> bool:
        """Return whether a visible pass passes every filter (the window applies to its visible start)."""
        if not item.visible or item.visible_start is None or item.visible_highest is None:
            return False
        if not is_wanted(item, False, self.max_magnitude):
            return False
        if self.min_peak_deg is not None and item.visible_highest.elevation_deg < self.min_peak_deg:
            return False
        if self.min_duration_s is not None and item.visible_duration_s < self.min_duration_s:
            return False
        return self.hours is None or self.hours.contains(item.visible_start.time.astimezone(zone))


def due_passes(
    orbit: Orbit,
    observer: Observer,
    now: datetime,
    before: timedelta,
    min_elevation_deg: float,
    std_magnitude: float,
    filters: Filters,
    zone: tzinfo,
) -> list[Pass]:
    """Return the visible passes starting within `before` of `now` (or in progress) that pass the filters."""
    search = find_passes(orbit, observer, now, now + before, min_elevation_deg, std_magnitude)
    due: list[Pass] = []
    for item in search.passes:
        if item.visible_start is None or item.visible_end is None:
            continue
        if item.visible_end.time <= now or item.visible_start.time > now + before:
            continue
        if filters.accepts(item, zone):
            due.append(item)
    return due


def position_now(orbit: Orbit, observer: Observer, now: datetime) -> PassPoint:
    """Return where the station is in the observer's sky at `now` (for a pass in progress)."""
    look = orbit.look(now, observer, 0.0)
    return PassPoint(now, look.azimuth_deg, look.elevation_deg)


def place_key(latitude_deg: float, longitude_deg: float) -> str:
    """Return the place part of a pass's identity: coordinates to 0.001° (about 100 m)."""
    return f"{latitude_deg:.3f},{longitude_deg:.3f}"


@dataclass(frozen=True)
class Announcement:
    """The words of one alert: a title (place) and a message short enough for a lock screen."""

    title: str
    message: str


def compose(
    item: Pass,
    now: datetime,
    zone: tzinfo,
    place_name: str,
    seen_now: PassPoint | None = None,
    name: str = "ISS",
) -> Announcement:
    """Return the title and message for a visible pass seen from `now` (where it is: `seen_now`) in `zone`."""
    assert item.visible_start is not None and item.visible_highest is not None
    assert item.visible_end is not None
    start = item.visible_start.time.astimezone(zone)
    local_now = now.astimezone(zone)
    clock = start.strftime("%H:%M") if start.date() == local_now.date() else start.strftime("%a %H:%M")
    if item.visible_start.time > now:
        when = f"{clock} (in {_span((item.visible_start.time - now).total_seconds())})"
        verb = "appears"
    else:
        until = item.visible_end.time.astimezone(zone).strftime("%H:%M")
        when = f"Now, until {until}"
        verb = "appeared"
    appears = f"{verb} {compass(item.visible_start.azimuth_deg)} at {item.visible_start.elevation_deg:.0f}°"
    if verb == "appeared" and seen_now is not None:  # under way: where to look matters, not where it rose
        appears = f"look {compass(seen_now.azimuth_deg)} at {seen_now.elevation_deg:.0f}° ({appears})"
    top = item.visible_highest
    highest = f"highest {top.elevation_deg:.0f}° {compass(top.azimuth_deg)}"
    mag = (
        "mag ?"
        if item.magnitude is None or not math.isfinite(item.magnitude)
        else f"mag {magnitude_text(item.magnitude)}"
    )
    seen = duration_text(item.visible_duration_s, show_seconds=True, compact=True)
    message = f"{when}: {appears}, {highest}, {mag}, visible {seen}"
    title = f"{name} over {place_name}"
    if len(title) > TITLE_MAX_CHARS:
        title = title[: TITLE_MAX_CHARS - 1] + "…"
    return Announcement(title, message[:MESSAGE_MAX_CHARS])


def _span(seconds: float) -> str:
    return duration_text(seconds, round_down=True, coarse=True)
