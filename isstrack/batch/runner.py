"""Find passes for many places: chunks of places through the engine, in worker processes, in order."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from isstrack.batch.placefile import PlaceChunk, PlaceTable
from isstrack.batch.workers import worker_pool
from isstrack.elements.oem import Oem
from isstrack.elements.plausible import require_propagates
from isstrack.elements.tle import ElementSet
from isstrack.errors import BadInputError, TimeInputError
from isstrack.sky.engine import iter_passes_many, use_compiled
from isstrack.sky.nextpass import is_wanted
from isstrack.sky.orbit import Observer, Orbit
from isstrack.sky.passtypes import DEFAULT_STD_MAGNITUDE, Pass, PassSearch
from isstrack.sky.source import orbit_for

# Turns a chunk's kept passes (one list per place) into output text: CSV rows, JSON Lines, ...
# A module-level function, so that worker processes (and Dask) receive it by name.
ChunkWriter = Callable[[PlaceChunk, list[list[Pass]]], str]
MAX_CHUNK_PLACES = 1000
CHUNKS_PER_WORKER = 4  # small enough chunks to balance the load, and to show progress
WINDOW_PER_WORKER = 2  # chunks in flight per worker: bounds memory when stdout is slow


@dataclass(frozen=True)
class PassJob:
    """What to search for every place: the elements, the window and which passes to keep."""

    elements: ElementSet
    start: datetime
    end: datetime
    min_elevation_deg: float
    std_magnitude: float | None = DEFAULT_STD_MAGNITUDE  # None: unknown, magnitudes are left out
    all_passes: bool = False
    max_magnitude: float | None = None
    ephemeris: Oem | None = None  # NASA's trajectory, used wherever it has states

    def keep(self, item: Pass) -> bool:
        """Return whether a pass is reported: visible (or any with all_passes) and bright enough."""
        return is_wanted(item, self.all_passes, self.max_magnitude)


MAX_DAYS = 30.0


def checked_job(
    elements: ElementSet,
    start: datetime,
    days: float,
    min_elevation_deg: float,
    std_magnitude: float,
    all_passes: bool,
    max_magnitude: float | None,
) -> PassJob:
    """Return the search as a PassJob after checking every value the way the command line does."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise TimeInputError(
            f"start={start.isoformat()} has no time zone; give an aware datetime, "
            "e.g. datetime(2026, 9, 24, tzinfo=timezone.utc)"
        )
    if not (math.isfinite(days) and 0 < days <= MAX_DAYS):
        raise BadInputError(f"days={days} is outside (0, {MAX_DAYS:g}]; give the window's length in days")
    if not (math.isfinite(min_elevation_deg) and 0 <= min_elevation_deg < 90):
        raise BadInputError(
            f"min_elevation_deg={min_elevation_deg} is outside [0, 90); give degrees above the horizon"
        )
    if not (math.isfinite(std_magnitude) and -10 <= std_magnitude <= 10):
        raise BadInputError(f"std_magnitude={std_magnitude} is outside [-10, 10]; the ISS's is about -1.8")
    if max_magnitude is not None and not math.isfinite(max_magnitude):
        raise BadInputError(f"max_magnitude={max_magnitude} is not a finite number; give a magnitude")
    end = start + timedelta(days=days)
    require_propagates(elements, start)  # as the command line does; the engine checks the ephemeris
    return PassJob(elements, start, end, min_elevation_deg, std_magnitude, all_passes, max_magnitude)


_ORBITS: dict[tuple[str, str, str], Orbit] = {}


def _orbit(elements: ElementSet, ephemeris: Oem | None = None) -> Orbit:
    key = (elements.line1, elements.line2, "" if ephemeris is None else repr(ephemeris.creation))
    if key not in _ORBITS:
        _ORBITS.clear()
        _ORBITS[key] = orbit_for(elements, ephemeris)
    return _ORBITS[key]


