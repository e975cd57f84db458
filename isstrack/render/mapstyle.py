"""The world map's look, shared by the map and its legend: layers, glyphs, colours, overlays."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from isstrack.render.safe import literal
from isstrack.sky.groundtrack import NIGHT, TWILIGHT

STATION, OBSERVER, SUBSOLAR = "✦", "⌂", "☼"

# Layers from the bottom up; the highest layer with a dot in a cell draws that cell.
COAST, PAST, FOOTPRINT, SHADOW, SUNLIT, PASS = range(6)
LAYER_FG = {
    COAST: "#b5c99a",
    PAST: "#a8a8a8",
    FOOTPRINT: "#ff9f43",
    SHADOW: "#6fd3ff",
    SUNLIT: "bold #ffe066",
    PASS: "bold #ff5fd7",
}
# An overlay's region (see Overlay) is one more line layer, a sparse diagonal hatching drawn over
# the coast and under the tracks, so land, sea, day and night still show through.
REGION = PASS + 1
DRAW_ORDER = (COAST, REGION, PAST, FOOTPRINT, SHADOW, SUNLIT, PASS)  # bottom up
PLAIN_GLYPH = {PAST: "~", FOOTPRINT: "o", SHADOW: "+", SUNLIT: "*", PASS: "#", REGION: "/"}
PLAIN_SHADE = {TWILIGHT: ":", NIGHT: "·"}
PLAIN_TABLE = ["", *(PLAIN_GLYPH.get(layer, "") for layer in range(1, REGION + 1))]
# The region's line colour by palette (magenta family, apart from the next pass's pink).
REGION_FG = {"truecolor": "bold #e0a0ff", "256": "bold color(183)", "16": "magenta"}
HATCH_PERIOD_DOTS = 6  # one diagonal hatch line every this many braille dots
# Backgrounds by light class x 2 + land: day, twilight, night over sea and land.
BACKGROUND = ("#2a5b8c", "#4f6f34", "#1b3a5c", "#334722", "#0c1828", "#172012")
# Single-cell glyphs: their styles (without a background they take the cell's).
ISS, HEADING, HOME, SUN_MARK, LABEL = range(5)
MARKERS = ("bold #ffffff on #d7263d", "bold #ff8080", "bold #ffffff", "bold #ffd700", "bold #ff5fd7")
MARKER_BASE = 128  # a multiple of 8: the low 3 bits of a style id are its background


@dataclass(frozen=True)
class Overlay:
    """A region to mark on the map, with its legend entry.

    `mask` is a 2-D boolean array over the whole globe at any resolution: row 0 is the band at
    90° N and the last row the band at 90° S, column 0 starts at 180° W and the last ends at
    180° E (cell-centred, equal steps). A point is in the region when the mask is true there.
    The region is hatched, never filled, so the map stays readable under it: in colour with
    diagonal braille lines (in `colour` when one is chosen, else the palette's), without colour
    with `glyph` on every fourth diagonal of cells. `label` is the legend text.
    """

    mask: Any
    label: str
    colour: str = "#7b2fbe"
    glyph: str = "/"


Run = tuple[str, Any]  # text and its Rich Style (None without colour)


def shown(text: str) -> str:
    """Return an outside string safe to display: control characters escaped."""
    return literal(text)


def cells(text: str) -> int:
    """Return the terminal cells a string takes: 2 for wide East Asian characters, 0 for combining marks."""
    import unicodedata

    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


@cache
def _style(spec: str) -> Any:
    from rich.style import Style

    return Style.parse(spec)


def region_colour(overlay: Overlay, system: str) -> str:
    """Return the style of an overlay region's lines for a palette system, or the overlay's own colour."""
    return (
        REGION_FG.get(system, REGION_FG["truecolor"]) if overlay.colour == Overlay.colour else overlay.colour
    )
