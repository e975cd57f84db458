"""One sky chart for many satellites: each visible pass drawn and numbered where it appears."""

from __future__ import annotations

import itertools
import string
from typing import Any

from isstrack.render.console import make_console
from isstrack.render.safe import literal
from isstrack.render.skychart import beside, chart_frame, draw_segment, project
from isstrack.render.tonight import magnitude_cell
from isstrack.sky.fleettypes import FleetPass
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.skypath import sky_path

LABELS = string.digits[1:] + string.ascii_uppercase  # 35 passes get a mark; more are listed only


def fleet_chart(items: list[FleetPass], observer: Observer, zone: Any, colour: bool, width: int = 80) -> Any:
    """Return the chart of the visible parts of several passes, numbered, with a key beside or below."""
    grid = chart_frame()
    key = ["looking up: N top, E left", "rings: horizon, 30°, 60°", ""]
    for mark, item in zip(LABELS, items, strict=False):
        passage = item.passage
        first, last = passage.visible_start or passage.rise, passage.visible_end or passage.set
        path = sky_path(Orbit(item.elements), observer, passage)
        for a, b in itertools.pairwise(path.points):
            if first.time <= a.time and b.time <= last.time:
                draw_segment(grid, a, b, True)
        grid.put(project(first.azimuth_deg, first.elevation_deg).cell, mark, "mark")
        when = first.time.astimezone(zone)
        key.append(f"{mark} {when:%H:%M} {literal(item.elements.name)[:24]} {magnitude_cell(item)}")
    if len(items) > len(LABELS):
        key.append(f"(and {len(items) - len(LABELS)} more passes, in the table)")
    return beside(grid.lines(colour), key, width)


def print_fleet_chart(items: list[FleetPass], observer: Observer, zone: Any) -> None:
    """Print one chart of the visible passes (nothing when there are none)."""

    if not items:
        return
    console = make_console()
    colour = console.color_system is not None and not console.no_color
    console.print()
    console.print(fleet_chart(items, observer, zone, colour, console.width), crop=True)
