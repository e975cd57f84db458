"""isstrack map: a world map with the ground track, day and night, the footprint and your next pass."""

import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from isstrack.cli.commands.common import (
    At,
    City,
    Elevation,
    EphemerisFile,
    Interval,
    Json,
    Lat,
    Lon,
    MinElevation,
    NoWarnAge,
    Offline,
    Quiet,
    TleFile,
    Tz,
    Verbose,
    check_interval,
    check_min_elevation,
    exclusive,
    finite,
    moment,
)
from isstrack.cli.commands.preamble import ElementOptions, PlaceOptions, prepare
from isstrack.cli.commands.satellite import Sat, std_of
from isstrack.errors import BadInputError, check_range
from isstrack.render.console import PIPED_WIDTH, make_console
from isstrack.render.jsonout import write_json
from isstrack.render.safe import ascii_only, xml_chars
from isstrack.render.svgtext import standalone_svg
from isstrack.render.watchcontrol import TimeControl
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG

if TYPE_CHECKING:
    from isstrack.elements.load import ElementsInUse
    from isstrack.place.location import Location
    from isstrack.sky.orbit import Orbit

Orbits = Annotated[
    float,
    typer.Option(
        "--orbits", metavar="N", callback=finite, help="Orbits of track to draw ahead, more than 0 up to 5."
    ),
]
Width = Annotated[
    int | None,
    typer.Option("--width", metavar="COLS", help="Map width in columns, 60-400 (default: the terminal's)."),
]
Svg = Annotated[
    Path | None,
    typer.Option("--svg", metavar="FILE", help="Write the picture as an SVG file instead ('-' for stdout)."),
]
Graphics = Annotated[
    str,
    typer.Option(
        "--graphics",
        metavar="KIND",
        help="Draw the map as a picture: auto (ask the terminal), kitty, sixel, iterm or none (braille).",
    ),
]
Png = Annotated[
    Path | None,
    typer.Option("--png", metavar="FILE", help="Write the map as a PNG picture instead ('-' for stdout)."),
]
GRAPHICS_CHOICES = ("auto", "kitty", "sixel", "iterm", "none")  # render.graphics.CHOICES, without loading it
PNG_WIDTH_PX = 1440
MIN_FITTED_COLUMNS = 20  # a map shrunk to fit a small terminal (--width itself takes 60 and up)
Watch = Annotated[
    bool,
    typer.Option(
        "--watch",
        "-w",
        help="Full-screen live map until q, Esc or Ctrl-C (JSON lines when piped). Keys: arrows or [ ] "
        "step a minute, shift-arrows or { } an orbit, space pauses, 0 returns to now, + and - change "
        "the orbits drawn, f follows the station (f again stops).",
    ),
]
Tonight = Annotated[
    bool, typer.Option("--tonight", help="Shade where a visible pass occurs in the next 24 h (or --hours).")
]
Hours = Annotated[
    float | None,
    typer.Option(
        "--hours", metavar="N", callback=finite, help="With --tonight: hours ahead to look, up to 72."
    ),
]


