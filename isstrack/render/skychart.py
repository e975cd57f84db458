"""Draw a pass as a polar sky chart: horizon, 30° and 60° rings, compass points, the path and its marks.

Orientation: as seen lying on your back looking up with your head to the north (the way star
charts are drawn): north at the top, south at the bottom, EAST ON THE LEFT, west on the right.
The zenith is the centre; the distance from it is proportional to 90° minus the elevation.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from isstrack.io.timetext import nearest_second
from isstrack.render.console import make_console
from isstrack.render.palette import TRUECOLOR_PALETTE, palette_for, palette_system
from isstrack.render.skymarks import LEGEND, landmark_glyphs
from isstrack.sky.earth import compass
from isstrack.sky.landmarks import Landmark, landmarks, nearby_phrase
from isstrack.sky.orbit import Observer
from isstrack.sky.skypath import SkyPath, SkyPoint

RADIUS_ROWS = 10  # the horizon circle spans 2 x 10 + 1 rows; braille dots are square
RADIUS_DOTS = 4 * RADIUS_ROWS
TOP_MARGIN_ROWS = 1  # a row above the circle for "N"
LEFT_MARGIN_COLUMNS = 2  # columns left of the circle for "E"
CHART_ROWS = TOP_MARGIN_ROWS + 2 * RADIUS_ROWS + 2
CHART_COLUMNS = LEFT_MARGIN_COLUMNS + RADIUS_DOTS + 3
APPEARS, HIGHEST, DISAPPEARS, SHADOW_MARK, MINUTE = "A", "H", "D", "◐", "•"
STYLES = TRUECOLOR_PALETTE.sky


@dataclass(frozen=True)
class ChartCell:
    """Where a direction in the sky falls on the chart, in dots and in (row, column) cells."""

    y_dot: int
    x_dot: int

    @property
    def cell(self) -> tuple[int, int]:
        """Return the (row, column) of the character cell on the chart."""
        return TOP_MARGIN_ROWS + self.y_dot // 4, LEFT_MARGIN_COLUMNS + self.x_dot // 2


def project(azimuth_deg: float, elevation_deg: float) -> ChartCell:
    """Return the chart position of a direction: looking up, north at the top, east on the left."""
    r = RADIUS_DOTS * (90.0 - max(0.0, elevation_deg)) / 90.0
    az = math.radians(azimuth_deg)
    x = RADIUS_DOTS - r * math.sin(az)  # east (az 90°) to the left
    y = RADIUS_DOTS - r * math.cos(az)  # north (az 0°) at the top
    size = 2 * RADIUS_DOTS + 3
    return ChartCell(min(size, max(0, int(y + 0.5))), min(size, max(0, int(x + 0.5))))


def _dots_of_circle(radius: float) -> list[ChartCell]:
    steps = max(16, int(2 * math.pi * radius))
    return [
        ChartCell(
            int(RADIUS_DOTS - radius * math.cos(a) + 0.5), int(RADIUS_DOTS - radius * math.sin(a) + 0.5)
        )
        for a in (2 * math.pi * k / steps for k in range(steps))
    ]


def _line_dots(a: ChartCell, b: ChartCell) -> list[ChartCell]:
    n = max(abs(b.x_dot - a.x_dot), abs(b.y_dot - a.y_dot), 1)
    return [
        ChartCell(round(a.y_dot + (b.y_dot - a.y_dot) * k / n), round(a.x_dot + (b.x_dot - a.x_dot) * k / n))
        for k in range(n + 1)
    ]


def sky_chart(
    path: SkyPath,
    zone: Any,
    colour: bool,
    width: int = 80,
    marks: tuple[Landmark, ...] = (),
    styles: Mapping[str, str] = STYLES,
) -> Any:
    """Return the chart of a pass as a Rich Text, with its labels beside it (or below when narrow).

    `marks` are the bright stars and planets to draw where the path leaves room (sky/landmarks.py).
    """
    grid = chart_frame()
    item = path.item
    first = item.visible_start or item.rise
    last = item.visible_end or item.set
    points = path.points
    for a, b in itertools.pairwise(points):
        seen = item.visible and first.time <= a.time and b.time <= last.time
        draw_segment(grid, a, b, seen)
    for point in points:
        if point.whole_minute:
            grid.put(project(point.azimuth_deg, point.elevation_deg).cell, MINUTE, "minute")
    changes = path.shadow_changes()
    for point, _ in changes:
        grid.put(project(point.azimuth_deg, point.elevation_deg).cell, SHADOW_MARK, "shadow")
    top = item.visible_highest or item.culmination
    for mark, spot in ((APPEARS, first), (HIGHEST, top), (DISAPPEARS, last)):
        grid.put(project(spot.azimuth_deg, spot.elevation_deg).cell, mark, "mark")
    occupied = {cell for cell, (layer, _, _) in grid.codes.items() if layer > 0} | set(grid.glyphs)
    for cell, (glyph, role) in landmark_glyphs(
        marks, occupied, lambda az, el: project(az, el).cell, CHART_ROWS, CHART_COLUMNS
    ).items():
        grid.put(cell, glyph, role)
    return beside(grid.lines(colour, styles), _labels(path, zone, changes, marks), width)


def chart_frame() -> _Grid:
    """Return an empty chart: the horizon, the 30° and 60° rings and the compass letters."""
    grid = _Grid(CHART_ROWS, CHART_COLUMNS)
    for radius in (RADIUS_DOTS, RADIUS_DOTS * 2 / 3, RADIUS_DOTS / 3):
        for dot in _dots_of_circle(radius):
            grid.dot(dot, "ring", 0)
    centre_row, centre_col = TOP_MARGIN_ROWS + RADIUS_ROWS, LEFT_MARGIN_COLUMNS + RADIUS_DOTS // 2
    grid.put((TOP_MARGIN_ROWS - 1, centre_col), "N", "compass")
    grid.put((TOP_MARGIN_ROWS + 2 * RADIUS_ROWS + 1, centre_col), "S", "compass")
    grid.put((centre_row, LEFT_MARGIN_COLUMNS - 2), "E", "compass")
    grid.put((centre_row, LEFT_MARGIN_COLUMNS + RADIUS_DOTS + 2), "W", "compass")
    return grid


def draw_segment(grid: _Grid, a: SkyPoint, b: SkyPoint, seen: bool) -> None:
    """Draw the path between two points: bright where the pass is visible, faint where not."""
    for dot in _line_dots(project(a.azimuth_deg, a.elevation_deg), project(b.azimuth_deg, b.elevation_deg)):
        grid.dot(dot, "visible" if seen else "hidden", 2 if seen else 1)


def beside(chart: list[Any], labels: list[str], width: int) -> Any:
    """Return the chart's lines with the labels beside them, or below when the width cannot fit both."""
    from rich.text import Text

    out = Text(no_wrap=True, overflow="crop")
    side = CHART_COLUMNS + 2 + max(len(line) for line in labels) <= width
    rows = max(len(chart), len(labels)) if side else len(chart)
    for k in range(rows):
        if k:
            out.append("\n")
        if k < len(chart):
            out.append_text(chart[k])
        if side and k < len(labels):
            out.append(" " * (CHART_COLUMNS - (chart[k].cell_len if k < len(chart) else 0) + 2))
            out.append(labels[k])
    if not side:
        for line in labels:
            out.append("\n" + line)
    return out


