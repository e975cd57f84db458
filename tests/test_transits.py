"""Transits of the Sun and the Moon: checked against an independent reference (sgp4 + PyEphem).

Real events found with the reference elements near their epochs. The places were picked by asking for a
300 km radius; every assertion compares isstrack with tests/transit_reference.py, never with itself.
"""

from __future__ import annotations

import json
import math
import os
import re
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

import ephem
import pytest

from isstrack.elements.tle import parse_all
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.transits import TransitSearch, find_transits
from tests.shapes import shape
from tests.tle_tools import history_sets, text
from tests.transit_reference import Sky

START = datetime(2026, 9, 23, 15, 0, tzinfo=timezone.utc)  # the newest set's epoch is 2026-09-24 03:24
DENVER = (39.74, -104.99)  # a lunar transit at night, the station in Earth's shadow
AMSTERDAM = (52.37, 4.89)  # the Moon at 8° and the Sun at 6°
CAPE_TOWN = (-33.92, 18.42)  # a solar transit 37 km away
GOLDEN = Path(__file__).parent / "golden" / "transits.shape.json"


@cache
def lines(index: int = -1) -> tuple[str, str, str]:
    return history_sets()[index]


@cache
def orbit(index: int = -1) -> Orbit:
    return Orbit(parse_all(text(lines(index)))[0])


@cache
def search(
    place: tuple[float, float], radius_km: float, days: int = 3, start: datetime = START
) -> TransitSearch:
    return find_transits(orbit(), Observer(*place), start, start + timedelta(days=days), radius_km)


def sky(body: str, lat: float, lon: float) -> Sky:
    _, line1, line2 = lines()
    return Sky(line1, line2, body, lat, lon)


def _at(lat: float, lon: float) -> list[str]:
    return ["--lat", f"{lat:.6f}", "--lon", f"{lon:.6f}"]


# -- independent check of every reported number that geometry fixes ----------------------------------


@pytest.mark.parametrize("place", [DENVER, AMSTERDAM, CAPE_TOWN])
def test_events_agree_with_the_independent_reference(place: tuple[float, float]) -> None:
    events = search(place, 300.0).events
    assert events
    for event in events:
        reference = sky(event.body, *place)
        separation, radius, altitude, _, range_km = reference.at(event.time)
        assert abs(event.separation_deg - separation) < 0.01
        assert abs(event.body_radius_deg - radius) < 0.01
        assert abs(event.body_altitude_deg - altitude) < 0.01
        assert abs(event.range_km - range_km) < 1.0
        if event.separation_deg < 5:  # the time of a shallow minimum 5°+ away is not well defined
            when, _ = reference.minimum(event.time - timedelta(seconds=5), event.time + timedelta(seconds=5))
            assert abs((event.time - when).total_seconds()) < 0.2
        line = event.centre_line
        on_line = sky(event.body, line.latitude_deg, line.longitude_deg)
        assert on_line.separation(line.time) < 0.01  # the station is centred on the disc there
        when, _ = on_line.minimum(line.time - timedelta(seconds=3), line.time + timedelta(seconds=3))
        assert abs((line.time - when).total_seconds()) < 0.2
    assert {"sun", "moon"} <= {
        e.body for p in (DENVER, AMSTERDAM, CAPE_TOWN) for e in search(p, 300.0).events
    }


def test_the_moon_from_the_bundled_excerpt_matches_pyephem() -> None:
    """The Moon segment added to the DE421 excerpt: its direction from the place within 10"."""
    from isstrack.sky.transitgeo import Geometry, Place

    geometry = Geometry(orbit().satellite, orbit().ts, Place(*AMSTERDAM, 0.0), "moon")
    for hours in range(0, 72, 7):
        moment = START + timedelta(hours=hours)
        seen, _ = geometry.evaluate([orbit().ts.from_datetime(moment).tt])
        up = float(seen["body_direction"][:, 0] @ geometry.place_up[:, 0])
        reference = sky("moon", *AMSTERDAM)
        _, radius, altitude, _, _ = reference.at(moment)
        assert abs(math.degrees(math.asin(up)) - altitude) < 10 / 3600
        assert abs(float(seen["body_radius_deg"][0]) - radius) < 5 / 3600


# -- completeness: a brute-force scan finds nothing isstrack missed ----------------------------------


