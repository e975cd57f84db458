"""Run a many-place pass search on a Dask cluster, chunk by chunk, streamed back in input order."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import CancelledError
from typing import Any, TypeVar

from isstrack.batch.placefile import PlaceChunk, PlaceTable
from isstrack.batch.runner import ChunkWriter, PassJob, chunk_size, chunk_text, chunks, in_order
from isstrack.errors import BadInputError, WorkerLostError
from isstrack.io.literal import literal

CONNECT_TIMEOUT_S = 10
CLOSE_TIMEOUT_S = 2  # closing a client whose scheduler is gone waits this long, not Dask's 20 s
POLL_S = 0.5  # how often a wait for a chunk looks at the cluster
PROGRESS_DEADLINE_S = 600  # no chunk done in this long, with workers: the cluster is stuck
_INSTALL_HINT = "install it with: pip install 'isstrack[dask]'"
_EXAMPLE = "give its address, e.g. tcp://127.0.0.1:8786 (start one with 'dask scheduler')"
_HOST_SCHEMES = ("tcp", "tls", "ws", "wss")
# glibc's mallopt parameters (<malloc.h>) and the thresholds its adaptive heap reaches by itself on
# 64-bit, which a Dask nanny's MALLOC_TRIM_THRESHOLD_ switches off (see roomy_heap).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
GLIBC_MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024
GLIBC_TRIM_THRESHOLD_BYTES = 2 * GLIBC_MMAP_THRESHOLD_BYTES
_GLIBC_STATIC_BYTES = 128 * 1024  # either threshold while the other is fixed by the environment
_HEAP_ENV = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_")
_T = TypeVar("_T")


def _client(address: str) -> Any:
    try:
        from distributed import Client as client_class
    except ImportError:
        raise BadInputError(f"--scheduler needs Dask distributed; {_INSTALL_HINT}") from None
    # Dask logs each lost connection with a traceback; isstrack says what happened in one line.
    for name in ["distributed", *logging.root.manager.loggerDict]:
        if name.split(".")[0] == "distributed":  # Dask's configuration gives some their own level
            logging.getLogger(name).setLevel(logging.CRITICAL)
    check_address(address)
    try:
        client: Any = client_class
        return client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, ValueError, TypeError) as error:
        raise BadInputError(
            f"--scheduler {literal(address)}: cannot reach a Dask scheduler ({literal(str(error))}); "
            + _EXAMPLE
        ) from None


def check_address(address: str) -> None:
    """Reject a scheduler address Dask cannot parse, before a client is half built from it.

    (Dask's Client fails on such an address after starting its event loop, and the half-built client
    then waits 20 s at exit and prints a traceback.)
    """
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
        if scheme in _HOST_SCHEMES:
            host, port = parse_host_port(location, default_port=8786)
            if not host or not 0 < int(port) < 65536:
                raise ValueError("a host and a port from 1 to 65535 are needed")
    except (ValueError, TypeError) as error:
        raise BadInputError(
            f"--scheduler {literal(address)} is not a Dask scheduler address ({literal(str(error))}); "
            + _EXAMPLE
        ) from None


def run_on_cluster(
    address: str, job: PassJob, table: PlaceTable, write: ChunkWriter, wait_s: float
) -> Generator[tuple[int, str], None, None]:
    """Connect and wait up to `wait_s` for a worker now, then yield (places done, text) per chunk in
    input order, computed on a Dask cluster."""
    client, watch = connect(address, wait_s)
    return _stream(client, watch, job, table, write)


def connect(address: str, wait_s: float) -> tuple[Any, _Watch]:
    """Return a client of the scheduler at `address`, once it has a worker (waiting up to `wait_s`),
    and the watch that waits for its results."""
    client = _client(address)
    try:
        client.wait_for_workers(1, timeout=wait_s)
    except (TimeoutError, OSError):
        close(client)
        raise WorkerLostError(
            f"the Dask scheduler at {literal(address)} has no workers after {wait_s:g} s; start some with "
            f"'dask worker {literal(address)}' (ISSTRACK_HTTP_TIMEOUT sets the wait)"
        ) from None
    return client, _Watch(client, address, wait_s)


def _stream(
    client: Any, watch: _Watch, job: PassJob, table: PlaceTable, write: ChunkWriter
) -> Generator[tuple[int, str], None, None]:
    try:
        threads = max(1, sum(client.nthreads().values()))
        size = chunk_size(len(table), threads)

        def submit(chunk: PlaceChunk) -> Any:
            return submit_watched(client, watch, chunk_text, job, chunk, write)

        yield from in_order(submit, chunks(table, size), threads * 2)
    finally:
        close(client)


def submit_watched(client: Any, watch: _Watch, function: Callable[..., Any], *args: Any) -> Any:
    """Submit `function(*args)` as one task run through `on_worker`; return its watched future."""
    return watched(watch, client.submit(on_worker, function, *args, pure=False))


def on_worker(function: Callable[..., _T], *args: Any) -> _T:
    """Return `function(*args)`, computed in a Dask worker with the C heap glibc would give it."""
    with roomy_heap():
        return function(*args)


_heap_lock = threading.Lock()
_heap_users = 0


@contextlib.contextmanager
def roomy_heap() -> Iterator[None]:
    """Let glibc keep freed memory for reuse while this runs, where the environment has stopped it.

    A Dask nanny starts its workers with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's mmap
    threshold at 128 KiB: every array the engine makes is then mapped fresh and zeroed page by page
    (measured on a 1,000-place chunk: 15 times the page faults, 1.5 to 1.8 times the CPU). The
    thresholds glibc would have reached are set while the search runs, and the environment's put back
    when the last search in the process ends, so the worker returns memory to the system as before.
    """
    global _heap_users
    restore = _heap_restore()
    libc = _libc() if restore else None
    if libc is None or restore is None:
        yield
        return
    with _heap_lock:
        _heap_users += 1
        if _heap_users == 1:
            libc.mallopt(_M_MMAP_THRESHOLD, GLIBC_MMAP_THRESHOLD_BYTES)
            libc.mallopt(_M_TRIM_THRESHOLD, GLIBC_TRIM_THRESHOLD_BYTES)
    try:
        yield
    finally:
        with _heap_lock:
            _heap_users -= 1
            if _heap_users == 0:
                libc.mallopt(_M_MMAP_THRESHOLD, restore[1])
                libc.mallopt(_M_TRIM_THRESHOLD, restore[0])


def _heap_restore() -> tuple[int, int] | None:
    """Return the (trim, mmap) thresholds the environment fixes, or None when glibc adapts them itself."""
    values = [os.environ.get(name, "").strip() for name in _HEAP_ENV]
    if not any(values) or not all(v.isdigit() for v in values if v):
        return None  # no fixed thresholds (glibc adapts them), or values glibc would ignore too
    trim, mmap = values
    # With one of them fixed, glibc keeps the other at its static default.
    return int(trim or _GLIBC_STATIC_BYTES), int(mmap or _GLIBC_STATIC_BYTES)


@functools.cache
def _libc() -> Any:
    """Return the C library if it has glibc's mallopt, else None."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    # Only glibc has gnu_get_libc_version; another C library's mallopt takes other parameters.
    if not hasattr(libc, "gnu_get_libc_version") or not hasattr(libc, "mallopt"):
        return None
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return libc


