"""Stars and planets placed on the sky chart's cells, with their names where they fit."""

from __future__ import annotations

import math
from typing import Any

from isstrack.render.skychart import CHART_COLUMNS, CHART_ROWS, project
from isstrack.render.skymarks import landmark_glyphs as place_marks
from isstrack.sky.landmarks import Landmark


def chart_cell(az: float, el: float) -> tuple[int, int]:
    """The chart's projection written out here: 40 dots from zenith to horizon, north up, east left."""
    r = 40 * (90 - el) / 90
    x = int(40 - r * math.sin(math.radians(az)) + 0.5)
    y = int(40 - r * math.cos(math.radians(az)) + 0.5)
    return 1 + y // 4, 2 + x // 2


def landmark_glyphs(
    marks: list[Landmark], occupied: set[tuple[int, int]]
) -> dict[tuple[int, int], tuple[str, str]]:
    return place_marks(marks, occupied, lambda az, el: project(az, el).cell, CHART_ROWS, CHART_COLUMNS)


def star(name: str, az: float, el: float, mag: float, named: bool = True, kind: str = "star") -> Landmark:
    return Landmark(name, kind, az, el, mag, named)


def text_at(placed: dict[tuple[int, int], tuple[str, str]], row: int, cols: range) -> str:
    return "".join(placed.get((row, c), (" ", ""))[0] for c in cols)


def test_named_star_gets_its_glyph_and_name_to_the_right() -> None:
    placed = landmark_glyphs([star("Vega", 0.0, 60.0, 0.03)], set())
    row, col = chart_cell(0.0, 60.0)
    assert placed[(row, col)] == ("*", "star")
    assert text_at(placed, row, range(col, col + 6)) == "* Vega"


def test_name_goes_left_when_the_right_is_taken_and_nowhere_when_both_are() -> None:
    row, col = chart_cell(270.0, 30.0)  # west: right half of the chart
    right = {(row, col + 3)}
    placed = landmark_glyphs([star("Deneb", 270.0, 30.0, 1.25)], right)
    assert text_at(placed, row, range(col - 6, col + 1)) == "Deneb *"
    both = {(row, col + 3), (row, col - 3)}
    placed = landmark_glyphs([star("Deneb", 270.0, 30.0, 1.25)], both)
    assert placed == {(row, col): ("*", "star")}


def test_pass_cells_below_horizon_and_fainter_duplicates_are_skipped() -> None:
    row, col = chart_cell(180.0, 45.0)
    marks = [
        star("Jupiter", 180.0, 45.0, -2.4, kind="planet"),
        star("Faint", 180.2, 45.1, 1.9, named=False),  # same cell: the brighter one keeps it
        star("Sunk", 90.0, -5.0, 0.0),
        star("Hidden", 45.0, 20.0, 1.0),
    ]
    placed = landmark_glyphs(marks, {chart_cell(45.0, 20.0)})
    assert placed[(row, col)] == ("o", "planet")
    assert text_at(placed, row, range(col, col + 9)) == "o Jupiter"
    assert not any(role == "star" for _, role in placed.values())


def test_unnamed_stars_are_dots_without_labels() -> None:
    placed = landmark_glyphs([star("Sargas", 200.0, 10.0, 1.87, named=False)], set())
    assert placed == {chart_cell(200.0, 10.0): (".", "star")}


def test_chart_draws_landmarks_beside_the_path_and_names_the_one_by_the_highest_point() -> None:
    from datetime import timezone

    from isstrack.render.skychart import sky_chart
    from isstrack.sky.skypath import sky_path
    from tests.test_skychart import _first_visible_pass

    orbit, observer, item = _first_visible_pass()
    top = item.visible_highest
    vega = star("Vega", top.azimuth_deg, top.elevation_deg - 3.0, 0.03)  # 3° under the highest point
    faint = star("Sargas", (top.azimuth_deg + 180.0) % 360.0, 45.0, 1.87, named=False)
    text = sky_chart(
        sky_path(orbit, observer, item), timezone.utc, colour=False, width=120, marks=(vega, faint)
    ).plain
    assert "  passes just above Vega" in text  # the station is 3° above the star
    assert "* . bright stars, o planets" in text
    chart = [line[:45] for line in text.splitlines()]
    row, col = chart_cell((top.azimuth_deg + 180.0) % 360.0, 45.0)
    assert chart[row][col] == "."
    without = sky_chart(sky_path(orbit, observer, item), timezone.utc, colour=False, width=120).plain
    assert "bright stars" not in without and "passes just" not in without


def test_next_chart_shows_the_real_sky(cli: Any, tmp_path: Any) -> None:
    from tests.tle_tools import newest

    tle = tmp_path / "iss.tle"
    tle.write_text("\n".join(newest()) + "\n")
    args = [
        "next",
        "--city",
        "Amsterdam",
        "--at",
        "2026-09-24T12:00Z",
        "--tle-file",
        str(tle),
        "--chart",
        "-q",
    ]
    result = cli(*args, env={"COLUMNS": "120"})
    assert result.code == 0, result.err
    # 21:22 CEST on 24 Sep 2026 from Amsterdam: Vega near the zenith, Saturn low in the south-east.
    assert "* Vega" in result.out and "o Saturn" in result.out
