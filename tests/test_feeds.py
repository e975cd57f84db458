"""RSS 2.0 and Atom feeds and the fast iCalendar writer: strict parsers, stable ids, hostile names."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from isstrack.elements.tle import parse_elements
from isstrack.place.location import Location
from isstrack.render.calendar import calendar_bytes
from isstrack.render.feeds import atom_bytes, rss_bytes
from isstrack.sky.orbit import Orbit
from isstrack.sky.passes import Pass, find_passes
from tests.conftest import run_in_process
from tests.tle_tools import history_sets

START = datetime(2026, 9, 24, 6, tzinfo=timezone.utc)
AMSTERDAM = Location("Amsterdam", 52.37403, 4.88969, 0.0, "Europe/Amsterdam", "coordinates")
ZONE = ZoneInfo("Europe/Amsterdam")
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = 'Evil <script>alert("x")</script> & Co;, back\\slash\x01\x1b[31m\u202e'


@cache
def passes_with(set_index: int, place: Location = AMSTERDAM) -> tuple[Pass, ...]:
    name, line1, line2 = history_sets()[set_index]
    elements = parse_elements(f"{name}\n{line1}\n{line2}\n")
    orbit = Orbit(elements)
    return find_passes(orbit, place.observer, START, START + timedelta(days=10), 10.0).passes


def uid(item: Pass, place: Location = AMSTERDAM) -> str:
    """The calendar UID as the README documents it: catalog, revolution, place to 0.001°."""
    return f"25544-rev{item.revolution}-{place.latitude_deg:.3f}{place.longitude_deg:+.3f}@isstrack"


def visible(items: tuple[Pass, ...]) -> list[Pass]:
    return [p for p in items if p.kind == "visible"]


def rss(items: tuple[Pass, ...], place: Location = AMSTERDAM) -> bytes:
    return rss_bytes(list(items), place, 25544, ZONE, "Europe/Amsterdam", START)


def atom(items: tuple[Pass, ...], place: Location = AMSTERDAM) -> bytes:
    return atom_bytes(list(items), place, 25544, ZONE, "Europe/Amsterdam", START)


def test_rss_has_what_rss_2_requires_and_one_item_per_visible_pass() -> None:
    items = passes_with(-1)
    shown = visible(items)
    assert len(shown) >= 3, "the window should hold some visible passes to check"
    root = ET.fromstring(rss(items))
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    for required in ("title", "link", "description"):
        assert (channel.findtext(required) or "").strip(), required
    got = channel.findall("item")
    assert len(got) == len(shown)
    for element, item in zip(got, shown, strict=True):
        guid = element.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false"
        assert guid.text == uid(item)
        assert parsedate_to_datetime(element.findtext("pubDate") or "").tzinfo is not None
        assert item.visible_start is not None
        local = item.visible_start.time.astimezone(ZONE)
        assert f"{local.hour % 12 or 12}:{local:%M}" in (element.findtext("title") or "")


def test_atom_has_what_rfc_4287_requires() -> None:
    items = passes_with(-1)
    root = ET.fromstring(atom(items))
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{required}") or "").strip(), required
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(visible(items))
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        assert (entry.findtext(f"{ATOM}id") or "").startswith("urn:uuid:")
        datetime.fromisoformat((entry.findtext(f"{ATOM}updated") or "").replace("Z", "+00:00"))
        assert entry.findtext(f"{ATOM}title")


@pytest.mark.parametrize("make", [rss, atom])
def test_feed_readers_parse_them_cleanly(make: object) -> None:
    import feedparser

    items = passes_with(-1)
    parsed = feedparser.parse(make(items))  # type: ignore[operator]
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(visible(items))


@pytest.mark.parametrize("make", [rss, atom])
def test_ids_stay_the_same_with_the_next_days_elements(make: object) -> None:
    import feedparser

    older = {e.id: e.title for e in feedparser.parse(make(passes_with(-2))).entries}  # type: ignore[operator]
    newer = {e.id: e.title for e in feedparser.parse(make(passes_with(-1))).entries}  # type: ignore[operator]
    assert len(older) == len(newer) >= 3
    assert set(older) == set(newer), "a reader would show the same passes twice"


@pytest.mark.parametrize("make", [rss, atom])
def test_a_hostile_place_name_is_text_in_the_feed(make: object) -> None:
    place = Location(HOSTILE, 52.37403, 4.88969, 0.0, "Europe/Amsterdam", "coordinates")
    data = make(passes_with(-1, place), place)  # type: ignore[operator]
    assert b"<script" not in data
    root = ET.fromstring(data)
    title = root.findtext("channel/title") if root.tag == "rss" else root.findtext(f"{ATOM}title")
    assert title == "ISS sightings over " + HOSTILE.replace("\x01", "\ufffd").replace("\x1b", "\ufffd")


def test_the_calendar_reads_back_with_icalendar_as_the_passes_are() -> None:
    from icalendar import Calendar

    items = list(passes_with(-1))  # visible and not: both kinds of event
    assert any(p.kind != "visible" for p in items) and any(p.kind == "visible" for p in items)
    parsed = Calendar.from_ical(calendar_bytes(items, AMSTERDAM, 25544, stamp=START))
    assert str(parsed["X-WR-CALNAME"]) == "ISS passes over Amsterdam"
    events = parsed.walk("VEVENT")
    assert len(events) == len(items)
    for event, item in zip(events, items, strict=True):
        first, last = (
            (item.visible_start, item.visible_end) if item.kind == "visible" else (item.rise, item.set)
        )
        assert first is not None and last is not None
        assert str(event["UID"]) == uid(item)
        assert abs((event.decoded("DTSTART") - first.time).total_seconds()) <= 0.5
        assert abs((event.decoded("DTEND") - last.time).total_seconds() - 1) <= 0.5
        assert event.decoded("DTSTAMP") == START
        assert str(event["LOCATION"]) == "Amsterdam"
        words = str(event["SUMMARY"])
        assert ("ISS visible" in words) == (item.kind == "visible")
        assert f"max {(item.visible_highest or item.culmination).elevation_deg:.0f}°" in words
        [alarm] = event.walk("VALARM")
        assert alarm.decoded("TRIGGER") == timedelta(minutes=-10)


def test_the_fast_calendar_escapes_and_folds_a_hostile_name() -> None:
    from icalendar import Calendar

    name = "Caf\u00e9; a, b\\c\nsecond line\x00\x07" + "\u00e9" * 80
    place = Location(name, 52.37403, 4.88969, 0.0, "Europe/Amsterdam", "coordinates")
    data = calendar_bytes(list(passes_with(-1, place)), place, 25544, stamp=START)
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # never folded inside a character
    parsed = Calendar.from_ical(data)
    expected = "Caf\u00e9; a, b\\c\nsecond line  " + "\u00e9" * 80
    # icalendar leaves an X- property's value as written: escaped, as RFC 5545 says TEXT is.
    escaped = "Caf\u00e9\\; a\\, b\\\\c\\nsecond line  " + "\u00e9" * 80
    assert str(parsed["X-WR-CALNAME"]) == f"ISS passes over {escaped}"
    assert all(str(e["LOCATION"]) == expected for e in parsed.walk("VEVENT"))


def test_fold_cuts_long_lines_at_75_octets_ascii_or_not() -> None:
    from icalendar import Calendar

    from isstrack.render.calendar import fold

    assert fold("X" * 75) == "X" * 75 + "\r\n"
    assert fold("X" * 160) == "X" * 75 + "\r\n " + "X" * 74 + "\r\n " + "X" * 11 + "\r\n"
    assert fold("X" * 149) == "X" * 75 + "\r\n " + "X" * 74 + "\r\n"
    # Two-octet characters: 37 fit in the first line's 75 octets, 37 in each next line's 74.
    assert fold("\u00e9" * 80) == "\u00e9" * 37 + "\r\n " + "\u00e9" * 37 + "\r\n " + "\u00e9" * 6 + "\r\n"
    name = "Llanfair pwllgwyngyll gogerychwyrndrobwll llantysilio gogogoch, Anglesey, Wales"
    place = Location(name * 2, 53.22, -4.2, 0.0, "Europe/London", "coordinates")
    data = calendar_bytes(list(passes_with(-1, place)), place, 25544, stamp=START)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert all(str(e["LOCATION"]) == name * 2 for e in Calendar.from_ical(data).walk("VEVENT"))


def run(*args: str) -> Any:
    from typer.testing import CliRunner

    from isstrack.cli.app import app

    return CliRunner().invoke(app, list(args))


def test_passes_writes_rss_atom_and_ics_together(tmp_path: Path) -> None:
    import feedparser
    from icalendar import Calendar

    tle = tmp_path / "iss.tle"
    tle.write_text("\n".join(history_sets()[-1]) + "\n")
    rss_path, atom_path, ics_path = tmp_path / "p.rss", tmp_path / "p.atom", tmp_path / "p.ics"
    rss_path.write_text("old")
    before = rss_path.stat().st_ino
    place = [
        "--lat",
        "52.37403",
        "--lon",
        "4.88969",
        "--from",
        "2026-09-24T06:00:00Z",
        "--tle-file",
        str(tle),
    ]
    result = run("passes", *place, "--rss", str(rss_path), "--atom", str(atom_path), "--ics", str(ics_path))
    assert result.exit_code == 0, result.output
    shown = visible(passes_with(-1))
    assert rss_path.stat().st_ino != before, "replaced by a rename, not written in place"
    for path in (rss_path, atom_path):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo and len(parsed.entries) == len(shown)
    assert len(Calendar.from_ical(ics_path.read_bytes()).walk("VEVENT")) == len(shown)
    again = run("passes", *place, "--rss", "-")
    assert again.exit_code == 0
    assert again.stdout.encode() == rss_path.read_bytes(), "the same elements give the same bytes"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--json", "--rss", "x.rss"], "--json and --rss cannot be used together"),
        (["--rss", "-", "--atom", "-"], "--rss and --atom all name standard output"),
        (["--places", "p.csv", "--rss", "x.rss"], "--rss cannot be used with --places"),
    ],
)
def test_feed_options_that_do_not_go_together(tmp_path: Path, extra: list[str], words: str) -> None:
    (tmp_path / "p.csv").write_text("latitude_deg,longitude_deg\n1,2\n")
    tle = tmp_path / "iss.tle"
    tle.write_text("\n".join(history_sets()[-1]) + "\n")
    args = [a if not a.endswith((".rss", ".csv")) else str(tmp_path / a) for a in extra]
    result = run_in_process(["passes", "--lat", "52", "--lon", "4", "--tle-file", str(tle), *args])
    assert result.code == 2
    assert words in result.err
    assert not (tmp_path / "x.rss").exists()
