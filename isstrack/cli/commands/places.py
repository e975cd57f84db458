"""isstrack passes --places: passes for every place of a CSV file, streamed as CSV or JSON Lines."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from isstrack.cli.commands.common import (
    Reporter,
    check_days,
    check_min_elevation,
    check_std_mag,
    moment,
)
from isstrack.cli.commands.satellite import load_followed
from isstrack.elements.sources import timeout_from_env
from isstrack.errors import BadInputError, Terminated, check_range
from isstrack.io.wholelines import write_whole_lines
from isstrack.render.console import make_console
from isstrack.render.jsonout import json_text_for

Places = Annotated[
    Path | None,
    typer.Option(
        "--places",
        metavar="FILE",
        help="Passes for every place of a CSV file (columns latitude_deg,longitude_deg[,name,elevation_m]).",
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers", metavar="N", help="With --places: worker processes (default: the CPUs available)."
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="With --places: run on this Dask distributed scheduler (needs isstrack[dask]).",
    ),
]
MAX_WORKERS = 256


def reject_place_options(**given: bool) -> None:
    """Reject options for one place when --places gives many."""
    named = [name for name, on in given.items() if on]
    if named:
        raise BadInputError(f"{', '.join(named)} cannot be used with --places; the file gives the places")


def places_window(
    from_: str | None, days: int, min_elevation_deg: float, std_magnitude: float | None, workers: int | None
) -> tuple[datetime, datetime]:
    """Check the options every many-place search takes, and return its window [start, end)."""
    check_days(days)
    check_min_elevation(min_elevation_deg)
    check_std_mag(std_magnitude)
    if workers is not None:
        check_range("--workers", workers, 1, MAX_WORKERS, "; give a number of processes", dashed=True)
    start = moment(from_, "--from", timedelta(days=days), margin=timedelta(hours=1))
    return start, start + timedelta(days=days)


def worker_count(workers: int | None, reporter: Reporter) -> int:
    """Return the processes to run: --workers, at most the CPUs this process may use (default: all)."""
    cpus = _cpus()
    if workers is not None and workers > cpus:
        # More processes than CPUs only adds memory (about 100 MB each) and switching, not speed.
        reporter.warn(
            f"--workers {workers} is more than the {cpus} CPU(s) this process may use; using {cpus}"
        )
    return min(workers or cpus, cpus)


def passes_for_places(
    places: Path,
    *,
    from_: str | None,
    days: int,
    min_elevation_deg: float,
    all_passes: bool,
    max_magnitude: float | None,
    json: bool,
    std_magnitude: float | None,
    tle_file: Path | None,
    sat: list[str] | None = None,
    std_mag_file: Path | None = None,
    offline: bool,
    quiet: bool,
    verbose: bool,
    workers: int | None,
    scheduler: str | None,
    ephemeris: Path | None = None,
) -> None:
    """Validate everything, read the places, then stream their passes to stdout in input order."""
    if scheduler is not None and workers is not None:
        raise BadInputError("--workers and --scheduler cannot be used together; the cluster has its workers")
    start, end = places_window(from_, days, min_elevation_deg, std_magnitude, workers)

    from isstrack.batch.placefile import read_places
    from isstrack.batch.runner import PassJob, run_local
    from isstrack.render.multi import chunk_csv, chunk_jsonl, csv_header

    table = read_places(places, stdin_idle_s=timeout_from_env())
    reporter = Reporter(quiet, verbose)
    processes = worker_count(workers, reporter)
    (follow,) = load_followed(
        reporter,
        offline,
        tle_file,
        start,
        sat,
        std_mag=std_magnitude,
        std_mag_file=std_mag_file,
        ephemeris=ephemeris,
    )
    used = follow.used
    trajectory = used.ephemeris if used.ephemeris_used else None
    elements, std = used.elements, follow.std.value
    job = PassJob(elements, start, end, min_elevation_deg, std, all_passes, max_magnitude, trajectory)
    write = chunk_jsonl if json else chunk_csv
    with _terminated_on_sigterm():
        if scheduler is not None:
            from isstrack.batch.cluster import run_on_cluster

            results: Generator[tuple[int, str], None, None] = run_on_cluster(
                scheduler, job, table, write, wait_s=timeout_from_env()
            )
        else:
            results = run_local(job, table, write, processes)
        out = sys.stdout
        if not json:
            write_whole_lines(csv_header(), out)
        with closing(results), progress(len(table)) as advance:  # closing: the pool stops here, always
            for count, text in results:
                # Made in a worker: JSON is fitted to this stdout here. Rows are never cut by Ctrl-C.
                write_whole_lines(json_text_for(text, out) if json else text, out)
                advance(count)


@contextmanager
def _terminated_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into Terminated while the pool runs, so its workers are stopped before exiting."""

    def stop(number: int, frame: object) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def progress(total: int) -> Iterator[Callable[[int], None]]:
    """Yield a function to advance a Rich progress bar on stderr when it is a terminal; else a no-op."""
    if not sys.stderr.isatty():
        yield lambda count: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = ("places", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=make_console(sys.stderr), transient=True) as bar:
        task = bar.add_task("places", total=total)
        yield lambda count: bar.advance(task, count)


def _cpus() -> int:
    """Return the CPUs this process may run on (its affinity where the OS tells, else the count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
