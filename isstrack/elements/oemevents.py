"""Trajectory events (reboosts, dockings, undockings): from an OEM's TRAJECTORY EVENT SUMMARY comments.

NASA/JSC's ISS ephemeris carries, in its COMMENT lines, a table with one event per row: a name, the
time of ignition (TIG) as day-of-year and GMT, an optional orbit number, delta-v in m/s and the
apogee and perigee heights (km) after it. Since 2022 each row is followed by a second line with the
same three numbers in ft/s and nautical miles, in parentheses; the XML twin of the file drops the
leading spaces. Both layouts are read; a second line whose numbers disagree with the first is noted
and its row kept with the metric values (they are the primary ones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

EventKind = Literal["burn", "docking", "undocking", "launch", "other"]
EventOrigin = Literal["summary", "detected"]

FEET_M = 0.3048
NAUTICAL_MILE_KM = 1.852
# The second line repeats the first in other units, each rounded to 0.1: allow for both roundings.
FEET_TOLERANCE_M_S = 0.05 * FEET_M + 0.05 + 1e-9
NAUTICAL_TOLERANCE_KM = 0.05 * NAUTICAL_MILE_KM + 0.05 + 1e-9

_ROW = re.compile(
    r"(?P<name>\S.*?)\s+(?P<doy>\d{3}):(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2}(?:\.\d+)?)"
    r"(?:\s+(?P<orbit>\d+))?\s+(?P<dv>-?\d+\.\d+)\s+(?P<ha>-?\d+\.\d+)\s+(?P<hp>-?\d+\.\d+)"
)
_IMPERIAL = re.compile(r"\((?P<dv>-?\d+\.\d+)\)\s+\((?P<ha>-?\d+\.\d+)\)\s+\((?P<hp>-?\d+\.\d+)\)")
# In order: "undock" before "dock". DAM/PDAM: (pre-determined) debris avoidance manoeuvre.
_KINDS: tuple[tuple[EventKind, re.Pattern[str]], ...] = (
    ("undocking", re.compile(r"undock|unberth|depart|release|relocat")),
    ("docking", re.compile(r"dock|arriv|berth|capture")),
    ("launch", re.compile(r"launch")),
    ("burn", re.compile(r"reboost|burn|\bp?dam\b|maneuver|manoeuvre")),
)


@dataclass(frozen=True)
class TrajectoryEvent:
    """One event in the station's trajectory: listed by the file's summary or detected in its states.

    For a detected burn, `time` and `end` bracket it by the states either side (the burn is somewhere
    between them); `delta_a_km` is the change of the orbit's size it made.
    """

    name: str
    kind: EventKind
    origin: EventOrigin
    time: datetime
    end: datetime | None = None
    delta_v_m_s: float | None = None
    apogee_km: float | None = None
    perigee_km: float | None = None
    delta_a_km: float | None = None
    orbit: int | None = None

    @property
    def is_burn(self) -> bool:
        """Return whether the event changes the orbit (a burn with some delta-v)."""
        return self.kind == "burn" or (self.delta_v_m_s is not None and self.delta_v_m_s > 0.0)


@dataclass(frozen=True)
class EventSummary:
    """The events listed by a file's TRAJECTORY EVENT SUMMARY, and what could not be read of it."""

    found: bool
    events: tuple[TrajectoryEvent, ...]
    problems: tuple[str, ...]


def event_kind(name: str, delta_v_m_s: float | None) -> EventKind:
    """Return the kind of event a summary row's name (and delta-v) describes."""
    lowered = name.lower()
    for kind, pattern in _KINDS:
        if pattern.search(lowered):
            return kind
    if delta_v_m_s is not None and delta_v_m_s > 0.0:
        return "burn"
    return "other"


def _year_for(day_of_year: int, near: datetime) -> int:
    """Return the year that puts `day_of_year` closest to `near` (a summary near New Year spans two)."""
    candidates = [near.year - 1, near.year, near.year + 1]

    def distance(year: int) -> float:
        moment = datetime(year, 1, 1, tzinfo=timezone.utc) + timedelta(days=day_of_year - 1)
        return abs((moment - near).total_seconds())

    return min(candidates, key=distance)


def parse_event_summary(comments: tuple[str, ...] | list[str], near: datetime) -> EventSummary:
    """Return the events of the TRAJECTORY EVENT SUMMARY in `comments` (COMMENT texts, in order).

    `near` (the file's start) picks the year of each day-of-year. A file without the summary gives
    found=False and no events.
    """
    lines = list(comments)
    starts = [
        i for i, line in enumerate(lines) if line.strip().upper().startswith("TRAJECTORY EVENT SUMMARY")
    ]
    if not starts:
        return EventSummary(False, (), ())
    events: list[TrajectoryEvent] = []
    problems: list[str] = []
    rules = 0
    for line in lines[starts[0] + 1 :]:
        text = line.strip()
        if text.upper().startswith("END SEQUENCE OF EVENTS"):
            break
        if text.startswith("="):
            rules += 1
            if rules == 2:
                break
            continue
        if rules == 0 or not text or text.startswith("|"):
            continue
        imperial = _IMPERIAL.fullmatch(text)
        if imperial is not None:
            if events:
                note = _check_imperial(events[-1], imperial)
                if note:
                    problems.append(note)
            continue
        row = _ROW.fullmatch(text)
        if row is None:
            problems.append(f"an event summary row could not be read: {text[:60]!r}")
            continue
        events.append(_event(row, near))
    return EventSummary(True, tuple(events), tuple(problems))


def _event(row: re.Match[str], near: datetime) -> TrajectoryEvent:
    day = int(row["doy"])
    year = _year_for(day, near)
    whole, _, fraction = row["second"].partition(".")
    micro = round(float("0." + fraction) * 1e6) if fraction else 0
    moment = datetime(year, 1, 1, tzinfo=timezone.utc) + timedelta(
        days=day - 1,
        hours=int(row["hour"]),
        minutes=int(row["minute"]),
        seconds=int(whole),
        microseconds=micro,
    )
    name = " ".join(row["name"].split())
    delta_v = float(row["dv"])
    return TrajectoryEvent(
        name=name,
        kind=event_kind(name, delta_v),
        origin="summary",
        time=moment,
        delta_v_m_s=delta_v,
        apogee_km=float(row["ha"]),
        perigee_km=float(row["hp"]),
        orbit=int(row["orbit"]) if row["orbit"] else None,
    )


def _check_imperial(event: TrajectoryEvent, imperial: re.Match[str]) -> str | None:
    """Return a note if the ft/s and nautical-mile line disagrees with its event's metric numbers."""
    dv_m_s = float(imperial["dv"]) * FEET_M
    ha_km = float(imperial["ha"]) * NAUTICAL_MILE_KM
    hp_km = float(imperial["hp"]) * NAUTICAL_MILE_KM
    assert event.delta_v_m_s is not None and event.apogee_km is not None and event.perigee_km is not None
    if (
        abs(dv_m_s - event.delta_v_m_s) > FEET_TOLERANCE_M_S
        or abs(ha_km - event.apogee_km) > NAUTICAL_TOLERANCE_KM
        or abs(hp_km - event.perigee_km) > NAUTICAL_TOLERANCE_KM
    ):
        return (
            f"the ft/s and nautical-mile line of {event.name!r} disagrees with its m/s and km values; "
            "the metric values are used"
        )
    return None
