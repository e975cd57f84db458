"""Many-place output: CSV rows or JSON Lines, each pass with its place, streamed chunk by chunk."""

from __future__ import annotations

import csv
import io
import json

from isstrack.passes import Pass
from isstrack.placefile import PlaceChunk
from isstrack.render.jsonout import SCHEMA_VERSION, pass_json
from isstrack.render.tabular import HEADER
from isstrack.render.tabular import _flatten as pass_row

PLACE_COLUMNS = ["place", "place_row", "latitude_deg", "longitude_deg", "elevation_m"]
CSV_HEADER = PLACE_COLUMNS + HEADER


def csv_header() -> str:
    """Return the header line of the many-place CSV."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(CSV_HEADER)
    return out.getvalue()


def _place(chunk: PlaceChunk, index: int) -> list[object]:
    return [
        chunk.label(index),
        chunk.row(index),
        chunk.latitude_deg[index],
        chunk.longitude_deg[index],
        chunk.elevation_m[index],
    ]


def chunk_csv(chunk: PlaceChunk, kept: list[list[Pass]]) -> str:
    """Return one CSV row per pass: the place's columns, then the single-place pass columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for index, passes in enumerate(kept):
        if passes:
            place = _place(chunk, index)
            writer.writerows(place + pass_row(item) for item in passes)
    return out.getvalue()


def chunk_jsonl(chunk: PlaceChunk, kept: list[list[Pass]]) -> str:
    """Return one JSON object per line per pass: schema_version, the place and the pass."""
    lines = []
    for index, passes in enumerate(kept):
        if not passes:
            continue
        place = dict(zip(PLACE_COLUMNS, _place(chunk, index), strict=True))
        del place["place"]
        place["name"] = chunk.name(index)
        place["row"] = place.pop("place_row")
        for item in passes:
            document = {"schema_version": SCHEMA_VERSION, "place": place, "pass": pass_json(item)}
            lines.append(json.dumps(document, ensure_ascii=False) + "\n")
    return "".join(lines)
