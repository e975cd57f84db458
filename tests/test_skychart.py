"""Sky charts: marks where the polar projection of an independent direction puts them; next/passes --chart."""

from __future__ import annotations

import itertools
import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from tests.independent import look_angles
from tests.tle_tools import newest

AMSTERDAM = (52.37403, 4.88969)
FROM = "2026-09-24T12:00:00Z"


def _first_visible_pass() -> tuple[Any, Any, Any]:
    from isstrack.elements.tle import parse_elements
    from isstrack.sky.orbit import Observer, Orbit
    from isstrack.sky.passes import find_passes

    orbit = Orbit(parse_elements("\n".join(newest())))
    observer = Observer(*AMSTERDAM)
    start = datetime(2026, 9, 24, 12, tzinfo=timezone.utc)
    search = find_passes(orbit, observer, start, start + timedelta(days=2), 10.0)
    item = next(p for p in search.passes if p.visible)
    return orbit, observer, item


def _expected_cells(azimuth_deg: float, elevation_deg: float) -> set[tuple[int, int]]:
    """Cells from the polar projection, written out here: looking up, north up, east left."""
    radius_dots, top_rows, left_columns = 40, 1, 2  # the chart's documented layout
    cells = set()
    for d_az, d_el in itertools.product((-0.1, 0.0, 0.1), repeat=2):
        r = radius_dots * (90.0 - (elevation_deg + d_el)) / 90.0
        az = math.radians(azimuth_deg + d_az)
        x = radius_dots - r * math.sin(az)
        y = radius_dots - r * math.cos(az)
        cells.add((top_rows + int(y + 0.5) // 4, left_columns + int(x + 0.5) // 2))
    return cells


def test_appear_highest_disappear_marks_sit_where_the_projection_puts_them() -> None:
    from isstrack.render.skychart import CHART_COLUMNS, sky_chart
    from isstrack.sky.skypath import sky_path

    orbit, observer, item = _first_visible_pass()
    zone = ZoneInfo("Europe/Amsterdam")
    text = sky_chart(sky_path(orbit, observer, item), zone, colour=False, width=120).plain
    lines = [line[:CHART_COLUMNS] for line in text.splitlines()]
    _, line1, line2 = newest()
    for mark, point in (("A", item.visible_start), ("H", item.visible_highest), ("D", item.visible_end)):
        found = [(r, c) for r, line in enumerate(lines) for c, ch in enumerate(line) if ch == mark]
        azimuth, elevation, _ = look_angles(line1, line2, point.time, *AMSTERDAM)
        assert len(found) == 1, (mark, found)
        assert found[0] in _expected_cells(azimuth, elevation), (mark, found, azimuth, elevation)
        local = _rounded(point.time).astimezone(zone).strftime("%H:%M:%S")
        assert f"{mark} {local}" in text
    # Compass points: north above the zenith, south below it, east on the LEFT, west on the right.
    assert lines[0].index("N") == lines[-1].index("S") == 2 + 20
    centre = lines[1 + 10]
    assert centre.index("E") == 0 and centre.rstrip().endswith("W")
    assert "looking up: N top, E left" in text


def _rounded(moment: datetime) -> datetime:
    """Round to the nearest second, half up, as the pass table does (written out here)."""
    return (moment + timedelta(microseconds=500_000)).replace(microsecond=0)


def test_labels_round_to_the_nearest_second_as_the_table_does() -> None:
    from dataclasses import replace

    from isstrack.render.skychart import sky_chart
    from isstrack.sky.skypath import sky_path

    orbit, observer, item = _first_visible_pass()
    path = sky_path(orbit, observer, item)
    # Put each labelled moment 0.7 s past a whole second: truncating shows the second before.
    late = {
        name: replace(point, time=point.time.replace(microsecond=700_000))
        for name in ("visible_start", "visible_highest", "visible_end")
        if (point := getattr(item, name)) is not None
    }
    text = sky_chart(replace(path, item=replace(item, **late)), timezone.utc, colour=False, width=120).plain
    for mark, point in zip("AHD", late.values(), strict=True):
        shown = point.time.replace(microsecond=0) + timedelta(seconds=1)
        assert f"{mark} {shown:%H:%M:%S}" in text, (mark, shown)


def test_minute_ticks_and_shadow_entry() -> None:
    from isstrack.render.skychart import MINUTE, sky_chart
    from isstrack.sky.skypath import sky_path

    orbit, observer, item = _first_visible_pass()
    path = sky_path(orbit, observer, item)
    minutes = [p for p in path.points if p.whole_minute]
    assert minutes and all(p.time.second == 0 for p in minutes)
    assert len(minutes) == math.floor(item.duration_s / 60) or len(minutes) == math.ceil(item.duration_s / 60)
    text = sky_chart(path, timezone.utc, colour=False, width=120).plain
    assert text.count(MINUTE) >= len(minutes) - 2  # a tick under a letter mark is hidden by it
    if item.fades_into_shadow:
        assert "into Earth's shadow" in text
        entering = [p for p, leaves in path.shadow_changes() if not leaves]
        assert abs((entering[0].time - item.visible_end.time).total_seconds()) <= 6


def test_chart_fits_80_columns_with_labels_below() -> None:
    from isstrack.render.skychart import sky_chart
    from isstrack.sky.skypath import sky_path

    orbit, observer, item = _first_visible_pass()
    from rich.cells import cell_len

    text = sky_chart(sky_path(orbit, observer, item), timezone.utc, colour=False, width=80).plain
    assert max(cell_len(line) for line in text.splitlines()) <= 80


def test_next_chart_and_passes_chart(cli: Any, tle_file: str) -> None:
    env = {"COLUMNS": "80"}
    result = cli("next", "--city", "Amsterdam", "--at", FROM, "--tle-file", tle_file, "--chart", env=env)
    assert result.code == 0, result.err
    assert result.out.startswith("Amsterdam, NL: Thu 24 Sep 21:20 CEST")  # next names its place first
    assert "A 21:20:02 appears" in result.out and "looking up: N top, E left" in result.out
    result = cli(
        "passes", "--city", "Amsterdam", "--from", FROM, "--days", "3", "--tle-file", tle_file, "--chart"
    )
    assert result.code == 0, result.err
    # Table rows, boxed or plain: a date, then the time and place the pass appears.
    row = re.compile(r"^│? ?(?:\w{3} )?\d\d \w{3}\s+│?\s*\d\d:\d\d:\d\d\s+\d+°")
    table_rows = [line for line in result.out.splitlines() if row.match(line)]
    assert len(table_rows) >= 2
    assert result.out.count("looking up: N top, E left") == len(table_rows)
    bad = cli("next", "--city", "Amsterdam", "--tle-file", tle_file, "--chart", "--json")
    assert bad.code == 2 and "--json and --chart cannot be used together" in bad.err
