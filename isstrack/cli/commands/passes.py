"""isstrack passes: the visible passes over a place, with local times, directions and brightness."""

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from isstrack.cli.commands.common import (
    City,
    Elevation,
    EphemerisFile,
    Json,
    Lat,
    Lon,
    MaxMagnitude,
    MinElevation,
    Offline,
    Quiet,
    StdMag,
    TleFile,
    Tz,
    Verbose,
    check_days,
    check_min_elevation,
    check_std_mag,
    exclusive,
    moment,
)
from isstrack.cli.commands.places import Places, Scheduler, Workers, passes_for_places, reject_place_options
from isstrack.cli.commands.preamble import ElementOptions, PlaceOptions, prepare_following
from isstrack.cli.commands.satellite import Sat, StdMagFile, always_up_note, label, search_followed
from isstrack.errors import BadInputError
from isstrack.render.jsonout import passes_json, write_json
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG
from isstrack.sky.source import orbit_of
from isstrack.sky.times import utc_now
from isstrack.sky.upcoming import burn_line

From = Annotated[
    str | None, typer.Option("--from", metavar="TIME", help="Start of the window, ISO 8601 (default: now).")
]
Days = Annotated[int, typer.Option("--days", metavar="N", help="Length of the window in days, 1-30.")]
All = Annotated[bool, typer.Option("--all", help="List every pass with its type, not only visible ones.")]
Csv = Annotated[bool, typer.Option("--csv", help="Print CSV, one row per pass, header first.")]
Chart = Annotated[
    bool, typer.Option("--chart", help="After the table, draw each visible pass on a sky chart (looking up).")
]
Ics = Annotated[
    Path | None,
    typer.Option(
        "--ics", metavar="FILE", help="Write the passes to an iCalendar file with reminders (- for stdout)."
    ),
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
    chart: Chart = False,
    tz: Tz = None,
    std_mag: StdMag = None,
    sat: Sat = None,
    std_mag_file: StdMagFile = None,
    tle_file: TleFile = None,
    ephemeris: EphemerisFile = None,
    offline: Offline = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
    places: Places = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
) -> None:
    """List the passes over a place: visible ones by default, every pass with --all."""
    if places is not None or workers is not None or scheduler is not None:
        if places is None:
            raise BadInputError("--workers and --scheduler go with --places FILE; give the places file")
        exclusive("pick one output", **{"--json": json, "--csv": csv})
        given = {
            "--lat": lat,
            "--lon": lon,
            "--elevation": elevation,
            "--city": city,
            "--ics": ics,
            "--tz": tz,
        }
        reject_place_options(**{name: value is not None for name, value in given.items()})
        passes_for_places(
            places,
            from_=from_,
            days=days,
            min_elevation_deg=min_elevation,
            all_passes=all_,
            max_magnitude=max_magnitude,
            json=json,
            std_magnitude=std_mag,
            tle_file=tle_file,
            sat=sat,
            std_mag_file=std_mag_file,
            offline=offline,
            quiet=quiet,
            verbose=verbose,
            workers=workers,
            scheduler=scheduler,
            ephemeris=ephemeris,
        )
        return
    from isstrack.sky.nextpass import is_wanted

    exclusive("pick one output", **{"--json": json, "--csv": csv, "--ics": ics is not None, "--chart": chart})
    check_days(days)
    check_min_elevation(min_elevation)
    check_std_mag(std_mag)
    if ics is not None:
        from isstrack.io.outfile import check_output

        check_output(ics, "--ics")
    start = moment(from_, "--from", search_ahead=timedelta(days=days))
    end = start + timedelta(days=days)
    where = PlaceOptions(lat, lon, elevation, city, tz)
    source = ElementOptions(tle_file, offline, quiet, verbose, sat, std_mag, std_mag_file, ephemeris)
    reporter, place, zone, zone_label, _, followed = prepare_following("passes", where, source, start)
    if len(followed) > 1:
        from isstrack.cli.commands.manysats import passes_of_many

        exclusive("--ics takes one --sat", **{"--ics": ics is not None, "several --sat": True})
        passes_of_many(followed, place, zone, zone_label, start, end, min_elevation, all_, max_magnitude,
                       json=json, csv=csv, chart=chart)  # fmt: skip
        return
    follow = followed[0]
    used = follow.used
    orbit = orbit_of(used)
    search = search_followed(follow, place.observer, start, end, min_elevation)
    if not search.passes:
        note = always_up_note(follow, place.observer, start, end, min_elevation)
        if note:
            reporter.note(note)
    shown = [p for p in search.passes if is_wanted(p, all_, max_magnitude)]
    if json:
        write_json(passes_json(search, shown, place, zone_label, used, follow.std.value, all_))
    elif csv:
        from isstrack.render.tabular import write_csv

        write_csv(shown)
    elif ics is not None:
        from isstrack.render.calendar import write_calendar

        count = write_calendar(ics, shown, place, used.elements.catalog_number, label(follow))
        written = "standard output" if str(ics) == "-" else str(ics)
        reporter.note(f"wrote {count} {'' if all_ else 'visible '}passes to {written}")
    else:
        from isstrack.render.passtable import passes_table

        note = burn_line(used.ephemeris, used.elements, start, end, utc_now())
        passes_table(search, shown, place, zone, zone_label, used, all_, what=label(follow), burn_note=note)
        if chart:
            from isstrack.render.skychart import print_charts
            from isstrack.sky.skypath import sky_path

            paths = [sky_path(orbit, place.observer, p) for p in shown if p.visible]
            print_charts(paths, zone, heading=True, observer=place.observer)
