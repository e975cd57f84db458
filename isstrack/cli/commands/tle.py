"""isstrack tle: the elements in use, where they came from, and an explicit update."""

from datetime import datetime

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
from isstrack.io.timetext import iso_z
from isstrack.render.jsonout import elements_json, write_json
from isstrack.sky.times import utc_now


def tle(
    ctx: typer.Context,
    sat: Sat = None,
    update: bool = False,
    json: Json = False,
    offline: Offline = False,
    tle_file: TleFile = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Show the orbital elements in use: source, fetch time, epoch and age. --update fetches now."""
    source = ctx.get_parameter_source("offline")
    if update and source is not None and source.name == "ENVIRONMENT":
        offline = False  # an explicit --update overrides "offline by default" (ISSTRACK_OFFLINE=1)
    # --tle-file with --offline is fine (a file never touches the network), as in every command.
    exclusive(
        "--update downloads now, --offline never touches the network",
        **{"--update": update, "--offline": offline},
    )
    exclusive(
        "--update refreshes the cache, which --tle-file does not use",
        **{"--update": update, "--tle-file": tle_file is not None},
    )
    reporter = Reporter(quiet, verbose)
    now = utc_now()
    query = tle_queries(sat)
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