def _reference_approaches(
    place: tuple[float, float], days: int
) -> list[tuple[str, datetime, float, float, float]]:
    found = []
    for body in ("sun", "moon"):
        for when, separation, altitude, range_km in sky(body, *place).close_approaches(
            START, START + timedelta(days=days), 20.0
        ):
            found.append((body, when, separation, altitude, range_km))
    return found


@pytest.mark.parametrize("place", [DENVER, AMSTERDAM, CAPE_TOWN])
def test_no_transit_or_near_miss_within_the_radius_is_missed(place: tuple[float, float]) -> None:
    radius_km = 100.0
    at_place = search(place, 0.0, days=10).events
    within = search(place, radius_km, days=10).events
    reference = _reference_approaches(place, 10)
    assert reference
    checked = 0
    for body, when, separation, altitude, range_km in reference:
        if altitude < 0.5:  # at the horizon the two models may differ on whether it counts
            continue
        # Moving the observer x km along the ground turns the line of sight by at most x / range, and
        # by at least x sin(altitude) / range: a miss of s rad needs at most range s / sin(alt) km.
        reach_km = range_km * math.radians(separation) / math.sin(math.radians(altitude))
        radius = sky(body, *place).at(when)[1]
        if reach_km <= 0.9 * radius_km:
            checked += 1
            match = [e for e in within if e.body == body and abs((e.time - when).total_seconds()) < 0.2]
            assert match, f"{body} near miss at {when} ({separation:.3f}°) not reported within {radius_km} km"
        if separation < radius - 0.005:
            match = [e for e in at_place if e.body == body and abs((e.time - when).total_seconds()) < 0.2]
            assert match and match[0].inside, f"{body} transit at {when} not reported at the place"
    assert checked, "the scan should hold near misses to check for these places"
    for event in within:  # and nothing reported is farther than the radius
        separation, _, _, _, range_km = sky(event.body, *place).at(event.time)
        assert range_km * math.radians(separation) <= (radius_km + event.centre_line.width_km / 2) * 1.05 + 1
    for event in at_place:
        separation, radius, _, _, _ = sky(event.body, *place).at(event.time)
        assert separation < radius + 0.005


# -- the centre line, the strip edge, the Earth's shadow and the body's altitude ---------------------


def _destination(lat: float, lon: float, bearing_deg: float, distance_km: float) -> tuple[float, float]:
    """Return the point `distance_km` from a point along a great circle (mean Earth radius)."""
    d = distance_km / 6371.0088
    p1, l1, b = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def _pick(place: tuple[float, float], body: str) -> Any:
    events = [e for e in search(place, 300.0).events if e.body == body]
    return min(events, key=lambda e: e.centre_line.distance_km)


CASES = {
    "moon-night-shadow": (DENVER, "moon"),
    "moon-low": (AMSTERDAM, "moon"),
    "sun": (CAPE_TOWN, "sun"),
    "sun-low": (AMSTERDAM, "sun"),
}


def _case_event(case: str) -> Any:
    place, body = CASES[case]
    if case == "sun-low":
        events = [e for e in search(place, 300.0).events if e.body == "sun"]
        event = min(events, key=lambda e: e.body_altitude_deg)
        assert event.body_altitude_deg < 10
        return event
    return _pick(place, body)


@pytest.mark.parametrize("case", list(CASES))
def test_on_the_centre_line_the_same_event_is_inside(cli: Any, tle_file: str, case: str) -> None:
    _, body = CASES[case]
    event = _case_event(case)
    line = event.centre_line
    start = line.time - timedelta(hours=1)
    where = _at(line.latitude_deg, line.longitude_deg)
    result = cli(
        "transits", *where, "--from", start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "--days", "1", "--body", body, "--tle-file", tle_file, "--json", "--quiet",
    )  # fmt: skip
    assert result.code == 0, result.err
    events = result.json()["events"]
    assert len(events) == 1
    again = events[0]
    assert again["body"] == body and again["inside"] is True
    assert again["separation_deg"] < 0.005
    assert abs(_parse(again["time"]) - line.time).total_seconds() < 0.2
    assert again["centerline"]["distance_km"] < 0.5
    # the crossing lasts as long as the reference keeps the station on the disc there
    reference_s = sky(body, line.latitude_deg, line.longitude_deg).crossing_s(line.time)
    assert abs(again["duration_s"] - reference_s) < max(0.05, 0.03 * reference_s)
    assert abs(line.duration_s - reference_s) < max(0.05, 0.03 * reference_s)
    assert abs(again["width_km"] - line.width_km) < 0.05 * line.width_km


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.mark.parametrize("case", list(CASES))
def test_the_strip_edge_is_where_the_reference_says(case: str) -> None:
    place, body = CASES[case]
    event = _case_event(case)
    line = event.centre_line
    for factor, inside in ((0.8, True), (1.2, False)):
        for side in (-1, 1):  # across the track: along the line from the place to the nearest point
            lat, lon = _destination(
                *place, line.bearing_deg, line.distance_km + side * factor * line.width_km / 2
            )
            reference = sky(body, lat, lon)
            _, separation = reference.minimum(
                line.time - timedelta(seconds=5), line.time + timedelta(seconds=5)
            )
            radius = reference.at(line.time)[1]
            assert (separation < radius) is inside
            near = find_transits(
                orbit(),
                Observer(lat, lon),
                line.time - timedelta(hours=1),
                line.time + timedelta(hours=1),
                0.0,
                (body,),
            )
            assert [e.inside for e in near.events] == ([True] if inside else [])  # fmt: skip


