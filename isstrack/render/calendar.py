"""iCalendar (RFC 5545) export of visible passes, written atomically, with stable UIDs and reminders."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from isstrack.errors import OutputError
from isstrack.geo import compass
from isstrack.location import Location
from isstrack.passes import Pass, PassSearch
from isstrack.times import nearest_second

REMINDER = timedelta(minutes=10)


def check_writable(path: Path) -> None:
    """Raise OutputError now, before any work, if `path` cannot be written."""
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"--ics {path} is a directory; give a file name like passes.ics")
    if not directory.is_dir():
        raise OutputError(
            f"--ics {path}: directory {directory} does not exist; create it or pick another path"
        )
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".isstrack-", suffix=".tmp"):
            pass
    except OSError as exc:
        raise OutputError(
            f"--ics {path}: cannot write in {directory} ({exc.strerror}); pick another path"
        ) from None


def event_uid(item: Pass, place: Location, catalog_number: int) -> str:
    """Return a UID that stays the same when the same pass is exported again with newer elements."""
    return (
        f"{catalog_number}-rev{item.revolution}-{place.latitude_deg:.3f}{place.longitude_deg:+.3f}@isstrack"
    )


def summary(item: Pass) -> str:
    """Return a one-line event title: where it appears, how high, how bright."""
    assert item.visible_start is not None and item.visible_highest is not None
    return (
        f"ISS visible: appears {compass(item.visible_start.azimuth_deg)}, "
        f"max {item.visible_highest.elevation_deg:.0f}°, mag {item.magnitude:.1f}"
    )


def write_calendar(path: Path, search: PassSearch, place: Location, catalog_number: int) -> int:
    """Write one event per visible pass to `path` atomically; return how many."""
    from icalendar import Alarm, Calendar, Event

    from isstrack import __version__

    calendar = Calendar()
    calendar.add("prodid", f"-//isstrack//isstrack {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"ISS passes over {place.name}")
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    count = 0
    for item in search.passes:
        if not item.visible or item.visible_start is None or item.visible_end is None:
            continue
        highest = item.visible_highest or item.culmination
        event = Event()
        event.add("uid", event_uid(item, place, catalog_number))
        event.add("dtstamp", stamp)
        event.add("dtstart", nearest_second(item.visible_start.time))
        event.add("dtend", nearest_second(item.visible_end.time) + timedelta(seconds=1))
        event.add("summary", summary(item))
        event.add("location", place.name)
        appears, top_time = nearest_second(item.visible_start.time), nearest_second(highest.time)
        disappears = nearest_second(item.visible_end.time)
        event.add(
            "description",
            f"Appears {appears:%H:%M:%S} UTC at {item.visible_start.elevation_deg:.0f}° "
            f"{compass(item.visible_start.azimuth_deg)}"
            f"{' (out of Earth shadow)' if item.emerges_from_shadow else ''}; "
            f"highest {highest.elevation_deg:.0f}° {compass(highest.azimuth_deg)} "
            f"at {top_time:%H:%M:%S} UTC; "
            f"disappears {disappears:%H:%M:%S} UTC at {item.visible_end.elevation_deg:.0f}° "
            f"{compass(item.visible_end.azimuth_deg)}"
            f"{' (into Earth shadow)' if item.fades_into_shadow else ''}. Magnitude {item.magnitude:.1f}.",
        )
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary(item))
        alarm.add("trigger", -REMINDER)
        event.add_component(alarm)
        calendar.add_component(event)
        count += 1
    data = calendar.to_ical()
    tmp_name = ""
    try:
        with tempfile.NamedTemporaryFile(
            "wb",
            dir=path.parent if str(path.parent) else ".",
            prefix=".isstrack-",
            suffix=".tmp",
            delete=False,
        ) as tmp:
            tmp_name = tmp.name
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except OSError as exc:
        if tmp_name and os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise OutputError(f"--ics {path}: cannot write ({exc.strerror}); pick another path") from None
    return count
