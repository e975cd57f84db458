"""The words of a sighting as Spot the Station wrote them: Time, Visible, Max Height, Appears, Disappears.

Shared by the e-mail alerts, the feeds and the sightings site, so a pass reads the same everywhere.
"""

from __future__ import annotations

import math
from datetime import datetime, tzinfo

from isstrack.sky.earth import compass
from isstrack.sky.passes import Pass

# English names, as Spot the Station wrote them (strftime's %a and %b in the C locale, without its cost).
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def clock_12h(moment: datetime) -> str:
    """Return a local time the way Spot the Station wrote it: Wed Oct 23 7:16 PM."""
    hour = moment.hour
    return (
        f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day:02d} "
        f"{hour % 12 or 12}:{moment.minute:02d} {'AM' if hour < 12 else 'PM'}"
    )


def sighting_fields(item: Pass, zone: tzinfo) -> list[tuple[str, str]]:
    """Return the sighting's fields, in Spot the Station's order and words, plus its magnitude."""
    start, top, end = item.visible_start, item.visible_highest or item.culmination, item.visible_end
    assert start is not None and end is not None, "only visible passes are announced"
    local = start.time.astimezone(zone)
    minutes = item.visible_duration_s / 60
    visible = "less than 1 min" if minutes < 0.5 else f"{round(minutes)} min"
    zone_name = local.tzname() or ""
    fields = [
        ("Time", f"{clock_12h(local)} {zone_name}".strip()),
        ("Visible", visible),
        ("Max Height", f"{top.elevation_deg:.0f} degrees"),
        ("Appears", f"{start.elevation_deg:.0f} degrees above {compass(start.azimuth_deg)}"),
        ("Disappears", f"{end.elevation_deg:.0f} degrees above {compass(end.azimuth_deg)}"),
    ]
    if item.magnitude is not None and math.isfinite(item.magnitude):
        fields.append(("Magnitude", f"{item.magnitude:.1f}"))
    return fields


def sighting_line(fields: list[tuple[str, str]]) -> str:
    """Return the fields on one line: Time: …, Visible: …, Max Height: …, Appears: …, Disappears: …."""
    return ", ".join(f"{name}: {value}" for name, value in fields)


def clean_text(text: str, limit: int = 200) -> str:
    """Return `text` on one line without control characters (safe in a header), cut to `limit`."""
    cleaned = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
