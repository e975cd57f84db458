"""isstrack tonight: the visible passes of the bright satellites over a place, in time order."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from isstrack.cli.commands.common import (
    At,
    City,
    Elevation,
    Json,
    Lat,
    Lon,
    MaxMagnitude,
    MinElevation,
    NoWarnAge,
    Offline,
    Quiet,
    Reporter,
    Tz,
    Verbose,
    check_min_elevation,
    exclusive,
    finite,
    local_zone,
    location,
    moment,
    require_place,
)
from isstrack.cli.commands.satellite import StdMagFile
from isstrack.elements.brightness import read_std_mag_file, std_magnitude
from isstrack.elements.tle import ElementSet
from isstrack.elements.trust import is_trusted
from isstrack.errors import BadInputError, NoElementsError, check_range
from isstrack.io.paths import cache_dir
from isstrack.render.jsonout import write_json
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG

GROUPS = ("visual", "stations")  # CelesTrak's bright satellites, and the crewed stations
MAX_HOURS = 48.0

Place = Annotated[
    str | None,
    typer.Argument(metavar="[PLACE]", help="A city, as --city takes it (default: the saved place)."),
]
Hours = Annotated[
    float,
    typer.Option(
        "--hours", metavar="N", callback=finite, help="Length of the window from now (or --at), 1-48."
    ),
]
Chart = Annotated[bool, typer.Option("--chart", help="After the table, draw the passes on one sky chart.")]
TonightTleFile = Annotated[
    Path | None,
    typer.Option(
        "--tle-file",
        metavar="PATH",
        help="The satellites in this OMM JSON/CSV, TLE or 3LE file instead of CelesTrak's groups.",
    ),
]


def tonight(
    place_name: Place = None,
    lat: Lat = None,
    lon: Lon = None,
    elevation: Elevation = None,
    city: City = None,
    at: At = None,
    hours: Hours = 12.0,
    min_elevation: MinElevation = DEFAULT_MIN_ELEVATION_DEG,
    max_magnitude: MaxMagnitude = None,
    json: Json = False,
    chart: Chart = False,
    tz: Tz = None,
    tle_file: TonightTleFile = None,
    std_mag_file: StdMagFile = None,
    offline: Offline = False,
    quiet: Quiet = False,
    no_warn_age: NoWarnAge = False,
    verbose: Verbose = False,
) -> None:
    """List the visible passes of the bright satellites (CelesTrak's visual group and the stations)."""
    from isstrack.elements.anysat import merge_docked
    from isstrack.render.tonight import tonight_json, tonight_table
    from isstrack.sky.fleet import find_fleet_passes

    exclusive("pick one output", **{"--json": json, "--chart": chart})
    if place_name is not None and city is not None:
        raise BadInputError(f"give the place once: either {place_name!r} or --city {city!r}")
    check_range("--hours", hours, 1, MAX_HOURS, "; give the hours to look ahead", dashed=True)
    check_min_elevation(min_elevation)
    start = moment(at, "--at", search_ahead=timedelta(hours=hours))
    end = start + timedelta(hours=hours)
    reporter = Reporter(quiet, verbose, warn_age=not no_warn_age)
    place = require_place(location(lat, lon, elevation, city or place_name, reporter=reporter), "tonight")
    zone, zone_label = local_zone(place, tz)
    table = read_std_mag_file(std_mag_file) if std_mag_file is not None else None
    sets = _satellites(tle_file, offline, reporter, start)

    leads: list[ElementSet] = []
    docked: dict[int, tuple[str, ...]] = {}
    for lead, riders in merge_docked(sets):
        if is_trusted(lead.age_days(start)):
            leads.append(lead)
            docked[lead.catalog_number] = riders
        else:
            reporter.log(f"skipping {lead.name} ({lead.catalog_number}): elements too old to trust")
    stds = [std_magnitude(s.catalog_number, s.name, table) for s in leads]
    search = find_fleet_passes(leads, stds, place.observer, start, end, min_elevation, visible_only=True)
    for elements, why in search.skipped:
        reporter.log(f"not searched: {elements.name} ({elements.catalog_number}): {why}")
    shown = [
        p
        for p in search.passes
        if max_magnitude is None or p.passage.magnitude is None or p.passage.magnitude <= max_magnitude
    ]
    if json:
        write_json(tonight_json(search, shown, place, zone_label, docked))
        return

    heading = f"of {len(leads)} bright satellites" if tle_file is None else f"of {len(leads)} satellites"
    tonight_table(search, shown, place, zone, zone_label, heading)
    if chart:
        from isstrack.render.fleetchart import print_fleet_chart

        print_fleet_chart(shown, place.observer, zone)


def _satellites(
    tle_file: Path | None, offline: bool, reporter: Reporter, start: datetime
) -> list[ElementSet]:
    """Return the element sets to search: the file's, else CelesTrak's groups (each its own query)."""
    from isstrack.elements.anysat import file_sets, load_group, newest_per_object

    if tle_file is not None:
        return file_sets(tle_file, start)
    found: list[ElementSet] = []
    failures: dict[str, str] = {}
    for group in GROUPS:
        try:
            sets, warnings = load_group(group, cache_dir(), offline=offline)
        except NoElementsError as exc:
            failures[group] = str(exc)
            continue
        for line in warnings:
            reporter.warn(line)
        found.extend(sets)
    if not found:
        raise NoElementsError(_one_problem(failures))
    for failure in failures.values():
        reporter.warn(failure)
    return newest_per_object(found, start)


def _one_problem(failures: dict[str, str]) -> str:
    """Return the groups' failures as one problem when they differ only by the group's name."""
    groups = list(failures)
    first = failures[groups[0]]
    if len(groups) > 1 and all(
        text.replace(f"group '{group}'", f"group '{groups[0]}'") == first for group, text in failures.items()
    ):
        return first.replace(f"group '{groups[0]}'", "groups " + " and ".join(f"'{g}'" for g in groups))
    return "; ".join(failures.values())
