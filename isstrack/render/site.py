"""Build the sightings site: the many-place engine's passes as pages, calendars and feeds, per place.

Worker processes search a chunk of places each and render and write that chunk's files; the index,
the style sheet and a manifest are written last. A new site is staged and published whole; in a
rebuild a file is rewritten only when its bytes change (so a web server's caches and rsync see only
real changes), through a temp file and a rename, never half written (render/sitefiles). Files a
previous build made that this one does not (a place dropped from the list) are removed, and only
those: the manifest names them, and nothing else in the folder is touched.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from pathlib import Path

from isstrack.alerts.wording import sighting_fields
from isstrack.batch.placefile import PlaceChunk, PlaceTable
from isstrack.batch.runner import PassJob, run_local
from isstrack.place.location import Location
from isstrack.place.timezones import zone_name_at
from isstrack.render.calendar import calendar_bytes, event_spans
from isstrack.render.feeds import rss_bytes
from isstrack.render.sitefiles import SiteFolder, check_outdir, discard, open_site, publish
from isstrack.render.sitepages import (
    INDEX_NAME,
    PLACES_DIR,
    STYLE,
    STYLE_NAME,
    IndexEntry,
    PageFacts,
    index_page,
    place_page,
    slug,
)
from isstrack.render.skysvg import chart_marks_many
from isstrack.sky.passes import Pass

__all__ = ["PageFacts", "PassJob", "SiteJob", "build_site", "prepare_outdir"]  # what `isstrack site` uses

MANIFEST_NAME = ".isstrack-site.json"
MANIFEST_VERSION = 1
_OURS = re.compile(rf"^(?:{PLACES_DIR}/[a-z0-9-]+\.(?:html|ics|rss)|{INDEX_NAME}|{STYLE_NAME})$")


@dataclass(frozen=True)
class SiteJob:
    """What to build: the pass search for every place, the facts pages state, and the public URL."""

    passes: PassJob
    facts: PageFacts
    base_url: str | None = None
    name: str = "ISS"  # the object, as calendars and feeds title it


@dataclass(frozen=True)
class SiteReport:
    """What a build did."""

    places: int
    passes: int
    files: int
    changed: int
    removed: int


def assign_stems(table: PlaceTable) -> list[str]:
    """Return a distinct file stem per place: its name's slug, plus its coordinates where names clash."""
    whole = table.chunk(0, len(table))
    names = [_name(whole, index) for index in range(len(whole))]
    stems = [slug(name) for name in names]
    counts: dict[str, int] = {}
    for stem in stems:
        counts[stem] = counts.get(stem, 0) + 1
    out: list[str] = []
    taken: set[str] = set()
    for index, stem in enumerate(stems):
        if counts[stem] > 1:
            lat, lon = float(table.latitude_deg[index]), float(table.longitude_deg[index])
            stem = f"{stem}-{_coordinate_tag(lat, lon)}"
        base, extra = stem, 2
        while stem in taken:  # the same place listed twice: its pages are numbered in input order
            stem, extra = f"{base}-{extra}", extra + 1
        taken.add(stem)
        out.append(stem)
    return out


def _coordinate_tag(lat: float, lon: float) -> str:
    text = f"{'n' if lat >= 0 else 's'}{abs(lat):.2f}{'e' if lon >= 0 else 'w'}{abs(lon):.2f}"
    return text.replace(".", "")


def _name(chunk: PlaceChunk, index: int) -> str:
    return chunk.name(index) or f"{chunk.latitude_deg[index]:.4f}, {chunk.longitude_deg[index]:.4f}"


def write_place_files(
    job: SiteJob, site: SiteFolder, stems: tuple[str, ...], chunk: PlaceChunk, kept: list[list[Pass]]
) -> str:
    """Write each place's page, calendar and feed (a runner's chunk writer); return what was made, as JSON."""
    entries: list[tuple[str, str, int]] = []
    files: list[str] = []
    changed = 0
    # Written one after another in this process: threads here made the workers fight over the
    # interpreter lock (hundreds of thousands of futex calls) for no gain on two cores.
    for name, stem, count, outputs in place_files(job, stems, chunk, kept):
        for file_name, data in outputs:
            relative = f"{PLACES_DIR}/{file_name}"
            changed += site.write(relative, data)
            files.append(relative)
        entries.append((name, stem, count))
    return json.dumps({"entries": entries, "files": files, "changed": changed})