def map_(
    lat: Lat = None,
    lon: Lon = None,
    elevation: Elevation = None,
    city: City = None,
    at: At = None,
    orbits: Orbits = 1.5,
    width: Width = None,
    json: Json = False,
    svg: Svg = None,
    png: Png = None,
    graphics: Graphics = "auto",
    watch: Watch = False,
    interval: Interval = 1.0,
    min_elevation: MinElevation = DEFAULT_MIN_ELEVATION_DEG,
    tz: Tz = None,
    sat: Sat = None,
    tle_file: TleFile = None,
    ephemeris: EphemerisFile = None,
    offline: Offline = False,
    quiet: Quiet = False,
    no_warn_age: NoWarnAge = False,
    verbose: Verbose = False,
    tonight: Tonight = False,
    hours: Hours = None,
) -> None:
    """Draw a world map: the station, its track, day and night, its footprint and your next pass."""
    from isstrack.render.worldmap import MAX_COLUMNS, MIN_COLUMNS
    from isstrack.scene.mapscene import LONGEST_PERIOD, MAX_ORBITS

    exclusive("pick one output", **{"--json": json, "--svg": svg is not None, "--png": png is not None})
    exclusive("--svg writes one picture", **{"--watch": watch, "--svg": svg is not None})
    exclusive("--png writes one picture", **{"--watch": watch, "--png": png is not None})
    if graphics not in GRAPHICS_CHOICES:
        raise BadInputError(f"--graphics {graphics!r} is not one of {', '.join(GRAPHICS_CHOICES)}")
    check_range("--orbits", orbits, 0, MAX_ORBITS, "; give up to 5 orbits ahead", open_low=True)
    if width is not None:
        check_range("--width", width, MIN_COLUMNS, MAX_COLUMNS, " columns", dashed=True)
    check_interval(interval)
    check_min_elevation(min_elevation)
    _check_tonight(tonight, hours, watch)
    if svg is not None:
        from isstrack.io.outfile import check_output

        check_output(svg, "--svg")
    if png is not None:
        from isstrack.io.outfile import check_output

        check_output(png, "--png")
    where = PlaceOptions(lat, lon, elevation, city, tz)
    source = ElementOptions(
        tle_file, offline, quiet, verbose, sat, ephemeris=ephemeris, warn_age=not no_warn_age
    )
    _, place, zone, zone_label, start, used, orbit = prepare(  # a broken saved place only warns
        where,
        source,
        lambda place: moment(
            at, search_ahead=_looks_ahead(orbits, place is not None, tonight, hours), margin=LONGEST_PERIOD
        ),
    )

    if watch:
        _watch(orbit, used, place, min_elevation, orbits, start, interval, json, zone, width, graphics)
        return
    from isstrack.scene.mapscene import build_scene

    scene = build_scene(orbit, start, orbits, place, min_elevation)
    from isstrack.render.worldmap import WorldMap, map_rows

    columns = width or (120 if json or svg is not None else _terminal_columns())
    overlay, extra = _tonight_overlay(orbit, start, hours, map_rows(columns), columns, min_elevation, tonight)
    if json:
        from isstrack.render.scenejson import scene_json

        write_json({**scene_json(scene, used, zone_label), **extra})
        return

    name = place.name if place is not None else ""
    if png is not None:
        from isstrack.io.outfile import write_output
        from isstrack.render.mapgraphics import png_file_bytes

        write_output(png, png_file_bytes(scene, PNG_WIDTH_PX, overlay, zone), "--png")
        return
    if svg is not None:
        import io

        from rich.console import Console

        recorder = Console(
            no_color=False,
            record=True,
            width=columns,
            force_terminal=True,
            color_system="truecolor",
            file=io.StringIO(),
        )
        recorder.print(WorldMap(columns, True, overlay).frame(scene, zone, name).text())
        from isstrack.io.outfile import write_output

        write_output(svg, xml_chars(standalone_svg(recorder.export_svg(title="isstrack map"))), "--svg")
        return
    import os
    import sys

    protocol = _graphics(graphics)
    fit = width is None and sys.stdout.isatty()  # a terminal's whole picture stays on its screen
    if protocol is not None:
        _print_picture(scene, protocol, columns, overlay, zone, name, fit)
        return
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        if fit:
            columns = _fitted(columns, WorldMap(columns, False, overlay), scene, zone, name, map_rows)
        sys.stdout.write(WorldMap(columns, False, overlay).frame(scene, zone, name).plain(ascii_only()))
        return
    from isstrack.render.palette import palette_for, palette_system

    console = make_console()
    palette = palette_for(palette_system(console.color_system))
    if fit:
        columns = _fitted(columns, WorldMap(columns, True, overlay, palette), scene, zone, name, map_rows)
    console.print(
        WorldMap(columns, True, overlay, palette).frame(scene, zone, name).text(ascii_only()),
        width=columns,
        crop=True,
    )


def _fitted(columns: int, world: Any, scene: Any, zone: Any, name: str, rows_of: Any) -> int:
    """Return the widest map up to `columns` whose rows and legend leave the prompt a line on screen."""
    import shutil

    from isstrack.render.worldmap import fit_columns

    size = shutil.get_terminal_size((PIPED_WIDTH, 24))
    width = min(columns, size.columns)
    return fit_columns(world, scene, zone, name, width, size.lines - 1, rows_of, MIN_FITTED_COLUMNS)


def _graphics(choice: str) -> str | None:
    """Return the picture protocol to use on stdout (None: the braille map)."""
    import os

    if choice == "none":
        return None
    from isstrack.render.graphics import detect

    return detect(choice, os.environ, sys.stdout.fileno() if sys.stdout.isatty() else None)


def _print_picture(
    scene: Any, protocol: str, columns: int, overlay: Any, zone: Any, name: str, fit: bool
) -> None:
    """Print the map as a picture with the braille map's legend under it."""
    from isstrack.render.mapgraphics import TerminalPicture
    from isstrack.render.palette import palette_for, palette_system
    from isstrack.render.worldmap import MapFrame, WorldMap

    fd = sys.stdout.fileno() if sys.stdout.isatty() else None
    console = make_console()
    picture = TerminalPicture(protocol, fd, overlay)
    colour, palette = console.color_system is not None, palette_for(palette_system(console.color_system))
    if fit:
        sized = WorldMap(columns, colour, overlay, palette)
        columns = _fitted(columns, sized, scene, zone, name, picture.rows)
    sys.stdout.write(picture.escape(scene, columns) + "\n")
    sys.stdout.flush()
    world = WorldMap(columns, colour, overlay, palette)
    legend = MapFrame([], world.frame(scene, zone, name).legend)
    console.print(legend.text(ascii_only()), width=columns, crop=True)