def close(client: Any) -> None:
    """Close a client without waiting long for a scheduler that may be gone."""
    with contextlib.suppress(Exception):  # the scheduler may be gone: nothing left to tidy up there
        client.close(timeout=CLOSE_TIMEOUT_S)


class _Watch:
    """Wait for chunks while the cluster can still compute them: a worker is there, progress is made."""

    def __init__(self, client: Any, address: str, wait_s: float) -> None:
        self.client = client
        self.address = literal(address)
        self.wait_s = wait_s
        self.progress = time.monotonic()

    def result(self, future: Any) -> Any:
        """Return a chunk's result, or raise WorkerLostError when the cluster cannot give it any more."""
        # Wait for the future to finish, then take its result without a timeout: polling result(timeout=)
        # once failed with UnboundLocalError from Dask's sync() under load (it keeps only an Exception;
        # the cancellation of a timed-out wait is a BaseException).
        finished = threading.Event()
        future.add_done_callback(lambda _: finished.set())
        no_workers_since: float | None = None
        while True:
            if finished.wait(POLL_S):
                value = self._finished(future)
                self.progress = time.monotonic()
                return value
            now = time.monotonic()
            if self._workers():
                no_workers_since = None
            elif no_workers_since is None:
                no_workers_since = now
            if no_workers_since is not None and now - no_workers_since > self.wait_s:
                raise WorkerLostError(
                    f"the Dask scheduler at {self.address} has had no workers for {self.wait_s:g} s with "
                    "chunks pending; the output ends at the last complete row; start workers and rerun"
                )
            if now - self.progress > PROGRESS_DEADLINE_S:
                raise WorkerLostError(
                    f"no chunk finished on the Dask cluster at {self.address} in {PROGRESS_DEADLINE_S} s; "
                    "the output ends at the last complete row"
                )

    def _finished(self, future: Any) -> Any:
        from distributed.scheduler import KilledWorker

        try:
            return future.result()
        except (OSError, CancelledError) as error:
            raise WorkerLostError(
                f"lost the Dask scheduler at {self.address} mid-run ({type(error).__name__}); "
                "the output ends at the last complete row; rerun when it is back"
            ) from None
        except KilledWorker:
            raise WorkerLostError(
                "Dask workers died computing a chunk (out of memory?); the output ends at the last "
                "complete row; rerun with fewer places or workers with more memory"
            ) from None

    def _workers(self) -> int:
        try:
            return len(self.client.nthreads())
        except (OSError, CancelledError, TimeoutError):
            return 0


class _Watched:
    """A Dask future whose result() waits through the watch."""

    def __init__(self, watch: _Watch, future: Any) -> None:
        self.watch = watch
        self.future = future

    def result(self) -> Any:
        """Return the chunk's result (see _Watch.result)."""
        return self.watch.result(self.future)


def watched(watch: _Watch, future: Any) -> Any:
    """Return a Dask future whose result() waits for it through `watch`."""
    return _Watched(watch, future)
