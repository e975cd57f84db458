"""`--places` input that could hang: FIFOs are refused, standard input has an idle deadline."""

from __future__ import annotations

import csv
import io
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


def test_cr_only_line_ends_are_read_like_lf(cli: Any, tmp_path: Path, tle_file: str) -> None:
    # Old Excel for Mac ends lines with a lone CR; a quoted name may hold a line end of its own.
    rows = [
        "name,latitude_deg,longitude_deg",
        '"Quito, EC",-0.18,-78.47',
        "Paris,48.86,2.35",
        "Oslo,59.91,10.75",
    ]
    by_end = {}
    for name, end in (("lf", "\n"), ("cr", "\r"), ("crlf", "\r\n")):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(end.join(rows).encode() + end.encode())
        result = cli("passes", "--places", str(path), "--tle-file", tle_file, "--from", FROM, "--all", "-q")
        assert result.code == 0, result.err
        by_end[name] = result.out
    assert by_end["cr"] == by_end["lf"] == by_end["crlf"]
    assert {row["place"] for row in csv.DictReader(io.StringIO(by_end["cr"]))} == {
        "Quito, EC",
        "Paris",
        "Oslo",
    }


def test_a_cr_only_file_larger_than_the_line_limit_is_read_whole(tmp_path: Path) -> None:
    from isstrack.batch.placefile import MAX_LINE_BYTES, read_places

    count = MAX_LINE_BYTES // 8  # over 1 MB with no LF at all
    lines = ["latitude_deg,longitude_deg"] + [f"{i % 180 - 89.5},{i % 360 - 179.5}" for i in range(count)]
    path = tmp_path / "mac.csv"
    path.write_bytes("\r".join(lines).encode())
    assert path.stat().st_size > MAX_LINE_BYTES
    table = read_places(path, stdin_idle_s=5)
    assert len(table) == count
    chunk = table.chunk(count - 1, count)
    assert (
        chunk.latitude_deg[0] == (count - 1) % 180 - 89.5
        and chunk.longitude_deg[0] == (count - 1) % 360 - 179.5
    )
    assert chunk.row(0) == count
