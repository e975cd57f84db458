"""Run a many-place pass search on a Dask cluster, chunk by chunk, streamed back in input order."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from isstrack.batch.placefile import PlaceTable
from isstrack.batch.runner import ChunkWriter, PassJob, chunk_size, chunk_text, chunks, in_order
from isstrack.errors import BadInputError
from isstrack.io.literal import literal

CONNECT_TIMEOUT_S = 10
_INSTALL_HINT = "install it with: pip install 'isstrack[dask]'"


def _client(address: str) -> Any:
    try:
        from distributed import Client as client_class
    except ImportError:
        raise BadInputError(f"--scheduler needs Dask distributed; {_INSTALL_HINT}") from None
    try:
        client: Any = client_class
        return client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, ValueError, TypeError) as error:
        raise BadInputError(
            f"--scheduler {literal(address)}: cannot reach a Dask scheduler ({literal(str(error))}); "
            "give its address, e.g. tcp://127.0.0.1:8786 (start one with 'dask scheduler')"
        ) from None


def run_on_cluster(
    address: str, job: PassJob, table: PlaceTable, write: ChunkWriter
) -> Generator[tuple[int, str], None, None]:
    """Connect now, then yield (places done, text) per chunk in input order, computed on a Dask cluster."""
    return _stream(_client(address), job, table, write)


def _stream(
    client: Any, job: PassJob, table: PlaceTable, write: ChunkWriter
) -> Generator[tuple[int, str], None, None]:
    try:
        threads = max(1, sum(client.nthreads().values()))
        size = chunk_size(len(table), threads)
        yield from in_order(
            lambda chunk: client.submit(chunk_text, job, chunk, write, pure=False),
            chunks(table, size),
            threads * 2,
        )
    finally:
        client.close()
