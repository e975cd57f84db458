"""The library API: docs/library.md's example run as written, checked against plain sgp4 and PyEphem.

Also what `import isstrack` costs, that the library never loads the command line or its renderers,
that it keeps the command line's element policy, and that it turns bad values away in one line.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import math
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import ephem
import pytest
from pytest_httpserver import HTTPServer

import isstrack
from isstrack.errors import BadInputError, IsstrackError, LocationError, TimeInputError, TleFormatError
from tests.independent import (
    ecef_km,
    ephem_body,
    ephem_brightest,
    ephem_observer,
    ephem_passes,
    geodetic,
)
from tests.tle_tools import newest, shift_epoch, text

ROOT = Path(__file__).resolve().parents[1]
NAME, LINE1, LINE2 = newest()  # the bundled set (data/iss.tle)
THRESHOLD_DEG = 10.0
DARK_SUN_DEG = -6.0
MIN_VISIBLE_S = 10.0  # docs/passes.md, "Visible passes": a shorter visible part is not a visible pass
START = datetime(2026, 9, 24, tzinfo=timezone.utc)


def readme_example() -> tuple[str, str]:
    """Return the Library section's Python block and the output docs/library.md says it prints."""
    section = (ROOT / "docs" / "library.md").read_text()
    code = re.search(r"```python\n(.+?)\n```", section, re.S)
    shown = re.search(r"```text\n(.+?)\n```", section, re.S)
    assert code and shown, "docs/library.md has a python block and its text output"
    return code.group(1), shown.group(1) + "\n"


def run_readme_example() -> str:
    """Run docs/library.md's example in this process, offline, and return what it printed."""
    code, _ = readme_example()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "docs/library.md", "exec"), {"__name__": "readme_example"})
    return out.getvalue()


@pytest.fixture(scope="module")
def printed() -> str:
    return run_readme_example()


def example_start() -> datetime:
    code, _ = readme_example()
    found = re.search(r"start = datetime\((\d+), (\d+), (\d+), (\d+), (\d+), tzinfo=timezone.utc\)", code)
    assert found, "the example starts at a fixed UTC time"
    year, month, day, hour, minute = (int(v) for v in found.groups())
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def example_places() -> list[tuple[float, float]]:
    code, _ = readme_example()
    found = re.search(r"places = \[(.+?)\]", code)
    assert found
    return [(float(a), float(b)) for a, b in re.findall(r"\(([-\d.]+), ([-\d.]+)\)", found.group(1))]


# -- independent visibility, from PyEphem only ---------------------------------------------------


def visible_span(
    body: ephem.EarthSatellite, lat: float, lon: float, rise: datetime, set_: datetime
) -> tuple[float, datetime | None, datetime | None]:
    """Return seconds visible (sunlit, Sun at or below -6°, 10° up) every 0.5 s, and the first and last."""
    obs = ephem_observer(lat, lon, rise)
    sun = ephem.Sun()
    seen, first, last = 0, None, None
    t = rise
    while t <= set_:
        obs.date = ephem.Date(t.replace(tzinfo=None))
        body.compute(obs)
        sun.compute(obs)
        up = math.degrees(body.alt) >= THRESHOLD_DEG
        if up and not body.eclipsed and math.degrees(sun.alt) <= DARK_SUN_DEG:
            seen += 1
            first = first or t
            last = t
        t += timedelta(seconds=0.5)
    return seen * 0.5, first, last


def pyephem_passes(lat: float, lon: float, start: datetime, days: float) -> list[dict[str, Any]]:
    """Return every pass above 10° in the window, with PyEphem's visible seconds and brightest magnitude."""
    body = ephem_body(NAME, LINE1, LINE2)
    found = []
    for rise, _top, set_, height in ephem_passes(
        body, lat, lon, start, start + timedelta(days=days), THRESHOLD_DEG
    ):
        seconds, first, last = visible_span(body, lat, lon, rise, set_)
        brightest = ephem_brightest(body, lat, lon, first, last, -1.8) if first and last else None
        found.append({"rise": rise, "height": height, "visible_s": seconds, "magnitude": brightest})
    return found


