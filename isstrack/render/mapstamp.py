"""What every map says about itself: the moment it shows and whether its elements are too old.

Every form of the map (terminal, SVG, PNG, terminal pictures, the live view) takes its words from
here, so the age wording and the trust rule (`elements.trust.is_trusted`) are written once.
"""

from __future__ import annotations

from datetime import timezone
from typing import Any

from isstrack.elements.trust import is_trusted
from isstrack.io.timetext import UTC_TEXT, age_text, time_text
from isstrack.render.mapstyle import Run, _style
from isstrack.scene.mapscene import MapScene

WARNING_STYLE = "bold #ffffff on #c0392b"  # white on red: readable on every terminal background


def age_warning(age_days: float | None) -> str | None:
    """Return 'elements N days old: too old' when elements this old are not trusted, else None."""
    if age_days is None or is_trusted(age_days):
        return None
    return f"elements {age_text(age_days)}: too old"


def moment_words(scene: MapScene, zone: Any = None) -> str:
    """Return the moment a map shows in UTC, and in `zone` (the place's) when there is one."""
    utc = time_text(scene.at, UTC_TEXT)
    if zone is None or zone == timezone.utc:
        return utc
    local = scene.at.astimezone(zone)
    same_day = local.date() == scene.at.astimezone(timezone.utc).date()
    return f"{utc} ({time_text(scene.at, '%H:%M:%S %Z' if same_day else '%a %H:%M:%S %Z', zone)})"


def stamp_items(scene: MapScene, zone: Any, colour: bool, *, moment: bool = True) -> list[list[Run]]:
    """Return the legend items that date a map: its moment, and the too-old warning when it applies."""
    items: list[list[Run]] = []
    if moment:
        items.append([(moment_words(scene, zone), _style("bold") if colour else None)])
    warning = age_warning(scene.elements_age_days)
    if warning is not None:
        if colour:
            items.append([(f" {warning} ", _style(WARNING_STYLE))])
        else:
            items.append([(f"! {warning}", None)])
    return items
