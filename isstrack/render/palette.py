"""Colours for the map and sky chart, one set for each kind of colour terminal.

Truecolour terminals get the hand-tuned RGB palette. On 256-colour terminals (tmux by default,
macOS Terminal) Rich would map each RGB colour to the nearest xterm colour, which turns day land
grey and night land and night sea both black; so they get colours picked from the xterm cube for
that terminal: hue says land or sea, brightness says day, twilight or night. 16-colour terminals get
the eight ANSI colours and their bright variants, the only ones every theme has.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from isstrack.render.mapstyle import BACKGROUND, LAYER_FG, MARKERS, Overlay

TRUECOLOR, EIGHT_BIT, STANDARD = "truecolor", "256", "16"


@dataclass(frozen=True)
class Palette:
    """Rich style strings for one colour system.

    `background` is by light class x 2 + land: day, twilight, night over sea and land. `lines` are
    the map's line layers from the bottom up (coast, last orbit, footprint, in shadow, sunlit, next
    pass). `markers` are the station, heading arrow, home, Sun and pass-time label. `sky` styles the
    sky chart by role.
    """

    system: str
    background: tuple[str, str, str, str, str, str]
    overlay: str
    lines: tuple[str, str, str, str, str, str]
    markers: tuple[str, str, str, str, str]
    sky: Mapping[str, str]


# Truecolour: the map's own colours (render/mapstyle.py); the sky chart takes its colours from here.
TRUECOLOR_PALETTE = Palette(
    system=TRUECOLOR,
    background=BACKGROUND,
    overlay=Overlay.colour,
    lines=(LAYER_FG[0], LAYER_FG[1], LAYER_FG[2], LAYER_FG[3], LAYER_FG[4], LAYER_FG[5]),
    markers=MARKERS,
    sky={
        "ring": "#5f6f7f",
        "compass": "bold #d0d0d0",
        "visible": "bold #ffe066",
        "hidden": "#7f8fa0",
        "mark": "bold #ff5fd7",
        "shadow": "bold #6fd3ff",
        "minute": "#ffffff",
        "star": "#c8d4ff",
        "planet": "bold #ffd39a",
    },
)

# xterm colour numbers: 16 + 36 r + 6 g + b over the levels 0, 95, 135, 175, 215, 255; 232-255 greys.
EIGHT_BIT_PALETTE = Palette(
    system=EIGHT_BIT,
    background=(
        "color(32)",  # day sea: rgb(0, 135, 215)
        "color(106)",  # day land: rgb(135, 175, 0)
        "color(24)",  # twilight sea: rgb(0, 95, 135)
        "color(58)",  # twilight land: rgb(95, 95, 0)
        "color(17)",  # night sea: rgb(0, 0, 95)
        "color(22)",  # night land: rgb(0, 95, 0)
    ),
    overlay="color(91)",  # rgb(135, 0, 175)
    lines=(
        "color(151)",  # coast: rgb(175, 215, 175)
        "color(250)",  # last orbit: grey 188
        "color(215)",  # footprint: rgb(255, 175, 95)
        "color(123)",  # in shadow: rgb(135, 255, 255)
        "bold color(227)",  # sunlit: rgb(255, 255, 95)
        "bold color(207)",  # next pass: rgb(255, 95, 255)
    ),
    markers=(
        "bold color(231) on color(160)",
        "bold color(210)",
        "bold color(231)",
        "bold color(220)",
        "bold color(207)",
    ),
    sky={
        "ring": "color(66)",
        "compass": "bold color(252)",
        "visible": "bold color(227)",
        "hidden": "color(103)",
        "mark": "bold color(207)",
        "shadow": "bold color(123)",
        "minute": "color(231)",
        "star": "color(189)",
        "planet": "bold color(222)",
    },
)

STANDARD_PALETTE = Palette(
    system=STANDARD,
    background=("blue", "green", "cyan", "yellow", "black", "bright_black"),
    overlay="magenta",
    lines=("bright_white", "white", "bright_red", "bright_cyan", "bold bright_yellow", "bold bright_magenta"),
    markers=(
        "bold bright_white on red",
        "bold bright_red",
        "bold bright_white",
        "bold bright_yellow",
        "bold bright_magenta",
    ),
    sky={
        "ring": "bright_black",
        "compass": "bold white",
        "visible": "bold bright_yellow",
        "hidden": "white",
        "mark": "bold bright_magenta",
        "shadow": "bold bright_cyan",
        "minute": "bright_white",
        "star": "bright_white",
        "planet": "bold yellow",
    },
)

PALETTES = {p.system: p for p in (TRUECOLOR_PALETTE, EIGHT_BIT_PALETTE, STANDARD_PALETTE)}


def palette_system(rich_system: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """Return the palette to use: from COLORTERM when it says truecolour, else from Rich's detection."""
    env = os.environ if environ is None else environ
    if rich_system is None or env.get("NO_COLOR"):
        return None
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return TRUECOLOR
    # Rich says "windows" for the legacy Windows console: 16 colours.
    return {"truecolor": TRUECOLOR, "256": EIGHT_BIT, "standard": STANDARD, "windows": STANDARD}.get(
        rich_system, STANDARD
    )


def palette_for(system: str | None) -> Palette:
    """Return the palette for a colour system name (truecolour for anything unknown or None)."""
    return PALETTES.get(system or TRUECOLOR, TRUECOLOR_PALETTE)


def overlay_colour(overlay: Overlay, palette: Palette) -> str:
    """Return the background of an overlay's cells: the palette's own unless the overlay chose a colour."""
    return palette.overlay if overlay.colour == Overlay.colour else overlay.colour
