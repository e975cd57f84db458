"""isstrack tonight through the installed CLI: groups fetched once per query, files, output and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.test_omm import OCT, SEPT, STATIONS, records

AT = "2026-09-19T09:00:00Z"  # 19:00 in Sydney
SYDNEY = ("--lat", "-33.87", "--lon", "151.21")


def groups(request: Request) -> Response:
    """Answer GROUP=visual with the September records and GROUP=stations with the stations file."""
    assert request.args["FORMAT"] == "JSON"
    group = request.args.get("GROUP")
    if group == "visual":
        return Response(json.dumps(records(SEPT)), content_type="application/json")
    if group == "stations":
        return Response(json.dumps(records(STATIONS)), content_type="application/json")
    return Response("No GP data found", status=404)


def test_tonight_fetches_each_group_once_and_lists_passes_in_time_order(
    httpserver: HTTPServer, cli: Any, tmp_path: Path
) -> None:
    httpserver.expect_request("/gp.php").respond_with_handler(groups)
    env = {"ISSTRACK_GP_URL": httpserver.url_for("/gp.php")}
    first = cli("tonight", *SYDNEY, "--at", AT, "--json", env=env)
    assert first.code == 0, first.err
    second = cli("tonight", *SYDNEY, "--at", AT, "--json", env=env)
    assert second.code == 0 and second.json()["passes"] == first.json()["passes"]
    assert sorted(r.args["GROUP"] for r, _ in httpserver.log) == ["stations", "visual"]
    passes = first.json()["passes"]
    assert {p["catalog_number"] for p in passes} == {25544, 48274, 20580}
    starts = [p["visible_start"]["time"] for p in passes]
    assert starts == sorted(starts)
    css = next(p for p in passes if p["catalog_number"] == 48274)
    assert css["name"] == "CSS (TIANHE)" and css["station"] is True
    assert css["magnitude"] is None and css["std_magnitude"]["source"] == "unknown"
    iss = next(p for p in passes if p["catalog_number"] == 25544)
    assert iss["std_magnitude"] == {
        "value": -1.8,
        "source": "observed",
        "origin": "the usual value for the ISS",
    }


def test_tonight_reads_a_file_and_a_std_mag_file(cli: Any, tmp_path: Path) -> None:
    both = tmp_path / "all.json"
    both.write_text(json.dumps(records(SEPT) + records(OCT)))
    mags = tmp_path / "mags.txt"
    mags.write_text("48274 -1.0\n")  # a test value, not a published one
    result = cli(
        "tonight", *SYDNEY, "--at", AT, "--tle-file", str(both), "--std-mag-file", str(mags), "--json"
    )
    assert result.code == 0, result.err
    css = next(p for p in result.json()["passes"] if p["catalog_number"] == 48274)
    assert css["std_magnitude"]["source"] == "observed" and css["magnitude"] is not None
    text = cli("tonight", *SYDNEY, "--at", AT, "--tle-file", str(both), "--std-mag-file", str(mags))
    assert text.code == 0 and "CSS (TIANHE) 48274 (station)" in text.out and "? unknown" in text.out
    bright = cli("tonight", *SYDNEY, "--at", AT, "--tle-file", str(both), "--max-magnitude", "-5", "--json")
    assert [p["catalog_number"] for p in bright.json()["passes"]] == [20580, 48274], (
        "unknown brightness is kept"
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--hours", "0"), "--hours 0 is outside 1-48"),
        (("Sydney", "--city", "Paris"), "give the place once"),
        (("--json", "--chart"), "--json and --chart cannot be used together"),
    ],
)
def test_tonight_bad_input_is_one_line_and_exit_2(cli: Any, args: tuple[str, ...], words: str) -> None:
    result = cli("tonight", *SYDNEY, "--at", AT, *args)
    assert result.code == 2 and words in result.err and len(result.err.strip().splitlines()) == 1


def test_tonight_with_no_elements_at_all_says_so(cli: Any) -> None:
    result = cli("tonight", *SYDNEY, "--at", AT, "--offline")
    assert result.code == 3 and len(result.err.strip().splitlines()) == 1, result.err
    # One problem, named once: both groups have nothing cached and none downloaded offline.
    assert "no elements for groups 'visual' and 'stations': nothing cached" in result.err
    assert result.err.count("--tle-file") == 1
    assert "Traceback" not in result.err


def test_tonight_chart_numbers_each_visible_pass_in_its_key(cli: Any) -> None:
    import re

    result = cli("tonight", *SYDNEY, "--at", AT, "--tle-file", str(SEPT), "--chart")
    assert result.code == 0, result.err
    chart_start = result.out.index("looking up: N top, E left")
    lines = result.out[result.out.rindex("\n", 0, chart_start) + 1 :].splitlines()
    keys = [
        m.groups() for line in lines for m in re.finditer(r"(\w) (\d\d:\d\d) (ISS \(ZARYA\)|HST|CSS)", line)
    ]
    assert [mark for mark, _, _ in keys] == ["1", "2", "3"]
    assert [when for _, when, _ in keys] == sorted(when for _, when, _ in keys)
    drawn = "".join(line[:45] for line in lines)  # the chart's columns, left of the key
    assert all(mark in drawn for mark in "123")
