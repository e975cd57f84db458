"""Human output with Rich: colour for meaning on a terminal, plain fixed-width text when piped."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from isstrack.elements import ElementsInUse
from isstrack.render.console import make_console

_SOURCE_TEXT = {
    "network": "CelesTrak, downloaded just now",
    "cache": "cache",
    "bundled": "bundled with isstrack (offline default)",
    "file": "file",
}


def age_text(days: float) -> str:
    """Return an age like '5.0 h old' or '2.3 days old' ('... before their epoch' when negative)."""
    suffix = " old" if days >= 0 else " before their epoch"
    days = abs(days)
    if days < 2:
        return f"{days * 24:.1f} h{suffix}"
    return f"{days:.1f} days{suffix}"


def _minutes_ago(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min ago" if hours else f"{minutes} min ago"


def utc_text(moment: datetime) -> str:
    """Return a UTC time like 2026-09-24 21:30:05 UTC."""
    from isstrack.times import nearest_second

    return nearest_second(moment).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _row(grid: Any, label: str, value: Any) -> None:
    """Add a row; a plain string is shown literally (escaped, never read as Rich markup)."""
    from isstrack.render.safe import text

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
            f"{utc_text(used.fetched_at)} ({_minutes_ago(now - used.fetched_at)})",
        )
    _row(grid, "epoch", f"{utc_text(elements.epoch)} ({age_text(elements.age_days(now))})")
    if used.source != "file":
        if next_fetch is None or next_fetch <= now:
            _row(grid, "next download", "allowed now")
        else:
            _row(grid, "next download", f"not before {utc_text(next_fetch)}")
    _row(grid, "line 1", elements.line1)
    _row(grid, "line 2", elements.line2)
    make_console().print(Panel(grid, title="orbital elements", title_align="left", expand=False))


def local_text(moment: datetime, zone: Any) -> str:
    """Return a local time like 2026-09-24 23:30:05 CEST."""
    from isstrack.times import nearest_second

    local = nearest_second(moment).astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M:%S ") + (local.tzname() or "")


def now_panel(snapshot: Any, zone: Any, zone_label: str) -> Any:
    """Return the Rich renderable for one `isstrack now` snapshot."""
    from rich.panel import Panel

    from isstrack.geo import compass, format_latitude, format_longitude
    from isstrack.render.safe import text as safe_text

    s = snapshot.state
    grid = _grid()
    when = utc_text(s.time)
    if zone is not None:
        when += f"  ({local_text(s.time, zone)})"
    _row(grid, "time", when)
    _row(grid, "below", snapshot.below.describe())
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
    _row(grid, "footprint", f"{s.footprint_km:,.0f} km across (where it is above the horizon)")
    _row(
        grid,
        "sunlight",
        safe_text("sunlit", style="bold yellow")
        if s.sunlit
        else safe_text("in Earth's shadow", style="blue"),
    )
    _row(grid, "orbit", f"revolution {s.revolution:,}")
    used = snapshot.elements
    _row(
        grid,
        "elements",
        f"epoch {utc_text(used.elements.epoch)}, {age_text(used.elements.age_days(s.time))}, "
        f"{_SOURCE_TEXT[used.source]}",
    )
    from isstrack.staleness import untrusted_line

    distrust = untrusted_line(used.elements.age_days(s.time))
    if distrust:
        grid.add_row("", safe_text(distrust, style="bold red"))
    look = snapshot.look
    if look is not None:
        place = snapshot.place
        _row(grid, "", "")
        _row(grid, "from", f"{place.name} ({zone_label})")
        above = look.above_horizon
        _row(
            grid,
            "look",
            safe_text(
                f"azimuth {look.azimuth_deg:.0f}° {compass(look.azimuth_deg)}, "
                f"elevation {look.elevation_deg:+.1f}°" + ("" if above else " (below the horizon)"),
                style="green" if above else "dim",
            ),
        )
        _row(grid, "range", f"{look.range_km:,.0f} km")
        _row(grid, "visible", _visibility_text(snapshot))
        upcoming = snapshot.next_visible
        if upcoming is None:
            _row(grid, "next pass", "no visible pass in the next 30 days")
        else:
            from isstrack.nextpass import template_fields

            fields = template_fields(upcoming, zone, place.name, zone_label)
            _row(grid, "next pass", next_line(upcoming, fields))
    return Panel(grid, title="ISS now", title_align="left", expand=False)


def _visibility_text(snapshot: Any) -> Any:
    from isstrack.render.safe import text as safe_text

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


def _point_cell(point: Any, zone: Any) -> str:
    from isstrack.geo import compass
    from isstrack.times import nearest_second

    if point is None:
        return "-"
    local = nearest_second(point.time).astimezone(zone)
    return f"{local:%H:%M:%S}  {point.elevation_deg:>2.0f}° {compass(point.azimuth_deg):<3}"


def passes_table(
    search: Any,
    shown: list[Any],
    place: Any,
    zone: Any,
    zone_label: str,
    used: ElementsInUse,
    all_passes: bool,
) -> None:
    """Print the passes as a Rich table titled with the place, zone, window and element age."""
    from rich.table import Table

    from isstrack.render.safe import text as safe_text

    console = make_console()
    start = search.start.astimezone(zone)
    end = search.end.astimezone(zone)
    age = age_text(used.elements.age_days(search.start))
    title = (
        f"{'All' if all_passes else 'Visible'} ISS passes over {place.name} · times in {zone_label} · "
        f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} · above {search.min_elevation_deg:g}° · "
        f"elements {age}"
    )
    from isstrack.staleness import untrusted_line

    ages = (used.elements.age_days(search.start), used.elements.age_days(search.end))
    distrust = untrusted_line(max(ages, key=abs))  # the worst end of the window
    if distrust:
        console.print(safe_text(distrust, style="bold red"))
    if not search.sky_gets_dark and not all_passes:
        console.print(safe_text(title))
        console.print(
            "The sky never gets darker than civil twilight here in this window (the Sun stays above -6°), "
            "so no pass can be seen. Try a later --from or --all to list daylight passes."
        )
        return
    if not shown:
        console.print(safe_text(title))
        console.print(
            "No passes in this window."
            if all_passes
            else "No visible passes in this window. Try --days 30 or --all to list every pass."
        )
        return
    table = Table(title=safe_text(title), title_justify="left", header_style="bold")
    table.add_column("date", no_wrap=True)
    table.add_column("appears", no_wrap=True)
    table.add_column("highest", no_wrap=True)
    table.add_column("disappears", no_wrap=True)
    table.add_column("visible", justify="right", no_wrap=True)
    table.add_column("mag", justify="right", no_wrap=True)
    if all_passes:
        table.add_column("type", no_wrap=True)
    for item in shown:
        if item.visible:
            first, top, last = item.visible_start, item.visible_highest, item.visible_end
            duration = f"{item.visible_duration_s // 60:.0f}m{item.visible_duration_s % 60:02.0f}s"
        else:
            first, top, last = item.rise, item.culmination, item.set
            duration = "-"
        appears = _point_cell(first, zone) + (" (shadow)" if item.emerges_from_shadow else "")
        disappears = _point_cell(last, zone) + (" (shadow)" if item.fades_into_shadow else "")
        date = f"{first.time.astimezone(zone):%a %d %b}" + (" *" if item.in_progress else "")
        mag = "-" if item.magnitude is None else f"{item.magnitude:+.1f}"
        style = ""
        if item.magnitude is not None and item.magnitude <= -3.0:
            style = "bold"
        if not item.visible:
            style = "dim"
        cells = [date, appears, _point_cell(top, zone), disappears, duration, mag]
        if all_passes:
            cells.append(item.kind)
        table.add_row(*[safe_text(c) for c in cells], style=style)
    console.print(table)
    if any(item.in_progress for item in shown):
        console.print("* in progress at the start of the window (rise time shown is the true one)")


def next_line(found: Any, fields: dict[str, Any]) -> str:
    """Return the one-line summary of the next pass."""
    start = fields["start_local"]
    if found.in_progress:
        when = f"now (since {start:%H:%M}, until {fields['end_local']:%H:%M} {fields['end_local'].tzname()})"
    else:
        days, minutes = divmod(fields["minutes_until"], 24 * 60)
        hours, mins = divmod(minutes, 60)
        span = f"{hours} h {mins:02d} min" if hours else f"{mins} min"
        if days:
            span = f"{days} d {span}"
        when = f"{start:%a %d %b %H:%M} {start.tzname()} (in {span})"
    item = found.item
    parts = [
        when,
        f"appears {fields['appears_dir']} at {fields['appears_elevation_deg']:.0f}°",
        f"max {fields['max_elevation_deg']:.0f}° {fields['max_dir']}",
    ]
    if item.visible:
        parts.append(f"mag {item.magnitude:+.1f}")
        parts.append(f"visible {fields['duration_s'] // 60}m{fields['duration_s'] % 60:02d}s")
    else:
        parts.append(f"{item.kind} pass, not visible")
    return ", ".join(parts)
