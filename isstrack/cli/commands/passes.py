"""isstrack passes: the visible passes over a place, with local times, directions and brightness."""

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
    NoWarnAge,
    Offline,
    Quiet,
    Reporter,
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
from isstrack.cli.commands.places import (
    Out,
    Places,
    Scheduler,
    SchedulerFile,
    Workers,
    passes_for_places,
    reject_place_options,
)
from isstrack.cli.commands.preamble import ElementOptions, PlaceOptions, prepare_following
from isstrack.cli.commands.satellite import Sat, StdMagFile, always_up_note, label, search_followed
from isstrack.errors import BadInputError
from isstrack.render.jsonout import passes_json, write_json
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG
from isstrack.sky.source import orbit_of
from isstrack.sky.times import utc_now
from isstrack.sky.upcoming import burn_line

if TYPE_CHECKING:
    from isstrack.elements.sources import ElementsInUse
    from isstrack.place.location import Location
    from isstrack.sky.passes import Pass

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

Rss = Annotated[
    Path | None,
    typer.Option("--rss", metavar="FILE", help="Write the visible passes as an RSS 2.0 feed (- for stdout)."),
]
Atom = Annotated[
    Path | None,
    typer.Option("--atom", metavar="FILE", help="Write the visible passes as an Atom feed (- for stdout)."),
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
    rss: Rss = None,
    atom: Atom = None,
    chart: Chart = False,
    tz: Tz = None,
    std_mag: StdMag = None,
    sat: Sat = None,
    std_mag_file: StdMagFile = None,
    tle_file: TleFile = None,
    ephemeris: EphemerisFile = None,
    offline: Offline = False,
    quiet: Quiet = False,
    no_warn_age: NoWarnAge = False,
    verbose: Verbose = False,
    places: Places = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    scheduler_file: SchedulerFile = None,
    out: Out = None,
) -> None:
    """List the passes over a place: visible ones by default, every pass with --all."""
    if places is not None or workers is not None or scheduler is not None or scheduler_file or out:
        if places is None:
            raise BadInputError(
                "--workers, --scheduler, --scheduler-file and --out go with --places FILE; give the places"
            )
        exclusive("pick one output", **{"--json": json, "--csv": csv})
        given = {
            "--lat": lat,
            "--lon": lon,
            "--elevation": elevation,
            "--city": city,
            "--ics": ics,
            "--rss": rss,
            "--atom": atom,
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
            scheduler_file=scheduler_file,
            out=out,
        )
        return
    from isstrack.sky.nextpass import is_wanted

    files = {
        name: path for name, path in (("--ics", ics), ("--rss", rss), ("--atom", atom)) if path is not None
    }
    written = " and ".join(files) or "--ics"  # the files can go together; stdout takes one output
    exclusive("pick one output", **{"--json": json, "--csv": csv, written: bool(files), "--chart": chart})
    if [str(path) for path in files.values()].count("-") > 1:
        raise BadInputError(f"{written} all name standard output (-); give file names to all but one")
    check_days(days)
    check_min_elevation(min_elevation)
    check_std_mag(std_mag)
    if files:
        from isstrack.io.outfile import check_output

        for name, path in files.items():
            check_output(path, name)
    start = moment(from_, "--from", search_ahead=timedelta(days=days))
    end = start + timedelta(days=days)
    where = PlaceOptions(lat, lon, elevation, city, tz)
    source = ElementOptions(
        tle_file, offline, quiet, verbose, sat, std_mag, std_mag_file, ephemeris, warn_age=not no_warn_age
    )
    reporter, place, zone, zone_label, _, followed = prepare_following("passes", where, source, start)
    if len(followed) > 1:
        from isstrack.cli.commands.manysats import passes_of_many

        exclusive(f"{written} takes one --sat", **{written: bool(files), "several --sat": True})
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
    elif files:
        _write_files(files, shown, place, zone, zone_label, used, all_, reporter, label(follow))
    else:
        from isstrack.render.passtable import passes_table

        note = burn_line(used.ephemeris, used.elements, start, end, utc_now())
        passes_table(search, shown, place, zone, zone_label, used, all_, what=label(follow), burn_note=note)
        if chart:
            from isstrack.render.skychart import print_charts
            from isstrack.sky.skypath import sky_path

            paths = [sky_path(orbit, place.observer, p) for p in shown if p.visible]
            print_charts(paths, zone, heading=True, observer=place.observer)


def _write_files(
    files: dict[str, Path],
    shown: "list[Pass]",
    place: "Location",
    zone: Any,
    zone_label: str,
    used: "ElementsInUse",
    all_: bool,
    reporter: Reporter,
    what: str,
) -> None:
    """Write the calendar and the feeds of `what` asked for, each atomically; note what went where."""
    from isstrack.render.calendar import write_calendar
    from isstrack.render.feeds import atom_bytes, rss_bytes, write_feed

    catalog = used.elements.catalog_number
    for name, path in files.items():
        where = "standard output" if str(path) == "-" else str(path)
        if name == "--ics":
            count = write_calendar(path, shown, place, catalog, what, zone)
            reporter.note(f"wrote {count} {'' if all_ else 'visible '}passes to {where}")
            continue
        make = rss_bytes if name == "--rss" else atom_bytes
        write_feed(path, make(shown, place, catalog, zone, zone_label, used.elements.epoch, name=what), name)
        reporter.note(f"wrote {sum(p.visible for p in shown)} visible passes to {where} ({name[2:].upper()})")