def _labels(
    path: SkyPath, zone: Any, changes: tuple[tuple[SkyPoint, bool], ...], marks: tuple[Landmark, ...] = ()
) -> list[str]:
    item = path.item
    first = item.visible_start or item.rise
    top = item.visible_highest or item.culmination
    last = item.visible_end or item.set

    def near(a: Any, b: Any) -> bool:
        return bool(abs((a.time - b.time).total_seconds()) <= 10)

    def row(mark: str, point: Any, words: str) -> list[str]:
        local = nearest_second(point.time).astimezone(zone)  # rounded as the tables round
        text = [
            f"{mark} {local:%H:%M:%S} {words:<10} {point.elevation_deg:2.0f}° {compass(point.azimuth_deg)}"
        ]
        for change, leaves in changes:
            if near(change, point):
                text.append("  out of Earth's shadow" if leaves else "  into Earth's shadow")
        return text

    start = first.time.astimezone(zone)
    lines = [
        f"{start:%a %d %b %Y} ({start:%Z})",
        "looking up: N top, E left",
        "",
        *row(APPEARS, first, "appears" if item.visible else "rises"),
        *row(HIGHEST, top, "highest"),
        *(
            [f"  passes {phrase}"]
            if (phrase := nearby_phrase(marks, top.azimuth_deg, top.elevation_deg))
            else []
        ),
        *row(DISAPPEARS, last, "disappears" if item.visible else "sets"),
    ]
    for point, leaves in changes:
        if near(point, first) or near(point, last):
            continue
        words = "leaves Earth's shadow" if leaves else "enters Earth's shadow"
        lines.append(f"{SHADOW_MARK} {nearest_second(point.time).astimezone(zone):%H:%M:%S} {words}")
    lines += ["", f"{MINUTE} whole minutes", "rings: horizon, 30°, 60°", "centre: overhead"]
    if marks:
        lines.append(LEGEND)
    if item.magnitude is not None:
        lines.append(f"brightest: magnitude {item.magnitude:+.1f}")
    return lines


