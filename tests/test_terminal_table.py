"""The `passes` table at 80 and 120 columns: pinned renders, nothing cut, titles broken between parts."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).parent / "golden"
AMSTERDAM = ["--lat", "52.37", "--lon", "4.89"]
FROM = "2026-09-24T12:00:00Z"


def _table(cli: Any, tle_file: str, width: int, *args: str) -> str:
    result = cli("passes", *args, "--tle-file", tle_file, "-q", env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.code == 0, result.err
    assert "\x1b" not in result.out
    return str(result.out)


GOLDEN_CASES = {
    "passes-80": (80, [*AMSTERDAM, "--from", FROM, "--days", "10"]),
    "passes-120": (120, [*AMSTERDAM, "--from", FROM, "--days", "10"]),
    "passes-all-80": (80, [*AMSTERDAM, "--from", FROM, "--days", "2", "--all"]),
    "passes-all-120": (120, [*AMSTERDAM, "--from", FROM, "--days", "2", "--all"]),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_table_matches_the_golden_render(cli: Any, tle_file: str, name: str) -> None:
    width, args = GOLDEN_CASES[name]
    out = _table(cli, tle_file, width, *args)
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("ISSTRACK_WRITE_GOLDEN"):
        golden.write_text(out)
    assert out == golden.read_text(), f"the {name} render changed; regenerate with ISSTRACK_WRITE_GOLDEN=1"


SCENARIOS = [
    [*AMSTERDAM, "--from", FROM, "--days", "10"],
    [*AMSTERDAM, "--from", FROM, "--days", "10", "--all"],
    [*AMSTERDAM, "--from", "2026-09-24T19:06:00Z", "--days", "3", "--all"],  # a pass in progress
    ["--lat", "-33.87", "--lon", "151.21", "--from", FROM, "--days", "10", "--all", "--min-elevation", "0"],
    [
        "--city",
        "Thiruvananthapuram",
        "--from",
        FROM,
        "--days",
        "10",
        "--tz",
        "America/Argentina/ComodRivadavia",
    ],
]


@pytest.mark.parametrize("width", [80, 100, 120])
@pytest.mark.parametrize("args", SCENARIOS)
def test_no_cell_is_truncated_and_lines_fit(cli: Any, tle_file: str, width: int, args: list[str]) -> None:
    out = _table(cli, tle_file, width, *args)
    assert "…" not in out
    assert max(len(line.rstrip()) for line in out.splitlines()) <= width
    rows = [line for line in out.splitlines() if re.match(r"^(?:\w{3} )?\d\d \w{3}", line)]
    assert rows, out
    for row in rows:
        assert re.search(r"\d\d:\d\d:\d\d \d+°[NESW]{1,3}", row), row  # time, elevation, direction whole
        assert re.search(r"(\d+m\d\ds|-)\s+([+-]\d\.\d|-)(?=\s|$)", row), row  # duration and magnitude whole


@pytest.mark.parametrize("width", [80, 120])
def test_title_breaks_between_parts_never_inside_a_date(cli: Any, tle_file: str, width: int) -> None:
    out = _table(cli, tle_file, width, *AMSTERDAM, "--from", FROM, "--days", "10")
    assert re.search(r"^(.* · )?2026-09-24 14:00 to 2026-10-04 14:00( · .*)?$", out, flags=re.M), out
    # One age (the window's start), and from when the window's end is too old (epoch + 10 days, CEST).
    assert re.search(
        r"^(.* · )?elements [\d.]+ hours old, too old to trust from 2026-10-04 05:24$", out, flags=re.M
    ), out
