"""The legend line(s) under the world map: one entry for each thing drawn."""

from __future__ import annotations

from typing import Any

from isstrack.io.literal import literal
from isstrack.render.mapgrid import heading_arrow
from isstrack.render.mapstamp import stamp_items
from isstrack.render.mapstyle import (
    FOOTPRINT,
    HOME,
    ISS,
    OBSERVER,
    PASS,
    PAST,
    PLAIN_GLYPH,
    PLAIN_SHADE,
    SHADOW,
    STATION,
    SUBSOLAR,
    SUN_MARK,
    SUNLIT,
    Overlay,
    Run,
    _style,
    cells,
    region_colour,
    shown,
)
from isstrack.render.palette import TRUECOLOR_PALETTE, Palette
from isstrack.scene.mapscene import MapScene
from isstrack.sky.groundtrack import DAY, NIGHT, TWILIGHT


def legend_lines(
    scene: MapScene,
    zone: Any,
    place_name: str,
    columns: int,
    colour: bool,
    overlay: Overlay | None = None,
    palette: Palette | None = None,
    stamp: bool = True,
) -> list[list[Run]]:
    """Return the legend, wrapped to `columns`: one entry per thing drawn (`overlay` included).

    With `stamp` it starts with the moment shown and, for elements too old to trust, a warning.
    """
    palette = palette or TRUECOLOR_PALETTE
    dated = wrap_items(stamp_items(scene, zone, colour), columns) if stamp else []

    def line_item(layer: int, words: str) -> list[Run]:
        if colour:
            return [("⠶", _style(palette.lines[layer])), (f" {words}", None)]
        return [(PLAIN_GLYPH[layer] * 2, None), (f" {words}", None)]

    s = scene.state
    arrow = heading_arrow(scene.heading_deg, s.latitude_deg)
    station = (STATION, _style(palette.markers[ISS]) if colour else None)
    items: list[list[Run]] = [
        [station, (f" {literal(scene.name)} {arrow}", None)],
        line_item(SUNLIT, "sunlit"),
        line_item(SHADOW, "in shadow"),
        line_item(PAST, "last orbit"),
        line_item(FOOTPRINT, "in view"),
        [(SUBSOLAR, _style(palette.markers[SUN_MARK]) if colour else None), (" Sun overhead", None)],
    ]
    if scene.place is not None:
        items.append(
            [(OBSERVER, _style(palette.markers[HOME]) if colour else None), (f" {shown(place_name)}", None)]
        )
    if scene.next_visible is not None:
        when = scene.next_visible.start.astimezone(zone).strftime("%a %H:%M")
        items.append(line_item(PASS, f"next visible pass {when}"))
    if colour:  # one item: the three stay together on a line, a space apart
        shades: list[Run] = []
        for light, words in ((DAY, "day"), (TWILIGHT, "twilight"), (NIGHT, "night")):
            shades += [(" ", None)] if shades else []
            shades.append((f" {words} ", _style(f"#ffffff on {palette.background[light * 2]}")))
        items.append(shades)
    else:
        items.append([(PLAIN_SHADE[TWILIGHT], None), (" twilight", None)])
        items.append([(PLAIN_SHADE[NIGHT], None), (" night", None)])
        items.append([("⠿", None), (" coast", None)])
    if overlay is not None:
        swatch = ("⢕", _style(region_colour(overlay, palette.system))) if colour else (overlay.glyph, None)
        items.append([swatch, (f" hatched: {overlay.label}", None)])
    return dated + wrap_items(items, columns)


def wrap_items(items: list[list[Run]], width: int, gap: int = 3, separator: str = "") -> list[list[Run]]:
    """Return items laid out on lines no wider than `width`, `gap` cells (or `separator`) apart."""
    if separator:
        gap = cells(separator)
    lines: list[list[Run]] = [[]]
    used = 0
    for item in items:
        size = sum(cells(text) for text, _ in item)
        if used and used + gap + size > width:
            lines.append([])
            used = 0
        if used:
            lines[-1].append((separator or " " * gap, None))
            used += gap
        lines[-1].extend(item)
        used += size
    return lines