def test_a_lunar_transit_at_night_with_the_station_in_earths_shadow() -> None:
    event = _pick(DENVER, "moon")
    assert event.inside and not event.station_sunlit
    _, line1, line2 = lines()
    station = ephem.readtle("ISS", line1, line2)
    station.compute(ephem.Date(event.time.replace(tzinfo=None)))
    assert station.eclipsed  # PyEphem agrees: in Earth's shadow, a silhouette all the same
    sun = ephem.Sun()
    observer = ephem.Observer()
    observer.lat, observer.lon, observer.date = (
        str(DENVER[0]),
        str(DENVER[1]),
        ephem.Date(event.time.replace(tzinfo=None)),
    )
    sun.compute(observer)
    assert math.degrees(sun.alt) < -18  # full night


def test_min_altitude_drops_the_low_events_only() -> None:
    every = search(AMSTERDAM, 300.0).events
    high = find_transits(
        orbit(), Observer(*AMSTERDAM), START, START + timedelta(days=3), 300.0, min_altitude_deg=10.0
    ).events
    assert any(e.centre_line.body_altitude_deg < 10 for e in every)
    assert [e.time for e in high] == [e.time for e in every if e.centre_line.body_altitude_deg >= 10]


# -- the command: table, warnings, JSON contract, bad input -------------------------------------------


def test_json_shape_matches_the_golden_file(cli: Any, tle_file: str) -> None:
    result = cli(
        "transits", *_at(*DENVER), "--from", "2026-09-23T15:00:00Z", "--days", "3", "--radius", "300",
        "--tle-file", tle_file, "--json", "--quiet",
    )  # fmt: skip
    assert result.code == 0, result.err
    document = result.json()
    assert next(iter(document)) == "schema_version" and document["schema_version"] == 1
    event = next(e for e in document["events"] if e["inside"])
    assert event["time"].endswith("Z") and len(event["time"]) == len("2026-09-26T02:24:32.3Z")
    if os.environ.get("ISSTRACK_WRITE_GOLDEN"):
        GOLDEN.write_text(json.dumps(shape(document), indent=2) + "\n")
    assert shape(document) == json.loads(GOLDEN.read_text())
    shared = json.loads((GOLDEN.parent / "passes.shape.json").read_text())
    assert shape(document)["elements"] == shared["elements"]  # the objects every command shares
    assert shape(document)["location"] == shared["location"]


def test_table_fits_80_columns_with_usage_and_solar_warning(
    isolated_env: dict[str, str], tle_file: str
) -> None:
    from tests.terminal import run_on_pty

    env = {**os.environ, **isolated_env, "TERM": "xterm", "COLUMNS": "80"}
    args = [
        "transits", *_at(*AMSTERDAM), "--from", "2026-09-23T15:00:00Z", "--days", "3",
        "--radius", "300", "--tle-file", tle_file,
    ]  # fmt: skip
    code, screen = run_on_pty(args, env)
    assert code == 0
    plain = re.sub(r"\x1b\[[0-9;]*m", "", screen.replace("\r", ""))  # bold and dim stay under NO_COLOR
    rows = [row for row in plain.splitlines() if not row.startswith("isstrack: ")]  # stderr, same pty
    assert all(len(row) <= 80 for row in rows)
    assert "…" not in screen
    assert sum(bool(re.match(r"\d\d \w{3} (Sun |Moon) \d\d:\d\d:\d\d\.\d ", row)) for row in rows) == len(
        search(AMSTERDAM, 300.0).events
    )
    flat = " ".join(screen.split())
    assert "How to use: go to the centre-line point" in flat
    assert "certified solar filter" in flat


