"""`passes --places --scheduler` against a real `dask scheduler` (and `dask worker`) that has no workers,
loses them, or goes away mid-run; and addresses Dask cannot parse."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import isstrack_command
from tests.test_places import FROM, random_places, write_places
from tests.tle_tools import newest

pytest.importorskip("distributed")
DASK = shutil.which("dask", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(DASK is None, reason="the dask command is not installed")


def start_scheduler(directory: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start `dask scheduler` on a free loopback port and return it with its address."""
    info = directory / "scheduler.json"
    command = [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
    proc = subprocess.Popen(
        [*command, "--scheduler-file", str(info)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not info.exists() or not info.read_text().strip():
        assert proc.poll() is None and time.monotonic() < deadline, "dask scheduler did not start"
        time.sleep(0.1)
    return proc, str(json.loads(info.read_text())["address"])


def start_worker(address: str) -> subprocess.Popen[bytes]:
    """Start one single-thread `dask worker` without a nanny (killing it kills the worker itself)."""
    return subprocess.Popen(
        [str(DASK), "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)


@pytest.fixture
def scheduler(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    proc, address = start_scheduler(tmp_path)
    try:
        yield proc, address
    finally:
        stop(proc)


@pytest.fixture
def tle_file(tmp_path: Path) -> str:
    path = tmp_path / "iss.tle"
    path.write_text("\n".join(newest()) + "\n")
    return str(path)


@pytest.fixture
def many_places(tmp_path: Path) -> str:
    """A file long enough that a one-thread worker takes a while (about 30 chunks)."""
    rng = random.Random(3)
    lines = ["name,latitude_deg,longitude_deg"]
    lines += [f"p{i},{rng.uniform(-60, 60):.3f},{rng.uniform(-180, 180):.3f}" for i in range(30000)]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def run(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*isstrack_command(), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env, "ISSTRACK_HTTP_TIMEOUT": "3"},
        bufsize=0,
    )


def finish(proc: subprocess.Popen[bytes], timeout_s: float) -> tuple[bytes, bytes]:
    """Return a run's stdout and stderr; a run still going after `timeout_s` is killed and fails."""
    try:
        return proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        stop(proc)
        raise


def one_line(err: bytes) -> str:
    lines = err.decode().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_a_scheduler_without_workers_is_one_line_after_the_wait(
    scheduler: tuple[Any, str], tmp_path: Path, tle_file: str, isolated_env: dict[str, str]
) -> None:
    places = write_places(tmp_path / "p.csv", random_places(9))
    began = time.monotonic()
    args = ["passes", "--places", places, "--tle-file", tle_file, "--from", FROM, "-q"]
    proc = run([*args, "--scheduler", scheduler[1]], isolated_env)
    out, err = finish(proc, 60)
    assert time.monotonic() - began < 30
    assert proc.returncode == 6 and out == b""
    assert one_line(err) == (
        f"isstrack: error: the Dask scheduler at {scheduler[1]} has no workers after 3 s; start some with "
        f"'dask worker {scheduler[1]}' (ISSTRACK_HTTP_TIMEOUT sets the wait)"
    )


def started_run(address: str, places: str, tle_file: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start a long run on the cluster and return it once its first rows came back."""
    args = [
        "passes",
        "--places",
        places,
        "--tle-file",
        tle_file,
        "--from",
        FROM,
        "-q",
        "--days",
        "10",
        "--all",
    ]
    proc = run([*args, "--scheduler", address], env)
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith(b"place,")
    assert proc.stdout.readline().startswith(b"p0,1,")  # the first chunk is done, the rest pending
    return proc


Disturb = Callable[[subprocess.Popen[bytes], subprocess.Popen[bytes]], None]


def disturbed_run(
    address: str, places: str, tle_file: str, env: dict[str, str], disturb: Disturb, timeout_s: float
) -> tuple[int, bytes, bytes]:
    """Run with one worker, `disturb(run, worker)` once rows came back; return the status, stdout, stderr."""
    worker = start_worker(address)
    try:
        proc = started_run(address, places, tle_file, env)
        disturb(proc, worker)
        out, err = finish(proc, timeout_s)
    finally:
        stop(worker)
    return proc.returncode, out, err


def test_the_last_worker_dying_mid_run_is_one_line_and_status_6(
    scheduler: tuple[Any, str], many_places: str, tle_file: str, isolated_env: dict[str, str]
) -> None:
    code, out, err = disturbed_run(
        scheduler[1], many_places, tle_file, isolated_env, lambda run, worker: worker.kill(), 60
    )
    assert code == 6
    assert one_line(err) == (
        f"isstrack: error: the Dask scheduler at {scheduler[1]} has had no workers for 3 s with chunks "
        "pending; the output ends at the last complete row; start workers and rerun"
    )
    assert out == b"" or out.endswith(b"\n")


def test_the_scheduler_lost_mid_run_is_one_line_and_status_6(
    scheduler: tuple[Any, str], many_places: str, tle_file: str, isolated_env: dict[str, str]
) -> None:
    code, out, err = disturbed_run(
        scheduler[1], many_places, tle_file, isolated_env, lambda run, worker: scheduler[0].kill(), 120
    )
    assert code == 6, err
    line = one_line(err)
    assert line.startswith(f"isstrack: error: lost the Dask scheduler at {scheduler[1]} mid-run (")
    assert line.endswith("); the output ends at the last complete row; rerun when it is back")
    assert out == b"" or out.endswith(b"\n")


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("tcp://127.0.0.1:notaport", "invalid literal for int()"),
        ("foo://bar", "unknown address scheme"),
        ("tcp://127.0.0.1:99999", "a host and a port from 1 to 65535 are needed"),
        ("tcp://:8786", "a host and a port from 1 to 65535 are needed"),
    ],
)
def test_a_malformed_address_is_one_line_at_once(
    cli_process: Any, tmp_path: Path, tle_file: str, address: str, says: str
) -> None:
    places = write_places(tmp_path / "p.csv", random_places(9))
    began = time.monotonic()
    result = cli_process(
        "passes", "--places", places, "--tle-file", tle_file, "--from", FROM, "-q", "--scheduler", address
    )
    assert time.monotonic() - began < 8, "a half-built client waited at exit"
    assert result.code == 2 and result.out == ""
    line = one_line(result.err.encode())
    assert line.startswith(f"isstrack: error: --scheduler {address} is not a Dask scheduler address (")
    assert says in line and line.endswith("(start one with 'dask scheduler')")


def test_sigterm_while_waiting_for_a_chunk_leaves_no_client_behind(
    scheduler: tuple[Any, str], many_places: str, tle_file: str, isolated_env: dict[str, str]
) -> None:
    code, out, err = disturbed_run(
        scheduler[1],
        many_places,
        tle_file,
        isolated_env,
        lambda run, worker: run.send_signal(signal.SIGTERM),
        30,
    )
    assert code == -signal.SIGTERM
    assert one_line(err).startswith("isstrack: error: terminated (SIGTERM)")
    assert out.endswith(b"\n")


def test_an_oserror_without_errno_is_an_internal_error_not_exit_1() -> None:
    # Dask's CommClosedError is such an OSError: main() used to re-raise it, and Python exited 1.
    script = (
        "from isstrack.cli.app import app, main\n"
        "@app.command('boom')\n"
        "def boom() -> None:\n"
        "    raise OSError('connection closed')\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, "boom"], capture_output=True, timeout=60)
    assert proc.returncode == 70
    assert one_line(proc.stderr) == (
        "isstrack: error: internal error: OSError: connection closed (rerun with --debug for a traceback, "
        "and please report it)"
    )
