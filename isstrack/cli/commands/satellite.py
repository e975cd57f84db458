"""--sat and --std-mag-file for every command: which objects to follow, and how bright each one is."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from isstrack import ISS_CATALOG_NUMBER
from isstrack.cli.commands.common import Reporter, load_elements
from isstrack.elements.brightness import StdMagnitude, read_std_mag_file, std_magnitude
from isstrack.elements.oemstore import CACHE_NAME, OemStore, oem_url_from_env
from isstrack.elements.sources import ElementsInUse, timeout_from_env
from isstrack.errors import BadInputError
from isstrack.io.paths import cache_dir
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.passes import PassSearch, find_passes
from isstrack.sky.source import orbit_of
from isstrack.sky.times import utc_now

if TYPE_CHECKING:
    from isstrack.elements.satellites import GpQuery

LOW_EARTH_ORBIT_REV_PER_DAY = 11.25  # periods up to 128 minutes: passes of minutes, never all night

Sat = Annotated[
    list[str] | None,
    typer.Option(
        "--sat",
        metavar="ID|NAME",
        help="Follow this object instead of the ISS: a catalog number, a designator (1998-067A), "
        "an alias (iss, css, tiangong, hubble) or a name. Repeat it to follow several.",
    ),
]
StdMagFile = Annotated[
    Path | None,
    typer.Option(
        "--std-mag-file",
        metavar="PATH",
        help="Standard magnitudes per object: McCants' qs.mag layout or 'catalog-number magnitude' lines.",
    ),
]


@dataclass(frozen=True)
class Followed:
    """One object a command follows: its elements and its standard magnitude."""

    used: ElementsInUse
    std: StdMagnitude


def load_followed(
    reporter: Reporter,
    offline: bool,
    tle_file: Path | None,
    at: datetime,
    sats: list[str] | None,
    *,
    std_mag: float | None = None,
    std_mag_file: Path | None = None,
    many: bool = False,
    scripted: bool = False,
    max_age_days: float | None = None,
    ephemeris: Path | None = None,
) -> list[Followed]:
    """Return the objects to follow (the ISS when no --sat), each loaded and checked as the ISS always was."""
    table = read_std_mag_file(std_mag_file) if std_mag_file is not None else None
    if not sats:  # the ISS, as always: the OMM reader and the per-query stores stay unloaded
        if ephemeris is None and tle_file is None:
            ephemeris = cached_ephemeris(reporter, offline)
        used = load_elements(
            reporter, offline, tle_file, at, scripted=scripted, max_age_days=max_age_days, ephemeris=ephemeris
        )
        elements = used.elements
        return [Followed(used, std_magnitude(elements.catalog_number, elements.name, table, std_mag))]
    from isstrack.elements.anysat import is_iss, parse_sats

    if ephemeris is not None:
        raise BadInputError("--ephemeris is NASA's trajectory of the ISS: give it without --sat")
    queries = parse_sats(sats)
    if len(queries) > 1 and not many:
        raise BadInputError("this command follows one object; give --sat once")
    if std_mag is not None and len(queries) > 1:
        raise BadInputError("--std-mag is one object's; with several --sat use --std-mag-file")
    followed = []
    for query in queries:
        source = None if is_iss(query) and tle_file is None else _source(query, tle_file, offline, at)
        used = load_elements(
            reporter, offline, tle_file, at, scripted=scripted, max_age_days=max_age_days, source=source
        )
        elements = used.elements
        followed.append(Followed(used, std_magnitude(elements.catalog_number, elements.name, table, std_mag)))
    return followed


def _source(
    query: "GpQuery", tle_file: Path | None, offline: bool, at: datetime
) -> Callable[[], ElementsInUse]:
    from isstrack.elements.anysat import from_file, load_satellite

    if tle_file is not None:
        return partial(from_file, tle_file, query, at)
    return partial(load_satellite, query, cache_dir(), offline=offline)


def engine_std(follow: Followed) -> float:
    """Return the standard magnitude to search with (0 when unknown: the magnitudes are dropped after)."""
    return follow.std.value if follow.std.value is not None else 0.0


def search_followed(
    follow: Followed, observer: Observer, start: datetime, end: datetime, min_elevation_deg: float
) -> PassSearch:
    """Return the passes of one followed object, magnitudes left out when its brightness is unknown."""
    search = find_passes(orbit_of(follow.used), observer, start, end, min_elevation_deg, engine_std(follow))
    return without_unknown_magnitudes(search, follow)


def without_unknown_magnitudes(search: PassSearch, follow: Followed) -> PassSearch:
    """Return the search with every magnitude dropped if the object's standard magnitude is unknown."""
    if follow.std.value is not None:
        return search
    return replace(search, passes=tuple(replace(p, magnitude=None) for p in search.passes))


