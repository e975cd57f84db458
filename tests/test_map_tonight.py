"""`isstrack map --tonight`: shaded cells are exactly those whose centre sees a visible pass."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest

from tests.independent import ephem_body, ephem_longest_visible_run_s
from tests.tle_tools import newest

AT = "2026-09-24T12:00:00Z"
HOURS = 12
MIN_VISIBLE_S = 10  # README, Visible passes: a shorter visible part does not count


def test_shaded_cells_have_a_visible_pass_and_unshaded_ones_do_not(cli: Any, tle_file: str) -> None:
    args = ["map", "--tonight", "--hours", str(HOURS), "--at", AT, "--tle-file", tle_file, "--offline"]
    result = cli(*args, "--json", "--width", "60")
    assert result.code == 0, result.err
    tonight = result.json()["tonight"]
    assert (tonight["rows"], tonight["columns"]) == (15, 60)
    assert tonight["from"] == AT and tonight["to"] == "2026-09-25T00:00:00Z"
    grid = np.array([[ch == "1" for ch in row] for row in tonight["visible"]])
    assert grid.shape == (15, 60)
    assert 0 < grid.sum() < grid.size
    rng = np.random.default_rng(3)
    shaded = np.argwhere(grid)
    unshaded = np.argwhere(~grid)
    picks = [(True, *shaded[i]) for i in rng.choice(len(shaded), 4, replace=False)]
    picks += [(False, *unshaded[i]) for i in rng.choice(len(unshaded), 4, replace=False)]
    body = ephem_body(*newest())  # PyEphem's own SGP4, Sun and shadow: nothing of isstrack's
    start = datetime.fromisoformat(AT.replace("Z", "+00:00"))
    for expected, row, column in picks:
        # Cell centres computed here from the documented grid, not by the code under test.
        lat = 90.0 - (row + 0.5) * 12.0
        lon = -180.0 + (column + 0.5) * 6.0
        seen_s = ephem_longest_visible_run_s(body, lat, lon, start, start + timedelta(hours=HOURS), 10.0)
        assert (seen_s >= MIN_VISIBLE_S) == expected, (lat, lon, seen_s)


def test_legend_says_what_the_shading_means(cli: Any, tle_file: str) -> None:
    args = ["map", "--tonight", "--hours", "3", "--at", AT, "--tle-file", tle_file, "--width", "60"]
    result = cli(*args, "--offline")
    assert result.code == 0, result.err
    assert "▒ a visible pass (≥10°) in the next 3 h from here" in result.out
    assert sum(line.count("▒") for line in result.out.splitlines()[:-1]) > 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--hours", "5"], "--hours goes with --tonight"),
        (["--tonight", "--hours", "0"], "--hours 0 is outside"),
        (["--tonight", "--hours", "100"], "--hours 100 is outside"),
        (["--tonight", "--watch"], "cannot be used together"),
    ],
)
def test_bad_tonight_options(cli: Any, tle_file: str, args: list[str], says: str) -> None:
    result = cli("map", *args, "--tle-file", tle_file, "--offline")
    assert result.code == 2 and result.out == ""
    assert says in result.err
