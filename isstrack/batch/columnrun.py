"""Run the passes of columnar places in worker processes (or on a Dask cluster) and write them in order.

Only the coordinates of a chunk travel to a worker, as three numpy arrays, and only numpy columns
come back (`isstrack.batch.passcolumns`); the places' own columns stay here and are repeated onto
their pass rows as each chunk returns, in file order, with a bounded number of chunks in flight.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future
from functools import partial
from typing import Any

from isstrack.batch.arrowpasses import assemble, pass_schema
from isstrack.batch.cluster import close, connect, submit_watched
from isstrack.batch.columnar import Places
from isstrack.batch.passcolumns import Columns, search_columns
from isstrack.batch.runner import WINDOW_PER_WORKER, PassJob, chunk_size, compiled_for
from isstrack.batch.workers import worker_pool
from isstrack.errors import BadInputError

ROW_COLUMN = "place_row"

Submit = Callable[[PassJob, Any, Any, Any], "Future[Columns]"]


def with_row_numbers(places: Places) -> Places:
    """Return the places with a place_row column (1 = the file's first place) after their own columns."""
    import numpy as np
    import pyarrow as pa

    if ROW_COLUMN in places.table.schema.names:
        raise BadInputError(f"the places have a column {ROW_COLUMN}, which isstrack adds; rename it")
    rows = pa.array(np.arange(1, len(places) + 1, dtype=np.int64))
    return Places(
        places.table.append_column(pa.field(ROW_COLUMN, pa.int64(), nullable=False), rows),
        places.latitude_deg,
        places.longitude_deg,
        places.elevation_m,
        places.format,
    )


def ordered(
    submit: Submit, job: PassJob, places: Places, size: int, window: int
) -> Iterator[tuple[int, Any]]:
    """Yield (places done, record batch of passes) per chunk in file order, `window` chunks in flight."""

    schema = pass_schema(places.table.schema)
    pending: deque[tuple[int, int, Future[Columns]]] = deque()

    def finish() -> tuple[int, Any]:
        start, stop, future = pending.popleft()
        return stop - start, assemble(places.table.slice(start, stop - start), future.result(), schema)

    for start in range(0, len(places), size):
        stop = min(start + size, len(places))
        arrays = (
            places.latitude_deg[start:stop],
            places.longitude_deg[start:stop],
            places.elevation_m[start:stop],
        )
        pending.append((start, stop, submit(job, *arrays)))
        if len(pending) >= window:
            yield finish()
    while pending:
        yield finish()


class _Done(Future[Columns]):
    """A future that is already done: the single-process run computes in place."""

    def __init__(self, value: Columns) -> None:
        super().__init__()
        self.set_result(value)


def run_local(job: PassJob, places: Places, workers: int) -> Generator[tuple[int, Any], None, None]:
    """Yield (places done, record batch) per chunk in file order, computed by `workers` processes."""
    size = chunk_size(len(places), workers)
    if workers <= 1 or len(places) <= size:
        compiled = compiled_for(len(places), 1)
        yield from ordered(
            lambda *a: _Done(partial(search_columns, compiled=compiled)(*a)), job, places, size, 1
        )
        return
    # Searching one place first leaves the forked workers the propagated track. Not with the compiled
    # loops: numba would add about 120 MB to this process, which never uses them.
    first = (places.latitude_deg[:1], places.longitude_deg[:1], places.elevation_m[:1])
    # The pool stops however this ends: all done, interrupted (Ctrl-C, SIGTERM, closed) or failed.
    with worker_pool(workers, lambda: search_columns(job, *first, False)) as pool:
        search = partial(search_columns, compiled=compiled_for(len(places), workers))
        yield from ordered(lambda *a: pool.submit(search, *a), job, places, size, workers * WINDOW_PER_WORKER)


def run_on_cluster(
    address: str, job: PassJob, places: Places, wait_s: float
) -> Generator[tuple[int, Any], None, None]:
    """Connect now (waiting up to `wait_s` for a worker), then yield (places done, record batch) per
    chunk in file order, computed on the Dask cluster.

    Each chunk is a task Dask runs again elsewhere if its worker is lost, so the output stays complete
    and in order; a cluster left with no workers, or none making progress, is an error (`cluster`).
    """
    client, watch = connect(address, wait_s)
    return _on_client(client, watch, job, places)


def _on_client(
    client: Any, watch: Any, job: PassJob, places: Places
) -> Generator[tuple[int, Any], None, None]:
    try:
        threads = max(1, sum(client.nthreads().values()))
        search = partial(search_columns, compiled=compiled_for(len(places), threads))
        # One more chunk in flight per worker than locally: it hides the network round trip of each result.
        yield from ordered(
            lambda *a: submit_watched(client, watch, search, *a),
            job,
            places,
            chunk_size(len(places), threads),
            threads * (WINDOW_PER_WORKER + 1),
        )
    finally:
        close(client)
