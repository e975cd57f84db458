"""isstrack tle: the elements in use, where they came from, and an explicit update."""

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from isstrack import ISS_CATALOG_NUMBER
from isstrack.cli.commands.common import (
    Json,
    Offline,
    Quiet,
    Reporter,
    TleFile,
    Verbose,
    exclusive,
    load_elements,
)
from isstrack.cli.commands.satellite import Sat, other_elements, tle_queries
from isstrack.elements.load import ElementsInUse, ElementStore, timeout_from_env, url_template_from_env
from isstrack.io.paths import cache_dir
from isstrack.io.timetext import UTC_TEXT_MINUTES, iso_z, time_text
from isstrack.render.jsonout import elements_json, write_json
from isstrack.sky.times import utc_now

if TYPE_CHECKING:
    from isstrack.elements.satellites import GpQuery

ImportFile = Annotated[
    Path | None,
    typer.Option(
        "--import",
        metavar="FILE",
        help="Make the elements in FILE (TLE, 3LE, OMM JSON or CSV) the cached default, checked as a "
        "download is and dated by the file (no network).",
    ),
]


def tle(
    ctx: typer.Context,
    sat: Sat = None,
    update: bool = False,
    import_file: ImportFile = None,
    json: Json = False,
    offline: Offline = False,
    tle_file: TleFile = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Show the orbital elements in use: source, fetch time, epoch and age. --update fetches now."""
    source = ctx.get_parameter_source("offline")
    if update and source is not None and source.name != "COMMANDLINE":
        offline = False  # an explicit --update overrides "offline by default" (ISSTRACK_OFFLINE=1, config)
    # --tle-file with --offline is fine (a file never touches the network), as in every command.
    exclusive(
        "--update downloads now, --offline never touches the network",
        **{"--update": update, "--offline": offline},
    )
    exclusive(
        "--update refreshes the cache, which --tle-file does not use",
        **{"--update": update, "--tle-file": tle_file is not None},
    )
    exclusive(
        "--import caches a file's elements, --update downloads them, --tle-file uses a file once",
        **{"--import": import_file is not None, "--update": update, "--tle-file": tle_file is not None},
    )
    # The panel shows the age itself: here -q silences the age warning with the rest.
    reporter = Reporter(quiet, verbose, warn_age=False if quiet else None)
    now = utc_now()
    query = tle_queries(sat)
    if import_file is not None:
        _import(import_file, query[0] if query else None, reporter, now, json)
        return
    if query:
        used = other_elements(query[0], update, offline, tle_file, reporter, now)
        _show(used, now, used.next_fetch_at, json, other=True)
        return
    store = ElementStore(ISS_CATALOG_NUMBER, cache_dir(), url_template_from_env(), timeout_from_env())
    if update:
        used = store.update()
        for line in used.log:
            reporter.log(line)
        for line in used.warnings:
            reporter.warn(line)
    else:
        used = load_elements(reporter, offline, tle_file, now)
    next_fetch = used.next_fetch_at if tle_file is None else None
    if tle_file is None and next_fetch is None:
        next_fetch, _ = store.status()
    _show(used, now, next_fetch, json)


def _import(path: Path, query: "GpQuery | None", reporter: Reporter, now: datetime, json: bool) -> None:
    """Cache the file's elements as the default (for --sat's object if given), and show them."""
    from isstrack.elements.importing import import_iss, import_query

    if query is None:
        done = import_iss(path, cache_dir(), now)
        used = load_elements(reporter, True, None, now)
    else:
        done = import_query(path, query, cache_dir(), now)
        used = other_elements(query, False, True, None, reporter, now)
    reporter.note(
        f"imported {path} into {done.cache_path}, fetched {time_text(done.fetched_at, UTC_TEXT_MINUTES)} "
        f"({done.dated_by}): commands use it offline"
    )
    _show(used, now, None, json, other=query is not None)


def _show(
    used: ElementsInUse, now: datetime, next_fetch: datetime | None, json: bool, other: bool = False
) -> None:
    """Print the elements panel, or the JSON (an object other than the ISS also gets its designator)."""
    if json:
        elements = elements_json(used, now)
        if other:
            elements["object_id"] = used.elements.object_id or None
        write_json(
            {
                "elements": elements,
                "origin": used.origin,
                "next_fetch_at": iso_z(next_fetch) if next_fetch and next_fetch > now else None,
            }
        )
        return
    from isstrack.render.text import tle_panel

    tle_panel(used, now, next_fetch)