def _watch(
    orbit: "Orbit",
    used: "ElementsInUse",
    place: "Location | None",
    min_elevation: float,
    orbits: float,
    start: datetime,
    interval: float,
    json: bool,
    zone: Any,
    width: int | None,
    graphics: str = "none",
) -> None:
    """Redraw the map full screen every `interval` seconds; JSON lines of `now` with --json or a pipe."""
    from isstrack.render.scenejson import snapshot_json
    from isstrack.render.watch import json_line, watch_lines, watch_screen
    from isstrack.scene.snapshot import Snapshots

    snapshots = Snapshots(orbit, used, place, min_elevation, std_of(used))
    if json or not sys.stdout.isatty():
        watch_lines(lambda when: json_line(snapshot_json(snapshots.at(when))), start, interval)
        return
    from isstrack.render.mapstatus import compose
    from isstrack.scene.live import LiveScene

    live = LiveScene(snapshots, orbits)
    protocol = _graphics(graphics)  # asked before the full screen opens: replies cannot mix with frames
    picture = None
    if protocol is not None:
        from isstrack.render.mapgraphics import TerminalPicture

        picture = TerminalPicture(protocol, sys.stdout.fileno())

    control = TimeControl(live.orbit_period, orbits)

    def screen(when: datetime, columns: int, lines: int) -> str:
        shown = control.shown(when)
        live.show_orbits(control.orbits)
        frame = compose(*live.scene(shown), zone, columns, lines - 1, width, picture, control.following)
        status = control.status(columns)
        # Erase after a short status line: a longer one from the frame before may be under it.
        return frame + "\n" + status + ("\x1b[K" if len(status) < columns else "")

    watch_screen(screen, start, interval, control.press)


def _terminal_columns() -> int:
    """Return the terminal's width within the map's limits (120 when piped), without loading Rich."""
    import os
    import shutil
    import sys

    from isstrack.render.worldmap import MAX_COLUMNS, MIN_COLUMNS

    if not sys.stdout.isatty() and "COLUMNS" not in os.environ:
        return PIPED_WIDTH
    return max(MIN_COLUMNS, min(MAX_COLUMNS, shutil.get_terminal_size((PIPED_WIDTH, 24)).columns))


def _looks_ahead(orbits: float, has_place: bool, tonight: bool, hours: float | None) -> timedelta:
    """Return how far past its time the map reads the ephemeris: the track, the next pass, --tonight."""
    from isstrack.scene.mapscene import LONGEST_PERIOD

    ahead = LONGEST_PERIOD * orbits  # the track; it also looks one orbit back (the margin)
    if has_place:
        from isstrack.sky.nextpass import SEARCH_STEPS_DAYS

        ahead = max(ahead, timedelta(days=SEARCH_STEPS_DAYS[-1]))  # the next visible pass
    if tonight:
        from isstrack.sky.tonight import DEFAULT_HOURS

        ahead = max(ahead, timedelta(hours=DEFAULT_HOURS if hours is None else hours))
    return ahead


def _check_tonight(tonight: bool, hours: float | None, watch: bool) -> None:
    from isstrack.sky.tonight import MAX_HOURS

    if hours is not None and not tonight:
        raise BadInputError("--hours goes with --tonight; add --tonight")
    if hours is not None:
        check_range("--hours", hours, 0, MAX_HOURS, "; give hours ahead to look", open_low=True)
    exclusive("the shading is computed once, not redrawn", **{"--tonight": tonight, "--watch": watch})


def _tonight_overlay(
    orbit: Any, start: Any, hours: float | None, rows: int, columns: int, min_elevation: float, tonight: bool
) -> tuple[Any, dict[str, Any]]:
    """Return the map overlay and the JSON entry for --tonight (None and {} without it)."""
    if not tonight:
        return None, {}
    from isstrack.render.worldmap import Overlay
    from isstrack.sky.tonight import DEFAULT_HOURS, grid_json, legend, visibility_grid

    span = DEFAULT_HOURS if hours is None else hours
    grid = visibility_grid(orbit, start, span, rows, columns, min_elevation)
    return Overlay(grid.visible, legend(grid, span)), {"tonight": grid_json(grid, span)}
