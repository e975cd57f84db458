"""Human output with Rich: colour for meaning on a terminal, plain fixed-width text when piped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from isstrack import ISS_CATALOG_NUMBER
from isstrack.elements.load import ElementsInUse
from isstrack.elements.trust import untrusted_line
from isstrack.io.magnitudes import magnitude_text
from isstrack.io.timetext import LOCAL_TEXT, UTC_TEXT, age_text, duration_text, time_text
from isstrack.render.console import make_console
from isstrack.render.safe import text
from isstrack.render.safe import text as safe_text
from isstrack.sky.earth import compass, format_latitude, format_longitude

__all__ = ["age_text"]  # the one spelling of the age (io.timetext), for the views that import it here

_SOURCE_TEXT = {
    "network": "CelesTrak, downloaded just now",
    "cache": "cache",
    "bundled": "bundled with isstrack (offline default)",
    "file": "file",
}


def oem_words(used: ElementsInUse) -> str | None:
    """Return how outputs name NASA's trajectory when it answers, else None."""
    if used.ephemeris is None or not used.ephemeris_used:
        return None
    return f"NASA OEM created {used.ephemeris.creation:%Y-%m-%d %H:%M} UTC"


def utc_text(moment: datetime) -> str:
    """Return a UTC time like 2026-09-24 21:30:05 UTC."""
    return time_text(moment, UTC_TEXT)


def _row(grid: Any, label: str, value: Any) -> None:
    """Add a row; a plain string is shown literally (escaped, never read as Rich markup)."""
    grid.add_row(text(label), text(value) if isinstance(value, str) else value)


def _grid() -> Any:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    return grid


def tle_panel(used: ElementsInUse, now: datetime, next_fetch: datetime | None) -> None:
    """Print the element set in use and where it came from."""
    from rich.panel import Panel

    elements = used.elements
    grid = _grid()
    _row(grid, "object", f"{elements.name} (catalog {elements.catalog_number})")
    _row(grid, "source", f"{_SOURCE_TEXT[used.source]}: {used.origin}")
    if used.fetched_at is not None:
        _row(
            grid,
            "fetched",
            f"{utc_text(used.fetched_at)} "
            f"({duration_text((now - used.fetched_at).total_seconds(), days=False, clamp=False)} ago)",
        )
    _row(grid, "epoch", f"{utc_text(elements.epoch)} ({age_text(elements.age_days(now))})")
    if used.source != "file":
        if next_fetch is None or next_fetch <= now:
            _row(grid, "next download", "allowed now")
        else:
            _row(grid, "next download", f"not before {utc_text(next_fetch)}")
    console = make_console()
    console.print(Panel(grid, title="orbital elements", title_align="left", expand=False))
    # The element lines below the panel, as a 3LE: a panel's border and padding would take 81 columns
    # and wrap them at 80, and copying them from the terminal must give the exact 69 characters.
    for line in (elements.name, elements.line1, elements.line2):
        console.print(text(line), soft_wrap=True)


def local_text(moment: datetime, zone: Any) -> str:
    """Return a local time like 2026-09-24 23:30:05 CEST."""
    return time_text(moment, LOCAL_TEXT, zone)


def now_panel(snapshot: Any, zone: Any, zone_label: str, compact: bool = False, border: bool = True) -> Any:
    """Return the Rich renderable for one `isstrack now` snapshot (`compact`: fewer, denser rows)."""
    from rich.panel import Panel

    s = snapshot.state
    grid = _grid()
    when = utc_text(s.time)
    if zone is not None and compact:
        when += f"  ({time_text(s.time, '%H:%M:%S %Z', zone)})"
    elif zone is not None:
        when += f"  ({local_text(s.time, zone)})"
    _row(grid, "time", when)
    _row(grid, "below", snapshot.below.describe())
    if compact:
        _compact_station_rows(grid, snapshot)
    else:
        _station_rows(grid, snapshot)

    distrust = untrusted_line(snapshot.elements.elements.age_days(s.time))
    if distrust and compact:  # the age is on the sunlight row already
        _row(grid, "", safe_text("WARNING: elements too old to trust", style="bold red"))
    elif distrust:
        _row(grid, "", safe_text(distrust, style="bold red"))
    if snapshot.look is not None:
        if not compact:
            _row(grid, "", "")
        _observer_rows(grid, snapshot, zone, zone_label, compact)
    if not border:
        return grid
    elements = snapshot.elements.elements
    iss = elements.catalog_number == ISS_CATALOG_NUMBER
    name = "ISS" if iss else f"{elements.name} ({elements.catalog_number})"
    return Panel(grid, title=safe_text(f"{name} now"), title_align="left", expand=False)


def fitted_now_panel(snapshot: Any, zone: Any, zone_label: str, console: Any) -> Any:
    """Return the full panel if it fits the console's height, else the compact one, else it unframed."""
    for compact, border in ((False, True), (True, True)):
        panel = now_panel(snapshot, zone, zone_label, compact, border)
        if len(console.render_lines(panel, console.options, pad=False)) <= console.height:
            return panel
    return now_panel(snapshot, zone, zone_label, compact=True, border=False)


