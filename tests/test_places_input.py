"""`--places` input that could hang: FIFOs are refused, standard input has an idle deadline."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

FROM = "2026-09-24T12:00:00Z"
QUICK_TIMEOUT = {"ISSTRACK_HTTP_TIMEOUT": "1"}


def _args(places: str, tle_file: str) -> list[str]:
    return ["passes", "--offline", "--places", places, "--from", FROM, "--days", "1", "--tle-file", tle_file]


def test_a_fifo_without_a_writer_is_refused(cli: Any, tmp_path: Path, tle_file: str) -> None:
    fifo = tmp_path / "pf"
    os.mkfifo(fifo)
    done = cli(*_args(str(fifo), tle_file), env=QUICK_TIMEOUT, timeout=60)
    assert done.code == 2 and done.out == ""
    assert "not a regular file" in done.err and "Traceback" not in done.err
    assert len(done.err.strip().splitlines()) == 1


def test_a_fifo_whose_writer_never_writes_is_refused(cli: Any, tmp_path: Path, tle_file: str) -> None:
    fifo = tmp_path / "pf"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR)  # holds the FIFO open for writing, and never writes
    try:
        done = cli(*_args(str(fifo), tle_file), env=QUICK_TIMEOUT, timeout=60)
    finally:
        os.close(writer)
    assert done.code == 2 and done.out == ""
    assert "not a regular file" in done.err and "Traceback" not in done.err


@pytest.mark.parametrize("sent", [b"", b"name,lat,lon\na,51.5,-0.1\n"])
def test_standard_input_that_goes_quiet_times_out(cli: Any, sent: bytes, tle_file: str) -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, sent)  # then the pipe stays open and silent
    try:
        # stdin still open: only the idle deadline can end it
        result = cli(*_args("-", tle_file), stdin=read_end, env=QUICK_TIMEOUT, timeout=60)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert result.code == 2 and result.out_bytes == b""
    assert b"standard input sent nothing for 1 s" in result.err_bytes and b"Traceback" not in result.err_bytes


def _trickle(write_end: int, lines: list[bytes]) -> None:
    for line in lines:
        os.write(write_end, line)
        time.sleep(0.4)  # under the 1 s idle deadline each time, 3.6 s in all
    os.close(write_end)


def test_slow_but_steady_standard_input_has_no_total_limit(cli: Any, tle_file: str) -> None:
    read_end, write_end = os.pipe()
    lines = [b"name,lat,lon\n", *(f"p{i},{10 * i - 40},{i}\n".encode() for i in range(8))]
    writer = threading.Thread(target=_trickle, args=(write_end, lines), daemon=True)
    started = time.monotonic()
    writer.start()
    try:
        result = cli(*_args("-", tle_file), stdin=read_end, env=QUICK_TIMEOUT, timeout=120)
    finally:
        writer.join(10)
        os.close(read_end)
    assert time.monotonic() - started > 3
    assert result.code == 0, result.err
    assert result.out_bytes.startswith(b"place,place_row,")