# -- docs/library.md's example--------------------------------------------------------------------------


def test_readme_example_prints_what_the_readme_says(printed: str) -> None:
    _, shown = readme_example()
    assert printed == shown


def test_readme_example_station_is_where_plain_sgp4_puts_it(printed: str) -> None:
    line = re.search(r"below: ([-\d.]+) ([-\d.]+), ([\d.]+) km up", printed)
    assert line, printed
    lat, lon, height_km = (float(v) for v in line.groups())
    want_lat, want_lon, want_height = geodetic(ecef_km(LINE1, LINE2, example_start()))
    # Printed to 0.01°; plain sgp4 rotated by GMST ignores UT1-UTC (up to 0.004° of longitude).
    assert abs(lat - want_lat) < 0.01
    assert abs((lon - want_lon + 180) % 360 - 180) < 0.015
    assert abs(height_km - want_height) < 0.1


def test_readme_example_passes_are_pyephems_visible_passes(printed: str) -> None:
    rows = re.findall(r"^(\S+ \S+) UTC, up to ([\d.]+) deg, mag ([-\d.]+)$", printed, re.M)
    assert len(rows) >= 2, printed
    lat, lon = example_places()[0]
    theirs = pyephem_passes(lat, lon, example_start(), 3)
    for when, height, mag in rows:
        rise = datetime.strptime(when, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
        match = [p for p in theirs if abs((p["rise"] - rise).total_seconds()) < 2]  # printed truncated
        assert len(match) == 1, f"no PyEphem pass rises at {when}"
        assert abs(float(height) - match[0]["height"]) < 0.1
        assert match[0]["visible_s"] > 0, f"PyEphem never sees the {when} pass"
        assert abs(float(mag) - match[0]["magnitude"]) < 0.1  # printed to 0.1; agree within 0.05
    clearly_visible = [p for p in theirs if p["visible_s"] >= MIN_VISIBLE_S + 5]
    assert len(rows) >= len(clearly_visible)
    assert len(rows) <= len([p for p in theirs if p["visible_s"] >= MIN_VISIBLE_S - 5])


def test_readme_example_counts_per_place_are_pyephems(printed: str) -> None:
    line = re.search(r"visible passes: \[([\d, ]+)\]", printed)
    assert line, printed
    counts = [int(v) for v in line.group(1).split(",")]
    places = example_places()
    assert len(counts) == len(places) == 3
    for count, (lat, lon) in zip(counts, places, strict=True):
        theirs = pyephem_passes(lat, lon, example_start(), 3)
        sure = sum(p["visible_s"] >= MIN_VISIBLE_S + 5 for p in theirs)
        maybe = sum(p["visible_s"] >= MIN_VISIBLE_S - 5 for p in theirs)
        assert sure <= count <= maybe, (lat, lon, count, [p["visible_s"] for p in theirs])
    assert sum(counts) > 0


# -- what importing costs, and what the library never loads ----------------------------------------


def imported_modules(code: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return {
        line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")
    }


def test_import_isstrack_loads_nothing_the_cli_does_not_load_first() -> None:
    library = imported_modules("import isstrack")
    cli = imported_modules("import isstrack.cli.app")
    assert library <= cli, library - cli
    assert {m for m in library if m.startswith("isstrack")} == {"isstrack"}
    assert not library & {"numpy", "skyfield", "typer", "rich"}


def test_a_type_alone_does_not_load_the_pass_engine() -> None:
    names = imported_modules("from isstrack import Pass, PassSearch, StationState, ElementSet")
    assert not names & {"isstrack.api", "isstrack.sky.engine", "numpy", "skyfield"}, names


def test_the_library_never_loads_the_command_line_or_renderers(tmp_path: Path) -> None:
    tle = tmp_path / "iss.tle"
    tle.write_text("\n".join(newest()) + "\n")
    code = f"""
import sys
from datetime import datetime, timezone
import isstrack
start = datetime(2026, 9, 24, tzinfo=timezone.utc)
iss = isstrack.load_elements(offline=True)
isstrack.load_elements_file({str(tle)!r})
isstrack.parse_elements_text(open({str(tle)!r}).read())
isstrack.find_passes(iss, 52.37, 4.89, start=start, days=2, all_passes=True)
isstrack.find_passes_many(iss, [(52.37, 4.89), (-33.87, 151.21)], start=start, days=2)
isstrack.station_states(iss, [start])
print(sorted(m for m in sys.modules if m.split(".")[0] in ("typer", "rich", "click")
             or m.startswith(("isstrack.cli", "isstrack.render"))))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_every_public_name_resolves_to_its_home_and_is_listed() -> None:
    from isstrack import api, elements, errors, sky  # noqa: F401 (the subpackages still import)

    assert set(isstrack.__all__) == {*isstrack._HOMES, "ISS_CATALOG_NUMBER", "__version__"}
    stub = ast.parse((ROOT / "isstrack" / "__init__.pyi").read_text())
    typed = {a.asname: n.module for n in stub.body if isinstance(n, ast.ImportFrom) for a in n.names}
    assert typed == isstrack._HOMES  # type checkers see each name where it is imported from
    for name in isstrack.__all__:
        assert getattr(isstrack, name) is not None
        assert name in dir(isstrack)
    assert isstrack.find_passes is api.find_passes
    assert isstrack.IsstrackError is errors.IsstrackError
    with pytest.raises(AttributeError, match="no attribute 'find_pases'"):
        isstrack.find_pases  # type: ignore[attr-defined]  # noqa: B018


# -- elements: the command line's policy and sources -----------------------------------------------


def test_load_elements_keeps_the_policy_and_shares_the_cache_with_the_cli(
    httpserver: HTTPServer, isolated_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, cli: Any
) -> None:
    newer = shift_epoch(newest(), 20.0)
    httpserver.expect_request("/gp.php").respond_with_data(text(newer))
    monkeypatch.setenv("ISSTRACK_TLE_URL", httpserver.url_for("/gp.php") + "?CATNR={catnr}&FORMAT=TLE")
    first = isstrack.load_elements()
    second = isstrack.load_elements()
    assert first.source == "network" and second.source == "cache"
    assert first.elements.line1 == second.elements.line1 == newer[1]
    assert len(httpserver.log) == 1  # one download per 2 hours, however often a script asks
    env = {"ISSTRACK_TLE_URL": httpserver.url_for("/gp.php") + "?CATNR={catnr}&FORMAT=TLE"}
    shown = cli("tle", "--json", env=env)
    assert shown.code == 0, shown.err
    assert json.loads(shown.out)["elements"]["source"] == "cache"
    assert len(httpserver.log) == 1


def test_load_elements_offline_uses_the_bundled_set_and_writes_nothing(isolated_env: dict[str, str]) -> None:
    used = isstrack.load_elements(offline=True)
    assert used.source == "bundled"
    assert (used.elements.line1, used.elements.line2) == (LINE1, LINE2)
    assert not Path(isolated_env["ISSTRACK_CACHE_DIR"]).exists()


def test_load_elements_file_takes_the_set_nearest_the_time(tmp_path: Path) -> None:
    later = shift_epoch(newest(), 6.0)
    path = tmp_path / "two.tle"
    path.write_text(text(newest()) + text(later))
    epoch = isstrack.load_bundled_elements().elements.epoch
    assert isstrack.load_elements_file(path, at=epoch + timedelta(days=4)).elements.line1 == later[1]
    assert isstrack.load_elements_file(str(path), at=epoch + timedelta(days=2)).elements.line1 == LINE1


def test_parse_elements_text_checks_the_text() -> None:
    assert isstrack.parse_elements_text(text(newest())).line2 == LINE2
    with pytest.raises(TleFormatError):
        isstrack.parse_elements_text("ISS\n1 25544U garbage\n2 25544 garbage\n")
    with pytest.raises(TleFormatError):
        isstrack.parse_elements_text(text(newest()), catalog_number=20580)


# -- positions and passes ------------------------------------------------------------------------


def test_station_states_agree_with_plain_sgp4_within_1_km() -> None:
    iss = isstrack.load_bundled_elements()
    times = [iss.elements.epoch + timedelta(minutes=m) for m in (0, 47, 333, 1440, 4000)]
    states = isstrack.station_states(iss, times)
    assert [s.time for s in states] == times
    for state, moment in zip(states, times, strict=True):
        lat, lon, height = geodetic(ecef_km(LINE1, LINE2, moment))
        north_km = (state.latitude_deg - lat) * 111.2
        east_km = ((state.longitude_deg - lon + 180) % 360 - 180) * 111.2 * math.cos(math.radians(lat))
        assert math.hypot(north_km, east_km) < 1.0
        assert abs(state.altitude_km - height) < 1.0
    assert isstrack.station_state(iss.elements, times[1]) == states[1]


def test_many_places_with_workers_equal_one_place_at_a_time() -> None:
    iss = isstrack.load_bundled_elements()
    coordinates = [(52.37, 4.89, 0.0), (-33.87, 151.21, 20.0), (40.71, -74.01, 0.0), (64.1, -21.9, 0.0)]
    places: list[Any] = [
        coordinates[0],
        coordinates[1],
        isstrack.Observer(*coordinates[2]),
        coordinates[3][:2],
    ]
    alone = [isstrack.find_passes(iss, *c, start=START, days=4, all_passes=True) for c in coordinates]
    together = isstrack.find_passes_many(iss, places, start=START, days=4, all_passes=True, workers=2)
    assert len(together) == len(places)
    for one, many in zip(alone, together, strict=True):
        assert [p.rise.time for p in one.passes] == [p.rise.time for p in many.passes]
        assert [p.kind for p in one.passes] == [p.kind for p in many.passes]
    assert {p.kind for search in together for p in search.passes} >= {"visible", "daylight"}


def test_passes_kept_are_visible_and_bright_enough() -> None:
    iss = isstrack.load_bundled_elements()
    every = isstrack.find_passes(iss, 52.37, 4.89, start=START, days=10, all_passes=True).passes
    visible = isstrack.find_passes(iss, 52.37, 4.89, start=START, days=10).passes
    bright = isstrack.find_passes(iss, 52.37, 4.89, start=START, days=10, max_magnitude=-2.0).passes
    assert len(every) > len(visible) > len(bright) > 0
    assert visible == tuple(p for p in every if p.kind == "visible")
    assert all(p.magnitude is not None and p.magnitude <= -2.0 for p in bright)
    assert set(bright) <= set(visible)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda iss: isstrack.station_state(iss, datetime(2026, 9, 24)), TimeInputError, "no time zone"),
        (
            lambda iss: isstrack.find_passes(iss, 0, 0, start=datetime(2026, 9, 24)),
            TimeInputError,
            "time zone",
        ),
        (lambda iss: isstrack.find_passes(iss, 91, 0, start=START), LocationError, "[-90, 90]"),
        (lambda iss: isstrack.find_passes(iss, 0, 0, start=START, days=31), BadInputError, "days=31"),
        (lambda iss: isstrack.find_passes(iss, 0, 0, start=START, days=math.nan), BadInputError, "days=nan"),
        (
            lambda iss: isstrack.find_passes(iss, 0, 0, start=START, min_elevation_deg=90),
            BadInputError,
            "[0, 90)",
        ),
        (
            lambda iss: isstrack.find_passes_many(iss, [(0, 0)], start=START, workers=0),
            BadInputError,
            "workers=0",
        ),
        (lambda iss: isstrack.load_elements_file("/nonexistent/iss.tle"), TleFormatError, "no such file"),
    ],
)
def test_bad_values_are_one_line_errors(call: Any, error: type[IsstrackError], words: str) -> None:
    iss = isstrack.load_bundled_elements()
    with pytest.raises(error) as raised:
        call(iss)
    message = str(raised.value)
    assert words in message and "\n" not in message