def _sunlight(snapshot: Any, extra: str = "") -> Any:
    if snapshot.state.sunlit:
        shown = safe_text("sunlit", style="bold yellow")
    else:
        shown = safe_text("in Earth's shadow", style="blue")
    return shown.append_text(safe_text(extra)) if extra else shown


def _station_rows(grid: Any, snapshot: Any) -> None:
    s = snapshot.state
    _row(
        grid,
        "position",
        f"{format_latitude(s.latitude_deg)}, {format_longitude(s.longitude_deg)}"
        f"  ({s.latitude_deg:+.4f}, {s.longitude_deg:+.4f})",
    )
    _row(grid, "altitude", f"{s.altitude_km:,.1f} km above the WGS84 ellipsoid")
    _row(
        grid,
        "speed",
        f"{s.speed_km_s * 3600:,.0f} km/h ({s.speed_km_s:.2f} km/s) inertial; "
        f"{s.ground_speed_km_s * 3600:,.0f} km/h ({s.ground_speed_km_s:.2f} km/s) over the ground",
    )
    _row(grid, "footprint", f"{s.footprint_diameter_km:,.0f} km across (where it is above the horizon)")
    _row(grid, "sunlight", _sunlight(snapshot))
    _row(grid, "orbit", f"revolution {s.revolution:,}")
    used = snapshot.elements
    _row(
        grid,
        "elements",
        oem_words(used)
        or f"epoch {utc_text(used.elements.epoch)}, {age_text(used.elements.age_days(s.time))}, "
        f"{_SOURCE_TEXT[used.source]}",
    )


def _compact_station_rows(grid: Any, snapshot: Any) -> None:
    s = snapshot.state
    _row(
        grid,
        "position",
        f"{format_latitude(s.latitude_deg)}, {format_longitude(s.longitude_deg)}, "
        f"{s.altitude_km:,.0f} km up, {s.speed_km_s * 3600:,.0f} km/h",
    )
    age = oem_words(snapshot.elements) or f"elements {age_text(snapshot.elements.elements.age_days(s.time))}"
    _row(grid, "sunlight", _sunlight(snapshot, f", revolution {s.revolution:,}, {age}"))


def _observer_rows(grid: Any, snapshot: Any, zone: Any, zone_label: str, compact: bool) -> None:
    look, place = snapshot.look, snapshot.place
    _row(grid, "from", f"{place.name} ({zone_label})")
    above = look.above_horizon
    if compact:
        angles = (
            f"az {look.azimuth_deg:.0f}° {compass(look.azimuth_deg)}, el {look.elevation_deg:+.1f}°, "
            f"{look.range_km:,.0f} km away"
        )
    else:
        angles = (
            f"azimuth {look.azimuth_deg:.0f}° {compass(look.azimuth_deg)}, "
            f"elevation {look.elevation_deg:+.1f}°"
        )
    _row(
        grid,
        "look",
        safe_text(angles + ("" if above else " (below the horizon)"), style="green" if above else "dim"),
    )
    if not compact:
        _row(grid, "range", f"{look.range_km:,.0f} km")
    _row(grid, "visible", _visibility_text(snapshot))
    upcoming = snapshot.next_visible
    if upcoming is None:
        _row(grid, "next pass", "no visible pass in the next 30 days")
    else:
        from isstrack.sky.nextpass import template_fields

        fields = template_fields(upcoming, zone, place.name, zone_label)
        _row(grid, "next pass", next_line(upcoming, fields))


def _visibility_text(snapshot: Any) -> Any:
    look = snapshot.look
    if look.visible:
        return safe_text("yes: sunlit against a dark sky, look up", style="bold green")
    reasons = []
    if look.elevation_deg < snapshot.min_elevation_deg:
        reasons.append(
            "below the horizon" if not look.above_horizon else f"lower than {snapshot.min_elevation_deg:g}°"
        )
    if look.sun_altitude_deg > -6:
        reasons.append(f"sky too bright (Sun at {look.sun_altitude_deg:+.0f}°)")
    if not snapshot.state.sunlit:
        reasons.append("station in Earth's shadow")
    return safe_text("no: " + ", ".join(reasons), style="dim")


def next_line(found: Any, fields: dict[str, Any]) -> str:
    """Return the one-line summary of the next pass."""
    return ", ".join(next_parts(found, fields))


def next_parts(found: Any, fields: dict[str, Any]) -> list[str]:
    """Return the parts of the next pass's summary: when, where it appears, its highest, how bright."""
    start = fields["start_local"]
    if found.in_progress:
        when = f"now (since {start:%H:%M}, until {fields['end_local']:%H:%M} {fields['end_local'].tzname()})"
    else:
        span = duration_text(fields["minutes_until"] * 60)  # whole minutes already: nothing to round
        when = f"{start:%a %d %b %H:%M} {start.tzname()} (in {span})"
    item = found.item
    parts = [
        when,
        f"appears {fields['appears_dir']} at {fields['appears_elevation_deg']:.0f}°",
        f"max {fields['max_elevation_deg']:.0f}° {fields['max_dir']}",
    ]
    if item.visible:
        parts.append("mag unknown" if item.magnitude is None else f"mag {magnitude_text(item.magnitude)}")
        parts.append(f"visible {duration_text(fields['duration_s'], show_seconds=True, compact=True)}")
    else:
        parts.append(f"{item.kind} pass, not visible")
    return parts
