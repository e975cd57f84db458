"""The `passes` table: compact cells that fit 80 columns, folding the least useful detail when narrow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from isstrack.elements.load import ElementsInUse
from isstrack.elements.trust import is_trusted, trusted_until
from isstrack.io.magnitudes import is_bright, magnitude_text
from isstrack.io.timetext import duration_text, time_text
from isstrack.render.console import make_console
from isstrack.render.safe import text
from isstrack.render.text import age_text, oem_words
from isstrack.sky.earth import compass, highest_elevation_deg
from isstrack.sky.source import uncertainties_s

TITLE_SEPARATOR = " · "


@dataclass(frozen=True)
class Layout:
    """How much to show: each step folds away something a narrower terminal cannot fit."""

    shadow_mark: str  # appended to a point where the station enters or leaves Earth's shadow
    highest_time: bool  # show the time of the highest point, not only its elevation and direction
    weekday: bool  # "Thu 24 Sep" rather than "24 Sep"


# Widest first; the first that fits the console is used, the last one fits 80 columns.
LAYOUTS = (
    Layout(" (shadow)", True, True),
    Layout(" (sh)", True, True),
    Layout(" (sh)", False, True),
    Layout(" (sh)", False, False),
)
COMPACT_LEGEND = "(sh) the station fades into or emerges from Earth's shadow there"
# Appended where the sky, not the station, starts or ends the visible part: the Sun crosses -6°.
DUSK_MARK, DAWN_MARK = " (dusk)", " (dawn)"


def _point(point: Any, zone: Any, with_time: bool = True) -> str:
    if point is None:
        return "-"
    where = f"{round(point.elevation_deg)}°{compass(point.azimuth_deg)}"  # an int: never "-0°"
    return f"{time_text(point.time, '%H:%M:%S', zone)} {where}" if with_time else where


def _mark(reason: str | None, layout: Layout) -> str:
    """Return the marker for why a visible part starts or ends there (nothing at a rise or set)."""
    return {"shadow": layout.shadow_mark, "dusk": DUSK_MARK, "dawn": DAWN_MARK}.get(reason or "", "")


def _rows(
    shown: list[Any], zone: Any, layout: Layout, all_passes: bool, spread: list[float] | None = None
) -> list[tuple[list[str], str]]:
    rows = []
    for n, item in enumerate(shown):
        if item.visible:
            first, top, last = item.visible_start, item.visible_highest, item.visible_end
            duration = duration_text(item.visible_duration_s, show_seconds=True, compact=True)
        else:
            first, top, last = item.rise, item.culmination, item.set
            duration = "-"
        date = time_text(first.time, "%a %d %b" if layout.weekday else "%d %b", zone)
        cells = [
            date + (" *" if item.in_progress else ""),
            _point(first, zone) + _mark(item.visible_start_reason, layout),
            _point(top, zone, layout.highest_time),
            _point(last, zone) + _mark(item.visible_end_reason, layout),
            duration,
            "-" if item.magnitude is None else magnitude_text(item.magnitude),
        ]
        if all_passes:
            cells.append(item.kind)
        if spread is not None:
            cells.append(f"±{spread[n]:.0f}s" if spread[n] >= 1.0 else "<1s")
        style = (
            "dim"
            if not item.visible
            else "bold"
            if item.magnitude is not None and is_bright(item.magnitude)
            else ""
        )
        rows.append((cells, style))
    return rows


def _table(rows: list[tuple[list[str], str]], all_passes: bool, layout: Layout, spread: bool = False) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(
        box=box.SIMPLE_HEAD, header_style="bold", padding=(0, 1, 0, 0), pad_edge=False, show_edge=False
    )
    table.add_column(text("date"), no_wrap=True)
    table.add_column(text("appears"), no_wrap=True)
    table.add_column(text("highest" if layout.highest_time else "max"), no_wrap=True)
    table.add_column(text("disappears"), no_wrap=True)
    table.add_column(text("visible"), justify="right", no_wrap=True)
    table.add_column(text("mag"), justify="right", no_wrap=True)
    if all_passes:
        table.add_column(text("type"), no_wrap=True)
    if spread:
        table.add_column(text("±"), justify="right", no_wrap=True)
    for cells, style in rows:
        table.add_row(*[text(cell) for cell in cells], style=style)
    return table


DISTRUST = "too old to trust"


def distrust_words(used: ElementsInUse, start: datetime, end: datetime, zone: Any) -> str:
    """Return ', too old to trust' (and from when, if only the window's end is) for the title's age, else ''.

    The title shows one age, the elements' at the window's start; the worse end decides the trust.
    """
    if not is_trusted(used.elements.age_days(start)):
        return f", {DISTRUST}"
    if is_trusted(used.elements.age_days(end)):
        return ""
    reached = time_text(trusted_until(used.elements.epoch), "%Y-%m-%d %H:%M", zone, truncate=True)
    return f", {DISTRUST} from {reached}"


def title_lines(parts: list[str], width: int) -> list[str]:
    """Join title parts with ' · ', breaking lines only between parts (never inside a date)."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + len(TITLE_SEPARATOR) + len(part) <= width:
            lines[-1] += TITLE_SEPARATOR + part
        else:
            lines.append(part)
    return lines


def passes_table(
    search: Any,
    shown: list[Any],
    place: Any,
    zone: Any,
    zone_label: str,
    used: ElementsInUse,
    all_passes: bool,
    what: str = "ISS",
    burn_note: str | None = None,
) -> None:
    """Print the passes as a table fitted to the console, under a title with the place, zone and window."""
    from rich.measure import Measurement

    console = make_console()
    window = "%Y-%m-%d %H:%M"
    parts = [
        f"{'All' if all_passes else 'Visible'} {what} passes over {place.name}",
        f"times in {zone_label}",
        f"{time_text(search.start, window, zone, truncate=True)} to "
        f"{time_text(search.end, window, zone, truncate=True)}",
        f"above {search.min_elevation_deg:g}°",
        f"elements {age_text(used.elements.age_days(search.start))}",
    ]
    parts[-1] = (oem_words(used) or parts[-1]) + distrust_words(used, search.start, search.end, zone)
    for line in title_lines([str(text(part)) for part in parts], console.width):
        title = text(line)
        title.highlight_words([DISTRUST], style="bold red")
        console.print(title)
    if burn_note:
        console.print(text(burn_note))
    if not search.sky_gets_dark and not all_passes:
        console.print(
            text(
                "The sky never gets darker than civil twilight here in this window (the Sun stays above "
                "-6°), so no pass can be seen. Try a later --from or --all to list daylight passes."
            )
        )
        return
    if not shown:
        console.print(text(_no_passes_line(place, used, search.min_elevation_deg, all_passes, what)))
        return
    spread = uncertainties_s(used, shown)
    unbounded = console.options.update(width=10_000, max_width=10_000)
    # With a ± column when one fits; else the table as ever and one line saying the largest ±.
    for column in (spread, None) if spread is not None else (None,):
        for layout in LAYOUTS:
            table = _table(
                _rows(shown, zone, layout, all_passes, column), all_passes, layout, column is not None
            )
            fits = Measurement.get(console, unbounded, table).maximum <= console.width
            if fits:
                break
        if fits:
            break
    console.print(table)
    if spread is not None and column is None:
        console.print(text(f"pass times uncertain by up to ±{max(spread):.0f} s (see docs/accuracy.md)"))
    marked = any(p.emerges_from_shadow or p.fades_into_shadow for p in shown)
    if marked and layout.shadow_mark == " (sh)":
        console.print(text(COMPACT_LEGEND))
    if any(item.in_progress for item in shown):
        console.print(text("* in progress at the start of the window (rise time shown is the true one)"))


def _no_passes_line(
    place: Any, used: ElementsInUse, min_elevation_deg: float, all_passes: bool, what: str
) -> str:
    """Return the line for an empty window: why, and a remedy only when one can help."""
    line2 = used.elements.line2
    highest = highest_elevation_deg(
        place.latitude_deg,
        float(line2[8:16]),
        used.elements.mean_motion_rev_per_day,
        float("0." + line2[26:33]),
    )
    if highest < min_elevation_deg:
        hemisphere = "N" if place.latitude_deg >= 0 else "S"
        return (
            f"The {what} never rises above {highest:.1f}° at {abs(place.latitude_deg):.1f}° {hemisphere}, "
            f"so no pass reaches {min_elevation_deg:g}° here."
        )
    if all_passes:
        return "No passes in this window."
    return "No visible passes in this window. Try --days 30 or --all to list every pass."