def search_chunk(job: PassJob, chunk: PlaceChunk, compiled: bool | None = None) -> list[PassSearch]:
    """Return one PassSearch per place of the chunk, in order (`compiled`: engine.use_compiled)."""
    observers = [
        Observer(lat, lon, height)
        for lat, lon, height in zip(chunk.latitude_deg, chunk.longitude_deg, chunk.elevation_m, strict=True)
    ]
    # The engine keeps the last propagated track: each process propagates once per job window.
    return list(
        iter_passes_many(
            _orbit(job.elements, job.ephemeris),
            observers,
            job.start,
            job.end,
            job.min_elevation_deg,
            0.0 if job.std_magnitude is None else job.std_magnitude,
            visible_only=not job.all_passes,  # only visible passes are output without --all
            compiled=compiled,
        )
    )


def kept_passes(job: PassJob, chunk: PlaceChunk, compiled: bool | None = None) -> list[list[Pass]]:
    """Search a chunk and return, for each place in order, the passes the job reports."""
    searches = search_chunk(job, chunk, compiled)
    if job.std_magnitude is None:  # unknown brightness: no magnitudes (searched with 0)
        searches = [replace(s, passes=tuple(replace(p, magnitude=None) for p in s.passes)) for s in searches]
    return [[p for p in search.passes if job.keep(p)] for search in searches]


def chunk_text(job: PassJob, chunk: PlaceChunk, write: ChunkWriter, compiled: bool | None = None) -> str:
    """Search a chunk and return its reported passes as `write` formats them."""
    return write(chunk, kept_passes(job, chunk, compiled))


def compiled_for(places: int, workers: int) -> bool:
    """Return whether each of `workers` processes sharing `places` runs the compiled loops."""
    return use_compiled(math.ceil(places / max(1, workers)), None)


def chunk_size(places: int, workers: int) -> int:
    """Return how many places go in one chunk for this many places and workers."""
    return max(1, min(MAX_CHUNK_PLACES, math.ceil(places / (max(1, workers) * CHUNKS_PER_WORKER))))


def chunks(table: PlaceTable, size: int) -> Iterator[PlaceChunk]:
    """Yield the table's places in consecutive chunks of at most `size`."""
    for start in range(0, len(table), size):
        yield table.chunk(start, min(start + size, len(table)))


def in_order(
    submit: Callable[[PlaceChunk], Future[str]], work: Iterator[PlaceChunk], window: int
) -> Iterator[tuple[int, str]]:
    """Yield (places done, text) per chunk in input order, with at most `window` chunks in flight."""
    pending: deque[tuple[int, Future[str]]] = deque()
    for chunk in work:
        pending.append((len(chunk), submit(chunk)))
        if len(pending) >= window:
            count, future = pending.popleft()
            yield count, future.result()
    while pending:
        count, future = pending.popleft()
        yield count, future.result()


def run_local(
    job: PassJob, table: PlaceTable, write: ChunkWriter, workers: int
) -> Generator[tuple[int, str], None, None]:
    """Yield (places done, text) per chunk, in input order, computed by `workers` processes."""
    size = chunk_size(len(table), workers)
    if workers <= 1 or len(table) <= size:
        for chunk in chunks(table, size):
            yield len(chunk), chunk_text(job, chunk, write, compiled_for(len(table), 1))
        return
    # Searching one place first leaves the forked workers the propagated track. Not with the compiled
    # loops: numba would add about 120 MB to this process, which never uses them.
    # The pool stops however this ends: all done, interrupted (Ctrl-C, SIGTERM, closed) or failed.
    with worker_pool(workers, lambda: search_chunk(job, table.chunk(0, 1), False)) as pool:
        compiled = compiled_for(len(table), workers)
        yield from in_order(
            lambda chunk: pool.submit(chunk_text, job, chunk, write, compiled),
            chunks(table, size),
            workers * WINDOW_PER_WORKER,
        )
