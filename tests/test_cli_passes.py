"""`isstrack passes` and `isstrack next` through the CLI."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.tle_tools import history_sets

PLACE = ["--lat", "52.37", "--lon", "4.89"]
FROM = "2026-09-24T12:00:00Z"


def write_tle(path: Path, tle: tuple[str, str, str]) -> str:
    path.write_text("\n".join(tle) + "\n")
    return str(path)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_json_lists_visible_passes_with_the_documented_fields(cli: Any, tle_file: str) -> None:
    result = cli("passes", *PLACE, "--from", FROM, "--tle-file", tle_file, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["schema_version"] == 1
    assert data["time_zone"] == "Europe/Amsterdam"
    assert data["window"] == {"from": FROM, "to": "2026-10-04T12:00:00Z"}
    assert data["filter"] == "visible"
    assert data["passes"], "the reference week has evening passes over Amsterdam"
    for p in data["passes"]:
        assert p["visible"] is True and p["kind"] == "visible"
        assert _utc(p["rise"]["time"]) <= _utc(p["visible_start"]["time"]) < _utc(p["visible_end"]["time"])
        assert _utc(p["visible_end"]["time"]) <= _utc(p["set"]["time"])
        assert p["culmination"]["elevation_deg"] >= 10
        assert -5 < p["magnitude"] < 3
        # Each time and the duration are rounded to the second on their own: at most 1 s apart.
        shown = (_utc(p["set"]["time"]) - _utc(p["rise"]["time"])).total_seconds()
        assert abs(p["duration_s"] - shown) <= 1
    every = cli("passes", *PLACE, "--from", FROM, "--tle-file", tle_file, "--json", "--all").json()["passes"]
    assert len(every) > len(data["passes"])
    assert {p["kind"] for p in every} >= {"visible", "daylight"}


def test_csv_has_a_header_and_the_same_passes_as_json(cli: Any, tle_file: str) -> None:
    args = ("passes", *PLACE, "--from", FROM, "--tle-file", tle_file, "--all")
    rows = list(csv.DictReader(io.StringIO(cli(*args, "--csv").out)))
    passes = cli(*args, "--json").json()["passes"]
    assert len(rows) == len(passes)
    for row, p in zip(rows, passes, strict=True):
        assert row["rise_time"] == p["rise"]["time"]
        assert row["culmination_elevation_deg"] == str(p["culmination"]["elevation_deg"])
        assert row["visible"] == str(p["visible"]).lower()
        assert row["magnitude"] == ("" if p["magnitude"] is None else str(p["magnitude"]))


def test_table_shows_local_times_across_a_daylight_saving_change(cli: Any, tle_file: str) -> None:
    # Europe/Amsterdam leaves summer time at 2026-10-25 01:00 UTC.
    args = (
        "passes",
        *PLACE,
        "--from",
        "2026-10-22T00:00:00Z",
        "--days",
        "6",
        "--all",
        "--tle-file",
        tle_file,
        "-q",
    )
    passes = cli(*args, "--json").json()["passes"]
    table = cli(*args).out
    zone = ZoneInfo("Europe/Amsterdam")
    offsets = set()
    for p in passes:
        shown = (p["visible_start"] or p["rise"])["time"]  # the table's "appears" column
        local = _utc(shown).astimezone(zone)
        offsets.add(local.utcoffset())
        assert f"{local:%a %d %b}" in table and f"{local:%H:%M:%S}" in table
    assert len(offsets) == 2, "passes on both sides of the change"
    assert "times in Europe/Amsterdam" in table


def test_pass_in_progress_at_from_is_marked(cli: Any, tle_file: str) -> None:
    first = cli("passes", *PLACE, "--from", FROM, "--tle-file", tle_file, "--json").json()["passes"][0]
    middle = first["culmination"]["time"]
    again = cli("passes", *PLACE, "--from", middle, "--tle-file", tle_file, "--json", "-q").json()["passes"][
        0
    ]
    assert again["in_progress"] is True
    assert again["rise"]["time"] == first["rise"]["time"]
    table = cli("passes", *PLACE, "--from", middle, "--tle-file", tle_file, "-q").out
    assert "* in progress at the start of the window" in table


def test_polar_day_is_said_plainly(cli: Any, tle_file: str) -> None:
    args = ("passes", "--lat", "61.5", "--lon", "23.76", "--from", "2026-06-18T00:00:00Z", "--days", "3")
    result = cli(*args, "--tle-file", tle_file, "-q")
    assert result.code == 0
    assert "never gets darker than civil twilight" in result.out
    data = cli(*args, "--tle-file", tle_file, "-q", "--json").json()
    assert data["sky_gets_dark"] is False and data["passes"] == []


def test_ics_has_one_event_per_visible_pass_with_alarm_and_stable_uids(
    cli: Any, tmp_path: Path, tle_file: str
) -> None:
    from icalendar import Calendar

    ics = tmp_path / "iss.ics"
    args = ("passes", *PLACE, "--from", FROM, "--days", "4", "-q")
    result = cli(*args, "--tle-file", tle_file, "--ics", str(ics))
    assert result.code == 0, result.err
    assert result.out == ""
    visible = cli(*args, "--tle-file", tle_file, "--json").json()["passes"]
    events = [c for c in Calendar.from_ical(ics.read_bytes()).walk("VEVENT")]
    assert len(events) == len(visible) > 0
    for event, p in zip(events, visible, strict=True):
        assert event.decoded("dtstart") == _utc(p["visible_start"]["time"])
        assert str(event["summary"]).startswith(f"ISS visible: appears {p['visible_start']['direction']},")
        assert any(c.name == "VALARM" for c in event.subcomponents)
        # The description gives the place's clock (Amsterdam in September: CEST), as the table does.
        local = _utc(p["visible_start"]["time"]).astimezone(ZoneInfo("Europe/Amsterdam"))
        local += timedelta(microseconds=500_000)  # rounded to the nearest second, half up
        assert f"Appears {local:%H:%M:%S} CEST " in str(event["description"]), event["description"]
        assert "UTC" not in str(event["description"])
    # Re-export with the previous reference set (3.6 days older): the same passes keep their UIDs.
    older = write_tle(tmp_path / "older.tle", history_sets()[-2])
    ics2 = tmp_path / "iss2.ics"
    assert cli(*args, "--tle-file", older, "--ics", str(ics2)).code == 0
    uids = {str(e["uid"]) for e in events}
    uids2 = {str(e["uid"]) for e in Calendar.from_ical(ics2.read_bytes()).walk("VEVENT")}
    assert uids == uids2


def test_ics_to_an_unwritable_place_is_bad_input_and_writes_nothing(
    cli: Any, tmp_path: Path, tle_file: str
) -> None:
    missing_dir = tmp_path / "no" / "such" / "dir" / "iss.ics"
    result = cli("passes", *PLACE, "--tle-file", tle_file, "--ics", str(missing_dir))
    assert result.code == 2
    assert "does not exist" in result.err
    result = cli("passes", *PLACE, "--tle-file", tle_file, "--ics", str(tmp_path))
    assert result.code == 2
    assert "is a directory" in result.err and "like passes.ics in it" in result.err
    assert not list(tmp_path.glob("*.ics")) and not list(tmp_path.glob(".isstrack-*"))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--days", "0"], "--days 0 is outside 1-30"),
        (["--days", "31"], "--days 31 is outside 1-30"),
        (["--min-elevation", "-1"], "--min-elevation -1 is outside [0, 90)"),
        (["--min-elevation", "90"], "--min-elevation 90 is outside [0, 90)"),
        (["--tz", "Mars/Olympus"], "unknown time zone"),
        (["--json", "--csv"], "--json and --csv cannot be used together"),
        (["--from", "soon"], "--from 'soon' is not an ISO 8601 time"),
        (["--from", "2049-12-25T00:00:00Z"], "--from '2049-12-25T00:00:00Z' is outside the supported range"),
    ],
)
def test_passes_bad_input(cli: Any, tmp_path: Path, args: list[str], words: str) -> None:
    result = cli("passes", *PLACE, *args)
    assert result.code == 2
    assert words in result.err
    assert result.err.count("\n") == 1
    assert not (tmp_path / "cache").exists()


def test_passes_needs_a_place(cli: Any) -> None:
    result = cli("passes", "--offline")
    assert result.code == 2
    assert "passes needs a place" in result.err


AT = "2026-09-25T18:25:00Z"  # seven minutes before the evening pass of 25 September


def test_next_within_exits_0_or_1_like_grep(cli: Any, tle_file: str) -> None:
    hit = cli("next", *PLACE, "--at", AT, "--within", "10m", "--tle-file", tle_file)
    assert hit.code == 0
    assert "in 7 min" in hit.out and "appears W" in hit.out
    miss = cli("next", *PLACE, "--at", AT, "--within", "5m", "--tle-file", tle_file, "--quiet")
    assert miss.code == 1
    assert miss.out == "" and miss.err == ""
    dim = cli("next", *PLACE, "--at", AT, "--within", "10m", "--max-magnitude", "-3", "--tle-file", tle_file)
    assert dim.code == 1


def test_next_json_uses_the_pass_schema_of_passes(cli: Any, tle_file: str) -> None:
    found = cli("next", *PLACE, "--at", AT, "--tle-file", tle_file, "--json").json()
    listed = cli("passes", *PLACE, "--from", AT, "--days", "1", "--tle-file", tle_file, "--json").json()
    assert found["pass"] == listed["passes"][0]
    assert found["seconds_until"] == round(
        (_utc(found["pass"]["visible_start"]["time"]) - _utc(AT)).total_seconds()
    )
    none = cli("next", *PLACE, "--at", AT, "--within", "5m", "--tle-file", tle_file, "--json")
    assert none.code == 1
    assert none.json()["pass"] is None


def test_next_format_fields(cli: Any, tle_file: str) -> None:
    template = (
        "{start_local:%H:%M} {appears_dir} {max_elevation_deg:.0f} {magnitude:.1f} {minutes_until} {kind}"
    )
    result = cli("next", *PLACE, "--at", AT, "--tle-file", tle_file, "--format", template)
    assert result.code == 0
    start, direction, height, mag, minutes, kind = result.out.split()
    assert start == "20:32" and direction == "W" and minutes == "7" and kind == "visible"
    assert 25 <= int(height) <= 35 and float(mag) < -2


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--within", "15x"], "--within '15x' is not a duration"),
        (["--within", "-5m"], "--within '-5m' is not a duration"),
        (["--within", ""], "--within '' is not a duration"),
        (["--within", "31d"], "longer than 30 days"),
        (["--format", "{nope}"], "unknown field {nope}; valid fields: start_local"),
        (["--format", "{start_local"], "is not a valid template"),
        (["--format", "{}"], "positional {} fields are not allowed"),
        (["--format", "{minutes_until:%H}"], "cannot be filled"),
        (["--json", "--format", "{kind}"], "--json and --format cannot be used together"),
    ],
)
def test_next_bad_input(cli: Any, tle_file: str, args: list[str], words: str) -> None:
    result = cli("next", *PLACE, "--at", AT, "--tle-file", tle_file, *args)
    assert result.code == 2
    assert words in result.err
    assert result.err.count("\n") == 1
    assert result.out == ""
