"""A visible part cut by the observer's twilight is marked like one cut by Earth's shadow: "(dawn)" where
the sky gets too bright, "(dusk)" where it gets dark enough, in the table and as a reason in the JSON.

The cases are real passes of the reference elements (epoch 2026-09-24); the Sun's altitude, the
station's sunlight and its elevation at each end are checked with PyEphem, not with isstrack.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import ephem
import pytest

from tests.independent import ephem_altaz, ephem_body, ephem_eclipsed, ephem_observer
from tests.tle_tools import newest

HOBART = (-42.88, 147.33)  # a morning pass on 28 Sep (local) ends at dawn, still sunlit and 15° up
NEW_YORK = (40.71, -74.0)  # an evening pass on 25 Sep is already sunlit and up when dusk makes it visible
MIN_ELEVATION_DEG = 10.0
# PyEphem's Sun (refraction off) against the time isstrack found: 0.01° is ~3 s of the Sun's climb there.
SUN_TOLERANCE_DEG = 0.01
EITHER_SIDE = timedelta(seconds=20)


def _sun_altitude_deg(lat: float, lon: float, moment: datetime) -> float:
    sun = ephem.Sun()
    sun.compute(ephem_observer(lat, lon, moment))
    return math.degrees(sun.alt)


def _station_seen(lat: float, lon: float, moment: datetime) -> tuple[bool, float]:
    """Return whether PyEphem has the station sunlit, and its elevation, at `moment`."""
    _, line1, line2 = newest()
    body = ephem_body("ISS", line1, line2)
    sunlit = not ephem_eclipsed(body, moment)
    _, elevation = ephem_altaz(body, lat, lon, moment)
    return sunlit, elevation


def _passes_json(cli: Any, tle_file: str, place: tuple[float, float], start: str, days: str) -> Any:
    result = cli(
        "passes", "--lat", str(place[0]), "--lon", str(place[1]), "--from", start, "--days", days,
        "--tle-file", tle_file, "--json", "-q",
    )  # fmt: skip
    assert result.code == 0, result.err
    return result.json()["passes"]


def _time(point: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(point["time"].replace("Z", "+00:00"))


# (place, window start, the end of the visible part the sky cuts, its reason, the other end's reason,
# the minute it happens in UTC, and +1 where the Sun climbs through -6° there, -1 where it sinks).
TWILIGHT_CASES = {
    "dawn": (HOBART, "2026-09-27T12:00:00Z", "visible_end", "dawn", "rise", "2026-09-27 19:21", +1),
    "dusk": (NEW_YORK, "2026-09-25T12:00:00Z", "visible_start", "dusk", "set", "2026-09-25 23:15", -1),
}


@pytest.mark.parametrize("case", sorted(TWILIGHT_CASES))
def test_a_visible_part_cut_by_twilight_gives_its_reason_and_the_sun_agrees(
    cli: Any, tle_file: str, case: str
) -> None:
    place, start, end_name, reason, other, minute, climbing = TWILIGHT_CASES[case]
    other_name = "visible_start" if end_name == "visible_end" else "visible_end"
    passes = _passes_json(cli, tle_file, place, start, "1")
    cut = [p for p in passes if p[f"{end_name}_reason"] == reason]
    assert len(cut) == 1, [
        (p["visible_start"], p["visible_start_reason"], p["visible_end_reason"]) for p in passes
    ]
    item = cut[0]
    assert item[f"{other_name}_reason"] == other
    assert not item["emerges_from_shadow"] and not item["fades_into_shadow"]
    moment = _time(item[end_name])
    assert moment.strftime("%Y-%m-%d %H:%M") == minute
    lat, lon = place
    assert _sun_altitude_deg(lat, lon, moment) == pytest.approx(-6.0, abs=SUN_TOLERANCE_DEG)
    # Either side the station is sunlit and above 10°: only the sky changes there.
    before, after = moment - EITHER_SIDE, moment + EITHER_SIDE
    sun = (_sun_altitude_deg(lat, lon, before) + 6.0, _sun_altitude_deg(lat, lon, after) + 6.0)
    assert sun[0] * climbing < 0 < sun[1] * climbing, sun
    for when in (before, after):
        sunlit, elevation = _station_seen(lat, lon, when)
        assert sunlit and elevation > MIN_ELEVATION_DEG, (when, sunlit, elevation)


def test_shadow_ends_and_passes_not_seen_keep_their_reasons(cli: Any, tle_file: str) -> None:
    passes = _passes_json(cli, tle_file, NEW_YORK, "2026-09-25T12:00:00Z", "2")
    shadowed = [p for p in passes if p["fades_into_shadow"]]
    assert shadowed and all(p["visible_end_reason"] == "shadow" for p in shadowed)
    assert all((p["visible_start_reason"] == "shadow") == p["emerges_from_shadow"] for p in passes)
    lat, lon = NEW_YORK
    result = cli(
        "passes", "--lat", str(lat), "--lon", str(lon), "--from", "2026-09-25T12:00:00Z", "--days", "2",
        "--all", "--tle-file", tle_file, "--json", "-q",
    )  # fmt: skip
    hidden = [p for p in result.json()["passes"] if not p["visible"]]
    assert hidden and all(p["visible_start_reason"] is p["visible_end_reason"] is None for p in hidden)


@pytest.mark.parametrize("width", [80, 120])
def test_the_table_marks_dawn_and_dusk_where_it_marks_shadow(cli: Any, tle_file: str, width: int) -> None:
    def table(place: tuple[float, float], start: str) -> list[str]:
        result = cli(
            "passes", "--lat", str(place[0]), "--lon", str(place[1]), "--from", start, "--days", "1",
            "--tle-file", tle_file, "-q", env={"COLUMNS": str(width)},
        )  # fmt: skip
        assert result.code == 0, result.err
        assert max(len(line) for line in result.out.splitlines()) <= width
        return str(result.out).splitlines()

    # Hobart's local time (AEST, UTC+10): the pass ending 19:21:44 UTC ends 05:21:44 on the 28th.
    dawn_rows = [line for line in table(HOBART, "2026-09-27T12:00:00Z") if "(dawn)" in line]
    assert len(dawn_rows) == 1 and "05:21:44 15°ESE (dawn)" in dawn_rows[0], dawn_rows
    dusk_rows = [line for line in table(NEW_YORK, "2026-09-25T12:00:00Z") if "(dusk)" in line]
    assert len(dusk_rows) == 1 and "19:15:13 18°ENE (dusk)" in dusk_rows[0], dusk_rows
