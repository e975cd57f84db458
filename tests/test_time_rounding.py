"""Times are shown rounded to the nearest second, never truncated (issue 8, item 24)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from isstrack.elements.tle import parse_elements
from isstrack.render.text import local_text, utc_text
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.passes import find_passes
from isstrack.sky.times import iso_z, nearest_second
from tests.tle_tools import newest, text


def test_fractions_of_a_second_round_to_the_nearest() -> None:
    late = datetime(2026, 9, 24, 21, 30, 5, 600_000, tzinfo=timezone.utc)
    early = datetime(2026, 9, 24, 21, 30, 5, 400_000, tzinfo=timezone.utc)
    assert iso_z(late) == "2026-09-24T21:30:06Z"
    assert iso_z(early) == "2026-09-24T21:30:05Z"
    assert iso_z(datetime(2026, 12, 31, 23, 59, 59, 500_000, tzinfo=timezone.utc)) == "2027-01-01T00:00:00Z"
    assert utc_text(late) == "2026-09-24 21:30:06 UTC"
    assert local_text(late, ZoneInfo("Europe/Amsterdam")) == "2026-09-24 23:30:06 CEST"
    assert nearest_second(late) - late == timedelta(microseconds=400_000)


def test_a_pass_at_point_6_s_is_printed_a_second_later(cli: Any, tmp_path: Path) -> None:
    tle = newest()
    path = tmp_path / "iss.tle"
    path.write_text("\n".join(tle) + "\n")
    start = datetime(2026, 9, 24, 12, 0, tzinfo=timezone.utc)
    search = find_passes(
        Orbit(parse_elements(text(tle), 25544)),
        Observer(52.37, 4.89),
        start,
        start + timedelta(days=10),
        10.0,
    )
    # A pass that is not visible: the table shows its rise (a visible one shows where it appears).
    rise = next(p.rise.time for p in search.passes if p.rise.time.microsecond >= 500_000 and not p.visible)
    expected = (rise.replace(microsecond=0) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    truncated = rise.strftime("%H:%M:%S")
    args = ["--lat", "52.37", "--lon", "4.89", "--from", "2026-09-24T12:00:00Z", "--tle-file", str(path)]
    result = cli("passes", *args, "--all", "--json")
    assert result.code == 0, result.err
    rises = [p["rise"]["time"] for p in result.json()["passes"]]
    assert expected in rises
    table = cli("passes", *args, "--all", "--tz", "UTC", env={"COLUMNS": "200"})
    assert table.code == 0, table.err
    assert expected[11:19] in table.out
    assert truncated not in table.out
