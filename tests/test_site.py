"""`isstrack site`: pages that parse strictly, match `passes --json`, stay small, escape hostile names,
and are rewritten only when their bytes change."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.tle_tools import history_sets

FROM = "2026-09-24T06:00:00Z"
DAYS = "10"
HOSTILE = 'Evil <script>alert("x")</script> & "Co" it\'s </title><!--'
PLACES = [
    ("Amsterdam", 52.37403, 4.88969, 0.0),
    (HOSTILE, 48.85, 2.35, 35.0),
    ("Springfield", 39.80172, -89.64371, 180.0),
    ("Springfield", 42.10148, -72.58981, 20.0),  # the same name: two pages
    ("São Paulo", -23.5475, -46.63611, 760.0),
    ("Reykjavík", 64.13548, -21.89541, 0.0),
    ("Tokyo", 35.6895, 139.69171, 40.0),
    ("Ushuaia", -54.8, -68.3, 10.0),
    ("Quito", -0.22985, -78.52495, 2850.0),
    ("Nairobi", -1.28333, 36.81667, 1660.0),
    ("Perth", -31.95224, 115.8614, 30.0),
    ("Anchorage", 61.21806, -149.90028, 30.0),
    ("Cape Town", -33.92584, 18.42322, 10.0),
    ("Mumbai", 19.07283, 72.88261, 10.0),
    ("Honolulu", 21.30694, -157.85833, 5.0),
    ("Oslo", 59.91273, 10.74609, 20.0),
    ("Auckland", -36.84853, 174.76349, 20.0),
    ("Cairo", 30.06263, 31.24967, 20.0),
    ("Date line", 10.0, 180.0, 0.0),
    ("Mid Pacific", -5.0, -150.0, 0.0),
]


def write_places(path: Path, places: list[tuple[str, float, float, float]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "latitude_deg", "longitude_deg", "elevation_m"])
        writer.writerows(places)
    return path


def write_tle(path: Path, index: int = -1) -> Path:
    path.write_text("\n".join(history_sets()[index]) + "\n")
    return path


def run_site(*args: str) -> Any:
    """Run `isstrack site` in this process and return the Click result."""
    from isstrack.cli.app import app

    result = CliRunner().invoke(app, ["site", *args], catch_exceptions=False)
    return result


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, Path]:
    places = write_places(tmp_path / "places.csv", PLACES)
    tle = write_tle(tmp_path / "iss.tle")
    out = tmp_path / "site"
    result = run_site(
        str(out), "--places", str(places), "--from", FROM, "--days", DAYS, "--tle-file", str(tle)
    )
    assert result.exit_code == 0, result.output
    return out, places, tle


def parse_html(data: bytes) -> Any:
    """Parse as browsers do, failing on any parse error (html5lib in strict mode)."""
    import html5lib

    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(data)


def pages(out: Path) -> list[Path]:
    return sorted((out / "places").glob("*.html"))


def test_every_page_parses_strictly_and_is_accessible(built: tuple[Path, Path, Path]) -> None:
    out, _, _ = built
    assert len(pages(out)) == len(PLACES)
    for page in [*pages(out), out / "index.html"]:
        data = page.read_bytes()
        assert len(data) < 30_000 or page.name == "index.html", f"{page.name} is {len(data)} bytes"
        root = parse_html(data)
        assert root.get("lang") == "en"
        assert root.find("head/title").text
        table = root.find(".//table")
        if page.name == "index.html" or table is None:
            continue
        assert table.find("caption").text
        heads = table.findall("thead/tr/th")
        assert [h.get("scope") for h in heads] == ["col"] * 7
        for row in table.findall("tbody/tr"):
            assert row[0].tag == "th" and row[0].get("scope") == "row"
            chart = row.find(".//{http://www.w3.org/2000/svg}svg")
            assert chart.get("role") == "img" and chart.get("aria-label")


def visible_starts(page: Path) -> list[str]:
    root = parse_html(page.read_bytes())
    return [t.get("datetime") for t in root.findall(".//tbody/tr/th/time")]


def test_pass_times_equal_passes_json_for_every_place(built: tuple[Path, Path, Path]) -> None:
    from isstrack.cli.app import app

    out, _, tle = built
    index = parse_html((out / "index.html").read_bytes())
    links = {a.text: a.get("href") for a in index.findall(".//ul/li/a")}
    seen_springfields = []
    for name, lat, lon, height in PLACES:
        args = ["passes", f"--lat={lat}", f"--lon={lon}", f"--elevation={height}", "--json"]
        result = CliRunner().invoke(app, [*args, "--from", FROM, "--days", DAYS, "--tle-file", str(tle)])
        assert result.exit_code == 0, result.output
        expected = [p["visible_start"]["time"] for p in json.loads(result.stdout)["passes"]]
        if name == "Springfield":
            seen_springfields.append(expected)
            continue
        assert visible_starts(out / links[name]) == expected, name
    pages_of_springfield = [p for p in pages(out) if p.name.startswith("springfield")]
    assert sorted(visible_starts(p) for p in pages_of_springfield) == sorted(seen_springfields)


def test_a_hostile_name_is_escaped_everywhere(built: tuple[Path, Path, Path]) -> None:
    from icalendar import Calendar

    out, _, _ = built
    shown = HOSTILE
    [page] = [p for p in pages(out) if p.name.startswith("evil")]
    assert re.fullmatch(r"[a-z0-9-]+\.html", page.name)
    root = parse_html(page.read_bytes())
    assert root.find("head/title").text == f"ISS sightings over {shown}"
    assert root.find(".//h1").text == f"ISS sightings over {shown}"
    assert root.findall(".//script") == []
    index = parse_html((out / "index.html").read_bytes())
    assert len(index.findall(".//script")) == 1  # the search box's, none from a name
    assert shown in [a.text for a in index.findall(".//ul/li/a")]
    feed = ET.fromstring(page.with_suffix(".rss").read_bytes())
    assert feed.findtext("channel/title") == f"ISS sightings over {shown}"
    calendar = Calendar.from_ical(page.with_suffix(".ics").read_bytes())
    assert {str(e["LOCATION"]) for e in calendar.walk("VEVENT")} == {
        HOSTILE.replace("\x01", " ").replace("\x1b", " ")
    }


def test_feeds_and_calendars_of_every_place_parse(built: tuple[Path, Path, Path]) -> None:
    import feedparser
    from icalendar import Calendar

    out, _, _ = built
    for page in pages(out):
        starts = visible_starts(page)
        feed = feedparser.parse(page.with_suffix(".rss").read_bytes())
        assert not feed.bozo, page.name
        assert len(feed.entries) == len(starts)
        events = Calendar.from_ical(page.with_suffix(".ics").read_bytes()).walk("VEVENT")
        got = [e.decoded("DTSTART").strftime("%Y-%m-%dT%H:%M:%SZ") for e in events]
        assert got == starts, page.name


def snapshot(out: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(out)): (p.stat().st_ino, p.read_bytes()) for p in out.rglob("*") if p.is_file()}


def test_regenerating_rewrites_only_what_changed(built: tuple[Path, Path, Path]) -> None:
    out, places, tle = built
    before = snapshot(out)
    args = [str(out), "--places", str(places), "--from", FROM, "--days", DAYS, "--tle-file"]
    assert run_site(*args, str(tle)).exit_code == 0
    assert snapshot(out) == before, "the same inputs rewrote files"
    older = write_tle(tle.with_name("older.tle"), -2)  # the previous day's elements: times move by seconds
    assert run_site(*args, str(older)).exit_code == 0
    after = snapshot(out)
    assert set(after) == set(before)
    for name in (n for n in after if n.endswith(".html") and n.startswith("places/")):
        ids_before = re.findall(rb'<tr id="([^"]+)"', before[name][1])
        ids_after = re.findall(rb'<tr id="([^"]+)"', after[name][1])
        assert ids_before == ids_after, f"{name}: a pass's anchor changed with the elements"
    changed = [name for name in after if after[name][1] != before[name][1]]
    assert changed, "new elements changed nothing"
    for name, (inode, data) in after.items():
        if data == before[name][1]:
            assert inode == before[name][0], f"{name} was rewritten with the same bytes"
        else:
            assert inode != before[name][0], f"{name} was changed in place, not replaced"


def test_a_place_dropped_from_the_list_loses_its_files_and_nothing_else_does(
    built: tuple[Path, Path, Path],
) -> None:
    out, places, tle = built
    (out / "notes.txt").write_text("mine")
    fewer = write_places(places.with_name("fewer.csv"), [p for p in PLACES if p[0] != "Tokyo"])
    result = run_site(
        str(out), "--places", str(fewer), "--from", FROM, "--days", DAYS, "--tle-file", str(tle)
    )
    assert result.exit_code == 0
    assert not list((out / "places").glob("tokyo.*"))
    assert (out / "notes.txt").read_text() == "mine"
    assert len(pages(out)) == len(PLACES) - 1


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of #rrggbb."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_keep_wcag_aa_contrast_in_both_schemes(built: tuple[Path, Path, Path]) -> None:
    out, _, _ = built
    style = (out / "style.css").read_text()
    schemes = re.findall(r":root\{([^}]*)\}", style)
    assert len(schemes) == 2, "a light and a dark scheme"
    for scheme in schemes:
        colours = dict(re.findall(r"--([a-z]+):(#[0-9a-f]{6}|#[0-9a-f]{3})\b", scheme))
        colours = {k: v if len(v) == 7 else "#" + "".join(c * 2 for c in v[1:]) for k, v in colours.items()}
        for text in ("fg", "link", "muted"):
            assert contrast(colours[text], colours["bg"]) >= 4.5, text
        assert contrast(colours["path"], colours["bg"]) >= 3.0  # graphics: WCAG 1.4.11


def test_a_page_with_fifty_passes_stays_under_30_kb() -> None:
    from zoneinfo import ZoneInfo

    from isstrack.elements.tle import parse_elements
    from isstrack.render.sitepages import PageFacts, place_page
    from isstrack.sky.orbit import Orbit
    from isstrack.sky.passes import find_passes

    name, line1, line2 = history_sets()[-1]
    start = datetime(2026, 9, 24, 6, tzinfo=timezone.utc)
    found = find_passes(
        Orbit(parse_elements(f"{name}\n{line1}\n{line2}\n")),
        _observer(),
        start,
        start + timedelta(days=10),
        10,
    )
    one = next(p for p in found.passes if p.kind == "visible")
    many = [replace(one, revolution=one.revolution + k) for k in range(50)]  # more than any place gets
    facts = PageFacts(start, start + timedelta(days=10), name, 25544, start, "file", "1.0")
    long_name = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch " * 3
    data = place_page(
        long_name, "x", (52.0, 4.0, 0.0), ZoneInfo("Europe/Amsterdam"), "Europe/Amsterdam", many, facts
    )
    assert len(data) < 30_000, len(data)


def _observer() -> Any:
    from isstrack.sky.orbit import Observer

    return Observer(52.37403, 4.88969, 0.0)


def test_control_characters_in_a_name_become_replacement_characters_on_the_page() -> None:
    from zoneinfo import ZoneInfo

    from isstrack.render.sitepages import PageFacts, place_page

    start = datetime(2026, 9, 24, 6, tzinfo=timezone.utc)
    facts = PageFacts(start, start + timedelta(days=10), "ISS (ZARYA)", 25544, start, "file", "1.0")
    data = place_page("A\x01B\x1b[31mC\x7f", "x", (0.0, 0.0, 0.0), ZoneInfo("UTC"), "UTC", [], facts)
    assert parse_html(data).find(".//h1").text == "ISS sightings over A\ufffdB\ufffd[31mC\ufffd"


def test_without_javascript_the_index_is_a_plain_list_of_every_place(built: tuple[Path, Path, Path]) -> None:
    out, _, _ = built
    index = parse_html((out / "index.html").read_bytes())
    assert index.find(".//form").get("hidden") is not None  # the script shows it; without, no dead box
    assert "Find" in "".join(index.find(".//noscript").itertext())
    links = [a.get("href") for a in index.findall(".//ul/li/a")]
    assert len(links) == len(PLACES)
    assert all((out / link).is_file() for link in links)
    assert [a.get("href") for a in index.findall(".//nav/a")] == [
        f"#{h.get('id')}" for h in index.findall(".//h2")
    ]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"days": "31"}, "--days 31 is outside 1-30"),
        ({"base": "ftp://example.org/"}, "--base-url needs an http(s) URL"),
        ({"name": "Bad\x07Name"}, "control characters"),
        ({"outdir_is_file": "yes"}, "is not a folder"),
    ],
)
def test_bad_input_is_exit_2_with_one_line_and_nothing_written(
    cli: Any, tmp_path: Path, change: dict[str, str], words: str
) -> None:
    name = change.get("name", "Amsterdam")
    places = write_places(tmp_path / "places.csv", [(name, 52.37, 4.89, 0.0)])
    tle = write_tle(tmp_path / "iss.tle")
    out = tmp_path / "site"
    if "outdir_is_file" in change:
        out.write_text("not a folder")
    args = ["site", str(out), "--places", str(places), "--from", FROM, "--tle-file", str(tle)]
    args += ["--days", change.get("days", DAYS)]
    if "base" in change:
        args += ["--base-url", change["base"]]
    result = cli(*args)
    assert result.code == 2, result.err
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert out.is_file() if "outdir_is_file" in change else not out.exists()
