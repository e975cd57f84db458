"""The library API: load elements, find passes for one place or many, and say where the station is.

Every function takes plain values (floats, timezone-aware datetimes, strings, paths) and returns the
frozen dataclasses the command line uses, so a script and `isstrack passes` agree to the byte. Errors
are the typed exceptions of `isstrack.errors`. Nothing here imports the command line or `render/`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from pathlib import Path

from isstrack import ISS_CATALOG_NUMBER
from isstrack.batch.arrowpasses import pass_schema, passes_for_batches
from isstrack.batch.placefile import PlaceChunk
from isstrack.batch.runner import PassJob, checked_job, chunk_size, search_chunk
from isstrack.elements.file import load_file
from isstrack.elements.load import ElementStore
from isstrack.elements.plausible import check_plausible
from isstrack.elements.sources import ElementsInUse, load_bundled, timeout_from_env, url_template_from_env
from isstrack.elements.tle import ElementSet, parse_elements
from isstrack.errors import BadInputError, TimeInputError
from isstrack.io.paths import cache_dir as default_cache_dir
from isstrack.place.location import check_coordinates
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG, Observer, Orbit, StationState
from isstrack.sky.passes import find_passes as find_passes_one
from isstrack.sky.passtypes import DEFAULT_STD_MAGNITUDE, PassSearch

__all__ = [
    "find_passes",
    "find_passes_many",
    "load_bundled_elements",
    "load_elements",
    "load_elements_file",
    "parse_elements_text",
    "pass_schema",
    "passes_for_batches",
    "station_state",
    "station_states",
]

Elements = ElementSet | ElementsInUse
ObserverLike = Observer | tuple[float, float] | tuple[float, float, float]


def load_elements(
    *, offline: bool = False, catalog_number: int = ISS_CATALOG_NUMBER, cache_dir: str | Path | None = None
) -> ElementsInUse:
    """Return the elements the command line would use: fresh cache, CelesTrak, stale cache or bundled.

    CelesTrak's policy is kept exactly as by the command line (one download per 2 hours, shared with
    it through the cache directory: `cache_dir`, else $ISSTRACK_CACHE_DIR or the user cache folder).
    With `offline`, the network is never touched. What the user should be told is in the result's
    `warnings` and `log`.
    """
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    store = ElementStore(catalog_number, folder, url_template_from_env(), timeout_from_env())
    return store.get(offline=offline)


def load_elements_file(
    path: str | Path, *, catalog_number: int = ISS_CATALOG_NUMBER, at: datetime | None = None
) -> ElementsInUse:
    """Return the elements for `catalog_number` from a TLE, 3LE or OMM JSON file, the epoch nearest `at`."""
    return load_file(Path(path), catalog_number, None if at is None else _aware(at, "at"))


def load_bundled_elements(*, catalog_number: int = ISS_CATALOG_NUMBER) -> ElementsInUse:
    """Return the element set shipped with the package (no file or network access beyond it)."""
    return load_bundled(catalog_number)


def parse_elements_text(text: str, *, catalog_number: int = ISS_CATALOG_NUMBER) -> ElementSet:
    """Return the checked element set for `catalog_number` from TLE, 3LE or OMM JSON text."""
    elements = parse_elements(text, catalog_number)
    check_plausible(elements)
    return elements


def find_passes(
    elements: Elements,
    latitude_deg: float,
    longitude_deg: float,
    elevation_m: float = 0.0,
    *,
    start: datetime,
    days: float = 10.0,
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
    std_magnitude: float = DEFAULT_STD_MAGNITUDE,
    all_passes: bool = False,
    max_magnitude: float | None = None,
) -> PassSearch:
    """Return the passes over one place up at any time in [start, start + days), as `isstrack passes` does.

    Only visible passes are kept unless `all_passes`; with `max_magnitude`, only those at least that
    bright. The search's `sky_gets_dark` still speaks for every pass of the window.
    """
    element_set = _element_set(elements)
    observer = _observer((latitude_deg, longitude_deg, elevation_m))
    job = checked_job(element_set, start, days, min_elevation_deg, std_magnitude, all_passes, max_magnitude)
    search = find_passes_one(
        Orbit(element_set), observer, job.start, job.end, min_elevation_deg, std_magnitude
    )
    return _kept(job, search)


def find_passes_many(
    elements: Elements,
    observers: Iterable[ObserverLike],
    *,
    start: datetime,
    days: float = 10.0,
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
    std_magnitude: float = DEFAULT_STD_MAGNITUDE,
    all_passes: bool = False,
    max_magnitude: float | None = None,
    workers: int = 1,
) -> list[PassSearch]:
    """Return one PassSearch per observer, in order, as `isstrack passes --places` finds them.

    An observer is an `Observer` or a (latitude_deg, longitude_deg[, elevation_m]) tuple. The
    station is propagated once for the window; `workers` > 1 spreads chunks of observers over that
    many processes. Which passes are kept is as for `find_passes`.
    """
    if not 1 <= workers <= 256:
        raise BadInputError(f"workers={workers} is outside 1-256; give a number of processes")
    places = [_observer(o) for o in observers]
    job = checked_job(
        _element_set(elements), start, days, min_elevation_deg, std_magnitude, all_passes, max_magnitude
    )
    size = chunk_size(len(places), workers)
    chunks = [
        PlaceChunk(
            first + 1,
            tuple(o.latitude_deg for o in part),
            tuple(o.longitude_deg for o in part),
            tuple(o.elevation_m for o in part),
            None,
        )
        for first in range(0, len(places), size)
        for part in [places[first : first + size]]
    ]
    search = partial(search_chunk, job)
    if workers == 1 or len(chunks) <= 1:
        found = [item for chunk in chunks for item in search(chunk)]
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            found = [item for result in pool.map(search, chunks) for item in result]
    return [_kept(job, item) for item in found]


def station_state(elements: Elements, time: datetime) -> StationState:
    """Return where the station is at `time`: the point below, height, speeds, footprint, sunlight."""
    return Orbit(_element_set(elements)).state(_aware(time, "time"))


def station_states(elements: Elements, times: Iterable[datetime]) -> list[StationState]:
    """Return the station's state at each of `times`, in order, propagating one orbit for them all."""
    orbit = Orbit(_element_set(elements))
    return [orbit.state(_aware(moment, "times")) for moment in times]


# -- checks shared by the functions above ------------------------------------------------------------


def _element_set(elements: Elements) -> ElementSet:
    """Return the bare element set whether given one or an ElementsInUse."""
    return elements.elements if isinstance(elements, ElementsInUse) else elements


def _aware(moment: datetime, name: str) -> datetime:
    """Return `moment` if it carries a time zone; a naive datetime would silently mean local time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimeInputError(
            f"{name}={moment.isoformat()} has no time zone; give an aware datetime, "
            "e.g. datetime(2026, 9, 24, tzinfo=timezone.utc)"
        )
    return moment


def _observer(given: ObserverLike) -> Observer:
    """Return an Observer from an Observer or a (latitude_deg, longitude_deg[, elevation_m]) tuple."""
    observer = given if isinstance(given, Observer) else Observer(*(float(v) for v in given))
    check_coordinates(observer.latitude_deg, observer.longitude_deg, observer.elevation_m)
    return observer


def _kept(job: PassJob, search: PassSearch) -> PassSearch:
    """Return the search holding only the passes the job keeps (the filter `passes` uses)."""
    return dataclasses.replace(search, passes=tuple(p for p in search.passes if job.keep(p)))
