"""isstrack site: a static sightings site, a page, a calendar and a feed per place of a CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from isstrack import __version__
from isstrack.cli.commands.common import (
    EphemerisFile,
    MaxMagnitude,
    MinElevation,
    NoWarnAge,
    Offline,
    Quiet,
    Reporter,
    StdMag,
    TleFile,
    Verbose,
)
from isstrack.cli.commands.places import places_window, progress, worker_count
from isstrack.cli.commands.satellite import Sat, label, load_followed
from isstrack.elements.sources import check_http_url, timeout_from_env
from isstrack.errors import BadInputError
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG
from isstrack.sky.source import oem_source_name

SitePlaces = Annotated[
    Path,
    typer.Option(
        "--places",
        metavar="FILE",
        help="The places: a CSV file with latitude_deg,longitude_deg[,name,elevation_m] columns.",
    ),
]
OutDir = Annotated[Path, typer.Argument(metavar="OUTDIR", help="The folder to write the site into.")]
SiteFrom = Annotated[
    str | None, typer.Option("--from", metavar="TIME", help="Start of the window, ISO 8601 (default: now).")
]
SiteDays = Annotated[int, typer.Option("--days", metavar="N", help="Length of the window in days, 1-30.")]
SiteWorkers = Annotated[
    int | None, typer.Option("--workers", metavar="N", help="Worker processes (default: the CPUs available).")
]
BaseUrl = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        metavar="URL",
        help="Where the site will be served, like https://example.org/iss/ (for absolute feed links).",
    ),
]


def site(
    outdir: OutDir,
    places: SitePlaces,
    from_: SiteFrom = None,
    days: SiteDays = 10,
    min_elevation: MinElevation = DEFAULT_MIN_ELEVATION_DEG,
    max_magnitude: MaxMagnitude = None,
    std_mag: StdMag = None,
    base_url: BaseUrl = None,
    workers: SiteWorkers = None,
    sat: Sat = None,
    tle_file: TleFile = None,
    ephemeris: EphemerisFile = None,
    offline: Offline = False,
    quiet: Quiet = False,
    no_warn_age: NoWarnAge = False,
    verbose: Verbose = False,
) -> None:
    """Write a static sightings site: an index with search, and a page, .ics and RSS per place."""
    from isstrack.batch.placefile import read_places
    from isstrack.render.site import PageFacts, PassJob, SiteJob, build_site, prepare_outdir

    start, end = places_window(from_, days, min_elevation, std_mag, workers)
    base = _check_base_url(base_url)
    table = read_places(places, stdin_idle_s=timeout_from_env())
    if len(table) == 0:
        raise BadInputError("--places has no places; give a CSV with at least one row")
    prepare_outdir(outdir)  # before the elements are loaded: a bad folder fails fast
    if sat and ephemeris is not None:
        raise BadInputError("--ephemeris is NASA's trajectory of the ISS: give it without --sat")
    reporter = Reporter(quiet, verbose, warn_age=False if no_warn_age else None)
    (follow,) = load_followed(reporter, offline, tle_file, start, sat, std_mag=std_mag, ephemeris=ephemeris)
    used = follow.used
    elements = used.elements
    trajectory = used.ephemeris if used.ephemeris_used else None
    # Where NASA's trajectory answers, the page names it, as passes' outputs do.
    source = oem_source_name(trajectory) if trajectory is not None else used.source
    facts = PageFacts(start, end, elements.name, elements.catalog_number, elements.epoch, source, __version__)
    search = PassJob(elements, start, end, min_elevation, follow.std.value, False, max_magnitude, trajectory)
    job = SiteJob(search, facts, base, label(follow))
    with progress(len(table)) as advance:
        report = build_site(job, table, outdir, worker_count(workers, reporter), advance)
    reporter.note(
        f"site in {outdir}: {report.places} places, {report.passes} visible passes; "
        f"{report.changed} of {report.files} files changed, {report.removed} old ones removed"
    )


def _check_base_url(url: str | None) -> str | None:
    """Return the base URL ending in /, or raise BadInputError unless it is an http(s) URL."""
    if url is None:
        return None
    text = url.strip()
    problem = check_http_url(text)
    if problem.controls or problem.not_http:
        raise BadInputError("--base-url needs an http(s) URL, like https://example.org/iss/")
    return text if text.endswith("/") else text + "/"
