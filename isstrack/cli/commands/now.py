"""isstrack now: where the station is, from the whole Earth and from where you stand, once or live."""

from datetime import datetime, timedelta
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
    moment,
)
from isstrack.cli.commands.preamble import ElementOptions, PlaceOptions, prepare
from isstrack.cli.commands.satellite import Sat, std_of
from isstrack.render.console import make_console
from isstrack.render.jsonout import write_json
from isstrack.render.scenejson import snapshot_json
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG

if TYPE_CHECKING:
    from isstrack.scene.snapshot import Snapshot, Snapshots

Watch = Annotated[bool, typer.Option("--watch", "-w", help="Redraw in place until Ctrl-C.")]


def now(
    lat: Lat = None,
    lon: Lon = None,
    elevation: Elevation = None,
    city: City = None,
    at: At = None,
    json: Json = False,
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
) -> None:
    """Show where the station is now (or --at a time), and how it looks from your place."""
    check_min_elevation(min_elevation)
    check_interval(interval)
    where = PlaceOptions(lat, lon, elevation, city, tz)
    source = ElementOptions(
        tle_file, offline, quiet, verbose, sat, ephemeris=ephemeris, warn_age=not no_warn_age
    )
    _, place, zone, zone_label, start, used, orbit = prepare(
        where, source, lambda place: moment(at, search_ahead=None if place is None else _search_ahead())
    )
    from isstrack.scene.snapshot import Snapshots  # the gazetteer: other commands start without it

    snapshots = Snapshots(orbit, used, place, min_elevation, std_of(used))
    if not watch:
        _emit(snapshots.at(start), json, zone, zone_label)
        return
    _watch(snapshots, start, interval, json, zone, zone_label)


def _emit(snapshot: "Snapshot", json: bool, zone: Any, zone_label: str) -> None:
    if json:
        write_json(snapshot_json(snapshot))
    else:
        from isstrack.render.text import now_panel

        make_console().print(now_panel(snapshot, zone, zone_label))


def _watch(
    snapshots: "Snapshots", start: datetime, interval: float, json: bool, zone: Any, zone_label: str
) -> None:
    """Show the view every `interval` seconds: JSON lines, panels when piped, else redrawn in place."""
    from isstrack.render.watch import QUIT_HINT, json_line, rich_screen, watch_lines, watch_screen

    if json:
        watch_lines(lambda when: json_line(snapshot_json(snapshots.at(when))), start, interval)
        return
    from isstrack.render.text import fitted_now_panel, now_panel

    console = make_console()
    if not console.is_terminal:

        def show(when: datetime) -> None:
            console.print(now_panel(snapshots.at(when), zone, zone_label))
            console.file.flush()

        watch_lines(show, start, interval)
        return

    def screen(when: datetime, columns: int, lines: int) -> str:
        snapshot = snapshots.at(when)
        view = rich_screen(
            console, lambda c: fitted_now_panel(snapshot, zone, zone_label, c), columns, lines - 1
        )
        return view + "\n" + QUIT_HINT[:columns]

    watch_screen(screen, start, interval)


def _search_ahead() -> timedelta:
    """Return how far ahead `now` looks for the next pass (only imported with a place)."""
    from isstrack.sky.nextpass import SEARCH_STEPS_DAYS

    return timedelta(days=SEARCH_STEPS_DAYS[-1])
