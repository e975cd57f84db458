"""Several --sat on passes and next: each object searched, the passes merged in time order."""

from datetime import datetime
from typing import Any

from isstrack.cli.commands.satellite import Followed, label, search_followed
from isstrack.place.location import Location
from isstrack.render.fleetchart import print_fleet_chart
from isstrack.render.jsonout import elements_json, write_json
from isstrack.render.tabular import write_csv
from isstrack.render.tonight import tonight_json, tonight_table
from isstrack.sky.fleettypes import FleetPass, FleetSearch
from isstrack.sky.nextpass import is_wanted


def merged_passes(
    followed: list[Followed], place: Location, start: datetime, end: datetime, min_elevation_deg: float
) -> FleetSearch:
    """Return every pass of every followed object over the place, by first visible moment (else rise)."""
    found = [
        FleetPass(follow.used.elements, follow.std, passage)
        for follow in followed
        for passage in search_followed(follow, place.observer, start, end, min_elevation_deg).passes
    ]
    found.sort(key=lambda p: ((p.passage.visible_start or p.passage.rise).time, p.catalog_number))
    return FleetSearch(start, end, min_elevation_deg, tuple(found), ())


def heading(followed: list[Followed]) -> str:
    """Return 'of ISS, CSS (TIANHE) and HST' for a title."""

    names = [label(f) for f in followed]
    return "of " + (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0])


def passes_of_many(
    followed: list[Followed],
    place: Location,
    zone: Any,
    zone_label: str,
    start: datetime,
    end: datetime,
    min_elevation_deg: float,
    all_passes: bool,
    max_magnitude: float | None,
    *,
    json: bool,
    csv: bool,
    chart: bool,
) -> None:
    """Print the merged passes of several objects as a table (satellite column), JSON or CSV."""
    search = merged_passes(followed, place, start, end, min_elevation_deg)
    shown = [p for p in search.passes if is_wanted(p.passage, all_passes, max_magnitude)]
    if json:
        document = tonight_json(search, shown, place, zone_label, {})
        document["command"] = "passes"
        document["filter"] = "all" if all_passes else "visible"
        document["satellites"] = [elements_json(f.used, start, end) for f in followed]
        del document["skipped"]
        write_json(document)
    elif csv:
        write_csv([p.passage for p in shown], satellites=[p.elements for p in shown])
    else:
        tonight_table(search, shown, place, zone, zone_label, heading(followed), all_passes)
        if chart:
            print_fleet_chart([p for p in shown if p.passage.visible], place.observer, zone)
