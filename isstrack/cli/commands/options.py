"""The options every command spells the same way, their defaults from config.toml, and their checks."""

from pathlib import Path
from typing import Annotated

import typer

from isstrack.errors import BadInputError, check_range
from isstrack.io.paths import config_dir
from isstrack.place.location import Defaults, load_defaults

# -- option types, shared so flags are spelled the same everywhere ---------------------------


def finite(ctx: typer.Context, param: typer.CallbackParam, value: float | None) -> float | None:
    """Reject NaN and infinities for a number option (every float option passes through this)."""
    import math

    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number; give an ordinary number")
    return value


def config_defaults() -> Defaults:
    """Return config.toml's [defaults] (offline, warn_age); ConfigError (exit 2) naming a bad key."""
    return load_defaults(config_dir())


def _unset(ctx: typer.Context, param: typer.CallbackParam) -> bool:
    """Return whether neither the command line nor the environment gave the option."""
    source = ctx.get_parameter_source(param.name or "")
    return source is None or source.name in ("DEFAULT", "DEFAULT_MAP")


def offline_default(ctx: typer.Context, param: typer.CallbackParam, value: bool) -> bool:
    """Return --offline, else ISSTRACK_OFFLINE, else config.toml's [defaults] offline."""
    return config_defaults().offline if not value and _unset(ctx, param) else value


def no_warn_age_default(ctx: typer.Context, param: typer.CallbackParam, value: bool) -> bool:
    """Return --no-warn-age, else whether config.toml's [defaults] says warn_age = false."""
    return not config_defaults().warn_age if not value and _unset(ctx, param) else value


Offline = Annotated[
    bool,
    typer.Option(
        "--offline",
        envvar="ISSTRACK_OFFLINE",
        callback=offline_default,
        help="Never touch the network: use the cache or the bundled elements (ISSTRACK_OFFLINE=1, or "
        "offline = true in config.toml's [defaults], sets it).",
    ),
]
NoWarnAge = Annotated[
    bool,
    typer.Option(
        "--no-warn-age",
        callback=no_warn_age_default,
        help="Do not warn that the elements are old (-q keeps that warning; config.toml's [defaults] "
        "warn_age = false sets it).",
    ),
]
TleFile = Annotated[
    Path | None,
    typer.Option(
        "--tle-file",
        metavar="PATH",
        help="Use elements from a TLE, 3LE or OMM (JSON, CSV) file (no network).",
    ),
]
EphemerisFile = Annotated[
    Path | None,
    typer.Option(
        "--ephemeris",
        metavar="PATH",
        help="Use NASA's ISS trajectory (CCSDS OEM text) inside its span; elements beyond it (no network).",
    ),
]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Silence warnings on stderr, except that the elements are too old (--no-warn-age).",
    ),
]
Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="Say each decision on stderr (cache hit, fetch, fallback).")
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON (schema in docs/json.md).")]
Lat = Annotated[
    float | None,
    typer.Option(
        "--lat", metavar="DEG", callback=finite, help="Observer latitude, degrees north (south negative)."
    ),
]
Lon = Annotated[
    float | None,
    typer.Option(
        "--lon", metavar="DEG", callback=finite, help="Observer longitude, degrees east (west negative)."
    ),
]
Elevation = Annotated[
    float | None,
    typer.Option(
        "--elevation", metavar="M", callback=finite, help="Observer height above sea level in metres."
    ),
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
    typer.Option(
        "--min-elevation",
        metavar="DEG",
        callback=finite,
        help="Lowest elevation that counts, 0 to <90 degrees.",
    ),
]
Tz = Annotated[
    str | None,
    typer.Option(
        "--tz", metavar="ZONE", help="Show local times in this IANA zone (default: the place's own)."
    ),
]
Interval = Annotated[
    float,
    typer.Option(
        "--interval", metavar="S", callback=finite, help="Seconds between redraws with --watch (0.2-3600)."
    ),
]
MaxMagnitude = Annotated[
    float | None,
    typer.Option(
        "--max-magnitude",
        metavar="MAG",
        callback=finite,
        help="Only visible passes at least this bright (smaller is brighter, e.g. -2).",
    ),
]
StdMag = Annotated[
    float | None,
    typer.Option(
        "--std-mag",
        metavar="MAG",
        callback=finite,
        help="Standard magnitude at 1000 km and 90° phase (default: the object's own; the ISS's -1.8).",
    ),
]

MaxAge = Annotated[
    float | None,
    typer.Option(
        "--max-age",
        metavar="DAYS",
        callback=finite,
        help="Accept elements up to this many days from their epoch (default: 10, the 'too old to trust' "
        "limit); older elements make scripted commands exit 3.",
    ),
]


def check_interval(value: float) -> None:
    """Reject a --watch redraw interval outside [0.2, 3600] seconds."""
    check_range("--interval", value, 0.2, 3600, " seconds")


def check_min_elevation(value: float) -> None:
    """Reject a minimum elevation outside [0, 90)."""
    check_range("--min-elevation", value, 0, 90, "; give degrees above the horizon", open_high=True)


def check_std_mag(value: float | None) -> None:
    """Reject a standard magnitude outside [-10, 10] (None: the object's own)."""
    if value is not None:
        check_range("--std-mag", value, -10, 10, "; the ISS's is about -1.8")


def check_days(value: int) -> None:
    """Reject a --days window outside 1-30."""
    check_range("--days", value, 1, 30, "; give a whole number of days from 1 to 30", dashed=True)


def exclusive(why: str = "pick one output", /, **flags: bool) -> None:
    """Reject options given together, naming the ones given and why they conflict."""
    given = [name for name, on in flags.items() if on]
    if len(given) > 1:
        raise BadInputError(f"{' and '.join(given)} cannot be used together; {why}")
