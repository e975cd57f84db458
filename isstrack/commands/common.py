"""Options spelled once for every command, the stderr reporter, and loading elements and places."""

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, TextIO

import typer

from isstrack import ISS_CATALOG_NUMBER
from isstrack.elements import ElementsInUse, ElementStore, load_file, timeout_from_env, url_template_from_env
from isstrack.errors import BadInputError, TimeInputError
from isstrack.location import Location, resolve
from isstrack.paths import cache_dir, config_dir
from isstrack.staleness import assess
from isstrack.times import parse_time, utc_now

# -- option types, shared so flags are spelled the same everywhere ---------------------------
Offline = Annotated[
    bool, typer.Option("--offline", help="Never touch the network: use the cache or the bundled elements.")
]
TleFile = Annotated[
    Path | None,
    typer.Option(
        "--tle-file", metavar="PATH", help="Use elements from a TLE, 3LE or OMM JSON file (no network)."
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Silence warnings on stderr.")]
Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="Say each decision on stderr (cache hit, fetch, fallback).")
]
Debug = Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.", hidden=True)]
Json = Annotated[bool, typer.Option("--json", help="Print JSON (schema in README).")]
Lat = Annotated[
    float | None,
    typer.Option("--lat", metavar="DEG", help="Observer latitude, degrees north (south negative)."),
]
Lon = Annotated[
    float | None,
    typer.Option("--lon", metavar="DEG", help="Observer longitude, degrees east (west negative)."),
]
Elevation = Annotated[
    float | None, typer.Option("--elevation", metavar="M", help="Observer height above sea level in metres.")
]
City = Annotated[
    str | None,
    typer.Option(
        "--city", metavar="NAME", help="Observer city, e.g. 'Paris', 'Paris, FR', 'Springfield, US-IL'."
    ),
]
At = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="TIME",
        envvar="ISSTRACK_AT",
        help="Answer for this ISO 8601 time instead of now (no offset = UTC).",
    ),
]
MinElevation = Annotated[
    float,
    typer.Option("--min-elevation", metavar="DEG", help="Lowest elevation that counts, 0 to <90 degrees."),
]
Tz = Annotated[
    str | None,
    typer.Option(
        "--tz", metavar="ZONE", help="Show local times in this IANA zone (default: the place's own)."
    ),
]
MaxMagnitude = Annotated[
    float | None,
    typer.Option(
        "--max-magnitude",
        metavar="MAG",
        help="Only visible passes at least this bright (smaller is brighter, e.g. -2).",
    ),
]
StdMag = Annotated[
    float,
    typer.Option("--std-mag", metavar="MAG", help="Standard magnitude at 1000 km and 90° phase."),
]


@dataclass
class Reporter:
    """Write warnings and decisions to stderr: warnings unless --quiet, decisions with -v."""

    quiet: bool = False
    verbose: bool = False
    stream: TextIO | None = None

    def _write(self, text: str) -> None:
        print(f"isstrack: {text}", file=self.stream or sys.stderr)

    def warn(self, text: str) -> None:
        """Write a warning unless quiet."""
        if not self.quiet:
            self._write(f"warning: {text}")

    def note(self, text: str) -> None:
        """Write a note unless quiet."""
        if not self.quiet:
            self._write(f"note: {text}")

    def log(self, text: str) -> None:
        """Write a decision when verbose."""
        if self.verbose:
            self._write(text)


_SOURCE_WORDS = {"network": "downloaded", "cache": "cached", "bundled": "bundled", "file": "file"}


def load_elements(reporter: Reporter, offline: bool, tle_file: Path | None, at: datetime) -> ElementsInUse:
    """Return the elements to use, and report how they were chosen and how far to trust them at `at`."""
    if tle_file is not None:
        used = load_file(tle_file, ISS_CATALOG_NUMBER)
    else:
        store = ElementStore(ISS_CATALOG_NUMBER, cache_dir(), url_template_from_env(), timeout_from_env())
        used = store.get(offline=offline)
    for line in used.log:
        reporter.log(line)
    for line in used.warnings:
        reporter.warn(line)
    staleness = assess(used.elements.age_days(at))
    if staleness.message:
        text = f"{_SOURCE_WORDS[used.source]} {staleness.message}"
        if staleness.level == "note":
            reporter.note(text)
        else:
            reporter.warn(text)
    return used


def moment(at: str | None) -> datetime:
    """Return the time a command answers for (--at, or now), rejecting times outside the ephemeris."""
    from isstrack.ephemeris import check_in_range

    when = utc_now() if at is None else parse_time(at, "--at")
    check_in_range(when)
    return when


def location(
    lat: float | None, lon: float | None, elevation: float | None, city: str | None
) -> Location | None:
    """Return the observer from the options, else the saved home, else None."""
    return resolve(lat, lon, elevation, city, config_dir)


def local_zone(place: Location | None, tz: str | None) -> tuple[object, str]:
    """Return (tzinfo, label) for local times: --tz, the place's zone, else UTC labelled as such."""
    from datetime import timezone

    from isstrack.timezones import zone

    if tz is not None:
        return zone(tz), tz
    if place is not None and place.time_zone:
        try:
            return zone(place.time_zone), place.time_zone
        except TimeInputError:
            pass
    return timezone.utc, "UTC (time zone unknown)"


def check_min_elevation(value: float) -> None:
    """Reject a minimum elevation outside [0, 90)."""
    if not 0 <= value < 90:
        raise BadInputError(f"--min-elevation {value:g} is outside [0, 90); give degrees above the horizon")


def exclusive(why: str = "pick one output", **flags: bool) -> None:
    """Reject options given together, naming the ones given and why they conflict."""
    given = [name for name, on in flags.items() if on]
    if len(given) > 1:
        raise BadInputError(f"{' and '.join(given)} cannot be used together; {why}")


def require_place(place: Location | None, command: str) -> Location:
    """Return the place, or reject a command that needs one when none was given or saved."""
    if place is None:
        raise BadInputError(
            f"{command} needs a place: give --city NAME or --lat/--lon, "
            "or save one with 'isstrack location set --city NAME'"
        )
    return place
