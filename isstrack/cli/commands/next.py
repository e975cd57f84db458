"""isstrack next: the next pass in one line, with grep-like exit codes for scripts and cron."""

import sys
from dataclasses import replace
from datetime import timedelta
from typing import Annotated

import typer

from isstrack.cli.commands.common import (
    At,
    City,
    Elevation,
    EphemerisFile,
    Json,
    Lat,
    Lon,
    MaxAge,
    MaxMagnitude,
    MinElevation,
    NoWarnAge,
    Offline,
    Quiet,
    StdMag,
    TleFile,
    Tz,
    Verbose,
    check_min_elevation,
    check_std_mag,
    exclusive,
    moment,
)
from isstrack.cli.commands.preamble import ElementOptions, PlaceOptions, prepare_following
from isstrack.cli.commands.satellite import Sat, StdMagFile, engine_std, label, require_known_brightness
from isstrack.elements.trust import check_max_age
from isstrack.errors import NothingFoundError
from isstrack.render.console import fit_parts, terminal_width
from isstrack.render.jsonout import next_json, write_json
from isstrack.render.safe import literal
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG
from isstrack.sky.source import orbit_of, require_burn_trusted
from isstrack.sky.times import parse_duration, utc_now
from isstrack.sky.upcoming import burn_line

Within = Annotated[
    str | None,
    typer.Option(
        "--within",
        metavar="DURATION",
        help="Exit 0 if a pass starts (or is in progress) within this span, like 15m, 2h, 1d; else exit 1.",
    ),
]
All = Annotated[
    bool, typer.Option("--all", help="Any pass above the minimum elevation, not only visible ones.")
]
Chart = Annotated[bool, typer.Option("--chart", help="Also draw the pass on a sky chart (looking up).")]
Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="TEMPLATE",
        help="Print a template over the pass fields, e.g. '{start_local:%H:%M} {appears_dir}' "
        "(docs/json.md lists them).",
    ),
]


def next_(
    lat: Lat = None,
    lon: Lon = None,
    elevation: Elevation = None,
    city: City = None,
    within: Within = None,
    at: At = None,
    min_elevation: MinElevation = DEFAULT_MIN_ELEVATION_DEG,
    all_: All = False,
    max_magnitude: MaxMagnitude = None,
    json: Json = False,
    format_: Format = None,
    chart: Chart = False,
    tz: Tz = None,
    std_mag: StdMag = None,
    sat: Sat = None,
    std_mag_file: StdMagFile = None,
    tle_file: TleFile = None,
    ephemeris: EphemerisFile = None,
    offline: Offline = False,
    max_age: MaxAge = None,
    quiet: Quiet = False,
    no_warn_age: NoWarnAge = False,
    verbose: Verbose = False,
) -> None:
    """Print the next visible pass (any pass with --all) in one line."""
    from isstrack.sky.nextpass import (
        SEARCH_STEPS_DAYS,
        check_template,
        find_next,
        render_template,
        require_trusted_passes,
        template_fields,
    )

    exclusive("pick one output", **{"--json": json, "--format": format_ is not None, "--chart": chart})
    check_min_elevation(min_elevation)
    check_std_mag(std_mag)
    check_max_age(max_age)
    span = parse_duration(within, "--within") if within is not None else None
    if format_ is not None:
        check_template(format_)
    start = moment(at, search_ahead=span or timedelta(days=SEARCH_STEPS_DAYS[-1]))
    where = PlaceOptions(lat, lon, elevation, city, tz)
    source = ElementOptions(
        tle_file, offline, quiet, verbose, sat, std_mag, std_mag_file, ephemeris, warn_age=not no_warn_age
    )
    # The age is judged once, at the pass found (below), so a --max-age hint is right the first time.
    reporter, place, zone, zone_label, _, followed = prepare_following(
        "next", where, source, start, hold_trust=True
    )
    candidates = []
    for follow in followed:
        require_known_brightness(follow, max_magnitude)
        orbit = orbit_of(follow.used)
        found = find_next(
            orbit, place.observer, start, min_elevation, not all_, span, engine_std(follow), max_magnitude
        )
        if found is not None and follow.std.value is None:
            found = replace(found, item=replace(found.item, magnitude=None))
        candidates.append((found, follow, orbit))
    # The soonest of the objects' next passes (each object's own when only one is followed).
    found, follow, orbit = min(candidates, key=lambda c: (c[0] is None, c[0].start if c[0] else start))
    used = follow.used
    search_end = start + (span or timedelta(days=SEARCH_STEPS_DAYS[-1]))
    # Never announce a pass (nor its absence) at a moment the elements are too old to trust.
    require_trusted_passes([found.item] if found else [], used.elements.epoch, start, search_end, max_age)
    # Nor one that rests on elements from before a burn the trajectory lists, whatever their age.
    announced = [max(found.start, start)] if found else []
    require_burn_trusted(announced, used.ephemeris, orbit, used.elements.epoch)
    reporter.release_trust(accepted=max_age is not None)  # not refused: the age warning is worth its line
    # A burn between now and the pass: one line (on stderr, so --format and --json stay as they are).
    note = None if found is None else burn_line(used.ephemeris, used.elements, start, found.start, utc_now())
    if note:
        reporter.note(note)
    if json:
        write_json(next_json(found, place, zone_label, used, start, search_end))
    elif found is not None:
        # The template is the user's own (a tab in it stays a tab); the place name comes from outside.
        name = literal(label(follow))
        fields = template_fields(
            found, zone, literal(place.name), zone_label, name, used.elements.catalog_number
        )
        if format_ is not None:
            print(render_template(format_, fields))
        else:
            from isstrack.render.text import next_parts

            only_iss = all(label(f) == "ISS" for f in followed)
            who = "" if only_iss else f"{label(follow)} ({used.elements.catalog_number}) "
            when, *rest = next_parts(found, fields)
            # The place first, so a wrong one shows; one line for scripts, broken between parts on a terminal.
            parts = [f"{fields['place']}: {who}{when}", *rest]
            separated = [f"{part}, " for part in parts[:-1]] + parts[-1:]
            for line in fit_parts(separated, terminal_width(sys.stdout)):
                print(line)
            if chart:
                from isstrack.render.skychart import print_charts
                from isstrack.sky.skypath import sky_path

                print_charts([sky_path(orbit, place.observer, found.item)], zone, observer=place.observer)
    elif span is None:
        what = "pass" if all_ else "visible pass"
        if max_magnitude is not None:
            what = f"visible pass of magnitude {max_magnitude:g} or brighter"
        print(f"no {what} over {literal(place.name)} in the next 30 days")
    if found is None and span is not None:
        raise NothingFoundError("")
