"""`--ics PATH` (isstrack.io.outfile): what gets written, replaced, followed or refused, with real nodes."""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from isstrack.errors import OutputError
from isstrack.io.outfile import check_output, write_output
from tests.conftest import isstrack_command

PLACE = ["--lat", "52.37", "--lon", "4.89"]
FROM = "2026-09-24T12:00:00Z"


def _ics(cli: Any, tle_file: str, target: str, *extra: str) -> Any:
    return cli(
        "passes", *PLACE, "--from", FROM, "--days", "3", "--tle-file", tle_file, "--ics", target, *extra
    )


def _events(data: bytes) -> int:
    assert data.startswith(b"BEGIN:VCALENDAR"), data[:80]
    return data.count(b"BEGIN:VEVENT")


def test_a_regular_file_is_replaced_atomically_keeping_its_mode(
    cli: Any, tmp_path: Path, tle_file: str
) -> None:
    target = tmp_path / "iss.ics"
    target.write_text("old calendar\n")
    target.chmod(0o640)
    inode = target.stat().st_ino
    result = _ics(cli, tle_file, str(target))
    assert result.code == 0, result.err
    assert _events(target.read_bytes()) > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.stat().st_ino != inode  # a new file renamed into place, not rewritten in place
    assert not list(tmp_path.glob(".isstrack-*"))
    created = tmp_path / "new.ics"
    assert _ics(cli, tle_file, str(created)).code == 0
    assert stat.S_ISREG(created.stat().st_mode) and _events(created.read_bytes()) > 0


def test_a_symlink_is_kept_and_its_target_replaced(cli: Any, tmp_path: Path, tle_file: str) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "iss.ics"
    target.write_text("old\n")
    target.chmod(0o600)
    link = tmp_path / "link.ics"
    link.symlink_to(target)
    result = _ics(cli, tle_file, str(link))
    assert result.code == 0, result.err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert _events(target.read_bytes()) > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    dangling = tmp_path / "dangling.ics"
    dangling.symlink_to(real_dir / "later.ics")
    assert _ics(cli, tle_file, str(dangling)).code == 0
    assert dangling.is_symlink() and _events((real_dir / "later.ics").read_bytes()) > 0


def test_a_character_device_stays_a_device(cli: Any, tmp_path: Path, tle_file: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.stat("/dev/null").st_rdev)
    result = _ics(cli, tle_file, str(null))
    assert result.code == 0, result.err
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert null.lstat().st_rdev == os.stat("/dev/null").st_rdev
    assert not list(tmp_path.glob(".isstrack-*"))


def test_a_fifo_with_a_reader_gets_the_calendar(cli: Any, tmp_path: Path, tle_file: str) -> None:
    fifo = tmp_path / "cal.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as stream:  # blocks until isstrack opens it for writing
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = _ics(cli, tle_file, str(fifo))
    reader.join(timeout=30)
    assert result.code == 0, result.err
    assert _events(received[0]) > 0
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_fifo_without_a_reader_fails_within_its_deadline(cli: Any, tmp_path: Path, tle_file: str) -> None:
    fifo = tmp_path / "cal.fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(OutputError, match=r"FIFO with no reader after 0\.5 s"):
        write_output(fifo, b"data", "--ics", timeout_s=0.5)
    assert time.monotonic() - started < 5
    started = time.monotonic()
    result = _ics(cli, tle_file, str(fifo))  # the CLI's own deadline (10 s), not forever
    assert result.code == 2
    assert "is a FIFO with no reader" in result.err and result.err.count("\n") == 1
    assert time.monotonic() - started < 60
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_directories_sockets_and_block_devices_are_refused_before_any_work(
    cli: Any, tmp_path: Path, tle_file: str
) -> None:
    sock_path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    cases = [(tmp_path, "is a directory"), (sock_path, "is a socket")]
    if os.geteuid() == 0:
        block = tmp_path / "blk"
        os.mknod(block, stat.S_IFBLK | 0o600, os.makedev(7, 200))
        cases.append((block, "is a block device"))
    for path, words in cases:
        result = _ics(cli, tle_file, str(path))
        assert result.code == 2, (path, result)
        assert words in result.err and result.err.count("\n") == 1
        assert "Traceback" not in result.err
        with pytest.raises(OutputError, match=words):
            check_output(path, "--ics")
    assert stat.S_ISSOCK(sock_path.lstat().st_mode)
    server.close()
    assert not list(tmp_path.glob(".isstrack-*"))


def test_dash_and_dev_stdout_write_to_standard_output(
    cli: Any, cli_process: Any, tle_file: str, tmp_path: Path
) -> None:
    result = _ics(cli, tle_file, "-", "-q")
    assert result.code == 0, result.err
    assert _events(result.out.encode()) > 0
    # /dev/stdout is a symlink to this process's stdout (a pipe here): written into, not replaced.
    result = _ics(cli_process, tle_file, "/dev/stdout", "-q")
    assert result.code == 0, result.err
    assert _events(result.out.encode()) > 0
    # ... and to a file when stdout is redirected to one.
    out_file = tmp_path / "out.txt"
    args = ["passes", *PLACE, "--from", FROM, "--days", "3", "--tle-file", tle_file]
    with open(out_file, "wb") as stream:
        proc = subprocess.run(
            [*isstrack_command(), *args, "--ics", "/dev/stdout", "-q"],
            stdout=stream,
            stderr=subprocess.PIPE,
            env={**os.environ},
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr
    assert _events(out_file.read_bytes()) > 0


def _table_rows(text: str) -> int:
    return len(re.findall(r"^[^\w\n]*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d", text, flags=re.M))


def test_every_output_form_shows_the_same_passes_with_max_magnitude(
    cli: Any, tmp_path: Path, tle_file: str
) -> None:
    base = ("passes", *PLACE, "--from", FROM, "--days", "10", "--tle-file", tle_file, "-q")
    everything = cli(*base, "--json").json()["passes"]
    magnitudes = sorted(p["magnitude"] for p in everything)
    assert len(magnitudes) >= 3
    limit = magnitudes[len(magnitudes) // 2]  # about half of them are at least this bright
    expected = sum(m <= limit for m in magnitudes)
    assert 0 < expected < len(magnitudes)
    opts = ("--max-magnitude", f"{limit}")
    json_count = len(cli(*base, *opts, "--json").json()["passes"])
    csv_count = len(list(csv.DictReader(io.StringIO(cli(*base, *opts, "--csv").out))))
    table_count = _table_rows(cli(*base, *opts).out)
    ics = tmp_path / "bright.ics"
    assert cli(*base, *opts, "--ics", str(ics)).code == 0
    ics_count = _events(ics.read_bytes())
    assert json_count == csv_count == table_count == ics_count == expected
    # --all too: the calendar lists the same passes as the table, daylight ones included.
    every = cli(*base, "--all", "--json").json()["passes"]
    assert cli(*base, "--all", "--ics", str(ics)).code == 0
    assert _events(ics.read_bytes()) == len(every) == _table_rows(cli(*base, "--all").out)
