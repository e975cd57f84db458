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
from isstrack.elements.brightness import check_magnitude
from isstrack.elements.brightness import std_magnitude as own_std_magnitude
from isstrack.elements.file import load_file
from isstrack.elements.load import ElementStore
from isstrack.elements.oem import parse_oem
from isstrack.elements.oemfile import read_oem_bytes
from isstrack.elements.plausible import check_plausible
from isstrack.elements.sources import ElementsInUse, load_bundled, timeout_from_env, url_template_from_env
from isstrack.elements.tle import ElementSet, parse_elements
from isstrack.errors import BadInputError, TimeInputError, UntrustedElementsError
from isstrack.io.paths import cache_dir as default_cache_dir
from isstrack.place.location import check_coordinates
from isstrack.sky.orbit import DEFAULT_MIN_ELEVATION_DEG, Observer, Orbit, StationState
from isstrack.sky.passes import find_passes as find_passes_one
from isstrack.sky.passtypes import PassSearch
from isstrack.sky.source import burn_distrust, choose_ephemeris, orbit_for
from isstrack.sky.times import utc_now

__all__ = [
    "find_passes",
    "find_passes_many",
    "load_bundled_elements",
    "load_elements",
    "load_elements_file",
    "load_ephemeris_file",
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
    """Return the elements for `catalog_number` in a TLE, 3LE or OMM (JSON, CSV) file, epoch nearest `at`."""
    return load_file(Path(path), catalog_number, None if at is None else _aware(at, "at"))


def load_ephemeris_file(path: str | Path, *, elements: Elements | None = None) -> ElementsInUse:
    """Return the ISS's elements carrying NASA's trajectory (a CCSDS OEM file), as `--ephemeris` reads it.

    The trajectory answers wherever it has states; `elements` (default the bundled set, as the command
    line offline with an empty cache) answer in its holes and beyond its end. Pass the result to
    `find_passes`, `find_passes_many` or `station_state(s)`.
    """
    used = load_bundled(ISS_CATALOG_NUMBER) if elements is None else _in_use(elements)
    if used.elements.catalog_number != ISS_CATALOG_NUMBER:
        raise BadInputError(
            f"the elements are catalog number {used.elements.catalog_number}'s; NASA's trajectory is the "
            f"ISS's: give the ISS's elements ({ISS_CATALOG_NUMBER})"
        )
    where = f"ephemeris file {path}"
    oem = parse_oem(read_oem_bytes(Path(path), where), where, utc_now())
    return dataclasses.replace(used, ephemeris=oem, ephemeris_origin=str(path), ephemeris_used=True)


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
    std_magnitude: float | None = None,
    all_passes: bool = False,
    max_magnitude: float | None = None,
) -> PassSearch:
    """Return the passes over one place up at any time in [start, start + days), as `isstrack passes` does.

    Only visible passes are kept unless `all_passes`; with `max_magnitude`, only those at least that
    bright. The search's `sky_gets_dark` still speaks for every pass of the window. Without
    `std_magnitude`, the object's own is used (as `passes --sat`); if none is known, magnitudes are None.
    """
    observer = _observer((latitude_deg, longitude_deg, elevation_m))
    job = _job(elements, start, days, min_elevation_deg, std_magnitude, all_passes, max_magnitude)
    orbit = orbit_for(job.elements, job.ephemeris)
    search_std = 0.0 if job.std_magnitude is None else job.std_magnitude
    search = find_passes_one(orbit, observer, job.start, job.end, min_elevation_deg, search_std)
    return _kept(job, search)


def find_passes_many(
    elements: Elements,
    observers: Iterable[ObserverLike],
    *,
    start: datetime,
    days: float = 10.0,
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
    std_magnitude: float | None = None,
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
    job = _job(elements, start, days, min_elevation_deg, std_magnitude, all_passes, max_magnitude)
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
    moment = _aware(time, "time")
    return _orbit_at(elements, moment).state(moment)


def station_states(elements: Elements, times: Iterable[datetime]) -> list[StationState]:
    """Return the station's state at each of `times`, in order, propagating one orbit for them all."""
    moments = [_aware(moment, "times") for moment in times]
    orbit = _orbit_at(elements, moments[0]) if moments else Orbit(_element_set(elements))
    return [orbit.state(moment) for moment in moments]


# -- checks shared by the functions above ------------------------------------------------------------


def _element_set(elements: Elements) -> ElementSet:
    """Return the bare element set whether given one or an ElementsInUse."""
    return elements.elements if isinstance(elements, ElementsInUse) else elements


def _in_use(elements: Elements) -> ElementsInUse:
    """Return an ElementsInUse whether given one or a bare element set (as if read from a file)."""
    if isinstance(elements, ElementsInUse):
        return elements
    return ElementsInUse(elements, "file", "given by the caller")


def _orbit_at(elements: Elements, at: datetime) -> Orbit:
    """Return the orbit for an answer at `at`: with NASA's trajectory when it answers then (as the CLI)."""
    element_set = _element_set(elements)
    oem = elements.ephemeris if isinstance(elements, ElementsInUse) else None
    chosen = oem is not None and choose_ephemeris(oem, element_set, at)[0]
    return orbit_for(element_set, oem if chosen else None)


def _job(
    elements: Elements,
    start: datetime,
    days: float,
    min_elevation_deg: float,
    std_magnitude: float | None,
    all_passes: bool,
    max_magnitude: float | None,
) -> PassJob:
    """Return the checked search, with the object's own standard magnitude unless given, and the trajectory.

    Where the trajectory does not answer at `start` (past its end), passes after a burn it lists would
    rest on elements from before it: refused with UntrustedElementsError, as `next` and `alert` do.
    """
    element_set = _element_set(elements)
    if std_magnitude is None:
        std = own_std_magnitude(element_set.catalog_number, element_set.name).value
    else:
        std = check_magnitude(std_magnitude, "std_magnitude")
    job = checked_job(
        element_set, start, days, min_elevation_deg, 0.0 if std is None else std, all_passes, max_magnitude
    )
    oem = elements.ephemeris if isinstance(elements, ElementsInUse) else None
    chosen = oem is not None and choose_ephemeris(oem, element_set, job.start)[0]
    burn = (
        None if oem is None or chosen else burn_distrust(oem, Orbit(element_set), element_set.epoch, job.end)
    )
    if oem is not None and burn is not None:
        raise UntrustedElementsError(
            f"the window {job.start:%Y-%m-%d %H:%M}-{job.end:%Y-%m-%d %H:%M} UTC lies past the ephemeris's "
            f"end ({oem.stop:%Y-%m-%d %H:%M} UTC) and after the burn of {burn.time:%Y-%m-%d %H:%M} UTC, "
            f"which the elements (epoch {element_set.epoch:%Y-%m-%d %H:%M} UTC) precede: give a newer "
            "ephemeris file covering the window, or elements from after the burn "
            "(load_ephemeris_file(path, elements=...))"
        )
    return dataclasses.replace(job, std_magnitude=std, ephemeris=oem if chosen else None)


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
    """Return the search holding only the passes the job keeps (the filter `passes` uses).

    With an unknown standard magnitude the magnitudes (searched with 0) are dropped first, as `--sat` does.
    """
    found = search.passes
    if job.std_magnitude is None:
        found = tuple(dataclasses.replace(p, magnitude=None) for p in found)
    return dataclasses.replace(search, passes=tuple(p for p in found if job.keep(p)))
