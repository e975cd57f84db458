"""Elements for any satellite the user names: the ISS as always, anything else by its own GP query.

The ISS (by default, or `--sat iss`/`25544`) keeps its two-line path (`isstrack.elements.load`), the
bundled fallback and its files, so its output does not change. Every other object is asked for as
OMM (`FORMAT=JSON`) through its own per-query store, or read from `--tle-file` (OMM JSON or CSV,
TLE or 3LE), where a name or designator picks the object as CelesTrak's query would.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from isstrack import ISS_CATALOG_NUMBER
from isstrack.elements.file import load_file, read_element_file
from isstrack.elements.omm import ALPHA5_MAX
from isstrack.elements.plausible import check_plausible
from isstrack.elements.querystore import QueryStore, gp_url_from_env
from isstrack.elements.satellites import STATIONS, GpQuery, choose, choose_number, group_query, parse_sat
from isstrack.elements.sources import ElementsInUse, Source, timeout_from_env
from isstrack.elements.tle import ElementSet, from_omm, parse_all
from isstrack.errors import AmbiguousSatelliteError, TleFormatError, UnknownSatelliteError
from isstrack.io.timetext import iso_z


def is_iss(query: GpQuery) -> bool:
    """Return whether a query asks for the ISS by number (the default path)."""
    return query.kind == "CATNR" and int(query.value) == ISS_CATALOG_NUMBER


def store_for(
    query: GpQuery, cache_dir: Path, base_url: str | None = None, timeout_s: float | None = None
) -> QueryStore:
    """Return the store of one query: the GP endpoint and timeout from the environment unless given."""
    timeout = timeout_s if timeout_s is not None else timeout_from_env()
    return QueryStore(query, cache_dir, base_url or gp_url_from_env(), timeout)


def load_satellite(
    query: GpQuery,
    cache_dir: Path,
    *,
    offline: bool = False,
    base_url: str | None = None,
    timeout_s: float | None = None,
) -> ElementsInUse:
    """Return the elements of the one object `query` means, from the cache or CelesTrak (not the ISS path)."""
    answer = store_for(query, cache_dir, base_url, timeout_s).get(offline=offline)
    chosen = choose(query, answer.records)
    elements = from_omm(chosen)
    source: Source = "network" if answer.source == "network" else "cache"
    return ElementsInUse(
        elements, source, answer.origin, answer.fetched_at, answer.next_fetch_at, answer.warnings, answer.log
    )


def load_group(
    name: str,
    cache_dir: Path,
    *,
    offline: bool = False,
    base_url: str | None = None,
    timeout_s: float | None = None,
) -> tuple[list[ElementSet], tuple[str, ...]]:
    """Return the sets of one CelesTrak group (newest per object), and the warnings of getting them."""
    answer = store_for(group_query(name), cache_dir, base_url, timeout_s).get(offline=offline)
    return newest_per_object([from_omm(record) for record in answer.records]), answer.warnings


def from_file(path: Path, query: GpQuery, at: datetime | None = None) -> ElementsInUse:
    """Return the set of the object `query` means from an element file: the epoch nearest `at`."""
    if query.kind == "CATNR":
        return load_file(path, int(query.value), at)
    try:
        sets = parse_all(read_element_file(path))
    except TleFormatError as exc:
        raise TleFormatError(f"--tle-file {path} holds no valid elements: {exc}") from None
    matching = [(s.catalog_number, s.name, s.object_id) for s in sets if _matches(query, s)]
    try:
        number = choose_number(query, matching)
    except UnknownSatelliteError:
        raise UnknownSatelliteError(f"--tle-file {path} holds no object with {query.describe()}") from None
    except AmbiguousSatelliteError as exc:
        raise AmbiguousSatelliteError(f"in --tle-file {path}: {exc}", exc.candidates) from None
    return load_file(path, number, at)


def file_sets(path: Path, at: datetime | None = None) -> list[ElementSet]:
    """Return every object in an element file, each with its set nearest `at`, checked for plausibility."""
    try:
        sets = parse_all(read_element_file(path))
    except TleFormatError as exc:
        raise TleFormatError(f"--tle-file {path} holds no valid elements: {exc}") from None
    chosen = newest_per_object(sets, at or datetime.now(timezone.utc))
    for elements in chosen:
        try:
            check_plausible(elements)
        except TleFormatError as exc:
            raise TleFormatError(
                f"--tle-file {path}: the set of {elements.catalog_number} (epoch {iso_z(elements.epoch)}) "
                f"is not plausible: {exc}"
            ) from None
    return chosen


def newest_per_object(sets: Sequence[ElementSet], at: datetime | None = None) -> list[ElementSet]:
    """Return one set per catalog number, nearest `at` (else the newest), in first-seen order."""
    best: dict[int, ElementSet] = {}
    for elements in sets:
        current = best.get(elements.catalog_number)
        if current is None or _nearer(elements, current, at):
            best[elements.catalog_number] = elements
    return list(best.values())


def parse_sats(values: Sequence[str]) -> list[GpQuery]:
    """Return the queries of several --sat values, without repeats, in the order given."""
    queries: list[GpQuery] = []
    for value in values:
        query = parse_sat(value)
        if query not in queries:
            queries.append(query)
    return queries


def _nearer(candidate: ElementSet, current: ElementSet, at: datetime | None) -> bool:
    if at is None:
        return candidate.epoch > current.epoch
    return abs((candidate.epoch - at).total_seconds()) < abs((current.epoch - at).total_seconds())


def _matches(query: GpQuery, elements: ElementSet) -> bool:
    if query.kind == "INTDES":
        return elements.object_id.startswith(query.value)
    return query.value.upper() in elements.name.upper()


def merge_docked(sets: Sequence[ElementSet]) -> list[tuple[ElementSet, tuple[str, ...]]]:
    """Return one set per distinct orbit, with the names of the objects that share it (docked vehicles).

    CelesTrak gives a docked vehicle its station's element set: the same epoch and elements under
    another number. The station (a known one, else the lowest number) stands for the stack.
    """

    stacks: dict[tuple[datetime, str], list[ElementSet]] = {}
    for elements in sets:
        stacks.setdefault((elements.epoch, elements.line2[7:63]), []).append(elements)
    merged = []
    for members in stacks.values():
        lead = min(members, key=lambda s: (s.catalog_number not in STATIONS, s.catalog_number))
        merged.append((lead, tuple(s.name for s in members if s is not lead)))
    return merged


def update_satellite(query: GpQuery, cache_dir: Path) -> None:
    """Download the query's answer now if CelesTrak's policy allows (UpdateError saying when, if not)."""
    store_for(query, cache_dir).update()


def has_tle_form(elements: ElementSet) -> bool:
    """Return whether the object's number fits two-line elements (up to 339999 in Alpha-5)."""
    return elements.catalog_number <= ALPHA5_MAX
