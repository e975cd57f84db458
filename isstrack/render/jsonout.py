"""The JSON contract shared by every command (documented in README.md, schema_version 1)."""

from __future__ import annotations

import json
import math
import sys
from datetime import datetime
from typing import IO, Any

from isstrack.elements import ElementsInUse
from isstrack.location import Location
from isstrack.times import iso_z

SCHEMA_VERSION = 1


def elements_json(used: ElementsInUse, at: datetime) -> dict[str, Any]:
    """Return the `elements` object: name, catalog number, epoch, age, source and lines."""
    return {
        "name": used.elements.name,
        "catalog_number": used.elements.catalog_number,
        "epoch": iso_z(used.elements.epoch),
        "age_days": round(used.elements.age_days(at), 3),
        "source": used.source,
        "fetched_at": iso_z(used.fetched_at) if used.fetched_at else None,
        "line1": used.elements.line1,
        "line2": used.elements.line2,
    }


def rounded(value: float, digits: int) -> float | None:
    """Return `value` rounded, or None for NaN (JSON has no NaN)."""
    return None if math.isnan(value) else round(value, digits)


def write_json(payload: dict[str, Any] | None, stream: IO[str] | None = None) -> None:
    """Write one JSON document with schema_version first, then a newline."""
    out = stream or sys.stdout
    document = payload if payload is None else {"schema_version": SCHEMA_VERSION, **payload}
    out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def location_json(place: Location) -> dict[str, Any]:
    """Return the observer's place: name, coordinates, elevation, time zone and where it came from."""
    return {
        "name": place.name,
        "latitude_deg": round(place.latitude_deg, 5),
        "longitude_deg": round(place.longitude_deg, 5),
        "elevation_m": round(place.elevation_m, 1),
        "time_zone": place.time_zone,
        "source": place.source,
    }
