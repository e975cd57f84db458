"""Transits for people and for programs: a Rich table with how to use it, and the JSON document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from isstrack.elements.load import ElementsInUse
from isstrack.elements.trust import REMEDY_LINE
from isstrack.io.timetext import ISO_FRACTION, iso_z, time_text
from isstrack.place.location import Location
from isstrack.render.console import INDENT, make_console
from isstrack.render.jsonout import elements_json, location_json
from isstrack.render.passtable import title_lines
from isstrack.render.safe import literal as _literal
from isstrack.sky.earth import compass
from isstrack.sky.transits import GOOD_AGE_DAYS, TRIP_AGE_DAYS, Transit, TransitSearch

SOLAR_FILTER_WARNING = (  # two lines at 80 columns
    "WARNING: never look at the Sun without a certified solar filter (ISO 12312-2 for eyes, "
    "front-mounted on optics); not sunglasses: the harm is instant, painless."
)
# The key to the columns, a line per group that fits 80 columns.
KEY_LINES = (
    "here: closest approach from the place; miss°: off the disc's centre; IN: crosses",
    "centre line: its point nearest the place (km, direction, lat, lon), time there",
    "km: strip that sees a transit; alt: the body's; age: elements' days (! too old)",
)
USAGE_LINE = "How to use: go to the centre-line point, or within half the strip, at its time."


def iso_tenths(moment: datetime) -> str:
    """Return `moment` as ISO 8601 UTC with tenths of a second and a Z."""
    return time_text(moment, ISO_FRACTION, digits=1)


def _tenths(moment: datetime, zone: Any) -> str:
    return time_text(moment, "%H:%M:%S.%f", zone, digits=1)


def event_json(event: Transit) -> dict[str, Any]:
    """Return one transit in the documented schema."""
    line = event.centre_line
    return {
        "body": event.body,
        "time": iso_tenths(event.time),
        "separation_deg": round(event.separation_deg, 4),
        "body_radius_deg": round(event.body_radius_deg, 4),
        "inside": event.inside,
        "duration_s": None if event.duration_s is None else round(event.duration_s, 2),
        "body_azimuth_deg": round(event.body_azimuth_deg, 2),
        "body_altitude_deg": round(event.body_altitude_deg, 2),
        "range_km": round(event.range_km, 1),
        "station_size_arcsec": round(event.station_size_arcsec, 1),
        "station_sunlit": event.station_sunlit,
        "centerline": {
            "latitude_deg": round(line.latitude_deg, 5),
            "longitude_deg": round(line.longitude_deg, 5),
            "distance_km": round(line.distance_km, 2),
            "direction": compass(line.bearing_deg),
            "bearing_deg": round(line.bearing_deg, 1),
            "time": iso_tenths(line.time),
            "duration_s": round(line.duration_s, 2),
            "body_altitude_deg": round(line.body_altitude_deg, 2),
        },
        "width_km": round(line.width_km, 2),
        "elements_age_days": round(event.elements_age_days, 2),
        "accuracy": event.accuracy,
    }


def transits_json(
    search: TransitSearch, place: Location, zone_label: str, used: ElementsInUse
) -> dict[str, Any]:
    """Return the `transits` JSON document (without schema_version)."""
    return {
        "location": location_json(place),
        "time_zone": zone_label,
        "window": {"from": iso_z(search.start), "to": iso_z(search.end)},
        "radius_km": search.radius_km,
        "bodies": list(search.bodies),
        "min_altitude_deg": search.min_altitude_deg,
        "elements": elements_json(used, search.start, search.end),
        "events": [event_json(e) for e in search.events],
    }


def _age_cell(event: Transit) -> str:
    age = event.elements_age_days
    mark = "!" if event.accuracy == "too_old" else ""
    # Tenths of a day matter only while the set is young; four characters keep 80 columns whole.
    return f"{age:.1f}{mark}" if abs(age) < 10 else f"{age:.0f}{mark}"


def _width_cell(width_km: float) -> str:
    return f"{width_km:.1f}" if width_km < 100 else f"{width_km:.0f}"


def transits_table(
    search: TransitSearch, place: Location, zone: Any, zone_label: str, of: str = "the ISS"
) -> None:
    """Print one row per transit, how to use the table, and the warnings it needs."""
    from rich.table import Table
    from rich.text import Text

    console = make_console()
    names = " and ".join(b.capitalize() for b in search.bodies) if len(search.bodies) > 1 else None
    what = f"{names or search.bodies[0].capitalize()} transits of {of}"
    where = "at" if search.radius_km == 0 else f"within {search.radius_km:g} km of"
    start, end = (time_text(t, "%Y-%m-%d %H:%M", zone, truncate=True) for t in (search.start, search.end))
    parts = [
        f"{what} {where} {_literal(place.name)}",
        f"times in {_literal(zone_label)}",
        f"{start} to {end}",
        f"body above {search.min_altitude_deg:g}°",
    ]
    for title in title_lines(parts, console.width):  # broken between parts, as the passes title is
        console.print(Text(title))
    if not search.events:
        console.print(
            "No transits in this window."
            + (" Try a larger --radius (up to 300 km)." if search.radius_km < 300 else "")
        )
    else:
        table = Table(header_style="bold", box=None, padding=(0, 1, 0, 0), pad_edge=False)
        for header, justify in (
            ("date", "left"),
            ("body", "left"),
            ("here", "left"),
            ("miss°", "right"),
            ("centre line", "left"),
            ("there", "left"),
            ("km", "right"),
            ("alt", "right"),
            ("age", "right"),
        ):
            table.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
        for event in search.events:
            line = event.centre_line
            if event.inside and event.duration_s is not None:
                here = f"IN {event.duration_s:.1f}s"
            else:
                here = (
                    f"{event.separation_deg:.2f}"
                    if event.separation_deg < 10
                    else f"{event.separation_deg:.1f}"
                )
            cells = [
                f"{event.time.astimezone(zone):%d %b}",
                event.body.capitalize(),
                _tenths(event.time, zone),
                here,
                # Fixed widths (24 characters; km in the legend) so the coordinates line up in 80 columns.
                f"{line.distance_km:>3.0f} {compass(line.bearing_deg):<3} "
                f"{line.latitude_deg:>7.3f} {line.longitude_deg:>8.3f}",
                f"{_tenths(line.time, zone)}",
                _width_cell(line.width_km),
                f"{event.body_altitude_deg:.0f}°",
                _age_cell(event),
            ]
            style = "bold" if event.inside else ""
            if event.accuracy == "too_old":
                style = "dim"
            table.add_row(*[Text(c) for c in cells], style=style)
        console.print(table)
        for key in KEY_LINES:
            console.print(Text(key))
        console.print(Text(USAGE_LINE))
        too_old = [e for e in search.events if e.accuracy == "too_old"]
        fair = [e for e in search.events if e.accuracy == "fair"]
        if too_old:
            # One line for the problem (such sets were up to 15 km off; the strip is a few km wide),
            # one for what to do, online and offline.
            console.print(
                Text(
                    f"! {len(too_old)} of these events are over {TRIP_AGE_DAYS:g} days past the elements' "
                    "epoch: not worth a trip",
                    style="bold",
                )
            )
            console.print(Text(f"{INDENT}{REMEDY_LINE}"))
        elif fair:
            console.print(
                Text(
                    f"Elements {GOOD_AGE_DAYS:g}-{TRIP_AGE_DAYS:g} days old at some events: centre line "
                    "within ~2.5 km, time 0.3 s"
                )
            )
    if "sun" in search.bodies:
        console.print(Text(SOLAR_FILTER_WARNING, style="bold red"))