class _Grid:
    """Character cells holding braille dots by layer, and single glyphs on top."""

    def __init__(self, rows: int, columns: int) -> None:
        self.rows, self.columns = rows, columns
        self.codes: dict[tuple[int, int], tuple[int, int, str]] = {}  # cell -> (layer, bits, style)
        self.glyphs: dict[tuple[int, int], tuple[str, str]] = {}

    def dot(self, dot: ChartCell, style: str, layer: int) -> None:
        """Set one braille dot; a higher layer takes the cell over from a lower one."""
        cell = dot.cell
        bit = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))[dot.y_dot % 4][dot.x_dot % 2]
        old = self.codes.get(cell)
        if old is None or old[0] < layer:
            self.codes[cell] = (layer, bit, style)
        elif old[0] == layer:
            self.codes[cell] = (layer, old[1] | bit, style)

    def put(self, cell: tuple[int, int], glyph: str, style: str) -> None:
        """Place a glyph on a cell, over any dots."""
        self.glyphs[cell] = (glyph, style)

    def lines(self, colour: bool, styles: Mapping[str, str] = STYLES) -> list[Any]:
        """Return the grid as Rich Text lines (trailing blanks trimmed)."""
        from rich.text import Text

        out = []
        for r in range(self.rows):
            line = Text()
            for c in range(self.columns):
                if (r, c) in self.glyphs:
                    glyph, style = self.glyphs[(r, c)]
                elif (r, c) in self.codes:
                    _, bits, style = self.codes[(r, c)]
                    glyph = "·" if style == "hidden" and not colour else chr(0x2800 + bits)
                else:
                    glyph, style = " ", ""
                line.append(glyph, styles.get(style) if colour else None)
            line.rstrip()
            out.append(line)
        return out


def print_charts(
    paths: list[SkyPath], zone: Any, heading: bool = False, observer: Observer | None = None
) -> None:
    """Print a sky chart for each pass's path (with a one-line heading per chart if asked).

    With the `observer`, the bright stars and planets above the horizon at the pass's highest
    point are drawn too.
    """
    console = make_console()
    colour = console.color_system is not None and not console.no_color
    styles = palette_for(palette_system(console.color_system)).sky
    for path in paths:
        if heading:
            start = (path.item.visible_start or path.item.rise).time.astimezone(zone)
            console.print(f"\n{start:%a %d %b %H:%M} pass", style="bold" if colour else None, highlight=False)
        else:
            console.print()
        marks: tuple[Landmark, ...] = ()
        if observer is not None:
            top = path.item.visible_highest or path.item.culmination
            marks = landmarks(observer, top.time, min_elevation_deg=0.0)
        console.print(sky_chart(path, zone, colour, console.width, marks, styles), crop=True)
