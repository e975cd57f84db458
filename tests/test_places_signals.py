"""`passes --places` worker processes under real signals: they die with the main process, a dead one
is named, Ctrl-C and SIGTERM stop the run cleanly at a row boundary."""

from __future__ import annotations

import array
import csv
import fcntl
import io
import json
import os
import random
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import isstrack_command
from tests.tle_tools import newest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
FROM = "2026-09-24T12:00:00Z"


@pytest.fixture
def big_run(tmp_path: Path, isolated_env: dict[str, str]) -> list[str]:
    """Return the command of a --places run long enough (about 20 s here) to be signalled mid-way."""
    tle = tmp_path / "iss.tle"
    tle.write_text("\n".join(newest()) + "\n")
    rng = random.Random(5)
    lines = ["name,latitude_deg,longitude_deg"]
    lines += [f"p{i},{rng.uniform(-60, 60):.3f},{rng.uniform(-180, 180):.3f}" for i in range(30000)]
    places = tmp_path / "big.csv"
    places.write_text("\n".join(lines) + "\n")
    command = [*isstrack_command(), "passes", "--places", str(places), "--tle-file", str(tle)]
    # Ten days: the compiled loops do two in about a second, too short for a signal to land mid-run.
    return [*command, "--from", FROM, "--days", "10", "--all", "--workers", "2"]


def children(pid: int) -> list[int]:
    """Return the processes the main thread of `pid` started."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    """Return whether `pid` runs (a zombie left to an init that does not reap counts as dead)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def launch(command: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.Popen[bytes]:
    """Start a run and return it once it wrote its first line (the places are read by then)."""
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
        bufsize=0,
        **kwargs,
    )  # unbuffered: communicate() later reads the pipe itself, past any buffer
    assert proc.stdout is not None
    first = proc.stdout.readline()  # the header
    assert first.startswith((b"place,", b"{")), first  # the CSV header, or a first JSON line
    return proc


def start(
    command: list[str], env: dict[str, str], **kwargs: Any
) -> tuple[subprocess.Popen[bytes], list[int]]:
    """Start a run and return it with its two workers, once they have started sending rows."""
    proc = launch(command, env, **kwargs)
    deadline = time.monotonic() + 30
    while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children(proc.pid)
    assert len(workers) == 2, workers
    return proc, workers


def gone_within(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def kill_all(pids: list[int]) -> None:
    """Clean up after a failing test: the processes this test started, by id."""
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def queued(fd: int) -> int:
    """Return how many bytes wait unread in a pipe."""
    count = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, count)
    return count[0]


def whole_rows(text: bytes) -> list[list[str]]:
    """Return the CSV rows, checking that the output ends with a complete one."""
    assert text == b"" or text.endswith(b"\n"), text[-200:]
    rows = list(csv.reader(io.StringIO(text.decode())))
    assert {len(row) for row in rows} <= {38}, {len(row) for row in rows}
    return rows


def signalled(
    command: list[str], env: dict[str, str], act: Callable[[subprocess.Popen[bytes], list[int]], None]
) -> tuple[int, bytes, list[str]]:
    """Start a run, `act(run, workers)` on it, and return its status, stdout and stderr lines once it
    ended, checking that its workers ended with it."""
    proc, workers = start(command, env)
    try:
        act(proc, workers)
        out, err = proc.communicate(timeout=30)
        assert gone_within(workers, 5), "workers outlived their parent"
    finally:
        kill_all(workers)
    return proc.returncode, out, err.decode().splitlines()


def test_sigkill_to_the_main_process_ends_its_workers_and_the_pipe(
    big_run: list[str], isolated_env: dict[str, str]
) -> None:
    # communicate() returns only at EOF: no worker holds the pipe open any more.
    code, _, _ = signalled(big_run, isolated_env, lambda run, workers: run.kill())
    assert code == -signal.SIGKILL


def test_sigterm_stops_the_pool_and_exits_by_the_signal_at_a_row_boundary(
    big_run: list[str], isolated_env: dict[str, str]
) -> None:
    code, out, err = signalled(big_run, isolated_env, lambda run, workers: run.send_signal(signal.SIGTERM))
    assert code == -signal.SIGTERM
    assert err == ["isstrack: error: terminated (SIGTERM); the output ends at the last complete row"]
    whole_rows(out)