def label(follow: Followed) -> str:
    """Return the object's name for titles: 'ISS' for the station, as the output always said."""
    elements = follow.used.elements
    return "ISS" if elements.catalog_number == ISS_CATALOG_NUMBER else elements.name


def tle_queries(sats: list[str] | None) -> "list[GpQuery]":
    """Return the one object `tle --sat` asks about, unless it is the ISS (its own path)."""
    if not sats:
        return []
    from isstrack.elements.anysat import is_iss, parse_sats

    queries = parse_sats(sats)
    if len(queries) > 1:
        raise BadInputError("tle shows one object's elements; give --sat once")
    return [] if is_iss(queries[0]) else queries


def other_elements(
    query: "GpQuery", update: bool, offline: bool, tle_file: Path | None, reporter: Reporter, now: datetime
) -> ElementsInUse:
    """Return (after an --update, if asked) the elements of an object other than the ISS."""
    from isstrack.elements.anysat import has_tle_form, load_satellite, update_satellite

    if update:
        update_satellite(query, cache_dir())
        used = load_satellite(query, cache_dir(), offline=True)
        for line in used.log:
            reporter.log(line)
    else:
        used = load_followed(reporter, offline, tle_file, now, [query.value])[0].used
    if not has_tle_form(used.elements):
        reporter.note(
            f"catalog number {used.elements.catalog_number} has no two-line form: the lines carry the "
            "stand-in 00000 (use OMM JSON for this object)"
        )
    return used


def always_up_note(
    follow: Followed, observer: Observer, start: datetime, end: datetime, min_elevation_deg: float
) -> str | None:
    """Return a note when an object that never rose or set stayed up all window (geostationary, say)."""
    elements = follow.used.elements
    if elements.mean_motion_rev_per_day >= LOW_EARTH_ORBIT_REV_PER_DAY:
        return None
    orbit = Orbit(elements)
    steps = 48
    moments = [start + (end - start) * (k / steps) for k in range(steps + 1)]
    heights = [orbit.look(moment, observer, min_elevation_deg).elevation_deg for moment in moments]
    if min(heights) < min_elevation_deg:
        return None
    return (
        f"{elements.name} stays above {min_elevation_deg:g}° all window ({min(heights):.0f}° to "
        f"{max(heights):.0f}°; {elements.mean_motion_rev_per_day:.2f} rev/day): it never rises or sets, "
        "so there is no pass to list; 'isstrack now --sat' shows where it is"
    )


def std_of(used: ElementsInUse) -> float | None:
    """Return an object's own standard magnitude (None when unknown), for commands without --std-mag."""
    elements = used.elements
    return std_magnitude(elements.catalog_number, elements.name).value


def label_of(used: ElementsInUse) -> str:
    """Return 'the ISS' or the object's name, for titles that say whose passes or transits they are."""
    elements = used.elements
    return "the ISS" if elements.catalog_number == ISS_CATALOG_NUMBER else elements.name


def require_known_brightness(follow: Followed, max_magnitude: float | None) -> None:
    """Refuse --max-magnitude for an object whose standard magnitude is unknown (it would guess)."""
    if max_magnitude is not None and follow.std.value is None:
        raise BadInputError(
            f"--max-magnitude needs the standard magnitude of {follow.used.elements.name}, which is "
            "unknown: give --std-mag or --std-mag-file"
        )


def cached_ephemeris(reporter: Reporter, offline: bool) -> Path | None:
    """Return NASA's cached trajectory of the ISS (downloaded first when $ISSTRACK_OEM_URL allows), or None.

    Without the variable and without a cached file this costs one stat: the default run reads no OEM.
    """
    url = oem_url_from_env()
    if url is None and not (cache_dir() / CACHE_NAME).is_file():
        return None
    found = OemStore(cache_dir(), url, timeout_from_env()).get(utc_now(), offline)
    for line in found.log:
        reporter.log(line)
    for line in found.warnings:
        reporter.warn(line)
    return found.path
