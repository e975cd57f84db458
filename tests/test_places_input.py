"""`--places` input that could hang: FIFOs are refused, standard input has an idle deadline."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import isstrack_command

FROM = "2026-09-24T12:00:00Z"


def _command(places: str, tle_file: str) -> list[str]:
    return [
        *isstrack_command(),
        "passes",
        "--offline",
        "--places",
        places,
        "--from",
        FROM,
        "--days",
        "1",
        "--tle-file",
        tle_file,
    ]


def _env(isolated_env: dict[str, str], timeout_s: str = "1") -> dict[str, str]:
    return {**os.environ, **isolated_env, "ISSTRACK_HTTP_TIMEOUT": timeout_s}


def test_a_fifo_without_a_writer_is_refused(
    tmp_path: Path, tle_file: str, isolated_env: dict[str, str]
) -> None:
    fifo = tmp_path / "pf"
    os.mkfifo(fifo)
    done = subprocess.run(
        _command(str(fifo), tle_file),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env=_env(isolated_env),
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "not a regular file" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_fifo_whose_writer_never_writes_is_refused(
    tmp_path: Path, tle_file: str, isolated_env: dict[str, str]
) -> None:
    fifo = tmp_path / "pf"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR)  # holds the FIFO open for writing, and never writes
    try:
        done = subprocess.run(
            _command(str(fifo), tle_file),
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            env=_env(isolated_env),
        )
    finally:
        os.close(writer)
    assert done.returncode == 2 and done.stdout == ""
    assert "not a regular file" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("sent", [b"", b"name,lat,lon\na,51.5,-0.1\n"])
def test_standard_input_that_goes_quiet_times_out(
    sent: bytes, tle_file: str, isolated_env: dict[str, str]
) -> None:
    proc = subprocess.Popen(
        _command("-", tle_file),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(isolated_env),
    )
    assert proc.stdin is not None
    proc.stdin.write(sent)
    proc.stdin.flush()  # then the pipe stays open and silent
    try:
        proc.wait(timeout=60)  # stdin still open: only the idle deadline can end it
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 2 and out == b""
    assert b"standard input sent nothing for 1 s" in err and b"Traceback" not in err


def test_slow_but_steady_standard_input_has_no_total_limit(
    tle_file: str, isolated_env: dict[str, str]
) -> None:
    proc = subprocess.Popen(
        _command("-", tle_file),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(isolated_env, "1"),
    )
    assert proc.stdin is not None
    started = time.monotonic()
    try:
        for line in [b"name,lat,lon\n", *(f"p{i},{10 * i - 40},{i}\n".encode() for i in range(8))]:
            proc.stdin.write(line)
            proc.stdin.flush()
            time.sleep(0.4)  # under the 1 s idle deadline each time, 3.6 s in all
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert time.monotonic() - started > 3
    assert proc.returncode == 0, err
    assert out.startswith(b"place,place_row,")
