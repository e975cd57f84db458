"""iCalendar (RFC 5545) export of the passes shown, with stable UIDs and reminders, written via outfile."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from isstrack import __version__
from isstrack.io.outfile import write_output
from isstrack.io.timetext import nearest_second, time_text
from isstrack.place.location import Location
from isstrack.sky.earth import compass
from isstrack.sky.passes import Pass

REMINDER = timedelta(minutes=10)


def event_uid(item: Pass, place: Location, catalog_number: int) -> str:
    """Return a UID that stays the same when the same pass is exported again with newer elements."""
    return (
        f"{catalog_number}-rev{item.revolution}-{place.latitude_deg:.3f}{place.longitude_deg:+.3f}@isstrack"
    )


def summary(item: Pass, name: str = "ISS") -> str:
    """Return a one-line event title: where it appears, how high, how bright (or why it is not visible)."""
    if not item.visible or item.visible_start is None:
        return (
            f"{name} pass ({item.kind}, not visible): rises {compass(item.rise.azimuth_deg)}, "
            f"max {item.culmination.elevation_deg:.0f}°"
        )
    highest = item.visible_highest or item.culmination
    brightness = "mag unknown" if item.magnitude is None else f"mag {item.magnitude:.1f}"
    return (
        f"{name} visible: appears {compass(item.visible_start.azimuth_deg)}, "
        f"max {highest.elevation_deg:.0f}°, {brightness}"
    )


def write_calendar(
    path: Path, passes: list[Pass], place: Location, catalog_number: int, name: str = "ISS"
) -> int:
    """Write one event per pass given (the visible part of visible ones) to `path`; return how many."""
    write_output(path, calendar_bytes(passes, place, catalog_number, name), "--ics")
    return len(passes)


def calendar_bytes(passes: list[Pass], place: Location, catalog_number: int, name: str = "ISS") -> bytes:
    """Return the calendar: one event per pass, over its visible part when it has one, else rise to set."""
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//isstrack//isstrack {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{name} passes over {place.name}")
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    for item in passes:
        event = Event()
        event.add("uid", event_uid(item, place, catalog_number))
        event.add("dtstamp", stamp)
        if item.visible and item.visible_start is not None and item.visible_end is not None:
            first, last = item.visible_start, item.visible_end
            event.add("description", _visible_description(item))
        else:
            first, last = item.rise, item.set
            event.add(
                "description",
                f"Not visible ({item.kind} pass). "
                f"Rises {time_text(first.time, '%H:%M:%S UTC')} "
                f"{compass(first.azimuth_deg)}, highest {item.culmination.elevation_deg:.0f}° "
                f"{compass(item.culmination.azimuth_deg)} "
                f"at {time_text(item.culmination.time, '%H:%M:%S UTC')}, "
                f"sets {time_text(last.time, '%H:%M:%S UTC')} {compass(last.azimuth_deg)}.",
            )
        event.add("dtstart", nearest_second(first.time))
        event.add("dtend", nearest_second(last.time) + timedelta(seconds=1))
        event.add("summary", summary(item, name))
        event.add("location", place.name)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary(item, name))
        alarm.add("trigger", -REMINDER)
        event.add_component(alarm)
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def _visible_description(item: Pass) -> str:
    assert item.visible_start is not None and item.visible_end is not None
    highest = item.visible_highest or item.culmination
    return (
        f"Appears {time_text(item.visible_start.time, '%H:%M:%S UTC')} "
        f"at {item.visible_start.elevation_deg:.0f}° "
        f"{compass(item.visible_start.azimuth_deg)}"
        f"{' (out of Earth shadow)' if item.emerges_from_shadow else ''}; "
        f"highest {highest.elevation_deg:.0f}° {compass(highest.azimuth_deg)} "
        f"at {time_text(highest.time, '%H:%M:%S UTC')}; "
        f"disappears {time_text(item.visible_end.time, '%H:%M:%S UTC')} "
        f"at {item.visible_end.elevation_deg:.0f}° "
        f"{compass(item.visible_end.azimuth_deg)}"
        f"{' (into Earth shadow)' if item.fades_into_shadow else ''}. "
        f"Magnitude {'unknown' if item.magnitude is None else f'{item.magnitude:.1f}'}."
    )
