"""The library's other sources: NASA's trajectory (load_ephemeris_file) and objects other than the ISS.

The trajectory's passes are the command line's `passes --ephemeris --json`, pass for pass; a window
past its end on elements from before its burn is refused with the typed error of exit status 3.
Hubble's passes from CelesTrak's OMM CSV and JSON are checked against plain sgp4 fed the OMM fields
directly, with the elevation worked out in this file.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sgp4 import omm
from sgp4.api import Satrec
from sgp4.propagation import gstime

import isstrack
from isstrack.errors import BadInputError, ExitStatus, UntrustedElementsError
from tests.independent import julian, observer_ecef_km
from tests.oem_tools import OEM_FILE

OMM_DIR = Path(__file__).parent / "omm"
AMSTERDAM = (52.37, 4.90)
INSIDE = datetime(2026, 9, 26, 7, 0, tzinfo=timezone.utc)  # after the OEM's burn, inside its span
PAST_END = datetime(2026, 10, 7, 0, 0, tzinfo=timezone.utc)  # the OEM stops 2026-10-06 07:00
HUBBLE = 20580
THRESHOLD_DEG = 10.0


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _cli_passes(cli: Any, start: datetime, *extra: str) -> list[dict[str, Any]]:
    lat, lon = AMSTERDAM
    result = cli(
        "passes", "--lat", str(lat), "--lon", str(lon), "--from", f"{start:%Y-%m-%dT%H:%MZ}",
        "--days", "1", "--all", "--json", "--ephemeris", str(OEM_FILE), *extra,
    )  # fmt: skip
    assert result.code == 0, result.err
    data = result.json()
    passes: list[dict[str, Any]] = data["passes"]
    return passes


def _same_passes(found: isstrack.PassSearch, shown: list[dict[str, Any]]) -> None:
    """Assert the library's passes are the JSON's: times to the second, angles to 0.1°, magnitude, kind."""
    assert len(found.passes) == len(shown) > 0
    for mine, theirs in zip(found.passes, shown, strict=True):
        for name in ("rise", "culmination", "set"):
            point, printed = getattr(mine, name), theirs[name]
            assert abs((point.time - _utc(printed["time"])).total_seconds()) <= 0.5
            assert round(point.elevation_deg, 1) == printed["elevation_deg"]
            assert round(point.azimuth_deg, 1) == printed["azimuth_deg"]
        assert mine.visible == theirs["visible"]
        assert mine.magnitude == theirs["magnitude"] or (
            mine.magnitude is not None and round(mine.magnitude, 2) == theirs["magnitude"]
        )


# -- NASA's trajectory ----------------------------------------------------------------------------------


def test_ephemeris_passes_are_the_command_lines(cli: Any) -> None:
    """Inside the OEM after its burn: the same passes as `passes --ephemeris FILE --json`."""
    iss = isstrack.load_ephemeris_file(OEM_FILE)
    assert iss.ephemeris is not None and iss.ephemeris_origin == str(OEM_FILE)
    found = isstrack.find_passes(iss, *AMSTERDAM, start=INSIDE, days=1, all_passes=True)
    _same_passes(found, _cli_passes(cli, INSIDE))
    # The bundled elements alone (from before the burn) put the passes seconds elsewhere.
    plain = isstrack.find_passes(
        isstrack.load_bundled_elements(), *AMSTERDAM, start=INSIDE, days=1, all_passes=True
    )
    assert abs((plain.passes[0].rise.time - found.passes[0].rise.time).total_seconds()) > 5.0


def test_ephemeris_many_places_match_one_place() -> None:
    iss = isstrack.load_ephemeris_file(str(OEM_FILE))
    places = [AMSTERDAM, (40.71, -74.01)]
    many = isstrack.find_passes_many(iss, places, start=INSIDE, days=1, all_passes=True)
    assert isstrack.find_passes_many(iss, places, start=INSIDE, days=1, all_passes=True, workers=2) == many
    for place, search in zip(places, many, strict=True):
        one = isstrack.find_passes(iss, *place, start=INSIDE, days=1, all_passes=True)
        assert [p.rise.time for p in search.passes] == pytest.approx(
            [p.rise.time for p in one.passes], abs=timedelta(seconds=1)
        )
        assert len(search.passes) > 0


def test_ephemeris_station_state_is_the_trajectory_inside_it() -> None:
    """At a state of the OEM, the point below is that state's (J2000 ~ GCRS; rotated by GMST here)."""
    line = next(row for row in OEM_FILE.read_text().splitlines() if row.startswith("2026-09-26T07:10:30.953"))
    moment = datetime(2026, 9, 26, 7, 10, 30, 953000, tzinfo=timezone.utc)
    x, y, z = (float(v) for v in line.split()[1:4])
    jd, fr = julian(moment)
    # EME2000 to Earth-fixed by GMST alone: precession since 2000 (~0.36°) moves the longitude most.
    theta = gstime(jd + fr)
    lon_deg = math.degrees(
        math.atan2(-math.sin(theta) * x + math.cos(theta) * y, math.cos(theta) * x + math.sin(theta) * y)
    )
    iss = isstrack.load_ephemeris_file(OEM_FILE)
    here = isstrack.station_state(iss, moment)
    geocentric_lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    assert abs(here.latitude_deg - geocentric_lat) < 0.5  # geodetic vs geocentric differ by < 0.2°
    assert abs((here.longitude_deg - lon_deg + 180) % 360 - 180) < 0.6
    assert isstrack.station_states(iss, [moment]) == [here]
    plain = isstrack.station_state(isstrack.load_bundled_elements(), moment)
    assert (plain.latitude_deg, plain.longitude_deg) != (here.latitude_deg, here.longitude_deg)


