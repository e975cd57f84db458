"""One live frame of `map --watch` as terminal text: a compact status block, the map and its legend."""

from __future__ import annotations

import os
import sys
from datetime import timezone
from functools import cache
from typing import Any

from isstrack.io.timetext import duration_text
from isstrack.render.mapgraphics import TerminalPicture
from isstrack.render.maplegend import legend_lines, wrap_items
from isstrack.render.mapstamp import moment_words, stamp_items
from isstrack.render.mapstyle import Run, _style, cells, shown
from isstrack.render.palette import Palette, palette_for, palette_system
from isstrack.render.safe import ascii_only
from isstrack.render.text import age_text, oem_words
from isstrack.render.worldmap import MAX_COLUMNS, WorldMap, as_ascii, map_rows
from isstrack.scene.mapscene import MapScene
from isstrack.scene.snapshot import Snapshot
from isstrack.sky.earth import compass, format_latitude, format_longitude

MIN_LIVE_COLUMNS = 20
_maps: dict[tuple[int, bool], WorldMap] = {}


@cache
def terminal_colours() -> Any:
    """Return Rich's colour system for stdout, or None for plain text (NO_COLOR, dumb terminal)."""
    from rich.color import ColorSystem
    from rich.console import Console

    if os.environ.get("NO_COLOR"):
        return None
    name = Console(file=sys.stdout).color_system
    systems = {
        "standard": ColorSystem.STANDARD,
        "256": ColorSystem.EIGHT_BIT,
        "truecolor": ColorSystem.TRUECOLOR,
        "windows": ColorSystem.WINDOWS,
    }
    return systems.get(name or "")


@cache
def terminal_palette() -> Palette:
    """Return the palette for stdout's terminal: COLORTERM, then Rich's detection (truecolour if unknown)."""
    from rich.console import Console

    return palette_for(palette_system(Console(file=sys.stdout).color_system))


def duration_words(seconds: float) -> str:
    """Return a countdown like '2h 05m 09s', '4m 03s' or '12s'."""
    return duration_text(seconds, show_seconds=True)


def status_lines(snap: Snapshot, scene: MapScene, zone: Any, colour: bool, columns: int) -> list[list[Run]]:
    """Return the status block wrapped to `columns`: time, position, height, speed, light, what is
    below, the view from the place and the next visible pass, the elements' age."""

    s = scene.state
    light: Run = ("sunlit", _style("bold #ffe066") if colour else None)
    if not s.sunlit:
        light = ("in shadow", _style("#6fd3ff") if colour else None)
    items: list[list[Run]] = [
        [("ISS ", _style("bold") if colour else None), (moment_words(scene, zone), None)],
        [(f"{format_latitude(s.latitude_deg)} {format_longitude(s.longitude_deg)}", None)],
        [(f"{s.altitude_km:,.0f} km up", None)],
        [(f"{s.speed_km_s:.2f} km/s heading {compass(scene.heading_deg)}", None)],
        [light],
        [(shown(snap.below.describe()), None)],
    ]
    lines = wrap_items(items, columns, separator=" · ")
    if scene.place is not None and snap.look is not None:
        look = snap.look
        where = "visible now" if look.visible else ("up" if look.above_horizon else "below the horizon")
        view: list[list[Run]] = [
            [
                (
                    f"from {shown(scene.place.name)}: az {look.azimuth_deg:.0f}° {compass(look.azimuth_deg)}",
                    None,
                )
            ],
            [(f"el {look.elevation_deg:.1f}° ({where})", None)],
            [(f"{look.range_km:,.0f} km away", None)],
        ]
        upcoming = scene.next_visible
        if upcoming is None:
            view.append([("no visible pass in the next 30 days", None)])
        else:
            start = upcoming.start.astimezone(zone or timezone.utc)
            wait = (upcoming.start - scene.at).total_seconds()
            words = "in progress" if wait <= 0 else f"in {duration_words(wait)}"
            pass_style = _style("bold #ff5fd7") if colour else None
            view.append([("next visible pass ", None), (f"{start:%a %H:%M} {words}", pass_style)])
        lines += wrap_items(view, columns, separator=" · ")
    warning = stamp_items(scene, zone, colour, moment=False)
    source = oem_words(snap.elements) or f"elements {age_text(snap.elements.elements.age_days(scene.at))}"
    if warning and not oem_words(snap.elements):
        lines += wrap_items(warning, columns)  # the age, shown once, as a warning
    else:
        lines += [[(source, _style("dim") if colour else None)]]
    return lines


