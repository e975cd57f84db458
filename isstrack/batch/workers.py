"""Worker processes for the many-place runner: they die with their parent, ignore Ctrl-C, start with
SIGINT and SIGTERM held so that a stop request never meets a half-started one, and a dead one is
reported with how it died."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from isstrack.errors import WorkerLostError

PARENT_POLL_S = 0.5  # the fallback watch: how soon an orphaned worker notices (no prctl)
STOP_S = 5.0  # how long stopped workers get to end before they are killed
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
T = TypeVar("T")


class WorkerPool:
    """A process pool whose workers are forked with SIGINT and SIGTERM held (see `stops_held`)."""

    def __init__(self, pool: ProcessPoolExecutor, seen: list[BaseProcess]) -> None:
        self.pool = pool
        self.seen = seen

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Queue `fn(*args)` for a worker (forking the workers on the first call) and return its future."""
        with stops_held():
            future = self.pool.submit(fn, *args)
            seen_processes(self.pool, self.seen)
        return future


@contextlib.contextmanager
def worker_pool(workers: int, warm: Callable[[], object] | None = None) -> Generator[WorkerPool, None, None]:
    """Yield a pool of `workers` processes (see `start_pool`), and stop it however the block ends: let
    the workers exit when it ran to its end, else end them; a dead worker raises WorkerLostError."""
    pool, seen = start_pool(workers, warm)
    finished = False
    try:
        yield WorkerPool(pool, seen)
        finished = True
    except BrokenProcessPool:
        raise worker_lost(seen) from None
    finally:
        stop_pool(pool, seen, finished)


@contextlib.contextmanager
def stops_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM in this process until the block ends, then let the first one caught act.

    Forking runs Python code in the parent (the at-fork hooks of logging and others), and an exception a
    handler raises there is printed as ignored and dropped: the run would go on as if never stopped. A
    child forked meanwhile starts with both blocked, so it cannot die half-started with a traceback;
    `worker_start` unblocks them once its own dispositions are set.
    """
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous: dict[signal.Signals, Any] = {}
    # Both calls below run pending handlers, which may raise: the mask is read first, changed inside.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    try:
        # Blocked in this thread (and so in a forked child); the handler catches what another thread gets.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        for number in STOP_SIGNALS:
            previous[number] = signal.signal(number, lambda n, frame: caught.append(n))
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        _restore(previous)  # signal.signal runs pending handlers (still the catching one) before it sets
        if caught:
            signal.raise_signal(caught[0])  # its own handler acts now: Terminated, KeyboardInterrupt


def start_pool(
    workers: int, warm: Callable[[], object] | None = None
) -> tuple[ProcessPoolExecutor, list[BaseProcess]]:
    """Return a pool of `workers` processes that die with this one, and the list its processes go in.

    `warm` runs here first: what it loads or computes (the propagated track, the compiled loops) is
    then inherited by every forked worker instead of being redone in each.
    """
    methods = multiprocessing.get_all_start_methods()
    if warm is not None and "fork" in methods:
        warm()
    shed_freed_memory()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=worker_start, initargs=(os.getpid(),)
    )
    return pool, []


def shed_freed_memory() -> None:
    """Give freed heap pages back to the system before forking: each worker would otherwise hold (and
    count in its resident size) the parent's freed buffers, such as those left from reading the places."""
    import gc

    gc.collect()
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            libc.malloc_trim(0)
        except (OSError, AttributeError):
            pass  # not glibc: the pages stay mapped, which costs memory, not correctness


def seen_processes(pool: ProcessPoolExecutor, seen: list[BaseProcess]) -> None:
    """Add the pool's processes not yet in `seen` (they are started by submit, and forgotten at shutdown)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process not in seen:
            seen.append(process)


def _restore(handlers: dict[signal.Signals, Any]) -> None:
    """Put the signal handlers back, all of them even when a restored one already acts on a new signal."""
    try:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    finally:
        for number, handler in handlers.items():
            if signal.getsignal(number) is not handler:
                signal.signal(number, handler)


def worker_start(parent_pid: int) -> None:
    """Set a worker up: Ctrl-C is the parent's to handle, and the worker ends when the parent does."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal sends it to every process of the group
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a handler inherited from the parent by fork
    # Held since the fork (stops_held): a SIGTERM sent meanwhile ends this process now, quietly.
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    _die_with_parent()
    watch_parent(parent_pid, PARENT_POLL_S)
    one_blas_thread()


def one_blas_thread() -> None:
    """Keep this process's BLAS to one thread: the workers already use every core, and the screen's
    small float32 products run 5-10 times slower when each process's BLAS threads compete for them."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (nothing elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # the parent watch below still ends the worker, a little later


def watch_parent(parent_pid: int, interval_s: float) -> None:
    """End this process when its parent is gone: at once if it already is, else from a watching thread."""
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval_s)
        os._exit(1)  # reparented: nobody will read what this worker computes

    threading.Thread(target=watch, name="isstrack-parent-watch", daemon=True).start()


def stop_pool(pool: ProcessPoolExecutor, seen: list[BaseProcess], finished: bool) -> None:
    """Shut the pool down: when finished, let the workers exit; else drop queued work and end them now.

    Either way within STOP_S, then any worker left is killed: nothing here waits without a deadline,
    and a stop request arriving meanwhile acts once the workers are gone.
    """
    with stops_held():
        pool.shutdown(wait=False, cancel_futures=not finished)
        if not finished:
            for process in seen:
                if process.exitcode is None:
                    process.terminate()  # a chunk in progress would only be thrown away
        deadline = time.monotonic() + STOP_S
        for process in seen:
            process.join(timeout=max(0.0, deadline - time.monotonic()))
        for process in seen:
            if process.exitcode is None:
                process.kill()  # stuck (it never reached worker_start, say): it must not outlive the run
                process.join(timeout=1)


def worker_lost(seen: list[BaseProcess]) -> WorkerLostError:
    """Return the error for a pool whose worker died, saying how the first one that failed ended."""
    deadline = time.monotonic() + 2
    codes: list[int] = []
    while time.monotonic() < deadline:
        # The pool's own thread reaps the dead worker and then ends the others with SIGTERM.
        codes = [p.exitcode for p in seen if p.exitcode not in (None, 0, -signal.SIGTERM)]
        if codes:
            break
        time.sleep(0.05)
    codes = codes or [p.exitcode for p in seen if p.exitcode not in (None, 0)]
    return WorkerLostError(
        f"a worker process died ({how_it_ended(codes[0] if codes else None)}); the output ends at the "
        "last complete row; rerun with fewer --workers or fewer places per run"
    )


def how_it_ended(exitcode: int | None) -> str:
    """Return how a process ended, from its multiprocessing exit code (negative: the signal)."""
    if exitcode is None:
        return "how is not known"
    if exitcode >= 0:
        return f"exit status {exitcode}"
    number = -exitcode
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = "unknown"
    why = ": out of memory?" if number == signal.SIGKILL else ""
    return f"signal {number}, {name}{why}"
