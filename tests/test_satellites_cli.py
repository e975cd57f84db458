"""--sat through the installed CLI: tonight against single-satellite passes, per-query policy, bad input."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import isstrack_command
from tests.test_omm import OCT, SEPT, STATIONS, records
from tests.test_satellites import by_catnr

# One evening (or night) per place, 12 hours from these times (UTC).
PLACES = {
    "Sydney": (("--lat", "-33.87", "--lon", "151.21"), "2026-09-19T07:00:00Z"),
    "Beijing": (("--lat", "39.90", "--lon", "116.40"), "2026-09-19T09:00:00Z"),
    "Madrid": (("--lat", "40.42", "--lon", "-3.70"), "2026-09-19T17:00:00Z"),
}


def when(text: str) -> datetime:
    """Parse a JSON time."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("place", list(PLACES))
def test_tonight_equals_the_union_of_single_satellite_passes_runs(cli: Any, place: str) -> None:
    where, start = PLACES[place]
    tonight = cli("tonight", *where, "--at", start, "--hours", "12", "--tle-file", str(SEPT), "--json")
    assert tonight.code == 0, tonight.err
    ours = sorted(
        (p["catalog_number"], when(p["rise"]["time"]), when(p["set"]["time"]))
        for p in tonight.json()["passes"]
    )
    low_orbit = [r["NORAD_CAT_ID"] for r in records(SEPT) if r["MEAN_MOTION"] > 11.25]
    theirs = []
    begin, end = when(start), when(start) + timedelta(hours=12)
    for number in low_orbit:
        single = cli("passes", "--sat", str(number), *where, "--from", start, "--days", "1",
                     "--tle-file", str(SEPT), "--json")  # fmt: skip
        assert single.code == 0, single.err
        for p in single.json()["passes"]:
            rise, set_ = when(p["rise"]["time"]), when(p["set"]["time"])
            if set_ > begin and rise < end:  # up at some time in tonight's 12 hours
                theirs.append((number, rise, set_))
    theirs.sort()
    assert len(ours) == len(theirs) >= 1
    for mine, other in zip(ours, theirs, strict=True):
        assert mine[0] == other[0]
        assert abs((mine[1] - other[1]).total_seconds()) < 0.5
        assert abs((mine[2] - other[2]).total_seconds()) < 0.5


def test_several_sats_merge_in_time_order_with_a_satellite_column(cli: Any) -> None:
    where, start = PLACES["Sydney"]
    args = ("--sat", "iss", "--sat", "css", "--sat", "hubble", *where, "--from", start, "--days", "2")
    merged = cli("passes", *args, "--tle-file", str(SEPT), "--json")
    assert merged.code == 0, merged.err
    passes = merged.json()["passes"]
    assert {p["catalog_number"] for p in passes} == {25544, 48274, 20580}
    starts = [(p["visible_start"] or p["rise"])["time"] for p in passes]
    assert starts == sorted(starts)
    assert [s["catalog_number"] for s in merged.json()["satellites"]] == [25544, 48274, 20580]
    table = cli("passes", *args, "--tle-file", str(SEPT))
    assert table.code == 0 and "satellite" in table.out and "CSS (TIANHE) 48274" in table.out
    rows = cli("passes", *args, "--tle-file", str(SEPT), "--csv").out.splitlines()
    assert rows[0].startswith("catalog_number,name,rise_time") and len(rows) == len(passes) + 1
    following = cli("next", "--sat", "css", "--sat", "hubble", *where, "--at", start, "--tle-file", str(SEPT))
    assert following.code == 0 and ("HST (20580)" in following.out or "CSS (TIANHE) (48274)" in following.out)
    named = cli("next", "--sat", "css", "--sat", "hubble", *where, "--at", start, "--tle-file", str(SEPT),
                "--format", "{satellite}|{catalog_number}|{start_utc:%H:%M:%S}")  # fmt: skip
    name, number, _ = named.out.strip().split("|")
    assert named.code == 0 and (name, number) in (("HST", "20580"), ("CSS (TIANHE)", "48274"))
    assert f"{name} ({number})" in following.out


def test_one_other_satellite_keeps_the_schema_and_an_unknown_magnitude(cli: Any) -> None:
    where, start = PLACES["Sydney"]
    result = cli("passes", "--sat", "tiangong", *where, "--from", start, "--days", "2",
                 "--tle-file", str(SEPT), "--json")  # fmt: skip
    assert result.code == 0, result.err
    data = result.json()
    assert data["elements"]["catalog_number"] == 48274 and data["elements"]["name"] == "CSS (TIANHE)"
    assert data["passes"] and all(p["magnitude"] is None for p in data["passes"])
    assert data["std_magnitude"] is None
    given = cli("passes", "--sat", "48274", *where, "--from", start, "--days", "2", "--std-mag", "-1.0",
                "--tle-file", str(SEPT), "--json")  # fmt: skip
    assert all(p["magnitude"] is not None for p in given.json()["passes"])
    text = cli("passes", "--sat", "48274", *where, "--from", start, "--days", "2", "--tle-file", str(SEPT))
    assert "Visible CSS (TIANHE) passes over" in text.out


