"""Many-place output: CSV rows or JSON Lines, each pass with its place, streamed chunk by chunk."""

from __future__ import annotations

import csv
import io
import json

from isstrack.batch.placefile import PlaceChunk
from isstrack.io.timetext import iso_z_many
from isstrack.render.jsonout import SCHEMA_VERSION, fit_json, pass_json
from isstrack.render.tabular import HEADER
from isstrack.sky.earth import COMPASS_POINTS
from isstrack.sky.passes import Pass

PLACE_COLUMNS = ["place", "place_row", "latitude_deg", "longitude_deg", "elevation_m"]
CSV_HEADER = PLACE_COLUMNS + HEADER


def csv_header() -> str:
    """Return the header line of the many-place CSV."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(CSV_HEADER)
    return out.getvalue()


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); OWASP's advice is
# a leading apostrophe, which spreadsheets show as text and do not display.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """Return `text` as a CSV cell no spreadsheet runs as a formula: a leading ' before =, +, -, @."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _place(chunk: PlaceChunk, index: int) -> list[object]:
    return [
        spreadsheet_text(chunk.label(index)),
        chunk.row(index),
        chunk.latitude_deg[index],
        chunk.longitude_deg[index],
        chunk.elevation_m[index],
    ]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def pass_cells(passes: list[Pass]) -> list[str]:
    """Return the single-place CSV cells of each pass (the `passes --csv` row) as CSV text, in bulk."""
    import numpy as np

    points = [
        (p.rise, p.culmination, p.set, p.visible_start, p.visible_highest, p.visible_end) for p in passes
    ]
    flat = [q for group in points for q in group if q is not None]
    times = iso_z_many([q.time for q in flat])
    # compass() in bulk: the same floored modulo and round-half-even, so the same names.
    sector = np.rint(np.remainder(np.array([q.azimuth_deg for q in flat]), 360.0) / 22.5).astype(np.int64)
    names = [COMPASS_POINTS[i] for i in (sector % 16).tolist()]
    # Every cell is a number, a time, a compass point, a kind or a flag: none needs CSV quoting.
    # f"{x:.1f}" gives the same digits as repr(round(x, 1)) (both correctly rounded), in half the time.
    text = iter(
        [
            f"{t},{q.azimuth_deg:.1f},{q.elevation_deg:.1f},{n}"
            for t, q, n in zip(times, flat, names, strict=True)
        ]
    )
    lines = []
    for item, group in zip(passes, points, strict=True):
        cells = ",".join(",,," if q is None else next(text) for q in group)
        magnitude = "" if item.magnitude is None else repr(item.magnitude)
        lines.append(
            f"{cells},{round(item.duration_s)},{item.kind},{_flag(item.visible)},"
            f"{round(item.visible_duration_s)},{_flag(item.emerges_from_shadow)},"
            f"{_flag(item.fades_into_shadow)},{magnitude},{_flag(item.in_progress)},{item.revolution}"
        )
    return lines


def chunk_csv(chunk: PlaceChunk, kept: list[list[Pass]]) -> str:
    """Return one CSV row per pass: the place's columns, then the single-place pass columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="")
    cells = iter(pass_cells([item for passes in kept for item in passes]))
    lines: list[str] = []
    for index, passes in enumerate(kept):
        if passes:
            writer.writerow(_place(chunk, index))  # the name may need quoting: the csv module does it
            place = out.getvalue()
            out.seek(0)
            out.truncate()
            lines.extend(f"{place},{next(cells)}\n" for _ in passes)
    return "".join(lines)


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
            lines.append(fit_json(json.dumps(document, ensure_ascii=False), ascii_only=False) + "\n")
    return "".join(lines)
