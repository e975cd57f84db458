"""isstrack now: where the station is, from the whole Earth and from where you stand, once or live."""

import time
from datetime import datetime, timedelta
from typing import Annotated, Any

import typer

from isstrack.cli.commands.common import (
    At,
    City,
    Debug,
    Elevation,
    Interval,
    Json,
    Lat,
    Lon,
    MinElevation,
    Offline,
    Quiet,
    Reporter,
    TleFile,
    Tz,
    Verbose,
    check_interval,
    check_min_elevation,
    load_elements,
    local_zone,
    location,
    moment,
)
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG

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
    tle_file: TleFile = None,
    offline: Offline = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
    debug: Debug = False,
) -> None:
    """Show where the station is now (or --at a time), and how it looks from your place."""
    from isstrack.scene.snapshot import take_snapshot
    from isstrack.sky.orbit import Orbit

    check_min_elevation(min_elevation)
    check_interval(interval)
    reporter = Reporter(quiet, verbose)
    place = location(lat, lon, elevation, city, optional=reporter)
    start = moment(at, search_ahead=None if place is None else _search_ahead())
    zone, zone_label = local_zone(place, tz) if (place is not None or tz is not None) else (None, "")
    used = load_elements(reporter, offline, tle_file, start)
    orbit = Orbit(used.elements)

    upcoming: list[Any] = [None]

    def frame(when: datetime) -> Any:
        snapshot = take_snapshot(orbit, used, when, place, min_elevation, upcoming[0])
        upcoming[0] = snapshot.next_visible
        return snapshot

    if not watch:
        _emit(frame(start), json, zone, zone_label)
        return
    _watch(frame, start, interval, json, zone, zone_label)


def _emit(snapshot: Any, json: bool, zone: Any, zone_label: str) -> None:
    if json:
        from isstrack.render.jsonout import write_json
        from isstrack.render.scenejson import snapshot_json

        write_json(snapshot_json(snapshot))
    else:
        from isstrack.render.console import make_console
        from isstrack.render.text import now_panel

        make_console().print(now_panel(snapshot, zone, zone_label))


def _watch(frame: Any, start: datetime, interval: float, json: bool, zone: Any, zone_label: str) -> None:
    clock_start = time.monotonic()

    def when() -> datetime:
        return start + timedelta(seconds=time.monotonic() - clock_start)

    try:
        if json:
            from isstrack.render.jsonout import SCHEMA_VERSION, dumps
            from isstrack.render.scenejson import snapshot_json

            while True:
                line = {"schema_version": SCHEMA_VERSION, **snapshot_json(frame(when()))}
                print(dumps(line), flush=True)
                time.sleep(interval)
        from isstrack.render.console import make_console
        from isstrack.render.text import now_panel

        console = make_console()
        if not console.is_terminal:
            while True:
                console.print(now_panel(frame(when()), zone, zone_label))
                console.file.flush()
                time.sleep(interval)
        _watch_screen(console, lambda: frame(when()), interval, zone, zone_label)
    except KeyboardInterrupt:
        return


def _watch_screen(console: Any, snapshot: Any, interval: float, zone: Any, zone_label: str) -> None:
    """Redraw the whole (alternate) screen every `interval` seconds and at once when the terminal resizes."""
    import contextlib
    import os
    import select
    import signal

    from rich.live import Live

    from isstrack.render.text import fitted_now_panel

    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)

    def on_resize(signum: int, frame: Any) -> None:
        with contextlib.suppress(BlockingIOError):  # a wake-up is already pending
            os.write(wake_write, b"w")

    previous = signal.signal(signal.SIGWINCH, on_resize)
    try:
        # screen=True: the alternate screen, redrawn in full each time, so a resize leaves no fragments;
        # leaving it (also on Ctrl-C) restores the terminal as it was.
        with Live(console=console, screen=True, auto_refresh=False, redirect_stderr=False) as live:
            while True:
                live.update(fitted_now_panel(snapshot(), zone, zone_label, console), refresh=True)
                ready, _, _ = select.select([wake_read], [], [], interval)
                if ready:
                    os.read(wake_read, 64)
    finally:
        signal.signal(signal.SIGWINCH, previous)
        os.close(wake_read)
        os.close(wake_write)


def _search_ahead() -> timedelta:
    """Return how far ahead `now` looks for the next pass (only imported with a place)."""
    from isstrack.sky.nextpass import SEARCH_STEPS_DAYS

    return timedelta(days=SEARCH_STEPS_DAYS[-1])
