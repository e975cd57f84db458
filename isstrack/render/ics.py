"""iCalendar (RFC 5545) text written directly: about 50 times faster than building icalendar objects.

The sightings site writes a calendar per place (thousands per run); the output is what
`render.calendar` writes (the same UIDs, titles and descriptions), checked by parsing it with
the icalendar package in the tests.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from isstrack import __version__
from isstrack.place.location import Location
from isstrack.render.calendar import REMINDER, event_uid, summary
from isstrack.sky.earth import compass
from isstrack.sky.passes import Pass
from isstrack.sky.times import nearest_second

_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
MAX_LINE_OCTETS = 75


def ics_text(text: str) -> str:
    """Return `text` as an iCalendar TEXT value: controls dropped, backslash, ; , and newline escaped."""
    cleaned = _CONTROLS.sub(" ", text)
    return cleaned.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Return a content line folded at 75 octets (never inside a UTF-8 sequence), CRLF-terminated."""
    if len(line) <= MAX_LINE_OCTETS and line.isascii():
        return line + "\r\n"
    data = line.encode("utf-8")
    if len(data) <= MAX_LINE_OCTETS:
        return line + "\r\n"
    pieces: list[str] = []
    start, limit = 0, MAX_LINE_OCTETS
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a continuation byte: step back
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, limit = end, MAX_LINE_OCTETS - 1  # continuation lines begin with a space
    return "\r\n ".join(pieces) + "\r\n"


def _utc(moment: datetime) -> str:
    return f"{nearest_second(moment):%Y%m%dT%H%M%SZ}"


def event_description(item: Pass) -> str:
    """Return an event's description: the visible part's details, or rise, highest and set."""
    if item.visible and item.visible_start is not None and item.visible_end is not None:
        start, end = item.visible_start, item.visible_end
        highest = item.visible_highest or item.culmination
        return (
            f"Appears {nearest_second(start.time):%H:%M:%S} UTC at {start.elevation_deg:.0f}° "
            f"{compass(start.azimuth_deg)}{' (out of Earth shadow)' if item.emerges_from_shadow else ''}; "
            f"highest {highest.elevation_deg:.0f}° {compass(highest.azimuth_deg)} "
            f"at {nearest_second(highest.time):%H:%M:%S} UTC; "
            f"disappears {nearest_second(end.time):%H:%M:%S} UTC at {end.elevation_deg:.0f}° "
            f"{compass(end.azimuth_deg)}{' (into Earth shadow)' if item.fades_into_shadow else ''}. "
            f"Magnitude {item.magnitude:.1f}."
        )
    first, last = item.rise, item.set
    return (
        f"Not visible ({item.kind} pass). "
        f"Rises {nearest_second(first.time):%H:%M:%S} UTC {compass(first.azimuth_deg)}, "
        f"highest {item.culmination.elevation_deg:.0f}° {compass(item.culmination.azimuth_deg)} "
        f"at {nearest_second(item.culmination.time):%H:%M:%S} UTC, "
        f"sets {nearest_second(last.time):%H:%M:%S} UTC {compass(last.azimuth_deg)}."
    )


def calendar_text(passes: list[Pass], place: Location, catalog_number: int, stamp: datetime) -> bytes:
    """Return the calendar: one event per pass (its visible part when it has one), stamped `stamp`."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//isstrack//isstrack {ics_text(__version__)}//EN",
        f"X-WR-CALNAME:{ics_text(f'ISS passes over {place.name}')}",
    ]
    stamp_text = _utc(stamp)
    minutes = int(REMINDER / timedelta(minutes=1))
    for item in passes:
        if item.visible and item.visible_start is not None and item.visible_end is not None:
            first, last = item.visible_start, item.visible_end
        else:
            first, last = item.rise, item.set
        title = ics_text(summary(item))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{ics_text(event_uid(item, place, catalog_number))}",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART:{_utc(first.time)}",
            f"DTEND:{_utc(nearest_second(last.time) + timedelta(seconds=1))}",
            f"SUMMARY:{title}",
            f"DESCRIPTION:{ics_text(event_description(item))}",
            f"LOCATION:{ics_text(place.name)}",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{title}",
            f"TRIGGER:-PT{minutes}M",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines).encode("utf-8")