def place_files(
    job: SiteJob, stems: tuple[str, ...], chunk: PlaceChunk, kept: list[list[Pass]]
) -> Iterator[tuple[str, str, int, tuple[tuple[str, bytes], ...]]]:
    """Yield each place's name, file stem, pass count, and its page, calendar and feed (names, bytes)."""
    catalog = job.facts.catalog_number
    # The charts' arithmetic and the start times, for the whole chunk at once (numpy).
    every = [item for shown in kept for item in shown]
    marks = chart_marks_many(every)
    spans = event_spans(every)  # the calendars' starts (the visible parts', as the pages show) and ends
    starts = spans[0]
    done = 0
    for index, shown in enumerate(kept):
        lat, lon = chunk.latitude_deg[index], chunk.longitude_deg[index]
        height = chunk.elevation_m[index]
        name, stem = _name(chunk, index), stems[chunk.row(index) - 1]
        zone_name = zone_name_at(lat, lon) or "UTC"
        zone = _zone(zone_name)
        place = Location(name, lat, lon, height, zone_name, "coordinates")
        link = f"{job.base_url}{PLACES_DIR}/{stem}.html" if job.base_url else f"{stem}.html"
        said = [sighting_fields(item, zone) for item in shown]
        end = done + len(shown)
        drawn = marks[done:end], starts[done:end]
        span = spans[0][done:end], spans[1][done:end]
        done = end
        page = place_page(name, stem, (lat, lon, height), zone, zone_name, shown, job.facts, said, drawn)
        calendar = calendar_bytes(
            shown, place, catalog, job.name, stamp=job.facts.epoch, zone=zone, spans=span
        )
        feed = rss_bytes(shown, place, catalog, zone, zone_name, job.facts.epoch, link, said, job.name)
        yield (
            name,
            stem,
            len(shown),
            ((f"{stem}.html", page), (f"{stem}.ics", calendar), (f"{stem}.rss", feed)),
        )


_ZONES: dict[str, tzinfo] = {}


def _zone(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo

    if name not in _ZONES:
        _ZONES[name] = ZoneInfo(name)
    return _ZONES[name]


def prepare_outdir(outdir: Path) -> None:
    """Raise OutputError unless the site can be written at `outdir` (nothing is created yet)."""
    check_outdir(outdir, PLACES_DIR)


def build_site(
    job: SiteJob, table: PlaceTable, outdir: Path, workers: int, advance: Callable[[int], None] | None = None
) -> SiteReport:
    """Write every place's files, then the index, the style sheet and the manifest; return the counts."""
    site = open_site(outdir, PLACES_DIR)
    try:
        report = _build(site, job, table, workers, advance)
        publish(site, (STYLE_NAME, INDEX_NAME, MANIFEST_NAME))
    except BaseException:
        discard(site)  # a new site is published whole or not at all
        raise
    return report


def _build(
    site: SiteFolder, job: SiteJob, table: PlaceTable, workers: int, advance: Callable[[int], None] | None
) -> SiteReport:
    old = set() if site.fresh else _read_manifest(site.root)
    stems = assign_stems(table)
    entries: list[IndexEntry] = []
    files: list[str] = []
    changed = passes = 0
    writer = partial(write_place_files, job, site, tuple(stems))
    for count, text in run_local(job.passes, table, writer, workers):
        done = json.loads(text)
        entries += [IndexEntry(name, stem, shown) for name, stem, shown in done["entries"]]
        files += done["files"]
        changed += done["changed"]
        passes += sum(shown for _, _, shown in done["entries"])
        if advance is not None:
            advance(count)
    changed += site.write(STYLE_NAME, STYLE.encode("utf-8"))
    changed += site.write(INDEX_NAME, index_page(entries, job.facts))
    files += [STYLE_NAME, INDEX_NAME]
    removed = 0
    for stale in sorted(old - set(files)):
        with contextlib.suppress(FileNotFoundError):
            (site.root / stale).unlink()
            removed += 1
    manifest = {"version": MANIFEST_VERSION, "files": sorted(files)}
    site.write(MANIFEST_NAME, json.dumps(manifest, indent=0).encode("utf-8"))
    return SiteReport(len(entries), passes, len(files), changed, removed)


def _read_manifest(outdir: Path) -> set[str]:
    """Return the files the last build made (only names of the forms it makes; nothing else is trusted)."""
    try:
        data = json.loads((outdir / MANIFEST_NAME).read_text("utf-8"))
        names = data["files"] if isinstance(data, dict) and data.get("version") == MANIFEST_VERSION else []
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    return {name for name in names if isinstance(name, str) and _OURS.fullmatch(name)}