def test_a_window_past_the_ephemeris_on_pre_burn_elements_is_refused(cli: Any) -> None:
    """Past the OEM's end the bundled elements (before its burn) answer: refused, exit status 3, as `next`."""
    iss = isstrack.load_ephemeris_file(OEM_FILE)
    with pytest.raises(UntrustedElementsError) as refused:
        isstrack.find_passes(iss, *AMSTERDAM, start=PAST_END, days=1)
    assert refused.value.exit_status == ExitStatus.NO_ELEMENTS
    assert "burn of 2026-09-25 16:08 UTC" in str(refused.value) and "\n" not in str(refused.value)
    with pytest.raises(UntrustedElementsError):
        isstrack.find_passes_many(iss, [AMSTERDAM], start=PAST_END, days=1)
    lat, lon = AMSTERDAM
    args = ("next", "--lat", str(lat), "--lon", str(lon), "--at", "2026-10-07T00:00Z", "--all")
    assert cli(*args, "--ephemeris", str(OEM_FILE)).code == ExitStatus.NO_ELEMENTS


def test_newer_elements_answer_past_the_ephemeris_as_the_command_line(cli: Any) -> None:
    """Elements from after the burn (CelesTrak, 2 October) answer past the OEM's end, as --tle-file does."""
    tle = OMM_DIR / "celestrak-2026-10-02.tle"
    iss = isstrack.load_ephemeris_file(OEM_FILE, elements=isstrack.load_elements_file(tle))
    found = isstrack.find_passes(iss, *AMSTERDAM, start=PAST_END, days=1, all_passes=True)
    _same_passes(found, _cli_passes(cli, PAST_END, "--tle-file", str(tle)))


def test_the_ephemeris_is_the_iss_alone() -> None:
    hubble = isstrack.load_elements_file(OMM_DIR / "celestrak-2026-09-19.json", catalog_number=HUBBLE)
    with pytest.raises(BadInputError, match="ISS"):
        isstrack.load_ephemeris_file(OEM_FILE, elements=hubble)


def test_a_missing_ephemeris_file_is_one_bad_input_line(tmp_path: Path) -> None:
    with pytest.raises(BadInputError) as refused:
        isstrack.load_ephemeris_file(tmp_path / "none.txt")
    assert "no such file" in str(refused.value) and "\n" not in str(refused.value)


# -- any satellite: Hubble from OMM CSV and JSON, against plain sgp4 --------------------------------------


def _omm_fields(path: Path, catalog_number: int) -> dict[str, str]:
    if path.suffix == ".csv":
        with path.open(newline="") as handle:
            rows = list(omm.parse_csv(handle))
    else:
        rows = json.loads(path.read_text())
    return next(row for row in rows if int(row["NORAD_CAT_ID"]) == catalog_number)


def _elevation_deg(sat: Satrec, moment: datetime, lat: float, lon: float) -> float:
    """Return the geometric elevation: sgp4's TEME rotated by GMST, in the observer's up direction."""
    jd, fr = julian(moment)
    error, r, _ = sat.sgp4(jd, fr)
    assert error == 0
    theta = gstime(jd + fr)
    c, s = math.cos(theta), math.sin(theta)
    d = np.array([c * r[0] + s * r[1], -s * r[0] + c * r[1], r[2]]) - observer_ecef_km(lat, lon, 0.0)
    la, lo = math.radians(lat), math.radians(lon)
    up = np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])
    return math.degrees(math.asin(float(d @ up) / float(np.linalg.norm(d))))


