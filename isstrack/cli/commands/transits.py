"""isstrack transits: when the station crosses the Sun or the Moon, and where to stand to see it."""

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from isstrack.cli.commands.common import (
    City,
    Elevation,
    EphemerisFile,
    Json,
    Lat,
    Lon,
    NoWarnAge,
    Offline,
    Quiet,
    TleFile,
    Tz,
    Verbose,
    check_days,
    finite,
    moment,
)
from isstrack.cli.commands.passes import Days, From
from isstrack.cli.commands.preamble import ElementOptions, PlaceOptions, prepare_at_place
from isstrack.cli.commands.satellite import Sat, label_of
from isstrack.elements.trust import REMEDY_LINE, is_trusted
from isstrack.errors import BadInputError, check_range
from isstrack.render.jsonout import write_json
from isstrack.sky.source import burn_distrust

if TYPE_CHECKING:
    from isstrack.sky.transits import Body

Radius = Annotated[
    float,
    typer.Option(
        "--radius",
        metavar="KM",
        callback=finite,
        help="Also list transits seen from within this distance, 0-300 km.",
    ),
]
BodyOption = Annotated[str, typer.Option("--body", metavar="sun|moon|both", help="Which discs to search.")]
MinAltitude = Annotated[
    float,
    typer.Option(
        "--min-altitude",
        metavar="DEG",
        callback=finite,
        help="Lowest altitude of the Sun or Moon, 0-<90 degrees.",
    ),
]
_BODIES: dict[str, tuple["Body", ...]] = {"sun": ("sun",), "moon": ("moon",), "both": ("sun", "moon")}


def transits(
    lat: Lat = None,
    lon: Lon = None,
    elevation: Elevation = None,
    city: City = None,
    from_: From = None,
    days: Days = 10,
    radius: Radius = 0.0,
    body: BodyOption = "both",
    min_altitude: MinAltitude = 0.0,
    json: Json = False,
    tz: Tz = None,
    sat: Sat = None,
    tle_file: TleFile = None,
    ephemeris: EphemerisFile = None,
    offline: Offline = False,
    quiet: Quiet = False,
    no_warn_age: NoWarnAge = False,
    verbose: Verbose = False,
) -> None:
    """List the station's transits across the Sun and the Moon, with the centre line and strip width."""
    from isstrack.sky.transits import MAX_RADIUS_KM, TRIP_AGE_DAYS, find_transits

    check_days(days)
    check_range("--radius", radius, 0, MAX_RADIUS_KM, "; give kilometres from 0 to 300", dashed=True)
    if body.lower() not in _BODIES:
        raise BadInputError(f"--body {body!r} is not sun, moon or both; pick one of those")
    check_range("--min-altitude", min_altitude, 0, 90, "; give degrees above the horizon", open_high=True)
    start = moment(from_, "--from", timedelta(days=days), margin=timedelta(hours=1))
    end = start + timedelta(days=days)
    where = PlaceOptions(lat, lon, elevation, city, tz)
    source = ElementOptions(
        tle_file, offline, quiet, verbose, sat, ephemeris=ephemeris, warn_age=not no_warn_age
    )
    reporter, place, zone, zone_label, _, used, orbit = prepare_at_place(
        "transits", where, source, start, say_city=False
    )

    bodies = _BODIES[body.lower()]
    search = find_transits(
        orbit,
        place.observer,
        start,
        end,
        radius,
        bodies,
        min_altitude,
    )
    # Elements from before a burn the trajectory lists are no use after it, whatever their age.
    epoch = used.elements.epoch
    unseen = [burn_distrust(used.ephemeris, orbit, epoch, e.time) is not None for e in search.events]
    if any(unseen):
        marked = tuple(replace(e, after_unseen_burn=u) for e, u in zip(search.events, unseen, strict=True))
        search = replace(search, events=marked)
        reporter.warn(
            f"{sum(unseen)} transit(s) come after a burn the elements (epoch "
            f"{used.elements.epoch:%Y-%m-%d %H:%M} UTC) precede and NASA's trajectory does not cover: "
            "rated too old; ask again with elements from after the burn"
        )
    too_old = [e for e in search.events if e.accuracy == "too_old" and not e.after_unseen_burn]
    # The table says so under its rows; and elements already too old to trust were warned about once.
    if too_old and json and is_trusted(used.elements.age_days(start)):
        reporter.trust(
            f"{len(too_old)} transit(s) are over {TRIP_AGE_DAYS:g} days past the elements' epoch, too far "
            "for a trip",
            "warning",
            REMEDY_LINE,
        )
    if json:
        from isstrack.render.transits import transits_json

        write_json(transits_json(search, place, zone_label, used))
    else:
        from isstrack.render.transits import transits_table

        transits_table(search, place, zone, zone_label, label_of(used))
