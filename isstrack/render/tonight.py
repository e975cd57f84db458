"""The `tonight` list: every visible pass of the bright satellites over a place, in time order."""

from __future__ import annotations

from typing import Any

from isstrack.elements.brightness import StdMagnitude

# One letter after the magnitude says where its standard magnitude came from.
from isstrack.elements.satellites import STATIONS
from isstrack.place.location import Location
from isstrack.render.console import make_console
from isstrack.render.jsonout import location_json, pass_json
from isstrack.render.passtable import _point, title_lines
from isstrack.render.safe import text
from isstrack.sky.fleettypes import FleetPass, FleetSearch
from isstrack.sky.times import iso_z, nearest_second

SOURCE_MARKS = {"observed": "o", "size estimate": "s", "model": "m", "given": "g", "unknown": "?"}
# What the mark after a magnitude says: where the standard magnitude came from (one line at 80 columns).
LEGEND = "mag: o observed, m model, s size estimate, g given, ? unknown (--std-mag-file)"
STATION_MARK = " (station)"
ELLIPSIS = "…"
MIN_NAME_CHARS = 6  # a name cut shorter than this says too little: the table may be wider then


def magnitude_cell(item: FleetPass) -> str:
    """Return the magnitude with its source mark, or '?' when the standard magnitude is unknown."""
    value = item.passage.magnitude
    mark = SOURCE_MARKS[item.std_magnitude.source]
    return "?" if value is None else f"{value:+.1f} {mark}"


def satellite_cell(item: FleetPass, stations: frozenset[int], width: int | None = None) -> str:
    """Return the satellite's name and number, stations marked, in `width` characters if given.

    To fit, the station mark goes first (a station's row is bold), then the name is cut with an
    ellipsis; the catalog number, which --sat takes, is always whole.
    """
    name, number = item.elements.name, str(item.catalog_number)
    full = f"{name} {number}" + (STATION_MARK if item.catalog_number in stations else "")
    if width is None or len(full) <= width:
        return full
    room = max(width - len(number) - 1, MIN_NAME_CHARS)
    if len(name) > room:
        name = name[: room - 1].rstrip() + ELLIPSIS
    return f"{name} {number}"


def tonight_table(
    search: FleetSearch,
    shown: list[FleetPass],
    place: Location,
    zone: Any,
    zone_label: str,
    heading: str,
    all_passes: bool = False,
) -> None:
    """Print the passes of several satellites as one table under a title (`heading` says of what)."""
    from rich import box
    from rich.table import Table

    console = make_console()
    start, end = search.start.astimezone(zone), search.end.astimezone(zone)
    parts = [
        f"{'All' if all_passes else 'Visible'} passes {heading} over {place.name}",
        f"times in {zone_label}",
        f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}",
        f"above {search.min_elevation_deg:g}°",
    ]
    for line in title_lines(parts, console.width):
        console.print(text(line))
    if not shown:
        console.print(
            text("No passes in this window." if all_passes else "No visible passes in this window.")
        )
        return
    table = Table(
        box=box.SIMPLE_HEAD, header_style="bold", padding=(0, 1, 0, 0), pad_edge=False, show_edge=False
    )
    names = ["date", "time", "satellite", "mag", "appears", "highest", "disappears", "visible"]
    names += ["type"] if all_passes else []
    for name in names:
        right = name in ("mag", "visible")
        table.add_column(text(name), justify="right" if right else "left", no_wrap=True)
    # One line per row: a shorter date, then the satellite cell cut to what the other columns leave
    # (each column but the last is followed by its padding and the box's blank separator: 2 columns).
    for date_format in ("%a %d %b", "%a %d", "%a"):  # the window is 48 hours at most: the day says it
        rows = [_cells(item, zone, all_passes, date_format) for item in shown]
        others = sum(
            max([len(names[i]), *(len(row[i]) for row in rows)]) for i in range(len(names)) if i != SATELLITE
        )
        room = console.width - others - 2 * (len(names) - 1)
        if all(len(row[SATELLITE]) <= room for row in rows):
            break
    for item, cells in zip(shown, rows, strict=True):
        cells[SATELLITE] = satellite_cell(item, STATIONS, max(room, len("satellite")))
        style = "dim" if not item.passage.visible else "bold" if item.catalog_number in STATIONS else ""
        table.add_row(*[text(cell) for cell in cells], style=style)
    console.print(table)
    console.print(text(LEGEND))
    if any(item.passage.in_progress for item in shown):
        console.print(text("* in progress at the start of the window"))


SATELLITE = 2  # the column that gives way when the table is too wide


def _cells(item: FleetPass, zone: Any, all_passes: bool, date_format: str = "%a %d %b") -> list[str]:
    """Return one pass's cells, the satellite's in full."""
    p = item.passage
    first = p.visible_start or p.rise
    top = p.visible_highest or p.culmination
    last = p.visible_end or p.set
    seconds = round(p.visible_duration_s)
    begins = nearest_second(first.time).astimezone(zone)
    cells = [
        f"{begins:{date_format}}" + (" *" if p.in_progress else ""),
        f"{begins:%H:%M:%S}",
        satellite_cell(item, STATIONS),
        magnitude_cell(item) if p.visible else "-",
        _point(first, zone, with_time=False),
        _point(top, zone, with_time=False),
        _point(last, zone, with_time=False),
        f"{seconds // 60}m{seconds % 60:02d}s" if p.visible else "-",
    ]
    return cells + ([p.kind] if all_passes else [])


def tonight_json(
    search: FleetSearch,
    shown: list[FleetPass],
    place: Location,
    zone_label: str,
    docked: dict[int, tuple[str, ...]],
) -> dict[str, Any]:
    """Return the `tonight` document: window, place, passes (each with its satellite) and what was skipped."""

    def std_json(std: StdMagnitude) -> dict[str, Any]:
        return {"value": std.value, "source": std.source, "origin": std.origin}

    passes = [
        {
            "catalog_number": item.catalog_number,
            "name": item.elements.name,
            "object_id": item.elements.object_id or None,
            "station": item.catalog_number in STATIONS,
            "docked": list(docked.get(item.catalog_number, ())),
            "elements_epoch": iso_z(item.elements.epoch),
            "std_magnitude": std_json(item.std_magnitude),
            **pass_json(item.passage),
        }
        for item in shown
    ]
    return {
        "command": "tonight",
        "location": location_json(place),
        "time_zone": zone_label,
        "from": iso_z(search.start),
        "to": iso_z(search.end),
        "min_elevation_deg": search.min_elevation_deg,
        "passes": passes,
        "skipped": [
            {"catalog_number": e.catalog_number, "name": e.name, "reason": why} for e, why in search.skipped
        ],
    }