def _crossing(sat: Satrec, lat: float, lon: float, lo: datetime, hi: datetime) -> datetime:
    """Bisect the time the elevation crosses the threshold between `lo` and `hi` (either direction)."""
    rising = _elevation_deg(sat, lo, lat, lon) < THRESHOLD_DEG
    for _ in range(40):
        mid = lo + (hi - lo) / 2
        if (_elevation_deg(sat, mid, lat, lon) < THRESHOLD_DEG) == rising:
            lo = mid
        else:
            hi = mid
    return lo


@pytest.mark.parametrize("name", ["celestrak-2026-09-19.csv", "celestrak-2026-09-19.json"])
def test_hubble_passes_from_omm_agree_with_plain_sgp4(name: str) -> None:
    path = OMM_DIR / name
    sat = Satrec()
    omm.initialize(sat, _omm_fields(path, HUBBLE))
    hubble = isstrack.load_elements_file(path, catalog_number=HUBBLE)
    lat, lon = 10.0, 0.0  # Hubble's 28.5° orbit: passes near the equator
    start = datetime(2026, 9, 19, 6, 0, tzinfo=timezone.utc)
    found = isstrack.find_passes(hubble, lat, lon, start=start, days=2, all_passes=True)
    assert len(found.passes) >= 4
    step = timedelta(seconds=20)
    for item in found.passes:
        for point, rising in ((item.rise, True), (item.set, False)):
            before, after = point.time - step, point.time + step
            assert (_elevation_deg(sat, before, lat, lon) < THRESHOLD_DEG) == rising
            reference = _crossing(sat, lat, lon, before, after)
            assert abs((reference - point.time).total_seconds()) <= 1.0
    # Hubble's standard magnitude is not known: no magnitudes, as `passes --sat hubble` prints.
    assert all(p.magnitude is None for p in found.passes)


def test_the_iss_keeps_its_standard_magnitude_and_a_given_one_wins() -> None:
    iss = isstrack.load_bundled_elements()
    start = datetime(2026, 9, 24, 18, 0, tzinfo=timezone.utc)
    own = isstrack.find_passes(iss, 48.8566, 2.3522, start=start, days=3)
    minus_18 = isstrack.find_passes(iss, 48.8566, 2.3522, start=start, days=3, std_magnitude=-1.8)
    assert own == minus_18 and own.passes
    hubble = isstrack.load_elements_file(OMM_DIR / "celestrak-2026-09-19.csv", catalog_number=HUBBLE)
    given = isstrack.find_passes(
        hubble, 10.0, 0.0, start=datetime(2026, 9, 19, 6, tzinfo=timezone.utc), days=2, std_magnitude=2.2
    )
    assert given.passes and all(p.magnitude is not None for p in given.passes)
    with pytest.raises(BadInputError, match="std_magnitude"):
        isstrack.find_passes(hubble, 10.0, 0.0, start=start, days=1, std_magnitude=99.0)


def test_tiangong_passes_many_leave_magnitudes_out() -> None:
    path = OMM_DIR / "celestrak-2026-09-19.json"
    tiangong = isstrack.load_elements_file(path, catalog_number=48274)
    start = datetime(2026, 9, 19, 14, tzinfo=timezone.utc)
    searches = isstrack.find_passes_many(
        tiangong, [(35.0, 139.0), (30.0, -90.0)], start=start, days=2, all_passes=True
    )
    assert any(s.passes for s in searches)
    assert all(p.magnitude is None for s in searches for p in s.passes)


# -- docs/library.md's examples ---------------------------------------------------------------------------

PAGE = Path(__file__).resolve().parents[1] / "docs" / "library.md"


@pytest.mark.parametrize("name", ["ephemeris", "any-satellite"])
def test_the_docs_examples_print_what_the_page_shows(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run the example as written (its paths are the repository's) and compare with the text after it."""
    found = re.search(
        rf"<!-- example: {name} -->\n```python\n(.*?)```\n.*?```text\n(.*?)```", PAGE.read_text(), re.S
    )
    assert found, f"docs/library.md has the {name} example and its output"
    monkeypatch.chdir(PAGE.parents[1])
    exec(compile(found.group(1), f"docs/library.md ({name})", "exec"), {"__name__": "library_example"})
    assert capsys.readouterr().out == found.group(2)