def crop(runs: list[Run], width: int) -> list[Run]:
    """Return runs cut to at most `width` terminal cells."""
    from rich.cells import cell_len, set_cell_size

    out: list[Run] = []
    used = 0
    for text, style in runs:
        size = cell_len(text)
        if used + size > width:
            out.append((set_cell_size(text, width - used), style))
            break
        out.append((text, style))
        used += size
    return out


def _ansi(runs: list[Run], system: Any) -> str:
    if system is None:
        return "".join(text for text, _ in runs)
    return "".join(style.render(text, color_system=system) if style else text for text, style in runs)


def compose(
    snapshot: Snapshot,
    scene: MapScene,
    zone: Any,
    columns: int,
    lines: int,
    width: int | None,
    picture: TerminalPicture | None = None,
    follow: bool = False,
) -> str:
    """Return the whole screen for a terminal of `columns` x `lines`, no line wider than the screen.

    The map is at most `width` columns wide; where stdout takes only ASCII, each glyph is one ASCII
    character, so the layout holds. With a `picture` the map is drawn as one (kitty, sixel, iTerm2).
    With `follow` the map is centred on the station's longitude.
    """

    system = terminal_colours()
    colour = system is not None
    status = status_lines(snapshot, scene, zone, colour, columns)
    place_name = scene.place.name if scene.place is not None else ""
    map_columns = min(columns, width or columns, MAX_COLUMNS)
    while map_columns > MIN_LIVE_COLUMNS:  # the widest map that leaves room for status and legend
        legend = legend_lines(scene, zone, place_name, map_columns, colour, stamp=False)
        height = picture.rows(map_columns) if picture is not None else map_rows(map_columns)
        if len(status) + height + len(legend) <= lines:
            break
        map_columns -= 1
    if (map_columns, colour) not in _maps:
        _maps.clear()
        _maps[(map_columns, colour)] = WorldMap(map_columns, colour, None, terminal_palette())
    world = _maps[(map_columns, colour)]
    centre = scene.state.longitude_deg if follow else None
    frame = world.frame(scene, zone, place_name, stamp=False, centre_deg=centre)
    rendered = [_ansi(crop(runs, columns), system) for runs in status]
    widths = [sum(cells(t) for t, _ in runs) for runs in status]
    if picture is not None:
        # One element for the whole picture: its newlines (one per row, less the joining one) keep
        # the count of lines right, and no erase may follow it (that would wipe a sixel row).
        rendered.append(picture.block(scene, map_columns, len(status) + 1, centre)[:-1])
        widths.append(columns)
    else:
        rendered += [world.ansi(runs, system) for runs in frame.lines]
        widths += [sum(cells(t) for t, _ in runs) for runs in frame.lines]
    rendered += [_ansi(crop(runs, columns), system) for runs in frame.legend]
    widths += [sum(cells(t) for t, _ in runs) for runs in frame.legend]
    # Erase to the end of short lines only: on a full line the cursor waits at the last cell and
    # an erase there would wipe that cell.
    tail = ["\x1b[0m\x1b[K" if w < columns else "\x1b[0m" for w in widths]
    text = "\n".join(line + end for line, end in list(zip(rendered, tail, strict=True))[:lines])
    return as_ascii(text) if ascii_only() else text