def in_session(session: int) -> list[int]:
    """Return the live processes of a session (a run started with start_new_session has its own)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


TERMINATED = "isstrack: error: terminated (SIGTERM); the output ends at the last complete row"


def sigterm_at(command: list[str], env: dict[str, str], moment: str) -> None:
    """Start a run, send it SIGTERM at `moment`, and check it ends as SIGTERM says with whole rows."""
    # In a session of its own: its workers are then found by session, even those forked late.
    proc = launch(command, env, start_new_session=True)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        if moment == "first worker forked":  # the parent is forking: the window of the old race
            while not children(proc.pid) and time.monotonic() < deadline:
                pass
        elif moment == "workers started":
            while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.002)
        head = b""
        while moment == "mid-run" and len(head) < 200_000:  # rows are coming: chunks are done
            piece = proc.stdout.read(65536)
            assert piece, "the run ended before it was signalled"
            head += piece
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"SIGTERM {moment}: the run did not end within 30 s")
        assert (proc.returncode, err.decode().splitlines()) == (-signal.SIGTERM, [TERMINATED]), moment
        whole_rows(head + out)
        assert gone_within(in_session(proc.pid), 5), f"SIGTERM {moment}: workers outlived the run"
    finally:
        kill_all(in_session(proc.pid))


def test_sigterm_at_any_moment_ends_with_one_line_whole_rows_and_no_worker(
    big_run: list[str], isolated_env: dict[str, str]
) -> None:
    # A SIGTERM while the workers were being forked was dropped in the parent (the run went on to its
    # end) or hit a worker not yet set up (a multiprocessing traceback): a race, so many tries.
    moments = ["after the header", "first worker forked", "workers started", "mid-run"]
    budget = time.monotonic() + 15
    tries = 0
    while tries < 8 or (time.monotonic() < budget and tries < 60):
        sigterm_at(big_run, isolated_env, moments[tries % len(moments)])
        tries += 1


def test_a_worker_killed_by_sigkill_is_named_with_status_6(
    big_run: list[str], isolated_env: dict[str, str]
) -> None:
    # As the out-of-memory killer does.
    code, out, err = signalled(
        big_run, isolated_env, lambda run, workers: os.kill(workers[0], signal.SIGKILL)
    )
    assert code == 6, err
    assert err == [
        "isstrack: error: a worker process died (signal 9, SIGKILL: out of memory?); the output ends "
        "at the last complete row; rerun with fewer --workers or fewer places per run"
    ]
    whole_rows(out)


def test_the_parent_watch_ends_a_worker_without_prctl(tmp_path: Path) -> None:
    # The fallback where PR_SET_PDEATHSIG is not available: only the watching thread is started.
    script = """
import os, sys, time
from isstrack.batch.workers import watch_parent
parent = os.getpid()
child = os.fork()
if child == 0:
    watch_parent(parent, 0.05)
    time.sleep(60)
    os._exit(0)
print(child, flush=True)
time.sleep(60)
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    try:
        assert alive(child)
        proc.kill()
        proc.wait(timeout=10)
        assert gone_within([child], 3)
    finally:
        kill_all([child])


@pytest.mark.parametrize("output", [[], ["--json"]])
def test_ctrl_c_with_a_slow_reader_ends_at_a_whole_row_with_one_line(
    big_run: list[str], isolated_env: dict[str, str], output: list[str]
) -> None:
    # As a terminal does: SIGINT to the whole process group, while stdout (`| less`) is not read.
    proc, workers = start([*big_run, *output], isolated_env, start_new_session=True)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        sizes = [-1]
        while sizes[-3:] != [sizes[-1]] * 3 or sizes[-1] < 30000:  # the pipe is full: the main process
            assert time.monotonic() < deadline  # blocks writing, the workers wait
            time.sleep(0.2)
            sizes.append(queued(proc.stdout.fileno()))
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert err.decode().splitlines() == ["isstrack: error: interrupted"]
        assert proc.returncode == 130
        assert len(out) > 10000
        if output:
            assert out.endswith(b"\n") and all(json.loads(line) for line in out.splitlines())
        else:
            whole_rows(out)
        assert gone_within(workers, 5)
    finally:
        kill_all(workers)


def test_workers_are_capped_by_the_cpus_with_a_warning(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    tle = tmp_path / "iss.tle"
    tle.write_text("\n".join(newest()) + "\n")
    places = tmp_path / "p.csv"
    places.write_text(
        "latitude_deg,longitude_deg\n" + "".join(f"{i - 40},{i * 4 - 160}\n" for i in range(80))
    )
    command = [*isstrack_command(), "passes", "--places", str(places), "--tle-file", str(tle), "--from", FROM]
    one_cpu = {min(os.sched_getaffinity(0))}
    runs = [
        subprocess.run(
            [*command, "--workers", workers],
            capture_output=True,
            env={**os.environ, **isolated_env},
            timeout=120,
            preexec_fn=lambda: os.sched_setaffinity(0, one_cpu),  # as `taskset -c N` does
        )
        for workers in ("64", "1")
    ]
    assert [run.returncode for run in runs] == [0, 0]
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.count(b"\n") > 10
    assert runs[0].stderr.decode().splitlines()[0] == (
        "isstrack: warning: --workers 64 is more than the 1 CPU(s) this process may use; using 1"
    )
    assert b"--workers" not in runs[1].stderr
