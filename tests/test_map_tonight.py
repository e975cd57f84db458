"""`isstrack map --tonight`: shaded cells are exactly those whose centre sees a visible pass."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
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
    assert "/ hatched: a visible pass (≥10°) in the next 3 h from here" in result.out
    assert sum(line.count("/") for line in result.out.splitlines()[:-1]) > 0


def test_the_region_is_hatched_not_painted_over(tle_file: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from isstrack.elements.load import load_file
    from isstrack.render.mapstyle import Overlay
    from isstrack.render.worldmap import WorldMap
    from isstrack.scene.mapscene import build_scene
    from isstrack.sky.orbit import Orbit

    scene = build_scene(
        Orbit(load_file(Path(tle_file), 25544).elements), datetime(2026, 12, 3, 18, tzinfo=timezone.utc)
    )
    mask = np.ones((180, 360), dtype=bool)
    mask[120:, :] = False  # all but the far south: about what December's --tonight covers
    for colour in (True, False):
        bare = WorldMap(80, colour).frame(scene)
        marked = WorldMap(80, colour, Overlay(mask, "a visible pass")).frame(scene)
        before = [(ch, style) for line in bare.lines for text, style in line for ch in text]
        after = [(ch, style) for line in marked.lines for text, style in line for ch in text]
        changed = [n for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        assert changed and max(n // 80 for n in changed) < 14  # only north of the mask's edge (row 13)
        if colour:
            # Every cell keeps its background (land, sea, day, night); the hatching sets few dots.
            assert all(a[1].bgcolor == b[1].bgcolor for a, b in zip(before, after, strict=True))
            dots = sum(
                bin(ord(after[n][0]) - 0x2800).count("1") for n in changed if "⠀" <= after[n][0] <= "⣿"
            )
            assert 0 < dots < 0.25 * 8 * 13 * 80
        else:
            assert len(changed) < 0.35 * 13 * 80  # a diagonal glyph on one cell in four or so


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


def test_the_picture_hatches_the_region_and_leaves_the_earth_between(tle_file: str) -> None:
    from isstrack.elements.load import load_file
    from isstrack.render.mapimage import map_picture
    from isstrack.scene.mapscene import build_scene
    from isstrack.sky.orbit import Orbit

    at = datetime(2026, 12, 3, 18, tzinfo=timezone.utc)
    scene = build_scene(Orbit(load_file(Path(tle_file), 25544).elements), at)
    mask = np.zeros((180, 360), dtype=bool)
    mask[:120, :] = True
    bare, marked = map_picture(scene, 720), map_picture(scene, 720, mask)
    changed = (bare != marked).any(axis=2)
    assert not changed[240:].any()  # rows of the picture south of the mask's edge (240 of 360)
    assert 0.05 < changed[:240].mean() < 0.3  # stripes, with the Earth between them
