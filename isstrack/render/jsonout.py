"""The JSON contract shared by every command (documented in docs/json.md, schema_version 1)."""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from isstrack.elements.load import ElementsInUse
from isstrack.elements.trust import is_trusted
from isstrack.io.timetext import iso_z
from isstrack.place.location import Location
from isstrack.sky.earth import compass
from isstrack.sky.source import burn_status, burns_of, uncertainties_s
from isstrack.sky.times import utc_now

if TYPE_CHECKING:
    from isstrack.sky.passes import Pass, PassPoint, PassSearch

SCHEMA_VERSION = 1


def elements_json(used: ElementsInUse, at: datetime, until: datetime | None = None) -> dict[str, Any]:
    """Return the `elements` object: name, catalog number, epoch, age at `at`, trust, source and lines.

    `trusted` is false when the elements are too old to trust at either end of the span the output
    covers (the worse end, as the text output's warning counts it).
    """
    age_days = used.elements.age_days(at)
    worst_days = max(age_days, used.elements.age_days(until or at), key=abs)
    document: dict[str, Any] = {
        "name": used.elements.name,
        "catalog_number": used.elements.catalog_number,
        "epoch": iso_z(used.elements.epoch),
        "age_days": round(age_days, 3),
        "trusted": is_trusted(worst_days),
        "source": used.source,
        "fetched_at": iso_z(used.fetched_at) if used.fetched_at else None,
        "line1": used.elements.line1,
        "line2": used.elements.line2,
    }
    if used.ephemeris is not None and used.ephemeris_used:
        # NASA's trajectory answers inside its states; the elements above only beyond them.
        oem = used.ephemeris
        document["source"] = "oem"
        document["ephemeris"] = {
            "file": used.ephemeris_origin,
            "created": iso_z(oem.creation),
            "start": iso_z(oem.start),
            "stop": iso_z(oem.stop),
            "elements_source": used.source,
            "burns": [
                {
                    "time": iso_z(b.time),
                    "end": iso_z(b.end) if b.end else None,
                    "delta_v_m_s": b.delta_v_m_s,
                    "origin": b.origin,
                    "status": burn_status(b, oem, used.elements.epoch, utc_now()),
                }
                for b in burns_of(oem)
            ],
        }
    return document


# What json.dumps leaves raw that a terminal acts on or that must not reach one, by render/safe.py's
# rules: DEL, C1 controls, lone surrogates (undecodable bytes kept by surrogateescape), line and
# paragraph separators, and the bidirectional marks, overrides and isolates that reorder what follows.
# (json.dumps itself escapes C0 controls.) They only ever occur inside JSON strings, where \uXXXX
# means the same.
_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NOT_ASCII = re.compile("[^\x00-\x7e]")  # for a stream that cannot encode more (DEL included)


def _escape(match: re.Match[str]) -> str:
    """Return a character as JSON's \\uXXXX escape (a surrogate pair beyond U+FFFF), as json.dumps does."""
    code = ord(match.group())
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def needs_ascii(stream: IO[str] | None = None) -> bool:
    """Return whether `stream` (stdout by default) cannot encode beyond ASCII: JSON then escapes the rest."""
    encoding = (getattr(stream or sys.stdout, "encoding", None) or "utf-8").lower().replace("_", "-")
    return not encoding.startswith("utf")


def fit_json(text: str, ascii_only: bool) -> str:
    """Return JSON text (from json.dumps with ensure_ascii=False) with unsafe characters \\u-escaped.

    With `ascii_only`, every non-ASCII character too, so names survive as escapes (`Z\\u00fcrich`)
    rather than a stream's replacement characters.
    """
    return (_NOT_ASCII if ascii_only else _UNSAFE).sub(_escape, text)


def dumps(document: Any, indent: int | None = None, stream: IO[str] | None = None) -> str:
    """Return `document` as JSON safe to show on a terminal, and encodable by `stream` (stdout by default)."""
    return fit_json(json.dumps(document, indent=indent, ensure_ascii=False), needs_ascii(stream))


def write_json(payload: dict[str, Any] | None, stream: IO[str] | None = None) -> None:
    """Write one JSON document with schema_version first, then a newline (every --json goes here)."""
    out = stream or sys.stdout
    document = payload if payload is None else {"schema_version": SCHEMA_VERSION, **payload}
    out.write(dumps(document, indent=2, stream=out) + "\n")


