"""Human output with Rich: colour for meaning on a terminal, plain fixed-width text when piped."""

from __future__ import annotations

from datetime import datetime, timezone
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
    """Return an age like '5 h' or '2.3 days' (negative ages say 'before epoch')."""
    suffix = "" if days >= 0 else " before epoch"
    days = abs(days)
    if days < 2:
        return f"{days * 24:.1f} h{suffix}"
    return f"{days:.1f} days{suffix}"


def utc_text(moment: datetime) -> str:
    """Return a UTC time like 2026-09-24 21:30:05 UTC."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


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
    grid.add_row("object", f"{elements.name} (catalog {elements.catalog_number})")
    grid.add_row("source", f"{_SOURCE_TEXT[used.source]}: {used.origin}")
    if used.fetched_at is not None:
        grid.add_row(
            "fetched",
            f"{utc_text(used.fetched_at)} ({age_text((now - used.fetched_at).total_seconds() / 86400)} ago)",
        )
    grid.add_row("epoch", f"{utc_text(elements.epoch)} ({age_text(elements.age_days(now))} old)")
    if used.source != "file":
        if next_fetch is None or next_fetch <= now:
            grid.add_row("next download", "allowed now")
        else:
            grid.add_row("next download", f"not before {utc_text(next_fetch)}")
    grid.add_row("line 1", elements.line1)
    grid.add_row("line 2", elements.line2)
    make_console().print(Panel(grid, title="orbital elements", title_align="left", expand=False))
