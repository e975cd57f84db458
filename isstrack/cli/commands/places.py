"""isstrack passes --places: passes for every place of a file, streamed as CSV or JSON Lines, or to --out."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
from isstrack.io.infile import is_stdin
from isstrack.io.wholelines import write_whole_lines
from isstrack.render.console import make_console
from isstrack.render.jsonout import json_text_for

if TYPE_CHECKING:
    from isstrack.batch.placefile import PlaceTable
    from isstrack.batch.runner import PassJob

Places = Annotated[
    Path | None,
    typer.Option(
        "--places",
        metavar="FILE",
        help=(
            "Passes for every place of a file: CSV (columns latitude_deg,longitude_deg[,name,elevation_m]), "
            "Parquet, GeoParquet or Arrow (told by content; needs isstrack[arrow])."
        ),
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
SchedulerFile = Annotated[
    Path | None,
    typer.Option(
        "--scheduler-file",
        metavar="FILE",
        help="With --places: run on the Dask scheduler this file names (dask scheduler --scheduler-file).",
    ),
]
Out = Annotated[
    Path | None,
    typer.Option(
        "--out",
        metavar="FILE",
        help=(
            "With --places: write one typed row per pass to FILE.parquet, .arrow, .arrows, .csv or .jsonl "
            "(needs isstrack[arrow]), keeping the places' own columns."
        ),
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
    scheduler_file: Path | None = None,
    out: Path | None = None,
) -> None:
    """Validate everything, read the places, then stream their passes to stdout (or --out) in input order."""
    from isstrack.batch.scheduler import ENV_ADDRESS, scheduler_address

    address = scheduler_address(scheduler, scheduler_file)
    how = "--scheduler" if scheduler else "--scheduler-file" if scheduler_file else ENV_ADDRESS
    if address is not None and workers is not None:
        raise BadInputError(f"--workers and {how} cannot be used together; the cluster has its workers")
    if out is not None and json:
        raise BadInputError("--json and --out cannot be used together; --out's file name gives its format")
    start, end = places_window(from_, days, min_elevation_deg, std_magnitude, workers)

    from isstrack.batch.runner import PassJob, run_local
    from isstrack.render.multi import chunk_csv, chunk_jsonl, csv_header

    # Every place is read and checked before the elements are loaded or anything is written.
    table = read_place_table(places, timeout_from_env()) if out is None else None
    columnar = check_out(places, out) if out is not None else None
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
    if out is not None and columnar is not None:
        with _terminated_on_sigterm():
            passes_to_file(columnar, out, job, workers=processes, address=address)
        return
    assert table is not None
    write = chunk_jsonl if json else chunk_csv
    with _terminated_on_sigterm():
        if address is not None:
            from isstrack.batch.cluster import run_on_cluster

            results: Generator[tuple[int, str], None, None] = run_on_cluster(
                address, job, table, write, wait_s=timeout_from_env()
            )
        else:
            results = run_local(job, table, write, processes)
        stream = sys.stdout
        if not json:
            write_whole_lines(csv_header(), stream)
        with closing(results), progress(len(table)) as advance:  # closing: the pool stops here, always
            for count, text in results:
                # Made in a worker: JSON is fitted to this stdout here. Rows are never cut by Ctrl-C.
                write_whole_lines(json_text_for(text, stream) if json else text, stream)
                advance(count)


def read_place_table(places: Path, stdin_idle_s: float) -> PlaceTable:
    """Read the places: a CSV as ever, a Parquet or Arrow file (told by its first bytes) as columns."""
    from isstrack.batch.columnar import HEAD_BYTES, not_places_error, place_table, read_place_file, sniff
    from isstrack.batch.placefile import read_places

    if not is_stdin(places) and places.is_file():  # never open a FIFO here: it could block
        try:
            with places.open("rb") as handle:
                head = handle.read(HEAD_BYTES)
        except OSError:
            head = b""  # read_places says what is wrong with the path
        if b"\x00" in head and sniff(head) == "binary":  # text that is not UTF-8 gets a line number below
            raise not_places_error(str(places), head)
        if sniff(head) in ("parquet", "arrow", "arrow-stream"):
            return place_table(read_place_file(places, stdin_idle_s))
    return read_places(places, stdin_idle_s=stdin_idle_s)


def check_out(places: Path, out: Path) -> tuple[Any, Any]:
    """Check --out and read the places for it: return (places with place_row, output schema)."""
    from isstrack.batch.arrowpasses import pass_schema
    from isstrack.batch.columnar import read_place_file, require_pyarrow
    from isstrack.batch.columnrun import with_row_numbers
    from isstrack.batch.passout import check_schema, out_format
    from isstrack.io.outfile import check_output

    require_pyarrow(f"--out {out.name}")
    fmt = out_format(out)
    check_output(out, "--out")
    table = with_row_numbers(read_place_file(places, stdin_idle_s=timeout_from_env()))
    schema = pass_schema(table.table.schema, "--places")
    check_schema(schema, fmt)
    return table, schema


def passes_to_file(
    columnar: tuple[Any, Any], out: Path, job: PassJob, *, workers: int, address: str | None
) -> None:
    """Write the places' passes to `out` (atomically) in file order, locally or on a Dask cluster."""
    from isstrack.batch.columnrun import run_local, run_on_cluster
    from isstrack.batch.passout import pass_output

    table, schema = columnar
    if address is not None:
        results = run_on_cluster(address, job, table, wait_s=timeout_from_env())
    else:
        results = run_local(job, table, workers)
    with closing(results), progress(len(table)) as advance, pass_output(out, schema) as writer:
        for count, batch in results:
            writer.write(batch)
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