def test_six_digit_ids_from_json_csv_and_tle_files(cli: Any, tmp_path: Path) -> None:
    csv_file = SEPT.with_suffix(".csv")
    for path in (SEPT, csv_file):
        shown = cli("tle", "--sat", "100000", "--tle-file", str(path), "--json")
        assert shown.code == 0, shown.err
        assert shown.json()["elements"]["catalog_number"] == 100000
        assert shown.json()["elements"]["line1"].startswith("1 A0000U")
    starlink = cli("now", "--sat", "100534", "--tle-file", str(OCT), "--at", "2026-10-02T00:00:00Z", "--json")
    assert starlink.code == 0, starlink.err
    # Built from the real SARAMAGO record by changing only NORAD_CAT_ID (no such record is public).
    big = tmp_path / "big.json"
    big.write_text(json.dumps([dict(records(SEPT)[3], NORAD_CAT_ID=412345)]))
    shown = cli("tle", "--sat", "412345", "--tle-file", str(big), "--json")
    assert shown.code == 0 and shown.json()["elements"]["catalog_number"] == 412345
    assert "stand-in 00000" in shown.err


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("ISS\x1b[2J", "control characters"),
        ("[bold red]ISS[/]", "which no satellite name has"),
        ("1234567890", "at most 9 digits"),
    ],
)
def test_bad_sat_values_are_one_line_exit_2_and_nothing_cached(
    cli: Any, tmp_path: Path, value: str, words: str
) -> None:
    result = cli("passes", "--sat", value, "--lat", "0", "--lon", "0")
    assert result.code == 2 and words in result.err and len(result.err.strip().splitlines()) == 1
    assert "\x1b" not in result.err
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())


def test_unknown_and_ambiguous_objects_from_the_server(
    httpserver: HTTPServer, cli: Any, tmp_path: Path
) -> None:
    def answer(request: Any) -> Any:
        from werkzeug import Response

        if "NAME" in request.args:
            named = [r for r in records(STATIONS) if request.args["NAME"].upper() in r["OBJECT_NAME"]]
            return Response(json.dumps(named) if named else "No GP data found", status=200 if named else 404)
        return by_catnr(records(SEPT))(request)

    httpserver.expect_request("/gp.php").respond_with_handler(answer)
    env = {"ISSTRACK_GP_URL": httpserver.url_for("/gp.php")}
    unknown = cli("tle", "--sat", "99999999", env=env)
    assert unknown.code == 2 and "no satellite with catalog number 99999999" in unknown.err
    ambiguous = cli("tle", "--sat", "soyuz", env=env)
    assert ambiguous.code == 2 and "matches 2 objects: 66664 SOYUZ-MS 28; 100057 SOYUZ-MS 29" in ambiguous.err
    assert len(ambiguous.err.strip().splitlines()) == 1
    chosen = cli("tle", "--sat", "soyuz-ms 29", "--json", env=env)
    assert chosen.code == 0 and chosen.json()["elements"]["catalog_number"] == 100057
    assert not (tmp_path / "cache" / "omm-catnr-99999999.json").exists()


def test_twenty_concurrent_cli_runs_for_three_objects_make_three_requests(
    httpserver: HTTPServer, isolated_env: dict[str, str]
) -> None:
    httpserver.expect_request("/gp.php").respond_with_handler(by_catnr(records(SEPT)))
    env = {**os.environ, **isolated_env, "ISSTRACK_GP_URL": httpserver.url_for("/gp.php")}
    numbers = ["css", "hubble", "100000"]
    runs = [
        subprocess.Popen([*isstrack_command(), "tle", "--sat", numbers[i % 3], "--json"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        for i in range(20)
    ]  # fmt: skip
    outputs = [run.communicate(timeout=180) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err for _, err in outputs]
    sources = sorted(json.loads(out)["elements"]["source"] for out, _ in outputs)
    assert sources.count("network") == 3 and sources.count("cache") == 17
    assert sorted(request.args["CATNR"] for request, _ in httpserver.log) == ["100000", "20580", "48274"]


def test_a_geostationary_object_that_never_sets_is_said_so(cli: Any) -> None:
    # GOES 19 over 75° W stays near the zenith of a place on the equator below it.
    result = cli("passes", "--sat", "60133", "--lat", "0", "--lon", "-75", "--from", "2026-09-19T00:00:00Z",
                 "--days", "1", "--all", "--tle-file", str(SEPT))  # fmt: skip
    assert result.code == 0 and "No passes in this window." in result.out
    assert "GOES 19 stays above 10° all window" in result.err and "never rises or sets" in result.err
