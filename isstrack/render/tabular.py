"""CSV output: one row per pass, the JSON pass fields flattened, header first."""

from __future__ import annotations

import csv
import sys
from typing import IO, Any

from isstrack.elements.tle import ElementSet
from isstrack.render.jsonout import pass_json
from isstrack.sky.passes import Pass

_POINTS = ("rise", "culmination", "set", "visible_start", "visible_highest", "visible_end")
_POINT_FIELDS = ("time", "azimuth_deg", "elevation_deg", "direction")
_SCALARS = (
    "duration_s",
    "kind",
    "visible",
    "visible_duration_s",
    "emerges_from_shadow",
    "fades_into_shadow",
    "magnitude",
    "in_progress",
    "revolution",
)
HEADER = [f"{p}_{f}" for p in _POINTS for f in _POINT_FIELDS] + list(_SCALARS)


def _flatten(item: Pass) -> list[Any]:
    data = pass_json(item)
    row: list[Any] = []
    for name in _POINTS:
        point = data[name] or {}
        row.extend(point.get(f, "") for f in _POINT_FIELDS)
    for name in _SCALARS:
        value = data[name]
        row.append("" if value is None else str(value).lower() if isinstance(value, bool) else value)
    return row


def write_csv(
    passes: list[Pass], stream: IO[str] | None = None, satellites: list[ElementSet] | None = None
) -> None:
    """Write the header and one row per pass (led by catalog number and name, given `satellites`)."""
    writer = csv.writer(stream or sys.stdout, lineterminator="\n")
    writer.writerow((["catalog_number", "name"] if satellites is not None else []) + HEADER)
    for k, item in enumerate(passes):
        lead = [satellites[k].catalog_number, satellites[k].name] if satellites is not None else []
        writer.writerow(lead + _flatten(item))
