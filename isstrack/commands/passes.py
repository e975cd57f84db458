"""isstrack passes: the visible passes over a place, with local times, directions and brightness."""

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from isstrack.commands.common import (
    City,
    Debug,
    Elevation,
    Json,
    Lat,
    Lon,
    MaxMagnitude,
    MinElevation,
    Offline,
    Quiet,
    Reporter,
    StdMag,
    TleFile,
    Tz,
    Verbose,
    check_min_elevation,
    check_std_mag,
    exclusive,
    load_elements,
    local_zone,
    location,
    moment,
    require_place,
)
from isstrack.errors import BadInputError
from isstrack.orbit import DEFAULT_MIN_ELEVATION_DEG
from isstrack.passes import DEFAULT_STD_MAGNITUDE

From = Annotated[
    str | None, typer.Option("--from", metavar="TIME", help="Start of the window, ISO 8601 (default: now).")
]
Days = Annotated[int, typer.Option("--days", metavar="N", help="Length of the window in days, 1-30.")]
All = Annotated[bool, typer.Option("--all", help="List every pass with its type, not only visible ones.")]
Csv = Annotated[bool, typer.Option("--csv", help="Print CSV, one row per pass, header first.")]
Ics = Annotated[
    Path | None,
    typer.Option("--ics", metavar="FILE", help="Write visible passes to an iCalendar file with reminders."),
]


def passes(
    lat: Lat = None,
    lon: Lon = None,
    elevation: Elevation = None,
    city: City = None,
    from_: From = None,
    days: Days = 10,
    min_elevation: MinElevation = DEFAULT_MIN_ELEVATION_DEG,
    all_: All = False,
    max_magnitude: MaxMagnitude = None,
    json: Json = False,
    csv: Csv = False,
    ics: Ics = None,
    tz: Tz = None,
    std_mag: StdMag = DEFAULT_STD_MAGNITUDE,
    tle_file: TleFile = None,
    offline: Offline = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
    debug: Debug = False,
) -> None:
    """List the passes over a place: visible ones by default, every pass with --all."""
    from isstrack.orbit import Orbit
    from isstrack.passes import find_passes

    exclusive(**{"--json": json, "--csv": csv, "--ics": ics is not None})
    if not 1 <= days <= 30:
        raise BadInputError(f"--days {days} is outside 1-30; give a whole number of days from 1 to 30")
    check_min_elevation(min_elevation)
    check_std_mag(std_mag)
    start = moment(from_, "--from", search_ahead=timedelta(days=days))
    end = start + timedelta(days=days)
    reporter = Reporter(quiet, verbose)
    place = require_place(location(lat, lon, elevation, city, reporter=reporter), "passes")
    zone, zone_label = local_zone(place, tz)
    if ics is not None:
        from isstrack.render.calendar import check_writable

        check_writable(ics)
    used = load_elements(reporter, offline, tle_file, start)
    search = find_passes(Orbit(used.elements), place.observer, start, end, min_elevation, std_mag)
    shown = [
        p
        for p in search.passes
        if (all_ or p.visible)
        and (max_magnitude is None or (p.magnitude is not None and p.magnitude <= max_magnitude))
    ]
    if json:
        from isstrack.render.jsonout import passes_json, write_json

        write_json(passes_json(search, shown, place, zone_label, used, std_mag, all_))
    elif csv:
        from isstrack.render.tabular import write_csv

        write_csv(shown)
    elif ics is not None:
        from isstrack.render.calendar import write_calendar

        count = write_calendar(ics, search, place, used.elements.catalog_number)
        reporter.note(f"wrote {count} visible passes to {ics}")
    else:
        from isstrack.render.text import passes_table

        passes_table(search, shown, place, zone, zone_label, used, all_)
