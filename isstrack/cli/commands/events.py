"""isstrack events: reboosts, dockings, undockings in NASA's trajectory; passes a burn makes provisional."""

import sys
from datetime import timedelta
from pathlib import Path

from isstrack.cli.commands.common import (
    City,
    Elevation,
    EphemerisFile,
    Json,
    Lat,
    Lon,
    MinElevation,
    NoWarnAge,
    Offline,
    Quiet,
    Reporter,
    TleFile,
    Tz,
    Verbose,
    check_days,
    check_min_elevation,
    moment,
)
from isstrack.cli.commands.passes import Days, From
from isstrack.cli.commands.preamble import ElementOptions, PlaceOptions, prepare
from isstrack.cli.commands.satellite import cached_ephemeris
from isstrack.elements.oemstore import OEM_URL_ENV
from isstrack.errors import BadInputError
from isstrack.io.timetext import iso_z
from isstrack.render.console import terminal_width
from isstrack.render.events import event_lines, events_json
from isstrack.render.jsonout import write_json
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG
from isstrack.sky.source import oem_source_name
from isstrack.sky.times import utc_now
from isstrack.sky.upcoming import upcoming_events


def events(
    ephemeris: EphemerisFile = None,
    lat: Lat = None,
    lon: Lon = None,
    elevation: Elevation = None,
    city: City = None,
    from_: From = None,
    days: Days = 15,
    min_elevation: MinElevation = DEFAULT_MIN_ELEVATION_DEG,
    json: Json = False,
    tz: Tz = None,
    tle_file: TleFile = None,
    offline: Offline = False,
    quiet: Quiet = False,
    no_warn_age: NoWarnAge = False,
    verbose: Verbose = False,
) -> None:
    """List upcoming reboosts, dockings and undockings from NASA's trajectory (--ephemeris FILE)."""
    if ephemeris is None:
        ephemeris = _cached_trajectory(offline, Reporter(quiet, verbose, warn_age=not no_warn_age))
    check_days(days)
    check_min_elevation(min_elevation)
    span = timedelta(days=days)
    where = PlaceOptions(lat, lon, elevation, city, tz)
    source = ElementOptions(tle_file, offline, quiet, verbose, ephemeris=ephemeris, warn_age=not no_warn_age)
    reporter, place, zone, zone_label, start, used, _ = prepare(
        where, source, lambda _: moment(from_, "--from")
    )
    oem = used.ephemeris
    assert oem is not None  # --ephemeris was given: load_elements read it or failed
    observer = None if place is None else place.observer
    found = upcoming_events(oem, used.elements, start, start + span, utc_now(), observer, min_elevation)
    label = zone_label or "UTC"
    if json:
        about = {
            "file": used.ephemeris_origin,
            "created": iso_z(oem.creation),
            "start": iso_z(oem.start),
            "stop": iso_z(oem.stop),
            "window": {"from": iso_z(start), "to": iso_z(start + span)},
        }
        write_json(events_json(found, label, about))
        return
    for line in event_lines(found, zone, label, oem_source_name(oem), terminal_width(sys.stdout)):
        print(line)
    if start + span > oem.stop:
        reporter.note(f"the ephemeris ends {oem.stop:%Y-%m-%d %H:%M} UTC; no events known later")


def _cached_trajectory(offline: bool, reporter: Reporter) -> Path:
    """Return the cached trajectory's path, downloading it first when $ISSTRACK_OEM_URL allows."""
    path = cached_ephemeris(reporter, offline)
    if path is None:
        raise BadInputError(
            "events reads NASA's trajectory: give --ephemeris FILE (ISS.OEM_J2K_EPH.txt from NASA's "
            f"Spot the Station trajectory-data page), or set {OEM_URL_ENV} to download it"
        )
    return path