def test_solar_warning_always_for_the_sun_never_for_the_moon_alone(cli: Any, tle_file: str) -> None:
    common = [*_at(*AMSTERDAM), "--from", "2026-09-23T15:00:00Z", "--days", "1", "--tle-file", tle_file, "-q"]
    nothing = cli("transits", *common, "--body", "sun")  # no solar transit at the place that day
    assert nothing.code == 0 and "No transits in this window" in nothing.out
    assert "certified solar filter" in nothing.out
    moon = cli("transits", *common, "--body", "moon", "--radius", "300")
    assert moon.code == 0 and "Moon" in moon.out and "solar filter" not in moon.out


def test_old_elements_are_flagged_as_not_worth_a_trip(cli: Any, tle_file: str) -> None:
    # The newest set's epoch is 2026-09-24 03:24; events after 2026-09-26 03:24 are 2+ days away.
    result = cli(
        "transits", *_at(*AMSTERDAM), "--from", "2026-09-23T15:00:00Z", "--days", "4", "--radius", "300",
        "--tle-file", tle_file, "--json",
    )  # fmt: skip
    assert result.code == 0
    events = result.json()["events"]
    for event in events:
        age = (
            _parse(event["time"]) - datetime(2026, 9, 24, 3, 24, 21, tzinfo=timezone.utc)
        ).total_seconds() / 86400
        assert event["elements_age_days"] == pytest.approx(age, abs=0.01)
        assert event["accuracy"] == ("good" if abs(age) < 1 else "fair" if abs(age) < 2 else "too_old")
    assert any(e["accuracy"] == "too_old" for e in events)
    assert "past the elements' epoch, too far for a trip" in result.err
    assert "online: isstrack tle --update · offline: tle --import FILE or --tle-file FILE" in result.err
    table = cli(
        "transits", *_at(*AMSTERDAM), "--from", "2026-09-23T15:00:00Z", "--days", "4", "--radius", "300",
        "--tle-file", tle_file, "-q",
    )  # fmt: skip
    assert "past the elements' epoch: not worth a trip" in " ".join(table.out.split())


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--radius", "301"], "--radius 301 is outside 0-300"),
        (["--radius", "-1"], "--radius -1 is outside 0-300"),
        (["--body", "mars"], "--body 'mars' is not sun, moon or both"),
        (["--min-altitude", "90"], "--min-altitude 90 is outside [0, 90)"),
        (["--days", "31"], "--days 31 is outside 1-30"),
        (["--from", "yesterday"], "--from 'yesterday' is not an ISO 8601 time"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: Any, tle_file: str, args: list[str], words: str) -> None:
    result = cli("transits", *_at(*AMSTERDAM), "--tle-file", tle_file, *args)
    assert result.code == 2
    assert result.out == ""
    assert result.err.count("\n") == 1 and words in result.err


def test_table_at_80_columns_keeps_every_number_and_the_too_old_mark(cli: Any, tle_file: str) -> None:
    # Weeks after the newest set: ages of two digits, every row too old, strips over 100 km wide.
    args = ["transits", *_at(*AMSTERDAM), "--from", "2026-10-20T00:00:00Z", "--days", "10", "--radius", "300"]
    result = cli(*args, "--tle-file", tle_file, "-q", env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.code == 0, result.err
    out = str(result.out)
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    rows = [line for line in out.splitlines() if re.match(r"\d\d \w{3} (Sun |Moon) ", line)]
    assert rows
    for row in rows:  # time, centre line latitude and longitude, time there, width, alt, age with its !
        assert re.search(
            r"\d\d:\d\d:\d\d\.\d .* -?\d+\.\d{3} +-?\d+\.\d{3} \d\d:\d\d:\d\d\.\d +\d+(\.\d)? +\d+° +\d+!$",
            row,
        ), row
    golden = Path(__file__).parent / "golden" / "transits-80.txt"
    if os.environ.get("ISSTRACK_WRITE_GOLDEN"):
        golden.write_text(out)
    assert out == golden.read_text(), (
        "the transits render at 80 columns changed; regenerate with ISSTRACK_WRITE_GOLDEN=1"
    )