def write_json_line(payload: dict[str, Any], stream: IO[str] | None = None) -> None:
    """Write one JSON Lines record with schema_version first, and flush it (every live JSON goes here)."""
    out = stream or sys.stdout
    out.write(dumps({"schema_version": SCHEMA_VERSION, **payload}, stream=out) + "\n")
    out.flush()


def write_json_text(text: str, stream: IO[str] | None = None) -> None:
    """Write JSON text fitted in a worker (`fit_json(text, False)`), all ASCII if `stream` needs it."""
    out = stream or sys.stdout
    out.write(json_text_for(text, out))


def json_text_for(text: str, stream: IO[str]) -> str:
    """Return JSON text fitted in a worker (`fit_json(text, False)`), all ASCII if `stream` needs it."""
    return fit_json(text, True) if needs_ascii(stream) else text


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


def point_json(point: PassPoint | None) -> dict[str, Any] | None:
    """Return a pass point as {time, azimuth_deg, elevation_deg, direction}, or None."""
    if point is None:
        return None

    return {
        "time": iso_z(point.time),
        "azimuth_deg": round(point.azimuth_deg, 1),
        "elevation_deg": round(point.elevation_deg, 1),
        "direction": compass(point.azimuth_deg),
    }


def pass_json(item: Pass) -> dict[str, Any]:
    """Return one pass in the shared pass schema (used by `passes` and `next`)."""
    return {
        "rise": point_json(item.rise),
        "culmination": point_json(item.culmination),
        "set": point_json(item.set),
        "duration_s": round(item.duration_s),
        "kind": item.kind,
        "visible": item.visible,
        "visible_start": point_json(item.visible_start),
        "visible_highest": point_json(item.visible_highest),
        "visible_end": point_json(item.visible_end),
        "visible_duration_s": round(item.visible_duration_s),
        "emerges_from_shadow": item.emerges_from_shadow,
        "fades_into_shadow": item.fades_into_shadow,
        "visible_start_reason": item.visible_start_reason,
        "visible_end_reason": item.visible_end_reason,
        "magnitude": item.magnitude,
        "in_progress": item.in_progress,
        "revolution": item.revolution,
    }


def _with_uncertainty(document: dict[str, Any], value_s: float | None) -> dict[str, Any]:
    if value_s is not None:
        document["time_uncertainty_s"] = round(value_s, 1)
    return document


def passes_json(
    search: PassSearch,
    shown: list[Pass],
    place: Location,
    zone_label: str,
    used: ElementsInUse,
    std_magnitude: float | None,
    all_passes: bool,
) -> dict[str, Any]:
    """Return the `passes` JSON document (without schema_version)."""
    spread = uncertainties_s(used, shown, always=True) or []
    return {
        "location": location_json(place),
        "time_zone": zone_label,
        "window": {"from": iso_z(search.start), "to": iso_z(search.end)},
        "min_elevation_deg": search.min_elevation_deg,
        "std_magnitude": std_magnitude,
        "filter": "all" if all_passes else "visible",
        "sky_gets_dark": search.sky_gets_dark,
        "elements": elements_json(used, search.start, search.end),
        "passes": [_with_uncertainty(pass_json(p), spread[i]) for i, p in enumerate(shown)],
    }


def timed_pass_json(used: ElementsInUse, item: Pass) -> dict[str, Any]:
    """Return one pass in the shared schema with its `time_uncertainty_s` from the elements in use."""
    values = uncertainties_s(used, [item], always=True)
    return _with_uncertainty(pass_json(item), values[0] if values else None)


def next_json(
    found: Any,
    place: Location,
    zone_label: str,
    used: ElementsInUse,
    asked_at: datetime,
    search_end: datetime | None = None,
) -> dict[str, Any]:
    """Return the `next` JSON document: the pass in the shared schema, or null.

    Trust counts at the time asked about and at the pass's start (or at `search_end` when none).
    """
    until = max(found.start, asked_at) if found is not None else search_end
    return {
        "location": location_json(place),
        "time_zone": zone_label,
        "at": iso_z(asked_at),
        "elements": elements_json(used, asked_at, until),
        "pass": None if found is None else timed_pass_json(used, found.item),
        "seconds_until": None if found is None else max(0, round((found.start - asked_at).total_seconds())),
    }
